"""An ordered registry that apps fill from their ``AppConfig.ready()``.

The shared places of the portal (navigation, My work, demo data) never import the apps
that contribute to them, nor look them up by name: each app registers what it offers.
"""

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class Registry(Generic[T]):
    """Entries by ``order`` (ties in registration order); each name registers once."""

    what: str
    _entries: dict[str, tuple[int, T]] = field(default_factory=dict)

    def register(self, name: str, entry: T, *, order: int) -> T:
        existing = self._entries.get(name)
        if existing is not None and existing != (order, entry):
            raise ValueError(f"{self.what}: {name!r} is already registered.")
        self._entries[name] = (order, entry)
        return entry

    def names(self) -> list[str]:
        return [name for name, _ in self._ordered()]

    def entries(self) -> list[T]:
        return [entry for _, (_, entry) in self._ordered()]

    def _ordered(self):
        return sorted(self._entries.items(), key=lambda item: item[1][0])

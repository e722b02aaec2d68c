"""My work: what waits on a person across the portal, soonest first.

Each app registers a function ``sections(user) -> list[Section]`` from its
``AppConfig.ready()``; the home page shows every registered app's sections in order.
"""

from collections.abc import Callable
from typing import NotRequired, TypedDict

from .registry import Registry


class Item(TypedDict):
    title: str
    url: str
    detail: str
    overdue: NotRequired[bool]


class Section(TypedDict):
    title: str
    items: list[Item]
    empty: str  # what the page says when nothing waits


Provider = Callable[[object], list[Section]]

providers: Registry[Provider] = Registry("My work")


def register(app: str, sections: Provider, *, order: int) -> None:
    providers.register(app, sections, order=order)


def sections_for(user) -> list[Section]:
    """Every registered app's sections for ``user``, in the registry's order."""
    return [section for provide in providers.entries() for section in provide(user)]

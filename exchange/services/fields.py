"""Services that take a record's fields as keyword arguments say which they accept."""

from collections.abc import Iterable
from typing import Any


def only_fields(fields: dict[str, Any], allowed: Iterable[str], *, service: str) -> dict:
    """``fields`` when every key is one ``service`` accepts; a misspelt or unexpected
    field is an error, never silently dropped."""
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise TypeError(f"{service}() got unexpected field(s): {', '.join(unknown)}")
    return fields

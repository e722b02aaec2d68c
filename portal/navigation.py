"""The header navigation: one list for everyone, items shown by role.

The portal registers My work and Admin; each app registers its own item (and, if it has
one, a count shown beside it) from its ``AppConfig.ready()``.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from .registry import Registry


def signed_in(user) -> bool:
    return user.is_authenticated


@dataclass(frozen=True)
class Item:
    label: str
    url_name: str
    shown_to: Callable[[object], bool] = signed_in
    count: Callable[[object], int] | None = None


items: Registry[Item] = Registry("Navigation")


def register(item: Item, *, order: int) -> None:
    items.register(item.url_name, item, order=order)


def navigation_for(request) -> list[dict]:
    user = request.user
    entries = []
    for item in items.entries():
        if not item.shown_to(user):
            continue
        url = reverse(item.url_name)
        active = request.path == url if url == "/" else request.path.startswith(url)
        entry = {"label": item.label, "url": url, "active": active}
        if item.count is not None:
            entry["count"] = item.count(user)
        entries.append(entry)
    return entries

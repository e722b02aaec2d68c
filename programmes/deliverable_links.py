"""What other apps link to a deliverable (the handover app: a document version).

Programmes never imports those apps: an app registers a source from its
``AppConfig.ready()``. A source is ``links(*, user, deliverable_ids) -> {id: [link]}``
where each link is a dict with ``label`` and ``url``; it must return only what ``user``
may see under its own app's access rules, and answer in a fixed number of queries.
"""

from collections.abc import Callable

_SOURCES: list[Callable[..., dict[int, list[dict]]]] = []


def register(source: Callable[..., dict[int, list[dict]]]) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def links_for(*, user, deliverable_ids: list[int]) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = {}
    if not deliverable_ids:
        return found
    for source in _SOURCES:
        for pk, links in source(user=user, deliverable_ids=deliverable_ids).items():
            found.setdefault(pk, []).extend(links)
    return found

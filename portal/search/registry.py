"""The kinds of things the portal's search finds, registered by the apps that own them.

Each app registers a ``Source`` for every kind it offers from its ``AppConfig.ready()``
(see ``exchange/search.py``, ``programmes/search.py``, ``handover/search.py``). The
search page never imports those apps; it asks every registered source, in order.

A source says:

- ``kind`` and ``label``: the filter's value (``?kind=milestones``) and the heading;
- ``model``: a model with a ``search_vector`` column (``portal.search.fields``), whose
  fields and weights are the text searched;
- ``visible_to(user)``: **the app's own access function**, the one its pages use
  (``milestones_visible_to``...), so a result is never something the person could not
  open;
- ``title(obj)``, ``context(obj)`` and ``url(obj)``: what a result shows and links to;
- ``snippet_fields``: the fields a result's highlighted extract is drawn from;
- ``select_related``: what ``title`` and ``context`` read, fetched with the rows.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db.models import Model, QuerySet

from ..registry import Registry


@dataclass(frozen=True)
class Source:
    kind: str
    label: str
    model: type[Model]
    visible_to: Callable[[object], QuerySet]
    title: Callable[[Model], str]
    context: Callable[[Model], str]
    url: Callable[[Model], str] = field(default=lambda obj: obj.get_absolute_url())
    snippet_fields: Sequence[str] = ()
    select_related: Sequence[str] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        """The indexed fields: those of the model's search column."""
        column = self.model._meta.get_field("search_vector")
        return tuple(name for name, _ in column.expression.fields)


sources: Registry[Source] = Registry("Search sources")


def register(source: Source, *, order: int) -> Source:
    return sources.register(source.kind, source, order=order)


def all_sources() -> list[Source]:
    return sources.entries()


def source_for(kind: str) -> Source | None:
    return next((source for source in sources.entries() if source.kind == kind), None)

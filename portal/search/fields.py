"""The search column each searchable model carries, and its index.

``search_document(("title", "A"), ("description", "B"))`` is a stored generated column
(Django's ``GeneratedField``): the database computes it from the row on every insert and
update, however the row is written (a form, a service, ``update()``, ``bulk_create``, the
admin, a migration), so it is never out of date and no code has to remember it.

- On PostgreSQL it is a ``tsvector``: ``setweight(to_tsvector('english', title), 'A') ||
  setweight(to_tsvector('english', description), 'B')``. The text search configuration
  is the fixed literal ``'english'``, so the expression is immutable, as a generated
  column must be. ``SearchIndex`` puts a GIN index on it.
- On SQLite (the embedded default) it is the fields' text joined by spaces, and the index
  an ordinary one; the search there is a simpler ``LIKE`` over that text (``engine``).

Only the model's own columns may be indexed: a generated column cannot join.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Value
from django.db.models.expressions import Expression
from django.db.models.functions import Coalesce
from django.utils.deconstruct import deconstructible

CONFIG = "english"  # the text search configuration, fixed: the column must be immutable
WEIGHTS = ("A", "B", "C", "D")


class SearchColumnType(SearchVectorField):
    """``tsvector`` on PostgreSQL, text elsewhere."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"


@deconstructible(path="portal.search.fields.SearchDocument")
class SearchDocument(Expression):
    """The weighted document of ``fields`` (``(name, weight)`` pairs), per database."""

    output_field = SearchColumnType()

    def __init__(self, *fields: tuple[str, str]):
        if not fields:
            raise ValueError("A search document needs at least one field.")
        for name, weight in fields:
            if weight not in WEIGHTS:
                raise ValueError(f"{name}: weight {weight!r} is not one of {WEIGHTS}.")
        super().__init__()
        self.fields = tuple(tuple(pair) for pair in fields)

    def __repr__(self) -> str:
        return f"{type(self).__name__}{self.fields!r}"

    def _postgresql(self):
        vector = None
        for name, weight in self.fields:
            part = SearchVector(name, config=CONFIG, weight=weight)
            vector = part if vector is None else vector + part
        return vector

    def _text(self):
        parts = []
        for name, _ in self.fields:
            if parts:
                parts.append(Value(" "))
            parts.append(Coalesce(models.F(name), Value(""), output_field=models.TextField()))
        return parts

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        clone = self.copy()
        clone.is_summary = summarize
        clone._resolved_pg = self._postgresql().resolve_expression(
            query, allow_joins, reuse, summarize, for_save
        )
        clone._resolved_text = [
            part.resolve_expression(query, allow_joins, reuse, summarize, for_save)
            for part in self._text()
        ]
        return clone

    def as_postgresql(self, compiler, connection):
        return compiler.compile(self._resolved_pg)

    def as_sql(self, compiler, connection):
        # Elsewhere (SQLite): the fields' text, joined with spaces; "||" is deterministic.
        sql, params = [], []
        for part in self._resolved_text:
            part_sql, part_params = compiler.compile(part)
            sql.append(part_sql)
            params.extend(part_params)
        return "(" + " || ".join(sql) + ")", params

    def get_source_expressions(self):
        return []


def search_document(*fields: tuple[str, str]) -> models.GeneratedField:
    """The ``search_vector`` field of a searchable model (see the module's docstring)."""
    return models.GeneratedField(
        expression=SearchDocument(*fields),
        output_field=SearchColumnType(),
        db_persist=True,
        verbose_name="search document",
    )


class SearchIndex(GinIndex):
    """A GIN index on PostgreSQL; an ordinary index elsewhere (SQLite has no GIN)."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return models.Index.create_sql(self, model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)

"""Running a search: what matches, in what order, and the highlighted extracts.

Every query starts from the source's ``visible_to(user)``: a result is only ever
something the person may open.

- PostgreSQL: ``websearch_to_tsquery('english', q)`` against the ``search_vector``
  column (GIN index), ranked with ``ts_rank`` (title words weigh most), extracts from
  ``ts_headline``.
- SQLite: every word of the query must appear (``LIKE``, case-insensitive for ASCII) in
  the column's text, with ``or`` and ``-word`` read as websearch reads them; newest
  first; extracts cut in Python.

Extracts and titles are escaped; only the highlight marks are markup.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..pagination import COUNT_LIMIT
from .fields import CONFIG
from .registry import Source

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12  # words a query may have; more are left out
PREVIEW_SIZE = 5  # results of each kind shown when searching every kind
SNIPPET_CHARS = 220  # about this long, on SQLite

# Highlight marks around matched words in the database's extract: private-use characters,
# which the escaping below leaves alone and turns into <mark>.
START, STOP = "\ue000", "\ue001"
_MARKS = re.compile(f"({START}|{STOP})")
_WORDS = re.compile(r"\w+", re.UNICODE)
_OPERATORS = {"or", "and", "not"}


def terms(query: str) -> list[str]:
    """The query's words, without websearch's operators, at most ``MAX_TERMS``."""
    found = []
    for word in _WORDS.findall(query.lower()):
        if word not in _OPERATORS and word not in found:
            found.append(word)
    return found[:MAX_TERMS]


def full_text() -> bool:
    return connection.vendor == "postgresql"


def _search_query(query: str) -> SearchQuery:
    return SearchQuery(query, search_type="websearch", config=CONFIG)


def matches(source: Source, *, user, query: str) -> QuerySet:
    """What ``query`` finds of ``source`` that ``user`` may see, best first."""
    rows = source.visible_to(user)
    if full_text():
        search = _search_query(query)
        return (
            rows.filter(search_vector=search)
            .annotate(search_rank=SearchRank(F("search_vector"), search))
            .order_by("-search_rank", "-pk")
        )
    condition = _fallback_condition(query)
    if condition is None:
        return rows.none()
    return rows.filter(condition).order_by("-pk")


def _fallback_condition(query: str) -> Q | None:
    """The websearch syntax, roughly, as ``LIKE``s: every word (a quoted phrase's words
    too) must appear; ``or`` separates alternatives; ``-word`` must not appear."""
    groups, current, excluded, seen = [], [], [], 0
    for token in query.split():
        if token.lower() == "or":
            if current:
                groups.append(current)
                current = []
            continue
        words = _WORDS.findall(token.lower())
        words = words[: max(0, MAX_TERMS - seen)]
        seen += len(words)
        (excluded if token.startswith("-") else current).extend(words)
    if current:
        groups.append(current)
    if not groups:
        return None
    condition = Q()
    for group in groups:
        together = Q()
        for word in group:
            together &= Q(search_vector__icontains=word)
        condition |= together
    for word in excluded:
        condition &= ~Q(search_vector__icontains=word)
    return condition


def count(rows: QuerySet) -> int:
    """How many, counted up to ``COUNT_LIMIT`` + 1 (as the lists' paginator does)."""
    return rows.order_by().values("pk")[: COUNT_LIMIT + 1].count()


def for_display(source: Source, rows: QuerySet, *, query: str) -> QuerySet:
    """The rows with what a result shows: related rows and, on PostgreSQL, the extract."""
    rows = rows.select_related(*source.select_related) if source.select_related else rows
    if full_text() and source.snippet_fields:
        parts = []
        for name in source.snippet_fields:
            if parts:
                parts.append(Value(" … "))
            parts.append(F(name))
        text = parts[0] if len(parts) == 1 else Concat(*parts, output_field=TextField())
        rows = rows.annotate(
            search_snippet=SearchHeadline(
                text,
                _search_query(query),
                config=CONFIG,
                start_sel=START,
                stop_sel=STOP,
                max_words=30,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            )
        )
    return rows


@dataclass(frozen=True)
class Result:
    kind: str
    title: SafeString
    url: str
    context: str
    snippet: SafeString


def result(source: Source, obj, *, query: str) -> Result:
    words = terms(query)
    if full_text():
        snippet = marked(getattr(obj, "search_snippet", "") or "")
        if not _has_match(snippet):
            snippet = mark_safe("")  # noqa: S308 (empty: the extract found no word)
    else:
        snippet = _extract(source, obj, words)
    return Result(
        kind=source.kind,
        title=highlight(source.title(obj), words),
        url=source.url(obj),
        context=source.context(obj),
        snippet=snippet,
    )


def _has_match(snippet: str) -> bool:
    return "<mark>" in snippet


def marked(text: str) -> SafeString:
    """Text from the database with ``START``/``STOP`` marks: every character escaped, the
    marks (balanced, never nested) turned into ``<mark>``."""
    out, open_ = [], False
    for part in _MARKS.split(text):
        if part == START:
            if not open_:
                out.append("<mark>")
                open_ = True
        elif part == STOP:
            if open_:
                out.append("</mark>")
                open_ = False
        else:
            out.append(escape(part))
    if open_:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 (every part above is escaped)


def _word_pattern(words: list[str]) -> re.Pattern | None:
    if not words:
        return None
    # Longest first, so that "evaluations" wins over "evaluation".
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})\w*", re.IGNORECASE)


def highlight(text: str, words: list[str]) -> SafeString:
    """``text`` escaped, with the words that start with a query word marked."""
    pattern = _word_pattern(words)
    if pattern is None:
        return escape(text)
    marks = pattern.sub(lambda found: f"{START}{found.group(0)}{STOP}", _unmarked(text))
    return marked(marks)


def _unmarked(text: str) -> str:
    return text.replace(START, "").replace(STOP, "")


def _extract(source: Source, obj, words: list[str]) -> SafeString:
    """On SQLite: about ``SNIPPET_CHARS`` around the first query word in the snippet
    fields, marked."""
    pattern = _word_pattern(words)
    for name in source.snippet_fields:
        text = " ".join((getattr(obj, name, "") or "").split())
        found = pattern.search(text) if pattern else None
        if found is None:
            continue
        start = max(0, found.start() - SNIPPET_CHARS // 3)
        piece = text[start : start + SNIPPET_CHARS]
        prefix = "…" if start > 0 else ""
        suffix = "…" if start + SNIPPET_CHARS < len(text) else ""
        return highlight(f"{prefix}{piece}{suffix}", words)
    return mark_safe("")  # noqa: S308 (empty)

"""Milestone exports (CSV, XLSX) and the personal iCal feed, all streamed.

Each takes an already-filtered, visibility-checked queryset from the selectors, reads
exactly the columns it writes (``values_list``, no model instances) with a server-side
cursor, and yields its output a few hundred rows at a time: the number of queries and
the memory used do not depend on the number of rows.
"""

import csv
import datetime
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import Func, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from portal import spreadsheets
from portal.downloads import csv_safe
from portal.spreadsheets import date_cell, number_cell, text_cell, xml_text

from .models import OPEN_DELIVERABLE_STATUSES, Deliverable, DeliverableStatus, MilestoneStatus, Rag

HEADERS = [
    "Project",
    "Project title",
    "Milestone",
    "Owner",
    "Owner's institute",
    "Status",
    "RAG",
    "Due date",
    "Baseline due date",
    "Slippage (days)",
    "Completed on",
    "Deliverables",
    "Deliverables delivered",
    "Deliverables overdue",
]

ROW_COLUMNS = (
    "project__code",
    "project__title",
    "title",
    "owner__full_name",
    "owner__email",
    "owner__institute__code",
    "status",
    "rag",
    "due_date",
    "baseline_due_date",
    "completed_on",
    "deliverable_count",
    "deliverable_done_count",
    "deliverable_overdue_count",
)
STATUS_LABELS = dict(MilestoneStatus.choices)
RAG_LABELS = {rag.value: rag.value.capitalize() for rag in Rag}
CHUNK_ROWS = spreadsheets.CHUNK_ROWS


def milestone_values(queryset, *, today: datetime.date) -> Iterator[tuple]:
    """The exported columns of each milestone (``ROW_COLUMNS``), straight from the
    database; the queryset must come from ``milestone_list_for_page`` (it carries the
    ``rag`` annotation and the list's order). Deliverables are counted by subqueries:
    in all, delivered, and overdue (open and due before ``today``)."""
    of_milestone = Deliverable.objects.filter(milestone_id=OuterRef("pk")).order_by()

    def count(rows):
        return Coalesce(
            Subquery(
                rows.annotate(n=Func(Value(1), function="COUNT")).values("n")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        )

    return (
        queryset.annotate(
            deliverable_count=count(of_milestone),
            deliverable_done_count=count(of_milestone.filter(status=DeliverableStatus.DELIVERED)),
            deliverable_overdue_count=count(
                of_milestone.filter(status__in=OPEN_DELIVERABLE_STATUSES, due_date__lt=today)
            ),
        )
        .values_list(*ROW_COLUMNS)
        .iterator(chunk_size=2000)
    )


# --- CSV ------------------------------------------------------------------------------


def csv_stream(values: Iterable[tuple]) -> Iterator[str]:
    """CSV of ``milestone_values``; text a spreadsheet would run as a formula is quoted
    (``csv_safe``)."""
    lines = spreadsheets.Lines()
    writer = csv.writer(lines)
    safe = spreadsheets.memo(csv_safe)
    yield spreadsheets.CSV_START
    writer.writerow(HEADERS)
    for count, row in enumerate(values, start=1):
        code, project_title, title, name, email, institute, status, rag, due, base, done = row[:11]
        delivered_total, delivered, overdue = row[11:]
        writer.writerow(
            (
                safe(code),
                safe(project_title),
                csv_safe(title),
                safe(name or email),
                safe(institute or ""),
                STATUS_LABELS.get(status, status),
                RAG_LABELS.get(rag, rag),
                due.isoformat(),
                base.isoformat(),
                (due - base).days,
                done.isoformat() if done else "",
                delivered_total,
                delivered,
                overdue,
            )
        )
        if count % CHUNK_ROWS == 0:
            yield "".join(lines.take())
    yield "".join(lines.take())


# --- XLSX -----------------------------------------------------------------------------
# The portal's streamed workbook (``portal.spreadsheets``): text as inline strings, so a
# title starting with "=" is never a formula; dates as serial numbers with a date format.


def _milestone_cells(values: Iterable[tuple]) -> Iterator[str]:
    text = spreadsheets.memo(xml_text)
    for row in values:
        code, ptitle, title, name, email, inst, status, rag, due, base, done = row[:11]
        yield (
            text_cell(text(code))
            + text_cell(text(ptitle))
            + text_cell(xml_text(title))
            + text_cell(text(name or email))
            + text_cell(text(inst or ""))
            + text_cell(text(STATUS_LABELS.get(status, status)))
            + text_cell(text(RAG_LABELS.get(rag, rag)))
            + date_cell(due)
            + date_cell(base)
            + number_cell((due - base).days)
            + date_cell(done)
            + "".join(number_cell(count) for count in row[11:])
        )


def xlsx_stream(values: Iterable[tuple]) -> Iterator[bytes]:
    """XLSX of ``milestone_values`` as a stream of bytes, a few hundred rows at a time."""
    return spreadsheets.xlsx_stream_rows(
        HEADERS, _milestone_cells(values), sheet_name="Milestones", chunk_rows=CHUNK_ROWS
    )


# --- iCal -----------------------------------------------------------------------------
# RFC 5545 written directly: text escaped (section 3.3.11) and lines folded at 75 octets
# (section 3.1), CRLF line ends.


def milestone_uid(milestone_pk: int) -> str:
    return f"milestone-{milestone_pk}@{settings.PORTAL_NAME.lower().replace(' ', '-')}"


def ical_text(value: str) -> str:
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def ical_line(line: str) -> str:
    """One content line, folded so that no physical line exceeds 75 octets."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line + "\r\n"
    pieces = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current = ""
            size = 0
            limit = 74  # continuation lines start with a space
        current += char
        size += width
    pieces.append(current)
    return "\r\n ".join(pieces) + "\r\n"


def _ical_stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _ical_event(uid: str, stamp, summary: str, day: datetime.date, url: str) -> str:
    return (
        "BEGIN:VEVENT\r\n"
        f"UID:{uid}\r\n"
        f"DTSTAMP:{_ical_stamp(stamp)}\r\n"
        + ical_line(f"SUMMARY:{ical_text(summary)}")
        + f"DTSTART;VALUE=DATE:{day:%Y%m%d}\r\n"
        f"DTEND;VALUE=DATE:{day + datetime.timedelta(days=1):%Y%m%d}\r\n"
        "TRANSP:TRANSPARENT\r\n" + ical_line(f"URL:{url}") + "END:VEVENT\r\n"
    )


def calendar_ics_stream(milestones, *, user, others: Iterable = (), base_url: str = ""):
    """RFC 5545 calendar: one all-day event per milestone, then one per event of the
    other apps' sources (``calendar_sources.CalendarEvent``); a title, a date and a link
    back to the record's page only."""
    head = [
        "BEGIN:VCALENDAR",
        f"PRODID:-//{ical_text(settings.PORTAL_NAME)}//Milestones//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ical_text(f'Milestones – {user.get_full_name()}')}",
    ]
    yield "".join(ical_line(line) for line in head).encode("utf-8")
    uid_suffix = milestone_uid(0).removeprefix("milestone-0")
    page = base_url + reverse("programmes:milestone_detail", args=[123456789]).replace(
        "123456789", "{}"
    )
    parts = []
    rows = milestones.values_list("pk", "title", "due_date", "updated_at", "project__code")
    for count, (pk, title, due, updated, code) in enumerate(
        rows.iterator(chunk_size=2000), start=1
    ):
        parts.append(
            _ical_event(
                f"milestone-{pk}{uid_suffix}", updated, f"{code}: {title}", due, page.format(pk)
            )
        )
        if count % CHUNK_ROWS == 0:
            yield "".join(parts).encode("utf-8")
            parts = []
    for event in others:
        parts.append(
            _ical_event(
                f"{event.uid}{uid_suffix}",
                event.stamp,
                event.summary,
                event.date,
                base_url + event.path,
            )  # fmt: skip
        )
    parts.append("END:VCALENDAR\r\n")
    yield "".join(parts).encode("utf-8")

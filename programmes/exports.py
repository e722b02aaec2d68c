"""Milestone exports (CSV, XLSX) and the personal iCal feed.

Each takes an already-filtered, visibility-checked queryset from the selectors and
iterates it once, so the number of queries does not depend on the number of rows.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Iterator

from django.conf import settings
from icalendar import Calendar, Event
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from portal.downloads import csv_safe

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
]


def milestone_rows(queryset) -> Iterator[list]:
    """One row per milestone; the queryset must come from ``milestone_list_for_page``."""
    for m in queryset.iterator(chunk_size=1000):
        yield [
            m.project.code,
            m.project.title,
            m.title,
            str(m.owner),
            m.owner.institute.code if m.owner.institute_id else "",
            m.get_status_display(),
            m.rag.capitalize(),
            m.due_date,
            m.baseline_due_date,
            (m.due_date - m.baseline_due_date).days,
            m.completed_on,
        ]


def _csv_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return csv_safe(value)
    return "" if value is None else value


class _Echo:
    def write(self, value):
        return value


def csv_stream(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
    yield writer.writerow(HEADERS)
    for row in rows:
        yield writer.writerow([_csv_value(value) for value in row])


def _xlsx_cell(sheet, value):
    if not isinstance(value, str):
        return value
    # Text is always stored as text, so a title starting with "=" never becomes a formula.
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def xlsx_bytes(rows: Iterable[list]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Milestones")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def milestone_uid(milestone_pk: int) -> str:
    return f"milestone-{milestone_pk}@{settings.PORTAL_NAME.lower().replace(' ', '-')}"


def calendar_ics(milestones, *, user) -> bytes:
    """RFC 5545 calendar: one all-day event per milestone, title and date only."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.PORTAL_NAME}//Milestones//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Milestones – {user.get_full_name()}")
    for milestone in milestones.iterator(chunk_size=1000):
        event = Event()
        event.add("uid", milestone_uid(milestone.pk))
        event.add("dtstamp", milestone.updated_at)
        event.add("summary", f"{milestone.project.code}: {milestone.title}")
        event.add("dtstart", milestone.due_date)
        event.add("dtend", milestone.due_date + datetime.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()

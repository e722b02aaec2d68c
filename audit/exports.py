"""The audit log as CSV for a date range, streamed, every text cell formula-safe.

``csv_safe`` lives here, the lowest app that writes spreadsheets; ``portal.downloads``
re-exports it for every other export.
"""

import csv
import datetime
import json
import zoneinfo
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

from .models import AuditEntry

# Spreadsheet programs run a cell starting with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A text cell that a spreadsheet will show as text, never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


HEADERS = [
    "When (UTC)",
    "Event",
    "Who",
    "Institute",
    "Record type",
    "Record id",
    "Record",
    "Record's institute",
    "Old values",
    "New values",
    "IP address",
    "Summary",
]


def day_bounds(start: datetime.date, end: datetime.date, *, time_zone: str):
    """The instants from the start of ``start`` to the end of ``end`` on that clock."""
    zone = zoneinfo.ZoneInfo(time_zone)
    begin = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    finish = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    return begin, finish.replace(tzinfo=zone)


def entry_row(entry: AuditEntry) -> list:
    return [
        entry.at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        entry.get_event_display(),
        entry.actor_label,
        entry.institute.code if entry.institute_id else "",
        entry.object_type,
        entry.object_id,
        entry.object_label,
        entry.object_institute.code if entry.object_institute_id else "",
        json.dumps(entry.old_values, sort_keys=True) if entry.old_values else "",
        json.dumps(entry.new_values, sort_keys=True) if entry.new_values else "",
        entry.ip or "",
        entry.summary,
    ]


class _Echo:
    def write(self, value):
        return value


def csv_stream(entries: Iterable[AuditEntry]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
    yield writer.writerow(HEADERS)
    for entry in entries:
        yield writer.writerow([csv_safe(value) for value in entry_row(entry)])


def csv_response(lines: Iterator[str], *, filename: str) -> StreamingHttpResponse:
    # The same headers as every portal download (portal.downloads): never sniffed, cached
    # or shown in the browser.
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

"""Milestone exports (CSV, XLSX) and the personal iCal feed, all streamed.

Each takes an already-filtered, visibility-checked queryset from the selectors, reads
exactly the columns it writes (``values_list``, no model instances) with a server-side
cursor, and yields its output a few hundred rows at a time: the number of queries and
the memory used do not depend on the number of rows.
"""

import csv
import datetime
import re
import zipfile
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

from django.conf import settings

from portal.downloads import csv_safe

from .models import MilestoneStatus

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
)
STATUS_LABELS = dict(MilestoneStatus.choices)
CHUNK_ROWS = 500


def milestone_rows(queryset) -> Iterator[list]:
    """One row per milestone; the queryset must come from ``milestone_list_for_page``
    (it carries the ``rag`` annotation and the list's order)."""
    for (
        code,
        project_title,
        title,
        owner_name,
        owner_email,
        institute_code,
        status,
        rag,
        due,
        baseline,
        completed,
    ) in queryset.values_list(*ROW_COLUMNS).iterator(chunk_size=2000):
        yield [
            code,
            project_title,
            title,
            owner_name or owner_email,
            institute_code or "",
            STATUS_LABELS.get(status, status),
            rag.capitalize(),
            due,
            baseline,
            (due - baseline).days,
            completed,
        ]


# --- CSV ------------------------------------------------------------------------------


def _csv_value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return csv_safe(value)
    return "" if value is None else value


class _Lines:
    """A file-like object that keeps what is written, for a generator to hand on."""

    def __init__(self):
        self.parts: list = []

    def write(self, value):
        self.parts.append(value)
        return len(value)

    def flush(self):
        pass

    def take(self):
        taken = self.parts
        self.parts = []
        return taken


def csv_stream(rows: Iterable[list]) -> Iterator[str]:
    lines = _Lines()
    writer = csv.writer(lines)
    yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
    writer.writerow(HEADERS)
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_value(value) for value in row])
        if count % CHUNK_ROWS == 0:
            yield "".join(lines.take())
    yield "".join(lines.take())


# --- XLSX -----------------------------------------------------------------------------
# A minimal SpreadsheetML workbook, written row by row into a zip that is streamed as it
# grows (``zipfile`` writes data descriptors to an unseekable output). Text is stored as
# inline strings, so a title starting with "=" is never a formula; dates are serial
# numbers with a date format, as spreadsheet programs store them.

_XLSX_STATIC = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Milestones" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
        "</borders>"
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</cellStyleXfs>"
        '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
        'applyNumberFormat="1"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        "</cellXfs>"
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheetData>"
)
_SHEET_END = "</sheetData></worksheet>"
_COLUMNS = [chr(ord("A") + i) for i in range(len(HEADERS))]
_EPOCH = datetime.date(1899, 12, 30)
# Characters XML 1.0 cannot carry, even escaped.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xlsx_cell(ref: str, value, *, style: int = 0) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.date):
        return f'<c r="{ref}" s="1"><v>{(value - _EPOCH).days}</v></c>'
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = escape(_XML_ILLEGAL.sub("", str(value)))
        styled = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{styled} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def _xlsx_row(number: int, values, *, style: int = 0) -> str:
    cells = "".join(
        _xlsx_cell(f"{column}{number}", value, style=style)
        for column, value in zip(_COLUMNS, values, strict=False)
    )
    return f'<row r="{number}">{cells}</row>'


def xlsx_stream(rows: Iterable[list]) -> Iterator[bytes]:
    """The workbook as a stream of bytes, a few hundred rows at a time."""
    output = _Lines()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, text in _XLSX_STATIC.items():
            zf.writestr(name, text)
        with zf.open("xl/worksheets/sheet1.xml", "w") as sheet:
            parts = [_SHEET_START, _xlsx_row(1, HEADERS, style=2)]
            for number, row in enumerate(rows, start=2):
                parts.append(_xlsx_row(number, row))
                if len(parts) >= CHUNK_ROWS:
                    sheet.write("".join(parts).encode("utf-8"))
                    parts = []
                    yield b"".join(output.take())
            parts.append(_SHEET_END)
            sheet.write("".join(parts).encode("utf-8"))
    yield b"".join(output.take())


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


def calendar_ics_stream(milestones, *, user) -> Iterator[bytes]:
    """RFC 5545 calendar: one all-day event per milestone, title and date only."""
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
    parts = []
    rows = milestones.values_list("pk", "title", "due_date", "updated_at", "project__code")
    for count, (pk, title, due, updated, code) in enumerate(
        rows.iterator(chunk_size=2000), start=1
    ):
        parts.append(
            "BEGIN:VEVENT\r\n"
            f"UID:milestone-{pk}{uid_suffix}\r\n"
            f"DTSTAMP:{_ical_stamp(updated)}\r\n"
            + ical_line(f"SUMMARY:{ical_text(f'{code}: {title}')}")
            + f"DTSTART;VALUE=DATE:{due:%Y%m%d}\r\n"
            f"DTEND;VALUE=DATE:{due + datetime.timedelta(days=1):%Y%m%d}\r\n"
            "TRANSP:TRANSPARENT\r\n"
            "END:VEVENT\r\n"
        )
        if count % CHUNK_ROWS == 0:
            yield "".join(parts).encode("utf-8")
            parts = []
    parts.append("END:VCALENDAR\r\n")
    yield "".join(parts).encode("utf-8")

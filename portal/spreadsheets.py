"""Streamed CSV and XLSX, with the portal's safety rules, for every export that writes a
table: the milestone export (``programmes.exports``), the exchange reports and any other.

The rules: text a spreadsheet would run as a formula is quoted in CSV (``csv_safe``) and
stored as an inline string in XLSX (never a formula); characters XML cannot carry are
dropped; output is yielded a few hundred rows at a time, so memory does not grow with the
number of rows. ``table_csv`` and ``table_xlsx`` write any rows of plain values (text,
numbers, dates, None); the milestone export uses the pieces below directly, for speed.
"""

import csv
import datetime
import decimal
import zipfile
from collections.abc import Callable, Iterable, Iterator

from .downloads import csv_safe

CHUNK_ROWS = 500
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def memo(convert: Callable) -> Callable:
    """``convert`` remembered for values that repeat (projects, owners, labels)."""
    seen: dict = {}

    def cached(value):
        try:
            return seen[value]
        except KeyError:
            if len(seen) > 5000:
                seen.clear()
            result = seen[value] = convert(value)
            return result

    return cached


class Lines:
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


# --- CSV ------------------------------------------------------------------------------

CSV_START = "\ufeff"  # so spreadsheet programs read the file as UTF-8


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float | decimal.Decimal):
        return value
    return csv_safe(str(value))


def table_csv(
    headers: Iterable[str], rows: Iterable[Iterable], *, chunk_rows: int | None = None
) -> Iterator[str]:
    """CSV of ``rows`` under ``headers``; every text cell formula-safe."""
    chunk_rows = chunk_rows or CHUNK_ROWS
    lines = Lines()
    writer = csv.writer(lines)
    yield CSV_START
    writer.writerow([csv_safe(label) for label in headers])
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_value(value) for value in row])
        if count % chunk_rows == 0:
            yield "".join(lines.take())
    yield "".join(lines.take())


# --- XLSX -----------------------------------------------------------------------------
# A minimal SpreadsheetML workbook, written row by row into a zip that is streamed as it
# grows (``zipfile`` writes data descriptors to an unseekable output). Text is stored as
# inline strings, so a title starting with "=" is never a formula; dates are serial
# numbers with a date format, as spreadsheet programs store them.


def _xlsx_static(sheet_name: str) -> dict[str, str]:
    return {
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
            f'<sheets><sheet name="{xml_text(sheet_name)[:31]}" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>"
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
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
            "</cellStyles></styleSheet>"
        ),
    }


_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheetData>"
)
_SHEET_END = "</sheetData></worksheet>"
_EPOCH = datetime.date(1899, 12, 30).toordinal()
# XML's three special characters escaped, and the characters XML 1.0 cannot carry even
# escaped dropped, in one pass.
_XML_TEXT = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        **{chr(c): None for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]},
        "\ufffe": None,
        "\uffff": None,
    }
)


def xml_text(value: str) -> str:
    return value.translate(_XML_TEXT)


def text_cell(text: str, *, style: str = "") -> str:
    """An inline-string cell of already escaped ``text`` (``xml_text``)."""
    # Cells carry no reference (it is optional: each follows the one before), and keep
    # their spaces only where there are any to keep, to keep the sheet small.
    if not text:
        return "<c/>"
    if text[0].isspace() or text[-1].isspace():
        return f'<c{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f'<c{style} t="inlineStr"><is><t>{text}</t></is></c>'


def date_cell(value) -> str:
    return f'<c s="1"><v>{value.toordinal() - _EPOCH}</v></c>' if value else "<c/>"


def number_cell(value) -> str:
    return f"<c><v>{value}</v></c>"


def header_row(headers: Iterable[str]) -> str:
    cells = "".join(text_cell(xml_text(label), style=' s="2"') for label in headers)
    return f'<row r="1">{cells}</row>'


def value_cell(value) -> str:
    """A cell for a plain value: text, a number, a date or nothing."""
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, bool):
        return text_cell("Yes" if value else "No")
    if isinstance(value, int | float | decimal.Decimal):
        return number_cell(value)
    if isinstance(value, datetime.datetime):
        return text_cell(xml_text(value.isoformat()))
    if isinstance(value, datetime.date):
        return date_cell(value)
    return text_cell(xml_text(str(value)))


def xlsx_stream_rows(
    headers: Iterable[str],
    row_xml: Iterable[str],
    *,
    sheet_name: str,
    chunk_rows: int | None = None,
) -> Iterator[bytes]:
    """An XLSX workbook of one sheet, as a stream of bytes: ``headers`` in bold, then each
    row's cells as given (``text_cell``, ``date_cell``... joined), a few hundred at a time."""
    chunk_rows = chunk_rows or CHUNK_ROWS
    output = Lines()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, content in _xlsx_static(sheet_name).items():
            zf.writestr(name, content)
        with zf.open("xl/worksheets/sheet1.xml", "w") as sheet:
            parts = [_SHEET_START, header_row(headers)]
            for n, cells in enumerate(row_xml, start=2):
                parts.append(f'<row r="{n}">{cells}</row>')
                if len(parts) >= chunk_rows:
                    sheet.write("".join(parts).encode("utf-8"))
                    parts = []
                    yield b"".join(output.take())
            parts.append(_SHEET_END)
            sheet.write("".join(parts).encode("utf-8"))
    yield b"".join(output.take())


def table_xlsx(
    headers: Iterable[str],
    rows: Iterable[Iterable],
    *,
    sheet_name: str,
    chunk_rows: int | None = None,
) -> Iterator[bytes]:
    """XLSX of ``rows`` of plain values under ``headers``."""
    return xlsx_stream_rows(
        headers,
        ("".join(value_cell(value) for value in row) for row in rows),
        sheet_name=sheet_name,
        chunk_rows=chunk_rows,
    )

"""Detail rows written straight as worksheet XML, then spliced into the workbook XlsxWriter made.

Why not XlsxWriter's own cell calls: at district scale (40,000 rows, 300,000 cells) they cost
about 4 s of CPU, most of the report's budget of 10 s (DESIGN.md, "Quality targets"), for
work that is a string template per cell. Here a row is one join of precomputed pieces, written
to a temporary file as it comes (a generator from the database is read once and never held),
and the file is copied into the sheet's `<sheetData>` when the ZIP is assembled. Everything
else about the sheet (header row, styles, widths, frozen pane, autofilter) is still
XlsxWriter's, so the styles referenced here are XlsxWriter formats.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any, BinaryIO

from django.utils import timezone
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name

from reports.exports.common import safe_text
from reports.snapshot import Unit

_EPOCH = date(1899, 12, 30)  # Excel's day 0 in the 1900 date system, past its 1900 leap-year bug
_MAX_TEXT = 32767  # Excel's limit for a cell's text
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPE_LIKE = re.compile(r"_x[0-9A-Fa-f]{4}_")
_FLUSH_EVERY = 2000
MAX_ROWS = 1_048_576  # a worksheet's last row


def xml_text(text: str) -> str:
    """Text for a `<t>` element: XML-escaped, without the control characters XML 1.0 cannot
    carry (invisible, pasted by accident), and with a literal `_xHHHH_` protected as
    `_x005F_xHHHH_`, since Excel would otherwise read it as an escaped character."""
    text = text[:_MAX_TEXT].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "_x" in text:
        text = _ESCAPE_LIKE.sub(lambda m: "_x005F" + m.group(), text)
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text


def excel_serial(value: date | datetime) -> float | int:
    """A date as Excel's day number; an aware datetime is shown in the site's local time."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        delta = value - datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000
    return (value - _EPOCH).days


CellXml = Callable[[str, Any], str]


def cell_xml(letter: str, unit: str, style: int, date_style: int, datetime_style: int) -> CellXml:
    """The function that writes one column's cell, its reference and style fixed once."""
    style_attr = f' s="{style}"' if style else ""
    percent = unit == Unit.PERCENT

    def write(row: str, value: Any) -> str:
        ref = letter + row
        if isinstance(value, str):
            text = xml_text(safe_text(value))
            space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
            return f'<c r="{ref}" t="inlineStr"><is><t{space}>{text}</t></is></c>'
        if isinstance(value, bool):
            return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, int):
            return f'<c r="{ref}"{style_attr}><v>{value / 100 if percent else value}</v></c>'
        if isinstance(value, Decimal | float):
            figure = float(value)
            if figure != figure or figure in (float("inf"), float("-inf")):
                return ""
            return f'<c r="{ref}"{style_attr}><v>{figure / 100 if percent else figure!r}</v></c>'
        if isinstance(value, datetime):
            return f'<c r="{ref}" s="{datetime_style}"><v>{excel_serial(value)!r}</v></c>'
        if isinstance(value, date):
            return f'<c r="{ref}" s="{date_style}"><v>{excel_serial(value)}</v></c>'
        text = xml_text(safe_text(str(value)))
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'

    return write


def style_index(fmt: Format | None) -> int:
    """The cell style number of an XlsxWriter format. Asking for it is what makes XlsxWriter
    write the format into styles.xml (it otherwise keeps only formats given to a cell)."""
    return fmt._get_xf_index() if fmt is not None else 0


@dataclass
class PendingRows:
    """Rows written for one sheet, waiting for the workbook's ZIP to be assembled."""

    member: str  # e.g. "xl/worksheets/sheet3.xml"
    columns: int
    count: int
    file: IO[bytes]


def stream_rows(
    rows: Iterable[list[Any]],
    writers: list[CellXml],
    out: IO[bytes],
    *,
    first_row: int,
    on_sample: Callable[[list[Any]], None] | None = None,
    sample: int = 0,
) -> int:
    """Write the rows as `<row>` elements to `out` (a temporary file); answer how many. The
    first `sample` rows are also shown to `on_sample` (to size the columns)."""
    buffer: list[str] = []
    count = 0
    for count, values in enumerate(rows, start=1):
        if first_row + count - 1 > MAX_ROWS:
            raise ValueError(f"More rows than a worksheet holds ({MAX_ROWS:,}); export them as CSV.")
        number = str(first_row + count - 1)
        cells = "".join(writers[index](number, value) for index, value in enumerate(values) if value is not None)
        buffer.append(f'<row r="{number}">{cells}</row>')
        if count <= sample and on_sample is not None:
            on_sample(values)
        if len(buffer) >= _FLUSH_EVERY:
            out.write("".join(buffer).encode())
            buffer.clear()
    out.write("".join(buffer).encode())
    out.seek(0)
    return count


_DIMENSION = re.compile(rb'<dimension ref="[^"]*"/>')


def splice(source: IO[bytes], out: BinaryIO, pending: list[PendingRows]) -> None:
    """Copy the workbook XlsxWriter wrote into `out`, putting each sheet's streamed rows at the
    end of its `<sheetData>` and its `<dimension>` to the rows it now holds."""
    by_member = {item.member: item for item in pending}
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zout:
        for info in zin.infolist():
            item = by_member.get(info.filename)
            if item is None:
                zout.writestr(info, zin.read(info), compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
                continue
            xml = zin.read(info)
            head, marker, tail = xml.partition(b"</sheetData>")
            if not marker:
                raise ValueError(f"{info.filename} has no <sheetData> to put the rows in")
            last = f"{xl_col_to_name(max(item.columns - 1, 0))}{item.count + 1}"
            head = _DIMENSION.sub(f'<dimension ref="A1:{last}"/>'.encode(), head, count=1)
            member = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            with zout.open(member, "w", force_zip64=True) as target:
                target.write(head)
                shutil.copyfileobj(item.file, target, 1 << 20)
                target.write(marker + tail)

"""The XLSX export: a summary sheet, a sheet of charts with the figures they draw, and one sheet
per detail table.

XlsxWriter writes the summary and the charts (a few hundred cells, so the charts carry a
cached copy of their figures for viewers that do not recalculate). The detail rows, tens of
thousands, bypass it: `sheetdata` streams them to a temporary file and splices them into the
finished workbook, so they are never held in memory and cost a string join per row. Column
widths are taken from the header and the first rows, since a streamed table is read once.
"""

from __future__ import annotations

import tempfile
from contextlib import ExitStack
from decimal import Decimal
from typing import IO, Any, BinaryIO

import xlsxwriter
from django.utils.translation import pgettext
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from reports.exports.common import (
    Chart,
    Progress,
    SheetNames,
    info_lines,
    main_charts,
    no_data,
    note_lines,
    report_title,
    safe_text,
    unit_label,
)
from reports.exports.sheetdata import PendingRows, cell_xml, splice, stream_rows, style_index
from reports.snapshot import DetailTable, Unit, number

NUMBER_FORMATS = {
    Unit.COUNT: "#,##0",
    Unit.CNY: "#,##0.00",
    # Snapshot percentages are per cent ("85.3"); the cell holds 0.853 so that Excel's own
    # percentage format shows 85.3 % and a formula over it computes with the right value.
    Unit.PERCENT: "0.0%",
    Unit.M2: "#,##0.00",
    Unit.HOURS: "#,##0.0",
    Unit.RATIO: "#,##0.00",
    Unit.YEAR: "0",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}
# How many detail rows are looked at to size the columns: enough to see typical values, few
# enough that a streamed table is never held.
_WIDTH_SAMPLE = 200
_MAX_WIDTH = 60


def open_workbook(out: BinaryIO) -> Workbook:
    """A workbook that never turns text into formulas, numbers or links."""
    return xlsxwriter.Workbook(
        out,
        {
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "remove_timezone": True,
            "default_date_format": NUMBER_FORMATS["date"],
        },
    )


class Formats:
    """The workbook's cell formats, made once: XlsxWriter keeps every Format it is given."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.section = workbook.add_format({"bold": True, "font_size": 12})
        self.label = workbook.add_format({"bold": True})
        self.header = workbook.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.text = workbook.add_format({})
        self.no_data = workbook.add_format({"italic": True, "font_color": "#808080", "align": "right"})
        self._numbers: dict[str, Format] = {}

    def number(self, unit: str) -> Format:
        if unit not in self._numbers:
            self._numbers[unit] = self.workbook.add_format({"num_format": NUMBER_FORMATS.get(unit, "General")})
        return self._numbers[unit]


def excel_number(value: Any, unit: str) -> int | float | None:
    """A snapshot value as the number a cell stores (percent as a fraction)."""
    figure = number(value)
    if figure is None:
        return None
    if unit == Unit.PERCENT:
        return float(Decimal(figure) / 100)
    return figure if isinstance(figure, int) else float(figure)


def _text_width(text: str) -> int:
    """Roughly how many character widths a text takes: CJK characters are two wide."""
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def print_setup(sheet: Worksheet, *, landscape: bool = False) -> None:
    """A4, as wide as one page, so that a printed sheet is readable without setting it up."""
    sheet.set_paper(9)
    if landscape:
        sheet.set_landscape()
    sheet.fit_to_pages(1, 0)


def write_info(sheet: Worksheet, formats: Formats, snapshot: dict, title: str) -> int:
    """Title, period, scope and date generated at the top of a sheet; returns the next free row."""
    sheet.write_string(0, 0, title, formats.title)
    row = 1
    for label, text in info_lines(snapshot):
        sheet.write_string(row, 0, label, formats.label)
        sheet.write_string(row, 1, safe_text(text))
        row += 1
    return row + 1


def write_summary(workbook: Workbook, formats: Formats, names: SheetNames, snapshot: dict) -> None:
    sheet = workbook.add_worksheet(names(pgettext("report", "Summary")))
    # The indicator names stay in view while scrolling across twenty sites.
    sheet.freeze_panes(0, 1)
    print_setup(sheet, landscape=len(snapshot["columns"]) > 6)
    columns = snapshot["columns"]
    sheet.set_column(0, 0, 44)
    sheet.set_column(1, 1, 8)
    widths = [max(14, min(_MAX_WIDTH, _text_width(column["label"]) + 2)) for column in columns]
    for index, width in enumerate(widths):
        sheet.set_column(2 + index, 2 + index, width)
    row = write_info(sheet, formats, snapshot, report_title())
    for section in snapshot["sections"]:
        sheet.write_string(row, 0, safe_text(section["title"]), formats.section)
        row += 1
        sheet.write_string(row, 0, pgettext("report", "Indicator"), formats.header)
        sheet.write_string(row, 1, pgettext("report", "Unit"), formats.header)
        for index, column in enumerate(columns):
            sheet.write_string(row, 2 + index, safe_text(column["label"]), formats.header)
        row += 1
        for item in section["rows"]:
            unit = item["unit"]
            sheet.write_string(row, 0, safe_text(item["label"]))
            if unit_label(unit):
                sheet.write_string(row, 1, unit_label(unit))
            for index, column in enumerate(columns):
                figure = excel_number(item["values"].get(column["key"]), unit)
                if figure is None:
                    sheet.write_string(row, 2 + index, no_data(), formats.no_data)
                else:
                    sheet.write_number(row, 2 + index, figure, formats.number(unit))
            row += 1
        row += 1
    notes = note_lines(snapshot)
    if notes:
        sheet.write_string(row, 0, pgettext("report", "Notes"), formats.section)
        row += 1
        for note in notes:
            sheet.write_string(row, 0, safe_text(note))
            row += 1


# Rows a chart's table and its chart take on the charts sheet, at the least.
_CHART_ROWS = 18


def write_charts(workbook: Workbook, formats: Formats, names: SheetNames, snapshot: dict, charts: list[Chart]) -> None:
    """Each chart's figures as a small table on one sheet, the native chart beside it: the chart
    references those cells, so the numbers stay visible and editable in Excel."""
    if not charts:
        return
    sheet_name = names(pgettext("report", "Charts"))
    sheet = workbook.add_worksheet(sheet_name)
    print_setup(sheet, landscape=True)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 4, 14)
    row = write_info(sheet, formats, snapshot, pgettext("report", "Charts"))
    for chart in charts:
        top = row
        sheet.write_string(row, 0, safe_text(chart.title), formats.section)
        row += 1
        header = row
        sheet.write_string(row, 0, "", formats.header)
        for index, series in enumerate(chart.series):
            sheet.write_string(row, 1 + index, safe_text(series.name), formats.header)
        row += 1
        first = row
        for position, category in enumerate(chart.categories):
            sheet.write_string(row, 0, safe_text(category))
            for index, series in enumerate(chart.series):
                figure = excel_number(series.values[position], chart.unit)
                if figure is None:
                    sheet.write_blank(row, 1 + index, None)
                else:
                    sheet.write_number(row, 1 + index, figure, formats.number(chart.unit))
            row += 1
        last = row - 1
        native = workbook.add_chart({"type": "column"})
        for index in range(len(chart.series)):
            col = 1 + index
            native.add_series(
                {
                    "name": [sheet_name, header, col],
                    "categories": [sheet_name, first, 0, last, 0],
                    "values": [sheet_name, first, col, last, col],
                }
            )
        native.set_title({"name": chart.title})
        axis_format = "#,##0" if chart.unit == Unit.CNY else NUMBER_FORMATS.get(chart.unit, "General")
        axis: dict[str, Any] = {"num_format": axis_format, "min": 0}
        if chart.unit == Unit.PERCENT:
            axis["max"] = 1
        native.set_y_axis(axis)
        native.set_legend({"position": "bottom"})
        native.show_blanks_as("gap")
        native.set_size({"width": 640, "height": 320})
        sheet.insert_chart(top, 2 + len(chart.series), native)
        row = max(row, top + _CHART_ROWS) + 1


def write_detail(
    workbook: Workbook, formats: Formats, names: SheetNames, table: DetailTable, rows_file: IO[bytes]
) -> PendingRows | None:
    """One detail table as a sheet: header, widths, frozen header row and autofilter by
    XlsxWriter; the rows streamed to a file (see sheetdata) to be spliced in at the end."""
    sheet = workbook.add_worksheet(names(table.title))
    columns = table.columns
    widths = [min(_MAX_WIDTH, max(10, _text_width(column["label"]) + 2)) for column in columns]
    for index, column in enumerate(columns):
        sheet.write_string(0, index, safe_text(column["label"]), formats.header)
    date_style = style_index(formats.number("date"))
    datetime_style = style_index(formats.number("datetime"))
    writers = [
        cell_xml(
            xl_col_to_name(index),
            column["unit"],
            style_index(formats.number(column["unit"])) if column["unit"] in NUMBER_FORMATS else 0,
            date_style,
            datetime_style,
        )
        for index, column in enumerate(columns)
    ]

    def measure(values: list[Any]) -> None:
        for index, value in enumerate(values):
            if isinstance(value, str):
                widths[index] = min(_MAX_WIDTH, max(widths[index], _text_width(value) + 2))
            elif isinstance(value, int | float | Decimal):
                widths[index] = max(widths[index], len(f"{value:,}") + 3)

    count = stream_rows(table.rows, writers, rows_file, first_row=2, on_sample=measure, sample=_WIDTH_SAMPLE)
    for index, width in enumerate(widths):
        if columns[index]["unit"] in ("date", "datetime"):
            width = max(width, 12 if columns[index]["unit"] == "date" else 17)
        sheet.set_column(index, index, width)
    sheet.freeze_panes(1, 0)
    sheet.repeat_rows(0)
    print_setup(sheet, landscape=len(columns) > 6)
    if columns:
        sheet.autofilter(0, 0, max(count, 1), len(columns) - 1)
    if not count or not columns:
        return None
    # XlsxWriter numbers the parts of a workbook without chart sheets by the sheets' order.
    return PendingRows(f"xl/worksheets/sheet{sheet.index + 1}.xml", len(columns), count, rows_file)


def render_xlsx(
    *, snapshot: dict, details: list[DetailTable] | None, out: BinaryIO, progress: Progress | None = None
) -> None:
    with ExitStack() as files:
        assembled = files.enter_context(tempfile.TemporaryFile())
        workbook = open_workbook(assembled)
        formats = Formats(workbook)
        names = SheetNames()
        write_summary(workbook, formats, names, snapshot)
        write_charts(workbook, formats, names, snapshot, main_charts(snapshot))
        tables = details or []
        if progress:
            progress(10)
        pending = []
        for done, table in enumerate(tables, start=1):
            rows_file = files.enter_context(tempfile.TemporaryFile())
            item = write_detail(workbook, formats, names, table, rows_file)
            if item is not None:
                pending.append(item)
            if progress:
                progress(10 + 80 * done // len(tables))
        workbook.close()
        assembled.seek(0)
        splice(assembled, out, pending)
    if progress:
        progress(100)

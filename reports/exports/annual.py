"""The annual statistical return: the main items of the Torch centre's yearly survey of
incubators and maker spaces, one column (and one sheet) per incubator, taken from the
snapshot's per-site columns so that a centre copies its return instead of counting by hand.

The survey asks for amounts in thousand yuan with two decimals; counts stay counts. Which
snapshot row feeds which item is the table `ITEMS` below; a row the snapshot lacks, or a
value it has no data for, is "no data", never 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from reports.exports import pdf, xlsx
from reports.exports.common import (
    SheetNames,
    filing_kind_label,
    find_row,
    kind_rows,
    no_data,
    note_lines,
    safe_text,
    thousands,
)
from reports.snapshot import TOTAL, Unit, number

THOUSAND = "thousand_cny"


@dataclass(frozen=True)
class Item:
    """One line of the return: its number on the form, what it says, and the row it comes from."""

    code: str
    label: Any
    row_key: str
    unit: str  # a Unit, or THOUSAND for yuan shown in thousands


ITEMS: list[Item] = [
    Item("1", gettext_lazy("Incubation area"), "sites.area_m2", Unit.M2),
    Item("2", gettext_lazy("Companies in incubation"), "companies.resident", Unit.COUNT),
    Item("3", gettext_lazy("Newly admitted companies this year"), "companies.admitted", Unit.COUNT),
    Item("4", gettext_lazy("Companies graduated this year"), "companies.graduated", Unit.COUNT),
    Item("5", gettext_lazy("Employees of companies in incubation"), "economy.employees", Unit.COUNT),
    Item("6", gettext_lazy("Invention patents in force"), "ip.inventions_in_force", Unit.COUNT),
    Item("7", gettext_lazy("IP rights granted this year"), "ip.granted.total", Unit.COUNT),
    # 7.x: one line per filing kind, inserted after item 7 (see `lines`).
    Item("8", gettext_lazy("Public funding received this year"), "funding.paid.amount", THOUSAND),
    Item("9", gettext_lazy("Investment raised this year"), "investment.total", THOUSAND),
    Item("10", gettext_lazy("Total revenue of companies in incubation"), "economy.revenue", THOUSAND),
    Item("11", gettext_lazy("Taxes paid by companies in incubation"), "economy.taxes", THOUSAND),
    Item("12", gettext_lazy("R&D spending of companies in incubation"), "economy.rd_spend", THOUSAND),
]


def unit_text(unit: str) -> str:
    labels = {
        THOUSAND: pgettext_lazy("unit", "thousand CNY"),
        Unit.M2: "m²",
        Unit.COUNT: pgettext_lazy("unit", "number"),
    }
    return str(labels.get(unit, ""))


def lines(snapshot: dict) -> list[Item]:
    """The items with the granted-by-kind lines that this snapshot carries."""
    result: list[Item] = []
    for item in ITEMS:
        result.append(item)
        if item.row_key == "ip.granted.total":
            for position, (kind, row) in enumerate(kind_rows(snapshot, "ip.granted"), start=1):
                label = filing_kind_label(kind, row["label"])
                result.append(Item(f"7.{position}", label, row["key"], Unit.COUNT))
    return result


def figure(snapshot: dict, item: Item, column: str) -> Any:
    """The item's value for a column, in the return's unit: thousand yuan for money."""
    row = find_row(snapshot, item.row_key)
    if row is None:
        return None
    value = row["values"].get(column)
    return thousands(value) if item.unit == THOUSAND else number(value)


def columns(snapshot: dict) -> list[dict]:
    return list(snapshot["columns"])


def title() -> str:
    return _("Annual statistical return of incubators")


def note(snapshot: dict) -> str:
    """What the return's figures mean: the unit of money and the dates they are taken on."""
    return " ".join([_("Amounts in thousand yuan."), *note_lines(snapshot)])


def _write_line(sheet: Any, formats: xlsx.Formats, row: int, col: int, value: Any, unit: str) -> None:
    if value is None:
        sheet.write_string(row, col, no_data(), formats.no_data)
    else:
        fmt_unit = Unit.CNY if unit == THOUSAND else unit
        sheet.write_number(row, col, float(value), formats.number(fmt_unit))


def render_annual_xlsx(*, snapshot: dict, out: BinaryIO) -> None:
    workbook = xlsx.open_workbook(out)
    formats = xlsx.Formats(workbook)
    names = SheetNames()
    items = lines(snapshot)
    cols = columns(snapshot)

    sheet = workbook.add_worksheet(names(pgettext("report", "All sites")))
    xlsx.print_setup(sheet, landscape=len(cols) > 5)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 42)
    sheet.set_column(2, 2, 12)
    sheet.set_column(3, 3 + len(cols), 18)
    row = xlsx.write_info(sheet, formats, snapshot, title())
    sheet.write_string(row - 1, 0, note(snapshot))
    row += 1
    header_row = row
    for index, text in enumerate([pgettext("report", "No."), pgettext("report", "Item"), pgettext("report", "Unit")]):
        sheet.write_string(row, index, text, formats.header)
    for index, column in enumerate(cols):
        sheet.write_string(row, 3 + index, safe_text(column["label"]), formats.header)
    row += 1
    for item in items:
        sheet.write_string(row, 0, item.code)
        sheet.write_string(row, 1, safe_text(str(item.label)))
        sheet.write_string(row, 2, unit_text(item.unit))
        for index, column in enumerate(cols):
            _write_line(sheet, formats, row, 3 + index, figure(snapshot, item, column["key"]), item.unit)
        row += 1
    sheet.freeze_panes(header_row + 1, 3)

    for column in cols:
        if column["key"] == TOTAL:
            continue
        sheet = workbook.add_worksheet(names(column["label"]))
        xlsx.print_setup(sheet)
        sheet.set_column(0, 0, 6)
        sheet.set_column(1, 1, 42)
        sheet.set_column(2, 2, 12)
        sheet.set_column(3, 3, 18)
        row = xlsx.write_info(sheet, formats, snapshot, f"{title()} — {column['label']}")
        sheet.write_string(row - 1, 0, note(snapshot))
        row += 1
        for index, text in enumerate(
            [
                pgettext("report", "No."),
                pgettext("report", "Item"),
                pgettext("report", "Unit"),
                pgettext("report", "Value"),
            ]
        ):
            sheet.write_string(row, index, text, formats.header)
        row += 1
        for item in items:
            sheet.write_string(row, 0, item.code)
            sheet.write_string(row, 1, safe_text(str(item.label)))
            sheet.write_string(row, 2, unit_text(item.unit))
            _write_line(sheet, formats, row, 3, figure(snapshot, item, column["key"]), item.unit)
            row += 1
    workbook.close()


def _text(value: Any, unit: str) -> str | None:
    if value is None:
        return None
    if unit in (THOUSAND, Unit.M2):
        return f"{value:,.2f}"
    return f"{value:,}"


def render_annual_pdf(*, snapshot: dict, out: BinaryIO) -> None:
    styles = pdf.Styles()
    cols = columns(snapshot)
    story = pdf.header_block(styles, snapshot, title())
    story.append(pdf.Paragraph(pdf.escape(note(snapshot)), styles.body))
    story.append(pdf.Spacer(1, 3 * pdf.mm))
    rows = [
        (
            f"{item.code}  {item.label}",
            unit_text(item.unit),
            [_text(figure(snapshot, item, column["key"]), item.unit) for column in cols],
        )
        for item in lines(snapshot)
    ]
    story += pdf.figure_tables(styles, [column["label"] for column in cols], rows)
    footer = pdf.footer_text(snapshot)
    pdf.build(pdf.document(out, title=title(), subject=footer), story, footer)

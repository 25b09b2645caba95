"""The exports read back: what a district committee member opens must say what the snapshot says.

Each file is rendered into memory and parsed with an independent reader (openpyxl, csv,
pypdf); no database is involved, the exports being pure functions of a snapshot.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import openpyxl
import pypdf
import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from reports import snapshot as contract
from reports.details import detail_tables
from reports.exports import CONTENT_TYPES, annual_return, file_name, fonts, render
from reports.exports.common import SheetNames, no_data, note_lines, period_text, safe_text
from reports.indicators import compute
from reports.snapshot import TOTAL, DetailTable, Unit, number
from tests.reports.fixtures_indicators import build_district
from tests.reports.snapshots import (
    COMPANY_COLUMNS,
    COMPANY_ROWS,
    SITE_KEYS,
    filing_table,
    make_details,
    make_snapshot,
)

ZH = "zh-hans"


@pytest.fixture(autouse=True)
def _chinese():
    with translation.override(ZH):
        yield


def rendered(fmt: str, *, snapshot: dict | None = None, details: list[DetailTable] | None = None) -> bytes:
    out = io.BytesIO()
    render(fmt, snapshot=snapshot or make_snapshot(), details=details, out=out)
    return out.getvalue()


def workbook(data: bytes, **options: Any) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data), **options)


def rows_by_label(sheet) -> dict[str, tuple]:
    """Summary rows keyed by their first cell: the snapshot's labels are unique."""
    return {row[0]: row for row in sheet.iter_rows(values_only=True) if row and isinstance(row[0], str)}


def expected_cell(value: Any, unit: str) -> Any:
    figure = number(value)
    if figure is None:
        return no_data()
    if unit == Unit.PERCENT:
        return pytest.approx(float(figure) / 100)
    return pytest.approx(float(figure))


# XLSX


def test_xlsx_summary_holds_every_value_of_every_column():
    snapshot = make_snapshot()
    book = workbook(rendered("xlsx", snapshot=snapshot, details=make_details()))
    sheet = book.worksheets[0]
    found = rows_by_label(sheet)
    header = next(row for row in sheet.iter_rows(values_only=True) if row[0] == pgettext("report", "Indicator"))
    assert list(header[2:]) == [column["label"] for column in snapshot["columns"]]
    checked = 0
    for section in snapshot["sections"]:
        assert section["title"] in found
        for row in section["rows"]:
            cells = found[row["label"]][2:]
            expected = [expected_cell(row["values"].get(c["key"]), row["unit"]) for c in snapshot["columns"]]
            assert list(cells) == expected, row["key"]
            checked += 1
    assert checked > 50


def test_xlsx_summary_number_formats_and_no_data():
    book = workbook(rendered("xlsx", details=None))
    sheet = book.worksheets[0]
    cells = {row[0].value: row for row in sheet.iter_rows() if row and isinstance(row[0].value, str)}

    resident = cells["在孵企业数"]
    assert [c.value for c in resident[2:6]] == [12, 3, 0, 15]
    assert resident[4].value == 0 and resident[4].data_type == "n"  # a real zero stays a zero

    paid = cells["拨付金额"]
    assert paid[2].value == pytest.approx(1234567.89)
    assert paid[2].number_format == "#,##0.00"
    assert paid[5].value == pytest.approx(1484567.89)

    rate = cells["面积出租率"]
    assert rate[2].value == pytest.approx(0.853)  # "85.3" per cent shows as 85.3 %
    assert rate[2].number_format == "0.0%"
    assert rate[4].value == no_data() and rate[4].data_type == "s"

    area = cells["孵化场地面积"]
    assert area[1].value == "m²"
    assert area[3].value == pytest.approx(1800.5)
    assert area[4].value == no_data()

    taxes = cells["上缴税费"]
    assert taxes[3].value == pytest.approx(-1250.0) and taxes[3].data_type == "n"

    per_10k = cells["每万人有效发明专利拥有量"]
    assert [c.value for c in per_10k[2:5]] == [no_data()] * 3
    assert per_10k[5].value == pytest.approx(7.23)

    texts = [row[1] for row in sheet.iter_rows(max_row=4, values_only=True)]
    assert period_text(make_snapshot()) in texts and "河西区" in texts
    notes = note_lines(make_snapshot())
    assert notes and "2025" in notes[0]  # the year of the economy figures
    assert set(notes) <= {row[0] for row in sheet.iter_rows(values_only=True)}


def test_xlsx_detail_sheet_rows_formats_and_frozen_header():
    book = workbook(rendered("xlsx", details=make_details(filings=4)))
    assert book.sheetnames[-2:] == ["在孵企业名录", "知识产权申请"]
    sheet = book["在孵企业名录"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:H6"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [column["label"] for column in COMPANY_COLUMNS]
    assert len(rows) == 1 + len(COMPANY_ROWS)
    first = rows[1]
    assert first[0] == "天津木榫科技有限公司"
    assert first[3] == datetime(2025, 3, 1)
    assert first[4] == 12
    assert first[5] == pytest.approx(1500000)
    assert first[6] == pytest.approx(-12345.67)  # a negative number is a number, not escaped text
    assert first[7] == pytest.approx(0.853)
    assert rows[2][6] is None  # None in a detail row is an empty cell, never 0
    assert sheet["D2"].number_format == "yyyy-mm-dd"
    assert sheet["F2"].number_format == "#,##0.00"
    assert sheet["H2"].number_format == "0.0%"
    assert sheet.column_dimensions["A"].width > 20  # sized to the names it holds
    filings = book["知识产权申请"]
    assert filings.max_row == 5 and filings.freeze_panes == "A2"


def test_xlsx_text_that_looks_like_a_formula_stays_text():
    data = rendered("xlsx", details=make_details())
    sheet = workbook(data)["在孵企业名录"]
    names = {cell.value: cell for (cell,) in sheet.iter_rows(min_row=2, max_col=1)}
    assert '\'=HYPERLINK("http://evil.example/","点我")' in names
    assert "'@SUM(A1:A9)" in names
    assert "'+86 创新工坊" in names
    assert "'-负号开头的公司" in names
    assert all(cell.data_type == "s" for cell in names.values())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        for name in sheets:
            assert "<f>" not in archive.read(name).decode(), name  # no formula anywhere


def test_xlsx_has_native_charts_on_their_data():
    data = rendered("xlsx", details=None)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        charts = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        assert len(charts) == 5
        xml = [archive.read(name).decode() for name in charts]
    # The series point at the figures on the charts sheet, and carry a copy for viewers that
    # do not recalculate.
    charts_sheet = pgettext("report", "Charts")
    assert all(f"<c:f>{charts_sheet}!$A$" in text for text in xml)
    assert any("北方创客体验中心" in text for text in xml)
    sheet = workbook(data)[charts_sheet]
    values = [row for row in sheet.iter_rows(values_only=True) if row[0] == "北方创客体验中心"]
    assert values[0][1:4] == (12, 4, 2)  # resident, admitted, graduated: the first chart's table


def test_xlsx_sheet_names_are_valid_and_unique():
    details = [
        DetailTable(key="a", title="Filings: 2026/Q1 [draft] *?\\ with a very long title indeed", columns=[]),
        DetailTable(key="b", title="Filings: 2026/Q1 [draft] *?\\ with a very long title indeed", columns=[]),
        DetailTable(key="c", title="'summary'", columns=[]),
    ]
    names = workbook(rendered("xlsx", details=details)).sheetnames
    assert len(names) == len(set(n.casefold() for n in names)) == 5
    for name in names:
        assert len(name) <= 31
        assert not set(name) & set("[]:*?/\\")
        assert not name.startswith("'") and not name.endswith("'")


def test_sheet_names_rules():
    names = SheetNames()
    assert names("History") == "History (2)"
    assert names("a" * 40) == "a" * 31
    assert names("A" * 40) == "A" * 27 + " (2)"
    assert names("[]") == "Sheet"


def test_safe_text():
    assert safe_text("=1+1") == "'=1+1"
    assert safe_text("\tcmd") == "'\tcmd"
    assert safe_text("北方 = 创客") == "北方 = 创客"
    assert safe_text("") == ""


# CSV


def csv_members(data: bytes) -> dict[str, list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        found = {}
        for name in archive.namelist():
            raw = archive.read(name)
            assert raw.startswith(codecs.BOM_UTF8), name
            found[name] = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    return found


def test_csv_is_a_zip_of_bom_prefixed_tables():
    snapshot = make_snapshot()
    members = csv_members(rendered("csv", snapshot=snapshot, details=make_details(filings=2)))
    assert list(members) == ["00-summary.csv", "01-companies.csv", "02-filings.csv"]

    summary = members["00-summary.csv"]
    assert summary[0][3:-1] == [column["label"] for column in snapshot["columns"]]
    by_key = {row[-1]: row for row in summary[1:]}
    assert by_key["companies.resident"][:7] == ["在孵企业", "在孵企业数", "", "12", "3", "0", "15"]
    assert by_key["funding.paid.amount"][3:7] == ["1234567.89", "250000.00", "0.00", "1484567.89"]
    assert by_key["occupancy.rate"][3:7] == ["85.3", "60.0", no_data(), "78.4"]
    assert by_key["economy.taxes"][4] == "-1250.00"
    assert len(by_key) == sum(len(section["rows"]) for section in snapshot["sections"])

    companies = members["01-companies.csv"]
    assert companies[0] == [column["label"] for column in COMPANY_COLUMNS]
    assert companies[1] == [
        "天津木榫科技有限公司",
        "91120103MA05L8XX3K",
        "北方创客体验中心",
        "2025-03-01",
        "12",
        "1500000.00",
        "-12345.67",
        "85.3",
    ]
    assert companies[2][0] == '\'=HYPERLINK("http://evil.example/","点我")'
    assert companies[2][6] == ""
    assert companies[3][0] == "'@SUM(A1:A9)"
    assert companies[5][0] == "'-负号开头的公司"
    assert companies[5][5] == "-1.50"  # numbers are never escaped
    assert len(members["02-filings.csv"]) == 3


def test_csv_without_details_is_the_summary_alone():
    members = csv_members(rendered("csv", details=None))
    assert list(members) == ["00-summary.csv"]


# PDF


def pdf_text(data: bytes) -> tuple[pypdf.PdfReader, list[str]]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return reader, [page.extract_text() for page in reader.pages]


def test_pdf_is_a4_with_chinese_period_and_page_numbers():
    snapshot = make_snapshot()
    reader, pages = pdf_text(rendered("pdf", snapshot=snapshot, details=make_details()))
    assert len(pages) >= 2
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(595.28, abs=0.1)
        assert float(page.mediabox.height) == pytest.approx(841.89, abs=0.1)
    text = "\n".join(pages)
    for label in ("在孵企业数", "北方创客体验中心", "全区合计", "面积出租率", "河西区"):
        assert label in text
    assert period_text(snapshot) in pages[0]
    assert "2026-11-28 18:30" in pages[0]
    for number_, page in enumerate(pages, start=1):
        footer = gettext("Page %(n)s of %(total)s") % {"n": number_, "total": len(pages)}
        assert footer in page
    assert "85.3 %" in text and "1,234,567.89" in text and no_data() in text
    assert "天津木榫科技有限公司" not in text  # detail rows stay out of the printed report


def test_pdf_font_falls_back_to_the_builtin_cid_font(monkeypatch):
    monkeypatch.setattr(fonts, "CANDIDATES", [])
    monkeypatch.setattr(fonts, "_fontconfig_candidates", list)
    fonts.cjk_font.cache_clear()
    try:
        assert fonts.cjk_font() == fonts.FALLBACK
        _reader, pages = pdf_text(rendered("pdf", details=None))
        assert "在孵企业数" in pages[0]
    finally:
        fonts.cjk_font.cache_clear()


def test_pdf_font_candidates_from_fontconfig(monkeypatch):
    answers = {
        "fc-match": "/fonts/wqy-zenhei.ttc|1",
        "fc-list": "/fonts/b/Bold.ttc: \n/fonts/a/regular.ttf: \n/fonts/b/Bold.ttc: \n",
    }
    monkeypatch.setattr(fonts, "_fontconfig", lambda program, *args: answers[program])
    assert fonts._fontconfig_candidates() == [
        ("/fonts/wqy-zenhei.ttc", 1),
        ("/fonts/a/regular.ttf", None),
        ("/fonts/b/Bold.ttc", None),
    ]
    monkeypatch.setattr(fonts, "_fontconfig", lambda program, *args: "")
    assert fonts._fontconfig_candidates() == []


def test_pdf_font_skips_what_reportlab_cannot_embed(tmp_path):
    """Debian's Noto Sans CJK has PostScript outlines, which ReportLab cannot embed."""
    noto = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if noto.exists():
        assert fonts._load(str(noto), 2) is None
    not_a_font = tmp_path / "broken.ttf"
    not_a_font.write_bytes(b"not a font")
    assert fonts._load(str(not_a_font), 0) is None
    assert fonts._load(str(tmp_path / "missing.ttc"), None) is None


# Annual return


def test_annual_return_xlsx_in_thousand_yuan():
    snapshot = make_snapshot()
    out = io.BytesIO()
    annual_return(snapshot=snapshot, out=out)
    book = workbook(out.getvalue())
    assert book.sheetnames == [
        pgettext("report", "All sites"),
        "北方创客体验中心",
        "河西科技企业孵化器",
        "友谊路众创空间",
    ]
    overview = {row[0]: row for row in book.worksheets[0].iter_rows(values_only=True) if row[0]}
    # 1,234,567.89 yuan paid -> 1,234.57 thousand; 98,765,432.10 revenue -> 98,765.43 thousand.
    assert overview["8"][3:7] == (pytest.approx(1234.57), 250, 0, pytest.approx(1484.57))
    assert overview["10"][3:7] == (pytest.approx(98765.43), pytest.approx(1.5), no_data(), pytest.approx(98766.93))
    assert overview["11"][4] == pytest.approx(-1.25)
    assert overview["9"][4] == no_data()
    assert overview["2"][3:7] == (12, 3, 0, 15)
    assert overview["5"][3:7] == (180, 25, no_data(), 205)
    assert overview["1"][3] == pytest.approx(5200)
    granted = [key for key in overview if isinstance(key, str) and key.startswith("7.")]
    assert len(granted) == 5
    kinds_total = sum(overview[key][6] for key in granted)
    assert overview["7"][6] == kinds_total

    site = {row[0]: row for row in book["北方创客体验中心"].iter_rows(values_only=True) if row[0]}
    assert site["8"][3] == pytest.approx(1234.57)
    assert site["10"][3] == pytest.approx(98765.43)
    assert site["6"][3] == 9
    funding_cell = next(row[3] for row in book["北方创客体验中心"].iter_rows() if row[0].value == "8")
    assert funding_cell.number_format == "#,##0.00"


def test_annual_return_pdf():
    out = io.BytesIO()
    annual_return(snapshot=make_snapshot(), out=out, fmt="pdf")
    _reader, pages = pdf_text(out.getvalue())
    text = "".join(pages).replace("\n", "")  # a long site name wraps in its column head
    assert "北方创客体验中心" in text and "1,234.57" in text and "98,765.43" in text
    assert gettext("Page %(n)s of %(total)s") % {"n": 1, "total": len(pages)} in pages[0]


def test_annual_return_unknown_format():
    with pytest.raises(ValueError, match="annual return"):
        annual_return(snapshot=make_snapshot(), out=io.BytesIO(), fmt="csv")


# Large input, progress, names


def test_twenty_thousand_streamed_rows_arrive_whole():
    count = 20_000
    xlsx_data = rendered("xlsx", details=[filing_table(count)])
    sheet = workbook(xlsx_data, read_only=True)["知识产权申请"]
    rows = 0
    last = None
    for row in sheet.iter_rows(values_only=True):
        rows += 1
        last = row
    assert rows == count + 1
    assert last[0] == f"企业{(count - 1) % 3000:04d}"
    assert last[2] == f"一种木质榫卯连接件{count - 1}"

    members = csv_members(rendered("csv", details=[filing_table(count)]))
    filings = members["01-filings.csv"]
    assert len(filings) == count + 1
    assert filings[-1][2] == f"一种木质榫卯连接件{count - 1}"
    assert filings[-1][3] == (date(2020, 1, 1) + timedelta(days=(count - 1) % 2000)).isoformat()


def test_progress_climbs_to_one_hundred():
    for fmt in ("xlsx", "csv", "pdf"):
        seen: list[int] = []
        render(fmt, snapshot=make_snapshot(), details=make_details(), out=io.BytesIO(), progress=seen.append)
        assert seen == sorted(seen) and seen[-1] == 100 and all(0 <= p <= 100 for p in seen), fmt


def test_unknown_format():
    with pytest.raises(ValueError, match="docx"):
        render("docx", snapshot=make_snapshot(), details=None, out=io.BytesIO())


def test_file_names_and_content_types():
    snapshot = make_snapshot()
    assert file_name("xlsx", snapshot) == "report-district-2026-01-01-2026-12-31.xlsx"
    assert file_name("csv", snapshot) == "report-district-2026-01-01-2026-12-31.zip"
    assert file_name("pdf", snapshot, kind="annual-return") == "annual-return-district-2026-01-01-2026-12-31.pdf"
    assert CONTENT_TYPES["csv"] == "application/zip"
    assert set(CONTENT_TYPES) == {"xlsx", "csv", "pdf"}


def test_a_site_snapshot_renders_in_english():
    """One site and its total, labels in English: nothing assumes the district or Chinese."""
    snapshot = make_snapshot(language="en")
    snapshot["scope"] = {"key": "site-3", "label": "Northern Maker Experience Center"}
    snapshot["columns"] = [snapshot["columns"][0], snapshot["columns"][-1]]
    for section in snapshot["sections"]:
        for row in section["rows"]:
            row["values"] = {key: row["values"][key] for key in (SITE_KEYS[0], TOTAL)}
    with translation.override("en"):
        book = workbook(rendered("xlsx", snapshot=snapshot, details=make_details()))
        _reader, pages = pdf_text(rendered("pdf", snapshot=snapshot))
        assert "Page 1 of" in pages[0]
        assert "no data" in "\n".join(pages)
    assert rows_by_label(book.worksheets[0])["在孵企业数"][2:4] == (12, 15)


# A snapshot computed from the database


@pytest.mark.django_db
def test_a_computed_snapshot_renders_in_every_format(site_a, site_b, district):
    """The indicators and detail tables of the hand-computed district, the snapshot through JSON
    as an export record stores it, render in every format with the figures they carry."""
    build_district(site_a, site_b)
    start, end = date(2025, 1, 1), date(2025, 12, 31)
    snapshot = json.loads(json.dumps(compute(user=district, start=start, end=end)))
    expected_tables = [
        (table.title, table.columns, list(table.rows)) for table in detail_tables(user=district, start=start, end=end)
    ]
    assert sum(len(rows) for _title, _columns, rows in expected_tables) > 10

    xlsx_data = rendered("xlsx", snapshot=snapshot, details=detail_tables(user=district, start=start, end=end))
    book = workbook(xlsx_data)
    found = rows_by_label(book.worksheets[0])
    for item in snapshot["sections"]:
        for line in item["rows"]:
            expected = [expected_cell(line["values"].get(c["key"]), line["unit"]) for c in snapshot["columns"]]
            assert list(found[line["label"]][2:]) == expected, line["key"]
    with zipfile.ZipFile(io.BytesIO(xlsx_data)) as archive:
        assert len([n for n in archive.namelist() if n.startswith("xl/charts/chart")]) == 5
    for title, columns, rows in expected_tables:
        sheet = book[title]
        assert sheet.freeze_panes == "A2"
        read = list(sheet.iter_rows(values_only=True))
        assert list(read[0]) == [column["label"] for column in columns]
        assert len(read) == 1 + len(rows)
        for written, source in zip(read[1:], rows, strict=True):
            for column, cell, value in zip(columns, written, source, strict=True):
                assert cell == expected_detail(value, column["unit"]), (title, column["key"])

    members = csv_members(
        rendered("csv", snapshot=snapshot, details=detail_tables(user=district, start=start, end=end))
    )
    assert len(members["00-summary.csv"]) == 1 + sum(len(item["rows"]) for item in snapshot["sections"])
    assert [len(rows) for rows in list(members.values())[1:]] == [len(rows) + 1 for *_x, rows in expected_tables]

    _reader, pages = pdf_text(rendered("pdf", snapshot=snapshot))
    text = "".join(pages).replace("\n", "")
    assert site_a.name in text and period_text(snapshot) in pages[0]
    for label in (contract.row(snapshot, "companies.resident")["label"], contract.section(snapshot, "ip")["title"]):
        assert label in text

    out = io.BytesIO()
    annual_return(snapshot=snapshot, out=out)
    overview = {r[0]: r for r in workbook(out.getvalue()).worksheets[0].iter_rows(values_only=True) if r[0]}
    paid = contract.value(snapshot, "funding.paid.amount")
    assert overview["8"][-1] == (no_data() if paid is None else pytest.approx(float(paid / 1000), abs=0.005))


def expected_detail(value: Any, unit: str) -> Any:
    """A detail value as openpyxl reads it back from the sheet."""
    if value is None:
        return None
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, date):
        return datetime.combine(value, datetime.min.time())
    if unit == Unit.PERCENT:
        return pytest.approx(float(value) / 100)
    return pytest.approx(float(value))


def test_xlsx_detail_cells_of_every_kind_read_back():
    """The streamed sheet XML: awkward text, booleans, aware datetimes, empty tables."""
    columns = [
        {"key": "text", "label": "文本", "unit": "text"},
        {"key": "flag", "label": "flag", "unit": "text"},
        {"key": "at", "label": "时间", "unit": "datetime"},
        {"key": "share", "label": "比例", "unit": Unit.PERCENT},
        {"key": "hours", "label": "时数", "unit": Unit.HOURS},
    ]
    aware = datetime(2026, 3, 1, 1, 30, tzinfo=ZoneInfo("UTC"))  # 09:30 in Shanghai
    rows = [
        ["  两端有空格  ", True, aware, 85, Decimal("12.5")],
        ["a\x01b <tag> & _x0041_", False, datetime(2026, 3, 1, 9, 30), Decimal("0.1"), 3],
        ["长" * 40000, None, None, None, None],
    ]
    details = [
        DetailTable(key="odd", title="odd", columns=columns, rows=rows),
        DetailTable(key="empty", title="empty", columns=columns, rows=[]),
        DetailTable(key="none", title="none", columns=[], rows=[]),
    ]
    data = rendered("xlsx", details=details)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                ElementTree.fromstring(archive.read(name))  # noqa: S314 (our own file) well-formed XML
        odd_xml = archive.read("xl/worksheets/sheet3.xml").decode()
    # Excel reads "_xHHHH_" as an escaped character; the literal text is protected from that.
    assert "&lt;tag&gt; &amp; _x005F_x0041_" in odd_xml
    book = workbook(data)
    sheet = book["odd"]
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert values[0] == ("  两端有空格  ", True, datetime(2026, 3, 1, 9, 30), 0.85, 12.5)
    assert values[1][0] == "ab <tag> & _x005F_x0041_"  # openpyxl does not undo Excel's escape
    assert values[1][1] is False and values[1][3] == pytest.approx(0.001)
    assert values[2][0] == "长" * 32767  # Excel's limit for one cell
    assert sheet["C2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet.dimensions == "A1:E4"
    assert [c.value for c in book["empty"][1]] == [c["label"] for c in columns]
    assert book["empty"].max_row == 1


def test_many_sites_fit_the_pdf_and_the_workbook():
    """Sixty sites: the summary splits into column groups and every chart still fits a page."""
    snapshot = make_snapshot()
    extra = [{"key": f"site-{n}", "label": f"第{n}号众创空间", "site_id": n} for n in range(100, 160)]
    snapshot["columns"] = extra + snapshot["columns"][-1:]
    for item in snapshot["sections"]:
        for line in item["rows"]:
            total = line["values"][TOTAL]
            line["values"] = {column["key"]: total for column in extra} | {TOTAL: total}
    _reader, pages = pdf_text(rendered("pdf", snapshot=snapshot))
    text = "".join(pages).replace("\n", "")
    assert all(column["label"] in text for column in extra)
    sheet = workbook(rendered("xlsx", snapshot=snapshot)).worksheets[0]
    assert rows_by_label(sheet)["在孵企业数"][2:] == (15,) * 61

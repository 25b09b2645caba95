"""The PDF export: a printable A4 report of the summary tables and the main charts.

Detail rows are left out on purpose: 30,000 rows make a book nobody prints; they are in the
XLSX and CSV exports. The summary's columns (one per site, then the total) are split into
groups that fit the portrait page, each group repeating the indicator column.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from reports.exports.common import (
    Chart,
    Progress,
    format_value,
    info_lines,
    main_charts,
    no_data,
    note_lines,
    period_text,
    report_title,
    unit_label,
)
from reports.exports.fonts import cjk_font
from reports.snapshot import DetailTable, Unit, number

MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
LABEL_WIDTH = 62 * mm
UNIT_WIDTH = 14 * mm
VALUES_PER_TABLE = 5
MAX_PLOT_HEIGHT = A4[1] - 2 * MARGIN - 140
SERIES_COLOURS = [colors.HexColor(c) for c in ("#2F5597", "#ED7D31", "#70AD47", "#FFC000", "#5B9BD5")]
GRID = colors.HexColor("#A6A6A6")
HEADER_FILL = colors.HexColor("#DDEBF7")
MUTED = colors.HexColor("#808080")


class Styles:
    """Paragraph styles in the CJK font; `wordWrap="CJK"` breaks Chinese lines between any two
    characters, as Chinese is set."""

    def __init__(self) -> None:
        font = cjk_font()
        self.font = font
        self.title = ParagraphStyle("title", fontName=font, fontSize=17, leading=22, spaceAfter=4 * mm)
        self.heading = ParagraphStyle(
            "heading", fontName=font, fontSize=12.5, leading=16, spaceBefore=4 * mm, spaceAfter=2 * mm
        )
        self.body = ParagraphStyle("body", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
        self.cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5, wordWrap="CJK")
        self.number = ParagraphStyle("number", parent=self.cell, alignment=TA_RIGHT)
        self.missing = ParagraphStyle("missing", parent=self.number, textColor=MUTED)


def escape(text: str) -> str:
    """Paragraphs read a little markup; data must not. The superscript two of m² is set as
    markup because the fallback CID font (GB 2312 glyphs) has no such character."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("²", "<super>2</super>")


class NumberedCanvas(Canvas):
    """A canvas that holds each page until the end so that every footer can say "page X of Y"."""

    footer_left = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._footer(total)
            super().showPage()
        super().save()

    def _footer(self, total: int) -> None:
        self.saveState()
        self.setFont(cjk_font(), 8)
        self.setFillColor(MUTED)
        self.drawString(MARGIN, 9 * mm, self.footer_left)
        text = _("Page %(n)s of %(total)s") % {"n": self._pageNumber, "total": total}
        self.drawRightString(A4[0] - MARGIN, 9 * mm, text)
        self.restoreState()


def document(out: BinaryIO, *, title: str, subject: str) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 6 * mm,
        title=title,
        subject=subject,
        creator="Incubator",
    )


def build(doc: SimpleDocTemplate, story: list[Flowable], footer_left: str) -> None:
    canvas_class = type("ReportCanvas", (NumberedCanvas,), {"footer_left": footer_left})
    doc.build(story, canvasmaker=canvas_class)


def header_block(styles: Styles, snapshot: dict, title: str) -> list[Flowable]:
    info = [
        [Paragraph(escape(label), styles.body), Paragraph(escape(text), styles.body)]
        for label, text in info_lines(snapshot)
    ]
    table = Table(info, colWidths=[30 * mm, WIDTH - 30 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return [Paragraph(escape(title), styles.title), table, Spacer(1, 3 * mm)]


def figure_tables(
    styles: Styles,
    column_labels: Sequence[str],
    rows: Sequence[tuple[str, str, Sequence[str | None]]],
) -> list[Flowable]:
    """Rows of (label, unit, texts per column) as tables of at most VALUES_PER_TABLE value
    columns each; a None text is "no data", in grey. Figures are plain strings, not
    Paragraphs: a district has over a thousand of them and a Paragraph costs a markup parse
    and a line-break pass each, most of the PDF's time; only texts that wrap are Paragraphs."""
    tables: list[Flowable] = []
    count = len(column_labels)
    width = (WIDTH - LABEL_WIDTH - UNIT_WIDTH) / VALUES_PER_TABLE
    missing = no_data()
    for first in range(0, max(count, 1), VALUES_PER_TABLE):
        group = range(first, min(first + VALUES_PER_TABLE, count))
        header = [
            Paragraph(escape(pgettext("report", "Indicator")), styles.cell),
            Paragraph(escape(pgettext("report", "Unit")), styles.cell),
        ]
        header += [Paragraph(escape(column_labels[i]), styles.cell) for i in group]
        data: list[list[Any]] = [header]
        commands: list[tuple] = [
            ("GRID", (0, 0), (-1, -1), 0.4, GRID),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ("FONT", (1, 1), (-1, -1), styles.font, styles.cell.fontSize, styles.cell.leading),
            ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
        ]
        for row_number, (label, unit, texts) in enumerate(rows, start=1):
            # m² needs the superscript markup (see escape); other units are plain text.
            unit_cell: Any = Paragraph(escape(unit), styles.cell) if "²" in unit else unit
            line = [Paragraph(escape(label), styles.cell), unit_cell]
            for position, i in enumerate(group, start=2):
                text = texts[i]
                if text is None:
                    line.append(missing)
                    commands.append(("TEXTCOLOR", (position, row_number), (position, row_number), MUTED))
                else:
                    line.append(text)
            data.append(line)
        table = Table(data, colWidths=[LABEL_WIDTH, UNIT_WIDTH] + [width] * len(group), repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle(commands))
        tables += [table, Spacer(1, 2.5 * mm)]
    return tables


def summary_story(styles: Styles, snapshot: dict) -> list[Flowable]:
    story: list[Flowable] = []
    columns = snapshot["columns"]
    labels = [column["label"] for column in columns]
    for section in snapshot["sections"]:
        rows = []
        for row in section["rows"]:
            texts = []
            for column in columns:
                figure = row["values"].get(column["key"])
                texts.append(None if figure is None else format_value(figure, row["unit"]))
            rows.append((row["label"], unit_label(row["unit"]), texts))
        tables = figure_tables(styles, labels, rows)
        story.append(CondPageBreak(40 * mm))
        story.append(Paragraph(escape(section["title"]), styles.heading))
        story += tables
    return story


def _axis_label(unit: str) -> Any:
    if unit == Unit.PERCENT:
        return lambda v: f"{v:,.0f} %"
    if unit == Unit.CNY:
        return lambda v: f"{v:,.0f}"
    return lambda v: f"{v:,.0f}"


def chart_drawing(styles: Styles, chart: Chart) -> Drawing:
    """A horizontal bar chart: category names (often long Chinese site names) read on the left."""
    # Bars thin out as sites are added so that a chart always fits on one page.
    per_category = min(
        MAX_PLOT_HEIGHT / max(len(chart.categories), 1), (7 if len(chart.series) > 1 else 9) * len(chart.series) + 6
    )
    bar_height = max(1.0, (per_category - 6) / len(chart.series))
    plot_height = max(60, len(chart.categories) * (bar_height * len(chart.series) + 6))
    legend_height = 16
    height = plot_height + 44 + legend_height
    drawing = Drawing(WIDTH, height)
    drawing.add(String(0, height - 12, chart.title, fontName=styles.font, fontSize=11))
    bars = HorizontalBarChart()
    bars.x = 58 * mm
    bars.y = 22 + legend_height
    bars.width = WIDTH - bars.x - 10 * mm
    bars.height = plot_height
    data = []
    for series in chart.series:
        values = []
        for value in series.values:
            figure = number(value)
            values.append(None if figure is None else float(Decimal(figure)))
        data.append(values)
    # ReportLab draws the first category, and the first series of each, at the bottom: reverse
    # both so that the chart reads top down in the order of the table and the legend.
    bars.data = [list(reversed(values)) for values in reversed(data)]
    bars.categoryAxis.categoryNames = list(reversed(chart.categories))
    bars.categoryAxis.labels.fontName = styles.font
    bars.categoryAxis.labels.fontSize = 7
    bars.categoryAxis.labels.boxAnchor = "e"
    bars.categoryAxis.labels.dx = -3
    bars.valueAxis.labels.fontName = styles.font
    bars.valueAxis.labels.fontSize = 7
    bars.valueAxis.valueMin = 0
    if chart.unit == Unit.PERCENT:
        bars.valueAxis.valueMax = 100
        bars.valueAxis.valueStep = 20
    bars.valueAxis.labelTextFormat = _axis_label(chart.unit)
    bars.valueAxis.visibleGrid = True
    bars.valueAxis.gridStrokeColor = colors.HexColor("#D9D9D9")
    bars.barWidth = bar_height
    bars.groupSpacing = 6
    bars.barSpacing = 0.5
    count = len(chart.series)
    for index in range(count):
        bars.bars[index].fillColor = SERIES_COLOURS[(count - 1 - index) % len(SERIES_COLOURS)]
        bars.bars[index].strokeColor = None
    known = [v for values in data for v in values if v is not None]
    if not known or max(known) == 0:
        bars.valueAxis.valueMax = 100 if chart.unit == Unit.PERCENT else 1
    drawing.add(bars)
    legend = Legend()
    legend.x = bars.x
    legend.y = 8
    legend.fontName = styles.font
    legend.fontSize = 7.5
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 80
    legend.dx = 7
    legend.dy = 7
    legend.colorNamePairs = [
        (SERIES_COLOURS[i % len(SERIES_COLOURS)], series.name) for i, series in enumerate(chart.series)
    ]
    drawing.add(legend)
    return drawing


def charts_story(styles: Styles, snapshot: dict) -> list[Flowable]:
    charts = main_charts(snapshot)
    if not charts:
        return []
    story: list[Flowable] = [CondPageBreak(80 * mm), Paragraph(escape(pgettext("report", "Charts")), styles.heading)]
    for chart in charts:
        story.append(KeepTogether([chart_drawing(styles, chart), Spacer(1, 5 * mm)]))
    return story


def footer_text(snapshot: dict) -> str:
    return f"{snapshot['scope']['label']} · {period_text(snapshot)}"


def render_pdf(
    *, snapshot: dict, details: list[DetailTable] | None, out: BinaryIO, progress: Progress | None = None
) -> None:
    styles = Styles()
    title = report_title()
    story = header_block(styles, snapshot, title)
    story += summary_story(styles, snapshot)
    notes = note_lines(snapshot)
    if notes:
        story.append(Paragraph(escape(pgettext("report", "Notes")), styles.heading))
        story += [Paragraph(escape(note), styles.body) for note in notes]
    story += charts_story(styles, snapshot)
    if progress:
        progress(50)
    build(document(out, title=title, subject=footer_text(snapshot)), story, footer_text(snapshot))
    if progress:
        progress(100)

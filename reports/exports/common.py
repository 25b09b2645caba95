"""What every export format shares: the texts around the figures, how a value is read and
shown, the formula-injection guard, and the main series that the charts draw.

Everything here is pure: it reads a snapshot dict (see `reports.snapshot`) and never the
database, so that a stored snapshot renders the same on any later day.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from funding.choices import ProgrammeLevel
from patents.choices import FilingKind
from reports.snapshot import TOTAL, Column, Row, Unit, number

Progress = Callable[[int], None]

# A spreadsheet treats a cell that starts with one of these as a formula (or, for tab and
# carriage return, as the start of one once the file is re-imported): OWASP "CSV injection".
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """Text that a spreadsheet will never run: a leading apostrophe before a formula trigger.

    A company name like "=HYPERLINK(...)" comes from a maker's form, so every text cell of
    every export goes through here. Numbers never do: a negative amount stays a number."""
    if text.startswith(_FORMULA_TRIGGERS):
        return "'" + text
    return text


def no_data() -> str:
    """How a missing figure reads: it must never look like a zero."""
    return pgettext("report value", "no data")


def unit_label(unit: str) -> str:
    """The short unit shown beside a row in the summary tables."""
    labels = {
        Unit.COUNT: "",
        Unit.CNY: pgettext("unit", "CNY"),
        Unit.PERCENT: "%",
        Unit.M2: "m²",
        Unit.HOURS: pgettext("unit", "hours"),
        Unit.RATIO: "",
        Unit.YEAR: "",
    }
    return labels.get(unit, "")


def report_title() -> str:
    return _("Incubator indicators report")


def period_text(snapshot: dict) -> str:
    period = snapshot["period"]
    return _("%(start)s to %(end)s") % {"start": period["start"], "end": period["end"]}


def generated_text(snapshot: dict) -> str:
    """The date and minute the figures were taken, as the snapshot recorded it (its own zone)."""
    raw = snapshot.get("generated_at") or ""
    try:
        return datetime.fromisoformat(raw).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return raw


def info_lines(snapshot: dict) -> list[tuple[str, str]]:
    """The header every format prints above the figures: period, scope, when generated."""
    return [
        (pgettext("report", "Period"), period_text(snapshot)),
        (pgettext("report", "Scope"), snapshot["scope"]["label"]),
        (pgettext("report", "Generated"), generated_text(snapshot)),
    ]


def note_lines(snapshot: dict) -> list[str]:
    """The snapshot's notes that a reader needs to read the figures right, as sentences. The
    notes dict also holds machine facts (rule names, scopes); those are not printed."""
    notes = snapshot.get("notes") or {}
    lines = []
    if notes.get("state.on") or notes.get("occupancy.on"):
        day = notes.get("state.on") or notes.get("occupancy.on")
        lines.append(_("Companies in incubation, designations and occupancy are as on %(day)s.") % {"day": day})
    if notes.get("economy.year") is not None:
        lines.append(
            _("Revenue, taxes, R&D spending and employees are the companies' figures for %(year)s.")
            % {"year": notes["economy.year"]}
        )
    if notes.get("ip.population"):
        lines.append(
            _("Invention patents per 10,000 residents are counted for a population of %(population)s.")
            % {"population": f"{number(notes['ip.population']):,}"}
        )
    return lines


def site_columns(snapshot: dict) -> list[Column]:
    """The per-site columns, without the total: the categories of the by-site charts."""
    return [column for column in snapshot["columns"] if column["key"] != TOTAL]


def format_value(value: Any, unit: str) -> str:
    """A summary value as printed text (PDF): thousands separators, the unit's decimals."""
    figure = number(value)
    if figure is None:
        return no_data()
    if unit in (Unit.COUNT, Unit.YEAR) and isinstance(figure, int):
        return str(figure) if unit == Unit.YEAR else f"{figure:,}"
    figure = Decimal(figure)
    if unit == Unit.PERCENT:
        return f"{figure:,.1f} %"
    if unit == Unit.HOURS:
        return f"{figure:,.1f}"
    if unit == Unit.YEAR:
        return f"{figure:.0f}"
    if unit == Unit.COUNT:
        return f"{figure:,.0f}"
    return f"{figure:,.2f}"


def thousands(value: Any) -> Decimal | None:
    """Yuan as thousand yuan with two decimals, as the Torch statistical return asks."""
    figure = number(value)
    if figure is None:
        return None
    return (Decimal(figure) / 1000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def cell_text(value: Any) -> str:
    """A detail value as CSV text: ISO dates, local date-times in the form Excel recognises
    ("2026-03-01 09:30:00"), exact decimals, empty for none."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return safe_text(value)
    return str(value)


def kind_rows(snapshot: dict, family: str) -> list[tuple[str, Row]]:
    """The `<family>.<kind>` rows the snapshot carries, one per filing kind, in FilingKind's order."""
    return [(kind, row) for kind in FilingKind.values if (row := find_row(snapshot, f"{family}.{kind}"))]


def find_row(snapshot: dict, key: str) -> Row | None:
    for item in snapshot["sections"]:
        for row in item["rows"]:
            if row["key"] == key:
                return row
    return None


_FILING_KINDS = {kind.value: kind for kind in FilingKind}
_LEVELS = {level.value: level for level in ProgrammeLevel}


def filing_kind_label(kind: str, fallback: str) -> str:
    """A filing kind's name (a category of the IP chart), or the row's own label if unknown."""
    choice = _FILING_KINDS.get(kind)
    return str(choice.label) if choice is not None else fallback


def level_label(level: str, fallback: str) -> str:
    choice = _LEVELS.get(level)
    return str(choice.label) if choice is not None else fallback


@dataclass
class ChartSeries:
    name: str
    values: list[int | Decimal | None]


@dataclass
class Chart:
    """One of the report's main charts, in a shape every renderer can draw: categories on one
    axis, one or more series of numbers (None where there is no data)."""

    key: str
    title: str
    unit: str
    categories: list[str]
    series: list[ChartSeries]


def main_charts(snapshot: dict) -> list[Chart]:
    """The charts of the report: companies, occupancy and lab use by site, IP by kind, funding by
    level. A chart whose rows the snapshot lacks is left out rather than drawn empty."""
    charts: list[Chart] = []
    sites = site_columns(snapshot)
    site_labels = [column["label"] for column in sites]

    def by_site(key: str, title: str, unit: str, row_keys: list[str]) -> None:
        series = []
        for row_key in row_keys:
            row = find_row(snapshot, row_key)
            if row is not None:
                series.append(ChartSeries(row["label"], [number(row["values"].get(c["key"])) for c in sites]))
        if series and sites:
            charts.append(Chart(key, title, unit, site_labels, series))

    by_site(
        "companies",
        _("Companies by site"),
        Unit.COUNT,
        ["companies.resident", "companies.admitted", "companies.graduated"],
    )
    by_site("occupancy", _("Occupancy rate by site"), Unit.PERCENT, ["occupancy.rate", "occupancy.desk_rate"])
    by_site("labs", _("Lab hours booked and used by site"), Unit.PERCENT, ["labs.booked_share", "labs.used_share"])

    # The `<kind>` and `<level>` rows, in the enumerations' order (ROW_KEYS); a key that is
    # not a kind or a level (a row added later) never slips into these charts.
    filed = kind_rows(snapshot, "ip.filed")
    if filed:
        granted = [find_row(snapshot, f"ip.granted.{kind}") for kind, _row in filed]
        series = [
            ChartSeries(pgettext("report", "Filed"), [number(row["values"].get(TOTAL)) for _kind, row in filed]),
            ChartSeries(
                pgettext("report", "Granted"),
                [number(row["values"].get(TOTAL)) if row else None for row in granted],
            ),
        ]
        labels = [filing_kind_label(kind, row["label"]) for kind, row in filed]
        charts.append(Chart("ip", _("IP filed and granted by kind"), Unit.COUNT, labels, series))

    levels = [
        (level, row) for level in ProgrammeLevel.values if (row := find_row(snapshot, f"funding.approved.{level}"))
    ]
    if levels:
        labels = [level_label(level, row["label"]) for level, row in levels]
        values = [number(row["values"].get(TOTAL)) for _level, row in levels]
        series = [ChartSeries(pgettext("report", "Approved"), values)]
        charts.append(Chart("funding", _("Funding approved by level"), Unit.CNY, labels, series))
    return charts


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class SheetNames:
    """Excel's sheet-name rules: at most 31 characters, none of []:*?/\\, not starting or ending
    with an apostrophe, not "History", unique regardless of case."""

    def __init__(self) -> None:
        self._taken: set[str] = {"history"}

    def __call__(self, wanted: str) -> str:
        base = _SHEET_FORBIDDEN.sub(" ", wanted).strip().strip("'").strip() or "Sheet"
        base = base[:31]
        name, n = base, 1
        while name.casefold() in self._taken:
            n += 1
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)] + suffix
        self._taken.add(name.casefold())
        return name


def ascii_slug(text: str) -> str:
    """Keys are ASCII already; this keeps file names safe if one is not."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-") or "report"

"""How the dashboard shows a snapshot: every row beside the previous period's, with the
trend, and bar charts of the headline figures by site."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .snapshot import TOTAL, Unit, number

# The figures charted by site, one chart each.
CHARTED_ROWS = [
    "companies.resident",
    "occupancy.rate",
    "labs.booked_share",
    "ip.filed.total",
    "funding.approved.amount",
    "investment.total",
]


@dataclass
class TrendRow:
    key: str
    label: str
    unit: str
    value: Any
    previous: Any
    difference: Any = None
    direction: str = ""  # "up", "down", "same" or "" (no comparison)


@dataclass
class TrendSection:
    key: str
    title: str
    rows: list[TrendRow] = field(default_factory=list)


@dataclass
class Bar:
    label: str
    value: Any
    percent: int


@dataclass
class Chart:
    key: str
    label: str
    unit: str
    bars: list[Bar] = field(default_factory=list)


def _difference(current: Any, previous: Any) -> tuple[Any, str]:
    current, previous = number(current), number(previous)
    if current is None or previous is None:
        return None, ""
    difference = current - previous
    if isinstance(difference, Decimal):
        difference = difference.normalize() if difference == difference.to_integral() else difference
    return difference, "up" if difference > 0 else "down" if difference < 0 else "same"


def trend_sections(current: dict, previous: dict | None, column: str = TOTAL) -> list[TrendSection]:
    before: dict[str, Any] = {}
    if previous:
        for section in previous["sections"]:
            for row in section["rows"]:
                before[row["key"]] = row["values"].get(column)
    result = []
    for section in current["sections"]:
        shown = TrendSection(key=section["key"], title=section["title"])
        for row in section["rows"]:
            value = row["values"].get(column)
            old = before.get(row["key"])
            difference, direction = _difference(value, old)
            shown.rows.append(
                TrendRow(
                    key=row["key"],
                    label=row["label"],
                    unit=row["unit"],
                    value=value,
                    previous=old,
                    difference=difference,
                    direction=direction,
                )
            )
        result.append(shown)
    return result


def site_charts(snapshot: dict) -> list[Chart]:
    """Bars per site for the headline figures; empty when the snapshot has a single site."""
    sites = [c for c in snapshot["columns"] if c["key"] != TOTAL]
    if len(sites) < 2:
        return []
    rows = {row["key"]: row for section in snapshot["sections"] for row in section["rows"]}
    charts = []
    for key in CHARTED_ROWS:
        row = rows.get(key)
        if row is None:
            continue
        values = [(c["label"], number(row["values"].get(c["key"]))) for c in sites]
        top = max((v for _label, v in values if v is not None), default=None)
        chart = Chart(key=key, label=row["label"], unit=row["unit"])
        for label, value in values:
            percent = 0 if value is None or not top or top <= 0 else max(0, int(value * 100 / top))
            chart.bars.append(Bar(label=label, value=value, percent=min(percent, 100)))
        charts.append(chart)
    return charts


__all__ = ["Unit", "site_charts", "trend_sections"]

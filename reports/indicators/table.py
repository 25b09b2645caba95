"""The snapshot's rows under construction, and how values are written into it."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..snapshot import TOTAL, Row, Section, Unit

PLACES = {
    Unit.CNY: Decimal("0.01"),
    Unit.M2: Decimal("0.01"),
    Unit.PERCENT: Decimal("0.1"),
    Unit.HOURS: Decimal("0.1"),
    Unit.RATIO: Decimal("0.01"),
}


def fmt(value: Any, unit: str) -> Any:
    """A value as the snapshot stores it: int for counts and years, a decimal string for
    the rest, None stays None."""
    if value is None:
        return None
    if unit in (Unit.COUNT, Unit.YEAR):
        return int(value)
    return str(Decimal(value).quantize(PLACES.get(unit, Decimal("0.01")), rounding=ROUND_HALF_UP))


def percent(part: Decimal | float | int | None, whole: Decimal | float | int | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return Decimal(str(part)) * 100 / Decimal(str(whole))


def total_of(values: Iterable[Any]) -> Any:
    """The sum of the values that have data; None when none has."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    return sum(present)


class Table:
    """The rows of one snapshot under construction: raw values per column key, formatted
    when the snapshot is assembled."""

    def __init__(self, column_keys: list[str]) -> None:
        self.column_keys = column_keys
        self.sections: list[Section] = []

    def section(self, key: str, title: str) -> list[Row]:
        rows: list[Row] = []
        self.sections.append({"key": key, "title": title, "rows": rows})
        return rows

    def row(
        self,
        rows: list[Row],
        key: str,
        label: str,
        unit: str,
        per_site: dict[str, Any],
        *,
        total: Any = ...,
    ) -> None:
        """Add a row; the total is the sum of the site values unless given."""
        values = {column: per_site.get(column) for column in self.column_keys}
        values[TOTAL] = total_of(values.values()) if total is ... else total
        rows.append({"key": key, "label": label, "unit": unit, "values": {k: fmt(v, unit) for k, v in values.items()}})


def col(site_id: int | None) -> str:
    return f"site-{site_id}"


def by_site(rows: Iterable[dict], field: str = "home") -> dict[str, dict]:
    return {col(r[field]): r for r in rows}


def pick(grouped: dict[str, dict], name: str, default: Any = 0) -> dict[str, Any]:
    return {key: (row.get(name) if row.get(name) is not None else default) for key, row in grouped.items()}


def zeros(table: Table, values: dict[str, Any], zero: Any = 0) -> dict[str, Any]:
    """Every site column present: a site without rows counts zero."""
    return {key: values.get(key, zero) for key in table.column_keys}

"""Which period a scheduled report covers."""

from __future__ import annotations

from datetime import date, timedelta

from .choices import ExportKind


def previous_scheduled_period(kind: str, day: date) -> tuple[date, date]:
    """The last whole month (or quarter) before the one `day` falls in, both days included."""
    if kind == ExportKind.MONTHLY:
        end = day.replace(day=1) - timedelta(days=1)
        return end.replace(day=1), end
    if kind == ExportKind.QUARTERLY:
        quarter_start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        end = quarter_start - timedelta(days=1)
        return date(end.year, 3 * ((end.month - 1) // 3) + 1, 1), end
    raise ValueError(f"{kind!r} is not a scheduled kind")


def period_containing(kind: str, day: date) -> tuple[date, date]:
    """The month, quarter or year that `day` falls in, both days included."""
    if kind == "month":
        start = day.replace(day=1)
        following = (start + timedelta(days=32)).replace(day=1)
        return start, following - timedelta(days=1)
    if kind == "quarter":
        start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        following = (start + timedelta(days=95)).replace(day=1)
        return start, following - timedelta(days=1)
    if kind == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    raise ValueError(f"{kind!r} is not a period kind")

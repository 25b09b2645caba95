"""Periods: the month, quarter or year of a report, the one before it, and its days as
moments in the sites' time zone."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

PERIOD_KINDS = ("month", "quarter", "year")


def _last_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def period_for(kind: str, day: date, *, preceding: bool = False) -> tuple[date, date]:
    """The month, quarter or year containing `day` (both ends included); with `preceding`,
    the whole one before it, which is what a schedule reports on (on 1 April: the first
    quarter)."""
    if kind == "month":
        first = date(day.year, day.month, 1)
        months = 1
    elif kind == "quarter":
        first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        months = 3
    elif kind == "year":
        first = date(day.year, 1, 1)
        months = 12
    else:
        raise ValueError(f"Unknown period kind: {kind!r}")
    if preceding:
        year, month = _add_months(first.year, first.month, -months)
        first = date(year, month, 1)
    year, month = _add_months(first.year, first.month, months - 1)
    return first, _last_of_month(year, month)


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length immediately before: whole calendar months shift by their
    number of months (a month → the month before, a quarter → the quarter before, a year →
    the year before), anything else by its number of days."""
    if end < start:
        raise ValueError("The period ends before it starts.")
    if start.day == 1 and end == _last_of_month(end.year, end.month):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        year, month = _add_months(start.year, start.month, -months)
        return date(year, month, 1), start - timedelta(days=1)
    length = end - start + timedelta(days=1)
    return start - length, start - timedelta(days=1)


def economy_year(end: date) -> int:
    """The year whose year figures a period reports: its end year once the period reaches
    31 December of it, else the year before (the current year's figures are not in yet)."""
    return end.year if (end.month, end.day) == (12, 31) else end.year - 1


def site_zone() -> ZoneInfo:
    """The sites' time zone: the project's, whatever time zone a request activated."""
    return ZoneInfo(settings.TIME_ZONE)


def site_today() -> date:
    return timezone.now().astimezone(site_zone()).date()


def window(start: date, end: date) -> tuple[datetime, datetime]:
    """The period's days as aware moments in the sites' time zone, `[first, after last)`."""
    zone = site_zone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )

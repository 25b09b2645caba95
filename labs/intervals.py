"""Time arithmetic for opening hours, availability and utilisation.

Intervals are half-open `(start, end)` pairs of aware datetimes. Opening hours are wall-clock
times of the site, which is the project's `TIME_ZONE` (Asia/Shanghai).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

Interval = tuple[datetime, datetime]


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local(moment: datetime) -> datetime:
    return moment.astimezone(local_zone())


def at(day: date, clock: time) -> datetime:
    """The aware moment of a wall-clock time on a day of the site."""
    return datetime.combine(day, clock, tzinfo=local_zone())


def ceil(moment: datetime, minutes: int) -> datetime:
    """The first moment on the `minutes` grid of the site's day at or after `moment`."""
    moment = local(moment)
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    step = timedelta(minutes=minutes)
    elapsed = moment - midnight
    steps = -(-elapsed // step)  # ceiling division of timedeltas
    return midnight + steps * step


def week_start(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def days(start: date, end: date) -> Iterable[date]:
    """Every day of `[start, end)`."""
    for offset in range((end - start).days):
        yield start + timedelta(days=offset)


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, with overlapping and touching intervals joined."""
    result: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if result and start <= result[-1][1]:
            if end > result[-1][1]:
                result[-1] = (result[-1][0], end)
        else:
            result.append((start, end))
    return result


def subtract(intervals: Iterable[Interval], holes: Iterable[Interval]) -> list[Interval]:
    """What is left of `intervals` after cutting out `holes`."""
    holes = merge(holes)
    result: list[Interval] = []
    for start, end in merge(intervals):
        cursor = start
        for hole_start, hole_end in holes:
            if hole_end <= cursor or hole_start >= end:
                continue
            if hole_start > cursor:
                result.append((cursor, hole_start))
            cursor = max(cursor, hole_end)
            if cursor >= end:
                break
        if cursor < end:
            result.append((cursor, end))
    return result


def clip(intervals: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    return [(max(s, start), min(e, end)) for s, e in intervals if e > start and s < end]


def total_seconds(intervals: Iterable[Interval]) -> float:
    return sum((end - start).total_seconds() for start, end in merge(intervals))


def opening_intervals(
    *,
    hours: Sequence,
    closures: Sequence,
    start: date,
    end: date,
) -> list[Interval]:
    """The moments a lab is open on the days `[start, end)`.

    `hours` are the lab's `OpeningHours` rows and `closures` its `Closure` rows (anything with
    the same attributes will do).
    """
    by_weekday: dict[int, list[tuple[time, time]]] = {}
    for row in hours:
        by_weekday.setdefault(row.weekday, []).append((row.opens_at, row.closes_at))
    zone = local_zone()  # what `at` does, with the zone looked up once rather than per day
    result: list[Interval] = []
    for day in days(start, end):
        if any(c.starts_on <= day <= c.ends_on for c in closures):
            continue
        for opens_at, closes_at in by_weekday.get(day.weekday(), ()):
            result.append((datetime.combine(day, opens_at, tzinfo=zone), datetime.combine(day, closes_at, tzinfo=zone)))
    return merge(result)

"""The portal's week calendar: availability laid out as slots × days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from . import intervals
from .selectors import Availability, Busy


@dataclass(frozen=True)
class Cell:
    starts_at: datetime
    ends_at: datetime
    state: str  # free, mine, busy, maintenance, closed, past, later
    busy: Busy | None = None


@dataclass(frozen=True)
class Row:
    clock: time
    cells: list[Cell]


@dataclass(frozen=True)
class Week:
    monday: date
    days: list[date]
    rows: list[Row]
    previous: date
    next: date
    today: date

    @property
    def has_free(self) -> bool:
        return any(cell.state == "free" for row in self.rows for cell in row.cells)


def _minutes(clock: time) -> int:
    return clock.hour * 60 + clock.minute


def build_week(availability: Availability, *, monday: date, now: datetime) -> Week:
    """Rows from the earliest opening to the latest closing of the week, one per slot."""
    slot = availability.equipment.slot_minutes
    days = [monday + timedelta(days=i) for i in range(7)]
    opened = [(intervals.local(s), intervals.local(e)) for s, e in availability.open]
    rows: list[Row] = []
    if opened:
        first = min(_minutes(s.time()) for s, _e in opened)
        last = max(_minutes(e.time()) if e.date() == s.date() else 24 * 60 for s, e in opened)
        first -= first % slot
        for minute in range(first, last, slot):
            clock = time(minute // 60, minute % 60)
            cells = [_cell(availability, intervals.at(day, clock), slot, now) for day in days]
            rows.append(Row(clock=clock, cells=cells))
    return Week(
        monday=monday,
        days=days,
        rows=rows,
        previous=monday - timedelta(days=7),
        next=monday + timedelta(days=7),
        today=intervals.local(now).date(),
    )


def _cell(availability: Availability, start: datetime, slot: int, now: datetime) -> Cell:
    end = start + timedelta(minutes=slot)
    if not any(s <= start and end <= e for s, e in availability.open):
        return Cell(start, end, "closed")
    for busy in availability.busy:
        if busy.starts_at < end and busy.ends_at > start:
            state = "maintenance" if busy.kind == "maintenance" else ("mine" if busy.mine else "busy")
            return Cell(start, end, state, busy)
    if start < now:
        return Cell(start, end, "past")
    if start >= availability.bookable_until:
        return Cell(start, end, "later")
    if not any(s <= start and end <= e for s, e in availability.free):
        return Cell(start, end, "closed")
    return Cell(start, end, "free")

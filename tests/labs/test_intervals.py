from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

from labs import intervals
from labs.intervals import at

DAY = date(2026, 3, 2)  # a Monday


def h(hour, minute=0, day=DAY):
    return at(day, time(hour, minute))


def test_merge_joins_touching_and_overlapping():
    merged = intervals.merge([(h(10), h(11)), (h(8), h(9)), (h(9), h(10)), (h(13), h(14)), (h(13, 30), h(13, 45))])
    assert merged == [(h(8), h(11)), (h(13), h(14))]


def test_subtract_cuts_holes():
    free = intervals.subtract([(h(8), h(20))], [(h(9), h(10)), (h(9, 30), h(11)), (h(19), h(21))])
    assert free == [(h(8), h(9)), (h(11), h(19))]
    assert intervals.subtract([(h(8), h(9))], [(h(7), h(10))]) == []


def test_ceil_moves_to_the_next_slot_of_the_sites_day():
    assert intervals.ceil(h(9, 0), 30) == h(9, 0)
    assert intervals.ceil(h(9, 1), 30) == h(9, 30)
    assert intervals.ceil(h(23, 50), 60) == h(0, day=DAY + timedelta(days=1))
    utc = datetime(2026, 3, 1, 17, 10, tzinfo=UTC)  # 01:10 on the 2nd in Tianjin
    assert intervals.ceil(utc, 15) == h(1, 15)


def test_opening_intervals_skip_closures():
    hours = [
        SimpleNamespace(weekday=0, opens_at=time(8), closes_at=time(12)),
        SimpleNamespace(weekday=0, opens_at=time(13), closes_at=time(18)),
        SimpleNamespace(weekday=1, opens_at=time(9), closes_at=time(17)),
    ]
    closures = [SimpleNamespace(starts_on=DAY + timedelta(days=1), ends_on=DAY + timedelta(days=1))]
    result = intervals.opening_intervals(hours=hours, closures=closures, start=DAY, end=DAY + timedelta(days=8))
    assert result == [
        (h(8), h(12)),
        (h(13), h(18)),
        (h(8, day=DAY + timedelta(days=7)), h(12, day=DAY + timedelta(days=7))),
        (h(13, day=DAY + timedelta(days=7)), h(18, day=DAY + timedelta(days=7))),
    ]
    assert intervals.total_seconds(result) == 18 * 3600

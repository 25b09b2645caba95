"""What the labs app shows on the portal home page."""

from datetime import timedelta

from django.utils import timezone

from . import selectors


def my_bookings(request) -> dict:
    upcoming = selectors.upcoming_bookings_of(request.user)
    return {"bookings": list(upcoming[:5])}


def bookings_waiting(request) -> dict:
    waiting = selectors.bookings_waiting_for_staff(user=request.user)
    return {"count": waiting.count(), "bookings": list(waiting[:5])}


def utilisation(request) -> dict:
    """The last four weeks, in total and per site."""
    today = timezone.localdate()
    start = today - timedelta(days=28)
    figures = selectors.utilisation(user=request.user, start=start, end=today)
    return {"figures": figures, "start": start, "end": today - timedelta(days=1)}

"""What the spaces app shows on the portal home page."""

from django.utils import timezone

from . import selectors


def my_space(request) -> dict:
    today = timezone.localdate()
    allocations = list(selectors.allocations_of_member(request.user, today=today)[:6])
    open_requests = list(selectors.space_requests_of_member(request.user).filter(status="submitted")[:3])
    return {"allocations": allocations, "open_requests": open_requests, "today": today}


def occupancy(request) -> dict:
    today = timezone.localdate()
    report = selectors.occupancy(request.user, on=today)
    waiting = selectors.space_requests_waiting(request.user)
    return {"report": report, "waiting": waiting.count(), "today": today}

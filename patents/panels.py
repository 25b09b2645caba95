"""What the patents app shows on the portal home page."""

from django.utils import timezone

from incubator import permissions

from .presentation import describe
from .selectors import upcoming_deadlines


def upcoming(request) -> dict:
    today = timezone.localdate()
    user = request.user
    return {
        "rows": [describe(d, today) for d in upcoming_deadlines(user, today=today)],
        "overseer": permissions.is_centre_staff(user) or permissions.is_district(user),
    }

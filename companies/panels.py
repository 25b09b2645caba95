"""What the companies app shows on the portal home page."""

from .selectors import admissions_waiting as _admissions_waiting
from .selectors import company_list, memberships_visible_to


def my_companies(request) -> dict:
    user = request.user
    return {"companies": list(company_list(user).filter(memberships__user=user)[:5])}


def my_team(request) -> dict:
    user = request.user
    memberships = (
        memberships_visible_to(user)
        .filter(company__memberships__user=user)
        .order_by("company__name", "-role", "user__email")[:12]
    )
    return {"memberships": list(memberships)}


def admissions_waiting(request) -> dict:
    waiting = _admissions_waiting(request.user)
    return {"count": waiting.count(), "admissions": list(waiting.order_by("submitted_at")[:5])}

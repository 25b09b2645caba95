"""What the funding app shows on the portal home page."""

from django.utils import timezone

from incubator import permissions

from . import selectors


def funding(request) -> dict:
    user = request.user
    if permissions.is_centre_staff(user):
        waiting = selectors.applications_waiting(user).order_by("submitted_at", "pk")
        return {"role": "staff", "count": waiting.count(), "applications": list(waiting[:5])}
    if permissions.is_district(user):
        year = timezone.localdate().year
        totals = selectors.funding_totals(user, year=year)
        return {"role": "district", "year": year, "totals": totals}
    offers = selectors.programmes_for_maker(user)
    mine = selectors.applications_visible_to(user).filter(company__memberships__user=user).order_by("-created_at")
    return {
        "role": "maker",
        "offers": [o for o in offers if o.can_apply][:3],
        "applications": list(mine[:5]),
    }


def introductions(request) -> dict:
    user = request.user
    if permissions.is_centre_staff(user) or permissions.is_district(user):
        return {"role": "staff", "counts": selectors.introduction_counts(user)}
    mine = selectors.introductions_visible_to(user).filter(company__memberships__user=user)
    return {"role": "maker", "introductions": list(mine.order_by("-last_activity_at")[:5])}

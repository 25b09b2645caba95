"""Sponsors, introductions and investments as each user may see them."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.utils import timezone

from companies.models import Residency
from companies.selectors import companies_visible_to

from ..choices import (
    ACTIVE_INTRODUCTION_STATUSES,
    IntroductionStatus,
)
from ..models import Introduction, Investment, Sponsor
from ._common import CLOSED_INTRODUCTION_STATUSES, _reads_everything_offered, _signed_in

# --- Sponsors, introductions, investments --------------------------------------------


def sponsors_visible_to(user: Any) -> QuerySet[Sponsor]:
    qs = Sponsor.objects.all()
    if not _signed_in(user):
        return qs.none()
    if not _reads_everything_offered(user):
        qs = qs.filter(is_active=True)
    return qs


def sees_centre_notes(user: Any) -> bool:
    """Makers meet sponsors through the centre: sponsors' contacts and the centre's notes on
    introductions are for staff and the district."""
    return _reads_everything_offered(user)


def introductions_visible_to(user: Any) -> QuerySet[Introduction]:
    return Introduction.objects.filter(company__in=companies_visible_to(user)).select_related(
        "company", "sponsor", "requested_by"
    )


CLOSED_SHOWN = 20


def introduction_pipeline(user: Any) -> list[dict]:
    """The introductions the user may see by status, in pipeline order, each column with its
    count: every one still in play, and the latest 20 invested and declined. Four queries."""
    introductions = introductions_visible_to(user).order_by("-last_activity_at", "-id")
    by_status: dict[str, list[Introduction]] = defaultdict(list)
    for introduction in introductions.exclude(status__in=CLOSED_INTRODUCTION_STATUSES):
        by_status[introduction.status].append(introduction)
    for status in CLOSED_INTRODUCTION_STATUSES:
        by_status[status] = list(introductions.filter(status=status)[:CLOSED_SHOWN])
    counts = {c["status"]: c["count"] for c in introduction_counts(user)}
    return [
        {"status": status, "label": label, "count": counts[status], "introductions": by_status.get(status, [])}
        for status, label in IntroductionStatus.choices
    ]


def introduction_counts(user: Any) -> list[dict]:
    """How many introductions the user may see are in each status, in pipeline order; one query."""
    counts = dict(
        introductions_visible_to(user).order_by().values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return [
        {"status": status, "label": label, "count": counts.get(status, 0)}
        for status, label in IntroductionStatus.choices
    ]


def introductions_quiet_since(*, days: int, today: date | None = None) -> QuerySet[Introduction]:
    """Introductions in the pipeline whose last update is at least `days` days old, with the
    company's current site as `current_site_id`."""
    today = today or timezone.localdate()
    cutoff = timezone.make_aware(datetime.combine(today - timedelta(days=days - 1), time.min))
    site = Residency.objects.filter(company=OuterRef("company_id"), ends_on__isnull=True).values("site_id")[:1]
    return (
        Introduction.objects.filter(status__in=ACTIVE_INTRODUCTION_STATUSES, last_activity_at__lt=cutoff)
        .select_related("company", "sponsor")
        .annotate(current_site_id=Subquery(site))
    )


def investments_visible_to(user: Any) -> QuerySet[Investment]:
    return Investment.objects.filter(company__in=companies_visible_to(user)).select_related(
        "company", "sponsor", "introduction"
    )

"""Reads shared by the portal, the API, the feed and the reports; each takes the acting user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from companies.models import Membership
from companies.selectors import companies_visible_to

from .choices import DeadlineStatus, FilingKind, FilingStatus
from .models import Deadline, Filing, FilingEvent

UPCOMING_DAYS = 90


def filings_visible_to(user: Any) -> QuerySet[Filing]:
    """Makers see their companies' filings; staff those of companies at their sites; the district all."""
    return Filing.objects.filter(company__in=companies_visible_to(user)).select_related("company")


def filing_list(user: Any) -> QuerySet[Filing]:
    """Filings with the date of their next open deadline."""
    next_due = (
        Deadline.objects.filter(filing=OuterRef("pk"), status=DeadlineStatus.OPEN)
        .order_by("due_on")
        .values("due_on")[:1]
    )
    return filings_visible_to(user).annotate(next_due_on=Subquery(next_due)).order_by("-filing_date", "-id")


def filing_detail(user: Any, pk: int) -> Filing:
    """One filing the user may see, with its events, deadlines and documents."""
    return filings_visible_to(user).prefetch_related(*filing_prefetches()).get(pk=pk)


def filing_prefetches() -> list:
    return [
        Prefetch("events", queryset=FilingEvent.objects.select_related("recorded_by", "answers").order_by("on", "id")),
        Prefetch(
            "deadlines", queryset=Deadline.objects.select_related("source_event", "met_by").order_by("due_on", "id")
        ),
        "documents",
    ]


def deadlines_visible_to(user: Any) -> QuerySet[Deadline]:
    return Deadline.objects.filter(filing__company__in=companies_visible_to(user)).select_related(
        "filing__company", "source_event", "met_by"
    )


def open_deadlines(user: Any, *, within_days: int | None = None, today: date | None = None) -> QuerySet[Deadline]:
    """Open deadlines, soonest first; with `within_days`, those due by then (or in grace)."""
    today = today or timezone.localdate()
    qs = deadlines_visible_to(user).filter(status=DeadlineStatus.OPEN)
    if within_days is not None:
        qs = qs.filter(due_on__lte=today + timedelta(days=within_days))
    return qs.order_by("due_on", "final_on", "id")


def upcoming_deadlines(user: Any, *, today: date | None = None, limit: int = 5) -> list[Deadline]:
    return list(open_deadlines(user, within_days=UPCOMING_DAYS, today=today)[:limit])


def feed_deadlines(user: Any) -> QuerySet[Deadline]:
    """What a user's calendar shows: the open deadlines of the companies they are in, or
    for staff those they see."""
    from incubator import permissions

    qs = deadlines_visible_to(user).filter(status=DeadlineStatus.OPEN)
    if not (permissions.is_centre_staff(user) or permissions.is_district(user)):
        qs = qs.filter(filing__company__memberships__user=user)
    return qs.order_by("due_on", "id").distinct()


def deadlines_to_remind(*, today: date, horizon: int) -> QuerySet[Deadline]:
    """Open deadlines due within `horizon` days, or in their grace period, with the people to tell."""
    return (
        Deadline.objects.filter(status=DeadlineStatus.OPEN, final_on__gte=today)
        .filter(
            Q(due_on__gte=today, due_on__lte=today + timedelta(days=horizon))
            | Q(due_on__lt=today, grace_ends_on__isnull=False)
        )
        .select_related("filing__company")
        .prefetch_related(Prefetch("filing__company__memberships", queryset=Membership.objects.select_related("user")))
        .order_by("due_on", "id")
    )


@dataclass
class KindFigures:
    kind: str
    label: str
    filed: int
    granted: int
    in_force: int


@dataclass
class Indicators:
    start: date
    end: date
    rows: list[KindFigures]
    filed_total: int
    granted_total: int
    inventions_in_force: int
    population: int | None
    inventions_per_10k: Decimal | None


def ip_indicators(user: Any, *, start: date, end: date, population: int | None) -> Indicators:
    """Filings and grants by kind in `[start, end]`, what is in force today, and invention
    patents in force per 10,000 residents."""
    qs = filings_visible_to(user).order_by()
    figures = qs.values("kind").annotate(
        filed=Count("id", filter=Q(filing_date__gte=start, filing_date__lte=end)),
        granted=Count("id", filter=Q(grant_date__gte=start, grant_date__lte=end)),
        in_force=Count("id", filter=Q(status=FilingStatus.GRANTED)),
    )
    by_kind = {row["kind"]: row for row in figures}
    rows = [
        KindFigures(
            kind=kind.value,
            label=kind.label,
            filed=by_kind.get(kind.value, {}).get("filed", 0),
            granted=by_kind.get(kind.value, {}).get("granted", 0),
            in_force=by_kind.get(kind.value, {}).get("in_force", 0),
        )
        for kind in FilingKind
    ]
    inventions = next(r.in_force for r in rows if r.kind == FilingKind.INVENTION)
    per_10k = None
    if population:
        per_10k = (Decimal(inventions) * 10000 / Decimal(population)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return Indicators(
        start=start,
        end=end,
        rows=rows,
        filed_total=sum(r.filed for r in rows),
        granted_total=sum(r.granted for r in rows),
        inventions_in_force=inventions,
        population=population,
        inventions_per_10k=per_10k,
    )

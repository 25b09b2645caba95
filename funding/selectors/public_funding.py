"""Programmes, applications and disbursements as each user may see them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from companies.choices import CompanyStatus, MemberRole
from companies.models import Company, Membership
from companies.selectors import companies_visible_to, current_residencies

from ..choices import (
    LIVE_APPLICATION_STATUSES,
    OPEN_APPLICATION_STATUSES,
    ApplicationStatus,
)
from ..eligibility import eligibility_problems
from ..models import Disbursement, FundingApplication, Programme
from ._common import _reads_everything_offered, _signed_in

# --- Programmes ----------------------------------------------------------------------


def programmes_visible_to(user: Any) -> QuerySet[Programme]:
    qs = Programme.objects.all()
    if not _signed_in(user):
        return qs.none()
    if not _reads_everything_offered(user):
        qs = qs.filter(is_active=True)
    return qs


def open_programmes(today: date | None = None) -> QuerySet[Programme]:
    today = today or timezone.localdate()
    return Programme.objects.filter(is_active=True).filter(
        Q(opens_on__isnull=True) | Q(opens_on__lte=today), Q(closes_on__isnull=True) | Q(closes_on__gte=today)
    )


def _with_eligibility_data(companies: QuerySet[Company]) -> QuerySet[Company]:
    return companies.prefetch_related(current_residencies(), "designations")


@dataclass
class ProgrammeOffer:
    """An open programme as a maker sees it: which of their companies may apply, which have."""

    programme: Programme
    eligible: list[Company] = field(default_factory=list)
    not_eligible: list[tuple[Company, list[str]]] = field(default_factory=list)
    applied: dict[int, FundingApplication] = field(default_factory=dict)

    @property
    def can_apply(self) -> list[Company]:
        return [c for c in self.eligible if c.pk not in self.applied]


def my_companies(user: Any) -> QuerySet[Company]:
    """The companies the user is a member of (makers; staff may be members too)."""
    if not _signed_in(user):
        return Company.objects.none()
    return Company.objects.filter(memberships__user=user).distinct().order_by("name")


def programme_offers(
    user: Any, *, programmes: QuerySet[Programme] | None = None, today: date | None = None
) -> list[ProgrammeOffer]:
    """For each programme, the user's companies that may apply and those that have applied.
    A constant number of queries whatever the number of programmes and companies."""
    today = today or timezone.localdate()
    programmes = list(programmes if programmes is not None else open_programmes(today))
    companies = list(_with_eligibility_data(my_companies(user)))
    live = FundingApplication.objects.filter(
        company__in=[c.pk for c in companies],
        programme__in=[p.pk for p in programmes],
        status__in=LIVE_APPLICATION_STATUSES,
    )
    applied: dict[int, dict[int, FundingApplication]] = defaultdict(dict)
    for application in live:
        applied[application.programme_id][application.company_id] = application
    offers = []
    for programme in programmes:
        offer = ProgrammeOffer(programme=programme, applied=applied.get(programme.pk, {}))
        for company in companies:
            problems = eligibility_problems(programme=programme, company=company, today=today)
            if problems:
                offer.not_eligible.append((company, problems))
            else:
                offer.eligible.append(company)
        offers.append(offer)
    return offers


def programmes_for_maker(user: Any, *, today: date | None = None, show_all: bool = False) -> list[ProgrammeOffer]:
    """Open programmes that at least one of the user's companies may apply to (all open ones
    with `show_all`)."""
    offers = programme_offers(user, programmes=open_programmes(today).order_by("closes_on", "name"), today=today)
    return offers if show_all else [o for o in offers if o.eligible]


def eligible_companies(user: Any, programme: Programme, *, today: date | None = None) -> list[Company]:
    """The user's companies that may apply to the programme and have no application in play."""
    (offer,) = programme_offers(user, programmes=Programme.objects.filter(pk=programme.pk), today=today)
    return offer.can_apply


def programmes_closing_within(*, days: int, today: date | None = None) -> QuerySet[Programme]:
    today = today or timezone.localdate()
    return Programme.objects.filter(
        is_active=True, closes_on__gte=today, closes_on__lte=today + timedelta(days=days)
    ).filter(Q(opens_on__isnull=True) | Q(opens_on__lte=today))


def companies_not_applied(*, programme: Programme, today: date | None = None) -> list[Company]:
    """Eligible companies with no application to the programme beyond a draft, each with
    `owner_memberships` (and their users) loaded."""
    today = today or timezone.localdate()
    applied = FundingApplication.objects.filter(programme=programme).exclude(status=ApplicationStatus.DRAFT)
    candidates = (
        Company.objects.filter(status=CompanyStatus.RESIDENT)
        .exclude(pk__in=applied.values("company_id"))
        .prefetch_related(
            current_residencies(),
            "designations",
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(role=MemberRole.OWNER, user__is_active=True).select_related("user"),
                to_attr="owner_memberships",
            ),
        )
        .order_by("pk")
    )
    return [c for c in candidates if not eligibility_problems(programme=programme, company=c, today=today)]


# --- Applications --------------------------------------------------------------------


def applications_visible_to(user: Any) -> QuerySet[FundingApplication]:
    return FundingApplication.objects.filter(company__in=companies_visible_to(user)).select_related(
        "company", "programme", "site", "applicant", "decided_by"
    )


def applications_waiting(user: Any) -> QuerySet[FundingApplication]:
    """Applications the officers have to look at."""
    return applications_visible_to(user).filter(status__in=OPEN_APPLICATION_STATUSES)


def application_detail(user: Any, pk: int) -> FundingApplication:
    """One application with its documents and tranches; `DoesNotExist` when not the user's to see."""
    return applications_visible_to(user).prefetch_related("documents", "disbursements").get(pk=pk)


def application_history(application: FundingApplication) -> list:
    """Who changed the application when, newest first, each with the fields that changed."""
    records = list(application.history.select_related("history_user").order_by("-history_date", "-history_id"))
    entries = []
    tracked = ("status", "requested_amount", "approved_amount", "purpose", "decision_note")
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changed = []
        if previous is not None:
            changed = [
                application._meta.get_field(name).verbose_name
                for name in tracked
                if getattr(record, name) != getattr(previous, name)
            ]
        entries.append({"record": record, "changed": changed})
    return entries


# --- Disbursements -------------------------------------------------------------------


def disbursements_visible_to(user: Any) -> QuerySet[Disbursement]:
    return Disbursement.objects.filter(application__company__in=companies_visible_to(user)).select_related(
        "application__company", "application__programme"
    )


def disbursements_due_within(*, days: int, today: date | None = None) -> QuerySet[Disbursement]:
    today = today or timezone.localdate()
    return Disbursement.objects.filter(
        paid_on__isnull=True,
        due_on__lte=today + timedelta(days=days),
        application__status=ApplicationStatus.APPROVED,
    ).select_related("application__company", "application__programme")

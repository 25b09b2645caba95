"""Reads shared by the portal, the API and the reminders; each takes the acting user.

Everything a company owns is filtered through `companies_visible_to(user)`: makers see
their companies' applications, introductions and ledger, staff those of their sites, the
district all of them. Programmes and sponsors are the district's public offer: every
signed-in user sees the published ones.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.choices import CompanyStatus, MemberRole
from companies.models import Company, Membership, Residency
from companies.selectors import companies_visible_to, current_residencies
from incubator import permissions
from incubator.choices import Role
from incubator.models import Site, User

from .choices import (
    ACTIVE_INTRODUCTION_STATUSES,
    LIVE_APPLICATION_STATUSES,
    OPEN_APPLICATION_STATUSES,
    ApplicationStatus,
    IntroductionStatus,
    ProgrammeLevel,
)
from .eligibility import eligibility_problems
from .models import Disbursement, FundingApplication, Introduction, Investment, Programme, Sponsor

ZERO = Decimal("0.00")
CLOSED_INTRODUCTION_STATUSES = (IntroductionStatus.INVESTED, IntroductionStatus.DECLINED)
MONEY_OUTPUT = DecimalField(max_digits=18, decimal_places=2)


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _reads_everything_offered(user: Any) -> bool:
    """Staff and the district also see unpublished programmes and inactive sponsors."""
    return permissions.is_centre_staff(user) or permissions.is_district(user)


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


# --- Staff ---------------------------------------------------------------------------


class StaffBySite:
    """Active centre staff, loaded once: those of a site plus those of every site."""

    def __init__(self) -> None:
        users = (
            User.objects.filter(groups__name=Role.CENTRE_STAFF, is_active=True)
            .prefetch_related("staff_sites")
            .distinct()
            .order_by("pk")
        )
        self.everywhere: list[User] = []
        self.by_site: dict[int, list[User]] = defaultdict(list)
        for user in users:
            sites = [s.pk for s in user.staff_sites.all()]
            if not sites:
                self.everywhere.append(user)
            for site_id in sites:
                self.by_site[site_id].append(user)

    def for_site(self, site_id: int | None) -> list[User]:
        return self.everywhere + (self.by_site.get(site_id, []) if site_id is not None else [])


def staff_by_site() -> StaffBySite:
    return StaffBySite()


# --- The company's ledger ------------------------------------------------------------


@dataclass
class LedgerEntry:
    on: date
    kind: str  # "award", "disbursement" or "investment"
    title: str
    amount: Decimal
    level: str | None = None
    reference: str = ""
    pk: int | None = None


@dataclass
class LedgerYear:
    year: int
    awarded: Decimal = ZERO
    disbursed: Decimal = ZERO
    invested: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        """Money that reached the company this year: paid public funds and private investment."""
        return self.disbursed + self.invested


@dataclass
class LedgerLevel:
    level: str
    label: str
    awarded: Decimal = ZERO
    disbursed: Decimal = ZERO


@dataclass
class Ledger:
    """Every public award and paid tranche and every private investment of one company."""

    company: Company
    entries: list[LedgerEntry]
    years: list[LedgerYear]
    levels: list[LedgerLevel]
    awarded: Decimal
    disbursed: Decimal
    invested: Decimal

    @property
    def outstanding(self) -> Decimal:
        """Awarded but not paid yet."""
        return self.awarded - self.disbursed


def company_ledger(user: Any, company_pk: int) -> Ledger:
    """The ledger of a company the user may see; `Company.DoesNotExist` otherwise.
    Five queries, however long the company's history."""
    company = companies_visible_to(user).get(pk=company_pk)
    awards = list(
        FundingApplication.objects.filter(company=company, status=ApplicationStatus.APPROVED)
        .select_related("programme")
        .order_by("decided_at", "pk")
    )
    tranches = list(
        Disbursement.objects.filter(application__company=company, paid_on__isnull=False)
        .select_related("application__programme")
        .order_by("paid_on", "pk")
    )
    rounds = list(Investment.objects.filter(company=company).select_related("sponsor").order_by("closed_on", "pk"))

    entries: list[LedgerEntry] = []
    years: dict[int, LedgerYear] = {}
    levels = {value: LedgerLevel(level=value, label=str(label)) for value, label in ProgrammeLevel.choices}

    def year(number: int) -> LedgerYear:
        return years.setdefault(number, LedgerYear(year=number))

    for a in awards:
        entries.append(
            LedgerEntry(
                on=timezone.localdate(a.decided_at),
                kind="award",
                title=a.programme.display_name(),
                amount=a.approved_amount,
                level=a.programme.level,
                pk=a.pk,
            )
        )
        year(a.budget_year).awarded += a.approved_amount
        levels[a.programme.level].awarded += a.approved_amount
    for d in tranches:
        programme = d.application.programme
        entries.append(
            LedgerEntry(
                on=d.paid_on,
                kind="disbursement",
                title=programme.display_name(),
                amount=d.amount,
                level=programme.level,
                reference=d.reference,
                pk=d.pk,
            )
        )
        year(d.paid_on.year).disbursed += d.amount
        levels[programme.level].disbursed += d.amount
    for r in rounds:
        entries.append(
            LedgerEntry(
                on=r.closed_on,
                kind="investment",
                title=f"{r.get_round_display()} · {r.investors}",
                amount=r.amount,
                pk=r.pk,
            )
        )
        year(r.closed_on.year).invested += r.amount
    entries.sort(key=lambda e: (e.on, ("award", "disbursement", "investment").index(e.kind), e.pk or 0))
    return Ledger(
        company=company,
        entries=entries,
        years=[years[y] for y in sorted(years)],
        levels=[lv for lv in levels.values() if lv.awarded or lv.disbursed],
        awarded=sum((a.approved_amount for a in awards), ZERO),
        disbursed=sum((d.amount for d in tranches), ZERO),
        invested=sum((r.amount for r in rounds), ZERO),
    )


def ledger_summaries(user: Any) -> QuerySet[Company]:
    """Every company the user may see with its totals `awarded`, `disbursed` and `invested`,
    in one query."""
    awarded = (
        FundingApplication.objects.filter(company=OuterRef("pk"), status=ApplicationStatus.APPROVED)
        .values("company")
        .annotate(total=Sum("approved_amount"))
        .values("total")[:1]
    )
    disbursed = (
        Disbursement.objects.filter(application__company=OuterRef("pk"), paid_on__isnull=False)
        .values("application__company")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    invested = (
        Investment.objects.filter(company=OuterRef("pk"))
        .values("company")
        .annotate(total=Sum("amount"))
        .values("total")[:1]
    )
    return (
        companies_visible_to(user)
        .annotate(
            awarded=Coalesce(Subquery(awarded), Value(ZERO), output_field=MONEY_OUTPUT),
            disbursed=Coalesce(Subquery(disbursed), Value(ZERO), output_field=MONEY_OUTPUT),
            invested=Coalesce(Subquery(invested), Value(ZERO), output_field=MONEY_OUTPUT),
        )
        .order_by("name", "pk")
    )


# --- Totals for the district ---------------------------------------------------------


@dataclass
class TotalsRow:
    key: Any
    label: str
    applications: int = 0
    approved: int = 0
    approved_amount: Decimal = ZERO
    disbursed_amount: Decimal = ZERO


@dataclass
class FundingTotals:
    by_programme: list[TotalsRow]
    by_level: list[TotalsRow]
    by_year: list[TotalsRow]
    by_site: list[TotalsRow]
    approved_amount: Decimal
    disbursed_amount: Decimal


def can_read_totals(user: Any) -> bool:
    return permissions.is_centre_staff(user) or permissions.is_district(user)


def funding_totals(user: Any, *, year: int | None = None) -> FundingTotals:
    """Applications, approvals, amounts approved and paid, by programme, level, year and
    site, over the applications the user may see (optionally those decided in one year).
    Eight queries."""
    applications = applications_visible_to(user).exclude(status=ApplicationStatus.DRAFT)
    tranches = Disbursement.objects.filter(application__in=applications.values("pk"), paid_on__isnull=False)
    if year is not None:
        applications = applications.filter(budget_year=year)
        tranches = tranches.filter(application__budget_year=year)

    def grouped(key: str, tranche_key: str) -> dict[Any, TotalsRow]:
        rows: dict[Any, TotalsRow] = {}
        for row in (
            applications.order_by()
            .values(key)
            .annotate(
                n=Count("pk"),
                approved_n=Count("pk", filter=Q(status=ApplicationStatus.APPROVED)),
                amount=Coalesce(Sum("approved_amount"), Value(ZERO), output_field=MONEY_OUTPUT),
            )
        ):
            rows[row[key]] = TotalsRow(
                key=row[key], label="", applications=row["n"], approved=row["approved_n"], approved_amount=row["amount"]
            )
        for row in tranches.order_by().values(tranche_key).annotate(amount=Sum("amount")):
            rows.setdefault(row[tranche_key], TotalsRow(key=row[tranche_key], label="")).disbursed_amount = row[
                "amount"
            ]
        return rows

    by_programme = grouped("programme", "application__programme")
    names = {
        p.pk: p.display_name() for p in Programme.objects.filter(pk__in=list(by_programme)).only("name", "name_en")
    }
    for row in by_programme.values():
        row.label = names.get(row.key, "")
    by_level = grouped("programme__level", "application__programme__level")
    for row in by_level.values():
        row.label = str(ProgrammeLevel(row.key).label)
    by_year = grouped("budget_year", "application__budget_year")
    for row in by_year.values():
        row.label = str(row.key) if row.key else str(_("Not decided yet"))
    by_site = grouped("site", "application__site")
    site_names = {s.pk: s.display_name() for s in Site.objects.filter(pk__in=[k for k in by_site if k])}
    for row in by_site.values():
        row.label = site_names.get(row.key, "—")

    level_order = list(ProgrammeLevel.values)
    return FundingTotals(
        by_programme=sorted(by_programme.values(), key=lambda r: (-r.approved_amount, r.label)),
        by_level=sorted(by_level.values(), key=lambda r: level_order.index(r.key)),
        by_year=sorted(by_year.values(), key=lambda r: (r.key is None, -(r.key or 0))),
        by_site=sorted(by_site.values(), key=lambda r: r.label),
        approved_amount=sum((r.approved_amount for r in by_level.values()), ZERO),
        disbursed_amount=sum((r.disbursed_amount for r in by_level.values()), ZERO),
    )


def disbursed_by_application(application_ids: list[int]) -> dict[int, Decimal]:
    """Paid so far per application, in one query (for lists of awards)."""
    rows = (
        Disbursement.objects.filter(application_id__in=application_ids, paid_on__isnull=False)
        .values("application_id")
        .annotate(total=Sum("amount"))
    )
    return {row["application_id"]: row["total"] for row in rows}

"""A company's funding ledger, and the district's totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.models import Company
from companies.selectors import companies_visible_to
from incubator import permissions
from incubator.models import Site

from ..choices import (
    ApplicationStatus,
    ProgrammeLevel,
)
from ..models import Disbursement, FundingApplication, Investment, Programme
from ._common import MONEY_OUTPUT, ZERO
from .public_funding import applications_visible_to

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

"""The sections about what the companies achieve: intellectual property, public funding,
investment and their yearly figures."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from companies.models import YearFigures
from funding.choices import ApplicationStatus, ProgrammeLevel
from funding.models import Disbursement, FundingApplication, Investment
from patents.choices import EventKind, FilingKind, FilingStatus
from patents.models import Filing, FilingEvent, IpSettings

from ..snapshot import Unit
from .scope import with_home
from .table import Table, by_site, col, pick, zeros


def inventions_in_force_on(on: date) -> Q:
    """An invention patent granted by `on` and neither expired nor lapsed by then; a lapsed
    one counts until its recorded lapse."""
    lapsed_later = Exists(FilingEvent.objects.filter(filing_id=OuterRef("pk"), kind=EventKind.LAPSE, on__gt=on))
    return (
        Q(kind=FilingKind.INVENTION, grant_date__lte=on)
        & (Q(expires_on__isnull=True) | Q(expires_on__gt=on))
        & (Q(status__in=[FilingStatus.GRANTED, FilingStatus.EXPIRED]) | (Q(status=FilingStatus.LAPSED) & lapsed_later))
    )


def add_ip(table: Table, ids: list[int], *, start: date, end: date, on: date, whole: bool) -> int | None:
    grouped = (
        with_home(Filing.objects.all(), start, end, ids)
        .order_by()
        .values("home", "kind")
        .annotate(
            filed=Count("id", filter=Q(filing_date__gte=start, filing_date__lte=end)),
            granted=Count("id", filter=Q(grant_date__gte=start, grant_date__lte=end)),
            in_force=Count("id", filter=inventions_in_force_on(on)),
        )
    )
    figures: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for item in grouped:
        for name in ("filed", "granted", "in_force"):
            figures[name][item["kind"]][col(item["home"])] = item[name]
    rows = table.section("ip", _("Intellectual property"))
    for name, total_label in (("filed", _("Filed, all kinds")), ("granted", _("Granted or registered, all kinds"))):
        for kind in FilingKind:
            label = _("Filed: %(kind)s") if name == "filed" else _("Granted: %(kind)s")
            table.row(
                rows,
                f"ip.{name}.{kind.value}",
                label % {"kind": kind.label},
                Unit.COUNT,
                zeros(table, figures[name][kind.value]),
            )
        summed: dict[str, int] = defaultdict(int)
        for per_site in figures[name].values():
            for key, n in per_site.items():
                summed[key] += n
        table.row(rows, f"ip.{name}.total", total_label, Unit.COUNT, zeros(table, summed))
    in_force = zeros(table, figures["in_force"][FilingKind.INVENTION.value])
    table.row(rows, "ip.inventions_in_force", _("Invention patents in force"), Unit.COUNT, in_force)
    population = IpSettings.objects.filter(pk=1).values_list("district_population", flat=True).first()
    per_10k = None
    if whole and population:
        per_10k = Decimal(sum(in_force.values())) * 10000 / Decimal(population)
    table.row(
        rows,
        "ip.inventions_per_10k",
        _("Invention patents per 10,000 residents"),
        Unit.RATIO,
        {},
        total=per_10k,
    )
    return population


def add_funding(table: Table, ids: list[int], *, start: date, end: date, t0: datetime, t1: datetime) -> None:
    submitted = Q(submitted_at__gte=t0, submitted_at__lt=t1)
    approved = Q(status=ApplicationStatus.APPROVED, decided_at__gte=t0, decided_at__lt=t1)
    applications = (
        with_home(FundingApplication.objects.all(), start, end, ids)
        .filter(submitted | approved)
        .order_by()
        .values("home", "programme_id", "programme__level", "programme__name", "programme__name_en")
        .annotate(
            applied_n=Count("id", filter=submitted),
            applied=Sum("requested_amount", filter=submitted),
            approved_n=Count("id", filter=approved),
            approved=Sum("approved_amount", filter=approved),
        )
    )
    payments = (
        with_home(Disbursement.objects.all(), start, end, ids, company="application__company")
        .filter(paid_on__gte=start, paid_on__lte=end)
        .order_by()
        .values(
            "home",
            "application__programme_id",
            "application__programme__level",
            "application__programme__name",
            "application__programme__name_en",
        )
        .annotate(paid=Sum("amount"))
    )
    zero = Decimal("0")
    sums: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(lambda: zero))
    by_level: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: zero))
    programmes: dict[int, dict[str, Any]] = {}
    english = (get_language() or "").startswith("en")

    def programme(pk: int, level: str, name: str, name_en: str) -> dict[str, Any]:
        label = name_en if english and name_en else name
        return programmes.setdefault(
            pk,
            {"level": level, "label": label, "approved": defaultdict(lambda: zero), "paid": defaultdict(lambda: zero)},
        )

    for item in applications:
        key = col(item["home"])
        for name in ("applied_n", "applied", "approved_n", "approved"):
            sums[name][key] += item[name] or 0
        by_level[item["programme__level"]][key] += item["approved"] or zero
        entry = programme(
            item["programme_id"], item["programme__level"], item["programme__name"], item["programme__name_en"]
        )
        entry["approved"][key] += item["approved"] or zero
    for item in payments:
        key = col(item["home"])
        sums["paid"][key] += item["paid"] or zero
        entry = programme(
            item["application__programme_id"],
            item["application__programme__level"],
            item["application__programme__name"],
            item["application__programme__name_en"],
        )
        entry["paid"][key] += item["paid"] or zero

    rows = table.section("funding", _("Public funding"))
    table.row(rows, "funding.applied.count", _("Applications submitted"), Unit.COUNT, zeros(table, sums["applied_n"]))
    table.row(rows, "funding.applied.amount", _("Amount applied for"), Unit.CNY, zeros(table, sums["applied"], zero))
    table.row(rows, "funding.approved.count", _("Applications approved"), Unit.COUNT, zeros(table, sums["approved_n"]))
    table.row(rows, "funding.approved.amount", _("Amount approved"), Unit.CNY, zeros(table, sums["approved"], zero))
    for level in ProgrammeLevel:
        table.row(
            rows,
            f"funding.approved.{level.value}",
            _("Approved: %(level)s") % {"level": level.label},
            Unit.CNY,
            zeros(table, by_level[level.value], zero),
        )
    table.row(rows, "funding.paid.amount", _("Amount paid"), Unit.CNY, zeros(table, sums["paid"], zero))

    # By programme: which programmes appear depends on the period, so these rows are a
    # section of their own that readers list as they come (keys "funding.programme.<id>"
    # for the amount approved, "funding.programme.<id>.paid" for the amount paid).
    levels = [level.value for level in ProgrammeLevel]
    ordered = sorted(programmes.items(), key=lambda item: (levels.index(item[1]["level"]), item[1]["label"], item[0]))
    rows = table.section("funding_programmes", _("Public funding by programme"))
    for pk, entry in ordered:
        table.row(
            rows,
            f"funding.programme.{pk}",
            _("Approved: %(programme)s") % {"programme": entry["label"]},
            Unit.CNY,
            zeros(table, entry["approved"], zero),
        )
        table.row(
            rows,
            f"funding.programme.{pk}.paid",
            _("Paid: %(programme)s") % {"programme": entry["label"]},
            Unit.CNY,
            zeros(table, entry["paid"], zero),
        )


def add_investment(table: Table, ids: list[int], *, start: date, end: date) -> None:
    grouped = by_site(
        with_home(Investment.objects.all(), start, end, ids)
        .filter(closed_on__gte=start, closed_on__lte=end)
        .order_by()
        .values("home")
        .annotate(
            deals=Count("id"),
            total=Sum("amount"),
            via=Sum("amount", filter=Q(introduction__isnull=False)),
        )
    )
    zero = Decimal("0")
    rows = table.section("investment", _("Investment"))
    table.row(rows, "investment.deals", _("Investment rounds"), Unit.COUNT, zeros(table, pick(grouped, "deals")))
    table.row(
        rows, "investment.total", _("Investment raised"), Unit.CNY, zeros(table, pick(grouped, "total", zero), zero)
    )
    table.row(
        rows,
        "investment.via_introductions",
        _("Raised through the centre's introductions"),
        Unit.CNY,
        zeros(table, pick(grouped, "via", zero), zero),
    )


def add_economy(table: Table, ids: list[int], *, start: date, end: date, year: int) -> None:
    """The year figures of the companies counting for each site. A site where no company
    reported has no data (None) for the sums; the number reporting is still 0."""
    grouped = by_site(
        with_home(YearFigures.objects.filter(year=year), start, end, ids)
        .order_by()
        .values("home")
        .annotate(
            reporting=Count("id"),
            revenue=Sum("revenue"),
            taxes=Sum("taxes_paid"),
            rd_spend=Sum("rd_spend"),
            employees=Sum("employees"),
            rd_staff=Sum("rd_staff"),
        )
    )
    rows = table.section("economy", _("Economy"))
    table.row(rows, "economy.reporting", _("Companies reporting"), Unit.COUNT, zeros(table, pick(grouped, "reporting")))
    for key, label, unit in (
        ("revenue", _("Revenue"), Unit.CNY),
        ("taxes", _("Taxes paid"), Unit.CNY),
        ("rd_spend", _("R&D spend"), Unit.CNY),
        ("employees", _("Employees"), Unit.COUNT),
        ("rd_staff", _("R&D staff"), Unit.COUNT),
    ):
        table.row(rows, f"economy.{key}", label, unit, pick(grouped, key, None))

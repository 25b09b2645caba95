"""The rows behind the indicators: one table per area, for the sheets of an XLSX and the
files of a CSV export.

The same scope and site rule as `reports.indicators` (a company's rows go with the site it
counts for in the period, joined through `with_home`). Each table's rows stream from one
query (`values_list` + `iterator`), and whatever a row needs from elsewhere (site names,
designations, year figures, payments, who is in a space) is looked up in dictionaries built
up front, each in one query: materialising every table takes a fixed number of queries
whatever the size.

Labels and choice names are translated when `detail_tables` is called, so that a table read
later (outside the caller's `translation.override`) is still in the report's language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from companies.choices import CompanyStatus, DesignationKind
from companies.models import Company, Designation, YearFigures
from funding.choices import ApplicationStatus, InvestmentRound, ProgrammeLevel
from funding.models import Disbursement, FundingApplication, Investment
from incubator.models import Site
from labs.selectors import utilisation
from patents.choices import FilingKind, FilingStatus
from patents.models import Filing
from spaces.choices import EXCLUSIVE_KINDS, SpaceKind
from spaces.models import Allocation, Space

from .indicators import (
    economy_year,
    inventions_in_force_on,
    percent,
    readable_sites,
    site_today,
    site_zone,
    window,
    with_home,
)
from .snapshot import DetailColumn, DetailTable, Unit

CHUNK = 2000
TEXT = "text"
DATE = "date"
HOUR = Decimal("0.1")
SHARE = Decimal("0.1")


def _choices(enum: Any) -> dict[str, str]:
    """A choice enumeration's labels in the active language, as plain strings."""
    return {value: str(label) for value, label in enum.choices}


def _column(key: str, label: str, unit: str) -> DetailColumn:
    return {"key": key, "label": label, "unit": unit}


class _Context:
    """What every table needs: the period, the sites and how to name things."""

    def __init__(self, *, user: Any, start: date, end: date, site: Site | int | None) -> None:
        self.user = user
        self.start = start
        self.end = end
        self.sites, _whole = readable_sites(user, site)
        self.ids = [s.pk for s in self.sites]
        self.site_names = {s.pk: s.display_name() for s in self.sites}
        self.on = min(end, site_today())
        self.english = (get_language() or "").startswith("en")
        self.yes, self.no = _("yes"), _("no")
        self.zone = site_zone()

    def name(self, name: str, name_en: str) -> str:
        return name_en if self.english and name_en else name

    def home(self, qs: Any, company: str = "company") -> Any:
        """`qs` narrowed to the companies counting for the sites, with their site as `home`."""
        return with_home(qs, self.start, self.end, self.ids, company)

    def flag(self, value: bool) -> str:
        return self.yes if value else self.no


def detail_tables(*, user: Any, start: date, end: date, site: Site | int | None = None) -> list[DetailTable]:
    """One table per area (companies, spaces, equipment, filings, funding applications,
    investments) for the sites the user may read, or `site`. Raises PermissionDenied like
    `reports.indicators.compute`. Each table's rows are a generator: read them once."""
    ctx = _Context(user=user, start=start, end=end, site=site)
    return [
        _companies(ctx),
        _spaces(ctx),
        _equipment(ctx),
        _filings(ctx),
        _applications(ctx),
        _investments(ctx),
    ]


# --- Companies -----------------------------------------------------------------------


def _companies(ctx: _Context) -> DetailTable:
    year = economy_year(ctx.end)
    statuses = _choices(CompanyStatus)
    kinds = _choices(DesignationKind)
    order = list(kinds)
    in_scope = ctx.home(Company.objects.all(), company="")
    held: dict[int, list[str]] = defaultdict(list)
    for company_id, kind in (
        Designation.objects.filter(company__in=in_scope.values("pk"), granted_on__lte=ctx.on)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=ctx.on))
        .order_by()
        .distinct()
        .values_list("company_id", "kind")
    ):
        held[company_id].append(kind)
    figures = {
        company_id: (employees, revenue)
        for company_id, employees, revenue in YearFigures.objects.filter(
            year=year, company__in=in_scope.values("pk")
        ).values_list("company_id", "employees", "revenue")
    }
    rows = in_scope.order_by("home", "name", "pk").values_list("pk", "name", "name_en", "home", "status", "admitted_on")

    def stream() -> Iterator[list[Any]]:
        for pk, name, name_en, home, status, admitted_on in rows.iterator(chunk_size=CHUNK):
            employees, revenue = figures.get(pk, (None, None))
            designations = ", ".join(kinds[k] for k in sorted(held.get(pk, []), key=order.index))
            yield [
                ctx.name(name, name_en),
                ctx.site_names.get(home),
                statuses.get(status, status),
                admitted_on,
                designations,
                employees,
                revenue,
            ]

    return DetailTable(
        key="companies",
        title=_("Companies"),
        columns=[
            _column("company", _("Company"), TEXT),
            _column("site", _("Site"), TEXT),
            _column("status", _("Status"), TEXT),
            _column("admitted_on", _("Admitted on"), DATE),
            _column("designations", _("Designations held"), TEXT),
            _column("employees", _("Employees (%(year)s)") % {"year": year}, Unit.COUNT),
            _column("revenue", _("Revenue (%(year)s)") % {"year": year}, Unit.CNY),
        ],
        rows=stream(),
    )


# --- Spaces --------------------------------------------------------------------------


def _spaces(ctx: _Context) -> DetailTable:
    """Every space in use at the sites, with who is in it on the day of the occupancy figures."""
    kinds = _choices(SpaceKind)
    on = ctx.on
    occupants: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for space_id, desks, name, name_en in (
        Allocation.objects.filter(space__site_id__in=ctx.ids, space__is_active=True, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on))
        .order_by("company__name", "pk")
        .values_list("space_id", "desks", "company__name", "company__name_en")
    ):
        occupants[space_id].append((desks, ctx.name(name, name_en)))
    rows = (
        Space.objects.filter(site_id__in=ctx.ids, is_active=True)
        .order_by("site_id", "floor", "code")
        .values_list("pk", "site_id", "code", "kind", "area_m2", "desks")
    )

    def stream() -> Iterator[list[Any]]:
        for pk, site_id, code, kind, area, desks in rows.iterator(chunk_size=CHUNK):
            inside = occupants.get(pk, [])
            if kind in EXCLUSIVE_KINDS:
                desks_let = desks if inside else 0
            else:
                desks_let = min(sum(d for d, _name in inside), desks)
            yield [
                ctx.site_names.get(site_id),
                code,
                kinds.get(kind, kind),
                area,
                desks,
                desks_let,
                ctx.flag(bool(inside)),
                ", ".join(name for _desks, name in inside),
            ]

    return DetailTable(
        key="spaces",
        title=_("Spaces on %(day)s") % {"day": on.isoformat()},
        columns=[
            _column("site", _("Site"), TEXT),
            _column("code", _("Space"), TEXT),
            _column("kind", _("Kind"), TEXT),
            _column("area_m2", _("Area (m²)"), Unit.M2),
            _column("desks", _("Desks"), Unit.COUNT),
            _column("desks_let", _("Desks let"), Unit.COUNT),
            _column("let", _("Let"), TEXT),
            _column("companies", _("Company"), TEXT),
        ],
        rows=stream(),
    )


# --- Equipment -----------------------------------------------------------------------


def _equipment(ctx: _Context) -> DetailTable:
    """Per piece of equipment, from the labs app's utilisation (six queries, in memory: a
    district has hundreds of pieces, not hundreds of thousands)."""
    result = utilisation(user=ctx.user, start=ctx.start, end=ctx.end + timedelta(days=1))
    wanted = set(ctx.ids)
    labs = {u.obj.pk: u for u in result.labs if u.obj.site_id in wanted}

    def hours(seconds: float) -> Decimal:
        return (Decimal(str(seconds)) / 3600).quantize(HOUR)

    def share(part: float, whole: float) -> Decimal | None:
        value = percent(part, whole)
        return None if value is None else value.quantize(SHARE)

    def stream() -> Iterator[list[Any]]:
        for usage in result.equipment:
            lab = labs.get(usage.obj.lab_id)
            if lab is None:
                continue
            yield [
                ctx.site_names.get(lab.obj.site_id),
                lab.label,
                usage.label,
                hours(usage.open_seconds),
                hours(usage.booked_seconds),
                hours(usage.used_seconds),
                share(usage.booked_seconds, usage.open_seconds),
                share(usage.used_seconds, usage.open_seconds),
            ]

    return DetailTable(
        key="equipment",
        title=_("Equipment"),
        columns=[
            _column("site", _("Site"), TEXT),
            _column("lab", _("Lab"), TEXT),
            _column("equipment", _("Equipment"), TEXT),
            _column("open_hours", _("Hours open"), Unit.HOURS),
            _column("booked_hours", _("Hours booked"), Unit.HOURS),
            _column("used_hours", _("Hours used"), Unit.HOURS),
            _column("booked_share", _("Booked share (%)"), Unit.PERCENT),
            _column("used_share", _("Used share (%)"), Unit.PERCENT),
        ],
        rows=stream(),
    )


# --- Filings -------------------------------------------------------------------------


def _filings(ctx: _Context) -> DetailTable:
    """The filings behind the IP figures: filed or granted in the period, and the invention
    patents in force on the day."""
    kinds = _choices(FilingKind)
    statuses = _choices(FilingStatus)
    start, end = ctx.start, ctx.end
    rows = (
        ctx.home(Filing.objects.all())
        .filter(
            Q(filing_date__gte=start, filing_date__lte=end)
            | Q(grant_date__gte=start, grant_date__lte=end)
            | inventions_in_force_on(ctx.on)
        )
        .order_by("home", "company__name", "filing_date", "pk")
        .values_list(
            "company__name",
            "company__name_en",
            "home",
            "kind",
            "application_number",
            "title",
            "filing_date",
            "status",
            "grant_date",
        )
    )

    def stream() -> Iterator[list[Any]]:
        for name, name_en, home, kind, number, title, filed, status, granted in rows.iterator(chunk_size=CHUNK):
            yield [
                ctx.name(name, name_en),
                ctx.site_names.get(home),
                kinds.get(kind, kind),
                number,
                title,
                filed,
                statuses.get(status, status),
                granted,
            ]

    return DetailTable(
        key="filings",
        title=_("IP filings"),
        columns=[
            _column("company", _("Company"), TEXT),
            _column("site", _("Site"), TEXT),
            _column("kind", _("Kind"), TEXT),
            _column("number", _("Application number"), TEXT),
            _column("title", _("Title or mark"), TEXT),
            _column("filing_date", _("Filing date"), DATE),
            _column("status", _("Status"), TEXT),
            _column("grant_date", _("Grant or registration date"), DATE),
        ],
        rows=stream(),
    )


# --- Funding applications ------------------------------------------------------------


def _applications(ctx: _Context) -> DetailTable:
    """The applications behind the funding figures: submitted or approved in the period, or
    paid in it. `paid` is what was paid in the period."""
    levels = _choices(ProgrammeLevel)
    statuses = _choices(ApplicationStatus)
    t0, t1 = window(ctx.start, ctx.end)
    paid_in_period = Q(paid_on__gte=ctx.start, paid_on__lte=ctx.end)
    paid = dict(
        ctx.home(Disbursement.objects.filter(paid_in_period), company="application__company")
        .order_by()
        .values("application_id")
        .annotate(paid=Sum("amount"))
        .values_list("application_id", "paid")
    )
    rows = (
        ctx.home(FundingApplication.objects.all())
        .filter(
            Q(submitted_at__gte=t0, submitted_at__lt=t1)
            | Q(status=ApplicationStatus.APPROVED, decided_at__gte=t0, decided_at__lt=t1)
            | Q(pk__in=Disbursement.objects.filter(paid_in_period).values("application_id"))
        )
        .order_by("home", "company__name", "submitted_at", "pk")
        .values_list(
            "pk",
            "company__name",
            "company__name_en",
            "home",
            "programme__name",
            "programme__name_en",
            "programme__level",
            "status",
            "submitted_at",
            "requested_amount",
            "approved_amount",
        )
    )

    def stream() -> Iterator[list[Any]]:
        for (
            pk,
            name,
            name_en,
            home,
            programme,
            programme_en,
            level,
            status,
            submitted,
            requested,
            approved,
        ) in rows.iterator(chunk_size=CHUNK):
            yield [
                ctx.name(name, name_en),
                ctx.site_names.get(home),
                ctx.name(programme, programme_en),
                levels.get(level, level),
                statuses.get(status, status),
                submitted.astimezone(ctx.zone).date() if submitted else None,
                requested,
                approved,
                paid.get(pk, Decimal("0.00")),
            ]

    return DetailTable(
        key="funding_applications",
        title=_("Funding applications"),
        columns=[
            _column("company", _("Company"), TEXT),
            _column("site", _("Site"), TEXT),
            _column("programme", _("Programme"), TEXT),
            _column("level", _("Level"), TEXT),
            _column("status", _("Status"), TEXT),
            _column("submitted_on", _("Submitted on"), DATE),
            _column("requested", _("Requested"), Unit.CNY),
            _column("approved", _("Approved"), Unit.CNY),
            _column("paid", _("Paid in the period"), Unit.CNY),
        ],
        rows=stream(),
    )


# --- Investments ---------------------------------------------------------------------


def _investments(ctx: _Context) -> DetailTable:
    rounds = _choices(InvestmentRound)
    rows = (
        ctx.home(Investment.objects.all())
        .filter(closed_on__gte=ctx.start, closed_on__lte=ctx.end)
        .order_by("home", "closed_on", "pk")
        .values_list(
            "company__name",
            "company__name_en",
            "home",
            "investors",
            "sponsor__name",
            "sponsor__name_en",
            "round",
            "amount",
            "closed_on",
            "introduction_id",
        )
    )

    def stream() -> Iterator[list[Any]]:
        for name, name_en, home, investors, sponsor, sponsor_en, round_, amount, closed, intro in rows.iterator(
            chunk_size=CHUNK
        ):
            yield [
                ctx.name(name, name_en),
                ctx.site_names.get(home),
                investors,
                ctx.name(sponsor, sponsor_en) if sponsor else None,
                rounds.get(round_, round_),
                amount,
                closed,
                ctx.flag(intro is not None),
            ]

    return DetailTable(
        key="investments",
        title=_("Investments"),
        columns=[
            _column("company", _("Company"), TEXT),
            _column("site", _("Site"), TEXT),
            _column("investors", _("Investors"), TEXT),
            _column("sponsor", _("Lead sponsor"), TEXT),
            _column("round", _("Round"), TEXT),
            _column("amount", _("Amount"), Unit.CNY),
            _column("closed_on", _("Date"), DATE),
            _column("via_introduction", _("Through an introduction"), TEXT),
        ],
        rows=stream(),
    )

"""The district indicators for a period: the snapshot described in `reports.snapshot`.

Every figure is an aggregate the database computes, grouped by site, so the number of queries
is fixed (about twenty) whatever the number of sites, companies, filings or bookings. The
apps' own selectors are reused where they already aggregate per site in constant queries
(`spaces.selectors.occupancy`, `labs.selectors.utilisation`); the rest are queries of their
own here, because the reports need them grouped by site and the apps do not.

Which site a company's figures count for (filings, funding, investment, year figures,
admissions to the company, graduations): the site of its residency that covers the period's
last day, else of its latest residency overlapping the period (one that ends on the first
day counts, so that a company graduating on the first day is still counted). A company with
no residency in the period counts nowhere. The rule is one correlated subquery
(`home_site`), so it stays inside each aggregate query.

Who may read what: the district role and unscoped centre staff (superusers included) read
every active site; centre staff scoped to sites read theirs; anybody else gets
`PermissionDenied` (a report with no columns would look like a district without data).

"No data" against zero: a value is None where the figure needs data that was never entered
(a site without spaces or labs, no year figures for the year, no area or population
recorded); counts and sums of events in the period (filings, applications, payments,
investments) are 0 when nothing happened, because the system records every such event.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from companies.choices import AdmissionStatus, DesignationKind
from companies.models import Admission, Company, Designation, Residency, YearFigures
from funding.choices import ApplicationStatus, ProgrammeLevel
from funding.models import Disbursement, FundingApplication, Investment
from incubator import permissions
from incubator.models import Site
from labs.selectors import utilisation
from patents.choices import EventKind, FilingKind, FilingStatus
from patents.models import Filing, FilingEvent, IpSettings
from spaces.selectors import occupancy

from .snapshot import TOTAL, VERSION, Column, Row, Section, Unit

PLACES = {
    Unit.CNY: Decimal("0.01"),
    Unit.M2: Decimal("0.01"),
    Unit.PERCENT: Decimal("0.1"),
    Unit.HOURS: Decimal("0.1"),
    Unit.RATIO: Decimal("0.01"),
}

# --- Periods -------------------------------------------------------------------------

PERIOD_KINDS = ("month", "quarter", "year")


def _last_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def period_for(kind: str, day: date, *, preceding: bool = False) -> tuple[date, date]:
    """The month, quarter or year containing `day` (both ends included); with `preceding`,
    the whole one before it, which is what a schedule reports on (on 1 April: the first
    quarter)."""
    if kind == "month":
        first = date(day.year, day.month, 1)
        months = 1
    elif kind == "quarter":
        first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        months = 3
    elif kind == "year":
        first = date(day.year, 1, 1)
        months = 12
    else:
        raise ValueError(f"Unknown period kind: {kind!r}")
    if preceding:
        year, month = _add_months(first.year, first.month, -months)
        first = date(year, month, 1)
    year, month = _add_months(first.year, first.month, months - 1)
    return first, _last_of_month(year, month)


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length immediately before: whole calendar months shift by their
    number of months (a month → the month before, a quarter → the quarter before, a year →
    the year before), anything else by its number of days."""
    if end < start:
        raise ValueError("The period ends before it starts.")
    if start.day == 1 and end == _last_of_month(end.year, end.month):
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        year, month = _add_months(start.year, start.month, -months)
        return date(year, month, 1), start - timedelta(days=1)
    length = end - start + timedelta(days=1)
    return start - length, start - timedelta(days=1)


def economy_year(end: date) -> int:
    """The year whose year figures a period reports: its end year once the period reaches
    31 December of it, else the year before (the current year's figures are not in yet)."""
    return end.year if (end.month, end.day) == (12, 31) else end.year - 1


# --- Scope ---------------------------------------------------------------------------


def readable_sites(user: Any, site: Site | int | None = None) -> tuple[list[Site], bool]:
    """The sites whose columns the user may read, narrowed to `site`, and whether they are
    the whole district. Raises PermissionDenied for anyone without a reporting role, and for
    a site outside the user's."""
    if permissions.can_read_all_sites(user):
        qs = Site.objects.all()
        whole = site is None
    elif permissions.is_centre_staff(user):
        qs = Site.objects.filter(id__in=permissions.staff_site_ids(user) or [])
        whole = False
    else:
        raise PermissionDenied(_("Only centre staff and the district read the indicators."))
    # A named site may be closed: its past can still be reported.
    qs = qs.filter(is_active=True) if site is None else qs.filter(pk=getattr(site, "pk", site))
    sites = list(qs.order_by("name", "pk"))
    if site is not None and not sites:
        raise PermissionDenied(_("You may not read this site's indicators."))
    return sites, whole


def home_site(start: date, end: date, company: str = "company_id") -> Subquery:
    """The id of the site a company counts for in the period (see the module docstring), as
    a subquery on the outer row's `company` field."""
    return Subquery(
        Residency.objects.filter(company_id=OuterRef(company), starts_on__lte=end)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
        .order_by("-starts_on", "-id")
        .values("site_id")[:1]
    )


def site_zone() -> ZoneInfo:
    """The sites' time zone: the project's, whatever time zone a request activated."""
    return ZoneInfo(settings.TIME_ZONE)


def site_today() -> date:
    return timezone.now().astimezone(site_zone()).date()


def window(start: date, end: date) -> tuple[datetime, datetime]:
    """The period's days as aware moments in the sites' time zone, `[first, after last)`."""
    zone = site_zone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


# --- Values --------------------------------------------------------------------------


def fmt(value: Any, unit: str) -> Any:
    """A value as the snapshot stores it: int for counts and years, a decimal string for
    the rest, None stays None."""
    if value is None:
        return None
    if unit in (Unit.COUNT, Unit.YEAR):
        return int(value)
    return str(Decimal(value).quantize(PLACES.get(unit, Decimal("0.01")), rounding=ROUND_HALF_UP))


def percent(part: Decimal | float | int | None, whole: Decimal | float | int | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return Decimal(str(part)) * 100 / Decimal(str(whole))


def total_of(values: Iterable[Any]) -> Any:
    """The sum of the values that have data; None when none has."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    return sum(present)


class Table:
    """The rows of one snapshot under construction: raw values per column key, formatted
    when the snapshot is assembled."""

    def __init__(self, column_keys: list[str]) -> None:
        self.column_keys = column_keys
        self.sections: list[Section] = []

    def section(self, key: str, title: str) -> list[Row]:
        rows: list[Row] = []
        self.sections.append({"key": key, "title": title, "rows": rows})
        return rows

    def row(
        self,
        rows: list[Row],
        key: str,
        label: str,
        unit: str,
        per_site: dict[str, Any],
        *,
        total: Any = ...,
    ) -> None:
        """Add a row; the total is the sum of the site values unless given."""
        values = {column: per_site.get(column) for column in self.column_keys}
        values[TOTAL] = total_of(values.values()) if total is ... else total
        rows.append({"key": key, "label": label, "unit": unit, "values": {k: fmt(v, unit) for k, v in values.items()}})


def _col(site_id: int | None) -> str:
    return f"site-{site_id}"


# --- The snapshot --------------------------------------------------------------------


def compute(*, user: Any, start: date, end: date, site: Site | int | None = None) -> dict:
    """The indicators of `[start, end]` (both days included) for each site the user may read
    (or `site`) and in total, as the JSON-ready snapshot of `reports.snapshot`. Labels are in
    the active language. Raises PermissionDenied for makers and anonymous users."""
    if end < start:
        raise ValueError("The period ends before it starts.")
    sites, whole = readable_sites(user, site)
    ids = [s.pk for s in sites]
    keys = [_col(pk) for pk in ids]
    on = min(end, site_today())
    t0, t1 = window(start, end)
    on_end = window(on, on)[1]
    year = economy_year(end)
    table = Table(keys)

    _companies(table, ids, start=start, end=end, on=on, t0=t0, t1=t1, on_end=on_end)
    _designations(table, ids, on=on)
    _sites(table, sites)
    _occupancy(table, user, ids, on=on)
    _labs(table, user, ids, start=start, end=end)
    population = _ip(table, ids, start=start, end=end, on=on, whole=whole)
    _funding(table, ids, start=start, end=end, t0=t0, t1=t1)
    _investment(table, ids, start=start, end=end)
    _economy(table, ids, start=start, end=end, year=year)

    if whole:
        scope = {"key": "district", "label": _("District")}
        total_label = _("District total")
    elif len(sites) == 1:
        scope = {"key": _col(sites[0].pk), "label": sites[0].display_name()}
        total_label = _("Total")
    else:
        scope = {"key": "sites-" + "-".join(str(pk) for pk in sorted(ids)), "label": _("Your sites")}
        total_label = _("Total")
    columns: list[Column] = [{"key": _col(s.pk), "label": s.display_name(), "site_id": s.pk} for s in sites]
    columns.append({"key": TOTAL, "label": total_label, "site_id": None})
    return {
        "version": VERSION,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "generated_at": timezone.now().astimezone(site_zone()).isoformat(),
        "language": get_language(),
        "scope": scope,
        "columns": columns,
        "sections": table.sections,
        "notes": {
            "economy.year": year,
            "occupancy.on": on.isoformat(),
            "state.on": on.isoformat(),
            "ip.population": population,
            "ip.per_10k_scope": "district" if whole else None,
            "companies.site_rule": "residency-on-last-day-else-latest-in-period",
        },
    }


def _by(rows: Iterable[dict], field: str = "home") -> dict[str, dict]:
    return {_col(r[field]): r for r in rows}


def _pick(grouped: dict[str, dict], name: str, default: Any = 0) -> dict[str, Any]:
    return {key: (row.get(name) if row.get(name) is not None else default) for key, row in grouped.items()}


def _zeros(table: Table, values: dict[str, Any], zero: Any = 0) -> dict[str, Any]:
    """Every site column present: a site without rows counts zero."""
    return {key: values.get(key, zero) for key in table.column_keys}


def _companies(
    table: Table,
    ids: list[int],
    *,
    start: date,
    end: date,
    on: date,
    t0: datetime,
    t1: datetime,
    on_end: datetime,
) -> None:
    period = {"gte": start, "lte": end}

    def in_period(field: str) -> Q:
        return Q(**{f"{field}__{op}": day for op, day in period.items()})

    resident = _by(
        Residency.objects.filter(site_id__in=ids, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on))
        .order_by()
        .values("site_id")
        .annotate(n=Count("company_id", distinct=True)),
        "site_id",
    )
    moves = _by(
        Company.objects.annotate(home=home_site(start, end, "pk"))
        .filter(home__in=ids)
        .order_by()
        .values("home")
        .annotate(
            admitted=Count("id", filter=in_period("admitted_on")),
            graduated=Count("id", filter=in_period("graduated_on")),
            left=Count("id", filter=in_period("left_on")),
        )
    )
    still_open = Q(status__in=[AdmissionStatus.SUBMITTED, AdmissionStatus.UNDER_REVIEW]) | Q(decided_at__gte=on_end)
    admissions = _by(
        Admission.objects.filter(site_id__in=ids)
        .order_by()
        .values("site_id")
        .annotate(
            received=Count("id", filter=Q(submitted_at__gte=t0, submitted_at__lt=t1)),
            accepted=Count("id", filter=Q(status=AdmissionStatus.ACCEPTED, decided_at__gte=t0, decided_at__lt=t1)),
            open=Count("id", filter=Q(submitted_at__lt=on_end) & still_open),
        ),
        "site_id",
    )
    rows = table.section("companies", _("Companies"))
    table.row(rows, "companies.resident", _("Resident companies"), Unit.COUNT, _zeros(table, _pick(resident, "n")))
    table.row(rows, "companies.admitted", _("Admitted"), Unit.COUNT, _zeros(table, _pick(moves, "admitted")))
    table.row(rows, "companies.graduated", _("Graduated"), Unit.COUNT, _zeros(table, _pick(moves, "graduated")))
    table.row(rows, "companies.left", _("Left"), Unit.COUNT, _zeros(table, _pick(moves, "left")))
    table.row(
        rows,
        "admissions.received",
        _("Applications received"),
        Unit.COUNT,
        _zeros(table, _pick(admissions, "received")),
    )
    table.row(
        rows,
        "admissions.accepted",
        _("Applications accepted"),
        Unit.COUNT,
        _zeros(table, _pick(admissions, "accepted")),
    )
    table.row(rows, "admissions.open", _("Applications open"), Unit.COUNT, _zeros(table, _pick(admissions, "open")))


def _designations(table: Table, ids: list[int], *, on: date) -> None:
    held = (
        Designation.objects.filter(
            Q(expires_on__isnull=True) | Q(expires_on__gt=on),
            Q(company__residencies__ends_on__isnull=True) | Q(company__residencies__ends_on__gt=on),
            granted_on__lte=on,
            company__residencies__site_id__in=ids,
            company__residencies__starts_on__lte=on,
        )
        .order_by()
        .values("company__residencies__site_id", "kind")
        .annotate(n=Count("company_id", distinct=True))
    )
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for item in held:
        counts[item["kind"]][_col(item["company__residencies__site_id"])] = item["n"]
    rows = table.section("designations", _("Designations"))
    labels = {
        DesignationKind.SME: _("S&T SMEs"),
        DesignationKind.HIGH_TECH: _("High-tech enterprises"),
        DesignationKind.LITTLE_GIANT: _("Little giants"),
        DesignationKind.LISTED: _("Listed companies"),
    }
    for kind in DesignationKind:
        table.row(rows, f"designations.{kind.value}", labels[kind], Unit.COUNT, _zeros(table, counts[kind.value]))


def _sites(table: Table, sites: list[Site]) -> None:
    rows = table.section("sites", _("Sites"))
    # A closed site is a column only when asked for by name; it is not an active site.
    table.row(rows, "sites.count", _("Sites"), Unit.COUNT, {_col(s.pk): int(s.is_active) for s in sites})
    table.row(rows, "sites.area_m2", _("Site area (m²)"), Unit.M2, {_col(s.pk): s.total_area_m2 for s in sites})


def _occupancy(table: Table, user: Any, ids: list[int], *, on: date) -> None:
    """From the spaces app's selector (two queries); a site without spaces in use has no data."""
    report = occupancy(user, on=on)
    figures = {item.site.pk: item for item in report.sites if item.site.pk in ids and item.spaces}
    rows = table.section("occupancy", _("Office occupancy"))

    def column(attribute: str) -> dict[str, Any]:
        return {_col(pk): getattr(item, attribute) for pk, item in figures.items()}

    area, let = column("area_m2"), column("area_let_m2")
    desks, desks_let = column("desks"), column("desks_let")
    total_area, total_let = total_of(area.values()), total_of(let.values())
    total_desks, total_desks_let = total_of(desks.values()), total_of(desks_let.values())
    table.row(rows, "occupancy.area_m2", _("Office area (m²)"), Unit.M2, area)
    table.row(rows, "occupancy.area_let_m2", _("Area let (m²)"), Unit.M2, let)
    table.row(
        rows,
        "occupancy.rate",
        _("Occupancy rate (%)"),
        Unit.PERCENT,
        {key: percent(let[key], area[key]) for key in area},
        total=percent(total_let, total_area),
    )
    table.row(rows, "occupancy.desks", _("Desks"), Unit.COUNT, desks)
    table.row(rows, "occupancy.desks_let", _("Desks let"), Unit.COUNT, desks_let)
    table.row(
        rows,
        "occupancy.desk_rate",
        _("Desk occupancy rate (%)"),
        Unit.PERCENT,
        {key: percent(desks_let[key], desks[key]) for key in desks},
        total=percent(total_desks_let, total_desks),
    )


def _labs(table: Table, user: Any, ids: list[int], *, start: date, end: date) -> None:
    """From the labs app's selector (six queries, over `[start, end + 1)`); a site without
    labs has no data, and a share without open hours none either."""
    result = utilisation(user=user, start=start, end=end + timedelta(days=1))
    wanted = set(ids)
    usage = {u.obj.pk: u for u in result.sites if u.obj.pk in wanted}
    equipment: dict[str, int] = {_col(pk): 0 for pk in usage}
    lab_site = {u.obj.pk: u.obj.site_id for u in result.labs}
    for item in result.equipment:
        site_id = lab_site.get(item.obj.lab_id)
        if site_id in usage:
            equipment[_col(site_id)] += 1
    seconds = {
        name: {_col(pk): getattr(u, f"{name}_seconds") for pk, u in usage.items()}
        for name in ("open", "booked", "used")
    }
    totals = {name: total_of(values.values()) for name, values in seconds.items()}

    def hours(values: dict[str, float]) -> dict[str, Decimal]:
        return {key: Decimal(str(v)) / 3600 for key, v in values.items()}

    rows = table.section("labs", _("Lab utilisation"))
    table.row(rows, "labs.equipment", _("Pieces of equipment"), Unit.COUNT, equipment)
    table.row(rows, "labs.open_hours", _("Hours open"), Unit.HOURS, hours(seconds["open"]))
    table.row(rows, "labs.booked_hours", _("Hours booked"), Unit.HOURS, hours(seconds["booked"]))
    table.row(rows, "labs.used_hours", _("Hours used"), Unit.HOURS, hours(seconds["used"]))
    for name, key, label in (
        ("booked", "labs.booked_share", _("Booked share of open hours (%)")),
        ("used", "labs.used_share", _("Used share of open hours (%)")),
    ):
        table.row(
            rows,
            key,
            label,
            Unit.PERCENT,
            {k: percent(v, seconds["open"][k]) for k, v in seconds[name].items()},
            total=percent(totals[name], totals["open"]),
        )


def inventions_in_force_on(on: date) -> Q:
    """An invention patent granted by `on` and neither expired nor lapsed by then; a lapsed
    one counts until its recorded lapse."""
    lapsed_later = Exists(FilingEvent.objects.filter(filing_id=OuterRef("pk"), kind=EventKind.LAPSE, on__gt=on))
    return (
        Q(kind=FilingKind.INVENTION, grant_date__lte=on)
        & (Q(expires_on__isnull=True) | Q(expires_on__gt=on))
        & (Q(status__in=[FilingStatus.GRANTED, FilingStatus.EXPIRED]) | (Q(status=FilingStatus.LAPSED) & lapsed_later))
    )


def _ip(table: Table, ids: list[int], *, start: date, end: date, on: date, whole: bool) -> int | None:
    grouped = (
        Filing.objects.annotate(home=home_site(start, end))
        .filter(home__in=ids)
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
            figures[name][item["kind"]][_col(item["home"])] = item[name]
    rows = table.section("ip", _("Intellectual property"))
    for name, total_label in (("filed", _("Filed, all kinds")), ("granted", _("Granted or registered, all kinds"))):
        for kind in FilingKind:
            label = _("Filed: %(kind)s") if name == "filed" else _("Granted: %(kind)s")
            table.row(
                rows,
                f"ip.{name}.{kind.value}",
                label % {"kind": kind.label},
                Unit.COUNT,
                _zeros(table, figures[name][kind.value]),
            )
        summed: dict[str, int] = defaultdict(int)
        for per_site in figures[name].values():
            for key, n in per_site.items():
                summed[key] += n
        table.row(rows, f"ip.{name}.total", total_label, Unit.COUNT, _zeros(table, summed))
    in_force = _zeros(table, figures["in_force"][FilingKind.INVENTION.value])
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


def _funding(table: Table, ids: list[int], *, start: date, end: date, t0: datetime, t1: datetime) -> None:
    submitted = Q(submitted_at__gte=t0, submitted_at__lt=t1)
    approved = Q(status=ApplicationStatus.APPROVED, decided_at__gte=t0, decided_at__lt=t1)
    applications = (
        FundingApplication.objects.annotate(home=home_site(start, end))
        .filter(home__in=ids)
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
        Disbursement.objects.annotate(home=home_site(start, end, "application__company_id"))
        .filter(home__in=ids, paid_on__gte=start, paid_on__lte=end)
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
        key = _col(item["home"])
        for name in ("applied_n", "applied", "approved_n", "approved"):
            sums[name][key] += item[name] or 0
        by_level[item["programme__level"]][key] += item["approved"] or zero
        entry = programme(
            item["programme_id"], item["programme__level"], item["programme__name"], item["programme__name_en"]
        )
        entry["approved"][key] += item["approved"] or zero
    for item in payments:
        key = _col(item["home"])
        sums["paid"][key] += item["paid"] or zero
        entry = programme(
            item["application__programme_id"],
            item["application__programme__level"],
            item["application__programme__name"],
            item["application__programme__name_en"],
        )
        entry["paid"][key] += item["paid"] or zero

    rows = table.section("funding", _("Public funding"))
    table.row(rows, "funding.applied.count", _("Applications submitted"), Unit.COUNT, _zeros(table, sums["applied_n"]))
    table.row(rows, "funding.applied.amount", _("Amount applied for"), Unit.CNY, _zeros(table, sums["applied"], zero))
    table.row(rows, "funding.approved.count", _("Applications approved"), Unit.COUNT, _zeros(table, sums["approved_n"]))
    table.row(rows, "funding.approved.amount", _("Amount approved"), Unit.CNY, _zeros(table, sums["approved"], zero))
    for level in ProgrammeLevel:
        table.row(
            rows,
            f"funding.approved.{level.value}",
            _("Approved: %(level)s") % {"level": level.label},
            Unit.CNY,
            _zeros(table, by_level[level.value], zero),
        )
    table.row(rows, "funding.paid.amount", _("Amount paid"), Unit.CNY, _zeros(table, sums["paid"], zero))

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
            _zeros(table, entry["approved"], zero),
        )
        table.row(
            rows,
            f"funding.programme.{pk}.paid",
            _("Paid: %(programme)s") % {"programme": entry["label"]},
            Unit.CNY,
            _zeros(table, entry["paid"], zero),
        )


def _investment(table: Table, ids: list[int], *, start: date, end: date) -> None:
    grouped = _by(
        Investment.objects.annotate(home=home_site(start, end))
        .filter(home__in=ids, closed_on__gte=start, closed_on__lte=end)
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
    table.row(rows, "investment.deals", _("Investment rounds"), Unit.COUNT, _zeros(table, _pick(grouped, "deals")))
    table.row(
        rows, "investment.total", _("Investment raised"), Unit.CNY, _zeros(table, _pick(grouped, "total", zero), zero)
    )
    table.row(
        rows,
        "investment.via_introductions",
        _("Raised through the centre's introductions"),
        Unit.CNY,
        _zeros(table, _pick(grouped, "via", zero), zero),
    )


def _economy(table: Table, ids: list[int], *, start: date, end: date, year: int) -> None:
    """The year figures of the companies counting for each site. A site where no company
    reported has no data (None) for the sums; the number reporting is still 0."""
    grouped = _by(
        YearFigures.objects.filter(year=year)
        .annotate(home=home_site(start, end))
        .filter(home__in=ids)
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
    table.row(
        rows, "economy.reporting", _("Companies reporting"), Unit.COUNT, _zeros(table, _pick(grouped, "reporting"))
    )
    for key, label, unit in (
        ("revenue", _("Revenue"), Unit.CNY),
        ("taxes", _("Taxes paid"), Unit.CNY),
        ("rd_spend", _("R&D spend"), Unit.CNY),
        ("employees", _("Employees"), Unit.COUNT),
        ("rd_staff", _("R&D staff"), Unit.COUNT),
    ):
        table.row(rows, f"economy.{key}", label, unit, _pick(grouped, key, None))


__all__ = [
    "PERIOD_KINDS",
    "compute",
    "economy_year",
    "home_site",
    "inventions_in_force_on",
    "period_for",
    "previous_period",
    "readable_sites",
    "site_today",
    "site_zone",
    "window",
]

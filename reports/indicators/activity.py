"""The sections about companies and places: companies, designations, sites, office
occupancy and lab utilisation."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from companies.choices import AdmissionStatus, DesignationKind
from companies.models import Admission, Company, Designation, Residency
from incubator.models import Site
from labs.selectors import utilisation
from spaces.selectors import occupancy

from ..snapshot import Unit
from .scope import with_home
from .table import Table, by_site, col, percent, pick, total_of, zeros


def add_companies(
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

    resident = by_site(
        Residency.objects.filter(site_id__in=ids, starts_on__lte=on)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on))
        .order_by()
        .values("site_id")
        .annotate(n=Count("company_id", distinct=True)),
        "site_id",
    )
    moves = by_site(
        with_home(Company.objects.all(), start, end, ids, company="")
        .order_by()
        .values("home")
        .annotate(
            admitted=Count("id", filter=in_period("admitted_on")),
            graduated=Count("id", filter=in_period("graduated_on")),
            left=Count("id", filter=in_period("left_on")),
        )
    )
    still_open = Q(status__in=[AdmissionStatus.SUBMITTED, AdmissionStatus.UNDER_REVIEW]) | Q(decided_at__gte=on_end)
    admissions = by_site(
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
    table.row(rows, "companies.resident", _("Resident companies"), Unit.COUNT, zeros(table, pick(resident, "n")))
    table.row(rows, "companies.admitted", _("Admitted"), Unit.COUNT, zeros(table, pick(moves, "admitted")))
    table.row(rows, "companies.graduated", _("Graduated"), Unit.COUNT, zeros(table, pick(moves, "graduated")))
    table.row(rows, "companies.left", pgettext("company status", "Left"), Unit.COUNT, zeros(table, pick(moves, "left")))
    table.row(
        rows,
        "admissions.received",
        _("Applications received"),
        Unit.COUNT,
        zeros(table, pick(admissions, "received")),
    )
    table.row(
        rows,
        "admissions.accepted",
        _("Applications accepted"),
        Unit.COUNT,
        zeros(table, pick(admissions, "accepted")),
    )
    table.row(rows, "admissions.open", _("Applications open"), Unit.COUNT, zeros(table, pick(admissions, "open")))


def add_designations(table: Table, ids: list[int], *, on: date) -> None:
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
        counts[item["kind"]][col(item["company__residencies__site_id"])] = item["n"]
    rows = table.section("designations", _("Designations"))
    labels = {
        DesignationKind.SME: _("S&T SMEs"),
        DesignationKind.HIGH_TECH: _("High-tech enterprises"),
        DesignationKind.LITTLE_GIANT: _("Little giants"),
        DesignationKind.LISTED: _("Listed companies"),
    }
    for kind in DesignationKind:
        table.row(rows, f"designations.{kind.value}", labels[kind], Unit.COUNT, zeros(table, counts[kind.value]))


def add_sites(table: Table, sites: list[Site]) -> None:
    rows = table.section("sites", _("Sites"))
    # A closed site is a column only when asked for by name; it is not an active site.
    table.row(rows, "sites.count", _("Sites"), Unit.COUNT, {col(s.pk): int(s.is_active) for s in sites})
    table.row(rows, "sites.area_m2", _("Site area (m²)"), Unit.M2, {col(s.pk): s.total_area_m2 for s in sites})


def add_occupancy(table: Table, user: Any, ids: list[int], *, on: date) -> None:
    """From the spaces app's selector (two queries); a site without spaces in use has no data."""
    report = occupancy(user, on=on)
    figures = {item.site.pk: item for item in report.sites if item.site.pk in ids and item.spaces}
    rows = table.section("occupancy", _("Office occupancy"))

    def column(attribute: str) -> dict[str, Any]:
        return {col(pk): getattr(item, attribute) for pk, item in figures.items()}

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


def add_labs(table: Table, user: Any, ids: list[int], *, start: date, end: date) -> None:
    """From the labs app's selector (six queries, over `[start, end + 1)`); a site without
    labs has no data, and a share without open hours none either."""
    result = utilisation(user=user, start=start, end=end + timedelta(days=1))
    wanted = set(ids)
    usage = {u.obj.pk: u for u in result.sites if u.obj.pk in wanted}
    equipment: dict[str, int] = {col(pk): 0 for pk in usage}
    lab_site = {u.obj.pk: u.obj.site_id for u in result.labs}
    for item in result.equipment:
        site_id = lab_site.get(item.obj.lab_id)
        if site_id in usage:
            equipment[col(site_id)] += 1
    seconds = {
        name: {col(pk): getattr(u, f"{name}_seconds") for pk, u in usage.items()} for name in ("open", "booked", "used")
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

"""Who may read what here, and the reads the portal, the API and the tasks share.

The district role and superusers read everything; centre staff read their sites' dashboards
and exports (staff of every site read everything); makers read nothing of the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from companies.models import Residency
from incubator import permissions
from incubator.choices import Role
from incubator.models import Site, User

from .models import ReportExport


def can_use_reports(user: Any) -> bool:
    """The district, superusers and centre staff; never makers or the anonymous."""
    return permissions.is_district(user) or permissions.is_centre_staff(user)


def reads_every_site(user: Any) -> bool:
    return can_use_reports(user) and permissions.can_read_all_sites(user)


def report_sites_for(user: Any) -> QuerySet[Site]:
    """The sites whose indicators the user may read: all for the district, their own for staff."""
    if not can_use_reports(user):
        return Site.objects.none()
    if reads_every_site(user):
        return Site.objects.all().order_by("name")
    return Site.objects.filter(id__in=permissions.staff_site_ids(user) or []).order_by("name")


def exports_visible_to(user: Any) -> QuerySet[ReportExport]:
    """The district (and staff of every site) see every export; staff of some sites see
    their own and those of their sites; makers none."""
    qs = ReportExport.objects.select_related("site", "requested_by")
    if not can_use_reports(user):
        return qs.none()
    if reads_every_site(user):
        return qs
    return qs.filter(Q(requested_by=user) | Q(site_id__in=permissions.staff_site_ids(user) or []))


def latest_exports(user: Any, *, limit: int = 5) -> list[ReportExport]:
    return list(exports_visible_to(user).order_by("-created_at", "-id")[:limit])


def district_members() -> QuerySet[User]:
    """Who receives the scheduled reports."""
    return User.objects.filter(groups__name=Role.DISTRICT, is_active=True).distinct().order_by("pk")


class DistrictReader:
    """Stands for "the district committee" where no person asked: the scheduled reports are
    computed with the district role's rights (every site, nothing to write)."""

    pk = None
    id = None
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = False
    is_staff = False
    # What incubator.permissions reads before it would ask the database.
    _incubator_roles = frozenset({Role.DISTRICT.value})

    def __str__(self) -> str:
        return "district"


def reader_for(export: ReportExport) -> Any:
    """Whose rights an export is computed with: its requester, or the district for scheduled ones."""
    return export.requested_by if export.requested_by_id else DistrictReader()


# --- A centre manager's dashboard ---------------------------------------------------

DEADLINES_AT_RISK_DAYS = 30
UTILISATION_DAYS = 28


@dataclass
class SiteOverview:
    site: Site
    today: date
    occupancy: Any
    utilisation: Any
    labs: list
    utilisation_start: date
    admissions: list
    admissions_count: int
    deadlines: list
    deadlines_count: int
    applications: list
    applications_count: int


def site_overview(user: Any, site: Site, *, today: date | None = None, limit: int = 10) -> SiteOverview:
    """One site today: its occupancy, the last four weeks of its labs, the admissions in
    progress, the IP deadlines due within 30 days (or overdue) of its companies, and the
    funding applications waiting for a decision."""
    from companies.selectors import admissions_waiting
    from funding.selectors import applications_waiting
    from labs.selectors import utilisation
    from patents.selectors import open_deadlines
    from spaces.selectors import occupancy

    today = today or timezone.localdate()
    occupied = occupancy(user, on=today, site=site)
    start = today - timedelta(days=UTILISATION_DAYS)
    usage = utilisation(user=user, start=start, end=today)
    site_usage = next((row for row in usage.sites if row.obj.pk == site.pk), None)
    labs = [row for row in usage.labs if row.parent == f"site-{site.pk}"]
    admissions = admissions_waiting(user).filter(site=site).order_by("submitted_at", "pk")
    resident_here = Residency.objects.filter(site=site, ends_on__isnull=True).values("company_id")
    deadlines = open_deadlines(user, within_days=DEADLINES_AT_RISK_DAYS, today=today).filter(
        filing__company_id__in=resident_here
    )
    applications = applications_waiting(user).filter(site=site).order_by("submitted_at", "pk")
    return SiteOverview(
        site=site,
        today=today,
        occupancy=occupied.total,
        utilisation=site_usage,
        labs=labs,
        utilisation_start=start,
        admissions=list(admissions[:limit]),
        admissions_count=admissions.count(),
        deadlines=list(deadlines[:limit]),
        deadlines_count=deadlines.count(),
        applications=list(applications[:limit]),
        applications_count=applications.count(),
    )

"""Whose figures a report shows: the sites the user may read, and the site a company
counts for in a period."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from companies.models import Residency
from incubator import permissions
from incubator.models import Site


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


def home_residencies(start: date, end: date, ids: list[int]) -> QuerySet[Residency]:
    """The residency that decides each company's site in the period (the latest
    one overlapping the period, by start then id), for the companies
    that count for one of the sites `ids`. At most one per company; set-based (an anti-join:
    no later overlapping residency of the same company), so the database resolves it once per
    query instead of once per row."""
    overlap = Q(starts_on__lte=end) & (Q(ends_on__isnull=True) | Q(ends_on__gte=start))
    later = Residency.objects.filter(overlap, company_id=OuterRef("company_id")).filter(
        Q(starts_on__gt=OuterRef("starts_on")) | Q(starts_on=OuterRef("starts_on"), pk__gt=OuterRef("pk"))
    )
    return Residency.objects.filter(overlap, site_id__in=ids).filter(~Exists(later))


def with_home(qs: QuerySet, start: date, end: date, ids: list[int], company: str = "company") -> QuerySet:
    """`qs` narrowed to the rows whose company counts for one of the sites `ids` in the
    period, annotated with that site's id as `home`: a join to the company's deciding
    residency (`home_residencies`). `company` is the path to the company ("" for companies
    themselves)."""
    residencies = f"{company}__residencies" if company else "residencies"
    return qs.filter(**{f"{residencies}__in": home_residencies(start, end, ids)}).annotate(
        home=F(f"{residencies}__site_id")
    )

"""Reads shared by the portal, the API, the admin and the reminders; each takes the acting user.

Occupancy, the board of a site and the free spaces run in a constant number of queries,
whatever the number of spaces: the rows come in one to three queries and are summed here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from companies.models import Membership, Residency
from companies.selectors import companies_visible_to
from incubator import permissions
from incubator.choices import Role
from incubator.models import Site, User

from .choices import EXCLUSIVE_KINDS, SpaceRequestStatus
from .models import Allocation, Space, SpaceRequest

ZERO = Decimal("0.00")


# --- Who sees what -------------------------------------------------------------------


def can_see_occupancy(user: Any) -> bool:
    """Centre staff and the district read occupancy; makers see their own allocations only."""
    return permissions.is_centre_staff(user) or permissions.is_district(user)


def sites_with_occupancy_for(user: Any) -> QuerySet[Site]:
    """The sites whose occupancy and board the user may read."""
    qs = Site.objects.order_by("name")
    if permissions.can_read_all_sites(user):
        return qs
    if permissions.is_centre_staff(user):
        return qs.filter(id__in=permissions.staff_site_ids(user) or [])
    return qs.none()


def spaces_visible_to(user: Any) -> QuerySet[Space]:
    """Staff see their sites' spaces and the district all of them; a maker sees the spaces
    in use at the sites where their companies are resident (not who is in them)."""
    qs = Space.objects.select_related("site")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if permissions.can_read_all_sites(user):
        return qs
    if permissions.is_centre_staff(user):
        return qs.filter(site_id__in=permissions.staff_site_ids(user) or [])
    resident_at = Residency.objects.filter(company__memberships__user=user, ends_on__isnull=True).values("site_id")
    return qs.filter(site_id__in=resident_at, is_active=True)


def allocations_visible_to(user: Any) -> QuerySet[Allocation]:
    """Allocations of the companies the user may see: a maker's own, staff's sites', all for the district."""
    return Allocation.objects.filter(company__in=companies_visible_to(user)).select_related("space__site", "company")


def space_requests_visible_to(user: Any) -> QuerySet[SpaceRequest]:
    return SpaceRequest.objects.filter(company__in=companies_visible_to(user)).select_related(
        "company", "site", "requested_by", "decided_by", "allocation__space"
    )


def space_requests_waiting(user: Any) -> QuerySet[SpaceRequest]:
    """Open requests at the sites the user manages (for staff), oldest first."""
    if not permissions.is_centre_staff(user):
        return SpaceRequest.objects.none()
    qs = space_requests_visible_to(user).filter(status=SpaceRequestStatus.SUBMITTED)
    ids = permissions.staff_site_ids(user)
    if ids is not None:
        qs = qs.filter(site_id__in=ids)
    return qs.order_by("requested_at", "id")


def allocations_of_member(user: Any, *, today: date) -> QuerySet[Allocation]:
    """The current and coming allocations of the companies the user belongs to."""
    if not getattr(user, "is_authenticated", False):
        return Allocation.objects.none()
    mine = Membership.objects.filter(user=user).values("company_id")
    return (
        Allocation.objects.filter(company_id__in=mine)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))
        .select_related("space__site", "company")
        .order_by("company__name", "starts_on", "id")
    )


def space_requests_of_member(user: Any) -> QuerySet[SpaceRequest]:
    if not getattr(user, "is_authenticated", False):
        return SpaceRequest.objects.none()
    mine = Membership.objects.filter(user=user).values("company_id")
    return (
        SpaceRequest.objects.filter(company_id__in=mine)
        .select_related("company", "site", "allocation__space")
        .order_by("-requested_at", "-id")
    )


def staff_for_site(site_id: int) -> QuerySet[User]:
    """Centre staff who work for the site (or for every site)."""
    staff = User.objects.filter(groups__name=Role.CENTRE_STAFF, is_active=True)
    return staff.filter(Q(staff_sites__isnull=True) | Q(staff_sites=site_id)).distinct().order_by("email")


# --- Endings -------------------------------------------------------------------------


def allocations_ending_between(*, after: date, until: date) -> QuerySet[Allocation]:
    """Allocations that end after `after` and at most on `until`, for the reminders: with the
    space, the company and its team. One that continues in another space (a move) is left out."""
    return (
        Allocation.objects.filter(ends_on__gt=after, ends_on__lte=until, moved_to__isnull=True)
        .select_related("space__site", "company")
        .prefetch_related(Prefetch("company__memberships", queryset=Membership.objects.select_related("user")))
        .order_by("ends_on", "id")
    )


def allocations_ending_within(
    user: Any, *, days: int, today: date, site: Site | int | None = None
) -> QuerySet[Allocation]:
    """The allocations the user may see that end in the next `days` days (not those that
    continue in another space)."""
    qs = allocations_visible_to(user).filter(
        ends_on__gt=today, ends_on__lte=today + timedelta(days=days), moved_to__isnull=True
    )
    if site is not None:
        qs = qs.filter(space__site_id=getattr(site, "pk", site))
    return qs.order_by("ends_on", "space__code", "id")


# --- Occupancy -----------------------------------------------------------------------


def _percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Occupancy:
    """Space at a site (or in the whole district, `site=None`) on one day: available, let and free."""

    site: Site | None
    on: date
    spaces: int = 0
    spaces_let: int = 0
    area_m2: Decimal = ZERO
    area_let_m2: Decimal = ZERO
    desks: int = 0
    desks_let: int = 0

    @property
    def spaces_free(self) -> int:
        return self.spaces - self.spaces_let

    @property
    def area_free_m2(self) -> Decimal:
        return self.area_m2 - self.area_let_m2

    @property
    def desks_free(self) -> int:
        return self.desks - self.desks_let

    @property
    def rate(self) -> Decimal | None:
        """The share of the area that is let, in per cent (one decimal); None without space."""
        return _percent(self.area_let_m2, self.area_m2)

    @property
    def desk_rate(self) -> Decimal | None:
        return _percent(Decimal(self.desks_let), Decimal(self.desks))

    def add(self, *, area: Decimal, desks: int, desks_let: int, whole: bool, let: bool) -> None:
        """Count one space. An office or workshop is let whole or not at all; open desks are
        let desk by desk, and their area in the same proportion. A space counts as let
        when anyone is in it."""
        self.spaces += 1
        self.area_m2 += area
        self.desks += desks
        if whole:
            if let:
                self.spaces_let += 1
                self.area_let_m2 += area
                self.desks_let += desks
        elif desks_let:
            taken = min(desks_let, desks)
            self.spaces_let += 1
            self.desks_let += taken
            self.area_let_m2 += (area * taken / desks).quantize(ZERO, rounding=ROUND_HALF_UP)


@dataclass
class OccupancyReport:
    on: date
    sites: list[Occupancy]
    total: Occupancy


def _live_on(day: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}starts_on__lte": day}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gt": day})
    )


def occupancy(user: Any, *, on: date, site: Site | int | None = None) -> OccupancyReport:
    """Area and desks available, let and free, and the occupancy rate, by site and for all
    the user's sites together, on the given day. Counts the spaces in use. Two queries,
    whatever the number of spaces."""
    sites = sites_with_occupancy_for(user)
    if site is not None:
        sites = sites.filter(pk=getattr(site, "pk", site))
    by_site = {s.pk: Occupancy(site=s, on=on) for s in sites}
    total = Occupancy(site=None, on=on)
    rows = (
        Space.objects.filter(site_id__in=list(by_site), is_active=True)
        .annotate(
            desks_let=Coalesce(Sum("allocations__desks", filter=_live_on(on, "allocations__")), 0),
            live=Count("allocations", filter=_live_on(on, "allocations__")),
        )
        .values_list("site_id", "kind", "area_m2", "desks", "desks_let", "live")
        .order_by()
    )
    for site_id, kind, area, desks, desks_let, live in rows:
        for figures in (by_site[site_id], total):
            figures.add(area=area, desks=desks, desks_let=desks_let, whole=kind in EXCLUSIVE_KINDS, let=live > 0)
    return OccupancyReport(on=on, sites=list(by_site.values()), total=total)


# --- Every space: who is in it and from when it is free ------------------------------


@dataclass
class SpaceStatus:
    """One space on a day: who is in it, how many desks are free, and from when it is free."""

    space: Space
    on: date
    occupants: list[Allocation] = field(default_factory=list)
    desks_let: int = 0
    free_from: date | None = None  # None: let with no end in sight
    free_until: date | None = None  # an office free from `free_from` until the next allocation begins

    @property
    def is_free(self) -> bool:
        """Free on the day: an office nobody is in, or open desks with a desk to spare."""
        return self.free_from == self.on

    @property
    def desks_free(self) -> int:
        return max(self.space.desks - self.desks_let, 0)

    @property
    def until(self) -> date | None:
        """When the current occupants' time ends (the latest end; None if one is open-ended)."""
        ends = [a.ends_on for a in self.occupants]
        if not ends or any(e is None for e in ends):
            return None
        return max(ends)


def _status(space: Space, upcoming: list[Allocation], on: date) -> SpaceStatus:
    """`upcoming`: the space's allocations that have not ended by `on`, by start."""
    live = [a for a in upcoming if a.is_live_on(on)]
    status = SpaceStatus(space=space, on=on, occupants=live)
    if space.is_exclusive:
        status.desks_let = space.desks if live else 0
        free_from: date | None = on
        for allocation in upcoming:
            if allocation.starts_on > free_from:
                break
            if allocation.ends_on is None:
                free_from = None
                break
            free_from = max(free_from, allocation.ends_on)
        status.free_from = free_from
        if free_from is not None:
            status.free_until = next((a.starts_on for a in upcoming if a.starts_on >= free_from), None)
        return status
    status.desks_let = sum(a.desks for a in live)
    if status.desks_let < space.desks:
        status.free_from = on
        return status
    for day in sorted({a.ends_on for a in upcoming if a.ends_on is not None and a.ends_on > on}):
        if sum(a.desks for a in upcoming if a.is_live_on(day)) < space.desks:
            status.free_from = day
            break
    return status


def _upcoming(on: date) -> Prefetch:
    return Prefetch(
        "allocations",
        queryset=Allocation.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on))
        .select_related("company")
        .order_by("starts_on", "id"),
        to_attr="upcoming_allocations",
    )


def space_statuses(user: Any, *, on: date, site: Site | int | None = None) -> list[SpaceStatus]:
    """The status of every space in use at the sites the user manages or reads (of one site
    if given), by site, floor and code. Two queries, whatever the number of spaces."""
    sites = sites_with_occupancy_for(user)
    if site is not None:
        sites = sites.filter(pk=getattr(site, "pk", site))
    spaces = (
        Space.objects.filter(site__in=sites, is_active=True)
        .select_related("site")
        .prefetch_related(_upcoming(on))
        .order_by("site__name", "floor", "code")
    )
    return [_status(space, space.upcoming_allocations, on) for space in spaces]


def spaces_free(user: Any, *, on: date, site: Site | int | None = None, kind: str | None = None) -> list[SpaceStatus]:
    """The spaces free on `on` or later, soonest first: which ones and from when."""
    statuses = [s for s in space_statuses(user, on=on, site=site) if s.free_from is not None]
    if kind:
        statuses = [s for s in statuses if s.space.kind == kind]
    return sorted(statuses, key=lambda s: (s.free_from, s.space.site.name, s.space.floor, s.space.code))


@dataclass
class Floor:
    number: int
    statuses: list[SpaceStatus]

    @property
    def free(self) -> int:
        return sum(1 for s in self.statuses if s.is_free)


@dataclass
class Board:
    site: Site
    on: date
    floors: list[Floor]
    figures: Occupancy


def site_board(user: Any, *, site: Site, on: date, kind: str | None = None, free_only: bool = False) -> Board:
    """Every space of a site floor by floor: who is in it and until when, what is free.
    The figures count every space in use, whatever the filters."""
    statuses = space_statuses(user, on=on, site=site)
    figures = Occupancy(site=site, on=on)
    for s in statuses:
        figures.add(
            area=s.space.area_m2,
            desks=s.space.desks,
            desks_let=s.desks_let,
            whole=s.space.is_exclusive,
            let=bool(s.occupants),
        )
    if kind:
        statuses = [s for s in statuses if s.space.kind == kind]
    if free_only:
        statuses = [s for s in statuses if s.is_free]
    ordered = sorted(statuses, key=lambda s: (s.space.floor, s.space.code))
    floors = [Floor(number=number, statuses=list(group)) for number, group in groupby(ordered, lambda s: s.space.floor)]
    return Board(site=site, on=on, floors=floors, figures=figures)

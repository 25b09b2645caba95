"""Reads shared by the portal, the API, the tasks and the reports; each takes the acting user.

Labs and equipment are public facts of the district: every signed-in person sees those in
service. Bookings are private: a maker sees their companies' bookings, staff those at their
sites' labs, the district all. Availability shows other companies' bookings only as busy.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import DurationField, F, Prefetch, Q, QuerySet, Sum
from django.db.models.expressions import ExpressionWrapper
from django.utils import timezone

from companies.models import Company, Membership
from companies.selectors import companies_visible_to
from incubator import permissions, rows
from incubator.choices import Role
from incubator.models import Site, User

from . import intervals
from .choices import BOOKED_STATUSES, LIVE_STATUSES, BookingStatus, EquipmentStatus
from .models import Booking, Closure, Equipment, Lab, MaintenanceWindow, OpeningHours, Training

# --- Labs and equipment --------------------------------------------------------------


def _reads_everything(user: Any) -> bool:
    return permissions.is_centre_staff(user) or permissions.is_district(user)


def labs_visible_to(user: Any) -> QuerySet[Lab]:
    """Every signed-in person sees the labs in service; staff and the district see closed ones too."""
    qs = Lab.objects.select_related("site")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if not _reads_everything(user):
        qs = qs.filter(is_active=True, site__is_active=True)
    return qs


def upcoming_closures(today: date | None = None) -> Prefetch:
    today = today or timezone.localdate()
    return Prefetch("closures", queryset=Closure.objects.filter(ends_on__gte=today), to_attr="upcoming_closures")


def lab_list(user: Any) -> QuerySet[Lab]:
    return labs_visible_to(user).prefetch_related(
        "opening_hours",
        upcoming_closures(),
        Prefetch("equipment", queryset=Equipment.objects.order_by("name")),
    )


def labs_staffed_by(user: Any) -> QuerySet[Lab]:
    """The labs whose bookings a staff user manages."""
    if not permissions.is_centre_staff(user):
        return Lab.objects.none()
    ids = permissions.staff_site_ids(user)
    qs = Lab.objects.select_related("site")
    return qs if ids is None else qs.filter(site_id__in=ids)


def equipment_visible_to(user: Any) -> QuerySet[Equipment]:
    return Equipment.objects.filter(lab__in=labs_visible_to(user)).select_related("lab__site")


_TO_BOOK_SQL = """
SELECT {equipment}, {lab}, s.is_active, {company}
FROM {equipment_table} e
JOIN {lab_table} l ON l.id = e.lab_id
JOIN {site_table} s ON s.id = l.site_id
LEFT JOIN {company_table} c ON c.id = %s
WHERE e.id = %s{lock}
"""


@functools.cache
def _to_book_sql(vendor: str, lock: bool) -> str:
    return _TO_BOOK_SQL.format(
        equipment=rows.columns(Equipment, "e").sql,
        lab=rows.columns(Lab, "l").sql,
        company=rows.columns(Company, "c").sql,
        equipment_table=Equipment._meta.db_table,
        lab_table=Lab._meta.db_table,
        site_table=Site._meta.db_table,
        company_table=Company._meta.db_table,
        # A share lock: a status change or a maintenance window (which lock the equipment
        # exclusively) waits for the booking, and the booking for them; two bookings do not.
        lock=" FOR SHARE OF e" if lock and vendor == "postgresql" else "",
    )


def equipment_to_book(
    user: Any, pk: int, *, company: int, lock: bool = False
) -> tuple[Equipment | None, Company | None]:
    """The equipment with its lab, if the user may see it (the rule of `labs_visible_to`),
    and the company asked for, if it exists.

    One hand-written query, as this runs on every booking: compiled by the ORM, the two
    lookups cost more than the rest of the booking's reads. Whether the user is in the
    company's team is the booking's rule (`not_member`), not this one's. With `lock`
    (inside the booking's transaction) the equipment is share-locked on PostgreSQL.
    """
    if not getattr(user, "is_authenticated", False):
        return None, None
    equipment_columns, lab_columns = rows.columns(Equipment, "e"), rows.columns(Lab, "l")
    company_columns = rows.columns(Company, "c")
    with connection.cursor() as cursor:
        cursor.execute(_to_book_sql(connection.vendor, lock), [company, pk])
        row = cursor.fetchone()
    if row is None:
        return None, None
    equipment = equipment_columns.load(row)
    lab = lab_columns.load(row, len(equipment_columns))
    site_is_active = row[len(equipment_columns) + len(lab_columns)]
    if not (lab.is_active and site_is_active) and not _reads_everything(user):
        return None, None
    equipment.lab = lab
    return equipment, company_columns.load(row, len(equipment_columns) + len(lab_columns) + 1)


def can_manage_lab(user: Any, lab: Lab) -> bool:
    return permissions.is_site_staff(user, lab.site_id)


# --- Bookings ------------------------------------------------------------------------


def _own_bookings(user: Any) -> Q:
    return Q(company_id__in=Membership.objects.filter(user=user).values("company_id")) | Q(user=user)


def bookings_visible_to(user: Any) -> QuerySet[Booking]:
    """Makers see their companies' bookings; staff also those at their sites' labs; the district all."""
    qs = Booking.objects.all()
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if permissions.can_read_all_sites(user):
        return qs
    if permissions.is_centre_staff(user):
        return qs.filter(_own_bookings(user) | Q(equipment__lab__site_id__in=permissions.staff_site_ids(user) or []))
    return qs.filter(_own_bookings(user))


def booking_list(user: Any) -> QuerySet[Booking]:
    return bookings_visible_to(user).select_related("equipment__lab__site", "user", "company")


def upcoming_bookings_of(user: Any, *, now: datetime | None = None) -> QuerySet[Booking]:
    """The person's own pending and confirmed bookings that have not ended, soonest first."""
    now = now or timezone.now()
    return booking_list(user).filter(user=user, status__in=LIVE_STATUSES, ends_at__gt=now).order_by("starts_at", "id")


def bookings_waiting_for_staff(*, now: datetime | None = None, user: Any = None) -> QuerySet[Booking]:
    """Pending bookings that have not begun; with `user`, only those at the user's sites."""
    now = now or timezone.now()
    qs = Booking.objects.filter(status=BookingStatus.PENDING, starts_at__gt=now).select_related(
        "equipment__lab__site", "user", "company"
    )
    if user is not None:
        qs = qs.filter(equipment__lab__in=labs_staffed_by(user))
    return qs.order_by("starts_at", "id")


def bookings_starting_within(*, now: datetime, minutes: int) -> QuerySet[Booking]:
    """Confirmed bookings that begin in the next `minutes` (for reminders)."""
    return Booking.objects.filter(
        status=BookingStatus.CONFIRMED, starts_at__gt=now, starts_at__lte=now + timedelta(minutes=minutes)
    ).select_related("equipment__lab__site", "user", "company")


def lab_day(*, lab: Lab, day: date) -> QuerySet[Booking]:
    """Every booking of the lab that begins on the day, for the staff's day view."""
    start = intervals.at(day, datetime.min.time())
    return (
        Booking.objects.filter(equipment__lab=lab, starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
        .select_related("equipment", "user", "company", "decided_by")
        .order_by("equipment__name", "starts_at", "id")
    )


def bookings_for_feed(user: Any, *, now: datetime | None = None, days_back: int = 90) -> QuerySet[Booking]:
    """The person's bookings for their calendar feed: the last three months and everything ahead."""
    now = now or timezone.now()
    return (
        Booking.objects.filter(user=user, ends_at__gte=now - timedelta(days=days_back))
        .select_related("equipment__lab__site", "company")
        .order_by("starts_at", "id")
    )


def staff_for_sites(site_ids: set[int]) -> dict[int, list[User]]:
    """The active centre staff of each site (staff without sites work for all), in two queries."""
    result: dict[int, list[User]] = {site_id: [] for site_id in site_ids}
    if not site_ids:
        return result
    staff = (
        User.objects.filter(groups__name=Role.CENTRE_STAFF, is_active=True)
        .distinct()
        .prefetch_related("staff_sites")
        .order_by("email")
    )
    for person in staff:
        theirs = {site.pk for site in person.staff_sites.all()}
        for site_id in site_ids:
            if not theirs or site_id in theirs:
                result[site_id].append(person)
    return result


# --- Training ------------------------------------------------------------------------


def trainings_visible_to(user: Any) -> QuerySet[Training]:
    """People see their own trainings; staff those of the teams at their sites and those they
    granted; the district and unscoped staff all."""
    qs = Training.objects.select_related("user", "granted_by")
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if permissions.can_read_all_sites(user):
        return qs
    own = Q(user=user)
    if permissions.is_centre_staff(user):
        members = Membership.objects.filter(company__in=companies_visible_to(user)).values("user_id")
        return qs.filter(own | Q(granted_by=user) | Q(user_id__in=members))
    return qs.filter(own)


def valid_training_kinds(user: Any, day: date | None = None) -> set[str]:
    day = day or timezone.localdate()
    return set(
        Training.objects.filter(user=user, granted_on__lte=day)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gt=day))
        .order_by()
        .values_list("kind", flat=True)
    )


# --- Availability --------------------------------------------------------------------


@dataclass(frozen=True)
class Busy:
    """A time the equipment cannot be booked: a live booking or a maintenance window.

    `booking` is set only when the reader may see that booking."""

    starts_at: datetime
    ends_at: datetime
    kind: str  # "booking" or "maintenance"
    booking: Booking | None = None
    status: str = ""
    mine: bool = False


# What the calendar and the API show of a booking; the company for its name.
_BUSY_FIELDS = (
    "id",
    "equipment_id",
    "user_id",
    "company_id",
    "starts_at",
    "ends_at",
    "status",
    "company__id",
    "company__name",
    "company__name_en",
)


@dataclass
class Availability:
    equipment: Equipment
    start: date
    end: date
    open: list[intervals.Interval]
    busy: list[Busy]
    free: list[intervals.Interval]
    bookable_from: datetime
    bookable_until: datetime


def equipment_availability(
    *, equipment: Equipment, user: Any, start: date, end: date, now: datetime | None = None
) -> Availability:
    """The equipment's open, busy and free times on the days `[start, end)`, in five queries.

    Free means bookable now: open, not busy, not begun and within the booking horizon.
    """
    now = now or timezone.now()
    lab = equipment.lab
    window = (intervals.at(start, datetime.min.time()), intervals.at(end, datetime.min.time()))
    hours = list(OpeningHours.objects.filter(lab_id=lab.pk))
    closures = list(Closure.objects.filter(lab_id=lab.pk, starts_on__lt=end, ends_on__gte=start))
    open_times = intervals.opening_intervals(hours=hours, closures=closures, start=start, end=end)

    maintenance = MaintenanceWindow.objects.filter(
        equipment=equipment, starts_at__lt=window[1], ends_at__gt=window[0]
    ).order_by("starts_at")
    busy = [Busy(m.starts_at, m.ends_at, "maintenance") for m in maintenance]
    bookings = list(
        Booking.objects.filter(
            equipment=equipment, status__in=LIVE_STATUSES, starts_at__lt=window[1], ends_at__gt=window[0]
        )
        .select_related("company")
        .only(*_BUSY_FIELDS)
        .order_by("starts_at")
    )
    see_all = permissions.can_read_all_sites(user) or permissions.is_site_staff(user, lab.site_id)
    own_companies = set(Membership.objects.filter(user=user).order_by().values_list("company_id", flat=True))
    for b in bookings:
        mine = b.company_id in own_companies or b.user_id == getattr(user, "pk", None)
        visible = see_all or mine
        busy.append(
            Busy(
                b.starts_at,
                b.ends_at,
                "booking",
                booking=b if visible else None,
                status=b.status if visible else "",
                mine=mine,
            )
        )
    busy.sort(key=lambda b: (b.starts_at, b.ends_at))

    today = intervals.local(now).date()
    bookable_until = intervals.at(today + timedelta(days=equipment.horizon_days + 1), datetime.min.time())
    free: list[intervals.Interval] = []
    if equipment.status == EquipmentStatus.AVAILABLE and lab.is_active:
        # Bookable from the next slot boundary: a booking starts on the grid.
        first = intervals.ceil(now, equipment.slot_minutes)
        free = intervals.subtract(
            intervals.clip(open_times, max(first, window[0]), min(bookable_until, window[1])),
            [(b.starts_at, b.ends_at) for b in busy],
        )
    return Availability(
        equipment=equipment,
        start=start,
        end=end,
        open=open_times,
        busy=busy,
        free=free,
        bookable_from=now,
        bookable_until=bookable_until,
    )


# --- Utilisation ---------------------------------------------------------------------


@dataclass
class Usage:
    """Hours open, booked and used of one piece of equipment, or summed over a lab, a site, the district."""

    key: str
    label: str
    open_seconds: float = 0.0
    booked_seconds: float = 0.0
    used_seconds: float = 0.0
    obj: Any = None
    parent: str = ""

    def add(self, other: Usage) -> None:
        self.open_seconds += other.open_seconds
        self.booked_seconds += other.booked_seconds
        self.used_seconds += other.used_seconds

    @staticmethod
    def _hours(seconds: float) -> Decimal:
        return (Decimal(str(seconds)) / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def open_hours(self) -> Decimal:
        return self._hours(self.open_seconds)

    @property
    def booked_hours(self) -> Decimal:
        return self._hours(self.booked_seconds)

    @property
    def used_hours(self) -> Decimal:
        return self._hours(self.used_seconds)

    @staticmethod
    def _share(part: float, whole: float) -> Decimal | None:
        if whole <= 0:
            return None
        return (Decimal(str(part)) / Decimal(str(whole))).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)

    @property
    def booked_share(self) -> Decimal | None:
        return self._share(self.booked_seconds, self.open_seconds)

    @property
    def used_share(self) -> Decimal | None:
        return self._share(self.used_seconds, self.open_seconds)


@dataclass
class Utilisation:
    start: date
    end: date
    equipment: list[Usage] = field(default_factory=list)
    labs: list[Usage] = field(default_factory=list)
    sites: list[Usage] = field(default_factory=list)
    total: Usage = field(default_factory=lambda: Usage(key="district", label=""))


def utilisation_labs_for(user: Any) -> QuerySet[Lab]:
    """Whose utilisation the user may read: staff their sites' labs, the district all; makers none."""
    if permissions.can_read_all_sites(user):
        return Lab.objects.all()
    if permissions.is_centre_staff(user):
        return Lab.objects.filter(site_id__in=permissions.staff_site_ids(user) or [])
    return Lab.objects.none()


def utilisation(*, user: Any, start: date, end: date) -> Utilisation:
    """For the days `[start, end)`: per piece of equipment, lab, site and in total, the hours the
    lab was open (less closures and the equipment's maintenance), the hours booked (confirmed,
    completed, no-show) and the hours used (completed). Six queries, whatever the size."""
    window = (intervals.at(start, datetime.min.time()), intervals.at(end, datetime.min.time()))
    labs = list(
        utilisation_labs_for(user)
        .select_related("site")
        .prefetch_related(
            "opening_hours",
            Prefetch("closures", queryset=Closure.objects.filter(starts_on__lt=end, ends_on__gte=start)),
        )
        .order_by("site__name", "name")
    )
    lab_ids = [lab.pk for lab in labs]
    equipment = list(Equipment.objects.filter(lab_id__in=lab_ids).order_by("lab_id", "name"))
    maintenance: dict[int, list[intervals.Interval]] = defaultdict(list)
    for window_row in MaintenanceWindow.objects.filter(
        equipment__lab_id__in=lab_ids, starts_at__lt=window[1], ends_at__gt=window[0]
    ).values("equipment_id", "starts_at", "ends_at"):
        maintenance[window_row["equipment_id"]].append((window_row["starts_at"], window_row["ends_at"]))
    duration = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    sums: dict[tuple[int, str], timedelta] = {}
    for row in (
        Booking.objects.filter(
            equipment__lab_id__in=lab_ids,
            status__in=BOOKED_STATUSES,
            starts_at__gte=window[0],
            starts_at__lt=window[1],
        )
        .order_by()
        .values("equipment_id", "status")
        .annotate(total=Sum(duration))
    ):
        sums[(row["equipment_id"], row["status"])] = row["total"] or timedelta(0)

    result = Utilisation(start=start, end=end)
    open_by_lab = {
        lab.pk: intervals.opening_intervals(
            hours=lab.opening_hours.all(), closures=lab.closures.all(), start=start, end=end
        )
        for lab in labs
    }
    lab_rows: dict[int, Usage] = {}
    site_rows: dict[int, Usage] = {}
    for lab in labs:
        site: Site = lab.site
        if site.pk not in site_rows:
            site_rows[site.pk] = Usage(key=f"site-{site.pk}", label=site.display_name(), obj=site)
        lab_rows[lab.pk] = Usage(key=f"lab-{lab.pk}", label=lab.display_name(), obj=lab, parent=f"site-{site.pk}")
    labs_by_id = {lab.pk: lab for lab in labs}
    # Equipment without maintenance in the window is open when its lab is: the lab's total,
    # computed once for all of them (the interval arithmetic is the costly part at scale).
    open_seconds_by_lab = {pk: intervals.total_seconds(times) for pk, times in open_by_lab.items()}
    for item in equipment:
        if maintenance.get(item.pk):
            open_seconds = intervals.total_seconds(intervals.subtract(open_by_lab[item.lab_id], maintenance[item.pk]))
        else:
            open_seconds = open_seconds_by_lab[item.lab_id]
        booked = sum((sums.get((item.pk, status), timedelta(0)) for status in BOOKED_STATUSES), timedelta(0))
        row = Usage(
            key=f"equipment-{item.pk}",
            label=item.display_name(),
            open_seconds=open_seconds,
            booked_seconds=booked.total_seconds(),
            used_seconds=sums.get((item.pk, BookingStatus.COMPLETED), timedelta(0)).total_seconds(),
            obj=item,
            parent=f"lab-{item.lab_id}",
        )
        result.equipment.append(row)
        lab_rows[item.lab_id].add(row)
        site_rows[labs_by_id[item.lab_id].site_id].add(row)
        result.total.add(row)
    result.labs = list(lab_rows.values())
    result.sites = list(site_rows.values())
    return result

"""Every write of the labs app: bookings, maintenance, training, equipment status, calendar feeds.

A booking is refused for one reason at a time, each with its own stable `code` (the API
answers with it) and a message in the user's language; `BOOKING_REFUSALS` lists them.
"""

from __future__ import annotations

import functools
import logging
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from companies.models import Company, Membership
from incubator import permissions
from incubator.errors import Conflict, InvalidTransition, NotAllowed, ServiceError
from incubator.models import User
from incubator.services import notification_enqueue

from . import intervals, selectors
from .choices import LIVE_STATUSES, QUOTA_STATUSES, BookingStatus, EquipmentStatus
from .models import Booking, CalendarFeed, Closure, Equipment, Lab, MaintenanceWindow, OpeningHours, Training

logger = logging.getLogger(__name__)

OVERLAP_CONSTRAINT = "booking_no_overlap"
_CLEANED_FIELDS = ("purpose", "amount")

# Every reason a booking can be refused, by its stable code.
BOOKING_REFUSALS = (
    "not_member",
    "out_of_service",
    "off_grid",
    "too_short",
    "too_long",
    "in_past",
    "beyond_horizon",
    "lab_closed",
    "outside_opening_hours",
    "maintenance",
    "not_trained",
    "quota_exceeded",
    "overlap",
)


def _require(condition: bool) -> None:
    if not condition:
        raise NotAllowed()


def _require_staff_of(user: User, site_id: int | None) -> None:
    _require(permissions.is_site_staff(user, site_id) if site_id is not None else permissions.is_centre_staff(user))


def _refuse_request(code: str, message, field: str = "starts_at") -> ServiceError:
    """A booking whose times break the equipment's rules: 400."""
    return ServiceError(message, code=code, field=field)


def _local_text(moment: datetime) -> str:
    return date_format(intervals.local(moment), "Y-m-d H:i")


# --- Bookings ------------------------------------------------------------------------


def _require_may_book(*, by: User, user: User, equipment: Equipment) -> None:
    """Makers book for themselves; the lab's staff may book on behalf of a maker; the district never books."""
    if by.pk != user.pk:
        _require(permissions.is_site_staff(by, equipment.lab.site_id))
    elif permissions.is_district(by) and not permissions.is_centre_staff(by):
        raise NotAllowed()


def _check_times(*, equipment: Equipment, starts_at: datetime, ends_at: datetime, now: datetime) -> None:
    """The rules that need no database: the slot grid, the length, the past and the horizon."""
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    start, end = intervals.local(starts_at), intervals.local(ends_at)
    slot = equipment.slot_minutes
    minutes = (ends_at - starts_at).total_seconds() / 60
    for moment in (start, end):
        if moment.second or moment.microsecond or (moment.hour * 60 + moment.minute) % slot:
            raise _refuse_request(
                "off_grid",
                _("Bookings of this equipment start and end on a %(minutes)s-minute grid.") % {"minutes": slot},
            )
    if minutes < equipment.min_minutes:
        raise _refuse_request(
            "too_short",
            _("A booking of this equipment lasts at least %(minutes)s minutes.") % {"minutes": equipment.min_minutes},
            field="ends_at",
        )
    if minutes > equipment.max_minutes:
        raise _refuse_request(
            "too_long",
            _("A booking of this equipment lasts at most %(minutes)s minutes.") % {"minutes": equipment.max_minutes},
            field="ends_at",
        )
    if starts_at < now:
        raise _refuse_request("in_past", _("This time has already begun or passed."))
    if start.date() > intervals.local(now).date() + timedelta(days=equipment.horizon_days):
        raise _refuse_request(
            "beyond_horizon",
            _("This equipment can be booked at most %(days)s days ahead.") % {"days": equipment.horizon_days},
        )


# Everything the booking rules ask of the database, as one statement. It is written out in
# SQL because it runs on every booking, inside the booking's transaction and under its locks:
# compiled by the ORM it cost more than the rest of the request. `{seconds}` is the one
# difference between the databases: the length of a booking in seconds. The week's sum is
# only taken where the lab has a quota (a CASE evaluates its subquery only when needed):
# it reads every booking of the company that week, the costliest part of the statement.
_FACTS_SQL = """
SELECT e.status, e.kind, e.needs_training, e.needs_approval, l.is_active, l.weekly_quota_hours,
  EXISTS (SELECT 1 FROM {membership} m WHERE m.user_id = %s AND m.company_id = %s),
  EXISTS (SELECT 1 FROM {training} t WHERE t.user_id = %s AND t.kind = e.kind AND t.granted_on <= %s
          AND (t.expires_on IS NULL OR t.expires_on > %s)),
  EXISTS (SELECT 1 FROM {closure} c WHERE c.lab_id = e.lab_id AND c.starts_on <= %s AND c.ends_on >= %s),
  EXISTS (SELECT 1 FROM {hours} h WHERE h.lab_id = e.lab_id AND h.weekday = %s AND h.opens_at <= %s
          AND h.closes_at >= %s),
  EXISTS (SELECT 1 FROM {maintenance} w WHERE w.equipment_id = e.id AND w.starts_at < %s AND w.ends_at > %s),
  EXISTS (SELECT 1 FROM {booking} b WHERE b.equipment_id = e.id AND b.status IN (%s, %s)
          AND b.starts_at < %s AND b.ends_at > %s),
  CASE WHEN l.weekly_quota_hours IS NULL THEN 0 ELSE
    (SELECT COALESCE(SUM({seconds}), 0) FROM {booking} q
      WHERE q.company_id = %s AND q.status IN (%s, %s, %s, %s) AND q.starts_at >= %s AND q.starts_at < %s
        AND EXISTS (SELECT 1 FROM {equipment} qe WHERE qe.id = q.equipment_id AND qe.lab_id = e.lab_id))
  END
FROM {equipment} e JOIN {lab} l ON l.id = e.lab_id
WHERE e.id = %s
"""
_SECONDS = {
    "postgresql": "EXTRACT(EPOCH FROM q.ends_at - q.starts_at)",
    "sqlite": "(julianday(q.ends_at) - julianday(q.starts_at)) * 86400.0",
}
_FACT_NAMES = (
    "status",
    "kind",
    "needs_training",
    "needs_approval",
    "lab_is_active",
    "weekly_quota_hours",
    "is_member",
    "trained",
    "closed",
    "in_hours",
    "in_maintenance",
    "overlaps",
    "quota_seconds",
)


@functools.cache
def _facts_sql(vendor: str) -> str:
    tables = {
        "membership": Membership._meta.db_table,
        "training": Training._meta.db_table,
        "closure": Closure._meta.db_table,
        "hours": OpeningHours._meta.db_table,
        "maintenance": MaintenanceWindow._meta.db_table,
        "booking": Booking._meta.db_table,
        "equipment": Equipment._meta.db_table,
        "lab": Lab._meta.db_table,
    }
    return _FACTS_SQL.format(seconds=_SECONDS[vendor], **tables)


def _booking_facts(
    *, equipment: Equipment, user: User, company: Company, starts_at: datetime, ends_at: datetime
) -> dict:
    """Everything the rules ask of the database, in one query.

    Run under the booking's locks, so that it sees what committed before them.
    """
    ops = connection.ops
    start, end = intervals.local(starts_at), intervals.local(ends_at)
    day = start.date()
    monday = intervals.week_start(day)
    week = (intervals.at(monday, datetime.min.time()), intervals.at(monday + timedelta(days=7), datetime.min.time()))
    # A booking lies within one opening interval of its day; one ending at midnight ends on
    # the next day and would need an interval that closes at 24:00, which a lab cannot have
    # (weekday -1 matches no opening hours).
    weekday = day.weekday() if end.date() == day else -1
    when = (ops.adapt_datetimefield_value(starts_at), ops.adapt_datetimefield_value(ends_at))
    the_day = ops.adapt_datefield_value(day)
    params = [
        user.pk,
        company.pk,
        user.pk,
        the_day,
        the_day,
        the_day,
        the_day,
        weekday,
        ops.adapt_timefield_value(start.time()),
        ops.adapt_timefield_value(end.time()),
        when[1],
        when[0],
        *(str(status) for status in LIVE_STATUSES),
        when[1],
        when[0],
        company.pk,
        *(str(status) for status in QUOTA_STATUSES),
        ops.adapt_datetimefield_value(week[0]),
        ops.adapt_datetimefield_value(week[1]),
        equipment.pk,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_facts_sql(connection.vendor), params)
        row = cursor.fetchone()
    if row is None:
        raise Equipment.DoesNotExist
    facts = dict(zip(_FACT_NAMES, row, strict=True))
    # SQLite answers 0 and 1.
    for name in _FACT_NAMES[2:5] + _FACT_NAMES[6:12]:
        facts[name] = bool(facts[name])
    # julianday() arithmetic on SQLite is floating point: whole seconds are what bookings have.
    facts["quota_used"] = timedelta(seconds=round(float(facts.pop("quota_seconds") or 0)))
    return facts


def _check_facts(
    *, facts: dict, equipment: Equipment, user: User, company: Company, starts_at: datetime, ends_at: datetime
) -> None:
    """The rules that need the database, in the order a person would want to hear them."""
    day = intervals.local(starts_at).date()
    if not facts["is_member"]:
        # The company is not named: whoever is not in its team may not learn its name here.
        raise NotAllowed(
            _("%(person)s is not in this company's team.") % {"person": user}, code="not_member", field="company"
        )
    if facts["status"] != EquipmentStatus.AVAILABLE or not facts["lab_is_active"]:
        raise Conflict(_("This equipment is out of service."), code="out_of_service")
    if facts["closed"]:
        raise Conflict(
            _("The lab is closed on %(day)s.") % {"day": date_format(day, "Y-m-d")},
            code="lab_closed",
            field="starts_at",
        )
    if not facts["in_hours"]:
        raise _refuse_request("outside_opening_hours", _("The booking must lie within the lab's opening hours."))
    if facts["in_maintenance"]:
        raise Conflict(_("The equipment is under maintenance at this time."), code="maintenance", field="starts_at")
    if facts["needs_training"] and not facts["trained"]:
        raise NotAllowed(
            _("%(person)s needs a valid training for “%(kind)s” on %(day)s to book this equipment.")
            % {"person": user, "kind": equipment.get_kind_display(), "day": date_format(day, "Y-m-d")},
            code="not_trained",
        )
    quota = facts["weekly_quota_hours"]
    if quota:
        used = facts["quota_used"] or timedelta(0)
        if used + (ends_at - starts_at) > timedelta(hours=quota):
            raise Conflict(
                _(
                    "This booking would take %(company)s past its weekly quota of %(quota)s hours in this lab "
                    "(%(used)s hours booked that week)."
                )
                % {"company": company, "quota": quota, "used": _hours_text(used)},
                code="quota_exceeded",
            )
    if facts["overlaps"]:
        raise _overlap()


def _overlap() -> Conflict:
    return Conflict(_("The equipment is already booked at this time."), code="overlap", field="starts_at")


def _hours_text(duration: timedelta) -> str:
    hours = Decimal(duration.total_seconds()) / 3600
    return f"{hours.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP).normalize():f}"


def _lock_for_booking(*, equipment: Equipment, company: Company) -> None:
    """PostgreSQL: share-lock the equipment against a concurrent status change or maintenance
    window (which take it exclusively), and, where the lab has a weekly quota, lock the
    company so that two of its bookings cannot both pass the quota. Two bookings of one
    piece of equipment do not wait for each other here: the exclusion constraint decides.

    SQLite needs none of this: the `IMMEDIATE` transaction already holds the write lock.
    """
    if connection.vendor != "postgresql":
        return
    equipment_table, company_table = Equipment._meta.db_table, Company._meta.db_table
    with connection.cursor() as cursor:
        if equipment.lab.weekly_quota_hours:
            cursor.execute(
                f"SELECT 1 FROM {equipment_table} e, {company_table} c WHERE e.id = %s AND c.id = %s "  # noqa: S608
                "FOR SHARE OF e FOR NO KEY UPDATE OF c",
                [equipment.pk, company.pk],
            )
        else:
            cursor.execute(f"SELECT 1 FROM {equipment_table} WHERE id = %s FOR SHARE", [equipment.pk])  # noqa: S608


def _lock_company_for_quota(company: Company) -> None:
    """PostgreSQL: the company's lock of `_lock_for_booking`, for a lab with a weekly quota."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {Company._meta.db_table} WHERE id = %s FOR NO KEY UPDATE",  # noqa: S608
            [company.pk],
        )


# The booking's row and its first history row. Written out because they are written on every
# booking: `Model.save()` and django-simple-history's `post_save` compile two INSERTs through
# the ORM, which cost more than the booking's rules. The columns come from the models, so a
# new field is written here too; what the history row holds is what simple-history writes on
# a create (`+`, no change reason), with the person who entered the booking as its user. On
# PostgreSQL both rows go in one statement.
_INSERT_SQL = "INSERT INTO {table} ({columns}) VALUES ({values})"
_INSERT_BOTH_SQL = (
    "WITH b AS (INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING {pk}) "
    "INSERT INTO {history} ({pk}, {history_columns}) SELECT b.{pk}, {history_values} FROM b RETURNING {pk}"
)
_HISTORY_EXTRA = ("history_date", "history_change_reason", "history_type", "history_user")


@functools.cache
def _booking_insert_sql(vendor: str) -> tuple[list, list, str, str]:
    """The booking's fields, the history's extra fields, and the SQL for both rows (or two statements' worth)."""
    quote = connection.ops.quote_name
    fields = [f for f in Booking._meta.concrete_fields if not f.primary_key]
    history = Booking.history.model
    extra = [history._meta.get_field(name) for name in _HISTORY_EXTRA]
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    pk = quote(Booking._meta.pk.column)
    history_columns = ", ".join(quote(f.column) for f in fields + extra)
    history_marks = ", ".join(["%s"] * (len(fields) + len(extra)))
    if vendor == "postgresql":
        both = _INSERT_BOTH_SQL.format(
            table=quote(Booking._meta.db_table),
            columns=columns,
            values=marks,
            pk=pk,
            history=quote(history._meta.db_table),
            history_columns=history_columns,
            history_values=history_marks,
        )
        return fields, extra, both, ""
    booking_sql = _INSERT_SQL.format(table=quote(Booking._meta.db_table), columns=columns, values=marks)
    history_sql = _INSERT_SQL.format(
        table=quote(history._meta.db_table), columns=f"{pk}, {history_columns}", values=f"%s, {history_marks}"
    )
    return fields, extra, booking_sql, history_sql


def _booking_insert(booking: Booking, *, by: User) -> None:
    """Save a new booking and its first history row, as `booking.save()` would with simple-history."""
    fields, extra, first_sql, history_sql = _booking_insert_sql(connection.vendor)
    values = [f.get_db_prep_save(getattr(booking, f.attname), connection) for f in fields]
    history_values = [
        *values,
        *(
            f.get_db_prep_save(value, connection)
            for f, value in zip(extra, (timezone.now(), None, "+", by.pk), strict=True)
        ),
    ]
    with connection.cursor() as cursor:
        if not history_sql:
            cursor.execute(first_sql, values + history_values)
            booking.pk = cursor.fetchone()[0]
        else:
            cursor.execute(first_sql, values)
            booking.pk = cursor.lastrowid
            cursor.execute(history_sql, [booking.pk, *history_values])
    booking._state.adding = False
    booking._state.db = connection.alias


def _is_overlap_violation(exc: IntegrityError) -> bool:
    diag = getattr(exc.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == OVERLAP_CONSTRAINT or OVERLAP_CONSTRAINT in str(exc)


def booking_amount(*, equipment: Equipment, starts_at: datetime, ends_at: datetime) -> Decimal:
    hours = Decimal((ends_at - starts_at).total_seconds()) / 3600
    return (equipment.hourly_rate * hours).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def booking_check(
    *,
    equipment: Equipment,
    user: User,
    company: Company,
    starts_at: datetime,
    ends_at: datetime,
    by: User | None = None,
    now: datetime | None = None,
) -> None:
    """Raise the refusal a booking would get now, without booking (for forms that warn early)."""
    by = by or user
    now = now or timezone.now()
    _require_may_book(by=by, user=user, equipment=equipment)
    _check_times(equipment=equipment, starts_at=starts_at, ends_at=ends_at, now=now)
    facts = _booking_facts(equipment=equipment, user=user, company=company, starts_at=starts_at, ends_at=ends_at)
    _check_facts(facts=facts, equipment=equipment, user=user, company=company, starts_at=starts_at, ends_at=ends_at)


def booking_create(
    *,
    equipment: Equipment,
    user: User,
    company: Company,
    starts_at: datetime,
    ends_at: datetime,
    purpose: str = "",
    by: User | None = None,
    now: datetime | None = None,
) -> Booking:
    """Book `[starts_at, ends_at)` of the equipment for the user's company.

    `by` is who enters the booking: the user, or the lab's staff booking on the user's
    behalf. Equipment that needs approval gets a pending booking, unless staff enter it.
    Refusals raise `ServiceError`s with the codes of `BOOKING_REFUSALS`.
    """
    by = by or user
    now = now or timezone.now()
    booking = _new_booking(
        equipment=equipment, user=user, company=company, starts_at=starts_at, ends_at=ends_at, purpose=purpose,
        by=by, now=now,
    )  # fmt: skip
    with _booking_transaction():
        _lock_for_booking(equipment=equipment, company=company)
        _book(booking, by=by, now=now)
    return booking


def booking_request(
    *,
    by: User,
    equipment: int,
    company: int,
    starts_at: datetime,
    ends_at: datetime,
    purpose: str = "",
    user: int | None = None,
    now: datetime | None = None,
) -> Booking:
    """`booking_create` for a request that names the equipment, the company and (staff
    booking on a maker's behalf) the maker by their ids, as the API does.

    The equipment and the company are read inside the booking's transaction by the
    statement that locks the equipment, so a booking costs one statement fewer than
    reading them first. Equipment the person may not see and a company or maker that does
    not exist are field errors (400), as they would be in a form.
    """
    now = now or timezone.now()
    booker = by
    if user is not None and user != by.pk:
        booker = User.objects.filter(pk=user, is_active=True).first()
        if booker is None:
            raise ValidationError({"user": _("No such person.")})
    with _booking_transaction():
        found, the_company = selectors.equipment_to_book(by, equipment, company=company, lock=True)
        if found is None:
            raise ValidationError({"equipment": _("No such equipment.")})
        # Whether the booker is in the company's team is the booking's rule (`not_member`).
        if the_company is None:
            raise ValidationError({"company": _("No such company.")})
        booking = _new_booking(
            equipment=found, user=booker, company=the_company, starts_at=starts_at, ends_at=ends_at,
            purpose=purpose, by=by, now=now,
        )  # fmt: skip
        if found.lab.weekly_quota_hours:
            _lock_company_for_quota(the_company)
        _book(booking, by=by, now=now)
    return booking


@contextmanager
def _booking_transaction():
    """The booking's transaction; the exclusion constraint's refusal (PostgreSQL) becomes `overlap`."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        if _is_overlap_violation(exc):
            raise _overlap() from None
        raise


def _new_booking(
    *,
    equipment: Equipment,
    user: User,
    company: Company,
    starts_at: datetime,
    ends_at: datetime,
    purpose: str,
    by: User,
    now: datetime,
) -> Booking:
    """The booking asked for, once the rules that need no database allow it."""
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValidationError({"starts_at": _("Give the time with its time zone.")})
    _require_may_book(by=by, user=user, equipment=equipment)
    _check_times(equipment=equipment, starts_at=starts_at, ends_at=ends_at, now=now)
    booking = Booking(
        equipment=equipment,
        user=user,
        company=company,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=(purpose or "").strip(),
        amount=booking_amount(equipment=equipment, starts_at=starts_at, ends_at=ends_at),
        created_at=now,
        created_by=by,
    )
    # Of what `full_clean()` checks, only these two fields can be wrong here: the related
    # objects are loaded instances and the times were checked above. The database holds the
    # constraints (the overlap among them, on PostgreSQL). `full_clean()` would cost more
    # than the booking's rules.
    errors = {}
    for name in _CLEANED_FIELDS:
        field = Booking._meta.get_field(name)
        try:
            setattr(booking, field.attname, field.clean(getattr(booking, field.attname), booking))
        except ValidationError as exc:
            errors[name] = exc.error_list
    if errors:
        raise ValidationError(errors)
    return booking


def _book(booking: Booking, *, by: User, now: datetime) -> None:
    """Check the booking's rules against the database and write it; run under its locks."""
    equipment, user, company = booking.equipment, booking.user, booking.company
    starts_at, ends_at = booking.starts_at, booking.ends_at
    facts = _booking_facts(equipment=equipment, user=user, company=company, starts_at=starts_at, ends_at=ends_at)
    _check_facts(facts=facts, equipment=equipment, user=user, company=company, starts_at=starts_at, ends_at=ends_at)
    by_staff = by.pk != user.pk or permissions.is_site_staff(by, equipment.lab.site_id)
    if facts["needs_approval"] and not by_staff:
        booking.status = BookingStatus.PENDING
    else:
        booking.status = BookingStatus.CONFIRMED
        if facts["needs_approval"]:
            booking.decided_by, booking.decided_at = by, now
    _booking_insert(booking, by=by)


def _locked_booking(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("equipment__lab", "user", "company")
        .get(pk=booking.pk)
    )


def booking_cancel(*, booking: Booking, by: User, reason: str = "", now: datetime | None = None) -> Booking:
    """The booker cancels until the equipment's cut-off; the lab's staff at any time before the end."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked_booking(booking)
        is_staff = permissions.is_site_staff(by, booking.equipment.lab.site_id)
        _require(is_staff or by.pk == booking.user_id)
        if booking.status not in LIVE_STATUSES or booking.ends_at <= now:
            raise InvalidTransition(_("Only a pending or confirmed booking that has not ended can be cancelled."))
        cutoff = booking.starts_at - timedelta(hours=booking.equipment.cancellation_cutoff_hours)
        if not is_staff and now > cutoff:
            raise Conflict(
                ngettext(
                    "Bookings of this equipment can be cancelled up to %(hours)s hour before they start; "
                    "ask the lab staff.",
                    "Bookings of this equipment can be cancelled up to %(hours)s hours before they start; "
                    "ask the lab staff.",
                    booking.equipment.cancellation_cutoff_hours,
                )
                % {"hours": booking.equipment.cancellation_cutoff_hours},
                code="cancellation_cutoff",
            )
        _mark_cancelled(booking=booking, by=by, reason=reason, now=now)
    return booking


def _mark_cancelled(*, booking: Booking, by: User | None, reason: str, now: datetime) -> None:
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_by = by
    booking.cancelled_at = now
    booking.status_note = (reason or "").strip()[:300]
    booking.save(update_fields=["status", "cancelled_by", "cancelled_at", "status_note"])
    if by is None or by.pk != booking.user_id:
        notification_enqueue(
            recipient=booking.user,
            kind="labs.booking_cancelled",
            dedupe_key=f"booking:{booking.pk}:cancelled",
            context={"booking": booking, "equipment": booking.equipment, "lab": booking.equipment.lab},
        )


def booking_confirm(*, booking: Booking, by: User, now: datetime | None = None) -> Booking:
    """Lab staff confirm a pending booking; the booker hears of it."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked_booking(booking)
        _require_staff_of(by, booking.equipment.lab.site_id)
        if booking.status != BookingStatus.PENDING:
            raise InvalidTransition(_("Only a booking that waits for confirmation can be confirmed."))
        if booking.ends_at <= now:
            raise InvalidTransition(_("This booking has already ended."))
        booking.status = BookingStatus.CONFIRMED
        booking.decided_by, booking.decided_at = by, now
        booking.save(update_fields=["status", "decided_by", "decided_at"])
        notification_enqueue(
            recipient=booking.user,
            kind="labs.booking_confirmed",
            dedupe_key=f"booking:{booking.pk}:confirmed",
            context={"booking": booking, "equipment": booking.equipment, "lab": booking.equipment.lab},
        )
    return booking


def booking_decline(*, booking: Booking, by: User, reason: str = "", now: datetime | None = None) -> Booking:
    """Lab staff decline a pending booking: it is cancelled and frees its time; the booker hears why."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked_booking(booking)
        _require_staff_of(by, booking.equipment.lab.site_id)
        if booking.status != BookingStatus.PENDING:
            raise InvalidTransition(_("Only a booking that waits for confirmation can be declined."))
        booking.status = BookingStatus.CANCELLED
        booking.decided_by, booking.decided_at = by, now
        booking.cancelled_by, booking.cancelled_at = by, now
        booking.status_note = (reason or "").strip()[:300]
        booking.save(
            update_fields=["status", "decided_by", "decided_at", "cancelled_by", "cancelled_at", "status_note"]
        )
        notification_enqueue(
            recipient=booking.user,
            kind="labs.booking_declined",
            dedupe_key=f"booking:{booking.pk}:declined",
            context={"booking": booking, "equipment": booking.equipment, "lab": booking.equipment.lab},
        )
    return booking


def booking_mark_no_show(*, booking: Booking, by: User, now: datetime | None = None) -> Booking:
    """Lab staff record that nobody came to a confirmed booking once it has begun."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = _locked_booking(booking)
        _require_staff_of(by, booking.equipment.lab.site_id)
        if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.COMPLETED):
            raise InvalidTransition(_("Only a confirmed or completed booking can be marked as a no-show."))
        if booking.starts_at > now:
            raise InvalidTransition(_("A booking that has not begun cannot be a no-show."))
        booking.status = BookingStatus.NO_SHOW
        booking.decided_by, booking.decided_at = by, now
        booking.save(update_fields=["status", "decided_by", "decided_at"])
    return booking


@dataclass
class SweepResult:
    completed: int = 0
    expired: int = 0


def bookings_complete_ended(*, now: datetime | None = None) -> SweepResult:
    """Confirmed bookings that ended become completed; pending ones nobody confirmed before
    they began are cancelled. Conditional updates: safe to run twice or beside staff at work."""
    now = now or timezone.now()
    completed = Booking.objects.filter(status=BookingStatus.CONFIRMED, ends_at__lte=now).update(
        status=BookingStatus.COMPLETED
    )
    expired = Booking.objects.filter(status=BookingStatus.PENDING, starts_at__lte=now).update(
        status=BookingStatus.CANCELLED, cancelled_at=now
    )
    return SweepResult(completed=completed, expired=expired)


# --- Reminders -----------------------------------------------------------------------

FIRST_REMINDER_MINUTES = 24 * 60


def booking_reminders_send(*, now: datetime | None = None) -> int:
    """Remind bookers 24 hours before a confirmed booking and again shortly before (the
    equipment says how shortly). Runs every few minutes and catches up after a pause: each
    booking gets the reminder of the nearest threshold it has crossed, once (the dedupe key
    names the booking, its start and the threshold)."""
    from .selectors import bookings_starting_within

    now = now or timezone.now()
    queued = 0
    for booking in bookings_starting_within(now=now, minutes=FIRST_REMINDER_MINUTES):
        minutes_left = int((booking.starts_at - now).total_seconds() // 60)
        thresholds = {FIRST_REMINDER_MINUTES, booking.equipment.reminder_minutes}
        threshold = min(t for t in thresholds if minutes_left < t)
        _notification, created = notification_enqueue(
            recipient=booking.user,
            kind="labs.booking_reminder",
            dedupe_key=f"booking:{booking.pk}:{booking.starts_at:%Y%m%dT%H%M}:reminder:{threshold}",
            context={
                "booking": booking,
                "equipment": booking.equipment,
                "lab": booking.equipment.lab,
                "minutes_left": max(minutes_left, 0),
            },
        )
        queued += created
    return queued


def pending_bookings_remind_staff(*, now: datetime | None = None) -> int:
    """Tell the lab's staff about each booking that waits for their confirmation, once per booking."""
    from .selectors import bookings_waiting_for_staff, staff_for_sites

    now = now or timezone.now()
    waiting = list(bookings_waiting_for_staff(now=now))
    staff_by_site = staff_for_sites({b.equipment.lab.site_id for b in waiting})
    queued = 0
    for booking in waiting:
        for person in staff_by_site.get(booking.equipment.lab.site_id, ()):
            _notification, created = notification_enqueue(
                recipient=person,
                kind="labs.booking_pending",
                dedupe_key=f"booking:{booking.pk}:pending:{person.pk}",
                context={"booking": booking, "equipment": booking.equipment, "lab": booking.equipment.lab},
            )
            queued += created
    return queued


# --- Equipment and maintenance ---------------------------------------------------------


def equipment_set_status(*, equipment: Equipment, status: str, by: User) -> Equipment:
    """Take equipment out of service or bring it back; bookings wait for this and see the new status."""
    if status not in EquipmentStatus.values:
        raise ValidationError({"status": _("Choose available or out of service.")})
    with transaction.atomic():
        equipment = Equipment.objects.select_for_update(of=("self",)).select_related("lab").get(pk=equipment.pk)
        _require_staff_of(by, equipment.lab.site_id)
        if equipment.status != status:
            equipment.status = status
            equipment.save(update_fields=["status"])
    return equipment


def maintenance_schedule(
    *,
    equipment: Equipment,
    starts_at: datetime,
    ends_at: datetime,
    by: User,
    reason: str = "",
    cancel_bookings: bool = False,
    now: datetime | None = None,
) -> MaintenanceWindow:
    """Block a period for maintenance. Live bookings in it are refused (`bookings_in_window`)
    unless `cancel_bookings`: then they are cancelled and their bookers told."""
    now = now or timezone.now()
    _require_staff_of(by, equipment.lab.site_id)
    window = MaintenanceWindow(
        equipment=equipment, starts_at=starts_at, ends_at=ends_at, reason=(reason or "").strip(), created_by=by
    )
    window.full_clean(exclude=["equipment", "created_by"])
    with transaction.atomic():
        # Exclusive: waits for bookings being made (they share-lock the equipment) and holds
        # new ones back until the window is in.
        Equipment.objects.select_for_update(of=("self",)).get(pk=equipment.pk)
        clashing = list(
            Booking.objects.select_related("equipment__lab", "user").filter(
                equipment=equipment, status__in=LIVE_STATUSES, starts_at__lt=ends_at, ends_at__gt=starts_at
            )
        )
        if clashing and not cancel_bookings:
            raise Conflict(
                ngettext(
                    "%(count)s booking falls in this window; cancel it first or schedule the maintenance with "
                    "“cancel bookings”.",
                    "%(count)s bookings fall in this window; cancel them first or schedule the maintenance with "
                    "“cancel bookings”.",
                    len(clashing),
                )
                % {"count": len(clashing)},
                code="bookings_in_window",
            )
        window.save()
        for booking in clashing:
            _mark_cancelled(booking=booking, by=by, reason=window.reason, now=now)
    return window


def maintenance_delete(*, window: MaintenanceWindow, by: User) -> None:
    _require_staff_of(by, window.equipment.lab.site_id)
    window.delete()


# --- Training ------------------------------------------------------------------------


def training_grant(
    *,
    user: User,
    kind: str,
    by: User,
    granted_on: date | None = None,
    expires_on: date | None = None,
    note: str = "",
) -> Training:
    """Centre staff record that someone passed the training for a kind of equipment."""
    _require(permissions.is_centre_staff(by))
    training = Training(
        user=user,
        kind=kind,
        granted_by=by,
        granted_on=granted_on or timezone.localdate(),
        expires_on=expires_on,
        note=(note or "").strip(),
    )
    training.full_clean(exclude=["user", "granted_by"])
    try:
        with transaction.atomic():
            training.save()
    except IntegrityError:
        raise Conflict(
            _("This person already has a training for this kind granted on that day."), code="duplicate_training"
        ) from None
    return training


def training_revoke(*, training: Training, by: User, on: date | None = None) -> Training | None:
    """End a training from today; one granted today is removed. Bookings already made stay."""
    _require(permissions.is_centre_staff(by))
    on = on or timezone.localdate()
    with transaction.atomic():
        training = Training.objects.select_for_update().get(pk=training.pk)
        if training.expires_on is not None and training.expires_on <= on:
            raise InvalidTransition(_("This training has already expired."))
        if on <= training.granted_on:
            training.delete()
            return None
        training.expires_on = on
        training.save(update_fields=["expires_on"])
    return training


# --- Calendar feeds ------------------------------------------------------------------


def _new_feed_token() -> str:
    return secrets.token_urlsafe(32)


def calendar_feed_get_or_create(*, user: User) -> CalendarFeed:
    """The person's feed, created on first use."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(user=user, token=_new_feed_token())
    except IntegrityError:
        return CalendarFeed.objects.get(user=user)


def calendar_feed_rotate(*, user: User) -> CalendarFeed:
    """A new secret URL; the old one stops working at once."""
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
        if feed is None:
            return CalendarFeed.objects.create(user=user, token=_new_feed_token())
        feed.token = _new_feed_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed

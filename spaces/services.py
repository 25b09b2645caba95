"""Every write of the spaces app: spaces, allocations, space requests and reminders.

Two rules hold for every allocation, whichever service writes it:

- an office or workshop has at most one allocation on any day (409 `overlap`);
- open desks never hold more desks than they have on any day (409 `over_capacity`).

Each service that can break a rule locks the space's row first (`SELECT … FOR UPDATE` on
PostgreSQL; on SQLite every transaction is `IMMEDIATE`, so writers queue for the database)
and checks the space's other allocations under that lock. On PostgreSQL the office rule is
also an exclusion constraint (migration 0002), which turns a write that bypassed the
services into an error instead of a double letting.

A company is only allocated space at a site where it is resident for the whole period
(409 `not_resident`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.choices import MemberRole
from companies.models import Company, Membership, Residency
from companies.services import company_current_site_id
from incubator import permissions
from incubator.errors import Conflict, InvalidTransition, NotAllowed
from incubator.models import Site, User
from incubator.services import notification_enqueue

from .choices import EXCLUSIVE_KINDS, SpaceKind, SpaceRequestStatus, SubsidyKind
from .models import Allocation, Space, SpaceRequest

logger = logging.getLogger(__name__)


def _require(condition: bool) -> None:
    if not condition:
        raise NotAllowed()


def _require_staff_of(user: User, site: Site | int | None) -> None:
    _require(site is not None and permissions.is_site_staff(user, site))


def _require_company_member(user: User, company: Company) -> None:
    _require(permissions.is_company_member(user, company))


# --- Spaces --------------------------------------------------------------------------

SPACE_EDITABLE = ("code", "name", "kind", "floor", "area_m2", "desks", "monthly_rent", "is_active")


def space_create(
    *,
    by: User,
    site: Site,
    code: str,
    kind: str,
    floor: int,
    area_m2: Decimal,
    monthly_rent: Decimal,
    desks: int = 0,
    name: str = "",
    is_active: bool = True,
) -> Space:
    """Staff of the site add a room or an area to let."""
    _require_staff_of(by, site)
    space = Space(
        site=site,
        code=(code or "").strip(),
        name=(name or "").strip(),
        kind=kind,
        floor=floor,
        area_m2=area_m2,
        desks=desks,
        monthly_rent=monthly_rent,
        is_active=is_active,
    )
    space.full_clean()
    try:
        with transaction.atomic():
            space.save()
    except IntegrityError:
        raise ValidationError({"code": _("This site already has a space with this code.")}) from None
    return space


def space_update(*, space: Space, by: User, **fields: Any) -> Space:
    """Change a space. What allocations rely on is protected: a space that is or will be let
    keeps its kind, stays in use and keeps enough desks for the allocations it holds."""
    _require_staff_of(by, space.site_id)
    unknown = set(fields) - set(SPACE_EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    with transaction.atomic():
        space = _lock_space(space.pk)
        today = timezone.localdate()
        upcoming = list(_allocations_overlapping(space, today, None))
        for name, value in fields.items():
            if name in ("code", "name"):
                value = (value or "").strip()
            setattr(space, name, value)
        space.full_clean()
        if upcoming:
            was_exclusive = upcoming[0].exclusive
            if (space.kind in EXCLUSIVE_KINDS) != was_exclusive:
                raise Conflict(
                    _("The space is let: it cannot change between shared desks and a whole room."),
                    code="space_in_use",
                    field="kind",
                )
            if not space.is_active:
                raise Conflict(
                    _("The space is let now or later: end its allocations before taking it out of use."),
                    code="space_in_use",
                    field="is_active",
                )
            if not was_exclusive and _peak_desks(upcoming, today, None) > space.desks:
                raise Conflict(
                    _("The space's allocations need more desks than that."), code="over_capacity", field="desks"
                )
            if was_exclusive:
                # An office's allocations take all its desks: keep them in step.
                for allocation in upcoming:
                    if allocation.desks != space.desks:
                        allocation.desks = space.desks
                        allocation.save(update_fields=["desks"])
        try:
            with transaction.atomic():
                space.save()
        except IntegrityError:
            raise ValidationError({"code": _("This site already has a space with this code.")}) from None
    return space


# --- The two rules -------------------------------------------------------------------


def _lock_space(pk: int) -> Space:
    """The space's row, locked until the transaction ends: the lock that keeps both rules."""
    return Space.objects.select_for_update(of=("self",)).select_related("site").get(pk=pk)


def _allocations_overlapping(space: Space, starts_on: date, ends_on: date | None, *, exclude: list[int] = ()):
    """The space's allocations that share a day with `[starts_on, ends_on)`."""
    qs = (
        Allocation.objects.select_related("company")
        .filter(space=space)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gt=starts_on))
    )
    if ends_on is not None:
        qs = qs.filter(starts_on__lt=ends_on)
    return qs.exclude(pk__in=list(exclude)).order_by("starts_on", "id")


def _peak_desks(allocations, starts_on: date, ends_on: date | None) -> int:
    """The most desks the allocations hold on any one day of `[starts_on, ends_on)`.

    The count only rises on a day some allocation starts, so those days (and the first day
    of the period) are the only ones to check.
    """
    days = {starts_on} | {a.starts_on for a in allocations if a.starts_on > starts_on}
    if ends_on is not None:
        days = {d for d in days if d < ends_on}
    return max((sum(a.desks for a in allocations if a.is_live_on(d)) for d in days), default=0)


def _check_room(space: Space, starts_on: date, ends_on: date | None, desks: int, *, exclude: list[int] = ()) -> None:
    """Raise `Conflict` if the space cannot take `desks` more over the period. Call it with
    the space locked (`_lock_space`)."""
    others = list(_allocations_overlapping(space, starts_on, ends_on, exclude=exclude))
    if space.is_exclusive:
        if others:
            raise Conflict(
                _("The space is already let for part of this period (to %(company)s until %(until)s).")
                % {
                    "company": others[0].company.display_name(),
                    "until": others[0].ends_on.isoformat() if others[0].ends_on else "…",
                },
                code="overlap",
            )
        return
    taken = _peak_desks(others, starts_on, ends_on)
    if taken + desks > space.desks:
        raise Conflict(
            _("Only %(free)s of the space's %(total)s desks are free for this whole period.")
            % {"free": max(space.desks - taken, 0), "total": space.desks},
            code="over_capacity",
            field="desks",
        )


def _require_resident(company: Company, site_id: int, starts_on: date, ends_on: date | None) -> None:
    """The company is resident at the site for the whole period."""
    residencies = Residency.objects.filter(company=company, site_id=site_id, starts_on__lte=starts_on)
    if ends_on is None:
        residencies = residencies.filter(ends_on__isnull=True)
    else:
        residencies = residencies.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=ends_on))
    if not residencies.exists():
        raise Conflict(
            _("The company is not resident at this site for the whole period."), code="not_resident", field="company"
        )


def _check_period(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on <= starts_on:
        raise ValidationError({"ends_on": _("The end must come after the start.")})


def _default_rent(space: Space, desks: int) -> Decimal:
    return space.monthly_rent if space.is_exclusive else space.monthly_rent * desks


def _desks_for(space: Space, desks: int | None) -> int:
    """An office or workshop takes all its desks; open desks take what is asked (at least one)."""
    if space.is_exclusive:
        return space.desks
    if not desks or desks < 1:
        raise ValidationError({"desks": _("Say how many desks the company takes.")})
    return desks


def _check_subsidy(subsidy_kind: str, subsidy_value: Decimal | None, monthly_rent: Decimal) -> Decimal:
    value = Decimal("0") if subsidy_value is None else Decimal(subsidy_value)
    if subsidy_kind not in SubsidyKind.values:
        raise ValidationError({"subsidy_kind": _("Choose one of the offered kinds of subsidy.")})
    if subsidy_kind == SubsidyKind.NONE:
        if value != 0:
            raise ValidationError({"subsidy_value": _("Without a subsidy the value is 0.")})
    elif subsidy_kind == SubsidyKind.PERCENT and not 0 <= value <= 100:
        raise ValidationError({"subsidy_value": _("A percentage runs from 0 to 100.")})
    elif subsidy_kind == SubsidyKind.FIXED and not 0 <= value <= monthly_rent:
        raise ValidationError({"subsidy_value": _("A subsidy cannot exceed the rent.")})
    return value


# --- Allocations ---------------------------------------------------------------------


@dataclass(frozen=True)
class AllocationTerms:
    """What an allocation costs: the rent before subsidy and the subsidy."""

    monthly_rent: Decimal | None = None
    subsidy_kind: str = SubsidyKind.NONE
    subsidy_value: Decimal | None = None


def allocation_check(
    *,
    space: Space,
    company: Company,
    starts_on: date,
    ends_on: date | None,
    desks: int | None,
    by: User,
    exclude: list[int] = (),
) -> None:
    """Everything `allocation_create` checks, without writing: for forms that want to show
    a refusal on the field. The service checks again under the lock."""
    _require_staff_of(by, space.site_id)
    _check_period(starts_on, ends_on)
    if not space.is_active:
        raise ValidationError({"space": _("This space is out of use.")})
    desks = _desks_for(space, desks)
    _require_resident(company, space.site_id, starts_on, ends_on)
    _check_room(space, starts_on, ends_on, desks, exclude=exclude)


def _create_locked(
    *,
    space: Space,
    company: Company,
    starts_on: date,
    ends_on: date | None,
    desks: int | None,
    terms: AllocationTerms,
    note: str,
    by: User,
    moved_from: Allocation | None = None,
) -> Allocation:
    """Create an allocation; the caller holds the lock on `space`."""
    _check_period(starts_on, ends_on)
    if not space.is_active:
        raise ValidationError({"space": _("This space is out of use.")})
    desks = _desks_for(space, desks)
    _require_resident(company, space.site_id, starts_on, ends_on)
    _check_room(space, starts_on, ends_on, desks)
    rent = _default_rent(space, desks) if terms.monthly_rent is None else Decimal(terms.monthly_rent)
    allocation = Allocation(
        space=space,
        company=company,
        starts_on=starts_on,
        ends_on=ends_on,
        desks=desks,
        exclusive=space.is_exclusive,
        monthly_rent=rent,
        subsidy_kind=terms.subsidy_kind,
        subsidy_value=_check_subsidy(terms.subsidy_kind, terms.subsidy_value, rent),
        note=(note or "").strip(),
        moved_from=moved_from,
        created_by=by,
    )
    allocation.full_clean()
    _save_allocation(allocation)
    return allocation


def _save_allocation(allocation: Allocation, **kwargs) -> None:
    """Save; the exclusion constraint's refusal (a write that did not lock the space) is an overlap."""
    try:
        with transaction.atomic():
            allocation.save(**kwargs)
    except IntegrityError as exc:
        if "allocation_exclusive_no_overlap" in str(exc):
            raise Conflict(_("The space is already let for part of this period."), code="overlap") from None
        raise


def allocation_create(
    *,
    space: Space,
    company: Company,
    starts_on: date,
    by: User,
    ends_on: date | None = None,
    desks: int | None = None,
    monthly_rent: Decimal | None = None,
    subsidy_kind: str = SubsidyKind.NONE,
    subsidy_value: Decimal | None = None,
    note: str = "",
) -> Allocation:
    """Let a space to a company for `[starts_on, ends_on)`.

    The rent defaults to the space's (per desk for open desks); a subsidy is a percentage
    of it or a fixed amount per month.
    """
    _require_staff_of(by, space.site_id)
    with transaction.atomic():
        space = _lock_space(space.pk)
        return _create_locked(
            space=space,
            company=company,
            starts_on=starts_on,
            ends_on=ends_on,
            desks=desks,
            terms=AllocationTerms(monthly_rent, subsidy_kind, subsidy_value),
            note=note,
            by=by,
        )


def _lock_allocation(allocation: Allocation) -> tuple[Allocation, Space]:
    """Lock the allocation's space, then read the allocation afresh under the lock."""
    space = _lock_space(allocation.space_id)
    allocation = Allocation.objects.select_related("company").get(pk=allocation.pk)
    if allocation.space_id != space.pk:  # moved in the meantime
        raise Conflict(_("The allocation changed meanwhile; reload and try again."), code="stale")
    return allocation, space


def allocation_end(*, allocation: Allocation, ends_on: date, by: User) -> Allocation:
    """End an allocation earlier: `ends_on` is the first day the space is free again."""
    _require_staff_of(by, allocation.space.site_id)
    with transaction.atomic():
        allocation, _space = _lock_allocation(allocation)
        if allocation.ends_on is not None and ends_on > allocation.ends_on:
            raise ValidationError({"ends_on": _("This is later than the current end: extend the allocation instead.")})
        _check_period(allocation.starts_on, ends_on)
        allocation.ends_on = ends_on
        allocation.full_clean()
        _save_allocation(allocation, update_fields=["ends_on"])
    return allocation


def allocation_extend(*, allocation: Allocation, ends_on: date | None, by: User) -> Allocation:
    """Let the space longer, to `ends_on` or open-ended (`None`), if it is free that long."""
    _require_staff_of(by, allocation.space.site_id)
    with transaction.atomic():
        allocation, space = _lock_allocation(allocation)
        if allocation.ends_on is None:
            raise InvalidTransition(_("The allocation is already open-ended."))
        if ends_on is not None and ends_on <= allocation.ends_on:
            raise ValidationError({"ends_on": _("This is not later than the current end: end the allocation instead.")})
        _require_resident(allocation.company, space.site_id, allocation.starts_on, ends_on)
        _check_room(space, allocation.ends_on, ends_on, allocation.desks, exclude=[allocation.pk])
        allocation.ends_on = ends_on
        allocation.full_clean()
        _save_allocation(allocation, update_fields=["ends_on"])
    return allocation


def allocation_move(
    *,
    allocation: Allocation,
    space: Space,
    on: date,
    by: User,
    desks: int | None = None,
    monthly_rent: Decimal | None = None,
) -> Allocation:
    """Move a company to another space from `on`.

    The allocation ends on `on` (the first day in the new space), and a new one in the new
    space runs from `on` to the old end, with the same subsidy and a note of where it came
    from. An allocation moved on its first day simply changes space. Returns the allocation
    in the new space.
    """
    _require_staff_of(by, allocation.space.site_id)
    _require_staff_of(by, space.site_id)
    if space.pk == allocation.space_id:
        raise ValidationError({"space": _("Choose another space than the current one.")})
    with transaction.atomic():
        # Lock both spaces in one order, so that two opposite moves cannot deadlock.
        locked = {
            s.pk: s
            for s in Space.objects.select_for_update().filter(pk__in=[allocation.space_id, space.pk]).order_by("pk")
        }
        allocation = Allocation.objects.select_related("company").get(pk=allocation.pk)
        if allocation.space_id not in locked:
            raise Conflict(_("The allocation changed meanwhile; reload and try again."), code="stale")
        target = locked[space.pk]
        if on < allocation.starts_on or (allocation.ends_on is not None and on >= allocation.ends_on):
            raise ValidationError({"on": _("Choose a day within the allocation's period.")})
        rent = monthly_rent
        if on == allocation.starts_on:
            # Not begun: the allocation itself changes space.
            desks = _desks_for(target, desks if desks is not None else allocation.desks)
            if not target.is_active:
                raise ValidationError({"space": _("This space is out of use.")})
            _require_resident(allocation.company, target.site_id, allocation.starts_on, allocation.ends_on)
            _check_room(target, allocation.starts_on, allocation.ends_on, desks, exclude=[allocation.pk])
            allocation.space = target
            allocation.desks = desks
            allocation.exclusive = target.is_exclusive
            allocation.monthly_rent = _default_rent(target, desks) if rent is None else Decimal(rent)
            if allocation.subsidy_kind == SubsidyKind.FIXED:
                allocation.subsidy_value = min(allocation.subsidy_value, allocation.monthly_rent)
            allocation.full_clean()
            _save_allocation(allocation)
            return allocation
        old_end = allocation.ends_on
        allocation.ends_on = on
        allocation.full_clean()
        _save_allocation(allocation, update_fields=["ends_on"])
        new_desks = desks if desks is not None else allocation.desks
        new_desks = target.desks if target.is_exclusive else new_desks
        new_rent = _default_rent(target, new_desks) if rent is None else Decimal(rent)
        subsidy_value = allocation.subsidy_value
        if allocation.subsidy_kind == SubsidyKind.FIXED:
            subsidy_value = min(subsidy_value, new_rent)
        return _create_locked(
            space=target,
            company=allocation.company,
            starts_on=on,
            ends_on=old_end,
            desks=new_desks,
            terms=AllocationTerms(new_rent, allocation.subsidy_kind, subsidy_value),
            note=allocation.note,
            by=by,
            moved_from=allocation,
        )


def allocation_update_terms(
    *,
    allocation: Allocation,
    by: User,
    monthly_rent: Decimal | None = None,
    subsidy_kind: str | None = None,
    subsidy_value: Decimal | None = None,
    note: str | None = None,
) -> Allocation:
    """Change the rent, the subsidy or the note; the space and the period stay."""
    _require_staff_of(by, allocation.space.site_id)
    with transaction.atomic():
        allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
        if monthly_rent is not None:
            allocation.monthly_rent = Decimal(monthly_rent)
        if subsidy_kind is not None:
            allocation.subsidy_kind = subsidy_kind
            if subsidy_value is None and subsidy_kind == SubsidyKind.NONE:
                subsidy_value = Decimal("0")
        if subsidy_value is not None:
            allocation.subsidy_value = Decimal(subsidy_value)
        if note is not None:
            allocation.note = note.strip()
        allocation.full_clean(exclude=["space", "company"])
        allocation.subsidy_value = _check_subsidy(
            allocation.subsidy_kind, allocation.subsidy_value, allocation.monthly_rent
        )
        allocation.save(update_fields=["monthly_rent", "subsidy_kind", "subsidy_value", "note"])
    return allocation


def allocation_cancel(*, allocation: Allocation, by: User, today: date | None = None) -> None:
    """Take back an allocation that has not begun (made in error). One that has begun is
    ended instead. A request it answered is open again."""
    _require_staff_of(by, allocation.space.site_id)
    today = today or timezone.localdate()
    with transaction.atomic():
        allocation, _space = _lock_allocation(allocation)
        if allocation.starts_on <= today:
            raise InvalidTransition(_("The allocation has begun: end it instead."))
        SpaceRequest.objects.filter(allocation=allocation).update(
            status=SpaceRequestStatus.SUBMITTED, allocation=None, decided_by=None, decided_at=None
        )
        allocation.delete()


# --- Space requests ------------------------------------------------------------------


def space_request_submit(
    *,
    company: Company,
    by: User,
    kind: str,
    wanted_from: date,
    reason: str,
    desks: int = 0,
    area_m2: Decimal | None = None,
) -> SpaceRequest:
    """A member asks for space for their company, at the site where it is resident."""
    _require_company_member(by, company)
    site_id = company_current_site_id(company)
    if site_id is None:
        raise Conflict(_("The company is not resident at a site."), code="not_resident")
    space_request = SpaceRequest(
        company=company,
        site_id=site_id,
        kind=kind,
        desks=desks or 0,
        area_m2=area_m2,
        wanted_from=wanted_from,
        reason=(reason or "").strip(),
        requested_by=by,
    )
    if kind == SpaceKind.OPEN_DESKS and space_request.desks < 1:
        raise ValidationError({"desks": _("Say how many desks the company needs.")})
    space_request.full_clean()
    with transaction.atomic():
        Company.objects.select_for_update().get(pk=company.pk)
        if SpaceRequest.objects.filter(company=company, kind=kind, status=SpaceRequestStatus.SUBMITTED).exists():
            raise Conflict(
                _("The company already has an open request for this kind of space."), code="duplicate_request"
            )
        space_request.save()
    return space_request


def space_request_withdraw(*, space_request: SpaceRequest, by: User) -> SpaceRequest:
    _require_company_member(by, space_request.company)
    with transaction.atomic():
        space_request = SpaceRequest.objects.select_for_update().get(pk=space_request.pk)
        if not space_request.is_open:
            raise InvalidTransition(_("Only an open request can be withdrawn."))
        space_request.status = SpaceRequestStatus.WITHDRAWN
        space_request.decided_at = timezone.now()
        space_request.save(update_fields=["status", "decided_at"])
    return space_request


def _tell_company(space_request: SpaceRequest, kind: str, context: dict[str, Any]) -> None:
    """The requester and the company's owners hear about the decision, each in their language."""
    recipients = {
        m.user_id: m.user
        for m in Membership.objects.filter(company=space_request.company, role=MemberRole.OWNER).select_related("user")
    }
    requester = space_request.requested_by
    if requester is not None and requester.pk not in recipients and requester.is_active:
        recipients[requester.pk] = requester
    for recipient in recipients.values():
        notification_enqueue(
            recipient=recipient,
            kind=kind,
            dedupe_key=f"space-request:{space_request.pk}:{space_request.status}:{recipient.pk}",
            context={"space_request": space_request, "company": space_request.company, **context},
        )


def space_request_offer(
    *,
    space_request: SpaceRequest,
    space: Space,
    by: User,
    starts_on: date | None = None,
    ends_on: date | None = None,
    desks: int | None = None,
    monthly_rent: Decimal | None = None,
    subsidy_kind: str = SubsidyKind.NONE,
    subsidy_value: Decimal | None = None,
    note: str = "",
) -> SpaceRequest:
    """Answer a request with a space: the allocation is made and the company told.

    It starts on the day asked for (or today, if that has passed) unless staff say otherwise;
    open desks default to the desks asked for.
    """
    _require_staff_of(by, space_request.site_id)
    _require_staff_of(by, space.site_id)
    with transaction.atomic():
        space = _lock_space(space.pk)
        space_request = (
            SpaceRequest.objects.select_for_update(of=("self",))
            .select_related("company", "requested_by")
            .get(pk=space_request.pk)
        )
        if not space_request.is_open:
            raise InvalidTransition(_("Only an open request can be answered."))
        starts_on = starts_on or max(space_request.wanted_from, timezone.localdate())
        if desks is None and not space.is_exclusive:
            desks = space_request.desks or None
        allocation = _create_locked(
            space=space,
            company=space_request.company,
            starts_on=starts_on,
            ends_on=ends_on,
            desks=desks,
            terms=AllocationTerms(monthly_rent, subsidy_kind, subsidy_value),
            note=note,
            by=by,
        )
        space_request.status = SpaceRequestStatus.OFFERED
        space_request.allocation = allocation
        space_request.decided_by = by
        space_request.decided_at = timezone.now()
        space_request.save(update_fields=["status", "allocation", "decided_by", "decided_at"])
        _tell_company(space_request, "spaces.request_offered", {"allocation": allocation, "space": space})
    return space_request


def space_request_decline(*, space_request: SpaceRequest, by: User, reason: str) -> SpaceRequest:
    _require_staff_of(by, space_request.site_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Tell the company why.")})
    with transaction.atomic():
        space_request = (
            SpaceRequest.objects.select_for_update(of=("self",))
            .select_related("company", "requested_by")
            .get(pk=space_request.pk)
        )
        if not space_request.is_open:
            raise InvalidTransition(_("Only an open request can be answered."))
        space_request.status = SpaceRequestStatus.DECLINED
        space_request.decline_reason = reason[:2000]
        space_request.decided_by = by
        space_request.decided_at = timezone.now()
        space_request.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
        _tell_company(space_request, "spaces.request_declined", {})
    return space_request


# --- Reminders -----------------------------------------------------------------------

ALLOCATION_REMINDER_DAYS = (60, 30, 7)


def allocation_reminders_send(*, today: date | None = None) -> int:
    """Tell the company's owners and the site's staff that an allocation ends in 60, 30 and
    7 days.

    Runs daily and catches up after a missed day: each allocation gets the reminder of the
    nearest threshold it has crossed, once (the dedupe key names the end date, so an
    extended allocation is reminded again of its new end). An allocation that continues in
    another space (a move) is not reminded.
    """
    from .selectors import allocations_ending_between, staff_for_site

    today = today or timezone.localdate()
    queued = 0
    staff_by_site: dict[int, list[User]] = {}
    horizon = today + timedelta(days=max(ALLOCATION_REMINDER_DAYS))
    for allocation in allocations_ending_between(after=today, until=horizon):
        days_left = (allocation.ends_on - today).days
        threshold = min(t for t in ALLOCATION_REMINDER_DAYS if days_left <= t)
        site_id = allocation.space.site_id
        if site_id not in staff_by_site:
            staff_by_site[site_id] = list(staff_for_site(site_id))
        owners = [m.user for m in allocation.company.memberships.all() if m.role == MemberRole.OWNER]
        for recipient in {u.pk: u for u in owners + staff_by_site[site_id]}.values():
            _notification, created = notification_enqueue(
                recipient=recipient,
                kind="spaces.allocation_ending",
                dedupe_key=f"allocation:{allocation.pk}:{allocation.ends_on}:{threshold}:{recipient.pk}",
                context={
                    "allocation": allocation,
                    "space": allocation.space,
                    "company": allocation.company,
                    "days_left": days_left,
                },
            )
            queued += created
    return queued


# --- When a company's residency ends -------------------------------------------------


def company_residency_ended(*, company: Company, site_id: int, on: date, **_: Any) -> None:
    """A company graduated, left or moved away: at that site its allocations end on the day
    its residency does (`on`, the first day it is gone), allocations that had not begun by
    then are taken back, and its open requests are withdrawn. Runs inside the companies
    service's transaction (a signal receiver), whose caller's rights were checked there."""
    live = Allocation.objects.filter(company=company, space__site_id=site_id).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=on)
    )
    for allocation in live.order_by("space_id", "starts_on"):
        allocation, _space = _lock_allocation(allocation)
        if allocation.starts_on >= on:
            SpaceRequest.objects.filter(allocation=allocation).update(
                status=SpaceRequestStatus.WITHDRAWN, allocation=None, decided_at=timezone.now()
            )
            allocation.delete()
            continue
        allocation.ends_on = on
        _save_allocation(allocation, update_fields=["ends_on"])
    SpaceRequest.objects.filter(company=company, site_id=site_id, status=SpaceRequestStatus.SUBMITTED).update(
        status=SpaceRequestStatus.WITHDRAWN, decided_at=timezone.now()
    )

"""Every write of the patents app.

Filings and their events change only here, and every change recomputes the filing's
deadlines in the same transaction (`filing_deadlines_recompute`), with the filing's row
locked so that two changes at once cannot interleave. The rules themselves live in
`patents.rules`.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from companies.services import company_current_site_id
from incubator import permissions
from incubator.errors import Conflict, InvalidTransition, NotAllowed
from incubator.models import User
from incubator.services import notification_enqueue

from . import rules
from .choices import (
    PATENT_KINDS,
    PENDING_STATUSES,
    DeadlineRule,
    DeadlineStatus,
    EventKind,
    FilingKind,
    FilingStatus,
)
from .models import Deadline, DeadlineFeed, Filing, FilingDocument, FilingEvent, IpSettings

logger = logging.getLogger(__name__)

# A deadline the rules no longer give (the filing was withdrawn, its kind corrected) is
# closed as waived with this reason; pages show it in the reader's language.
AUTO_WAIVE_REASON = "no longer applies"
# The lapse the daily sweep records when an annual fee stayed unpaid through the grace period.
AUTO_LAPSE_REFERENCE = "annual fee unpaid"
MISSED_NOTICE_DAYS = 7  # a miss older than this (found late, e.g. after an import) is flagged silently


# --- Who may act ---------------------------------------------------------------------


def _require(condition: bool) -> None:
    if not condition:
        raise NotAllowed()


def can_edit_company_ip(user: Any, company: Company) -> bool:
    """Members of the company record its IP; so do the staff of its site."""
    if permissions.is_district(user) and not permissions.is_centre_staff(user):
        return False
    return permissions.is_company_member(user, company) or permissions.is_site_staff(
        user, company_current_site_id(company)
    )


def can_waive(user: Any, company: Company) -> bool:
    return permissions.is_company_owner(user, company) or permissions.is_site_staff(
        user, company_current_site_id(company)
    )


# --- Filings -------------------------------------------------------------------------

FILING_FIELDS = (
    "title",
    "application_number",
    "filing_date",
    "priority_date",
    "publication_date",
    "grant_date",
    "grant_number",
    "nice_classes",
    "ipc_class",
    "inventors",
    "agency",
    "agent",
    "fee_reduction",
    "annuities_paid_through",
    "notes",
)


def _initial_status(filing: Filing) -> str:
    if filing.grant_date:
        return FilingStatus.GRANTED
    if filing.publication_date and filing.kind == FilingKind.INVENTION:
        return FilingStatus.PUBLISHED
    if filing.filing_date:
        return FilingStatus.FILED
    return FilingStatus.DRAFT


def _save(filing: Filing) -> Filing:
    # clean() gives each check constraint its message; the unique number is answered as a conflict.
    filing.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            filing.save()
    except IntegrityError:
        raise Conflict(_("Another filing of this kind has this application number."), code="duplicate_number") from None
    return filing


def filing_create(
    *, by: User, company: Company, kind: str, title: str, status: str | None = None, **fields: Any
) -> Filing:
    """Record a filing. Without a status it follows from the dates: granted with a grant
    date, filed with a filing date, else a draft. An existing portfolio may be recorded in
    any status."""
    _require(can_edit_company_ip(by, company))
    unknown = set(fields) - set(FILING_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    filing = Filing(company=company, kind=kind, title=title, created_by=by)
    for name, value in fields.items():
        setattr(filing, name, _clean_value(name, value))
    filing.status = status or _initial_status(filing)
    with transaction.atomic():
        _save(filing)
        filing_deadlines_recompute(filing=filing)
    return filing


def _clean_value(name: str, value: Any) -> Any:
    if name in ("nice_classes", "inventors"):
        return list(value or [])
    if name in ("title", "application_number", "grant_number", "ipc_class", "agency", "agent", "notes"):
        return (value or "").strip()
    return value


def filing_update(*, filing: Filing, by: User, **fields: Any) -> Filing:
    """Correct a filing's facts; its deadlines follow. The kind changes only while it is a draft."""
    _require(can_edit_company_ip(by, filing.company))
    allowed = set(FILING_FIELDS) | {"kind"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    with transaction.atomic():
        filing = Filing.objects.select_for_update().select_related("company").get(pk=filing.pk)
        if "kind" in fields and fields["kind"] != filing.kind and filing.status != FilingStatus.DRAFT:
            raise ValidationError({"kind": _("The kind of a filed application cannot change.")})
        for name, value in fields.items():
            setattr(filing, name, _clean_value(name, value))
        if filing.status == FilingStatus.DRAFT and filing.filing_date:
            filing.status = _initial_status(filing)
        _save(filing)
        filing_deadlines_recompute(filing=filing)
    return filing


WITHDRAWABLE = PENDING_STATUSES | {FilingStatus.REJECTED}


def filing_withdraw(*, filing: Filing, by: User) -> Filing:
    """The company withdraws a pending application (or gives up a rejected one)."""
    _require(can_edit_company_ip(by, filing.company))
    with transaction.atomic():
        filing = Filing.objects.select_for_update().select_related("company").get(pk=filing.pk)
        if filing.status not in WITHDRAWABLE:
            raise InvalidTransition(_("Only a pending or rejected application can be withdrawn."))
        filing.status = FilingStatus.WITHDRAWN
        filing.save(update_fields=["status"])
        filing_deadlines_recompute(filing=filing)
    return filing


def filing_delete(*, filing: Filing, by: User) -> None:
    """A draft may be deleted; anything filed stays, for the record."""
    _require(can_edit_company_ip(by, filing.company))
    with transaction.atomic():
        filing = Filing.objects.select_for_update().get(pk=filing.pk)
        if filing.status != FilingStatus.DRAFT:
            raise InvalidTransition(_("Only a draft can be deleted; withdraw a filed application instead."))
        filing.delete()


# --- Events --------------------------------------------------------------------------

# What each event needs of the filing's status and kind, and the status it leads to.
EVENT_TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    EventKind.FILED: (frozenset({FilingStatus.DRAFT}), FilingStatus.FILED),
    EventKind.EXAMINATION_REQUESTED: (PENDING_STATUSES, FilingStatus.UNDER_EXAMINATION),
    EventKind.OFFICE_ACTION: (PENDING_STATUSES, FilingStatus.UNDER_EXAMINATION),
    EventKind.RESPONSE_FILED: (PENDING_STATUSES, None),
    EventKind.REJECTION: (PENDING_STATUSES, FilingStatus.REJECTED),
    EventKind.REEXAMINATION_REQUESTED: (frozenset({FilingStatus.REJECTED}), FilingStatus.UNDER_EXAMINATION),
    EventKind.GRANTED: (PENDING_STATUSES, FilingStatus.GRANTED),
    EventKind.ANNUITY_PAID: (frozenset({FilingStatus.GRANTED, FilingStatus.LAPSED}), None),
    EventKind.RENEWAL_FILED: (frozenset({FilingStatus.GRANTED}), None),
    EventKind.LAPSE: (frozenset({FilingStatus.GRANTED}), FilingStatus.LAPSED),
    EventKind.RESTORATION: (frozenset({FilingStatus.LAPSED}), FilingStatus.GRANTED),
}
EVENT_KINDS: dict[str, frozenset[str]] = {
    EventKind.EXAMINATION_REQUESTED: frozenset({FilingKind.INVENTION}),
    EventKind.ANNUITY_PAID: PATENT_KINDS,
    EventKind.LAPSE: PATENT_KINDS,
    EventKind.RESTORATION: PATENT_KINDS,
    EventKind.RENEWAL_FILED: frozenset({FilingKind.TRADEMARK}),
}
NOTICES = frozenset({EventKind.OFFICE_ACTION, EventKind.REJECTION, EventKind.GRANTED})
ANSWERS = {EventKind.RESPONSE_FILED: EventKind.OFFICE_ACTION, EventKind.REEXAMINATION_REQUESTED: EventKind.REJECTION}


def filing_facts(filing: Filing, events: list[FilingEvent] | None = None) -> rules.FilingFacts:
    """The plain facts the rules read."""
    if events is None:
        events = list(filing.events.all())
    return rules.FilingFacts(
        kind=filing.kind,
        status=filing.status,
        filing_date=filing.filing_date,
        priority_date=filing.priority_date,
        grant_date=filing.grant_date,
        annuities_paid_through=filing.annuities_paid_through,
        events=tuple(
            rules.EventFact(
                id=e.pk, kind=e.kind, on=e.on, time_limit=e.time_limit, period=e.period, answers_id=e.answers_id
            )
            for e in events
        ),
    )


def filing_event_record(
    *,
    filing: Filing,
    by: User | None,
    kind: str,
    on: date,
    time_limit: date | None = None,
    period: int | None = None,
    answers: FilingEvent | None = None,
    reference: str = "",
    note: str = "",
    today: date | None = None,
) -> FilingEvent:
    """Record what happened to a filing; its status and deadlines follow.

    `by=None` is the system itself (the daily sweep). A response or a re-examination
    request answers the oldest notice still waiting unless `answers` names one.
    """
    today = today or timezone.localdate()
    if by is not None:
        _require(can_edit_company_ip(by, filing.company))
    if kind not in EVENT_TRANSITIONS:
        raise ValidationError({"kind": _("Choose what happened.")})
    with transaction.atomic():
        filing = Filing.objects.select_for_update().select_related("company").get(pk=filing.pk)
        events = list(filing.events.all())
        event = FilingEvent(
            filing=filing,
            kind=kind,
            on=on,
            time_limit=time_limit,
            period=period,
            answers=answers,
            reference=(reference or "").strip(),
            note=(note or "").strip(),
            recorded_by=by,
        )
        _check_event(filing, events, event, today)
        event.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                event.save()
        except IntegrityError:
            raise Conflict(_("The annual fee for this patent year is already recorded."), code="already_paid") from None
        _apply_event(filing, event, events)
        filing_deadlines_recompute(filing=filing, today=today)
    return event


def _check_event(filing: Filing, events: list[FilingEvent], event: FilingEvent, today: date) -> None:
    kind = event.kind
    if event.on is None:
        raise ValidationError({"on": _("Give the date.")})
    if event.on > today:
        raise ValidationError({"on": _("Record what has happened: the date cannot be in the future.")})
    kinds = EVENT_KINDS.get(kind)
    if kinds is not None and filing.kind not in kinds:
        raise ValidationError(
            {
                "kind": _("This does not happen to a filing of the kind “%(kind)s”.")
                % {"kind": filing.get_kind_display()}
            }
        )
    if kind == EventKind.ANNUITY_PAID and filing.grant_date is None:
        raise ValidationError(
            {"kind": _("An annual fee is paid only for a granted patent, and this filing has not been granted.")}
        )
    allowed, _next = EVENT_TRANSITIONS[kind]
    if filing.status not in allowed:
        raise InvalidTransition(
            _("This cannot happen to a filing that is “%(status)s”.") % {"status": filing.get_status_display()}
        )
    if kind == EventKind.FILED:
        if filing.filing_date and filing.filing_date != event.on:
            raise ValidationError({"on": _("The filing date recorded for this application is different.")})
    elif filing.filing_date is None or event.on < filing.filing_date:
        raise ValidationError({"on": _("This date is before the filing date.")})
    if event.time_limit is not None and kind not in NOTICES:
        raise ValidationError({"time_limit": _("Only a notice from the office sets a time limit.")})
    if event.time_limit is not None and event.time_limit < event.on:
        raise ValidationError({"time_limit": _("The time limit ends after the notice was received.")})
    if event.period is not None and kind != EventKind.ANNUITY_PAID:
        raise ValidationError({"period": _("Only an annual fee is paid for a patent year.")})
    no_default = rules.period_for(DeadlineRule.OFFICE_ACTION_RESPONSE, filing.kind) is None
    if kind == EventKind.OFFICE_ACTION and event.time_limit is None and no_default:
        raise ValidationError({"time_limit": _("Give the time limit the notice sets.")})
    if kind in ANSWERS:
        _link_answer(events, event)
    if kind == EventKind.ANNUITY_PAID:
        _check_annuity(filing, events, event)
    if kind == EventKind.RENEWAL_FILED:
        _check_renewal(filing, events, event)


def _link_answer(events: list[FilingEvent], event: FilingEvent) -> None:
    notice_kind = ANSWERS[event.kind]
    answered = {e.answers_id for e in events if e.kind == event.kind}
    if event.answers is not None:
        if event.answers.filing_id != event.filing_id or event.answers.kind != notice_kind:
            raise ValidationError({"answers": _("Choose a notice of this filing that this answers.")})
        if event.answers.pk in answered:
            raise Conflict(_("That notice has already been answered."), code="already_answered")
    else:
        waiting = [e for e in events if e.kind == notice_kind and e.pk not in answered]
        if not waiting:
            raise ValidationError(
                {"kind": _("No notice of the office waits for this answer: record the notice first.")}
            )
        event.answers = waiting[0]
    if event.on < event.answers.on:
        raise ValidationError({"on": _("The answer cannot come before the notice.")})


def _check_annuity(filing: Filing, events: list[FilingEvent], event: FilingEvent) -> None:
    facts = filing_facts(filing, events)
    if event.period is None:
        raise ValidationError({"period": _("Give the patent year the fee pays.")})
    registration = rules._registration(facts)
    grant_year = registration[1] if registration else rules.patent_year(filing.filing_date, filing.grant_date)
    last_year = rules.term_for(filing.kind, filing.filing_date).years
    if not grant_year <= event.period <= last_year:
        raise ValidationError(
            {
                "period": _("Annual fees run from patent year %(first)s to %(last)s.")
                % {"first": grant_year, "last": last_year}
            }
        )
    if (
        any(e.kind == EventKind.ANNUITY_PAID and e.period == event.period for e in events)
        or (filing.annuities_paid_through or 0) >= event.period
    ):
        raise Conflict(_("The annual fee for this patent year is already recorded."), code="already_paid")
    spec = next((s for s in rules.derive_annuities(facts) if s.period == event.period), None)
    if spec is not None and event.on > spec.final_on:
        raise ValidationError(
            {
                "on": _(
                    "The grace period for patent year %(year)s ended on %(day)s and the patent lapsed: record the "
                    "restoration instead."
                )
                % {"year": event.period, "day": spec.final_on.isoformat()}
            }
        )
    if filing.status == FilingStatus.LAPSED:
        # Only the lapse the sweep inferred from this very fee can be undone by paying it in time.
        lapse = next((e for e in reversed(events) if e.kind == EventKind.LAPSE), None)
        inferred = lapse is not None and lapse.recorded_by_id is None and lapse.reference == AUTO_LAPSE_REFERENCE
        if not (inferred and spec is not None and lapse.on == spec.base_on):
            raise InvalidTransition(_("The patent has lapsed: record the restoration first."))


def _check_renewal(filing: Filing, events: list[FilingEvent], event: FilingEvent) -> None:
    terms = rules.trademark_terms(filing_facts(filing, events))
    _number, ends, _renewal = terms[-1]
    opens, grace = rules.renewal_window(ends)
    if event.on < opens:
        raise ValidationError(
            {
                "on": _("The renewal can be filed from %(day)s, 12 months before the term ends.")
                % {"day": opens.isoformat()}
            }
        )
    if event.on > grace:
        raise ValidationError(
            {"on": _("The grace period ended on %(day)s: the registration is cancelled.") % {"day": grace.isoformat()}}
        )


def _apply_event(filing: Filing, event: FilingEvent, events: list[FilingEvent]) -> None:
    _allowed, next_status = EVENT_TRANSITIONS[event.kind]
    changed = []
    if event.kind == EventKind.FILED and filing.filing_date != event.on:
        filing.filing_date = event.on
        changed.append("filing_date")
    if event.kind == EventKind.GRANTED:
        filing.grant_date = event.on
        changed.append("grant_date")
        if event.reference and not filing.grant_number:
            filing.grant_number = event.reference
            changed.append("grant_number")
    if event.kind == EventKind.ANNUITY_PAID and filing.status == FilingStatus.LAPSED:
        # Paid in time after all (recorded late): the inferred lapse was wrong.
        FilingEvent.objects.filter(
            filing=filing, kind=EventKind.LAPSE, recorded_by__isnull=True, reference=AUTO_LAPSE_REFERENCE
        ).delete()
        next_status = FilingStatus.GRANTED
    if next_status and filing.status != next_status:
        filing.status = next_status
        changed.append("status")
    if changed:
        filing.full_clean(validate_constraints=False)
        filing.save(update_fields=changed)


# --- Deadlines -----------------------------------------------------------------------


def filing_deadlines_recompute(*, filing: Filing, today: date | None = None) -> list[Deadline]:
    """Bring the filing's deadlines in line with the rules and its facts.

    Called by every service that changes a filing or its events, inside its transaction.
    A deadline that is met is done; one whose last day has passed unmet is missed; one the
    company chose to waive stays waived unless it is met after all; one the rules no longer
    give (the application was withdrawn) is closed as waived. Returns the open ones.
    """
    today = today or timezone.localdate()
    events = list(filing.events.all())
    facts = filing_facts(filing, events)
    specs = rules.derive_deadlines(facts)
    existing = {d.key: d for d in Deadline.objects.filter(filing=filing)}
    open_rows = []
    for spec in specs:
        row = existing.pop(spec.key, None) or Deadline(filing=filing, key=spec.key)
        status = spec.status_on(today)
        if row.pk and row.status == DeadlineStatus.WAIVED and row.waived_by_id and status != DeadlineStatus.DONE:
            status = DeadlineStatus.WAIVED
        values = {
            "rule": spec.rule,
            "period": spec.period,
            "source_event_id": spec.source_event_id,
            "met_by_id": spec.met_by_event_id,
            "base_on": spec.base_on,
            "due_on": spec.due_on,
            "grace_ends_on": spec.grace_ends_on,
            "opens_on": spec.opens_on,
            "final_on": spec.final_on,
            "status": status,
            "closed_on": {
                DeadlineStatus.DONE: spec.met_on,
                DeadlineStatus.WAIVED: row.closed_on or today,
            }.get(status),
        }
        if status != DeadlineStatus.WAIVED:
            values["waive_reason"] = ""
            values["waived_by_id"] = None
        if status != DeadlineStatus.MISSED:
            values["flagged_on"] = None
        changed = [name for name, value in values.items() if getattr(row, name) != value]
        for name in changed:
            setattr(row, name, values[name])
        if row.pk is None:
            row.save()
        elif changed:
            row.save(update_fields=[*changed, "updated_at"])
        if status == DeadlineStatus.OPEN:
            open_rows.append(row)
    for row in existing.values():
        if row.status == DeadlineStatus.OPEN:
            row.status = DeadlineStatus.WAIVED
            row.waive_reason = AUTO_WAIVE_REASON
            row.closed_on = today
            row.save(update_fields=["status", "waive_reason", "closed_on", "updated_at"])
    expires_on = rules.expiry(facts, published_on=filing.publication_date)
    if filing.expires_on != expires_on:
        filing.expires_on = expires_on
        filing.save(update_fields=["expires_on"])
    return open_rows


def deadline_waive(*, deadline: Deadline, by: User, reason: str) -> Deadline:
    """The company decides not to act (e.g. to let a patent lapse): the deadline closes."""
    _require(can_waive(by, deadline.filing.company))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the deadline is waived.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("Keep the reason under 2,000 characters.")})
    with transaction.atomic():
        Filing.objects.select_for_update().get(pk=deadline.filing_id)
        deadline = Deadline.objects.select_related("filing__company").get(pk=deadline.pk)
        if deadline.status != DeadlineStatus.OPEN:
            raise InvalidTransition(_("Only an open deadline can be waived."))
        deadline.status = DeadlineStatus.WAIVED
        deadline.waive_reason = reason
        deadline.waived_by = by
        deadline.closed_on = timezone.localdate()
        deadline.save(update_fields=["status", "waive_reason", "waived_by", "closed_on", "updated_at"])
    return deadline


# --- Documents -----------------------------------------------------------------------


def filing_document_add(*, filing: Filing, by: User, title: str, file) -> FilingDocument:
    _require(can_edit_company_ip(by, filing.company))
    document = FilingDocument(filing=filing, title=(title or "").strip(), file=file, uploaded_by=by)
    document.full_clean()
    document.save()
    return document


def filing_document_delete(*, document: FilingDocument, by: User) -> None:
    _require(can_edit_company_ip(by, document.filing.company))
    document.file.delete(save=False)
    document.delete()


# --- Settings and feeds --------------------------------------------------------------


def ip_settings_get() -> IpSettings:
    settings_row, _created = IpSettings.objects.get_or_create(pk=1)
    return settings_row


def ip_settings_update(*, by: User, district_population: int | None, reminder_days: str) -> IpSettings:
    _require(permissions.is_centre_staff(by))
    with transaction.atomic():
        row = ip_settings_get()
        row = IpSettings.objects.select_for_update().get(pk=row.pk)
        row.district_population = district_population
        row.reminder_days = reminder_days
        row.full_clean()
        row.save()
    return row


def deadline_feed_obtain(*, user: User) -> DeadlineFeed:
    """The user's feed address, made on first use."""
    feed = DeadlineFeed.objects.filter(user=user).first()
    if feed is None:
        try:
            with transaction.atomic():
                feed = DeadlineFeed.objects.create(user=user, token=secrets.token_urlsafe(32))
        except IntegrityError:
            feed = DeadlineFeed.objects.get(user=user)
    return feed


def deadline_feed_reset(*, user: User) -> DeadlineFeed:
    """A new secret address; the old one stops working."""
    feed = deadline_feed_obtain(user=user)
    feed.token = secrets.token_urlsafe(32)
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed


# --- Reminders and the daily sweep ---------------------------------------------------


def _recipients(company: Company) -> list[User]:
    from companies.selectors import staff_for_company

    owners = [m.user for m in company.memberships.all() if m.role == "owner" and m.user.is_active]
    seen = {u.pk for u in owners}
    return owners + [u for u in staff_for_company(company) if u.pk not in seen]


def deadline_reminders_send(*, today: date | None = None) -> int:
    """Remind the company's owners and the IP officers of its site of each open deadline,
    at the configured days before it (90, 30 and 7 by default), and once when a grace
    period begins. Runs daily and catches up after a missed day: a deadline gets the
    reminder of the nearest threshold it has crossed, once; the dedupe key names the
    deadline, its date and the threshold, so a second run the same day sends nothing."""
    from .selectors import deadlines_to_remind

    today = today or timezone.localdate()
    days = ip_settings_get().reminder_day_list
    queued = 0
    for deadline in deadlines_to_remind(today=today, horizon=max(days)):
        if deadline.due_on >= today:
            target, days_left = deadline.due_on, (deadline.due_on - today).days
            threshold = min((t for t in days if days_left <= t), default=None)
        else:
            target, days_left = deadline.grace_ends_on, (deadline.grace_ends_on - today).days
            crossed = [t for t in days if days_left <= t]
            threshold = min(crossed) if crossed else "grace"
        if threshold is None:
            continue
        filing = deadline.filing
        for recipient in _recipients(filing.company):
            _notification, created = notification_enqueue(
                recipient=recipient,
                kind="patents.deadline_reminder",
                dedupe_key=f"deadline:{deadline.pk}:{target}:{threshold}:{recipient.pk}",
                context={
                    "deadline": deadline,
                    "filing": filing,
                    "company": filing.company,
                    "days_left": days_left,
                    "target": target,
                    "in_grace": deadline.due_on < today,
                    "rule": rules.RULES[deadline.rule],
                },
            )
            queued += created
    return queued


@dataclass
class SweepResult:
    recomputed: int = 0
    flagged: int = 0
    lapsed: int = 0
    expired: int = 0


def deadlines_sweep(*, today: date | None = None) -> SweepResult:
    """The daily pass: deadlines whose last day has passed become missed and are flagged
    the day after, with their consequence (an unpaid annual fee lapses the patent from its
    due date; an unrenewed trademark's registration ends); patents whose term is over expire.
    Safe to run twice: each step looks for work not yet done."""
    today = today or timezone.localdate()
    result = SweepResult()
    stale = (
        Deadline.objects.filter(status=DeadlineStatus.OPEN, final_on__lt=today)
        .values_list("filing_id", flat=True)
        .distinct()
    )
    for filing_id in list(stale):
        with transaction.atomic():
            filing = Filing.objects.select_for_update().get(pk=filing_id)
            filing_deadlines_recompute(filing=filing, today=today)
            result.recomputed += 1
    for deadline_id in list(
        Deadline.objects.filter(status=DeadlineStatus.MISSED, flagged_on__isnull=True).values_list("id", flat=True)
    ):
        outcome = _flag_missed(deadline_id=deadline_id, today=today)
        result.flagged += outcome != "gone"
        result.lapsed += outcome == "lapsed"
        result.expired += outcome == "expired"
    for filing_id in list(
        Filing.objects.filter(status=FilingStatus.GRANTED, kind__in=PATENT_KINDS, expires_on__lt=today).values_list(
            "id", flat=True
        )
    ):
        with transaction.atomic():
            filing = Filing.objects.select_for_update().get(pk=filing_id)
            if filing.status == FilingStatus.GRANTED and filing.expires_on and filing.expires_on < today:
                filing.status = FilingStatus.EXPIRED
                filing.save(update_fields=["status"])
                filing_deadlines_recompute(filing=filing, today=today)
                result.expired += 1
    return result


def _flag_missed(*, deadline_id: int, today: date) -> str:
    with transaction.atomic():
        deadline = Deadline.objects.filter(pk=deadline_id).select_related("filing__company").first()
        if deadline is None:
            return "gone"
        filing = Filing.objects.select_for_update().get(pk=deadline.filing_id)
        deadline = Deadline.objects.select_for_update().get(pk=deadline_id)
        if deadline.status != DeadlineStatus.MISSED or deadline.flagged_on is not None:
            return "gone"
        outcome = "flagged"
        events = list(filing.events.all())
        restored = any(e.kind == EventKind.RESTORATION and e.on > deadline.base_on for e in events)
        if deadline.rule == DeadlineRule.ANNUITY and filing.status == FilingStatus.GRANTED and not restored:
            filing_event_record(
                filing=filing,
                by=None,
                kind=EventKind.LAPSE,
                on=min(deadline.base_on, today),
                reference=AUTO_LAPSE_REFERENCE,
                today=today,
            )
            outcome = "lapsed"
        elif deadline.rule == DeadlineRule.TRADEMARK_RENEWAL and filing.status == FilingStatus.GRANTED:
            filing.status = FilingStatus.EXPIRED
            filing.save(update_fields=["status"])
            filing_deadlines_recompute(filing=filing, today=today)
            outcome = "expired"
        Deadline.objects.filter(pk=deadline.pk).update(flagged_on=today)
        if deadline.final_on >= today - timedelta(days=MISSED_NOTICE_DAYS):
            filing.company = Company.objects.prefetch_related("memberships__user").get(pk=filing.company_id)
            for recipient in _recipients(filing.company):
                notification_enqueue(
                    recipient=recipient,
                    kind="patents.deadline_missed",
                    dedupe_key=f"deadline-missed:{deadline.pk}:{recipient.pk}",
                    context={
                        "deadline": deadline,
                        "filing": filing,
                        "company": filing.company,
                        "rule": rules.RULES[deadline.rule],
                    },
                )
    return outcome


def event_kinds_possible(filing: Filing) -> list[str]:
    """What may be recorded next for the filing, given its kind and status."""
    return [
        kind
        for kind, (statuses, _next) in EVENT_TRANSITIONS.items()
        if filing.status in statuses
        and filing.kind in EVENT_KINDS.get(kind, frozenset(FilingKind.values))
        and not (kind == EventKind.ANNUITY_PAID and filing.grant_date is None)
    ]

"""What happened to a filing: each event moves its status and its deadlines."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incubator.errors import Conflict, InvalidTransition
from incubator.models import User

from .. import rules
from ..choices import (
    PATENT_KINDS,
    PENDING_STATUSES,
    DeadlineRule,
    EventKind,
    FilingKind,
    FilingStatus,
)
from ..models import Filing, FilingEvent
from .common import AUTO_LAPSE_REFERENCE, _require, can_edit_company_ip
from .deadlines import filing_deadlines_recompute, filing_facts

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
    registration = rules.registration_notice(facts)
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


def event_kinds_possible(filing: Filing) -> list[str]:
    """What may be recorded next for the filing, given its kind and status."""
    return [
        kind
        for kind, (statuses, _next) in EVENT_TRANSITIONS.items()
        if filing.status in statuses
        and filing.kind in EVENT_KINDS.get(kind, frozenset(FilingKind.values))
        and not (kind == EventKind.ANNUITY_PAID and filing.grant_date is None)
    ]

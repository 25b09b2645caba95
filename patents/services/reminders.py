"""Reminders before each open deadline, and the daily sweep for missed deadlines and ended terms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from companies.models import Company
from incubator.models import User
from incubator.services import notification_enqueue

from .. import rules
from ..choices import (
    PATENT_KINDS,
    DeadlineRule,
    DeadlineStatus,
    EventKind,
    FilingStatus,
)
from ..models import Deadline, Filing
from .common import AUTO_LAPSE_REFERENCE, MISSED_NOTICE_DAYS
from .deadlines import filing_deadlines_recompute
from .events import filing_event_record
from .settings import ip_settings_get


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
    from ..selectors import deadlines_to_remind

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

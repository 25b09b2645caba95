"""Deadlines: recomputed from the rules whenever a filing or its events change; waived by choice."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incubator.errors import InvalidTransition
from incubator.models import User

from .. import rules
from ..choices import (
    DeadlineStatus,
)
from ..models import Deadline, Filing, FilingEvent
from .common import AUTO_WAIVE_REASON, _require, can_waive


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

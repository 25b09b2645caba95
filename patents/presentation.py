"""How a deadline reads: what to do, the law behind it, and where it stands today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from . import rules
from .choices import DeadlineRule, DeadlineStatus
from .models import Deadline
from .services import AUTO_WAIVE_REASON


@dataclass
class DeadlineView:
    deadline: Deadline
    action: str
    law: str
    consequence: str
    days_left: int
    in_grace: bool
    surcharge_percent: int | None
    surcharge_schedule: list[tuple[date, date, int]]
    urgency: str  # badge modifier: danger, warn, info, neutral
    waive_note: str

    @property
    def filing(self):
        return self.deadline.filing


def action_text(deadline: Deadline) -> str:
    return deadline.action


def describe(deadline: Deadline, today: date) -> DeadlineView:
    rule = rules.RULES[deadline.rule]
    in_grace = deadline.status == DeadlineStatus.OPEN and deadline.in_grace(today)
    target = deadline.grace_ends_on if in_grace else deadline.due_on
    days_left = (target - today).days
    surcharge = None
    schedule: list[tuple[date, date, int]] = []
    if deadline.rule == DeadlineRule.ANNUITY and deadline.grace_ends_on:
        schedule = rules.annuity_surcharge_schedule(deadline.base_on, deadline.grace_ends_on)
        if in_grace:
            surcharge = rules.annuity_surcharge_percent(deadline.base_on, today, deadline.grace_ends_on)
    if deadline.status != DeadlineStatus.OPEN:
        urgency = {"done": "ok", "missed": "danger", "waived": "neutral"}[deadline.status]
    elif in_grace or days_left <= 7:
        urgency = "danger"
    elif days_left <= 30:
        urgency = "warn"
    else:
        urgency = "info"
    waive_note = ""
    if deadline.status == DeadlineStatus.WAIVED:
        waive_note = (
            _("No longer applies to the filing as it stands.")
            if deadline.waive_reason == AUTO_WAIVE_REASON and not deadline.waived_by_id
            else deadline.waive_reason
        )
    return DeadlineView(
        deadline=deadline,
        action=action_text(deadline),
        law=str(rule.law),
        consequence=str(rule.consequence),
        days_left=days_left,
        in_grace=in_grace,
        surcharge_percent=surcharge,
        surcharge_schedule=schedule,
        urgency=urgency,
        waive_note=waive_note,
    )

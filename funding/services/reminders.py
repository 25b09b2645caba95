"""The daily reminders: programmes closing, quiet introductions, tranches falling due."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from incubator.services import notification_enqueue

# --- Reminders -----------------------------------------------------------------------

PROGRAMME_CLOSING_DAYS = (14, 3)
INTRODUCTION_QUIET_DAYS = 14
DISBURSEMENT_DUE_DAYS = 7


def programme_closing_reminders_send(*, today: date | None = None) -> int:
    """Owners of eligible companies that have not applied hear 14, then 3 days before a
    programme closes. Catches up after a missed day: each company gets the reminder for the
    nearest threshold crossed, once (the dedupe key names the threshold)."""
    from ..selectors import companies_not_applied, programmes_closing_within

    today = today or timezone.localdate()
    queued = 0
    for programme in programmes_closing_within(days=max(PROGRAMME_CLOSING_DAYS), today=today):
        days_left = (programme.closes_on - today).days
        threshold = min(t for t in PROGRAMME_CLOSING_DAYS if days_left <= t)
        for company in companies_not_applied(programme=programme, today=today):
            for membership in company.owner_memberships:
                _notification, created = notification_enqueue(
                    recipient=membership.user,
                    kind="funding.programme_closing",
                    dedupe_key=(
                        f"programme-closing:{programme.pk}:{programme.closes_on}:{threshold}:"
                        f"{company.pk}:{membership.user_id}"
                    ),
                    context={"programme": programme, "company": company, "days_left": days_left},
                )
                queued += created
    return queued


def introduction_quiet_reminders_send(*, today: date | None = None) -> int:
    """Staff hear of an introduction in the pipeline with no update for 14 days; again after
    each further quiet spell (the dedupe key names the last update)."""
    from ..selectors import introductions_quiet_since, staff_by_site

    today = today or timezone.localdate()
    queued = 0
    staff = staff_by_site()
    for introduction in introductions_quiet_since(days=INTRODUCTION_QUIET_DAYS, today=today):
        quiet_days = (today - timezone.localdate(introduction.last_activity_at)).days
        site_id = introduction.current_site_id
        for recipient in staff.for_site(site_id):
            _notification, created = notification_enqueue(
                recipient=recipient,
                kind="funding.introduction_quiet",
                dedupe_key=(
                    f"introduction-quiet:{introduction.pk}:{introduction.last_activity_at:%Y%m%d%H%M%S}:{recipient.pk}"
                ),
                context={"introduction": introduction, "company": introduction.company, "days": quiet_days},
            )
            queued += created
    return queued


def disbursement_due_reminders_send(*, today: date | None = None) -> int:
    """Funding officers hear of an unpaid tranche falling due within 7 days (or overdue), once
    per due date."""
    from ..selectors import disbursements_due_within, staff_by_site

    today = today or timezone.localdate()
    queued = 0
    staff = staff_by_site()
    for disbursement in disbursements_due_within(days=DISBURSEMENT_DUE_DAYS, today=today):
        application = disbursement.application
        for recipient in staff.for_site(application.site_id):
            _notification, created = notification_enqueue(
                recipient=recipient,
                kind="funding.disbursement_due",
                dedupe_key=f"disbursement-due:{disbursement.pk}:{disbursement.due_on}:{recipient.pk}",
                context={
                    "disbursement": disbursement,
                    "application": application,
                    "company": application.company,
                    "programme": application.programme,
                    "days_left": (disbursement.due_on - today).days,
                },
            )
            queued += created
    return queued

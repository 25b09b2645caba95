"""Reminders before each open deadline, the flag the day after a miss, and the tasks.

utility_a: annual fee for patent year 3 due Monday 2026-03-16 (grace to 2026-09-15).
trademark_a: the term ends 2026-05-06."""

from datetime import date

import pytest
from django.core import mail

from incubator.models import Notification
from incubator.services import notifications_dispatch
from patents import services, tasks
from patents.models import IpSettings

pytestmark = pytest.mark.django_db

REMINDER = "patents.deadline_reminder"
MISSED = "patents.deadline_missed"


def reminders(**filters):
    return Notification.objects.filter(kind=REMINDER, **filters)


def test_reminded_at_90_30_and_7_days_once_each(utility_a, maker_a, staff, superuser):
    assert services.deadline_reminders_send(today=date(2025, 12, 15)) == 0  # 91 days before
    assert services.deadline_reminders_send(today=date(2025, 12, 16)) == 2  # 90: owner and site staff
    assert services.deadline_reminders_send(today=date(2025, 12, 16)) == 0  # the same day again
    assert services.deadline_reminders_send(today=date(2025, 12, 17)) == 0  # still the 90-day threshold
    assert services.deadline_reminders_send(today=date(2026, 2, 14)) == 2  # 30
    assert services.deadline_reminders_send(today=date(2026, 3, 9)) == 2  # 7
    assert services.deadline_reminders_send(today=date(2026, 3, 10)) == 0
    assert set(reminders().values_list("recipient__email", flat=True)) == {maker_a.email, staff.email}
    assert reminders().count() == 6


def test_a_late_start_catches_up_with_the_nearest_threshold_only(utility_a, staff):
    # First run 14 days before: the 30-day reminder, not the 90-day one as well.
    assert services.deadline_reminders_send(today=date(2026, 3, 2)) == 2
    keys = list(reminders().values_list("dedupe_key", flat=True))
    assert all(key.split(":")[3] == "30" for key in keys)


def test_in_grace_a_reminder_says_so_once(utility_a, maker_a, staff):
    assert services.deadline_reminders_send(today=date(2026, 3, 17)) == 2
    assert services.deadline_reminders_send(today=date(2026, 3, 18)) == 0
    message = reminders(recipient=maker_a).get()
    assert "宽展期" in message.subject
    assert "2026-09-15" in message.body


def test_the_staff_of_another_site_are_not_reminded(invention_b, maker_b, staff):
    # invention_b: examination due 2027-06-03 — outside 90 days; make it nearer.
    services.filing_update(filing=invention_b, by=maker_b, filing_date=date(2023, 4, 3))
    assert services.deadline_reminders_send(today=date(2026, 3, 2)) == 1
    message = reminders().get()
    assert message.recipient == maker_b
    assert message.language == "en" and "IP deadline in 32 days" in message.subject
    assert "Patent Law art. 35(1)" in message.body


def test_reminder_days_are_configurable(utility_a, staff):
    services.ip_settings_update(by=staff, district_population=None, reminder_days="60, 14")
    assert IpSettings.objects.get().reminder_day_list == [60, 14]
    assert services.deadline_reminders_send(today=date(2026, 2, 14)) == 2  # 30 days: the 60-day threshold
    assert services.deadline_reminders_send(today=date(2026, 3, 2)) == 2  # 14 days
    assert services.deadline_reminders_send(today=date(2026, 3, 9)) == 0


def test_bad_reminder_days_are_refused(staff):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.ip_settings_update(by=staff, district_population=None, reminder_days="90, soon")


def test_a_missed_deadline_is_flagged_the_day_after_once(utility_a, maker_a, staff):
    services.deadlines_sweep(today=date(2026, 9, 15))
    assert not Notification.objects.filter(kind=MISSED).exists()
    services.deadlines_sweep(today=date(2026, 9, 16))
    services.deadlines_sweep(today=date(2026, 9, 16))
    flagged = Notification.objects.filter(kind=MISSED)
    assert set(flagged.values_list("recipient__email", flat=True)) == {maker_a.email, staff.email}
    assert flagged.count() == 2
    to_owner = flagged.get(recipient=maker_a)
    assert to_owner.language == "zh-hans" and "2026-09-15" in to_owner.body and "年费" in to_owner.body


def test_reminders_are_sent_once_under_a_repeated_dispatcher(utility_a, trademark_a, staff):
    services.deadline_reminders_send(today=date(2026, 3, 9))
    queued = Notification.objects.count()
    assert queued == 4
    mail.outbox.clear()
    first = notifications_dispatch()
    second = notifications_dispatch()
    services.deadline_reminders_send(today=date(2026, 3, 9))
    third = notifications_dispatch()
    assert (first.sent, second.sent, third.sent) == (queued, 0, 0)
    assert len(mail.outbox) == queued
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == queued


def test_tasks_call_the_services(utility_a, staff, fixed_today):
    assert tasks.deadline_reminders_send.delay().get() == 2
    assert tasks.deadlines_sweep.delay().get() == {"recomputed": 0, "flagged": 0, "lapsed": 0, "expired": 0}

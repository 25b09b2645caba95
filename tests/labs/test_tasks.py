"""Reminders before a booking, the staff's notice of pending bookings and the end-of-booking
sweep: each runs as a periodic task and is safe to run twice."""

from datetime import timedelta

import pytest
from django.core import mail

from incubator.models import Notification
from incubator.registry import registry
from labs import services, tasks
from labs.choices import BookingStatus
from tests.factories import UserFactory
from tests.labs.factories import BookingFactory, at, next_monday

pytestmark = pytest.mark.django_db

MONDAY = next_monday()


@pytest.fixture
def booking(laser_a, company_a, maker_a):
    return BookingFactory(equipment=laser_a, company=company_a, user=maker_a, starts_at=at(MONDAY, 10))


def reminders(booking):
    return list(Notification.objects.filter(kind="labs.booking_reminder", recipient=booking.user).order_by("id"))


class TestBookingReminders:
    def test_a_day_before_then_an_hour_before_each_once(self, booking):
        assert services.booking_reminders_send(now=booking.starts_at - timedelta(hours=25)) == 0
        assert services.booking_reminders_send(now=booking.starts_at - timedelta(hours=23)) == 1
        assert services.booking_reminders_send(now=booking.starts_at - timedelta(hours=22)) == 0
        assert services.booking_reminders_send(now=booking.starts_at - timedelta(minutes=59)) == 1
        assert services.booking_reminders_send(now=booking.starts_at - timedelta(minutes=10)) == 0
        assert services.booking_reminders_send(now=booking.starts_at + timedelta(minutes=1)) == 0
        sent = reminders(booking)
        assert len(sent) == 2 and sent[0].dedupe_key.endswith(":1440") and sent[1].dedupe_key.endswith(":60")
        assert "大族CO₂激光切割机" in sent[0].body and "10:00" in sent[0].body

    def test_the_second_reminder_follows_the_equipment(self, booking, laser_a):
        laser_a.reminder_minutes = 180
        laser_a.save()
        services.booking_reminders_send(now=booking.starts_at - timedelta(hours=2, minutes=30))
        assert reminders(booking)[-1].dedupe_key.endswith(":180")

    def test_a_booking_made_at_short_notice_gets_the_nearest_reminder_only(self, booking):
        services.booking_reminders_send(now=booking.starts_at - timedelta(minutes=30))
        assert [n.dedupe_key.rsplit(":", 1)[1] for n in reminders(booking)] == ["60"]

    def test_cancelled_and_pending_bookings_get_none(self, laser_a, company_a, maker_a):
        BookingFactory(equipment=laser_a, company=company_a, user=maker_a, status=BookingStatus.CANCELLED)
        BookingFactory(
            equipment=laser_a, company=company_a, user=maker_a, status=BookingStatus.PENDING, starts_at=at(MONDAY, 14)
        )
        assert services.booking_reminders_send(now=at(MONDAY, 8)) == 0

    def test_in_the_bookers_language(self, laser_a, company_b, maker_b, django_capture_on_commit_callbacks):
        booking = BookingFactory(equipment=laser_a, company=company_b, user=maker_b, starts_at=at(MONDAY, 10))
        with django_capture_on_commit_callbacks(execute=True):
            services.booking_reminders_send(now=at(MONDAY, 9, 30))
        notification = reminders(booking)[0]
        assert notification.language == "en" and notification.subject.startswith("Reminder")
        assert "Han's CO2 laser cutter" in notification.subject
        assert mail.outbox and mail.outbox[-1].to == [maker_b.email]

    def test_the_task_runs_the_service(self, booking, monkeypatch):
        calls = []
        monkeypatch.setattr(services, "booking_reminders_send", lambda **kw: calls.append(kw) or 3)
        assert tasks.booking_reminders_send.delay().get() == 3 and calls == [{}]


class TestStaffNotices:
    def test_each_pending_booking_once_to_the_sites_staff(self, laser_a, printer_b, staff, company_a, site_a):
        from incubator import services as platform

        everywhere = platform.user_set_roles(user=UserFactory(), roles=["centre-staff"])
        pending = BookingFactory(equipment=laser_a, company=company_a, status=BookingStatus.PENDING)
        BookingFactory(equipment=printer_b, status=BookingStatus.PENDING, starts_at=at(MONDAY, 14))
        BookingFactory(
            equipment=laser_a, status=BookingStatus.PENDING, starts_at=at(MONDAY - timedelta(days=14), 9)
        )  # begun: too late
        now = at(MONDAY - timedelta(days=1), 9)
        queued = services.pending_bookings_remind_staff(now=now)
        assert queued == 3  # laser: staff and everywhere; printer: everywhere
        assert services.pending_bookings_remind_staff(now=now) == 0
        to_staff = Notification.objects.get(kind="labs.booking_pending", recipient=staff)
        assert to_staff.dedupe_key == f"booking:{pending.pk}:pending:{staff.pk}"
        assert company_a.name in to_staff.body
        assert Notification.objects.filter(recipient=everywhere, kind="labs.booking_pending").count() == 2


class TestSweep:
    def test_the_task_completes_ended_bookings(self, booking, monkeypatch):
        from django.utils import timezone

        monkeypatch.setattr(timezone, "now", lambda: booking.ends_at + timedelta(minutes=1))
        assert tasks.bookings_complete_ended.delay().get() == {"completed": 1, "expired": 0}
        assert tasks.bookings_complete_ended.delay().get() == {"completed": 0, "expired": 0}
        booking.refresh_from_db()
        assert booking.status == BookingStatus.COMPLETED


def test_periodic_jobs_are_registered():
    names = {job.task for job in registry.periodic_jobs.values()}
    assert {
        "labs.booking_reminders_send",
        "labs.pending_bookings_remind_staff",
        "labs.bookings_complete_ended",
    } <= names
    for task in names:
        if task.startswith("labs."):
            assert hasattr(tasks, task.split(".", 1)[1])

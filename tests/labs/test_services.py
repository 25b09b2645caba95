from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from incubator.errors import Conflict, InvalidTransition, NotAllowed, ServiceError
from incubator.models import Notification
from labs import services
from labs.choices import BookingStatus, EquipmentKind, EquipmentStatus
from labs.models import Booking, MaintenanceWindow, Training
from tests.factories import MembershipFactory, UserFactory
from tests.labs.factories import (
    BookingFactory,
    ClosureFactory,
    EquipmentFactory,
    MaintenanceWindowFactory,
    TrainingFactory,
    at,
    next_monday,
)

pytestmark = pytest.mark.django_db

MONDAY = next_monday()


def book(equipment, user, company, start=None, minutes=60, **extra):
    start = start or at(MONDAY, 9)
    return services.booking_create(
        equipment=equipment,
        user=user,
        company=company,
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        **extra,
    )


def refusal(call) -> ServiceError:
    with pytest.raises(ServiceError) as error:
        call()
    return error.value


class TestBooking:
    def test_a_trained_member_books_and_the_amount_is_the_rate_times_the_hours(
        self, laser_a, maker_a, company_a, trained_a
    ):
        booking = book(laser_a, maker_a, company_a, minutes=90, purpose=" 切割榫卯样件 ")
        assert booking.status == BookingStatus.CONFIRMED
        assert booking.amount == Decimal("120.00")
        assert booking.purpose == "切割榫卯样件"
        assert booking.created_by == maker_a
        assert booking.history.count() == 1

    def test_equipment_that_needs_approval_gives_a_pending_booking(self, printer_b, maker_b, company_b):
        TrainingFactory(user=maker_b, kind=EquipmentKind.METAL_PRINTER)
        booking = book(printer_b, maker_b, company_b, minutes=120)
        assert booking.status == BookingStatus.PENDING
        assert booking.decided_by is None

    def test_touching_bookings_are_fine_and_a_cancelled_one_blocks_nothing(
        self, laser_a, maker_a, company_a, trained_a
    ):
        book(laser_a, maker_a, company_a, start=at(MONDAY, 9), minutes=60)
        book(laser_a, maker_a, company_a, start=at(MONDAY, 10), minutes=60)
        BookingFactory(equipment=laser_a, starts_at=at(MONDAY, 11), status=BookingStatus.CANCELLED)
        book(laser_a, maker_a, company_a, start=at(MONDAY, 11), minutes=60)
        assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 3

    def test_staff_book_on_behalf_of_a_maker_and_confirm_at_once(self, printer_b, maker_b, company_b, site_b):
        from incubator import services as platform

        lab_staff = platform.user_set_roles(user=UserFactory(), roles=["centre-staff"], staff_sites=[site_b])
        TrainingFactory(user=maker_b, kind=EquipmentKind.METAL_PRINTER)
        booking = book(printer_b, maker_b, company_b, minutes=120, by=lab_staff)
        assert booking.status == BookingStatus.CONFIRMED
        assert booking.user == maker_b and booking.created_by == lab_staff and booking.decided_by == lab_staff

    def test_staff_of_another_site_and_makers_cannot_book_for_someone_else(
        self, printer_b, maker_a, maker_b, company_b, staff
    ):
        for by in (staff, maker_a):
            with pytest.raises(NotAllowed):
                book(printer_b, maker_b, company_b, minutes=120, by=by)

    def test_the_district_never_books(self, laser_a, district, company_a):
        MembershipFactory(user=district, company=company_a)
        TrainingFactory(user=district)
        with pytest.raises(NotAllowed):
            book(laser_a, district, company_a)

    def test_naive_times_are_refused(self, laser_a, maker_a, company_a, trained_a):
        naive = timezone.make_naive(at(MONDAY, 9))
        with pytest.raises(ValidationError):
            services.booking_create(
                equipment=laser_a, user=maker_a, company=company_a, starts_at=naive, ends_at=naive + timedelta(hours=1)
            )

    def test_end_before_start_is_a_validation_error(self, laser_a, maker_a, company_a, trained_a):
        with pytest.raises(ValidationError) as error:
            book(laser_a, maker_a, company_a, minutes=-60)
        assert "ends_at" in error.value.message_dict


class TestRefusals:
    """Each refusal has its own code; nothing is written."""

    def test_not_member(self, laser_a, maker_b, company_a, trained_b):
        error = refusal(lambda: book(laser_a, maker_b, company_a))
        assert (error.code, error.status) == ("not_member", 403)

    def test_not_trained(self, laser_a, maker_a, company_a):
        error = refusal(lambda: book(laser_a, maker_a, company_a))
        assert (error.code, error.status) == ("not_trained", 403)

    def test_training_for_another_kind_does_not_count(self, laser_a, maker_a, company_a):
        TrainingFactory(user=maker_a, kind=EquipmentKind.CNC_MACHINE)
        assert refusal(lambda: book(laser_a, maker_a, company_a)).code == "not_trained"

    def test_training_must_be_valid_on_the_booked_day(self, laser_a, maker_a, company_a):
        TrainingFactory(user=maker_a, granted_on=date(2024, 1, 1), expires_on=MONDAY)
        assert refusal(lambda: book(laser_a, maker_a, company_a)).code == "not_trained"
        TrainingFactory(user=maker_a, granted_on=MONDAY + timedelta(days=1))
        assert refusal(lambda: book(laser_a, maker_a, company_a)).code == "not_trained"
        book(laser_a, maker_a, company_a, start=at(MONDAY + timedelta(days=1), 9))

    def test_equipment_without_training_needs_none(self, lab_a, maker_a, company_a):
        bench = EquipmentFactory(lab=lab_a, kind=EquipmentKind.TEST_BENCH, needs_training=False)
        assert book(bench, maker_a, company_a).status == BookingStatus.CONFIRMED

    def test_outside_opening_hours(self, laser_a, maker_a, company_a, trained_a):
        for start, minutes in ((at(MONDAY, 7, 30), 60), (at(MONDAY, 19), 90), (at(MONDAY, 22), 60)):
            error = refusal(lambda start=start, minutes=minutes: book(laser_a, maker_a, company_a, start, minutes))
            assert (error.code, error.status) == ("outside_opening_hours", 400)

    def test_a_day_without_opening_hours(self, lab_a, maker_a, company_a, trained_a):
        lab_a.opening_hours.filter(weekday=MONDAY.weekday()).delete()
        laser = EquipmentFactory(lab=lab_a)
        assert refusal(lambda: book(laser, maker_a, company_a)).code == "outside_opening_hours"

    def test_across_midnight(self, lab_a, maker_a, company_a, trained_a):
        from datetime import time

        lab_a.opening_hours.update(opens_at=time(0, 0), closes_at=time(23, 59))
        laser = EquipmentFactory(lab=lab_a)
        error = refusal(lambda: book(laser, maker_a, company_a, start=at(MONDAY, 23, 30), minutes=60))
        assert error.code == "outside_opening_hours"

    def test_closure(self, laser_a, maker_a, company_a, trained_a):
        ClosureFactory(lab=laser_a.lab, starts_on=MONDAY - timedelta(days=2), ends_on=MONDAY)
        error = refusal(lambda: book(laser_a, maker_a, company_a))
        assert (error.code, error.status) == ("lab_closed", 409)
        book(laser_a, maker_a, company_a, start=at(MONDAY + timedelta(days=1), 9))

    def test_maintenance_window(self, laser_a, maker_a, company_a, trained_a):
        MaintenanceWindowFactory(equipment=laser_a, starts_at=at(MONDAY, 9, 30), ends_at=at(MONDAY, 10))
        error = refusal(lambda: book(laser_a, maker_a, company_a))
        assert (error.code, error.status) == ("maintenance", 409)
        book(laser_a, maker_a, company_a, start=at(MONDAY, 10))

    def test_too_short(self, laser_a, maker_a, company_a, trained_a):
        laser_a.min_minutes = 60
        laser_a.save()
        error = refusal(lambda: book(laser_a, maker_a, company_a, minutes=30))
        assert (error.code, error.status) == ("too_short", 400)

    def test_too_long(self, laser_a, maker_a, company_a, trained_a):
        error = refusal(lambda: book(laser_a, maker_a, company_a, minutes=270))
        assert (error.code, error.status) == ("too_long", 400)

    def test_off_the_slot_grid(self, laser_a, maker_a, company_a, trained_a):
        for start, minutes in ((at(MONDAY, 9, 15), 60), (at(MONDAY, 9), 45)):
            error = refusal(lambda start=start, minutes=minutes: book(laser_a, maker_a, company_a, start, minutes))
            assert (error.code, error.status) == ("off_grid", 400)
        seconds = at(MONDAY, 9) + timedelta(seconds=1)
        assert refusal(lambda: book(laser_a, maker_a, company_a, start=seconds)).code == "off_grid"

    def test_in_the_past(self, laser_a, maker_a, company_a, trained_a):
        error = refusal(lambda: book(laser_a, maker_a, company_a, now=at(MONDAY, 9, 1)))
        assert (error.code, error.status) == ("in_past", 400)

    def test_beyond_the_horizon(self, laser_a, maker_a, company_a, trained_a):
        laser_a.horizon_days = 7
        laser_a.save()
        today = MONDAY - timedelta(days=3)
        book(laser_a, maker_a, company_a, start=at(today + timedelta(days=7), 9), now=at(today, 12))
        error = refusal(
            lambda: book(laser_a, maker_a, company_a, start=at(today + timedelta(days=8), 9), now=at(today, 12))
        )
        assert (error.code, error.status) == ("beyond_horizon", 400)

    def test_weekly_quota(self, laser_a, maker_a, company_a, trained_a):
        lab = laser_a.lab
        lab.weekly_quota_hours = 5
        lab.save()
        other = EquipmentFactory(lab=lab)
        book(laser_a, maker_a, company_a, start=at(MONDAY, 9), minutes=240)
        # Another company's hours and last week's do not count.
        BookingFactory(equipment=other, starts_at=at(MONDAY, 9), ends_at=at(MONDAY, 17))
        BookingFactory(
            equipment=other,
            company=company_a,
            starts_at=at(MONDAY - timedelta(days=1), 9),
            ends_at=at(MONDAY - timedelta(days=1), 17),
        )
        book(other, maker_a, company_a, start=at(MONDAY + timedelta(days=6), 9), minutes=60)
        error = refusal(lambda: book(other, maker_a, company_a, start=at(MONDAY + timedelta(days=2), 9), minutes=30))
        assert (error.code, error.status) == ("quota_exceeded", 409)
        # The following week starts afresh.
        book(other, maker_a, company_a, start=at(MONDAY + timedelta(days=7), 9), minutes=240)

    def test_a_cancelled_booking_gives_its_quota_back(self, laser_a, maker_a, company_a, trained_a):
        laser_a.lab.weekly_quota_hours = 2
        laser_a.lab.save()
        first = book(laser_a, maker_a, company_a, minutes=120)
        assert refusal(lambda: book(laser_a, maker_a, company_a, start=at(MONDAY, 14))).code == "quota_exceeded"
        services.booking_cancel(booking=first, by=maker_a)
        book(laser_a, maker_a, company_a, start=at(MONDAY, 14))

    def test_overlap(self, laser_a, maker_a, company_a, trained_a, maker_b, company_b, trained_b):
        book(laser_a, maker_a, company_a, start=at(MONDAY, 9), minutes=120)
        for start in (at(MONDAY, 8, 30), at(MONDAY, 10), at(MONDAY, 9)):
            error = refusal(lambda start=start: book(laser_a, maker_b, company_b, start=start))
            assert (error.code, error.status) == ("overlap", 409)
        assert Booking.objects.count() == 1

    def test_a_pending_booking_blocks_too(self, printer_b, maker_b, company_b):
        TrainingFactory(user=maker_b, kind=EquipmentKind.METAL_PRINTER)
        book(printer_b, maker_b, company_b, minutes=120)
        assert refusal(lambda: book(printer_b, maker_b, company_b, start=at(MONDAY, 10))).code == "overlap"

    def test_out_of_service(self, laser_a, maker_a, company_a, trained_a, staff):
        services.equipment_set_status(equipment=laser_a, status=EquipmentStatus.OUT_OF_SERVICE, by=staff)
        error = refusal(lambda: book(laser_a, maker_a, company_a))
        assert (error.code, error.status) == ("out_of_service", 409)

    def test_a_closed_lab_is_out_of_service(self, laser_a, maker_a, company_a, trained_a):
        laser_a.lab.is_active = False
        laser_a.lab.save()
        assert refusal(lambda: book(laser_a, maker_a, company_a)).code == "out_of_service"

    def test_every_refusal_code_is_tested_here(self):
        tested = {name.removeprefix("test_") for name in dir(self) if name.startswith("test_")}
        aliases = {"off_grid": "off_the_slot_grid", "in_past": "in_the_past", "beyond_horizon": "beyond_the_horizon"}
        aliases |= {"lab_closed": "closure", "maintenance": "maintenance_window", "quota_exceeded": "weekly_quota"}
        missing = [code for code in services.BOOKING_REFUSALS if aliases.get(code, code) not in tested]
        assert not missing

    def test_messages_are_in_the_users_language(self, laser_a, maker_a, company_a, trained_a):
        with translation.override("en"):
            assert "at most 240 minutes" in str(refusal(lambda: book(laser_a, maker_a, company_a, minutes=270)).message)
        with translation.override("zh-hans"):
            assert "240" in str(refusal(lambda: book(laser_a, maker_a, company_a, minutes=270)).message)
            assert "minutes" not in str(refusal(lambda: book(laser_a, maker_a, company_a, minutes=270)).message)

    def test_check_without_booking(self, laser_a, maker_a, company_a, trained_a):
        services.booking_check(
            equipment=laser_a, user=maker_a, company=company_a, starts_at=at(MONDAY, 9), ends_at=at(MONDAY, 10)
        )
        assert not Booking.objects.exists()
        with pytest.raises(Conflict):
            BookingFactory(equipment=laser_a, starts_at=at(MONDAY, 9))
            services.booking_check(
                equipment=laser_a, user=maker_a, company=company_a, starts_at=at(MONDAY, 9), ends_at=at(MONDAY, 10)
            )


class TestCancelAndDecide:
    @pytest.fixture
    def booking(self, laser_a, maker_a, company_a, trained_a):
        return book(laser_a, maker_a, company_a)

    def test_the_booker_cancels_before_the_cut_off(self, booking, maker_a):
        services.booking_cancel(booking=booking, by=maker_a, now=booking.starts_at - timedelta(hours=25))
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED and booking.cancelled_by == maker_a
        assert not Notification.objects.filter(kind="labs.booking_cancelled").exists()

    def test_after_the_cut_off_only_staff_may_cancel(self, booking, maker_a, staff):
        late = booking.starts_at - timedelta(hours=2)
        error = refusal(lambda: services.booking_cancel(booking=booking, by=maker_a, now=late))
        assert (error.code, error.status) == ("cancellation_cutoff", 409)
        services.booking_cancel(booking=booking, by=staff, reason="设备故障", now=late)
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED and booking.status_note == "设备故障"
        assert Notification.objects.get(kind="labs.booking_cancelled").recipient == booking.user

    def test_others_may_not_cancel(self, booking, maker_b, district, laser_a):
        from incubator import services as platform

        other_site_staff = platform.user_set_roles(user=UserFactory(), roles=["centre-staff"], staff_sites=[])
        other_site_staff.staff_sites.set([])  # all sites: may
        for person in (maker_b, district):
            with pytest.raises(NotAllowed):
                services.booking_cancel(booking=booking, by=person)

    def test_a_teammate_may_not_cancel_someone_elses_booking(self, booking, company_a):
        teammate = MembershipFactory(company=company_a).user
        with pytest.raises(NotAllowed):
            services.booking_cancel(booking=booking, by=teammate)

    def test_cancelling_twice_or_after_the_end_is_refused(self, booking, maker_a, staff):
        services.booking_cancel(booking=booking, by=maker_a)
        with pytest.raises(InvalidTransition):
            services.booking_cancel(booking=booking, by=maker_a)
        other = BookingFactory(equipment=booking.equipment, starts_at=at(MONDAY, 14))
        with pytest.raises(InvalidTransition):
            services.booking_cancel(booking=other, by=staff, now=other.ends_at)

    def test_staff_confirm_and_decline_pending_bookings(self, printer_b, maker_b, company_b, site_b):
        from incubator import services as platform

        lab_staff = platform.user_set_roles(user=UserFactory(), roles=["centre-staff"], staff_sites=[site_b])
        TrainingFactory(user=maker_b, kind=EquipmentKind.METAL_PRINTER)
        first = book(printer_b, maker_b, company_b, minutes=120)
        second = book(printer_b, maker_b, company_b, start=at(MONDAY, 14), minutes=120)
        services.booking_confirm(booking=first, by=lab_staff)
        services.booking_decline(booking=second, by=lab_staff, reason="粉末库存不足")
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == BookingStatus.CONFIRMED and first.decided_by == lab_staff
        assert second.status == BookingStatus.CANCELLED and second.status_note == "粉末库存不足"
        kinds = sorted(Notification.objects.filter(recipient=maker_b).values_list("kind", flat=True))
        assert kinds == ["labs.booking_confirmed", "labs.booking_declined"]
        # English for maker B, who reads English.
        assert "confirmed" in Notification.objects.get(kind="labs.booking_confirmed").subject.lower()
        with pytest.raises(InvalidTransition):
            services.booking_confirm(booking=first, by=lab_staff)
        with pytest.raises(InvalidTransition):
            services.booking_decline(booking=second, by=lab_staff)
        # The declined booking's time is free again.
        book(printer_b, maker_b, company_b, start=at(MONDAY, 14), minutes=120)

    def test_makers_and_other_sites_staff_cannot_confirm(self, printer_b, maker_b, company_b, staff):
        TrainingFactory(user=maker_b, kind=EquipmentKind.METAL_PRINTER)
        pending = book(printer_b, maker_b, company_b, minutes=120)
        for person in (maker_b, staff):
            with pytest.raises(NotAllowed):
                services.booking_confirm(booking=pending, by=person)
            with pytest.raises(NotAllowed):
                services.booking_decline(booking=pending, by=person)

    def test_no_show_only_once_begun(self, booking, staff, maker_a):
        with pytest.raises(InvalidTransition):
            services.booking_mark_no_show(booking=booking, by=staff)
        with pytest.raises(NotAllowed):
            services.booking_mark_no_show(booking=booking, by=maker_a, now=booking.starts_at)
        services.booking_mark_no_show(booking=booking, by=staff, now=booking.starts_at + timedelta(minutes=15))
        booking.refresh_from_db()
        assert booking.status == BookingStatus.NO_SHOW
        with pytest.raises(InvalidTransition):
            services.booking_mark_no_show(booking=booking, by=staff, now=booking.ends_at)

    def test_ended_bookings_are_completed_and_unconfirmed_ones_expire(self, laser_a, printer_b):
        confirmed = BookingFactory(equipment=laser_a, starts_at=at(MONDAY, 9))
        pending = BookingFactory(equipment=printer_b, starts_at=at(MONDAY, 9), status=BookingStatus.PENDING)
        later = BookingFactory(equipment=laser_a, starts_at=at(MONDAY, 14))
        result = services.bookings_complete_ended(now=at(MONDAY, 10))
        assert (result.completed, result.expired) == (1, 1)
        assert services.bookings_complete_ended(now=at(MONDAY, 10)).completed == 0
        statuses = {b.pk: b.status for b in Booking.objects.all()}
        assert statuses == {
            confirmed.pk: BookingStatus.COMPLETED,
            pending.pk: BookingStatus.CANCELLED,
            later.pk: BookingStatus.CONFIRMED,
        }


class TestMaintenanceAndEquipment:
    def test_maintenance_over_bookings_is_refused_unless_they_are_cancelled(
        self, laser_a, maker_a, company_a, trained_a, staff
    ):
        booking = book(laser_a, maker_a, company_a, start=at(MONDAY, 10))
        window = {"equipment": laser_a, "starts_at": at(MONDAY, 8), "ends_at": at(MONDAY, 12), "by": staff}
        error = refusal(lambda: services.maintenance_schedule(**window))
        assert (error.code, error.status) == ("bookings_in_window", 409)
        assert not MaintenanceWindow.objects.exists()
        services.maintenance_schedule(**window, reason="更换激光管", cancel_bookings=True)
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED and booking.status_note == "更换激光管"
        assert Notification.objects.filter(kind="labs.booking_cancelled", recipient=maker_a).exists()

    def test_only_the_sites_staff_schedule_maintenance(self, printer_b, staff, maker_b):
        for person in (staff, maker_b):
            with pytest.raises(NotAllowed):
                services.maintenance_schedule(
                    equipment=printer_b, starts_at=at(MONDAY, 8), ends_at=at(MONDAY, 12), by=person
                )

    def test_maintenance_ends_after_it_starts(self, laser_a, staff):
        with pytest.raises(ValidationError):
            services.maintenance_schedule(equipment=laser_a, starts_at=at(MONDAY, 12), ends_at=at(MONDAY, 8), by=staff)

    def test_equipment_status(self, laser_a, staff, maker_a):
        with pytest.raises(NotAllowed):
            services.equipment_set_status(equipment=laser_a, status=EquipmentStatus.OUT_OF_SERVICE, by=maker_a)
        with pytest.raises(ValidationError):
            services.equipment_set_status(equipment=laser_a, status="broken", by=staff)
        services.equipment_set_status(equipment=laser_a, status=EquipmentStatus.OUT_OF_SERVICE, by=staff)
        laser_a.refresh_from_db()
        assert laser_a.status == EquipmentStatus.OUT_OF_SERVICE

    def test_equipment_rules_are_validated(self, lab_a):
        equipment = EquipmentFactory.build(lab=lab_a, slot_minutes=30, min_minutes=45, max_minutes=20)
        with pytest.raises(ValidationError) as error:
            equipment.full_clean()
        assert {"min_minutes", "max_minutes"} <= set(error.value.message_dict)
        with pytest.raises(ValidationError) as error:
            EquipmentFactory.build(lab=lab_a, slot_minutes=7, min_minutes=7, max_minutes=7).full_clean()
        assert "slot_minutes" in error.value.message_dict


class TestTraining:
    def test_staff_grant_and_revoke(self, maker_a, staff):
        training = services.training_grant(user=maker_a, kind=EquipmentKind.CNC_MACHINE, by=staff)
        assert training.granted_by == staff and training.granted_on == timezone.localdate()
        with pytest.raises(Conflict):
            services.training_grant(user=maker_a, kind=EquipmentKind.CNC_MACHINE, by=staff)
        # Revoked on the day it was granted: gone.
        assert services.training_revoke(training=training, by=staff) is None
        assert not Training.objects.exists()
        older = services.training_grant(
            user=maker_a, kind=EquipmentKind.CNC_MACHINE, by=staff, granted_on=date(2025, 1, 1)
        )
        revoked = services.training_revoke(training=older, by=staff)
        assert revoked.expires_on == timezone.localdate()
        with pytest.raises(InvalidTransition):
            services.training_revoke(training=older, by=staff)

    def test_makers_and_the_district_cannot_grant(self, maker_a, district):
        for person in (maker_a, district):
            with pytest.raises(NotAllowed):
                services.training_grant(user=maker_a, kind=EquipmentKind.CNC_MACHINE, by=person)

    def test_expiry_after_grant(self, maker_a, staff):
        with pytest.raises(ValidationError):
            services.training_grant(
                user=maker_a, kind="laser_cutter", by=staff, granted_on=date(2026, 1, 2), expires_on=date(2026, 1, 1)
            )
        with pytest.raises(ValidationError):
            services.training_grant(user=maker_a, kind="juggling", by=staff)


class TestCalendarFeed:
    def test_created_once_and_rotated(self, maker_a):
        feed = services.calendar_feed_get_or_create(user=maker_a)
        assert services.calendar_feed_get_or_create(user=maker_a).token == feed.token
        rotated = services.calendar_feed_rotate(user=maker_a)
        assert rotated.pk == feed.pk and rotated.token != feed.token and len(rotated.token) >= 40


# --- The invariant in the database -----------------------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The exclusion constraint exists on PostgreSQL only; on SQLite the service's check holds the rule.",
)
def test_the_exclusion_constraint_refuses_an_overlap_written_past_the_service(laser_a):
    BookingFactory(equipment=laser_a, starts_at=at(MONDAY, 9), ends_at=at(MONDAY, 11))
    # Touching and cancelled bookings pass.
    BookingFactory(equipment=laser_a, starts_at=at(MONDAY, 11), ends_at=at(MONDAY, 12))
    BookingFactory(equipment=laser_a, starts_at=at(MONDAY, 9), status=BookingStatus.CANCELLED)
    BookingFactory(starts_at=at(MONDAY, 9))  # another piece of equipment
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        BookingFactory(equipment=laser_a, starts_at=at(MONDAY, 10), ends_at=at(MONDAY, 10, 30))
    assert services.OVERLAP_CONSTRAINT in str(error.value)
    # Reviving a cancelled booking into a taken slot is refused too.
    cancelled = Booking.objects.get(status=BookingStatus.CANCELLED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=cancelled.pk).update(status=BookingStatus.PENDING)


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The exclusion constraint exists on PostgreSQL only; on SQLite the service's check holds the rule.",
)
def test_an_overlap_the_rules_did_not_see_is_refused_by_the_constraint(
    laser_a, maker_a, company_a, trained_a, monkeypatch
):
    """Two bookings of one slot that both passed the rules: the second one's INSERT meets the
    exclusion constraint, which the service answers as the rule would (409 `overlap`)."""
    BookingFactory(equipment=laser_a, starts_at=at(MONDAY, 9), ends_at=at(MONDAY, 10))
    blind = services._booking_facts

    def facts_without_the_overlap(**kwargs):
        return {**blind(**kwargs), "overlaps": False}

    monkeypatch.setattr(services, "_booking_facts", facts_without_the_overlap)
    error = refusal(lambda: book(laser_a, maker_a, company_a, start=at(MONDAY, 9, 30), minutes=30))
    assert (error.code, error.status) == ("overlap", 409)
    assert Booking.objects.filter(equipment=laser_a).count() == 1
    assert Booking.history.filter(equipment=laser_a).count() == 1

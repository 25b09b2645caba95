import threading
import time as clock
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import OperationalError, connection

from labs.choices import BookingStatus, EquipmentKind
from labs.models import Booking, Training
from tests.conftest import count_queries
from tests.factories import MembershipFactory, UserFactory, resident_company
from tests.labs.factories import (
    BookingFactory,
    ClosureFactory,
    EquipmentFactory,
    LabFactory,
    MaintenanceWindowFactory,
    TrainingFactory,
    at,
    next_monday,
)

pytestmark = pytest.mark.django_db

MONDAY = next_monday()


def body(equipment, company, start=None, minutes=60, **extra):
    start = start or at(MONDAY, 9)
    return {
        "equipment": equipment.pk,
        "company": company.pk,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(minutes=minutes)).isoformat(),
        **extra,
    }


class TestLabsAndEquipment:
    def test_lists_with_hours_closures_and_rules(self, api_client_for, maker_a, laser_a, printer_b):
        ClosureFactory(lab=laser_a.lab, starts_on=MONDAY, ends_on=MONDAY, reason="设备年检")
        client = api_client_for(maker_a)
        labs = client.get("/api/v1/labs/").json()["results"]
        lab = next(x for x in labs if x["id"] == laser_a.lab_id)
        assert len(lab["opening_hours"]) == 7 and lab["opening_hours"][0] == {
            "weekday": 0,
            "opens_at": "08:00:00",
            "closes_at": "20:00:00",
        }
        assert lab["closures"] == [{"starts_on": f"{MONDAY}", "ends_on": f"{MONDAY}", "reason": "设备年检"}]
        equipment = client.get("/api/v1/equipment/", {"kind": "metal_printer"}).json()["results"]
        assert [e["id"] for e in equipment] == [printer_b.pk]
        assert equipment[0]["needs_approval"] is True and equipment[0]["hourly_rate"] == "80.00"
        assert client.get("/api/v1/equipment/", {"site": laser_a.lab.site_id}).json()["count"] == 1

    def test_bad_filters_answer_400(self, api_client_for, maker_a):
        client = api_client_for(maker_a)
        for path, query in (("/api/v1/equipment/", {"kind": "spaceship"}), ("/api/v1/bookings/", {"lab": "x"})):
            response = client.get(path, query)
            assert response.status_code == 400 and response.json()["code"] == "validation_error"

    def test_lists_answer_in_constant_queries(self, api_client_for, district, site_a, assert_constant_queries):
        client = api_client_for(district)

        def grow():
            for _ in range(3):
                lab = LabFactory(site=site_a)
                ClosureFactory(lab=lab)
                for item in EquipmentFactory.create_batch(2, lab=lab):
                    BookingFactory(equipment=item)
                TrainingFactory()

        LabFactory(site=site_a)
        for path in ("/api/v1/labs/", "/api/v1/equipment/", "/api/v1/bookings/", "/api/v1/trainings/"):
            assert_constant_queries(fetch=lambda path=path: client.get(path), grow=grow)


class TestAvailability:
    def url(self, equipment, **query):
        return f"/api/v1/equipment/{equipment.pk}/availability/", query

    def test_free_and_busy(self, api_client_for, maker_a, laser_a, company_a, company_b):
        mine = BookingFactory(equipment=laser_a, company=company_a, starts_at=at(MONDAY, 9))
        BookingFactory(equipment=laser_a, company=company_b, starts_at=at(MONDAY, 11), ends_at=at(MONDAY, 12))
        MaintenanceWindowFactory(equipment=laser_a, starts_at=at(MONDAY, 14), ends_at=at(MONDAY, 15))
        path, query = self.url(laser_a, **{"from": f"{MONDAY}", "to": f"{MONDAY}"})
        data = api_client_for(maker_a).get(path, query).json()
        assert data["from"] == data["to"] == f"{MONDAY}" and data["time_zone"] == "Asia/Shanghai"
        assert data["open"] == [{"starts_at": at(MONDAY, 8).isoformat(), "ends_at": at(MONDAY, 20).isoformat()}]
        busy = [(b["kind"], b["booking"], b["status"]) for b in data["busy"]]
        assert busy == [("booking", mine.pk, "confirmed"), ("booking", None, ""), ("maintenance", None, "")]
        free = [(f["starts_at"][11:16], f["ends_at"][11:16]) for f in data["free"]]
        assert free == [("08:00", "09:00"), ("10:00", "11:00"), ("12:00", "14:00"), ("15:00", "20:00")]

    def test_closed_days_past_times_and_the_horizon_are_not_free(self, api_client_for, maker_a, laser_a):
        ClosureFactory(lab=laser_a.lab, starts_on=MONDAY, ends_on=MONDAY)
        laser_a.horizon_days = 1
        laser_a.save()
        path, query = self.url(laser_a, **{"from": f"{MONDAY - timedelta(days=14)}", "to": f"{MONDAY}"})
        data = api_client_for(maker_a).get(path, query).json()
        assert data["free"] == [] or all(f["starts_at"] < data["bookable_until"] for f in data["free"])
        assert all(not o["starts_at"].startswith(f"{MONDAY}") for o in data["open"])

    def test_defaults_to_a_week_from_today(self, api_client_for, maker_a, laser_a):
        data = api_client_for(maker_a).get(f"/api/v1/equipment/{laser_a.pk}/availability/").json()
        from django.utils import timezone

        today = timezone.localdate()
        assert (data["from"], data["to"]) == (f"{today}", f"{today + timedelta(days=6)}")

    @pytest.mark.parametrize(
        "query",
        [
            {"from": "2026-03-10", "to": "2026-03-01"},
            {"from": "2026-01-01", "to": "2026-03-01"},
            {"from": "tomorrow"},
            {"from": "0001-01-01"},
            {"to": "9999-12-31"},
        ],
    )
    def test_a_bad_period_is_400(self, api_client_for, maker_a, laser_a, query):
        response = api_client_for(maker_a).get(f"/api/v1/equipment/{laser_a.pk}/availability/", query)
        assert response.status_code == 400 and response.json()["code"] == "validation_error"

    def test_unknown_equipment_is_404(self, api_client_for, maker_a):
        assert api_client_for(maker_a).get("/api/v1/equipment/999999/availability/").status_code == 404

    def test_queries_do_not_grow(self, api_client_for, maker_a, laser_a, company_b, assert_constant_queries):
        client = api_client_for(maker_a)
        path, query = self.url(laser_a, **{"from": f"{MONDAY}", "to": f"{MONDAY + timedelta(days=6)}"})
        hours = iter(range(8, 20))

        def grow():
            for _ in range(5):
                BookingFactory(equipment=laser_a, company=company_b, starts_at=at(MONDAY, next(hours)))
            day = MONDAY + timedelta(days=2)
            MaintenanceWindowFactory(equipment=laser_a, starts_at=at(day, 8), ends_at=at(day, 9))
            ClosureFactory(lab=laser_a.lab, starts_on=MONDAY + timedelta(days=3), ends_on=MONDAY + timedelta(days=3))

        assert_constant_queries(fetch=lambda: client.get(path, query), grow=grow)


class TestBookings:
    def test_create_and_read(self, api_client_for, maker_a, laser_a, company_a, trained_a):
        client = api_client_for(maker_a)
        response = client.post("/api/v1/bookings/", body(laser_a, company_a, purpose="切割样件"), format="json")
        assert response.status_code == 201, response.json()
        data = response.json()
        assert data["status"] == "confirmed" and data["user"] == maker_a.pk and data["amount"] == "80.00"
        assert client.get(f"/api/v1/bookings/{data['id']}/").json()["purpose"] == "切割样件"
        listed = client.get("/api/v1/bookings/", {"equipment": laser_a.pk, "status": "confirmed"}).json()
        assert [b["id"] for b in listed["results"]] == [data["id"]]

    def test_a_booking_costs_a_bounded_number_of_queries(
        self, api_client_for, maker_a, laser_a, company_a, trained_a, company_b
    ):
        client = api_client_for(maker_a)
        for hour in (9, 11, 13):
            BookingFactory(equipment=laser_a, company=company_b, starts_at=at(MONDAY + timedelta(days=1), hour))
        client.post("/api/v1/bookings/", body(laser_a, company_a, start=at(MONDAY, 9)), format="json")
        with count_queries() as queries:
            response = client.post("/api/v1/bookings/", body(laser_a, company_a, start=at(MONDAY, 11)), format="json")
        assert response.status_code == 201, response.json()
        # The person with their roles; the savepoint; the equipment, its lab and the company,
        # read by the statement that locks the equipment (PostgreSQL); every rule; the row with
        # its history (one statement on PostgreSQL, two on SQLite); the savepoint's release.
        assert queries.count == (6 if connection.vendor == "postgresql" else 7), queries.queries

    def test_a_lab_with_a_quota_also_locks_the_company(self, api_client_for, maker_a, laser_a, company_a, trained_a):
        laser_a.lab.weekly_quota_hours = 10
        laser_a.lab.save()
        client = api_client_for(maker_a)
        with count_queries() as queries:
            response = client.post("/api/v1/bookings/", body(laser_a, company_a), format="json")
        assert response.status_code == 201, response.json()
        locks = [sql for sql in queries.queries if "FOR NO KEY UPDATE" in sql]
        assert len(locks) == (1 if connection.vendor == "postgresql" else 0), queries.queries

    def test_an_amount_too_large_to_keep_is_400_not_500(self, api_client_for, maker_a, laser_a, company_a, trained_a):
        laser_a.hourly_rate = Decimal("9999999999.99")  # the largest rate; two hours of it do not fit
        laser_a.save()
        response = api_client_for(maker_a).post(
            "/api/v1/bookings/", body(laser_a, company_a, minutes=120), format="json"
        )
        assert response.status_code == 400 and "amount" in response.json()["fields"], response.json()
        assert not Booking.objects.exists()

    def test_the_answer_is_what_the_booking_serializer_renders(
        self, api_client_for, staff, maker_a, laser_a, company_a, trained_a
    ):
        from labs.api.serializers import BookingSerializer, booking_data

        response = api_client_for(staff).post(
            "/api/v1/bookings/", body(laser_a, company_a, user=maker_a.pk, purpose="代约"), format="json"
        )
        assert response.status_code == 201, response.json()
        booking = Booking.objects.get(pk=response.json()["id"])
        assert response.json() == api_client_for(staff).get(f"/api/v1/bookings/{booking.pk}/").json()
        booking.status, booking.decided_by, booking.decided_at = BookingStatus.CANCELLED, staff, booking.created_at
        booking.cancelled_by, booking.cancelled_at, booking.status_note = staff, booking.created_at, "设备检修"
        assert booking_data(booking) == BookingSerializer(booking).data

    def test_the_history_row_names_who_entered_the_booking(
        self, api_client_for, staff, maker_a, laser_a, company_a, trained_a
    ):
        made = (
            api_client_for(staff)
            .post("/api/v1/bookings/", body(laser_a, company_a, user=maker_a.pk), format="json")
            .json()
        )
        history = Booking.objects.get(pk=made["id"]).history.get()
        assert (history.history_type, history.history_user, history.history_change_reason) == ("+", staff, None)
        assert (history.user, history.company, history.created_by, history.status) == (
            maker_a,
            company_a,
            staff,
            BookingStatus.CONFIRMED,
        )
        assert (history.starts_at, history.amount) == (at(MONDAY, 9), Decimal("80.00"))

    def test_overlap_is_409_with_its_code(self, api_client_for, maker_a, laser_a, company_a, trained_a, company_b):
        BookingFactory(equipment=laser_a, company=company_b, starts_at=at(MONDAY, 9))
        response = api_client_for(maker_a).post(
            "/api/v1/bookings/",
            body(laser_a, company_a, start=at(MONDAY, 9, 30)),
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 409
        assert response.json() == {
            "code": "overlap",
            "detail": "The equipment is already booked at this time.",
            "fields": {"starts_at": ["The equipment is already booked at this time."]},
        }

    @pytest.mark.parametrize(
        ("start", "minutes", "code", "status"),
        [
            (None, 300, "too_long", 400),
            (None, 45, "off_grid", 400),
            ("21:00", 60, "outside_opening_hours", 400),
            ("past", 60, "in_past", 400),
            ("far", 60, "beyond_horizon", 400),
        ],
    )
    def test_refusals_carry_their_codes(
        self, api_client_for, maker_a, laser_a, company_a, trained_a, start, minutes, code, status
    ):
        moment = {
            None: at(MONDAY, 9),
            "21:00": at(MONDAY, 21),
            "past": at(MONDAY - timedelta(days=21), 9),
            "far": at(MONDAY + timedelta(days=60), 9),
        }[start]
        response = api_client_for(maker_a).post(
            "/api/v1/bookings/", body(laser_a, company_a, start=moment, minutes=minutes), format="json"
        )
        assert (response.status_code, response.json()["code"]) == (status, code)

    def test_not_trained_is_403(self, api_client_for, maker_a, laser_a, company_a):
        response = api_client_for(maker_a).post("/api/v1/bookings/", body(laser_a, company_a), format="json")
        assert (response.status_code, response.json()["code"]) == (403, "not_trained")

    def test_another_makers_company_is_not_member_and_unknown_things_400(
        self, api_client_for, maker_a, laser_a, company_a, company_b, trained_a
    ):
        client = api_client_for(maker_a)
        response = client.post("/api/v1/bookings/", body(laser_a, company_b), format="json")
        assert (response.status_code, response.json()["code"]) == (403, "not_member")
        assert company_b.name not in response.json()["detail"]
        for field, value in (("equipment", 999999), ("company", 999999)):
            response = client.post("/api/v1/bookings/", {**body(laser_a, company_a), field: value}, format="json")
            assert response.status_code == 400 and field in response.json()["fields"]
        laser_a.lab.is_active = False
        laser_a.lab.save()
        response = client.post("/api/v1/bookings/", body(laser_a, company_a), format="json")
        assert response.status_code == 400 and "equipment" in response.json()["fields"]
        assert not Booking.objects.exists()

    @pytest.mark.parametrize(
        "change",
        [
            {"starts_at": "tomorrow"},
            {"starts_at": "0001-01-01T00:00:00Z"},
            {"ends_at": "9999-12-31T23:59:59Z"},
            {"equipment": "one"},
            {"equipment": 2**64},
            {"purpose": 42},
            {"user": 0},
        ],
    )
    def test_malformed_bodies_are_400(self, api_client_for, maker_a, laser_a, company_a, change):
        response = api_client_for(maker_a).post(
            "/api/v1/bookings/", {**body(laser_a, company_a), **change}, format="json"
        )
        assert response.status_code == 400 and response.json()["code"] == "validation_error"

    def test_an_end_before_the_start_is_400(self, api_client_for, maker_a, laser_a, company_a, trained_a):
        response = api_client_for(maker_a).post(
            "/api/v1/bookings/", body(laser_a, company_a, minutes=-60), format="json"
        )
        assert response.status_code == 400 and "ends_at" in response.json()["fields"]

    def test_staff_book_on_behalf_makers_cannot(
        self, api_client_for, staff, maker_a, maker_b, laser_a, company_a, trained_a
    ):
        response = api_client_for(staff).post(
            "/api/v1/bookings/", body(laser_a, company_a, user=maker_a.pk), format="json"
        )
        assert response.status_code == 201 and response.json()["created_by"] == staff.pk
        MembershipFactory(user=maker_b, company=company_a)
        response = api_client_for(maker_b).post(
            "/api/v1/bookings/", body(laser_a, company_a, start=at(MONDAY, 14), user=maker_a.pk), format="json"
        )
        assert response.status_code == 403

    def test_the_district_reads_but_does_not_book(self, api_client_for, district, laser_a, company_a):
        client = api_client_for(district)
        assert client.get("/api/v1/bookings/").status_code == 200
        assert client.post("/api/v1/bookings/", body(laser_a, company_a), format="json").status_code == 403

    def test_cancel_confirm_decline_no_show(self, api_client_for, maker_a, staff, laser_a, company_a):
        mine = BookingFactory(equipment=laser_a, company=company_a, user=maker_a)
        response = api_client_for(maker_a).post(
            f"/api/v1/bookings/{mine.pk}/cancel/", {"reason": "改期"}, format="json"
        )
        assert response.status_code == 200 and response.json()["status"] == "cancelled"
        assert response.json()["status_note"] == "改期"
        again = api_client_for(maker_a).post(f"/api/v1/bookings/{mine.pk}/cancel/")
        assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")

        staff_client = api_client_for(staff)
        pending = BookingFactory(equipment=laser_a, company=company_a, status=BookingStatus.PENDING)
        assert staff_client.post(f"/api/v1/bookings/{pending.pk}/confirm/").json()["status"] == "confirmed"
        other = BookingFactory(
            equipment=laser_a, company=company_a, status=BookingStatus.PENDING, starts_at=at(MONDAY, 14)
        )
        declined = staff_client.post(f"/api/v1/bookings/{other.pk}/decline/", {"reason": "粉末不足"}, format="json")
        assert declined.json()["status"] == "cancelled" and declined.json()["decided_by"] == staff.pk
        begun = BookingFactory(
            equipment=laser_a,
            company=company_a,
            starts_at=at(MONDAY - timedelta(days=14), 9),
            status=BookingStatus.COMPLETED,
        )
        assert staff_client.post(f"/api/v1/bookings/{begun.pk}/no-show/").json()["status"] == "no_show"
        assert api_client_for(maker_a).post(f"/api/v1/bookings/{begun.pk}/no-show/").status_code == 403

    def test_a_reason_must_be_text(self, api_client_for, maker_a, laser_a, company_a):
        mine = BookingFactory(equipment=laser_a, company=company_a, user=maker_a)
        response = api_client_for(maker_a).post(f"/api/v1/bookings/{mine.pk}/cancel/", {"reason": 1}, format="json")
        assert response.status_code == 400


class TestTrainings:
    def test_staff_grant_and_revoke(self, api_client_for, staff, maker_a):
        client = api_client_for(staff)
        response = client.post(
            "/api/v1/trainings/", {"user": maker_a.pk, "kind": "cnc_machine", "granted_on": "2025-06-01"}, format="json"
        )
        assert response.status_code == 201 and response.json()["granted_by"] == staff.pk
        pk = response.json()["id"]
        assert client.post(f"/api/v1/trainings/{pk}/revoke/").json()["expires_on"] is not None
        fresh = client.post("/api/v1/trainings/", {"user": maker_a.pk, "kind": "test_bench"}, format="json").json()
        assert client.post(f"/api/v1/trainings/{fresh['id']}/revoke/").status_code == 204
        assert Training.objects.count() == 1

    def test_makers_see_their_own_and_cannot_grant(self, api_client_for, maker_a, maker_b, staff):
        TrainingFactory(user=maker_a)
        TrainingFactory(user=maker_b)
        client = api_client_for(maker_a)
        assert [t["user"] for t in client.get("/api/v1/trainings/").json()["results"]] == [maker_a.pk]
        response = client.post("/api/v1/trainings/", {"user": maker_a.pk, "kind": "laser_cutter"}, format="json")
        assert response.status_code == 403

    def test_unknown_person_or_kind_is_400(self, api_client_for, staff):
        client = api_client_for(staff)
        assert (
            client.post("/api/v1/trainings/", {"user": 999999, "kind": "cnc_machine"}, format="json").status_code == 400
        )
        assert (
            client.post("/api/v1/trainings/", {"user": staff.pk, "kind": "juggling"}, format="json").status_code == 400
        )

    def test_staff_see_the_trainings_of_their_residents(
        self, api_client_for, staff, maker_a, maker_b, company_a, company_b
    ):
        TrainingFactory(user=maker_a, kind=EquipmentKind.LASER_CUTTER)
        TrainingFactory(user=maker_b, kind=EquipmentKind.LASER_CUTTER)
        users = {t["user"] for t in api_client_for(staff).get("/api/v1/trainings/").json()["results"]}
        assert users == {maker_a.pk}


class TestUtilisation:
    def test_hours_open_booked_and_used(self, api_client_for, district, staff, maker_a, laser_a, lab_a, printer_b):
        day = MONDAY - timedelta(days=7)
        second = EquipmentFactory(lab=lab_a)
        BookingFactory(equipment=laser_a, starts_at=at(day, 9), ends_at=at(day, 12), status=BookingStatus.COMPLETED)
        BookingFactory(equipment=laser_a, starts_at=at(day, 13), ends_at=at(day, 14), status=BookingStatus.NO_SHOW)
        BookingFactory(equipment=laser_a, starts_at=at(day, 15), ends_at=at(day, 16), status=BookingStatus.CANCELLED)
        MaintenanceWindowFactory(equipment=second, starts_at=at(day, 6), ends_at=at(day, 10))
        query = {"from": f"{day}", "to": f"{day}"}
        data = api_client_for(district).get("/api/v1/labs/utilisation/", query).json()
        rows = {row["id"]: row for row in data["equipment"]}
        assert rows[laser_a.pk] | {} == {
            "id": laser_a.pk,
            "name": laser_a.name,
            "parent": lab_a.pk,
            "open_hours": "12.0",
            "booked_hours": "4.0",
            "used_hours": "3.0",
            "booked_share": "0.333",
            "used_share": "0.250",
        }
        assert rows[second.pk]["open_hours"] == "10.0"
        lab_row = next(row for row in data["labs"] if row["id"] == lab_a.pk)
        assert (lab_row["open_hours"], lab_row["booked_hours"]) == ("22.0", "4.0")
        assert data["total"]["open_hours"] == "34.0"  # and the printer at site B
        staff_rows = api_client_for(staff).get("/api/v1/labs/utilisation/", query).json()
        assert {row["id"] for row in staff_rows["equipment"]} == {laser_a.pk, second.pk}
        assert api_client_for(maker_a).get("/api/v1/labs/utilisation/", query).status_code == 403

    def test_at_most_a_year(self, api_client_for, district):
        response = api_client_for(district).get("/api/v1/labs/utilisation/", {"from": "2024-01-01", "to": "2025-06-01"})
        assert response.status_code == 400

    def test_constant_queries(self, api_client_for, district, site_a, assert_constant_queries):
        client = api_client_for(district)
        LabFactory(site=site_a)

        def grow():
            for _ in range(3):
                lab = LabFactory(site=site_a)
                ClosureFactory(lab=lab)
                for item in EquipmentFactory.create_batch(2, lab=lab):
                    BookingFactory(equipment=item, status=BookingStatus.COMPLETED)
                    MaintenanceWindowFactory(equipment=item)

        query = {"from": f"{MONDAY}", "to": f"{MONDAY + timedelta(days=6)}"}
        assert_constant_queries(fetch=lambda: client.get("/api/v1/labs/utilisation/", query), grow=grow)


# --- 50 clients, one slot --------------------------------------------------------------


def _connect_with_retry(attempts: int = 20) -> None:
    """Other test runs may share the PostgreSQL server: wait for a free connection slot."""
    for attempt in range(attempts):
        try:
            connection.ensure_connection()
            return
        except OperationalError:
            if attempt == attempts - 1:
                raise
            clock.sleep(0.25 * (attempt + 1))


@pytest.mark.django_db(transaction=True)
def test_fifty_clients_asking_for_one_slot_get_one_booking(site_a, api_client_for):
    """50 trained members of five companies ask for the same slot at once: exactly one 201
    and 49 × 409 `overlap`, and one row. On PostgreSQL the exclusion constraint decides
    between bookings in flight; on SQLite the IMMEDIATE transactions queue."""
    laser = EquipmentFactory(lab__site=site_a)
    clients = []
    for _ in range(5):
        company = resident_company(site=site_a)
        for _ in range(10):
            user = UserFactory()
            MembershipFactory(user=user, company=company)
            TrainingFactory(user=user)
            clients.append((api_client_for(user), company))
    barrier = threading.Barrier(len(clients))
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()

    def ask(client, company):
        try:
            _connect_with_retry()
            barrier.wait(timeout=60)
            response = client.post("/api/v1/bookings/", body(laser, company), format="json")
            with lock:
                answers.append((response.status_code, response.json().get("code", "")))
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 50
    assert sorted(answers).count((201, "")) == 1
    assert answers.count((409, "overlap")) == 49
    assert Booking.objects.filter(equipment=laser).count() == 1


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/v1/bookings/", {"starts_before": ""}),
        ("/api/v1/bookings/", {"starts_after": "yesterday"}),
        ("/api/v1/labs/utilisation/", {"to": ""}),
        ("/api/v1/labs/utilisation/", {"from": ""}),
    ],
)
def test_empty_or_malformed_times_in_the_query_are_400(api_client_for, district, path, query):
    response = api_client_for(district).get(path, query)
    assert response.status_code == 400 and response.json()["code"] == "validation_error"

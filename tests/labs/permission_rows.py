"""Permission-table rows of the labs app: its portal pages, admin models and API.

The lab is at site A, where the staff persona works; booking A is maker A's (company A).
"""

import itertools
from datetime import timedelta

from django.urls import reverse

from tests.permissions import API_AUTHENTICATED, SIGNED_IN, AdminRow, Expect, Operation, Route

BOOKING_A_READ = Expect(anon=302, maker=404, maker_a=200, staff=200, district=200, superuser=200)
# Portal writes answer with a redirect back (302); who may see the booking but not act gets 403.
BOOKING_A_CANCEL = Expect(anon=302, maker=404, maker_a=302, staff=302, district=403, superuser=302)
BOOKING_A_DECIDE = Expect(anon=302, maker=404, maker_a=403, staff=302, district=403, superuser=302)
STAFF_AND_DISTRICT = Expect(anon=302, maker=403, staff=200, district=200, superuser=200)

API_BOOKING_A_READ = Expect(anon=401, maker=404, maker_a=200, staff=200, district=200, superuser=200)
API_BOOKING_A_CANCEL = Expect(anon=401, maker=404, maker_a=200, staff=200, district=403, superuser=200)
API_BOOKING_A_DECIDE = Expect(anon=401, maker=404, maker_a=403, staff=200, district=403, superuser=200)

_hours = itertools.count()


def _slot():
    """A fresh future hour for each booking the rows create, so that none overlaps another."""
    from tests.labs.factories import at, next_monday

    start = at(next_monday(2), 8) + timedelta(hours=next(_hours))
    return start, start + timedelta(hours=1)


def fresh_booking(objects: dict, **extra):
    """A booking of maker A's for an operation that changes it."""
    from tests.labs.factories import BookingFactory

    start, end = _slot()
    fields = {"starts_at": start, "ends_at": end, **extra}
    return BookingFactory(equipment=objects["laser_a"], company=objects["company_a"], user=objects["maker_a"], **fields)


def begun_booking(objects: dict):
    from labs.choices import BookingStatus
    from tests.labs.factories import at, next_monday

    start = at(next_monday(-2), 8) + timedelta(hours=next(_hours) % 12)
    return fresh_booking(objects, starts_at=start, ends_at=start + timedelta(hours=1), status=BookingStatus.COMPLETED)


def pending_booking(objects: dict):
    from labs.choices import BookingStatus

    return fresh_booking(objects, status=BookingStatus.PENDING)


def fresh_training(objects: dict):
    from datetime import date

    from tests.labs.factories import TrainingFactory

    return TrainingFactory(user=objects["maker_a"], kind="cnc_machine", granted_on=date(2025, 1, 1))


def add_objects(objects: dict) -> None:
    from labs import services
    from labs.choices import EquipmentKind
    from tests.factories import resident_company
    from tests.labs.factories import (
        ClosureFactory,
        EquipmentFactory,
        LabFactory,
        MaintenanceWindowFactory,
        TrainingFactory,
        at,
        next_monday,
    )

    if "company_a" not in objects:
        objects["company_a"] = resident_company(site=objects["site_a"], owner=objects["maker_a"])
        objects["company_b"] = resident_company(site=objects["site_b"], owner=objects["maker_b"])
    lab = LabFactory(site=objects["site_a"], name="激光加工工坊")
    objects["lab_a"] = lab
    objects["laser_a"] = EquipmentFactory(lab=lab, name="大族CO₂激光切割机")
    # Needs no training: the booking rows test who may book, not the rules.
    objects["bench_a"] = EquipmentFactory(
        lab=lab, name="电子测试台", kind=EquipmentKind.TEST_BENCH, needs_training=False
    )
    objects["closure_a"] = ClosureFactory(lab=lab, starts_on=next_monday(8), ends_on=next_monday(8))
    monday = next_monday(3)
    objects["maintenance_a"] = MaintenanceWindowFactory(
        equipment=objects["laser_a"], starts_at=at(monday, 8), ends_at=at(monday, 9)
    )
    objects["training_a"] = TrainingFactory(user=objects["maker_a"], kind=EquipmentKind.LASER_CUTTER)
    objects["booking_a"] = fresh_booking(objects)
    services.calendar_feed_get_or_create(user=objects["maker_a"])


def _feed_token(objects: dict) -> str:
    """Maker A's current token: a row before may have rotated it."""
    from labs import services

    return services.calendar_feed_get_or_create(user=objects["maker_a"]).token


def _booking_body(objects: dict, persona: str) -> dict:
    from tests.labs.factories import at, next_monday

    start = at(next_monday(), 9)
    company = objects["company_b"] if persona == "maker_b" else objects["company_a"]
    body = {
        "equipment": objects["bench_a"].pk,
        "company": company.pk,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
        "purpose": "电路板测试",
    }
    if persona in ("staff", "superuser"):
        body["user"] = objects["maker_a"].pk
    return body


ROUTES = {
    # --- labs ---
    "labs:lab_list": Route(SIGNED_IN),
    "labs:lab_detail": Route(SIGNED_IN, url=lambda o: reverse("labs:lab_detail", args=[o["lab_a"].pk])),
    "labs:lab_day": Route(
        Expect(anon=302, maker=404, staff=200, district=200, superuser=200),
        url=lambda o: reverse("labs:lab_day", args=[o["lab_a"].pk]),
    ),
    "labs:utilisation": Route(STAFF_AND_DISTRICT),
    "labs:equipment_calendar": Route(
        SIGNED_IN, url=lambda o: reverse("labs:equipment_calendar", args=[o["laser_a"].pk])
    ),
    "labs:booking_new": Route(
        Expect(anon=302, maker=200, staff=200, district=403, superuser=200),
        url=lambda o: reverse("labs:booking_new", args=[o["laser_a"].pk]),
    ),
    "labs:booking_list": Route(SIGNED_IN),
    "labs:booking_detail": Route(
        BOOKING_A_READ, url=lambda o: reverse("labs:booking_detail", args=[o["booking_a"].pk])
    ),
    "labs:booking_cancel": Route(
        BOOKING_A_CANCEL, method="post", url=lambda o: reverse("labs:booking_cancel", args=[fresh_booking(o).pk])
    ),
    "labs:booking_confirm": Route(
        BOOKING_A_DECIDE, method="post", url=lambda o: reverse("labs:booking_confirm", args=[pending_booking(o).pk])
    ),
    "labs:booking_decline": Route(
        BOOKING_A_DECIDE, method="post", url=lambda o: reverse("labs:booking_decline", args=[pending_booking(o).pk])
    ),
    "labs:booking_no_show": Route(
        BOOKING_A_DECIDE, method="post", url=lambda o: reverse("labs:booking_no_show", args=[begun_booking(o).pk])
    ),
    "labs:calendar_rotate": Route(Expect(302, 302, 302, 302, 302), method="post"),
    # The secret URL needs no sign-in: calendar apps cannot sign in.
    "labs:calendar_feed": Route(
        Expect(200, 200, 200, 200, 200), url=lambda o: reverse("labs:calendar_feed", args=[_feed_token(o)])
    ),
}

ADMIN_MODELS = {
    "labs.lab": AdminRow(200, 200, make=lambda o: o["lab_a"]),
    "labs.openinghours": AdminRow(200, 200, make=lambda o: o["lab_a"].opening_hours.first()),
    "labs.closure": AdminRow(200, 200, make=lambda o: o["closure_a"]),
    "labs.equipment": AdminRow(200, 200, make=lambda o: o["laser_a"]),
    "labs.maintenancewindow": AdminRow(200, 200, make=lambda o: o["maintenance_a"]),
    "labs.training": AdminRow(200, 200, make=lambda o: o["training_a"]),
    "labs.booking": AdminRow(200, 200, make=lambda o: o["booking_a"]),
}

OPERATIONS = {
    # --- labs ---
    "labs_list": Operation(API_AUTHENTICATED, "/api/v1/labs/", "get"),
    "labs_retrieve": Operation(API_AUTHENTICATED, lambda o: f"/api/v1/labs/{o['lab_a'].pk}/", "get"),
    "labs_utilisation_retrieve": Operation(
        Expect(anon=401, maker=403, staff=200, district=200, superuser=200), "/api/v1/labs/utilisation/", "get"
    ),
    "equipment_list": Operation(API_AUTHENTICATED, "/api/v1/equipment/", "get"),
    "equipment_retrieve": Operation(API_AUTHENTICATED, lambda o: f"/api/v1/equipment/{o['laser_a'].pk}/", "get"),
    "equipment_availability_retrieve": Operation(
        API_AUTHENTICATED, lambda o: f"/api/v1/equipment/{o['laser_a'].pk}/availability/", "get"
    ),
    "trainings_list": Operation(API_AUTHENTICATED, "/api/v1/trainings/", "get"),
    "trainings_retrieve": Operation(API_BOOKING_A_READ, lambda o: f"/api/v1/trainings/{o['training_a'].pk}/", "get"),
    "trainings_create": Operation(
        Expect(anon=401, maker=403, staff=201, district=403, superuser=201),
        "/api/v1/trainings/",
        "post",
        data=lambda o, p: {"user": o["maker_a"].pk, "kind": "metal_printer", "granted_on": "2026-01-05"},
    ),
    "trainings_revoke_create": Operation(
        API_BOOKING_A_DECIDE, lambda o: f"/api/v1/trainings/{fresh_training(o).pk}/revoke/", "post"
    ),
    "bookings_list": Operation(API_AUTHENTICATED, "/api/v1/bookings/", "get"),
    "bookings_retrieve": Operation(API_BOOKING_A_READ, lambda o: f"/api/v1/bookings/{o['booking_a'].pk}/", "get"),
    "bookings_create": Operation(
        Expect(anon=401, maker=201, staff=201, district=403, superuser=201),
        "/api/v1/bookings/",
        "post",
        data=_booking_body,
    ),
    "bookings_cancel_create": Operation(
        API_BOOKING_A_CANCEL, lambda o: f"/api/v1/bookings/{fresh_booking(o).pk}/cancel/", "post"
    ),
    "bookings_confirm_create": Operation(
        API_BOOKING_A_DECIDE, lambda o: f"/api/v1/bookings/{pending_booking(o).pk}/confirm/", "post"
    ),
    "bookings_decline_create": Operation(
        API_BOOKING_A_DECIDE, lambda o: f"/api/v1/bookings/{pending_booking(o).pk}/decline/", "post"
    ),
    "bookings_no_show_create": Operation(
        API_BOOKING_A_DECIDE, lambda o: f"/api/v1/bookings/{begun_booking(o).pk}/no-show/", "post"
    ),
}

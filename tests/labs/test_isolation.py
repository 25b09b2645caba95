"""Maker B can read or change nothing of maker A's bookings: through the portal, the API or the
calendar feed. Another company's bookings answer 404 and show only as "booked" in a calendar."""

import pytest
from django.urls import reverse

from labs import services
from labs.choices import BookingStatus
from labs.models import Booking
from tests.labs.factories import BookingFactory, TrainingFactory, at, next_monday

pytestmark = pytest.mark.django_db

MONDAY = next_monday()


@pytest.fixture
def booking_a(laser_a, company_a, maker_a):
    return BookingFactory(
        equipment=laser_a, company=company_a, user=maker_a, starts_at=at(MONDAY, 9), purpose="榫卯新品打样（保密）"
    )


@pytest.fixture
def pending_a(laser_a, company_a, maker_a):
    return BookingFactory(
        equipment=laser_a, company=company_a, user=maker_a, starts_at=at(MONDAY, 14), status=BookingStatus.PENDING
    )


def test_portal(client_for, maker_b, company_b, booking_a, pending_a, laser_a):
    client = client_for(maker_b)
    for url in (reverse("labs:booking_detail", args=[booking_a.pk]),):
        assert client.get(url).status_code == 404
    for action in ("cancel", "confirm", "decline", "no_show"):
        for booking in (booking_a, pending_a):
            assert client.post(reverse(f"labs:booking_{action}", args=[booking.pk])).status_code == 404
    assert client.get(reverse("labs:lab_day", args=[laser_a.lab_id])).status_code == 404
    listing = client.get(reverse("labs:booking_list") + "?when=all").content.decode()
    assert f'data-booking="{booking_a.pk}"' not in listing
    calendar = client.get(reverse("labs:equipment_calendar", args=[laser_a.pk]) + f"?week={MONDAY}").content.decode()
    assert 'data-testid="slot-busy"' in calendar
    assert company_a_name(booking_a) not in calendar and "保密" not in calendar
    assert not Booking.objects.exclude(status__in=[BookingStatus.CONFIRMED, BookingStatus.PENDING]).exists()


def company_a_name(booking):
    return booking.company.name


def test_api(api_client_for, maker_b, booking_a, pending_a, laser_a):
    client = api_client_for(maker_b)
    assert client.get(f"/api/v1/bookings/{booking_a.pk}/").status_code == 404
    for action in ("cancel", "confirm", "decline", "no-show"):
        assert client.post(f"/api/v1/bookings/{pending_a.pk}/{action}/").status_code == 404
    assert client.get("/api/v1/bookings/").json()["count"] == 0
    assert client.get("/api/v1/bookings/", {"company": booking_a.company_id}).json()["count"] == 0
    availability = client.get(
        f"/api/v1/equipment/{laser_a.pk}/availability/", {"from": f"{MONDAY}", "to": f"{MONDAY}"}
    ).json()
    assert [b["booking"] for b in availability["busy"]] == [None, None]
    assert {b["status"] for b in availability["busy"]} == {""}
    assert Booking.objects.filter(status__in=[BookingStatus.CONFIRMED, BookingStatus.PENDING]).count() == 2


def test_api_writes_with_company_a(api_client_for, maker_b, trained_b, laser_a, company_a):
    start = at(MONDAY, 16)
    body = {
        "equipment": laser_a.pk,
        "company": company_a.pk,
        "starts_at": start.isoformat(),
        "ends_at": at(MONDAY, 17).isoformat(),
    }
    response = api_client_for(maker_b).post("/api/v1/bookings/", body, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "not_member")
    assert company_a.name not in response.json()["detail"] and not Booking.objects.exists()


def test_trainings_of_maker_a_are_not_maker_bs_business(api_client_for, maker_a, maker_b):
    training = TrainingFactory(user=maker_a)
    client = api_client_for(maker_b)
    assert client.get(f"/api/v1/trainings/{training.pk}/").status_code == 404
    assert client.post(f"/api/v1/trainings/{training.pk}/revoke/").status_code == 404
    assert client.get("/api/v1/trainings/").json()["count"] == 0


def test_calendar_feeds_are_personal(client_for, maker_a, maker_b, booking_a):
    import icalendar

    token = services.calendar_feed_get_or_create(user=maker_b).token
    body = client_for(None).get(reverse("labs:calendar_feed", args=[token])).content
    assert icalendar.Calendar.from_ical(body).walk("VEVENT") == []

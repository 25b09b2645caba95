import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from labs import services
from labs.choices import BookingStatus, EquipmentKind
from labs.models import Booking, CalendarFeed
from tests.factories import MembershipFactory
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
HTMX = {"HTTP_HX_REQUEST": "true"}


def calendar_url(equipment, monday=MONDAY):
    return reverse("labs:equipment_calendar", args=[equipment.pk]) + f"?week={monday:%Y-%m-%d}"


def book_url(equipment):
    return reverse("labs:booking_new", args=[equipment.pk])


def form_data(start, membership, minutes=60, **extra):
    return {
        "starts_at": f"{start:%Y-%m-%dT%H:%M}",
        "minutes": minutes,
        "membership": membership.pk,
        "week": f"{MONDAY:%Y-%m-%d}",
        **extra,
    }


@pytest.fixture
def membership_a(company_a, maker_a):
    return maker_a.memberships.get(company=company_a)


class TestLabPages:
    def test_lab_list_and_detail(self, client_for, maker_a, laser_a, trained_a):
        client = client_for(maker_a)
        page = client.get(reverse("labs:lab_list")).content.decode()
        assert laser_a.lab.name in page and laser_a.name in page
        detail = client.get(reverse("labs:lab_detail", args=[laser_a.lab.pk])).content.decode()
        assert "08:00–20:00" in detail and "80.00" in detail
        assert reverse("labs:lab_day", args=[laser_a.lab.pk]) not in detail  # makers have no day view

    def test_an_inactive_lab_is_hidden_from_makers(self, client_for, maker_a, staff, laser_a):
        laser_a.lab.is_active = False
        laser_a.lab.save()
        assert client_for(maker_a).get(reverse("labs:lab_detail", args=[laser_a.lab.pk])).status_code == 404
        assert client_for(maker_a).get(calendar_url(laser_a)).status_code == 404
        assert client_for(staff).get(reverse("labs:lab_detail", args=[laser_a.lab.pk])).status_code == 200

    def test_lab_list_queries_do_not_grow(self, client_for, maker_a, site_a, assert_constant_queries):
        from tests.labs.factories import LabFactory

        client = client_for(maker_a)
        LabFactory(site=site_a)

        def grow():
            for _ in range(4):
                lab = LabFactory(site=site_a)
                EquipmentFactory.create_batch(3, lab=lab)
                ClosureFactory(lab=lab)

        assert_constant_queries(fetch=lambda: client.get(reverse("labs:lab_list")), grow=grow)


class TestCalendar:
    def test_the_week_shows_free_busy_mine_and_maintenance(
        self, client_for, maker_a, laser_a, trained_a, company_a, company_b
    ):
        BookingFactory(equipment=laser_a, company=company_a, starts_at=at(MONDAY, 9))
        BookingFactory(equipment=laser_a, company=company_b, starts_at=at(MONDAY, 11))
        MaintenanceWindowFactory(equipment=laser_a, starts_at=at(MONDAY, 14), ends_at=at(MONDAY, 15))
        page = client_for(maker_a).get(calendar_url(laser_a)).content.decode()
        assert page.count('data-testid="slot-mine"') == 2  # 09:00 and 09:30
        assert page.count('data-testid="slot-busy"') == 2
        assert company_b.name not in page  # another company's booking is only "booked"
        assert 'data-start="' + f"{MONDAY:%Y-%m-%d}T10:00" + '"' in page
        assert 'data-start="' + f"{MONDAY:%Y-%m-%d}T14:00" + '"' not in page
        # 7 days x 24 half hours, less 2 mine, 2 busy, 2 maintenance
        assert page.count('data-testid="slot-free"') == 7 * 24 - 6

    def test_htmx_asks_for_the_calendar_alone(self, client_for, maker_a, laser_a):
        response = client_for(maker_a).get(calendar_url(laser_a, MONDAY + timedelta(days=7)), **HTMX)
        body = response.content.decode()
        assert body.lstrip().startswith('<div id="calendar-area"') and "<html" not in body

    def test_a_bad_week_falls_back_to_this_week(self, client_for, maker_a, laser_a):
        response = client_for(maker_a).get(reverse("labs:equipment_calendar", args=[laser_a.pk]) + "?week=x")
        assert response.status_code == 200
        monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
        assert f"{monday:%Y-%m-%d}" in response.content.decode()

    def test_calendar_queries_do_not_grow(self, client_for, maker_a, laser_a, company_a, assert_constant_queries):
        client = client_for(maker_a)
        hour = iter(range(8, 20))

        def grow():
            for _ in range(5):
                h = next(hour)
                BookingFactory(equipment=laser_a, company=company_a, starts_at=at(MONDAY, h))
                BookingFactory(equipment=laser_a, starts_at=at(MONDAY + timedelta(days=1), h))
            MaintenanceWindowFactory(equipment=laser_a, starts_at=at(MONDAY, 19), ends_at=at(MONDAY, 20))

        assert_constant_queries(fetch=lambda: client.get(calendar_url(laser_a)), grow=grow)

    def test_a_closed_week(self, client_for, maker_a, laser_a):
        ClosureFactory(lab=laser_a.lab, starts_on=MONDAY, ends_on=MONDAY + timedelta(days=6))
        page = client_for(maker_a).get(calendar_url(laser_a)).content.decode()
        assert 'data-testid="slot-free"' not in page


class TestBookingInTheCalendar:
    def test_click_a_slot_then_book_it(self, client_for, maker_a, laser_a, trained_a, membership_a):
        client = client_for(maker_a)
        start = at(MONDAY, 10)
        form = client.get(book_url(laser_a) + f"?starts_at={start:%Y-%m-%dT%H:%M}", **HTMX).content.decode()
        assert 'data-testid="booking-form"' in form and f'value="{start:%Y-%m-%dT%H:%M}"' in form
        response = client.post(book_url(laser_a), form_data(start, membership_a, purpose="切割样件"), **HTMX)
        assert response.status_code == 200
        body = response.content.decode()
        assert 'data-testid="booking-done"' in body and 'data-testid="slot-mine"' in body
        booking = Booking.objects.get()
        assert (booking.starts_at, booking.ends_at, booking.purpose) == (start, at(MONDAY, 11), "切割样件")
        assert booking.user == maker_a and booking.created_by == maker_a

    def test_a_refusal_shows_inline_and_books_nothing(
        self, client_for, maker_a, laser_a, trained_a, membership_a, company_b
    ):
        BookingFactory(equipment=laser_a, company=company_b, starts_at=at(MONDAY, 10))
        client = client_for(maker_a)
        response = client.post(book_url(laser_a), form_data(at(MONDAY, 10), membership_a), **HTMX)
        body = response.content.decode()
        assert response.status_code == 200
        assert 'data-testid="booking-form"' in body and "已被预约" in body
        assert Booking.objects.count() == 1

    def test_messages_follow_the_users_language(self, client_for, maker_b, laser_a, company_b, trained_b, company_a):
        BookingFactory(equipment=laser_a, company=company_a, starts_at=at(MONDAY, 10))
        membership = maker_b.memberships.get(company=company_b)
        body = client_for(maker_b).post(book_url(laser_a), form_data(at(MONDAY, 10), membership), **HTMX)
        assert "The equipment is already booked at this time." in body.content.decode()

    def test_without_javascript_the_form_is_a_page(self, client_for, maker_a, laser_a, trained_a, membership_a):
        client = client_for(maker_a)
        start = at(MONDAY, 12)
        page = client.get(book_url(laser_a) + f"?starts_at={start:%Y-%m-%dT%H:%M}")
        assert page.status_code == 200 and "<html" in page.content.decode()
        response = client.post(book_url(laser_a), form_data(start, membership_a))
        booking = Booking.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("labs:booking_detail", args=[booking.pk])
        again = client.post(book_url(laser_a), form_data(start, membership_a))
        assert again.status_code == 400 and "已被预约" in again.content.decode()

    def test_a_maker_books_only_for_their_own_companies(
        self, client_for, maker_a, laser_a, trained_a, company_b, membership_a
    ):
        other = company_b.memberships.get()
        response = client_for(maker_a).post(book_url(laser_a), form_data(at(MONDAY, 10), other))
        assert response.status_code == 400 and not Booking.objects.exists()

    def test_staff_book_on_behalf_of_a_resident(self, client_for, staff, laser_a, trained_a, membership_a):
        response = client_for(staff).post(book_url(laser_a), form_data(at(MONDAY, 10), membership_a))
        assert response.status_code == 302
        booking = Booking.objects.get()
        assert booking.user == membership_a.user and booking.created_by == staff

    def test_the_district_does_not_book(self, client_for, district, laser_a):
        assert client_for(district).get(book_url(laser_a)).status_code == 403
        page = client_for(district).get(calendar_url(laser_a)).content.decode()
        assert 'data-testid="slot-free"' not in page

    def test_a_person_without_a_team_is_told(self, client_for, laser_a):
        from tests.factories import UserFactory

        page = client_for(UserFactory()).get(book_url(laser_a)).content.decode()
        assert 'data-testid="booking-form"' not in page


class TestBookingPages:
    def test_the_list_shows_the_companys_bookings(self, client_for, maker_a, company_a, laser_a, company_b):
        teammate = MembershipFactory(company=company_a).user
        mine = BookingFactory(equipment=laser_a, company=company_a, user=maker_a, starts_at=at(MONDAY, 9))
        theirs = BookingFactory(equipment=laser_a, company=company_a, user=teammate, starts_at=at(MONDAY, 11))
        other = BookingFactory(equipment=laser_a, company=company_b, starts_at=at(MONDAY, 13))
        page = client_for(maker_a).get(reverse("labs:booking_list")).content.decode()
        rows = re.findall(r'data-booking="(\d+)"', page)
        assert rows == [str(mine.pk), str(theirs.pk)] and str(other.pk) not in rows

    def test_past_and_all(self, client_for, maker_a, company_a, laser_a):
        done = BookingFactory(
            equipment=laser_a,
            company=company_a,
            user=maker_a,
            starts_at=at(MONDAY - timedelta(days=14), 9),
            status=BookingStatus.COMPLETED,
        )
        client = client_for(maker_a)
        assert str(done.pk) not in re.findall(
            r'data-booking="(\d+)"', client.get(reverse("labs:booking_list")).content.decode()
        )
        for when in ("past", "all", "nonsense"):
            page = client.get(reverse("labs:booking_list") + f"?when={when}").content.decode()
            assert (f'data-booking="{done.pk}"' in page) == (when != "nonsense")

    def test_booking_list_queries_do_not_grow(
        self, client_for, maker_a, company_a, laser_a, lab_a, assert_constant_queries
    ):
        client = client_for(maker_a)
        BookingFactory(equipment=laser_a, company=company_a, user=maker_a)

        def grow():
            for h in range(10, 16):
                BookingFactory(equipment=EquipmentFactory(lab=lab_a), company=company_a, starts_at=at(MONDAY, h))

        assert_constant_queries(fetch=lambda: client.get(reverse("labs:booking_list")), grow=grow)

    def test_the_booker_cancels_from_the_list(self, client_for, maker_a, company_a, laser_a):
        booking = BookingFactory(equipment=laser_a, company=company_a, user=maker_a)
        client = client_for(maker_a)
        here = reverse("labs:booking_list")
        response = client.post(reverse("labs:booking_cancel", args=[booking.pk]), {"next": here})
        assert response.status_code == 302 and response["Location"] == here
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED

    def test_after_the_cut_off_the_maker_hears_why(self, client_for, maker_a, company_a, laser_a):
        soon = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=2)
        booking = BookingFactory(equipment=laser_a, company=company_a, user=maker_a, starts_at=soon)
        client = client_for(maker_a)
        response = client.post(reverse("labs:booking_cancel", args=[booking.pk]), follow=True)
        assert "24" in response.content.decode()
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CONFIRMED
        detail = client.get(reverse("labs:booking_detail", args=[booking.pk])).content.decode()
        assert 'data-testid="booking-cancel"' not in detail

    def test_an_unsafe_next_is_ignored(self, client_for, maker_a, company_a, laser_a):
        booking = BookingFactory(equipment=laser_a, company=company_a, user=maker_a)
        response = client_for(maker_a).post(
            reverse("labs:booking_cancel", args=[booking.pk]), {"next": "https://evil.example/"}
        )
        assert response["Location"] == reverse("labs:booking_detail", args=[booking.pk])

    def test_makers_cannot_confirm(self, client_for, maker_a, company_a, laser_a):
        booking = BookingFactory(equipment=laser_a, company=company_a, user=maker_a, status=BookingStatus.PENDING)
        assert client_for(maker_a).post(reverse("labs:booking_confirm", args=[booking.pk])).status_code == 403


class TestStaffDayView:
    def test_staff_see_every_booking_and_confirm(self, client_for, staff, laser_a, company_a, company_b):
        pending = BookingFactory(
            equipment=laser_a, company=company_a, starts_at=at(MONDAY, 9), status=BookingStatus.PENDING
        )
        BookingFactory(equipment=laser_a, company=company_b, starts_at=at(MONDAY, 13))
        client = client_for(staff)
        url = reverse("labs:lab_day", args=[laser_a.lab.pk]) + f"?date={MONDAY:%Y-%m-%d}"
        page = client.get(url).content.decode()
        assert company_a.name in page and company_b.name in page
        response = client.post(reverse("labs:booking_confirm", args=[pending.pk]), {"next": url})
        assert response["Location"] == url
        pending.refresh_from_db()
        assert pending.status == BookingStatus.CONFIRMED

    def test_day_view_queries_do_not_grow(self, client_for, staff, laser_a, lab_a, assert_constant_queries):
        client = client_for(staff)
        url = reverse("labs:lab_day", args=[lab_a.pk]) + f"?date={MONDAY:%Y-%m-%d}"
        BookingFactory(equipment=laser_a, starts_at=at(MONDAY, 8))

        def grow():
            for h in range(9, 15):
                BookingFactory(equipment=EquipmentFactory(lab=lab_a), starts_at=at(MONDAY, h))

        assert_constant_queries(fetch=lambda: client.get(url), grow=grow)

    def test_makers_and_other_sites_staff_get_404(self, client_for, maker_a, staff, lab_b, district):
        url = reverse("labs:lab_day", args=[lab_b.pk])
        assert client_for(maker_a).get(url).status_code == 404
        assert client_for(staff).get(url).status_code == 404
        assert client_for(district).get(url).status_code == 200


class TestUtilisationPage:
    def test_staff_and_district_read_it_makers_do_not(self, client_for, staff, district, maker_a, laser_a):
        BookingFactory(
            equipment=laser_a,
            starts_at=at(MONDAY - timedelta(days=7), 9),
            ends_at=at(MONDAY - timedelta(days=7), 15),
            status=BookingStatus.COMPLETED,
        )
        start, end = MONDAY - timedelta(days=7), MONDAY - timedelta(days=1)
        url = reverse("labs:utilisation") + f"?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
        page = client_for(staff).get(url).content.decode()
        # 6 of 84 open hours: 7 %
        assert 'data-testid="booked-share">7' in page and laser_a.name in page
        assert client_for(district).get(url).status_code == 200
        assert client_for(maker_a).get(url).status_code == 403

    def test_a_bad_period_is_explained(self, client_for, staff):
        page = client_for(staff).get(reverse("labs:utilisation") + "?start=2026-02-01&end=2026-01-01")
        assert page.status_code == 200 and "notice--danger" in page.content.decode()

    def test_utilisation_queries_do_not_grow(self, client_for, district, site_a, site_b, assert_constant_queries):
        from tests.labs.factories import LabFactory

        client = client_for(district)
        LabFactory(site=site_a)

        def grow():
            for site in (site_a, site_b):
                lab = LabFactory(site=site)
                for item in EquipmentFactory.create_batch(3, lab=lab):
                    BookingFactory(equipment=item, status=BookingStatus.COMPLETED)
                    MaintenanceWindowFactory(equipment=item, starts_at=at(MONDAY, 12), ends_at=at(MONDAY, 13))
                ClosureFactory(lab=lab)

        url = reverse("labs:utilisation") + f"?start={MONDAY:%Y-%m-%d}&end={MONDAY + timedelta(days=6):%Y-%m-%d}"
        assert_constant_queries(fetch=lambda: client.get(url), grow=grow)


class TestCalendarFeed:
    def test_get_rotate_and_read_back_with_icalendar(self, client_for, maker_a, company_a, laser_a):
        import icalendar

        booking = BookingFactory(equipment=laser_a, company=company_a, user=maker_a, purpose="切割榫卯样件")
        BookingFactory(equipment=laser_a, company=company_a, starts_at=at(MONDAY, 14))  # a teammate's: not in it
        client = client_for(maker_a)
        client.post(reverse("labs:calendar_rotate"))
        feed = CalendarFeed.objects.get(user=maker_a)
        page = client.get(reverse("labs:booking_list")).content.decode()
        assert feed.token in page

        response = client_for(None).get(reverse("labs:calendar_feed", args=[feed.token]))
        assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
        calendar = icalendar.Calendar.from_ical(response.content)
        assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
        events = calendar.walk("VEVENT")
        assert len(events) == 1
        event = events[0]
        assert event["UID"].startswith(f"booking-{booking.pk}@")
        assert event.decoded("DTSTART") == booking.starts_at and event.decoded("DTEND") == booking.ends_at
        assert event["STATUS"] == "CONFIRMED" and laser_a.name in str(event["SUMMARY"])
        assert "切割榫卯样件" in str(event["DESCRIPTION"]) and event.get("DTSTAMP")

        old = feed.token
        client.post(reverse("labs:calendar_rotate"))
        assert client_for(None).get(reverse("labs:calendar_feed", args=[old])).status_code == 404
        new = CalendarFeed.objects.get(user=maker_a).token
        assert client_for(None).get(reverse("labs:calendar_feed", args=[new])).status_code == 200

    def test_cancelled_and_pending_bookings_keep_their_status(self, client_for, maker_a, company_a, laser_a):
        import icalendar

        BookingFactory(equipment=laser_a, company=company_a, user=maker_a, status=BookingStatus.CANCELLED)
        BookingFactory(
            equipment=laser_a, company=company_a, user=maker_a, status=BookingStatus.PENDING, starts_at=at(MONDAY, 14)
        )
        token = services.calendar_feed_get_or_create(user=maker_a).token
        body = client_for(None).get(reverse("labs:calendar_feed", args=[token])).content
        statuses = sorted(str(e["STATUS"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT"))
        assert statuses == ["CANCELLED", "TENTATIVE"]

    def test_an_unknown_token_is_404(self, client_for):
        assert client_for(None).get(reverse("labs:calendar_feed", args=["x" * 43])).status_code == 404


class TestHomePanels:
    def test_maker_sees_their_bookings(self, client_for, maker_a, company_a, laser_a):
        BookingFactory(equipment=laser_a, company=company_a, user=maker_a)
        page = client_for(maker_a).get(reverse("home")).content.decode()
        assert 'data-panel="my-bookings"' in page and laser_a.name in page

    def test_staff_see_what_waits_for_them(self, client_for, staff, laser_a, printer_b):
        BookingFactory(equipment=laser_a, status=BookingStatus.PENDING)
        BookingFactory(equipment=printer_b, status=BookingStatus.PENDING)  # another site's
        page = client_for(staff).get(reverse("home")).content.decode()
        assert 'data-testid="bookings-waiting-count">1<' in page
        assert 'data-panel="lab-utilisation"' in page

    def test_district_sees_utilisation(self, client_for, district):
        page = client_for(district).get(reverse("home")).content.decode()
        assert 'data-panel="lab-utilisation"' in page and 'data-panel="my-bookings"' not in page

    def test_a_training_for_the_wrong_kind_shows_a_warning(self, client_for, maker_a, laser_a):
        TrainingFactory(user=maker_a, kind=EquipmentKind.CNC_MACHINE)
        page = client_for(maker_a).get(calendar_url(laser_a)).content.decode()
        assert "notice--warn" in page

"""A maker books a free slot in the week calendar in two clicks, finds it in their bookings and
cancels it; another maker never sees it."""

import re

import pytest
from playwright.sync_api import Page, expect

from labs.choices import BookingStatus
from labs.models import Booking
from tests.browser.test_auth import sign_in
from tests.factories import SiteFactory, UserFactory, resident_company
from tests.labs.factories import EquipmentFactory, LabFactory, TrainingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_book_see_and_cancel_a_slot(page: Page, live_server, browser, browser_context_args):
    site = SiteFactory(code="nmec", name="北方创客体验中心")
    laser = EquipmentFactory(lab=LabFactory(site=site, name="激光加工工坊"), name="大族CO₂激光切割机")
    maker_a = UserFactory(email="maker-a@example.org", full_name="张伟")
    resident_company(site=site, owner=maker_a, name="天津榫卯木构科技有限公司")
    TrainingFactory(user=maker_a)
    maker_b = UserFactory(email="maker-b@example.org", full_name="Emily Chen", language="en")
    resident_company(site=site, owner=maker_b, name="天津芯测电子科技有限公司")

    sign_in(page, live_server.url, maker_a.email)
    page.goto(f"{live_server.url}/labs/")
    page.get_by_role("link", name=laser.name).first.click()
    expect(page.get_by_test_id("equipment-name")).to_have_text(laser.name)
    page.get_by_test_id("week-next").click()  # next week is always ahead of us
    expect(page).to_have_url(re.compile(r"\?week=\d{4}-\d{2}-\d{2}$"))

    # Two clicks: a free slot, then "book".
    slot = page.get_by_test_id("slot-free").nth(3)
    start = slot.get_attribute("data-start")
    slot.click()
    expect(page.get_by_test_id("booking-form")).to_be_visible()
    page.get_by_test_id("booking-submit").click()
    expect(page.get_by_test_id("booking-done")).to_be_visible()
    expect(page.get_by_test_id("slot-mine")).to_have_count(1)
    expect(page.get_by_test_id("my-upcoming")).to_contain_text(start[11:16])
    booking = Booking.objects.get()
    assert booking.user == maker_a and booking.status == BookingStatus.CONFIRMED

    # The same slot again: the refusal shows inline, in the maker's language.
    page.get_by_test_id("slot-free").nth(3).click()
    page.fill("input[name=starts_at]", start)
    page.get_by_test_id("booking-submit").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("已被预约")
    assert Booking.objects.count() == 1

    # Maker B sees neither the booking nor whose it is.
    other = browser.new_context(**browser_context_args)
    page_b = other.new_page()
    sign_in(page_b, live_server.url, maker_b.email)
    page_b.goto(f"{live_server.url}/labs/bookings/?when=all")
    expect(page_b.get_by_test_id("booking-row")).to_have_count(0)
    assert page_b.goto(f"{live_server.url}/labs/bookings/{booking.pk}/").status == 404
    page_b.goto(f"{live_server.url}/labs/equipment/{laser.pk}/?week={start[:10]}")
    expect(page_b.get_by_test_id("slot-busy")).to_have_count(1)
    expect(page_b.get_by_test_id("calendar-area")).not_to_contain_text("榫卯")
    other.close()

    # Maker A finds it in their bookings and cancels it.
    page.goto(f"{live_server.url}/labs/bookings/")
    rows = page.get_by_test_id("booking-row")
    expect(rows).to_have_count(1)
    rows.first.get_by_test_id("booking-cancel").click()
    expect(page.locator(".flash")).to_be_visible()
    expect(page.get_by_test_id("booking-row")).to_have_count(0)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED

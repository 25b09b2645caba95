"""A maker records a patent application, sees its deadline and the law behind it, records
the examination request without leaving the page, and finds the deadline closed."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from patents.models import Deadline
from patents.rules import add_years
from tests.browser.test_auth import sign_in
from tests.factories import UserFactory, resident_company
from tests.patents.factories import cn_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_record_a_filing_and_meet_its_deadline(page: Page, live_server, site_a):
    maker = UserFactory(email="maker@example.org", full_name="张伟")
    company = resident_company(site=site_a, owner=maker, name="天津榫卯木构科技有限公司")
    today = timezone.localdate()
    filed = add_years(today, -3) + timedelta(days=20)  # examination due in 20 days
    sign_in(page, live_server.url, maker.email)

    page.goto(f"{live_server.url}/ip/")
    page.get_by_test_id("new-filing").click()
    page.select_option("select[name=company]", str(company.pk))
    page.select_option("select[name=kind]", "invention")
    page.fill("input[name=title]", "一种免胶榫卯连接构件及其加工方法")
    page.fill("input[name=application_number]", cn_number("invention", filed.year, 1234567))
    page.fill("input[name=filing_date]", filed.isoformat())
    page.get_by_test_id("filing-submit").click()

    expect(page.get_by_test_id("filing-title")).to_have_text("一种免胶榫卯连接构件及其加工方法")
    deadline = page.locator("[data-rule=substantive_examination]")
    expect(deadline).to_contain_text("提出实质审查请求")
    expect(deadline).to_contain_text("《专利法》第三十五条")
    expect(deadline).to_have_attribute("data-status", "open")

    # Record the examination request: htmx swaps the record in place.
    page.get_by_text("记录发生的事项").click()
    page.select_option("#filing-record select[name=kind]", "examination_requested")
    page.fill("#filing-record input[name=on]", today.isoformat())
    page.get_by_test_id("event-submit").click()
    expect(page.locator("[data-rule=substantive_examination]")).to_have_attribute("data-status", "done")
    expect(page.get_by_test_id("events")).to_contain_text("提出实质审查请求")
    assert Deadline.objects.get().status == "done"

    # The home page's panel no longer lists it.
    page.goto(f"{live_server.url}/")
    expect(page.locator("[data-panel=upcoming-ip-deadlines]")).to_contain_text(re.compile("未来90天内没有到期事项"))

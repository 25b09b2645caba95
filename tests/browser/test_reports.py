"""A district member opens the indicators, chooses last year, asks for an XLSX export of what
is shown, sees it done and downloads it."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from incubator import services
from incubator.choices import Role
from reports.models import ReportExport
from tests.browser.test_auth import sign_in
from tests.factories import UserFactory, resident_company

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_district_exports_what_it_sees(page: Page, live_server, site_a, site_b):
    member = UserFactory(email="district@example.org", full_name="刘建国")
    services.user_set_roles(user=member, roles=[Role.DISTRICT])
    resident_company(site=site_a, name="天津榫卯木构科技有限公司")
    resident_company(site=site_b, name="天津芯测电子科技有限公司")
    year = timezone.localdate().year - 1

    sign_in(page, live_server.url, member.email)
    page.goto(f"{live_server.url}/district/")
    expect(page.get_by_test_id("period")).to_contain_text(timezone.localdate().strftime("%Y-%m-01"))

    page.select_option("select[name=period]", "year")
    page.fill("input[name=on]", f"{year}-06-30")
    page.get_by_test_id("period-submit").click()
    expect(page.get_by_test_id("period")).to_have_text(f"{year}-01-01 – {year}-12-31")
    expect(page.locator("[data-section=companies]")).to_be_visible()
    expect(page.get_by_test_id("chart-companies.resident")).to_be_visible()

    page.get_by_test_id("export-xlsx").click()
    expect(page.locator("input[name=start]")).to_have_value(f"{year}-01-01")
    expect(page.locator("input[name=end]")).to_have_value(f"{year}-12-31")
    page.get_by_test_id("export-submit").click()

    export = ReportExport.objects.get()
    row = page.locator(f"#export-{export.pk}")
    expect(row).to_have_attribute("data-status", "done", timeout=30_000)
    with page.expect_download() as info:
        row.get_by_test_id("download").click()
    download = info.value
    assert download.suggested_filename == f"report-district-{year}-01-01-{year}-12-31.xlsx"
    with open(download.path(), "rb") as handle:
        assert handle.read(2) == b"PK"

"""A maker asks for desks; staff find free space on the board of a site with 200 spaces and
offer it; the maker sees the allocation and what it costs, and is told by e-mail."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from incubator import services
from spaces.models import Allocation, Space
from tests.factories import PASSWORD, SiteFactory, UserFactory, resident_company

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_test_id("login-submit").click()


def two_hundred_spaces(site, tenant) -> None:
    """Floors 2–9 of offices, 25 a floor, all but every fifth let; open desks on floor 1."""
    rooms = [(floor, room) for floor in range(2, 10) for room in range(1, 26)][:199]
    office = {"kind": "office", "area_m2": Decimal("40"), "desks": 4, "monthly_rent": Decimal("2400")}
    spaces = [Space(site=site, code=f"B2-{floor}{room:02d}", floor=floor, **office) for floor, room in rooms]
    desks = {"kind": "open_desks", "area_m2": Decimal("200"), "desks": 24, "monthly_rent": Decimal("450")}
    spaces.append(Space(site=site, code="A1-110", floor=1, **desks))
    Space.objects.bulk_create(spaces)
    offices = Space.objects.filter(kind="office").order_by("code")
    terms = {"starts_on": date(2026, 1, 1), "desks": 4, "exclusive": True, "monthly_rent": Decimal("2400")}
    Allocation.objects.bulk_create(
        Allocation(space=space, company=tenant, **terms) for n, space in enumerate(offices) if n % 5
    )


def test_a_maker_asks_for_desks_and_staff_offer_them(page: Page, live_server, browser):
    site = SiteFactory(code="nmec", name="北方创客体验中心", name_en="Northern Maker Experience Center")
    staff = services.user_set_roles(
        user=UserFactory(email="staff@example.org", full_name="王晓楠"), roles=["centre-staff"], staff_sites=[site]
    )
    maker = UserFactory(email="emily@example.org", full_name="Emily Chen", language="en")
    company = resident_company(site=site, owner=maker, name="天津芯测电子科技有限公司", name_en="Xince Electronics")
    two_hundred_spaces(site, resident_company(site=site, name="天津海河智能装备有限公司"))
    base = live_server.url

    # 1. The maker asks for three desks, in English.
    sign_in(page, base, maker.email)
    page.goto(f"{base}/spaces/")
    page.get_by_test_id("request-space").click()
    page.select_option("select[name=kind]", "open_desks")
    page.fill("input[name=desks]", "3")
    page.fill("input[name=wanted_from]", "2026-12-01")
    page.fill("textarea[name=reason]", "Three interns join the hardware team.")
    page.get_by_test_id("request-submit").click()
    expect(page.get_by_test_id("request-status")).to_have_text("submitted")

    # 2. Staff read the board at a glance: 40 offices and the open desks are free.
    staff_context = browser.new_context(locale="zh-CN", viewport={"width": 1440, "height": 900})
    staff_page = staff_context.new_page()
    sign_in(staff_page, base, staff.email)
    staff_page.goto(f"{base}/spaces/sites/{site.pk}/?on=2026-12-01")
    expect(staff_page.get_by_test_id("spaces-free")).to_contain_text("41")
    expect(staff_page.locator(".plan-tile")).to_have_count(200)
    expect(staff_page.locator(".plan-tile--free")).to_have_count(41)
    expect(staff_page.get_by_test_id("tile-A1-110")).to_contain_text("24 个工位中 24 个空闲")
    staff_page.get_by_label("只看空闲场地").check()
    staff_page.get_by_role("button", name="显示").click()
    expect(staff_page.locator(".plan-tile")).to_have_count(41)

    # 3. Staff answer the request from its page: the free open desks come first.
    staff_page.goto(f"{base}/spaces/")
    staff_page.get_by_test_id("waiting").get_by_role("link", name=company.name).click()
    expect(staff_page.get_by_test_id("free-spaces")).to_contain_text("A1-110")
    staff_page.select_option("select[name=space]", label="A1-110 · 开放工位 · 200.00 m²")
    staff_page.select_option("select[name=subsidy_kind]", "percent")
    staff_page.fill("input[name=subsidy_value]", "100")
    staff_page.get_by_test_id("offer-submit").click()
    expect(staff_page.get_by_test_id("offered")).to_contain_text("A1-110")
    staff_context.close()

    # 4. The maker sees the desks on the home page and what they cost, and got an e-mail.
    page.goto(f"{base}/")
    expect(page.get_by_test_id("my-space")).to_contain_text("A1-110")
    expect(page.get_by_test_id("my-space")).to_contain_text("3 desks")
    page.get_by_test_id("my-space").get_by_role("link").first.click()
    expect(page.get_by_test_id("rent-after-subsidy")).to_have_text("¥0.00")
    assert Allocation.objects.get(company=company).desks == 3
    offered = next(m for m in mail.outbox if m.to == [maker.email])
    assert "A1-110" in offered.body and "you pay ¥0.00 a month" in offered.body

"""A maker applies for funding from the portal and a funding officer approves it."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from funding.models import FundingApplication, Programme
from tests.browser.test_auth import sign_in
from tests.factories import UserFactory, resident_company
from tests.funding.factories import ProgrammeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_maker_applies_and_a_funding_officer_approves(page: Page, live_server, site_a, staff):
    maker = UserFactory(email="maker@example.org", full_name="张伟")
    company = resident_company(site=site_a, owner=maker, name="天津榫卯木构科技有限公司")
    programme = ProgrammeFactory(
        name="天津市科技型中小企业创新资金", budget=Decimal("3000000"), max_award=Decimal("2000000")
    )
    base = live_server.url

    # The maker finds the programme on the funding page and applies.
    sign_in(page, base, maker.email)
    page.get_by_role("link", name="资金").first.click()
    offer = page.get_by_test_id("programme-offer").filter(has_text=programme.name)
    offer.get_by_test_id("apply-link").click()
    page.fill("input[name=requested_amount]", "1500000")
    page.fill("textarea[name=purpose]", "建设榫卯构件数控加工线，年产能提升三倍。")
    page.get_by_test_id("application-submit").click()
    expect(page.get_by_test_id("application-status")).to_have_text("已提交")
    application = FundingApplication.objects.get(company=company)
    assert application.applicant == maker

    # The funding officer takes it into review and approves a smaller amount.
    page.get_by_test_id("logout").click()
    sign_in(page, base, staff.email)
    page.goto(f"{base}/funding/applications/{application.pk}/")
    page.get_by_test_id("start-review").click()
    expect(page.get_by_test_id("application-status")).to_have_text("审核中")
    page.fill("input[name=approved_amount]", "1200000")
    page.fill("textarea[name=note]", "分两期拨付。")
    page.get_by_test_id("approve-submit").click()
    expect(page.get_by_test_id("application-status")).to_have_text("已批准")
    expect(page.get_by_test_id("approved-amount")).to_contain_text("¥1,200,000.00")
    expect(page.get_by_test_id("application-history")).to_contain_text(staff.full_name)

    # A first tranche, scheduled in place.
    page.get_by_text("安排一期拨付").click()
    page.fill("#disbursements-body input[name=amount]", "600000")
    page.get_by_test_id("disbursement-submit").click()
    expect(page.get_by_test_id("disbursement-table")).to_contain_text("¥600,000.00")

    # The maker sees the award and the ledger.
    page.get_by_test_id("logout").click()
    sign_in(page, base, maker.email)
    page.goto(f"{base}/funding/companies/{company.pk}/ledger/")
    expect(page.get_by_test_id("ledger-awarded")).to_have_text("¥1,200,000.00")
    expect(page).to_have_url(re.compile(r"/ledger/$"))
    assert Programme.objects.get(pk=programme.pk).approved_total == Decimal("1200000")

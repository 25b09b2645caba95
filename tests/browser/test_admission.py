"""A newcomer applies; staff accept; the co-founder sets a password from the e-mail, signs in
and sees the company with its team."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from companies.models import Admission, Company
from incubator import services
from tests.factories import PASSWORD, SiteFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.get_by_test_id("login-submit").click()


def test_from_application_to_a_resident_company(page: Page, live_server, browser):
    site = SiteFactory(code="nmec", name="北方创客体验中心", name_en="Northern Maker Experience Center")
    staff = services.user_set_roles(
        user=UserFactory(email="staff@example.org"), roles=["centre-staff"], staff_sites=[site]
    )
    base = live_server.url

    # 1. A newcomer applies from the public page, in English, creating an account on the way.
    page.goto(f"{base}/apply/")
    page.get_by_test_id("lang-en").click()
    page.fill("input[name=full_name]", "Zhao Mu")
    page.fill("input[name=email]", "zhao@example.org")
    page.fill("input[name=password]", "Wooden-Joints-2026")
    page.select_option("select[name=site]", str(site.pk))
    page.fill("input[name=team_name]", "Sunmao Joinery")
    page.fill("textarea[name=project_summary]", "Interlocking wooden components for children's furniture.")
    page.fill("textarea[name=founders]", "Qian Lin, qian@example.org")
    page.check("input[name=needs_lab]")
    page.get_by_test_id("apply-submit").click()
    expect(page.get_by_test_id("admission-status")).to_have_text("Submitted")
    admission = Admission.objects.get(team_name="Sunmao Joinery")
    assert admission.applicant.email == "zhao@example.org"

    # 2. Staff accept it from the portal.
    staff_context = browser.new_context(locale="zh-CN")
    staff_page = staff_context.new_page()
    sign_in(staff_page, base, staff.email, PASSWORD)
    staff_page.goto(f"{base}/admissions/{admission.pk}/")
    staff_page.fill("input[name=company_name]", "天津榫卯木构科技有限公司")
    staff_page.get_by_test_id("accept-submit").click()
    expect(staff_page.get_by_test_id("admission-status")).to_have_text("已通过")
    staff_context.close()
    company = Company.objects.get(name="天津榫卯木构科技有限公司")

    # 3. The co-founder received a set-password link, uses it and signs in.
    invitation = next(m for m in mail.outbox if m.to == ["qian@example.org"])
    path = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", invitation.body).group(1)
    founder_context = browser.new_context(locale="zh-CN")
    founder = founder_context.new_page()
    founder.goto(f"{base}{path}")
    founder.fill("input[name=new_password1]", "Qian-Lin-Sets-2026")
    founder.fill("input[name=new_password2]", "Qian-Lin-Sets-2026")
    founder.get_by_test_id("set-password-submit").click()
    founder.get_by_test_id("to-login").click()
    sign_in(founder, base, "qian@example.org", "Qian-Lin-Sets-2026")

    # 4. The home page shows the company; its page shows the team.
    expect(founder.locator("[data-panel=my-company]")).to_contain_text("天津榫卯木构科技有限公司")
    founder.locator("[data-panel=my-company] a").first.click()
    expect(founder.get_by_test_id("company-name")).to_have_text("天津榫卯木构科技有限公司")
    team = founder.get_by_test_id("team-list")
    expect(team).to_contain_text("Zhao Mu")
    expect(team).to_contain_text("qian@example.org")
    assert founder.url.endswith(f"/companies/{company.pk}/")
    founder_context.close()

    # The applicant, told in English, finds the company too.
    welcome = next(m for m in mail.outbox if m.to == ["zhao@example.org"])
    assert "has been accepted" in welcome.body

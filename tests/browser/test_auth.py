"""Sign in, switch language, reset a forgotten password and sign out, as a person would."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from incubator.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.get_by_test_id("login-submit").click()


def test_sign_in_and_sign_out(page: Page, live_server):
    UserFactory(email="maker@example.org", full_name="张伟")
    sign_in(page, live_server.url, "maker@example.org", "wrong-password")
    expect(page.locator(".form-errors")).to_contain_text("不正确")

    sign_in(page, live_server.url, "maker@example.org")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("h1")).to_contain_text("张伟")
    expect(page.locator("[data-panel=welcome]")).to_be_visible()

    page.get_by_test_id("logout").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    page.goto(f"{live_server.url}/account/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/account/$"))


def test_language_switch_is_remembered(page: Page, live_server):
    user = UserFactory(email="lang@example.org", full_name="Li Lei")
    sign_in(page, live_server.url, user.email)
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_test_id("logout")).to_have_text("退出")

    page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_test_id("logout")).to_have_text("Sign out")
    assert User.objects.get(pk=user.pk).language == "en"

    # A new browser context (no cookies) gets English back after signing in.
    page.context.clear_cookies()
    sign_in(page, live_server.url, user.email)
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_test_id("lang-zh-hans").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_password_reset_by_email(page: Page, live_server):
    user = UserFactory(email="forgot@example.org", language="en")
    page.goto(f"{live_server.url}/login/")
    page.get_by_test_id("lang-en").click()
    page.get_by_role("link", name="Forgot your password?").click()
    page.fill("input[name=email]", "forgot@example.org")
    page.get_by_test_id("reset-submit").click()
    expect(page.locator("h1")).to_have_text("Check your e-mail")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/password-reset/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page.goto(f"{live_server.url}/{path}")
    page.fill("input[name=new_password1]", "Brand-new-pass-2026")
    page.fill("input[name=new_password2]", "Brand-new-pass-2026")
    page.get_by_test_id("set-password-submit").click()
    expect(page.locator("h1")).to_have_text("Password changed")

    user.refresh_from_db()
    assert user.check_password("Brand-new-pass-2026")
    # The link works once.
    page.goto(f"{live_server.url}/{path}")
    expect(page.locator("h1")).to_have_text("This link no longer works")

    page.get_by_test_id("to-login").click() if page.get_by_test_id("to-login").count() else None
    sign_in(page, live_server.url, user.email, "Brand-new-pass-2026")
    expect(page).to_have_url(f"{live_server.url}/")

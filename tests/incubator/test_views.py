import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from incubator.models import User
from tests.factories import PASSWORD, HeartbeatFactory, UserFactory


@pytest.mark.django_db
class TestLogin:
    def test_sign_in_with_email_and_password(self, client, maker_a):
        response = client.post(reverse("login"), {"username": "MAKER-A@example.org", "password": PASSWORD})
        assert response.status_code == 302
        assert response.url == reverse("home")
        assert client.get(reverse("home")).status_code == 200

    def test_wrong_password_shows_the_message_in_the_users_language(self, client, maker_a):
        response = client.post(
            reverse("login"), {"username": maker_a.email, "password": "nope"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 200
        assert "The e-mail address or the password is not correct." in response.content.decode()

    def test_malformed_login_is_a_form_error_not_a_crash(self, client):
        response = client.post(
            reverse("login"), {"username": "not-an-email", "password": ""}, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 200
        assert "Enter a valid email address." in response.content.decode()

    def test_repeated_failures_lock_the_account_out(self, client, maker_a, settings):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(reverse("login"), {"username": maker_a.email, "password": "wrong"})
        response = client.post(reverse("login"), {"username": maker_a.email, "password": PASSWORD})
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session

    def test_logout_needs_post(self, client, maker_a):
        client.force_login(maker_a)
        assert client.get(reverse("logout")).status_code == 405
        assert client.post(reverse("logout")).status_code == 302
        assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
class TestLanguage:
    def test_default_is_chinese(self, client):
        response = client.get(reverse("login"))
        assert response.headers["Content-Language"] == "zh-hans"
        assert '<html lang="zh-hans">' in response.content.decode()

    def test_switch_is_remembered_for_the_user(self, client, maker_a):
        client.force_login(maker_a)
        response = client.post(reverse("set_language"), {"language": "en", "next": "/account/"})
        assert response.status_code == 302 and response.url == "/account/"
        assert User.objects.get(pk=maker_a.pk).language == "en"
        # A fresh browser (no cookie) still gets the user's language after signing in.
        other = type(client)()
        other.force_login(User.objects.get(pk=maker_a.pk))
        assert other.get(reverse("home")).headers["Content-Language"] == "en"

    def test_anonymous_switch_sets_a_cookie(self, client):
        response = client.post(reverse("set_language"), {"language": "en"})
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        assert client.get(reverse("login")).headers["Content-Language"] == "en"

    def test_unknown_language_is_refused(self, client):
        assert client.post(reverse("set_language"), {"language": "xx"}).status_code == 400

    def test_next_cannot_leave_the_site(self, client):
        response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
        assert response.url == "/"


@pytest.mark.django_db
class TestAccount:
    def test_update_profile(self, client, maker_a):
        client.force_login(maker_a)
        response = client.post(reverse("account"), {"full_name": "张伟伟", "phone": "13800000000", "language": "en"})
        assert response.status_code == 302
        maker_a.refresh_from_db()
        assert (maker_a.full_name, maker_a.phone, maker_a.language) == ("张伟伟", "13800000000", "en")
        page = client.get(reverse("account")).content.decode()
        assert "Your account has been saved." in page

    def test_invalid_language_shows_field_error_and_changes_nothing(self, client, maker_a):
        client.force_login(maker_a)
        response = client.post(reverse("account"), {"full_name": "X", "phone": "", "language": "klingon"})
        assert response.status_code == 200
        assert response.context["form"].errors["language"]
        maker_a.refresh_from_db()
        assert maker_a.full_name == "张伟"


@pytest.mark.django_db
def test_password_reset_sends_a_working_link_in_the_users_language(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="reset@example.org", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "reset@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Someone asked to reset the password" in body
    path = re.search(r"https?://[^/]+(/password-reset/[^\s]+/)", body).group(1)
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "n3w-Passw0rd!x", "new_password2": "n3w-Passw0rd!x"}
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("n3w-Passw0rd!x")


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_reveals_nothing(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.django_db
class TestErrorsAndHealth:
    def test_friendly_404(self, client):
        response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()

    def test_api_404_is_json(self, client):
        response = client.get("/api/v1/no-such-thing/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    def test_500_page_renders_without_context(self, rf):
        from incubator.views import server_error

        response = server_error(rf.get("/"))
        assert response.status_code == 500
        assert b"500" in response.content

    def test_healthz_is_503_without_a_worker_heartbeat(self, client):
        response = client.get(reverse("healthz"))
        assert response.status_code == 503
        body = response.json()
        assert body["checks"]["database"]["ok"] is True
        assert body["checks"]["broker"]["ok"] is True
        assert body["checks"]["worker"]["ok"] is False

    def test_healthz_is_200_with_a_fresh_heartbeat(self, client):
        HeartbeatFactory()
        response = client.get(reverse("healthz"))
        assert response.status_code == 200, response.json()
        assert response.json()["ok"] is True

    def test_healthz_is_503_with_a_stale_heartbeat(self, client, settings):
        from datetime import timedelta

        from django.utils import timezone

        HeartbeatFactory(beat_at=timezone.now() - timedelta(seconds=settings.HEARTBEAT_MAX_AGE_SECONDS + 5))
        assert client.get(reverse("healthz")).status_code == 503


@pytest.mark.django_db
def test_home_shows_the_registered_panels(client, staff, maker_a, assert_constant_queries):
    from incubator import services

    client.force_login(staff)
    page = client.get(reverse("home")).content.decode()
    assert 'data-panel="welcome"' in page and 'data-panel="staff-tools"' in page
    client.force_login(maker_a)
    page = client.get(reverse("home")).content.decode()
    assert 'data-panel="staff-tools"' not in page

    def grow():
        for i in range(10):
            services.notification_enqueue(
                recipient=maker_a, kind="account.password_reset", dedupe_key=f"h{i}", context={"uid": "x", "token": "y"}
            )

    assert_constant_queries(fetch=lambda: client.get(reverse("home")), grow=grow)

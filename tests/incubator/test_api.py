import pytest
from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD, SiteFactory


@pytest.mark.django_db
class TestToken:
    url = "/api/v1/auth/token/"

    def test_exchange_credentials_for_a_token_and_use_it(self, api_client_for, maker_a):
        client = api_client_for(None)
        response = client.post(self.url, {"email": maker_a.email, "password": PASSWORD}, format="json")
        assert response.status_code == 200
        token = response.json()["token"]
        assert token == Token.objects.get(user=maker_a).key
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert client.get("/api/v1/users/me/").json()["email"] == maker_a.email

    def test_wrong_password_is_401_with_a_code(self, api_client_for, maker_a):
        response = api_client_for(None).post(
            self.url, {"email": maker_a.email, "password": "wrong"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 401
        assert response.json() == {
            "code": "invalid_credentials",
            "detail": "The e-mail address or the password is not correct.",
        }

    @pytest.mark.parametrize(
        "body",
        [{}, {"email": "not-an-email", "password": "x"}, {"email": ["a"], "password": {"b": 1}}, [1, 2]],
    )
    def test_malformed_body_is_a_validation_error(self, api_client_for, body):
        response = api_client_for(None).post(self.url, body, format="json")
        assert response.status_code == 400
        assert response.json()["code"] == "validation_error"

    def test_unparseable_json_is_400(self, api_client_for):
        response = api_client_for(None).post(self.url, "{not json", content_type="application/json")
        assert response.status_code == 400
        assert response.json()["code"] == "parse_error"

    def test_repeated_failures_lock_the_account(self, api_client_for, maker_a, settings):
        client = api_client_for(None)
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(self.url, {"email": maker_a.email, "password": "wrong"}, format="json")
        response = client.post(self.url, {"email": maker_a.email, "password": PASSWORD}, format="json")
        assert response.status_code == 429
        assert response.json()["code"] == "locked_out"
        assert not Token.objects.filter(user=maker_a).exists()

    def test_an_unknown_token_or_an_inactive_person_is_401(self, api_client_for, maker_a):
        client = api_client_for(maker_a)
        maker_a.is_active = False
        maker_a.save(update_fields=["is_active"])
        response = client.get("/api/v1/users/me/", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 401 and response.json()["detail"] == "User inactive or deleted."
        client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
        response = client.get("/api/v1/users/me/", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 401 and response.json()["detail"] == "Invalid token."

    def test_the_roles_are_read_with_the_person(self, staff, district, maker_a, django_assert_num_queries):
        from incubator import permissions, services
        from incubator.api.authentication import TokenAuthentication

        for person, district_member, centre_staff in (
            (staff, False, True),
            (district, True, False),
            (maker_a, False, False),
        ):
            token = services.api_token_obtain(user=person)
            with django_assert_num_queries(1):
                user, found = TokenAuthentication().authenticate_credentials(token.key)
                assert (permissions.is_district(user), permissions.is_centre_staff(user)) == (
                    district_member,
                    centre_staff,
                )
            assert (user, found, found.user) == (person, token, person)

    def test_revoke(self, api_client_for, maker_a):
        client = api_client_for(maker_a)
        assert client.delete(self.url).status_code == 204
        assert not Token.objects.filter(user=maker_a).exists()
        assert client.get("/api/v1/users/me/").status_code == 401


@pytest.mark.django_db
class TestMe:
    url = "/api/v1/users/me/"

    def test_read_and_update_own_profile(self, api_client_for, staff, site_a):
        client = api_client_for(staff)
        body = client.get(self.url).json()
        assert body["roles"] == ["centre-staff"]
        assert body["staff_sites"] == [site_a.pk]
        response = client.patch(self.url, {"full_name": "王主任", "language": "en", "email": "x@y.z"}, format="json")
        assert response.status_code == 200
        staff.refresh_from_db()
        assert staff.full_name == "王主任" and staff.language == "en"
        assert staff.email == "staff@example.org"  # read-only

    def test_invalid_language_is_400_with_field_message(self, api_client_for, maker_a):
        response = api_client_for(maker_a).patch(self.url, {"language": "fr"}, format="json")
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "validation_error" and "language" in body["fields"]

    def test_anonymous_is_401(self, api_client_for):
        response = api_client_for(None).get(self.url)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
class TestSites:
    url = "/api/v1/sites/"

    def test_list_is_paginated_filterable_and_constant_in_queries(
        self, api_client_for, maker_a, assert_constant_queries
    ):
        client = api_client_for(maker_a)
        SiteFactory(code="maker-space", kind="maker_space")
        SiteFactory(code="closed", is_active=False)
        body = client.get(self.url).json()
        assert {"count", "next", "previous", "results"} <= set(body)
        codes = {s["code"] for s in body["results"]}
        assert "closed" not in codes  # makers see active sites only
        assert [s["code"] for s in client.get(self.url, {"kind": "maker_space"}).json()["results"]] == ["maker-space"]
        assert_constant_queries(fetch=lambda: client.get(self.url), grow=lambda: SiteFactory.create_batch(15))

    def test_staff_see_closed_sites(self, api_client_for, staff):
        SiteFactory(code="closed", is_active=False)
        codes = {s["code"] for s in api_client_for(staff).get(self.url, {"page_size": 200}).json()["results"]}
        assert "closed" in codes

    def test_unknown_site_is_404_with_code(self, api_client_for, maker_a):
        response = api_client_for(maker_a).get(self.url + "999999/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    def test_sites_are_read_only(self, api_client_for, superuser):
        response = api_client_for(superuser).post(self.url, {"name": "x", "code": "x"}, format="json")
        assert response.status_code == 405
        assert response.json()["code"] == "method_not_allowed"

    def test_bad_filter_value_is_400(self, api_client_for, maker_a):
        response = api_client_for(maker_a).get(self.url, {"kind": "castle"})
        assert response.status_code == 400
        assert response.json()["code"] == "validation_error"


@pytest.mark.django_db
def test_schema_and_docs_are_served_without_a_cdn(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower() and "unpkg" not in docs.lower() and "jsdelivr" not in docs.lower()
    assert "/static/drf_spectacular_sidecar/" in docs


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "company=",
        "role=",
        "role=boss",
        "company=abc",
        "company=1e300",
        "page=",
        "page=0",
        "page_size=500",
        "role=owner&role=member",
    ],
)
def test_filters_and_pages_refuse_values_that_make_no_sense(api_client_for, maker_a, query):
    response = api_client_for(maker_a).get(f"/api/v1/memberships/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"


@pytest.mark.django_db
def test_the_token_endpoint_is_throttled(api_client_for, maker_a):
    client = api_client_for(None)
    statuses = [
        client.post("/api/v1/auth/token/", {"email": maker_a.email, "password": PASSWORD}, format="json").status_code
        for _ in range(31)
    ]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    response = client.post("/api/v1/auth/token/", {"email": maker_a.email, "password": PASSWORD}, format="json")
    assert response.json()["code"] == "throttled"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/api/v1/filings/?company=", "/api/v1/companies/?site=", "/api/v1/deadlines/?company="]
)
def test_an_empty_integer_filter_is_refused(api_client_for, maker_a, url):
    response = api_client_for(maker_a).get(url)
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"


@pytest.mark.django_db
def test_a_filter_given_twice_is_refused_with_the_field_named(api_client_for, maker_a, company_a):
    response = api_client_for(maker_a).get(f"/api/v1/memberships/?company={company_a.pk}&company={company_a.pk}")
    assert response.status_code == 400
    assert "company" in response.json()["fields"]
    once = api_client_for(maker_a).get(f"/api/v1/memberships/?company={company_a.pk}")
    assert once.status_code == 200 and once.json()["count"] >= 1

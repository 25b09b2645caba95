"""Maker B can read or change nothing of maker A's company: through the portal, the API or
the admin. Another company's pages and objects answer 404, never a hint that they exist."""

from datetime import date

import pytest
from django.urls import reverse

from companies import services
from companies.models import Award, Company, Membership, YearFigures
from tests.factories import AdmissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def a_things(company_a, maker_a, staff):
    figures = services.year_figures_save(
        company=company_a,
        year=2025,
        by=maker_a,
        revenue=100,
        profit=1,
        taxes_paid=1,
        rd_spend=1,
        employees=2,
        rd_staff=1,
    )
    award = services.award_add(company=company_a, by=maker_a, competition="中国创客大赛", rank="三等奖", year=2025)
    designation = services.designation_record(company=company_a, kind="sme", granted_on=date(2026, 1, 1), by=staff)
    owner = Membership.objects.get(company=company_a, user=maker_a)
    admission = AdmissionFactory(applicant=maker_a, site=company_a.residencies.get().site)
    return {"figures": figures, "award": award, "designation": designation, "owner": owner, "admission": admission}


def test_portal_pages_of_another_company_are_404(client_for, maker_b, company_a, company_b, a_things):
    client = client_for(maker_b)
    pk = company_a.pk
    gets = [
        reverse("companies:detail", args=[pk]),
        reverse("companies:edit", args=[pk]),
        reverse("companies:figures", args=[pk]),
        reverse("companies:admission_detail", args=[a_things["admission"].pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = {
        reverse("companies:edit", args=[pk]): {"name": "抢注", "legal_form": "llc", "sector": "other"},
        reverse("companies:figures", args=[pk]): {
            "year": 2024,
            "revenue": 1,
            "profit": 1,
            "taxes_paid": 1,
            "rd_spend": 1,
            "employees": 1,
            "rd_staff": 1,
        },
        reverse("companies:team_invite", args=[pk]): {"email": "spy@example.org", "role": "owner"},
        reverse("companies:team_role", args=[pk, a_things["owner"].pk]): {"role": "member"},
        reverse("companies:team_remove", args=[pk, a_things["owner"].pk]): {},
        reverse("companies:award_add", args=[pk]): {"competition": "x", "rank": "1", "year": 2025},
        reverse("companies:award_delete", args=[pk, a_things["award"].pk]): {},
        reverse("companies:admission_withdraw", args=[a_things["admission"].pk]): {},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    # Nothing changed.
    assert Company.objects.get(pk=pk).name == company_a.name
    assert Membership.objects.filter(company=company_a).count() == 1
    assert YearFigures.objects.filter(company=company_a).count() == 1
    assert Award.objects.filter(company=company_a).count() == 1
    # And the list shows only their own company.
    page = client.get(reverse("companies:list")).content.decode()
    assert company_b.name in page and company_a.name not in page


def test_api_objects_of_another_company_are_404(api_client_for, maker_b, company_a, company_b, a_things):
    client = api_client_for(maker_b)
    reads = [
        f"/api/v1/companies/{company_a.pk}/",
        f"/api/v1/memberships/{a_things['owner'].pk}/",
        f"/api/v1/year-figures/{a_things['figures'].pk}/",
        f"/api/v1/awards/{a_things['award'].pk}/",
        f"/api/v1/designations/{a_things['designation'].pk}/",
        f"/api/v1/admissions/{a_things['admission'].pk}/",
    ]
    for url in reads:
        response = client.get(url)
        assert response.status_code == 404 and response.json()["code"] == "not_found", url
    for url, method, body in [
        (f"/api/v1/companies/{company_a.pk}/", "patch", {"name": "抢注"}),
        (f"/api/v1/memberships/{a_things['owner'].pk}/", "patch", {"role": "member"}),
        (f"/api/v1/memberships/{a_things['owner'].pk}/", "delete", None),
        (f"/api/v1/awards/{a_things['award'].pk}/", "delete", None),
        (f"/api/v1/admissions/{a_things['admission'].pk}/withdraw/", "post", {}),
        ("/api/v1/memberships/", "post", {"company": company_a.pk, "email": "spy@example.org", "role": "owner"}),
    ]:
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 404, (method, url, response.status_code)
    # A body naming another company is refused like an unknown one.
    response = client.post(
        "/api/v1/year-figures/",
        {
            "company": company_a.pk,
            "year": 2024,
            "revenue": "1",
            "profit": "1",
            "taxes_paid": "1",
            "rd_spend": "1",
            "employees": 1,
            "rd_staff": 1,
        },
        format="json",
    )
    assert response.status_code == 400 and "company" in response.json()["fields"]
    # Lists hold only maker B's things.
    for url in [
        "/api/v1/companies/",
        "/api/v1/memberships/",
        "/api/v1/year-figures/",
        "/api/v1/awards/",
        "/api/v1/designations/",
        "/api/v1/admissions/",
    ]:
        body = client.get(url).json()
        assert all(row.get("company", company_b.pk) == company_b.pk for row in body["results"]), url
        assert all(row.get("id") != company_a.pk for row in body["results"] if url.endswith("companies/"))
    assert Membership.objects.filter(company=company_a).count() == 1


def test_staff_see_only_their_sites_companies(client_for, api_client_for, staff, company_a, company_b):
    assert client_for(staff).get(reverse("companies:detail", args=[company_a.pk])).status_code == 200
    assert client_for(staff).get(reverse("companies:detail", args=[company_b.pk])).status_code == 404
    ids = {row["id"] for row in api_client_for(staff).get("/api/v1/companies/").json()["results"]}
    assert ids == {company_a.pk}


def test_district_reads_everything_and_changes_nothing(client_for, api_client_for, district, company_a, company_b):
    client = api_client_for(district)
    ids = {row["id"] for row in client.get("/api/v1/companies/").json()["results"]}
    assert ids == {company_a.pk, company_b.pk}
    response = client.patch(f"/api/v1/companies/{company_a.pk}/", {"name": "改名"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert client_for(district).get(reverse("companies:detail", args=[company_b.pk])).status_code == 200
    assert (
        client_for(district).post(reverse("companies:edit", args=[company_b.pk]), {"name": "改名"}).status_code == 404
    )
    assert Company.objects.get(pk=company_a.pk).name == company_a.name


def test_admin_is_closed_to_makers(client_for, maker_b, company_a):
    response = client_for(maker_b).get(reverse("admin:companies_company_change", args=[company_a.pk]))
    assert response.status_code == 302 and "/admin/login/" in response.url

import pytest

from companies.models import Admission, Company, Membership
from tests.factories import AdmissionFactory, MembershipFactory, resident_company

pytestmark = pytest.mark.django_db


def test_company_list_is_filterable_and_constant_in_queries(
    api_client_for, district, site_a, site_b, assert_constant_queries
):
    client = api_client_for(district)
    resident_company(site=site_a, sector="software")
    resident_company(site=site_b, sector="energy")
    assert {c["sector"] for c in client.get("/api/v1/companies/", {"site": site_b.pk}).json()["results"]} == {"energy"}
    assert client.get("/api/v1/companies/", {"status": "nonsense"}).status_code == 400
    assert_constant_queries(
        fetch=lambda: client.get("/api/v1/companies/"),
        grow=lambda: [resident_company(site=site_a) for _ in range(12)],
    )


def test_membership_list_is_constant_in_queries(api_client_for, maker_a, company_a, assert_constant_queries):
    client = api_client_for(maker_a)
    assert_constant_queries(
        fetch=lambda: client.get("/api/v1/memberships/"),
        grow=lambda: [MembershipFactory(company=company_a) for _ in range(10)],
    )


def test_admission_list_is_constant_in_queries(api_client_for, staff, site_a, assert_constant_queries):
    client = api_client_for(staff)
    AdmissionFactory(site=site_a)
    assert_constant_queries(
        fetch=lambda: client.get("/api/v1/admissions/"),
        grow=lambda: AdmissionFactory.create_batch(10, site=site_a),
    )


def test_apply_and_decide_through_the_api(api_client_for, maker_b, staff, site_a):
    response = api_client_for(maker_b).post(
        "/api/v1/admissions/",
        {
            "site": site_a.pk,
            "team_name": "芯测",
            "project_summary": "芯片测试夹具",
            "founders": [{"name": "周九", "email": "zhou@example.org"}],
            "desks_needed": 3,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    staff_client = api_client_for(staff)
    assert staff_client.post(f"/api/v1/admissions/{pk}/review/").json()["status"] == "under_review"
    accepted = staff_client.post(f"/api/v1/admissions/{pk}/accept/", {"company_name": "天津芯测"}, format="json")
    assert accepted.status_code == 200 and accepted.json()["company"]
    again = staff_client.post(f"/api/v1/admissions/{pk}/reject/", {"reason": "迟到"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    assert Admission.objects.get(pk=pk).status == "accepted"


def test_the_last_owner_cannot_be_removed_through_the_api(api_client_for, maker_a, company_a):
    owner = Membership.objects.get(company=company_a, user=maker_a)
    response = api_client_for(maker_a).delete(f"/api/v1/memberships/{owner.pk}/")
    assert response.status_code == 409 and response.json()["code"] == "last_owner"


def test_invalid_credit_code_is_a_field_error(api_client_for, maker_a, company_a):
    response = api_client_for(maker_a).patch(
        f"/api/v1/companies/{company_a.pk}/", {"credit_code": "91110000600037341X"}, format="json"
    )
    assert response.status_code == 400 and "credit_code" in response.json()["fields"]


def test_status_cannot_be_set_through_the_profile(api_client_for, maker_a, company_a):
    api_client_for(maker_a).patch(f"/api/v1/companies/{company_a.pk}/", {"status": "graduated"}, format="json")
    assert Company.objects.get(pk=company_a.pk).status == "resident"


def test_bulk_import_refuses_a_file_with_a_bad_row_as_a_whole(site_a):
    import tablib

    from companies.resources import CompanyResource

    rows = tablib.Dataset(headers=["name", "credit_code", "legal_form", "sector", "status", "admitted_on", "site"])
    rows.append(
        ["天津一号科技有限公司", "91110000600037341L", "llc", "software", "resident", "2025-01-01", site_a.code]
    )
    rows.append(
        ["天津二号科技有限公司", "91110000600037341X", "llc", "software", "resident", "2025-01-01", site_a.code]
    )
    rows.append(["天津三号科技有限公司", "", "castle", "software", "resident", "2025-01-01", "nowhere"])
    result = CompanyResource().import_data(rows, dry_run=False, raise_errors=False)
    assert result.has_validation_errors() or result.has_errors()
    bad_rows = {row.number for row in result.invalid_rows} | {number for number, _ in result.row_errors()}
    assert bad_rows == {2, 3}
    assert not Company.objects.exists()

    good = tablib.Dataset(headers=rows.headers)
    good.append(rows[0])
    result = CompanyResource().import_data(good, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    company = Company.objects.get()
    assert company.residencies.get().site == site_a


def test_admin_import_shows_a_report_per_row_and_imports_nothing(client, staff, site_a):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    csv = (
        "name,credit_code,legal_form,sector,status,admitted_on,site\n"
        f"天津一号科技有限公司,91110000600037341L,llc,software,resident,2025-01-01,{site_a.code}\n"
        f"天津二号科技有限公司,91110000600037341X,llc,software,resident,2025-01-01,{site_a.code}\n"
    ).encode()
    client.force_login(staff)
    url = reverse("admin:companies_company_import")
    page = client.get(url)
    assert page.status_code == 200
    formats = page.context["form"].fields["format"].choices
    csv_index = next(value for value, label in formats if str(label).lower() == "csv")
    response = client.post(
        url,
        {"import_file": SimpleUploadedFile("companies.csv", csv, content_type="text/csv"), "format": csv_index},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert result.has_validation_errors()
    assert [row.number for row in result.invalid_rows] == [2]
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not Company.objects.exists()


def test_bulk_import_reads_xlsx(site_a):
    import tablib

    from companies.resources import CompanyResource

    sheet = tablib.Dataset(headers=["name", "credit_code", "legal_form", "sector", "status", "admitted_on", "site"])
    sheet.append(
        ["天津表格科技有限公司", "91110000600037341L", "llc", "software", "resident", "2025-01-01", site_a.code]
    )
    loaded = tablib.Dataset().load(sheet.export("xlsx"), format="xlsx")
    result = CompanyResource().import_data(loaded, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Company.objects.get().name == "天津表格科技有限公司"


def test_admin_actions_change_status_through_the_service(client, staff, company_a):
    from django.urls import reverse

    client.force_login(staff)
    response = client.post(
        reverse("admin:companies_company_changelist"),
        {"action": "graduate_selected", "_selected_action": [company_a.pk]},
    )
    assert response.status_code == 302
    company_a.refresh_from_db()
    assert company_a.status == "graduated" and company_a.graduated_on is not None
    assert company_a.residencies.get().ends_on == company_a.graduated_on

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from companies.models import Admission, Award, Company, Membership, YearFigures
from incubator.models import User
from tests.factories import MembershipFactory, resident_company

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def application(site, **extra):
    return {
        "site": site.pk,
        "team_name": "榫卯木作",
        "project_summary": "榫卯结构的儿童家具。",
        "sector": "creative",
        "founders": "钱林, qian@example.org\nLi Si <lisi@example.org>",
        "desks_needed": 2,
        **extra,
    }


class TestApply:
    def test_newcomer_applies_and_is_signed_in(self, client, site_a):
        data = application(
            site_a,
            full_name="赵木",
            email="zhao@example.org",
            password="Wooden-Joints-2026",
            language="zh-hans",
            business_plan=SimpleUploadedFile("plan.pdf", PDF),
        )
        response = client.post(reverse("companies:apply"), data)
        admission = Admission.objects.get()
        assert response.status_code == 302 and response.url == reverse(
            "companies:admission_detail", args=[admission.pk]
        )
        assert admission.founders == [
            {"name": "钱林", "email": "qian@example.org"},
            {"name": "Li Si", "email": "lisi@example.org"},
        ]
        assert admission.business_plan.name.endswith(".pdf")
        assert client.get(response.url).status_code == 200  # signed in as the applicant

    def test_a_fake_pdf_and_a_bad_founder_line_are_field_errors(self, client, site_a):
        data = application(
            site_a,
            full_name="赵木",
            email="zhao@example.org",
            password="Wooden-Joints-2026",
            language="en",
            founders="just a name",
            business_plan=SimpleUploadedFile("plan.pdf", b"GIF89a not a pdf"),
        )
        response = client.post(reverse("companies:apply"), data, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert "business_plan" in errors and "founders" in errors
        assert not Admission.objects.exists() and not User.objects.filter(email="zhao@example.org").exists()

    def test_a_signed_in_maker_applies_without_account_fields(self, client, maker_a, site_a):
        client.force_login(maker_a)
        page = client.get(reverse("companies:apply")).content.decode()
        assert 'name="password"' not in page
        response = client.post(reverse("companies:apply"), application(site_a))
        assert response.status_code == 302
        assert Admission.objects.get().applicant == maker_a
        # A second open application to the same site is refused with a message.
        again = client.post(reverse("companies:apply"), application(site_a), HTTP_ACCEPT_LANGUAGE="en")
        assert again.status_code == 200 and Admission.objects.count() == 1


class TestCompanyPages:
    def test_list_queries_do_not_grow(self, client, district, site_a, assert_constant_queries):
        client.force_login(district)
        resident_company(site=site_a)

        def grow():
            for _ in range(15):
                company = resident_company(site=site_a)
                MembershipFactory(company=company, role="owner")

        assert_constant_queries(fetch=lambda: client.get(reverse("companies:list")), grow=grow)
        page = client.get(reverse("companies:list"), {"status": "resident"})
        assert page.context["page"].paginator.count == 16

    def test_detail_queries_do_not_grow_with_the_team(self, client, maker_a, company_a, assert_constant_queries):
        client.force_login(maker_a)
        url = reverse("companies:detail", args=[company_a.pk])
        assert_constant_queries(
            fetch=lambda: client.get(url), grow=lambda: [MembershipFactory(company=company_a) for _ in range(10)]
        )

    def test_edit_profile_shows_field_errors(self, client, maker_a, company_a):
        client.force_login(maker_a)
        url = reverse("companies:edit", args=[company_a.pk])
        data = {"name": company_a.name, "legal_form": "llc", "sector": "creative", "credit_code": "91110000600037341X"}
        response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert "credit_code" in response.context["form"].errors
        data["credit_code"] = "91110000600037341L"
        assert client.post(url, data).status_code == 302
        assert Company.objects.get(pk=company_a.pk).credit_code == "91110000600037341L"

    def test_figures_page(self, client, maker_a, company_a):
        client.force_login(maker_a)
        url = reverse("companies:figures", args=[company_a.pk])
        bad = client.post(
            url,
            {
                "year": 2025,
                "revenue": "-5",
                "profit": "0",
                "taxes_paid": "0",
                "rd_spend": "0",
                "employees": 3,
                "rd_staff": 1,
            },
        )
        assert bad.status_code == 200 and "revenue" in bad.context["form"].errors
        good = client.post(
            url,
            {
                "year": 2025,
                "revenue": "1200000",
                "profit": "-3000",
                "taxes_paid": "72000",
                "rd_spend": "90000",
                "employees": 6,
                "rd_staff": 2,
            },
        )
        assert good.status_code == 302
        assert YearFigures.objects.get(company=company_a).revenue == 1200000
        assert "¥1,200,000.00" in client.get(url).content.decode()

    def test_team_invite_through_htmx_returns_the_team(self, client, maker_a, company_a):
        client.force_login(maker_a)
        response = client.post(
            reverse("companies:team_invite", args=[company_a.pk]),
            {"email": "new@example.org", "full_name": "新人", "role": "member"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        assert 'id="team-body"' in response.content.decode() and "new@example.org" in response.content.decode()
        assert Membership.objects.filter(company=company_a, user__email="new@example.org").exists()

    def test_removing_the_last_owner_shows_a_message(self, client, maker_a, company_a):
        client.force_login(maker_a)
        owner = Membership.objects.get(company=company_a, user=maker_a)
        response = client.post(
            reverse("companies:team_remove", args=[company_a.pk, owner.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert Membership.objects.filter(pk=owner.pk).exists()
        assert "企业必须至少有一名负责人" in response.content.decode()  # in maker A's language

    def test_awards(self, client, maker_a, company_a):
        client.force_login(maker_a)
        client.post(
            reverse("companies:award_add", args=[company_a.pk]),
            {"competition": "中国创客大赛", "organiser": "工业和信息化部", "rank": "三等奖", "year": 2025},
        )
        award = Award.objects.get()
        client.post(reverse("companies:award_delete", args=[company_a.pk, award.pk]))
        assert not Award.objects.exists()


class TestAdmissionPages:
    def test_staff_accept_and_reject_from_the_portal(self, client, staff, maker_a, maker_b, site_a):
        from companies import services

        first = services.admission_submit(applicant=maker_a, site=site_a, team_name="甲", project_summary="p")
        second = services.admission_submit(applicant=maker_b, site=site_a, team_name="乙", project_summary="p")
        client.force_login(staff)
        assert client.get(reverse("companies:admission_list")).status_code == 200
        response = client.post(reverse("companies:admission_accept", args=[first.pk]), {"company_name": "甲公司"})
        assert response.status_code == 302
        assert Company.objects.filter(name="甲公司").exists()
        empty = client.post(reverse("companies:admission_reject", args=[second.pk]), {"reason": ""})
        assert empty.status_code == 400 and "reason" in empty.context["reject_form"].errors
        client.post(reverse("companies:admission_reject", args=[second.pk]), {"reason": "方向不符"})
        second.refresh_from_db()
        assert second.status == "rejected"

    def test_admission_list_queries_do_not_grow(self, client, staff, site_a, assert_constant_queries):
        from tests.factories import AdmissionFactory

        client.force_login(staff)
        AdmissionFactory(site=site_a)
        assert_constant_queries(
            fetch=lambda: client.get(reverse("companies:admission_list")),
            grow=lambda: AdmissionFactory.create_batch(12, site=site_a),
        )

    def test_home_panels_for_makers_and_staff(self, client, maker_a, staff, company_a):
        client.force_login(maker_a)
        page = client.get(reverse("home")).content.decode()
        assert 'data-panel="my-company"' in page and company_a.name in page
        client.force_login(staff)
        assert 'data-panel="admissions-waiting"' in client.get(reverse("home")).content.decode()


def test_a_forbidden_action_shows_the_friendly_403_page(client, maker_a, site_a):
    from companies import services

    admission = services.admission_submit(applicant=maker_a, site=site_a, team_name="甲", project_summary="p")
    client.force_login(maker_a)
    response = client.post(reverse("companies:admission_accept", args=[admission.pk]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "403" in page and 'class="error-page' in page


def test_business_plan_is_served_only_to_those_who_see_the_application(client, maker_a, maker_b, staff, site_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from companies import services

    admission = services.admission_submit(
        applicant=maker_a,
        site=site_a,
        team_name="甲",
        project_summary="p",
        business_plan=SimpleUploadedFile("plan.pdf", PDF),
    )
    url = reverse("companies:admission_business_plan", args=[admission.pk])
    for user, status in ((maker_a, 200), (staff, 200), (maker_b, 404)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status
        if status == 200:
            assert response["Content-Type"] == "application/pdf"
            assert b"".join(response.streaming_content).startswith(b"%PDF-")

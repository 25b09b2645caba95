"""Permission-table rows of the companies app: its portal pages, admin models and API."""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import AdmissionFactory
from tests.permissions import ADMIN_ONLY, API_AUTHENTICATED, SIGNED_IN, AdminRow, Expect, Operation, Route

# Company A belongs to maker A and is resident at site A, where the staff persona works.
COMPANY_A_READ = Expect(anon=302, maker=404, maker_a=200, staff=200, district=200, superuser=200)
COMPANY_A_EDIT = Expect(anon=302, maker=404, maker_a=200, staff=200, district=404, superuser=200)
# Writes answer with a redirect back to the page (302); who may not write gets a 404.
COMPANY_A_WRITE = Expect(anon=302, maker=404, maker_a=302, staff=302, district=404, superuser=302)
ADMISSION_A_DECIDE = Expect(anon=302, maker=404, maker_a=403, staff=302, district=403, superuser=302)

API_COMPANY_A_READ = Expect(anon=401, maker=404, maker_a=200, staff=200, district=200, superuser=200)
API_COMPANY_A_WRITE = Expect(anon=401, maker=404, maker_a=200, staff=200, district=403, superuser=200)
API_ADMISSION_A_DECIDE = Expect(anon=401, maker=404, maker_a=403, staff=200, district=403, superuser=200)


def fresh_admission(objects: dict):
    """An open application of maker A to site A, for an operation that closes it."""
    return AdmissionFactory(applicant=objects["maker_a"], site=objects["site_a"])


def add_objects(objects: dict) -> None:
    """The objects the rows below refer to (company A is maker A's, at site A)."""
    from companies import services as company_services
    from companies.models import Membership
    from tests.factories import resident_company

    maker_a, staff = objects["maker_a"], objects["staff"]
    company_a = resident_company(site=objects["site_a"], owner=maker_a, name="天津榫卯木构科技有限公司")
    objects["company_a"] = company_a
    objects["company_b"] = resident_company(site=objects["site_b"], owner=objects["maker_b"], name="天津芯测电子")
    objects["owner_a"] = Membership.objects.get(company=company_a, user=maker_a)
    objects["award_a"] = company_services.award_add(
        company=company_a, by=maker_a, competition="中国创客大赛", rank="三等奖", year=2025
    )
    objects["figures_a"] = company_services.year_figures_save(
        company=company_a,
        year=2025,
        by=maker_a,
        revenue=1,
        profit=0,
        taxes_paid=0,
        rd_spend=0,
        employees=1,
        rd_staff=0,
    )
    objects["designation_a"] = company_services.designation_record(
        company=company_a, kind="sme", granted_on=date(2026, 1, 1), by=staff
    )
    objects["consultation_a"] = company_services.consultation_record(
        company=company_a, by=staff, expert_name="李教授", held_on=date(2026, 1, 1), topic="精度"
    )
    objects["admission_a"] = AdmissionFactory(
        applicant=maker_a,
        site=objects["site_a"],
        business_plan=SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"),
    )


ROUTES = {
    # --- companies ---
    "companies:apply": Route(Expect(200, 200, 200, 200, 200)),
    "companies:list": Route(SIGNED_IN),
    "companies:detail": Route(COMPANY_A_READ, url=lambda o: reverse("companies:detail", args=[o["company_a"].pk])),
    "companies:edit": Route(COMPANY_A_EDIT, url=lambda o: reverse("companies:edit", args=[o["company_a"].pk])),
    "companies:figures": Route(COMPANY_A_READ, url=lambda o: reverse("companies:figures", args=[o["company_a"].pk])),
    "companies:team_invite": Route(
        COMPANY_A_WRITE,
        method="post",
        url=lambda o: reverse("companies:team_invite", args=[o["company_a"].pk]),
        data=lambda o, p: {"email": "not-an-address"},
    ),
    "companies:team_role": Route(
        COMPANY_A_WRITE,
        method="post",
        data=lambda o, p: {"role": "owner"},
        url=lambda o: reverse("companies:team_role", args=[o["company_a"].pk, o["owner_a"].pk]),
    ),
    "companies:team_remove": Route(
        COMPANY_A_WRITE,
        method="post",
        url=lambda o: reverse("companies:team_remove", args=[o["company_a"].pk, o["owner_a"].pk]),
    ),
    "companies:award_add": Route(
        COMPANY_A_WRITE,
        method="post",
        url=lambda o: reverse("companies:award_add", args=[o["company_a"].pk]),
        data=lambda o, p: {"competition": "创客大赛", "rank": "一等奖", "year": 2025},
    ),
    "companies:award_delete": Route(
        COMPANY_A_WRITE,
        method="post",
        url=lambda o: reverse("companies:award_delete", args=[o["company_a"].pk, o["award_a"].pk]),
    ),
    "companies:admission_list": Route(SIGNED_IN),
    "companies:admission_detail": Route(
        COMPANY_A_READ, url=lambda o: reverse("companies:admission_detail", args=[o["admission_a"].pk])
    ),
    "companies:admission_business_plan": Route(
        COMPANY_A_READ, url=lambda o: reverse("companies:admission_business_plan", args=[o["admission_a"].pk])
    ),
    "companies:admission_withdraw": Route(
        Expect(anon=302, maker=404, maker_a=302, staff=403, district=403, superuser=403),
        method="post",
        url=lambda o: reverse("companies:admission_withdraw", args=[o["admission_a"].pk]),
    ),
    "companies:admission_review": Route(
        ADMISSION_A_DECIDE,
        method="post",
        url=lambda o: reverse("companies:admission_review", args=[fresh_admission(o).pk]),
    ),
    "companies:admission_accept": Route(
        ADMISSION_A_DECIDE,
        method="post",
        url=lambda o: reverse("companies:admission_accept", args=[fresh_admission(o).pk]),
    ),
    "companies:admission_reject": Route(
        ADMISSION_A_DECIDE,
        method="post",
        data=lambda o, p: {"reason": "方向不符"},
        url=lambda o: reverse("companies:admission_reject", args=[fresh_admission(o).pk]),
    ),
    "admin:companies_company_import": Route(ADMIN_ONLY),
    "admin:companies_company_process_import": Route(Expect(302, 302, 405, 302, 405)),
}

ADMIN_MODELS = {
    "companies.company": AdminRow(200, 200, make=lambda o: o["company_a"]),
    "companies.residency": AdminRow(200, 200, make=lambda o: o["company_a"].residencies.get()),
    "companies.membership": AdminRow(200, 200, make=lambda o: o["owner_a"]),
    "companies.admission": AdminRow(200, 403, superuser_add=403, make=lambda o: o["admission_a"]),
    "companies.designation": AdminRow(200, 200, make=lambda o: o["designation_a"]),
    "companies.yearfigures": AdminRow(200, 200, make=lambda o: o["figures_a"]),
    "companies.award": AdminRow(200, 200, make=lambda o: o["award_a"]),
    "companies.consultation": AdminRow(200, 200, make=lambda o: o["consultation_a"]),
}

OPERATIONS = {
    # --- companies ---
    "companies_list": Operation(API_AUTHENTICATED, "/api/v1/companies/", "get"),
    "companies_retrieve": Operation(API_COMPANY_A_READ, lambda o: f"/api/v1/companies/{o['company_a'].pk}/", "get"),
    "companies_partial_update": Operation(
        API_COMPANY_A_WRITE,
        lambda o: f"/api/v1/companies/{o['company_a'].pk}/",
        "patch",
        data=lambda o, p: {"website": "https://sunmao.example.cn"},
    ),
    "memberships_list": Operation(API_AUTHENTICATED, "/api/v1/memberships/", "get"),
    "memberships_retrieve": Operation(API_COMPANY_A_READ, lambda o: f"/api/v1/memberships/{o['owner_a'].pk}/", "get"),
    "memberships_create": Operation(
        Expect(anon=401, maker=404, maker_a=201, staff=201, district=403, superuser=201),
        "/api/v1/memberships/",
        "post",
        data=lambda o, p: {"company": o["company_a"].pk, "email": f"new-{p}@example.org", "role": "member"},
    ),
    "memberships_partial_update": Operation(
        API_COMPANY_A_WRITE,
        lambda o: f"/api/v1/memberships/{o['owner_a'].pk}/",
        "patch",
        data=lambda o, p: {"role": "owner"},
    ),
    "memberships_destroy": Operation(
        Expect(anon=401, maker=404, maker_a=409, staff=409, district=403, superuser=409),
        lambda o: f"/api/v1/memberships/{o['owner_a'].pk}/",
        "delete",
    ),
    "admissions_list": Operation(API_AUTHENTICATED, "/api/v1/admissions/", "get"),
    "admissions_create": Operation(
        Expect(anon=401, maker=201, staff=201, district=403, superuser=201),
        "/api/v1/admissions/",
        "post",
        data=lambda o, p: {"site": o["site_b"].pk, "team_name": "新团队", "project_summary": "项目"},
    ),
    "admissions_retrieve": Operation(API_COMPANY_A_READ, lambda o: f"/api/v1/admissions/{o['admission_a'].pk}/", "get"),
    "admissions_review_create": Operation(
        API_ADMISSION_A_DECIDE, lambda o: f"/api/v1/admissions/{fresh_admission(o).pk}/review/", "post"
    ),
    "admissions_accept_create": Operation(
        API_ADMISSION_A_DECIDE,
        lambda o: f"/api/v1/admissions/{fresh_admission(o).pk}/accept/",
        "post",
        data=lambda o, p: {},
    ),
    "admissions_reject_create": Operation(
        API_ADMISSION_A_DECIDE,
        lambda o: f"/api/v1/admissions/{fresh_admission(o).pk}/reject/",
        "post",
        data=lambda o, p: {"reason": "方向不符"},
    ),
    "admissions_withdraw_create": Operation(
        Expect(anon=401, maker=404, maker_a=200, staff=403, district=403, superuser=403),
        lambda o: f"/api/v1/admissions/{o['admission_a'].pk}/withdraw/",
        "post",
    ),
    "designations_list": Operation(API_AUTHENTICATED, "/api/v1/designations/", "get"),
    "designations_retrieve": Operation(
        API_COMPANY_A_READ, lambda o: f"/api/v1/designations/{o['designation_a'].pk}/", "get"
    ),
    "designations_create": Operation(
        Expect(anon=401, maker=400, maker_a=403, staff=201, district=403, superuser=201),
        "/api/v1/designations/",
        "post",
        data=lambda o, p: {"company": o["company_a"].pk, "kind": "little_giant", "granted_on": "2026-03-01"},
    ),
    "year_figures_list": Operation(API_AUTHENTICATED, "/api/v1/year-figures/", "get"),
    "year_figures_retrieve": Operation(
        API_COMPANY_A_READ, lambda o: f"/api/v1/year-figures/{o['figures_a'].pk}/", "get"
    ),
    "year_figures_create": Operation(
        Expect(anon=401, maker=400, maker_a=201, staff=201, district=403, superuser=201),
        "/api/v1/year-figures/",
        "post",
        data=lambda o, p: {
            "company": o["company_a"].pk,
            "year": 2024,
            "revenue": "120000.00",
            "profit": "-300.00",
            "taxes_paid": "7200.00",
            "rd_spend": "9000.00",
            "employees": 6,
            "rd_staff": 2,
        },
    ),
    "awards_list": Operation(API_AUTHENTICATED, "/api/v1/awards/", "get"),
    "awards_retrieve": Operation(API_COMPANY_A_READ, lambda o: f"/api/v1/awards/{o['award_a'].pk}/", "get"),
    "awards_create": Operation(
        Expect(anon=401, maker=400, maker_a=201, staff=201, district=403, superuser=201),
        "/api/v1/awards/",
        "post",
        data=lambda o, p: {"company": o["company_a"].pk, "competition": "中国创客大赛", "rank": "二等奖", "year": 2026},
    ),
    "awards_destroy": Operation(
        Expect(anon=401, maker=404, maker_a=204, staff=204, district=403, superuser=204),
        lambda o: f"/api/v1/awards/{o['award_a'].pk}/",
        "delete",
    ),
    "consultations_list": Operation(API_AUTHENTICATED, "/api/v1/consultations/", "get"),
    "consultations_retrieve": Operation(
        API_COMPANY_A_READ, lambda o: f"/api/v1/consultations/{o['consultation_a'].pk}/", "get"
    ),
    "consultations_create": Operation(
        Expect(anon=401, maker=400, maker_a=403, staff=201, district=403, superuser=201),
        "/api/v1/consultations/",
        "post",
        data=lambda o, p: {
            "company": o["company_a"].pk,
            "expert_name": "王研究员",
            "held_on": "2026-05-01",
            "topic": "粉末冶金",
        },
    ),
}

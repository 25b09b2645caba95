"""Permission-table rows of the funding app: its portal pages, admin models and API.

Company A belongs to maker A and is resident at site A, where the staff persona works;
maker B is the outsider (`maker`). Writes that change an object's state use a fresh one
(`fresh(...)`), since one persona's rows run one after the other on the same data.
"""

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.funding.factories import PDF, ProgrammeFactory, SponsorFactory, application_in, introduction_in
from tests.permissions import API_AUTHENTICATED, SIGNED_IN, AdminRow, Expect, Operation, Route

COMPANY_A_READ = Expect(anon=302, maker=404, maker_a=200, staff=200, district=200, superuser=200)
# The company edits its drafts; the funding officers of its site may too.
COMPANY_A_EDIT = Expect(anon=302, maker=404, maker_a=200, staff=200, district=404, superuser=200)
# Writes answer with a redirect back to the page (302).
COMPANY_SIDE_WRITE = Expect(anon=302, maker=404, maker_a=302, staff=302, district=403, superuser=302)
MEMBER_WRITE = Expect(anon=302, maker=404, maker_a=302, staff=403, district=403, superuser=403)
OFFICER_WRITE = Expect(anon=302, maker=404, maker_a=403, staff=302, district=403, superuser=302)
# Where a page only exists for the officers, the others get 404.
OFFICER_ONLY = Expect(anon=302, maker=404, maker_a=404, staff=302, district=404, superuser=302)
DRAFT_EDIT = Expect(anon=302, maker=404, maker_a=302, staff=302, district=404, superuser=302)
MAKERS_WITH_A_COMPANY = Expect(anon=302, maker=200, staff=409, district=409, superuser=409)
STAFF_AND_DISTRICT = Expect(anon=302, maker=403, staff=200, district=200, superuser=200)

API_COMPANY_A_READ = Expect(anon=401, maker=404, maker_a=200, staff=200, district=200, superuser=200)
API_COMPANY_SIDE_WRITE = Expect(anon=401, maker=404, maker_a=200, staff=200, district=403, superuser=200)
API_MEMBER_WRITE = Expect(anon=401, maker=404, maker_a=200, staff=403, district=403, superuser=403)
API_OFFICER_WRITE = Expect(anon=401, maker=404, maker_a=403, staff=200, district=403, superuser=200)
# Creating something for company A: a body naming another's company is a 400.
API_OFFICER_CREATE = Expect(anon=401, maker=400, maker_a=403, staff=201, district=403, superuser=201)
API_STAFF_CREATE = Expect(anon=401, maker=403, staff=201, district=403, superuser=201)
API_STAFF_UPDATE = Expect(anon=401, maker=403, staff=200, district=403, superuser=200)


def fresh(status: str, objects: dict):
    """An application of company A in `status`, to a programme of its own."""
    return application_in(
        status,
        company=objects["company_a"],
        programme=ProgrammeFactory(),
        maker=objects["maker_a"],
        officer=objects["staff"],
    )


def fresh_document(objects: dict):
    from funding import services

    application = fresh("draft", objects)
    return services.application_document_add(
        application=application, by=objects["maker_a"], title="计划书", file=_pdf()
    )


def fresh_tranche(objects: dict):
    from funding import services

    return services.disbursement_schedule(
        application=objects["funding_award_a"], by=objects["staff"], amount="10000", due_on=timezone.localdate()
    )


def fresh_introduction(objects: dict):
    return introduction_in(
        "requested", company=objects["company_a"], sponsor=SponsorFactory(), maker=objects["maker_a"], officer=None
    )


def _pdf():
    return SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")


def add_objects(objects: dict) -> None:
    """The objects the rows below refer to (company A and B come from the companies rows)."""
    from funding import services
    from tests.funding.factories import SponsorContactFactory

    maker_a, staff, company_a = objects["maker_a"], objects["staff"], objects["company_a"]
    objects["funding_programme"] = ProgrammeFactory()
    objects["funding_application_a"] = application_in(
        "submitted", company=company_a, programme=objects["funding_programme"], maker=maker_a, officer=staff
    )
    objects["funding_document_a"] = services.application_document_add(
        application=objects["funding_application_a"], by=maker_a, title="项目计划书", file=_pdf()
    )
    objects["funding_award_a"] = fresh("approved", objects)
    objects["funding_disbursement_a"] = services.disbursement_schedule(
        application=objects["funding_award_a"], by=staff, amount="500000", due_on=timezone.localdate()
    )
    objects["funding_sponsor_a"] = SponsorFactory(name="中民投（权限表）")
    SponsorContactFactory(sponsor=objects["funding_sponsor_a"])
    objects["funding_sponsor_b"] = SponsorFactory(name="天津银行科技支行（权限表）", kind="bank")
    objects["funding_introduction_a"] = introduction_in(
        "introduced", company=company_a, sponsor=objects["funding_sponsor_a"], maker=maker_a, officer=staff
    )
    objects["funding_investment_a"] = services.investment_record(
        company=company_a, by=staff, amount="3000000", investors="李明（天使投资人）", closed_on=date(2025, 11, 20)
    )


ROUTES = {
    "funding:programme_list": Route(SIGNED_IN),
    "funding:programme_detail": Route(
        SIGNED_IN, url=lambda o: reverse("funding:programme_detail", args=[o["funding_programme"].pk])
    ),
    "funding:application_create": Route(
        MAKERS_WITH_A_COMPANY, url=lambda o: reverse("funding:application_create", args=[ProgrammeFactory().pk])
    ),
    "funding:application_list": Route(SIGNED_IN),
    "funding:application_detail": Route(
        COMPANY_A_READ, url=lambda o: reverse("funding:application_detail", args=[o["funding_application_a"].pk])
    ),
    "funding:application_edit": Route(
        COMPANY_A_EDIT, url=lambda o: reverse("funding:application_edit", args=[fresh("draft", o).pk])
    ),
    "funding:application_submit": Route(
        COMPANY_SIDE_WRITE,
        method="post",
        url=lambda o: reverse("funding:application_submit", args=[fresh("draft", o).pk]),
    ),
    "funding:application_withdraw": Route(
        MEMBER_WRITE,
        method="post",
        url=lambda o: reverse("funding:application_withdraw", args=[fresh("submitted", o).pk]),
    ),
    "funding:application_review": Route(
        OFFICER_WRITE,
        method="post",
        url=lambda o: reverse("funding:application_review", args=[fresh("submitted", o).pk]),
    ),
    "funding:application_approve": Route(
        OFFICER_WRITE,
        method="post",
        url=lambda o: reverse("funding:application_approve", args=[fresh("under_review", o).pk]),
        data=lambda o, p: {"approved_amount": "800000", "note": "分两期拨付"},
    ),
    "funding:application_reject": Route(
        OFFICER_WRITE,
        method="post",
        url=lambda o: reverse("funding:application_reject", args=[fresh("submitted", o).pk]),
        data=lambda o, p: {"note": "研发投入不足"},
    ),
    "funding:document_add": Route(
        Expect(anon=302, maker=404, maker_a=302, staff=302, district=404, superuser=302),
        method="post",
        url=lambda o: reverse("funding:document_add", args=[o["funding_application_a"].pk]),
        data=lambda o, p: {"title": "补充材料", "file": _pdf()},
    ),
    "funding:document_download": Route(
        COMPANY_A_READ,
        url=lambda o: reverse(
            "funding:document_download", args=[o["funding_application_a"].pk, o["funding_document_a"].pk]
        ),
    ),
    "funding:document_remove": Route(
        DRAFT_EDIT,
        method="post",
        url=lambda o: (lambda d: reverse("funding:document_remove", args=[d.application_id, d.pk]))(fresh_document(o)),
    ),
    "funding:disbursement_add": Route(
        OFFICER_ONLY,
        method="post",
        url=lambda o: reverse("funding:disbursement_add", args=[o["funding_award_a"].pk]),
        data=lambda o, p: {"amount": "100000", "due_on": "2026-12-31"},
    ),
    "funding:disbursement_paid": Route(
        OFFICER_ONLY,
        method="post",
        url=lambda o: reverse("funding:disbursement_paid", args=[fresh_tranche(o).pk]),
        data=lambda o, p: {"paid_on": timezone.localdate().isoformat(), "reference": "HX-1"},
    ),
    "funding:disbursement_cancel": Route(
        OFFICER_ONLY, method="post", url=lambda o: reverse("funding:disbursement_cancel", args=[fresh_tranche(o).pk])
    ),
    "funding:sponsor_list": Route(SIGNED_IN),
    "funding:sponsor_detail": Route(
        SIGNED_IN, url=lambda o: reverse("funding:sponsor_detail", args=[o["funding_sponsor_a"].pk])
    ),
    "funding:introduction_list": Route(SIGNED_IN),
    "funding:introduction_request": Route(MAKERS_WITH_A_COMPANY),
    "funding:introduction_detail": Route(
        COMPANY_A_READ, url=lambda o: reverse("funding:introduction_detail", args=[o["funding_introduction_a"].pk])
    ),
    "funding:introduction_advance": Route(
        OFFICER_WRITE,
        method="post",
        url=lambda o: reverse("funding:introduction_advance", args=[fresh_introduction(o).pk]),
        data=lambda o, p: {"status": "introduced", "round": "other"},
    ),
    "funding:introduction_note": Route(
        OFFICER_WRITE,
        method="post",
        url=lambda o: reverse("funding:introduction_note", args=[o["funding_introduction_a"].pk]),
        data=lambda o, p: {"note": "对方下周回复"},
    ),
    "funding:ledger": Route(COMPANY_A_READ, url=lambda o: reverse("funding:ledger", args=[o["company_a"].pk])),
    "funding:totals": Route(STAFF_AND_DISTRICT),
}

ADMIN_MODELS = {
    "funding.programme": AdminRow(200, 200, make=lambda o: o["funding_programme"]),
    "funding.fundingapplication": AdminRow(200, 403, superuser_add=403, make=lambda o: o["funding_application_a"]),
    "funding.disbursement": AdminRow(200, 200, make=lambda o: o["funding_disbursement_a"]),
    "funding.sponsor": AdminRow(200, 200, make=lambda o: o["funding_sponsor_a"]),
    "funding.introduction": AdminRow(200, 403, superuser_add=403, make=lambda o: o["funding_introduction_a"]),
    "funding.investment": AdminRow(200, 200, make=lambda o: o["funding_investment_a"]),
}


def _programme_body(o, p):
    return {
        "name": f"河西区房租补贴（{p}）",
        "level": "district",
        "kind": "rent_subsidy",
        "funder": "河西区科学技术委员会",
        "budget": "3000000.00",
        "max_award": "200000.00",
    }


OPERATIONS = {
    "programmes_list": Operation(API_AUTHENTICATED, "/api/v1/programmes/", "get"),
    "programmes_create": Operation(API_STAFF_CREATE, "/api/v1/programmes/", "post", data=_programme_body),
    "programmes_retrieve": Operation(
        API_AUTHENTICATED, lambda o: f"/api/v1/programmes/{o['funding_programme'].pk}/", "get"
    ),
    "programmes_partial_update": Operation(
        API_STAFF_UPDATE,
        lambda o: f"/api/v1/programmes/{o['funding_programme'].pk}/",
        "patch",
        data=lambda o, p: {"description": "每年两批。"},
    ),
    "funding_applications_list": Operation(API_AUTHENTICATED, "/api/v1/funding-applications/", "get"),
    "funding_applications_create": Operation(
        Expect(anon=401, maker=400, maker_a=201, staff=201, district=403, superuser=201),
        "/api/v1/funding-applications/",
        "post",
        data=lambda o, p: {
            "company": o["company_a"].pk,
            "programme": ProgrammeFactory().pk,
            "requested_amount": "1200000.00",
            "purpose": "建设中试线。",
        },
    ),
    "funding_applications_retrieve": Operation(
        API_COMPANY_A_READ, lambda o: f"/api/v1/funding-applications/{o['funding_application_a'].pk}/", "get"
    ),
    "funding_applications_partial_update": Operation(
        API_COMPANY_SIDE_WRITE,
        lambda o: f"/api/v1/funding-applications/{fresh('draft', o).pk}/",
        "patch",
        data=lambda o, p: {"requested_amount": "900000.00"},
    ),
    "funding_applications_submit_create": Operation(
        API_COMPANY_SIDE_WRITE, lambda o: f"/api/v1/funding-applications/{fresh('draft', o).pk}/submit/", "post"
    ),
    "funding_applications_withdraw_create": Operation(
        API_MEMBER_WRITE, lambda o: f"/api/v1/funding-applications/{fresh('submitted', o).pk}/withdraw/", "post"
    ),
    "funding_applications_review_create": Operation(
        API_OFFICER_WRITE, lambda o: f"/api/v1/funding-applications/{fresh('submitted', o).pk}/review/", "post"
    ),
    "funding_applications_approve_create": Operation(
        API_OFFICER_WRITE,
        lambda o: f"/api/v1/funding-applications/{fresh('under_review', o).pk}/approve/",
        "post",
        data=lambda o, p: {"approved_amount": "750000.00"},
    ),
    "funding_applications_reject_create": Operation(
        API_OFFICER_WRITE,
        lambda o: f"/api/v1/funding-applications/{fresh('submitted', o).pk}/reject/",
        "post",
        data=lambda o, p: {"note": "不符合条件"},
    ),
    "disbursements_list": Operation(API_AUTHENTICATED, "/api/v1/disbursements/", "get"),
    "disbursements_create": Operation(
        API_OFFICER_CREATE,
        "/api/v1/disbursements/",
        "post",
        data=lambda o, p: {"application": o["funding_award_a"].pk, "amount": "100000.00", "due_on": "2026-12-31"},
    ),
    "disbursements_retrieve": Operation(
        API_COMPANY_A_READ, lambda o: f"/api/v1/disbursements/{o['funding_disbursement_a'].pk}/", "get"
    ),
    "disbursements_destroy": Operation(
        Expect(anon=401, maker=404, maker_a=403, staff=204, district=403, superuser=204),
        lambda o: f"/api/v1/disbursements/{fresh_tranche(o).pk}/",
        "delete",
    ),
    "disbursements_pay_create": Operation(
        API_OFFICER_WRITE,
        lambda o: f"/api/v1/disbursements/{fresh_tranche(o).pk}/pay/",
        "post",
        data=lambda o, p: {"paid_on": timezone.localdate().isoformat(), "reference": "HX-2026-001"},
    ),
    "sponsors_list": Operation(API_AUTHENTICATED, "/api/v1/sponsors/", "get"),
    "sponsors_create": Operation(
        API_STAFF_CREATE,
        "/api/v1/sponsors/",
        "post",
        data=lambda o, p: {"name": f"海河产业基金（{p}）", "kind": "guidance_fund", "focus_sectors": ["materials"]},
    ),
    "sponsors_retrieve": Operation(
        API_AUTHENTICATED, lambda o: f"/api/v1/sponsors/{o['funding_sponsor_a'].pk}/", "get"
    ),
    "sponsors_partial_update": Operation(
        API_STAFF_UPDATE,
        lambda o: f"/api/v1/sponsors/{o['funding_sponsor_a'].pk}/",
        "patch",
        data=lambda o, p: {"ticket_max": "50000000.00"},
    ),
    "introductions_list": Operation(API_AUTHENTICATED, "/api/v1/introductions/", "get"),
    "introductions_create": Operation(
        Expect(anon=401, maker=400, maker_a=201, staff=201, district=403, superuser=201),
        "/api/v1/introductions/",
        "post",
        data=lambda o, p: {
            "company": o["company_a"].pk,
            "sponsor": o["funding_sponsor_b"].pk,
            "message": "贷款 300 万",
        },
    ),
    "introductions_retrieve": Operation(
        API_COMPANY_A_READ, lambda o: f"/api/v1/introductions/{o['funding_introduction_a'].pk}/", "get"
    ),
    "introductions_advance_create": Operation(
        API_OFFICER_WRITE,
        lambda o: f"/api/v1/introductions/{fresh_introduction(o).pk}/advance/",
        "post",
        data=lambda o, p: {"status": "introduced"},
    ),
    "introductions_note_create": Operation(
        API_OFFICER_WRITE,
        lambda o: f"/api/v1/introductions/{o['funding_introduction_a'].pk}/note/",
        "post",
        data=lambda o, p: {"note": "已约见"},
    ),
    "investments_list": Operation(API_AUTHENTICATED, "/api/v1/investments/", "get"),
    "investments_create": Operation(
        API_OFFICER_CREATE,
        "/api/v1/investments/",
        "post",
        data=lambda o, p: {
            "company": o["company_a"].pk,
            "round": "seed",
            "amount": "500000.00",
            "investors": "王芳（天使投资人）",
            "closed_on": "2026-03-01",
        },
    ),
    "investments_retrieve": Operation(
        API_COMPANY_A_READ, lambda o: f"/api/v1/investments/{o['funding_investment_a'].pk}/", "get"
    ),
    "investments_partial_update": Operation(
        API_OFFICER_WRITE,
        lambda o: f"/api/v1/investments/{o['funding_investment_a'].pk}/",
        "patch",
        data=lambda o, p: {"note": "含对赌条款"},
    ),
    "funding_ledgers_list": Operation(API_AUTHENTICATED, "/api/v1/funding-ledgers/", "get"),
    "funding_ledgers_retrieve": Operation(
        API_COMPANY_A_READ, lambda o: f"/api/v1/funding-ledgers/{o['company_a'].pk}/", "get"
    ),
    "funding_totals_retrieve": Operation(
        Expect(anon=401, maker=403, staff=200, district=200, superuser=200), "/api/v1/funding-totals/", "get"
    ),
}

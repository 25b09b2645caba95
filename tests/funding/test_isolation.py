"""Maker B can read or change nothing of maker A's company: not its applications,
documents, tranches, introductions, investments or ledger, through the portal or the API.
Another company's objects answer 404, never a hint that they exist."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from funding import services
from funding.models import ApplicationDocument, Disbursement, FundingApplication, Introduction, Investment
from tests.funding.factories import PDF, ProgrammeFactory, application_in, introduction_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def a_things(maker_a, staff, company_a, sponsor):
    draft = application_in("draft", company=company_a, programme=ProgrammeFactory(), maker=maker_a, officer=staff)
    document = services.application_document_add(
        application=draft, by=maker_a, title="商业计划书", file=SimpleUploadedFile("p.pdf", PDF)
    )
    submitted = application_in(
        "submitted", company=company_a, programme=ProgrammeFactory(), maker=maker_a, officer=staff
    )
    award = application_in("approved", company=company_a, programme=ProgrammeFactory(), maker=maker_a, officer=staff)
    tranche = services.disbursement_schedule(application=award, by=staff, amount="1000", due_on=timezone.localdate())
    introduction = introduction_in("introduced", company=company_a, sponsor=sponsor, maker=maker_a, officer=staff)
    investment = services.investment_record(
        company=company_a, by=staff, amount="100", investors="天使", closed_on=timezone.localdate()
    )
    return {
        "draft": draft,
        "document": document,
        "submitted": submitted,
        "award": award,
        "tranche": tranche,
        "introduction": introduction,
        "investment": investment,
    }


def _snapshot():
    return (
        sorted(FundingApplication.objects.values_list("pk", "status", "requested_amount", "purpose")),
        ApplicationDocument.objects.count(),
        sorted(Disbursement.objects.values_list("pk", "amount", "paid_on")),
        sorted(Introduction.objects.values_list("pk", "status", "notes")),
        sorted(Investment.objects.values_list("pk", "amount")),
    )


def test_portal_pages_of_another_company_are_404(client_for, maker_b, company_a, company_b, a_things):
    client = client_for(maker_b)
    t = a_things
    gets = [
        reverse("funding:application_detail", args=[t["submitted"].pk]),
        reverse("funding:application_edit", args=[t["draft"].pk]),
        reverse("funding:document_download", args=[t["draft"].pk, t["document"].pk]),
        reverse("funding:introduction_detail", args=[t["introduction"].pk]),
        reverse("funding:ledger", args=[company_a.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    before = _snapshot()
    posts = {
        reverse("funding:application_edit", args=[t["draft"].pk]): {"requested_amount": "1", "purpose": "抢"},
        reverse("funding:application_submit", args=[t["draft"].pk]): {},
        reverse("funding:application_withdraw", args=[t["submitted"].pk]): {},
        reverse("funding:application_review", args=[t["submitted"].pk]): {},
        reverse("funding:application_approve", args=[t["submitted"].pk]): {"approved_amount": "1"},
        reverse("funding:application_reject", args=[t["submitted"].pk]): {"note": "x"},
        reverse("funding:document_add", args=[t["draft"].pk]): {"title": "x", "file": SimpleUploadedFile("p.pdf", PDF)},
        reverse("funding:document_remove", args=[t["draft"].pk, t["document"].pk]): {},
        reverse("funding:disbursement_add", args=[t["award"].pk]): {"amount": "1", "due_on": "2026-12-01"},
        reverse("funding:disbursement_paid", args=[t["tranche"].pk]): {"paid_on": "2026-11-01"},
        reverse("funding:disbursement_cancel", args=[t["tranche"].pk]): {},
        reverse("funding:introduction_advance", args=[t["introduction"].pk]): {"status": "declined"},
        reverse("funding:introduction_note", args=[t["introduction"].pk]): {"note": "x"},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    assert _snapshot() == before
    # The lists show only their own company's things.
    for name in ("funding:application_list", "funding:introduction_list"):
        page = client.get(reverse(name)).content.decode()
        assert company_a.name not in page, name
    # Applying or asking for company A is not offered: the form's company must be theirs.
    response = client.post(
        reverse("funding:application_create", args=[ProgrammeFactory().pk]),
        {"company": company_a.pk, "requested_amount": "1", "purpose": "x", "submit": "1"},
    )
    assert response.status_code == 200 and "company" in response.context["form"].errors
    assert _snapshot() == before


def test_api_objects_of_another_company_are_404(api_client_for, maker_b, company_a, company_b, a_things, sponsor):
    client = api_client_for(maker_b)
    t = a_things
    reads = [
        f"/api/v1/funding-applications/{t['submitted'].pk}/",
        f"/api/v1/disbursements/{t['tranche'].pk}/",
        f"/api/v1/introductions/{t['introduction'].pk}/",
        f"/api/v1/investments/{t['investment'].pk}/",
        f"/api/v1/funding-ledgers/{company_a.pk}/",
    ]
    for url in reads:
        response = client.get(url)
        assert response.status_code == 404 and response.json()["code"] == "not_found", url
    before = _snapshot()
    for url, method, body in [
        (f"/api/v1/funding-applications/{t['draft'].pk}/", "patch", {"purpose": "抢"}),
        (f"/api/v1/funding-applications/{t['draft'].pk}/submit/", "post", {}),
        (f"/api/v1/funding-applications/{t['submitted'].pk}/withdraw/", "post", {}),
        (f"/api/v1/funding-applications/{t['submitted'].pk}/review/", "post", {}),
        (f"/api/v1/funding-applications/{t['submitted'].pk}/reject/", "post", {"note": "x"}),
        (f"/api/v1/disbursements/{t['tranche'].pk}/pay/", "post", {"paid_on": "2026-11-01"}),
        (f"/api/v1/disbursements/{t['tranche'].pk}/", "delete", None),
        (f"/api/v1/introductions/{t['introduction'].pk}/advance/", "post", {"status": "declined"}),
        (f"/api/v1/introductions/{t['introduction'].pk}/note/", "post", {"note": "x"}),
        (f"/api/v1/investments/{t['investment'].pk}/", "patch", {"amount": "1"}),
    ]:
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 404, (method, url, response.status_code)
    # A body naming another company (or its application) is refused like an unknown one.
    for url, body, field in [
        (
            "/api/v1/funding-applications/",
            {"company": company_a.pk, "programme": ProgrammeFactory().pk, "requested_amount": "1", "purpose": "x"},
            "company",
        ),
        ("/api/v1/introductions/", {"company": company_a.pk, "sponsor": sponsor.pk}, "company"),
        (
            "/api/v1/disbursements/",
            {"application": t["award"].pk, "amount": "1", "due_on": "2026-12-01"},
            "application",
        ),
        (
            "/api/v1/investments/",
            {"company": company_a.pk, "amount": "1", "investors": "x", "closed_on": "2026-01-01"},
            "company",
        ),
    ]:
        response = client.post(url, body, format="json")
        assert response.status_code == 400 and field in response.json()["fields"], url
    assert _snapshot() == before
    for url in [
        "/api/v1/funding-applications/",
        "/api/v1/disbursements/",
        "/api/v1/introductions/",
        "/api/v1/investments/",
        "/api/v1/funding-ledgers/",
    ]:
        rows = client.get(url).json()["results"]
        assert all(row["company"] == company_b.pk for row in rows), url


def test_staff_see_only_their_sites_companies(api_client_for, staff, maker_b, superuser, company_b):
    other = application_in(
        "submitted", company=company_b, programme=ProgrammeFactory(), maker=maker_b, officer=superuser
    )
    client = api_client_for(staff)
    assert client.get(f"/api/v1/funding-applications/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/funding-ledgers/{company_b.pk}/").status_code == 404
    assert client.get("/api/v1/funding-totals/").json()["approved_amount"] == "0.00"


def test_district_reads_everything_and_changes_nothing(api_client_for, client_for, district, company_a, a_things):
    client = api_client_for(district)
    assert client.get(f"/api/v1/funding-applications/{a_things['submitted'].pk}/").status_code == 200
    before = _snapshot()
    response = client.post(f"/api/v1/funding-applications/{a_things['submitted'].pk}/review/")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert (
        client_for(district).post(reverse("funding:application_review", args=[a_things["submitted"].pk])).status_code
        == 403
    )
    assert _snapshot() == before

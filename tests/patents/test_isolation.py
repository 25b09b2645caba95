"""Maker B can read or change nothing of maker A's company: filings, events, deadlines,
documents and calendars answer 404 through the portal and the API, and nothing changes."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from patents import services
from patents.models import Deadline, Filing, FilingDocument, FilingEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def a_things(utility_a, invention_a, maker_a):
    document = services.filing_document_add(
        filing=utility_a, by=maker_a, title="证书", file=SimpleUploadedFile("c.pdf", PDF, "application/pdf")
    )
    return {"filing": utility_a, "deadline": utility_a.deadlines.get(), "document": document, "invention": invention_a}


def snapshot():
    return (
        list(Filing.objects.order_by("pk").values()),
        list(FilingEvent.objects.order_by("pk").values()),
        list(Deadline.objects.order_by("pk").values()),
        FilingDocument.objects.count(),
    )


def test_portal_pages_of_another_company_are_404(client_for, maker_b, invention_b, a_things):
    client = client_for(maker_b)
    filing, deadline, document = a_things["filing"], a_things["deadline"], a_things["document"]
    before = snapshot()
    for url in [
        reverse("patents:filing_detail", args=[filing.pk]),
        reverse("patents:filing_edit", args=[filing.pk]),
        reverse("patents:document_download", args=[filing.pk, document.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    posts = {
        reverse("patents:filing_edit", args=[filing.pk]): {"title": "抢注", "kind": "utility_model"},
        reverse("patents:filing_withdraw", args=[a_things["invention"].pk]): {},
        reverse("patents:event_create", args=[filing.pk]): {"kind": "lapse", "on": "2026-01-05"},
        reverse("patents:document_upload", args=[filing.pk]): {
            "title": "x",
            "file": SimpleUploadedFile("x.pdf", PDF, "application/pdf"),
        },
        reverse("patents:deadline_waive", args=[deadline.pk]): {"reason": "x"},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    assert snapshot() == before
    for name in ("patents:filing_list", "patents:deadline_list", "home"):
        page = client.get(reverse(name)).content.decode()
        assert filing.title not in page and a_things["invention"].title not in page, name
    assert invention_b.title in client.get(reverse("patents:filing_list")).content.decode()
    # Maker B's calendar holds maker B's deadlines only.
    feed = services.deadline_feed_obtain(user=maker_b)
    body = client.get(reverse("patents:feed_ics", args=[feed.token])).content.decode()
    assert "榫卯" not in body


def test_api_objects_of_another_company_are_404(api_client_for, maker_b, invention_b, a_things, company_a):
    client = api_client_for(maker_b)
    filing, deadline = a_things["filing"], a_things["deadline"]
    before = snapshot()
    for url in (f"/api/v1/filings/{filing.pk}/", f"/api/v1/deadlines/{deadline.pk}/"):
        response = client.get(url)
        assert response.status_code == 404 and response.json()["code"] == "not_found", url
    for method, url, body in [
        ("patch", f"/api/v1/filings/{filing.pk}/", {"title": "抢注"}),
        ("delete", f"/api/v1/filings/{filing.pk}/", None),
        ("post", f"/api/v1/filings/{filing.pk}/events/", {"kind": "lapse", "on": "2026-01-05"}),
        ("post", f"/api/v1/filings/{a_things['invention'].pk}/withdraw/", {}),
        ("post", f"/api/v1/deadlines/{deadline.pk}/waive/", {"reason": "x"}),
    ]:
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 404, (method, url, response.status_code)
    # A body naming another company is refused like an unknown one.
    response = client.post("/api/v1/filings/", {"company": company_a.pk, "kind": "trademark", "title": "抢注"})
    assert response.status_code == 400 and "company" in response.json()["fields"]
    assert snapshot() == before
    filings = client.get("/api/v1/filings/").json()["results"]
    assert [f["id"] for f in filings] == [invention_b.pk]
    deadlines = client.get("/api/v1/deadlines/").json()["results"]
    assert {d["filing"] for d in deadlines} == {invention_b.pk}
    assert client.get("/api/v1/deadlines/", {"company": company_a.pk}).json()["results"] == []


def test_staff_of_another_site_cannot_record_for_the_company(client_for, api_client_for, company_b, maker_b, staff):
    filing = services.filing_create(
        by=maker_b, company=company_b, kind="design", title="电表外壳", filing_date=date(2025, 5, 6)
    )
    assert client_for(staff).get(reverse("patents:filing_detail", args=[filing.pk])).status_code == 404
    response = api_client_for(staff).post(
        f"/api/v1/filings/{filing.pk}/events/", {"kind": "office_action", "on": "2026-01-05"}
    )
    assert response.status_code == 404

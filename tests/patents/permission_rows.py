"""Permission-table rows of the patents app: its portal pages, admin models and API.

Company A is maker A's, resident at site A where the staff persona works; maker B sees none
of its filings (404), the district reads them and changes nothing."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.permissions import ADMIN_ONLY, API_AUTHENTICATED, SIGNED_IN, AdminRow, Expect, Operation, Route

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

FILING_A_READ = Expect(anon=302, maker=404, maker_a=200, staff=200, district=200, superuser=200)
FILING_A_EDIT = Expect(anon=302, maker=404, maker_a=200, staff=200, district=404, superuser=200)
FILING_A_WRITE = Expect(anon=302, maker=404, maker_a=302, staff=302, district=404, superuser=302)
API_FILING_A_READ = Expect(anon=401, maker=404, maker_a=200, staff=200, district=200, superuser=200)
API_FILING_A_WRITE = Expect(anon=401, maker=404, maker_a=200, staff=200, district=403, superuser=200)


def fresh_invention(objects: dict):
    """A pending invention of company A filed two years ago: its examination deadline is open."""
    from patents import services

    today = timezone.localdate()
    return services.filing_create(
        by=objects["maker_a"],
        company=objects["company_a"],
        kind="invention",
        title="一种曲面榫卯构件的数控加工夹具",
        filing_date=today - timedelta(days=730),
    )


def fresh_draft(objects: dict):
    from patents import services

    return services.filing_create(by=objects["maker_a"], company=objects["company_a"], kind="trademark", title="榫语")


def fresh_deadline(objects: dict):
    return fresh_invention(objects).deadlines.get()


def event_data(objects: dict, persona: str) -> dict:
    return {"kind": "office_action", "on": (timezone.localdate() - timedelta(days=30)).isoformat()}


def add_objects(objects: dict) -> None:
    """Company A's invention with an office action, its open deadline and a document."""
    from patents import services

    filing = fresh_invention(objects)
    objects["filing_a"] = filing
    objects["event_a"] = services.filing_event_record(
        filing=filing,
        by=objects["staff"],
        kind="office_action",
        on=timezone.localdate() - timedelta(days=60),
    )
    objects["deadline_a"] = filing.deadlines.get(rule="office_action_response")
    objects["document_a"] = services.filing_document_add(
        filing=filing,
        by=objects["maker_a"],
        title="审查意见通知书",
        file=SimpleUploadedFile("notice.pdf", PDF, content_type="application/pdf"),
    )


ROUTES = {
    # --- patents ---
    "patents:filing_list": Route(SIGNED_IN),
    "patents:filing_create": Route(Expect(anon=302, maker=200, staff=200, district=403, superuser=200)),
    "patents:filing_detail": Route(
        FILING_A_READ, url=lambda o: reverse("patents:filing_detail", args=[o["filing_a"].pk])
    ),
    "patents:filing_edit": Route(FILING_A_EDIT, url=lambda o: reverse("patents:filing_edit", args=[o["filing_a"].pk])),
    "patents:filing_withdraw": Route(
        FILING_A_WRITE,
        method="post",
        url=lambda o: reverse("patents:filing_withdraw", args=[fresh_invention(o).pk]),
    ),
    "patents:event_create": Route(
        FILING_A_WRITE,
        method="post",
        url=lambda o: reverse("patents:event_create", args=[fresh_invention(o).pk]),
        data=event_data,
    ),
    "patents:document_upload": Route(
        FILING_A_WRITE,
        method="post",
        url=lambda o: reverse("patents:document_upload", args=[o["filing_a"].pk]),
        data=lambda o, p: {"title": "受理通知书", "file": SimpleUploadedFile("a.pdf", PDF, "application/pdf")},
    ),
    "patents:document_download": Route(
        FILING_A_READ,
        url=lambda o: reverse("patents:document_download", args=[o["filing_a"].pk, o["document_a"].pk]),
    ),
    "patents:deadline_list": Route(SIGNED_IN),
    "patents:deadline_waive": Route(
        FILING_A_WRITE,
        method="post",
        url=lambda o: reverse("patents:deadline_waive", args=[fresh_deadline(o).pk]),
        data=lambda o, p: {"reason": "公司决定不再维持"},
    ),
    "patents:feed": Route(SIGNED_IN),
    "patents:feed_reset": Route(Expect(302, 302, 302, 302, 302), method="post"),
    # The secret address is the key: it answers whoever holds it.
    "patents:feed_ics": Route(
        Expect(200, 200, 200, 200, 200), url=lambda o: reverse("patents:feed_ics", args=[_feed_token(o)])
    ),
    "patents:indicators": Route(Expect(anon=302, maker=403, staff=200, district=200, superuser=200)),
    "admin:patents_filing_import": Route(ADMIN_ONLY),
    "admin:patents_filing_process_import": Route(Expect(302, 302, 405, 302, 405)),
}

ADMIN_MODELS = {
    "patents.filing": AdminRow(200, 200, make=lambda o: o["filing_a"]),
    "patents.filingevent": AdminRow(200, 200, make=lambda o: o["event_a"]),
    "patents.deadline": AdminRow(200, 403, superuser_add=403, make=lambda o: o["deadline_a"]),
    "patents.filingdocument": AdminRow(200, 200, make=lambda o: o["document_a"]),
    "patents.ipsettings": AdminRow(200, 403, superuser_add=403, make=lambda o: _ip_settings()),
}


def _feed_token(objects: dict) -> str:
    """Maker A's current address (a reset by an earlier row changes it)."""
    from patents.services import deadline_feed_obtain

    return deadline_feed_obtain(user=objects["maker_a"]).token


def _ip_settings():
    from patents.services import ip_settings_get

    return ip_settings_get()


OPERATIONS = {
    # --- patents ---
    "filings_list": Operation(API_AUTHENTICATED, "/api/v1/filings/", "get"),
    "filings_retrieve": Operation(API_FILING_A_READ, lambda o: f"/api/v1/filings/{o['filing_a'].pk}/", "get"),
    "filings_create": Operation(
        Expect(anon=401, maker=400, maker_a=201, staff=201, district=403, superuser=201),
        "/api/v1/filings/",
        "post",
        data=lambda o, p: {
            "company": o["company_a"].pk,
            "kind": "trademark",
            "title": "SUNMAO 榫卯",
            "nice_classes": [20],
        },
    ),
    "filings_partial_update": Operation(
        API_FILING_A_WRITE,
        lambda o: f"/api/v1/filings/{o['filing_a'].pk}/",
        "patch",
        data=lambda o, p: {"agency": "天津市北洋有限责任专利代理事务所"},
    ),
    "filings_destroy": Operation(
        Expect(anon=401, maker=404, maker_a=204, staff=204, district=403, superuser=204),
        lambda o: f"/api/v1/filings/{fresh_draft(o).pk}/",
        "delete",
    ),
    "filings_events_create": Operation(
        Expect(anon=401, maker=404, maker_a=201, staff=201, district=403, superuser=201),
        lambda o: f"/api/v1/filings/{fresh_invention(o).pk}/events/",
        "post",
        data=event_data,
    ),
    "filings_withdraw_create": Operation(
        API_FILING_A_WRITE, lambda o: f"/api/v1/filings/{fresh_invention(o).pk}/withdraw/", "post"
    ),
    "deadlines_list": Operation(API_AUTHENTICATED, "/api/v1/deadlines/", "get"),
    "deadlines_retrieve": Operation(API_FILING_A_READ, lambda o: f"/api/v1/deadlines/{o['deadline_a'].pk}/", "get"),
    "deadlines_waive_create": Operation(
        API_FILING_A_WRITE,
        lambda o: f"/api/v1/deadlines/{fresh_deadline(o).pk}/waive/",
        "post",
        data=lambda o, p: {"reason": "公司决定不再维持"},
    ),
}

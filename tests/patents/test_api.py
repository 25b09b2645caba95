"""The filings and deadlines API. Today is Monday 2026-03-02."""

from datetime import date

import pytest

from patents import services
from patents.choices import DeadlineStatus
from patents.models import Filing
from tests.patents.factories import cn_number
from tests.patents.test_views import make_filings

pytestmark = pytest.mark.django_db


def test_create_a_filing_and_read_its_deadlines(api_client_for, maker_a, company_a):
    client = api_client_for(maker_a)
    response = client.post(
        "/api/v1/filings/",
        {
            "company": company_a.pk,
            "kind": "invention",
            "title": "一种免胶榫卯连接构件及其加工方法",
            "application_number": cn_number("invention", 2023, 1234567),
            "filing_date": "2023-03-16",
            "inventors": ["张伟"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "filed" and body["expires_on"] == "2043-03-15" and body["events"] == []
    deadlines = client.get("/api/v1/deadlines/", {"filing": body["id"]}).json()["results"]
    assert [(d["rule"], d["due_on"], d["status"]) for d in deadlines] == [
        ("substantive_examination", "2026-03-16", "open")
    ]
    assert deadlines[0]["law"].startswith("《专利法》第三十五条")


def test_record_events_through_the_nested_endpoint(api_client_for, maker_a, invention_a):
    client = api_client_for(maker_a)
    url = f"/api/v1/filings/{invention_a.pk}/events/"
    assert client.post(url, {"kind": "examination_requested", "on": "2026-02-27"}, format="json").status_code == 201
    notice = client.post(url, {"kind": "office_action", "on": "2026-03-02"}, format="json").json()
    response = client.post(url, {"kind": "response_filed", "on": "2026-03-02", "answers": notice["id"]}, format="json")
    assert response.status_code == 201 and response.json()["answers"] == notice["id"]
    filing = client.get(f"/api/v1/filings/{invention_a.pk}/").json()
    assert filing["status"] == "under_examination"
    assert [e["kind"] for e in filing["events"]] == ["examination_requested", "office_action", "response_filed"]
    open_ones = client.get("/api/v1/deadlines/", {"status": "open"}).json()["results"]
    assert open_ones == []


def test_errors_have_stable_codes(api_client_for, maker_a, invention_a, utility_a):
    client = api_client_for(maker_a)
    response = client.post(
        f"/api/v1/filings/{invention_a.pk}/events/", {"kind": "annuity_paid", "on": "2026-03-01", "period": 3}
    )
    assert response.status_code == 400 and response.json()["code"] == "validation_error"
    assert "kind" in response.json()["fields"]
    url = f"/api/v1/filings/{utility_a.pk}/events/"
    assert client.post(url, {"kind": "annuity_paid", "on": "2026-03-01", "period": 3}).status_code == 201
    response = client.post(url, {"kind": "annuity_paid", "on": "2026-03-01", "period": 3})
    assert (response.status_code, response.json()["code"]) == (409, "already_paid")
    response = client.post(url, {"kind": "restoration", "on": "2026-03-01"})
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")
    response = client.post(url, {"kind": "response_filed", "on": "2026-03-01", "answers": 999999})
    assert response.status_code == 400 and "answers" in response.json()["fields"]
    response = client.post(
        "/api/v1/filings/",
        {"company": invention_a.company_id, "kind": "invention", "title": "x", "application_number": "202110123456.8"},
    )
    assert response.status_code == 400 and "application_number" in response.json()["fields"]
    response = client.post(
        "/api/v1/filings/",
        {
            "company": invention_a.company_id,
            "kind": "invention",
            "title": "x",
            "application_number": invention_a.application_number,
            "filing_date": "2023-03-16",
        },
    )
    assert (response.status_code, response.json()["code"]) == (409, "duplicate_number")
    assert (
        client.post(
            "/api/v1/filings/", {"company": invention_a.company_id, "kind": "trademark", "title": 5}
        ).status_code
        == 400
    )


def test_update_withdraw_and_delete(api_client_for, maker_a, company_a, invention_a):
    client = api_client_for(maker_a)
    response = client.patch(f"/api/v1/filings/{invention_a.pk}/", {"filing_date": "2023-04-05"})
    assert response.status_code == 200
    assert invention_a.deadlines.get().due_on == date(2026, 4, 7)
    response = client.post(f"/api/v1/filings/{invention_a.pk}/withdraw/")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    response = client.delete(f"/api/v1/filings/{invention_a.pk}/")
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")
    draft = services.filing_create(by=maker_a, company=company_a, kind="trademark", title="x")
    assert client.delete(f"/api/v1/filings/{draft.pk}/").status_code == 204
    assert not Filing.objects.filter(pk=draft.pk).exists()


def test_waive_a_deadline(api_client_for, maker_a, utility_a, district):
    row = utility_a.deadlines.get()
    assert api_client_for(district).post(f"/api/v1/deadlines/{row.pk}/waive/", {"reason": "x"}).status_code == 403
    client = api_client_for(maker_a)
    assert client.post(f"/api/v1/deadlines/{row.pk}/waive/", {}).status_code == 400
    response = client.post(f"/api/v1/deadlines/{row.pk}/waive/", {"reason": "不再维持该专利"})
    assert response.status_code == 200 and response.json()["status"] == DeadlineStatus.WAIVED
    response = client.post(f"/api/v1/deadlines/{row.pk}/waive/", {"reason": "again"})
    assert (response.status_code, response.json()["code"]) == (409, "invalid_transition")


def test_deadline_filters(api_client_for, maker_a, utility_a, trademark_a, invention_a):
    client = api_client_for(maker_a)
    rows = client.get("/api/v1/deadlines/", {"due_before": "2026-04-01"}).json()["results"]
    assert {r["rule"] for r in rows} == {"annuity", "substantive_examination"}
    assert [r["due_on"] for r in rows] == sorted(r["due_on"] for r in rows)
    assert client.get("/api/v1/deadlines/", {"due_before": ""}).status_code == 400
    assert client.get("/api/v1/deadlines/", {"rule": "nonsense"}).status_code == 400
    annuity = client.get("/api/v1/deadlines/", {"rule": "annuity"}).json()["results"][0]
    assert (annuity["grace_ends_on"], annuity["action"]) == ("2026-09-15", "缴纳第 3 年度年费。")


def test_lists_keep_a_constant_number_of_queries(api_client_for, maker_a, company_a, assert_constant_queries):
    make_filings(company_a, maker_a, 1, start=900)
    client = api_client_for(maker_a)
    for url in ("/api/v1/filings/", "/api/v1/deadlines/"):
        assert_constant_queries(
            fetch=lambda u=url: client.get(u), grow=lambda u=url: make_filings(company_a, maker_a, 3, start=len(u) * 10)
        )


def test_district_reads_and_writes_nothing(api_client_for, district, invention_a, company_a):
    client = api_client_for(district)
    assert client.get(f"/api/v1/filings/{invention_a.pk}/").status_code == 200
    assert (
        client.post("/api/v1/filings/", {"company": company_a.pk, "kind": "trademark", "title": "x"}).status_code == 403
    )
    assert client.patch(f"/api/v1/filings/{invention_a.pk}/", {"title": "x"}).status_code == 403
    assert (
        client.post(f"/api/v1/filings/{invention_a.pk}/events/", {"kind": "lapse", "on": "2026-01-01"}).status_code
        == 403
    )

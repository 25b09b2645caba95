"""The funding API: shapes, stable error codes, and constant queries on every list."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from funding import services
from funding.models import FundingApplication, Investment
from tests.factories import UserFactory, resident_company
from tests.funding.factories import (
    PDF,
    ProgrammeFactory,
    SponsorContactFactory,
    SponsorFactory,
    application_in,
    introduction_in,
)

pytestmark = pytest.mark.django_db


def _body(company, programme, **extra):
    return {
        "company": company.pk,
        "programme": programme.pk,
        "requested_amount": "1500000.00",
        "purpose": "建设中试线。",
        **extra,
    }


class TestApplications:
    def test_apply_submit_review_approve(self, api_client_for, maker_a, staff, company_a, programme):
        maker = api_client_for(maker_a)
        response = maker.post("/api/v1/funding-applications/", _body(company_a, programme), format="json")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["status"] == "draft" and body["requested_amount"] == "1500000.00" and body["documents"] == []
        pk = body["id"]
        assert (
            maker.patch(f"/api/v1/funding-applications/{pk}/", {"purpose": "改"}, format="json").json()["purpose"]
            == "改"
        )
        assert maker.post(f"/api/v1/funding-applications/{pk}/submit/").json()["status"] == "submitted"
        officer = api_client_for(staff)
        assert officer.post(f"/api/v1/funding-applications/{pk}/review/").json()["status"] == "under_review"
        response = officer.post(
            f"/api/v1/funding-applications/{pk}/approve/", {"approved_amount": "1200000", "note": "分期"}, format="json"
        )
        body = response.json()
        assert body["status"] == "approved" and body["approved_amount"] == "1200000.00"
        assert body["decided_by"] == staff.pk and body["budget_year"] == timezone.localdate().year

    def test_submit_at_once(self, api_client_for, maker_a, company_a, programme):
        response = api_client_for(maker_a).post(
            "/api/v1/funding-applications/", _body(company_a, programme, submit=True), format="json"
        )
        assert response.json()["status"] == "submitted"

    @pytest.mark.parametrize(
        "change, field",
        [
            ({"requested_amount": "0"}, "requested_amount"),
            ({"requested_amount": "2000000.01"}, "requested_amount"),
            ({"requested_amount": "1e400"}, "requested_amount"),
            ({"purpose": 42}, "purpose"),
            ({"requested_amount": 1500000}, "requested_amount"),
            ({"submit": 1}, "submit"),
            ({"company": 999999}, "company"),
            ({"programme": "x"}, "programme"),
        ],
    )
    def test_bad_input_is_a_400_with_the_field(self, api_client_for, maker_a, company_a, programme, change, field):
        response = api_client_for(maker_a).post(
            "/api/v1/funding-applications/", {**_body(company_a, programme), **change}, format="json"
        )
        assert response.status_code == 400 and response.json()["code"] == "validation_error"
        assert field in response.json()["fields"]

    def test_a_closed_programme_and_an_ineligible_company_are_409s(self, api_client_for, maker_a, company_a):
        closed = ProgrammeFactory(closes_on=timezone.localdate() - timedelta(days=1))
        response = api_client_for(maker_a).post(
            "/api/v1/funding-applications/", _body(company_a, closed), format="json"
        )
        assert response.status_code == 409 and response.json()["code"] == "programme_closed"
        listed_only = ProgrammeFactory(required_designations=["listed"])
        response = api_client_for(maker_a).post(
            "/api/v1/funding-applications/", _body(company_a, listed_only), format="json"
        )
        assert response.status_code == 409 and response.json()["code"] == "not_eligible"
        response = api_client_for(maker_a).post(
            "/api/v1/funding-applications/", _body(company_a, listed_only), format="json", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert "Listed company" in response.json()["detail"]

    def test_a_budget_overrun_answers_409_over_budget(
        self, api_client_for, maker_a, maker_b, staff, superuser, company_a, company_b
    ):
        programme = ProgrammeFactory(budget=Decimal("1500000"), max_award=Decimal("1000000"))
        a = application_in("under_review", company=company_a, programme=programme, maker=maker_a, officer=staff)
        b = application_in("under_review", company=company_b, programme=programme, maker=maker_b, officer=superuser)
        assert (
            api_client_for(staff).post(f"/api/v1/funding-applications/{a.pk}/approve/", {}, format="json").status_code
            == 200
        )
        response = api_client_for(superuser).post(f"/api/v1/funding-applications/{b.pk}/approve/", {}, format="json")
        assert response.status_code == 409
        body = response.json()
        assert body["code"] == "over_budget" and body["fields"] == {"approved_amount": [body["detail"]]}
        assert FundingApplication.objects.get(pk=b.pk).status == "under_review"

    def test_a_refused_transition_is_a_409(self, api_client_for, maker_a, staff, company_a, programme):
        application = application_in("draft", company=company_a, programme=programme, maker=maker_a, officer=staff)
        response = api_client_for(staff).post(
            f"/api/v1/funding-applications/{application.pk}/approve/", {}, format="json"
        )
        assert response.status_code == 409 and response.json()["code"] == "invalid_transition"

    def test_reject_needs_a_note(self, api_client_for, maker_a, staff, company_a, programme):
        application = application_in("submitted", company=company_a, programme=programme, maker=maker_a, officer=staff)
        response = api_client_for(staff).post(
            f"/api/v1/funding-applications/{application.pk}/reject/", {}, format="json"
        )
        assert response.status_code == 400 and "note" in response.json()["fields"]

    def test_filters(self, api_client_for, maker_a, staff, company_a, programme):
        application_in("submitted", company=company_a, programme=programme, maker=maker_a, officer=staff)
        client = api_client_for(staff)
        assert client.get("/api/v1/funding-applications/?status=submitted").json()["count"] == 1
        assert client.get("/api/v1/funding-applications/?status=approved").json()["count"] == 0
        assert client.get(f"/api/v1/funding-applications/?programme={programme.pk}").json()["count"] == 1
        assert client.get("/api/v1/funding-applications/?status=nonsense").status_code == 400
        assert client.get("/api/v1/funding-applications/?company=1.5").status_code == 400


class TestProgrammes:
    def test_staff_create_and_change(self, api_client_for, staff):
        client = api_client_for(staff)
        response = client.post(
            "/api/v1/programmes/",
            {
                "name": "上市挂牌奖励",
                "level": "district",
                "kind": "listing_reward",
                "funder": "河西区人民政府",
                "budget": "50000000",
                "min_award": "500000",
                "max_award": "5000000",
                "required_designations": ["listed"],
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["approved_total"] == "0.00" and body["remaining_budget"] == "50000000.00" and body["is_open"]
        response = client.patch(f"/api/v1/programmes/{body['id']}/", {"min_award": "6000000"}, format="json")
        assert response.status_code == 400 and "min_award" in response.json()["fields"]

    def test_the_budget_cannot_drop_below_what_is_approved(self, api_client_for, maker_a, staff, company_a, programme):
        application_in("approved", company=company_a, programme=programme, maker=maker_a, officer=staff)
        response = api_client_for(staff).patch(
            f"/api/v1/programmes/{programme.pk}/", {"budget": "500000", "max_award": "500000"}, format="json"
        )
        assert response.status_code == 409 and response.json()["code"] == "budget_below_approved"

    def test_open_filter_and_hidden_programmes(self, api_client_for, maker_a, staff, programme):
        ProgrammeFactory(
            closes_on=timezone.localdate() - timedelta(days=1), opens_on=timezone.localdate() - timedelta(days=9)
        )
        hidden = ProgrammeFactory(is_active=False)
        maker = api_client_for(maker_a)
        assert [p["id"] for p in maker.get("/api/v1/programmes/?open=true").json()["results"]] == [programme.pk]
        assert maker.get(f"/api/v1/programmes/{hidden.pk}/").status_code == 404
        assert api_client_for(staff).get(f"/api/v1/programmes/{hidden.pk}/").status_code == 200
        assert maker.get("/api/v1/programmes/?open=perhaps").status_code == 400


class TestDisbursements:
    def test_schedule_pay_and_remove(self, api_client_for, maker_a, staff, company_a, programme):
        award = application_in("approved", company=company_a, programme=programme, maker=maker_a, officer=staff)
        client = api_client_for(staff)
        body = {"application": award.pk, "amount": "700000", "due_on": "2026-12-20"}
        first = client.post("/api/v1/disbursements/", body, format="json").json()
        response = client.post("/api/v1/disbursements/", body, format="json")
        assert response.status_code == 409 and response.json()["code"] == "over_award"
        today = timezone.localdate().isoformat()
        paid = client.post(f"/api/v1/disbursements/{first['id']}/pay/", {"paid_on": today}, format="json").json()
        assert paid["paid_on"] == today and paid["company"] == company_a.pk
        response = client.delete(f"/api/v1/disbursements/{first['id']}/")
        assert response.status_code == 409 and response.json()["code"] == "already_paid"
        assert client.get("/api/v1/disbursements/?paid=true").json()["count"] == 1
        assert client.get("/api/v1/disbursements/?paid=false").json()["count"] == 0


class TestSponsorsAndIntroductions:
    def test_contacts_and_notes_are_for_staff_and_the_district(
        self, api_client_for, maker_a, staff, district, company_a, sponsor
    ):
        SponsorContactFactory(sponsor=sponsor)
        introduction_in("introduced", company=company_a, sponsor=sponsor, maker=maker_a, officer=staff)
        services.introduction_add_note(introduction=company_a.introductions.get(), by=staff, note="对方关注毛利")
        maker = api_client_for(maker_a)
        assert maker.get(f"/api/v1/sponsors/{sponsor.pk}/").json()["contacts"] == []
        assert maker.get("/api/v1/introductions/").json()["results"][0]["notes"] == ""
        for user in (staff, district):
            client = api_client_for(user)
            assert len(client.get(f"/api/v1/sponsors/{sponsor.pk}/").json()["contacts"]) == 1
            assert "对方关注毛利" in client.get("/api/v1/introductions/").json()["results"][0]["notes"]

    def test_ask_advance_and_invest(self, api_client_for, maker_a, staff, company_a, sponsor):
        response = api_client_for(maker_a).post(
            "/api/v1/introductions/", {"company": company_a.pk, "sponsor": sponsor.pk, "message": "A轮"}, format="json"
        )
        assert response.status_code == 201 and response.json()["status"] == "requested"
        pk = response.json()["id"]
        duplicate = api_client_for(maker_a).post(
            "/api/v1/introductions/", {"company": company_a.pk, "sponsor": sponsor.pk}, format="json"
        )
        assert duplicate.status_code == 409 and duplicate.json()["code"] == "duplicate_introduction"
        officer = api_client_for(staff)
        for status in ("introduced", "meeting_held", "term_sheet"):
            assert (
                officer.post(f"/api/v1/introductions/{pk}/advance/", {"status": status}, format="json").status_code
                == 200
            )
        response = officer.post(f"/api/v1/introductions/{pk}/advance/", {"status": "invested"}, format="json")
        assert response.status_code == 400 and "amount_invested" in response.json()["fields"]
        response = officer.post(
            f"/api/v1/introductions/{pk}/advance/",
            {"status": "invested", "amount_invested": "8000000", "round": "series_a"},
            format="json",
        )
        assert response.json()["amount_invested"] == "8000000.00"
        investment = officer.get("/api/v1/investments/").json()["results"][0]
        assert investment["introduction"] == pk and investment["amount"] == "8000000.00"
        response = officer.post(f"/api/v1/introductions/{pk}/advance/", {"status": "dormant"}, format="json")
        assert response.status_code == 409 and response.json()["code"] == "invalid_transition"

    def test_an_investment_stays_with_its_company(self, api_client_for, staff, company_a, site_a):
        other = resident_company(site=site_a, owner=UserFactory())
        investment = services.investment_record(
            company=company_a, by=staff, amount="1", investors="x", closed_on=timezone.localdate()
        )
        response = api_client_for(staff).patch(
            f"/api/v1/investments/{investment.pk}/", {"company": other.pk, "amount": "2"}, format="json"
        )
        assert response.status_code == 200
        assert Investment.objects.get(pk=investment.pk).company == company_a


class TestLedgerAndTotals:
    def test_totals_are_for_staff_and_the_district(
        self, api_client_for, maker_a, district, staff, company_a, programme
    ):
        application_in("approved", company=company_a, programme=programme, maker=maker_a, officer=staff)
        assert api_client_for(maker_a).get("/api/v1/funding-totals/").status_code == 403
        body = api_client_for(district).get("/api/v1/funding-totals/").json()
        assert body["approved_amount"] == "1000000.00" and body["by_level"][0]["key"] == "municipal"
        assert api_client_for(district).get("/api/v1/funding-totals/?year=1").status_code == 400
        year = timezone.localdate().year
        assert (
            api_client_for(district).get(f"/api/v1/funding-totals/?year={year - 1}").json()["approved_amount"] == "0.00"
        )

    def test_ledger_summaries(self, api_client_for, maker_a, staff, company_a, company_b, programme):
        application_in("approved", company=company_a, programme=programme, maker=maker_a, officer=staff)
        rows = api_client_for(maker_a).get("/api/v1/funding-ledgers/").json()["results"]
        assert rows == [
            {
                "company": company_a.pk,
                "name": company_a.name,
                "awarded": "1000000.00",
                "disbursed": "0.00",
                "invested": "0.00",
            }
        ]
        assert api_client_for(maker_a).get("/api/v1/funding-ledgers/99999999999999999999/").status_code == 404


def _grow_everything(site, officer, n=3):
    for _ in range(n):
        owner = UserFactory()
        company = resident_company(site=site, owner=owner)
        award = application_in("approved", company=company, programme=ProgrammeFactory(), maker=owner, officer=officer)
        services.application_document_add(
            application=application_in(
                "draft", company=company, programme=ProgrammeFactory(), maker=owner, officer=officer
            ),
            by=owner,
            title="计划",
            file=SimpleUploadedFile("p.pdf", PDF, content_type="application/pdf"),
        )
        services.disbursement_schedule(application=award, by=officer, amount="1", due_on=timezone.localdate())
        sponsor = SponsorFactory()
        SponsorContactFactory(sponsor=sponsor)
        introduction_in("invested", company=company, sponsor=sponsor, maker=owner, officer=officer)


LISTS = [
    "/api/v1/programmes/",
    "/api/v1/funding-applications/",
    "/api/v1/disbursements/",
    "/api/v1/sponsors/",
    "/api/v1/introductions/",
    "/api/v1/investments/",
    "/api/v1/funding-ledgers/",
    "/api/v1/funding-totals/",
]


@pytest.mark.parametrize("url", LISTS)
def test_lists_run_a_constant_number_of_queries(url, api_client_for, staff, site_a, assert_constant_queries):
    _grow_everything(site_a, staff, 1)
    client = api_client_for(staff)
    assert_constant_queries(fetch=lambda: client.get(url), grow=lambda: _grow_everything(site_a, staff))


def test_the_ledger_runs_a_constant_number_of_queries(
    api_client_for, maker_a, staff, company_a, assert_constant_queries
):
    def grow():
        award = application_in(
            "approved", company=company_a, programme=ProgrammeFactory(), maker=maker_a, officer=staff
        )
        tranche = services.disbursement_schedule(application=award, by=staff, amount="1", due_on=timezone.localdate())
        services.disbursement_mark_paid(disbursement=tranche, by=staff, paid_on=timezone.localdate())

    grow()
    client = api_client_for(maker_a)
    assert_constant_queries(fetch=lambda: client.get(f"/api/v1/funding-ledgers/{company_a.pk}/"), grow=grow)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["year=", "year=2025&year=2026", "year=abc"])
def test_totals_refuse_a_malformed_year(api_client_for, district, query):
    response = api_client_for(district).get(f"/api/v1/funding-totals/?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"

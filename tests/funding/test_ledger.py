"""The company's ledger against a fixture whose totals were worked out by hand.

Company A (maker A's):
  2024  district rent subsidy approved            500,000.00
        paid 2024-06-01                           200,000.00
        angel round 2024-11-20                  3,000,000.00
  2025  paid 2025-01-15 (rent subsidy)            300,000.00
        municipal innovation fund approved      1,500,000.00
        paid 2025-09-01                           750,000.00
        (a second tranche of 750,000.00 is scheduled, not paid: not on the ledger)
        Series A through an introduction
        2025-10-10                              8,000,000.00
  Not on the ledger: a rejected ministry application and a submitted one.
  Company B's award of 1,000,000.00 is on company B's ledger only.

  by year       awarded        paid out       invested
  2024            500,000.00     200,000.00   3,000,000.00
  2025          1,500,000.00   1,050,000.00   8,000,000.00
  total         2,000,000.00   1,250,000.00  11,000,000.00  (750,000.00 still to come)

  by level      awarded        paid out
  municipal     1,500,000.00     750,000.00
  district        500,000.00     500,000.00
"""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from funding import selectors, services
from funding.models import FundingApplication, Introduction
from tests.funding.factories import ProgrammeFactory, SponsorFactory, application_in, introduction_in

pytestmark = pytest.mark.django_db

D = Decimal


def _decided_in(application, year, month=7):
    decided = timezone.make_aware(datetime(year, month, 1, 10, 0))
    FundingApplication.objects.filter(pk=application.pk).update(budget_year=year, decided_at=decided)


@pytest.fixture
def ledger_fixture(maker_a, maker_b, staff, superuser, company_a, company_b):
    rent = ProgrammeFactory(name="河西区房租补贴", level="district", kind="rent_subsidy", max_award=D("1000000"))
    fund = ProgrammeFactory(name="天津市科技型中小企业创新资金", level="municipal", max_award=D("2000000"))
    ministry = ProgrammeFactory(name="工信部专精特新资助", level="ministry", max_award=D("4000000"))

    a1 = application_in("approved", company=company_a, programme=rent, maker=maker_a, officer=staff, amount=D("500000"))
    _decided_in(a1, 2024, 3)
    t1 = services.disbursement_schedule(application=a1, by=staff, amount="200000", due_on=date(2024, 6, 1))
    services.disbursement_mark_paid(disbursement=t1, by=staff, paid_on=date(2024, 6, 1), reference="河财拨〔2024〕31号")
    t2 = services.disbursement_schedule(application=a1, by=staff, amount="300000", due_on=date(2025, 1, 15))
    services.disbursement_mark_paid(disbursement=t2, by=staff, paid_on=date(2025, 1, 15))

    a2 = application_in(
        "approved",
        company=company_a,
        programme=fund,
        maker=maker_a,
        officer=staff,
        amount=D("1800000"),
        approved=D("1500000"),
    )
    _decided_in(a2, 2025, 4)
    t3 = services.disbursement_schedule(application=a2, by=staff, amount="750000", due_on=date(2025, 9, 1))
    services.disbursement_mark_paid(disbursement=t3, by=staff, paid_on=date(2025, 9, 1))
    services.disbursement_schedule(application=a2, by=staff, amount="750000", due_on=date(2026, 12, 31))

    application_in("rejected", company=company_a, programme=ministry, maker=maker_a, officer=staff)
    application_in(
        "submitted", company=company_a, programme=ProgrammeFactory(level="national"), maker=maker_a, officer=staff
    )

    services.investment_record(
        company=company_a,
        by=staff,
        amount="3000000",
        investors="李明（天使投资人）",
        closed_on=date(2024, 11, 20),
        round="angel",
    )
    introduction = introduction_in(
        "term_sheet", company=company_a, sponsor=SponsorFactory(name="中民投"), maker=maker_a, officer=staff
    )
    Introduction.objects.filter(pk=introduction.pk).update(requested_on=date(2025, 5, 1))
    introduction.refresh_from_db()
    services.introduction_advance(
        introduction=introduction,
        by=staff,
        status="invested",
        on=date(2025, 10, 10),
        amount_invested="8000000",
        round="series_a",
        investors="中民投",
    )

    other = application_in("approved", company=company_b, programme=fund, maker=maker_b, officer=superuser)
    return {"a1": a1, "a2": a2, "other": other}


def test_totals_match_the_hand_computed_ledger(ledger_fixture, maker_a, company_a):
    ledger = selectors.company_ledger(maker_a, company_a.pk)
    assert (ledger.awarded, ledger.disbursed, ledger.outstanding, ledger.invested) == (
        D("2000000.00"),
        D("1250000.00"),
        D("750000.00"),
        D("11000000.00"),
    )
    assert [(y.year, y.awarded, y.disbursed, y.invested) for y in ledger.years] == [
        (2024, D("500000.00"), D("200000.00"), D("3000000.00")),
        (2025, D("1500000.00"), D("1050000.00"), D("8000000.00")),
    ]
    assert [(lv.level, lv.awarded, lv.disbursed) for lv in ledger.levels] == [
        ("municipal", D("1500000.00"), D("750000.00")),
        ("district", D("500000.00"), D("500000.00")),
    ]
    assert [(e.on, e.kind, e.amount) for e in ledger.entries] == [
        (date(2024, 3, 1), "award", D("500000.00")),
        (date(2024, 6, 1), "disbursement", D("200000.00")),
        (date(2024, 11, 20), "investment", D("3000000.00")),
        (date(2025, 1, 15), "disbursement", D("300000.00")),
        (date(2025, 4, 1), "award", D("1500000.00")),
        (date(2025, 9, 1), "disbursement", D("750000.00")),
        (date(2025, 10, 10), "investment", D("8000000.00")),
    ]


def test_the_api_gives_the_same_figures(ledger_fixture, api_client_for, maker_a, district, company_a):
    body = api_client_for(maker_a).get(f"/api/v1/funding-ledgers/{company_a.pk}/").json()
    assert body["awarded"] == "2000000.00" and body["disbursed"] == "1250000.00"
    assert body["outstanding"] == "750000.00" and body["invested"] == "11000000.00"
    assert body["years"][1] == {
        "year": 2025,
        "awarded": "1500000.00",
        "disbursed": "1050000.00",
        "invested": "8000000.00",
    }
    assert len(body["entries"]) == 7 and body["entries"][1]["reference"] == "河财拨〔2024〕31号"
    summary = {
        row["company"]: row for row in api_client_for(district).get("/api/v1/funding-ledgers/").json()["results"]
    }
    assert summary[company_a.pk] == {
        "company": company_a.pk,
        "name": company_a.name,
        "awarded": "2000000.00",
        "disbursed": "1250000.00",
        "invested": "11000000.00",
    }


def test_the_page_shows_the_totals(ledger_fixture, client_for, maker_a, company_a):
    page = client_for(maker_a).get(reverse("funding:ledger", args=[company_a.pk])).content.decode()
    assert 'data-testid="ledger-awarded">¥2,000,000.00<' in page
    assert 'data-testid="ledger-disbursed">¥1,250,000.00<' in page
    assert 'data-testid="ledger-invested">¥11,000,000.00<' in page
    assert "¥1,050,000.00" in page and "河财拨〔2024〕31号" in page


def test_the_district_totals_add_up(ledger_fixture, district):
    totals = selectors.funding_totals(district)
    assert totals.approved_amount == D("3000000.00")  # company A's 2,000,000 and company B's 1,000,000
    assert totals.disbursed_amount == D("1250000.00")
    by_level = {row.key: (row.applications, row.approved, row.approved_amount) for row in totals.by_level}
    assert by_level == {
        "national": (1, 0, D("0.00")),
        "ministry": (1, 0, D("0.00")),
        "municipal": (2, 2, D("2500000.00")),
        "district": (1, 1, D("500000.00")),
    }
    this_year = timezone.localdate().year
    by_year = {row.key: row.approved_amount for row in totals.by_year}
    assert by_year[2024] == D("500000.00") and by_year[2025] == D("1500000.00")
    assert by_year[this_year] == D("1000000.00")
    assert selectors.funding_totals(district, year=2025).approved_amount == D("1500000.00")

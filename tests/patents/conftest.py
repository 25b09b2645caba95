"""Fixtures of the patents tests: filings of company A (maker A's, at site A) and company B."""

from datetime import date

import pytest

from patents import services
from tests.patents.factories import cn_number

TODAY = date(2026, 3, 2)


def record(filing, kind, on, by, **extra):
    return services.filing_event_record(
        filing=filing, by=by, kind=kind, on=on, today=extra.pop("today", TODAY), **extra
    )


@pytest.fixture
def invention_a(company_a, maker_a):
    """Maker A's invention, published, examination not yet requested (due 2026-03-16)."""
    return services.filing_create(
        by=maker_a,
        company=company_a,
        kind="invention",
        title="一种免胶榫卯连接构件及其加工方法",
        application_number=cn_number("invention", 2023, 1234567),
        filing_date=date(2023, 3, 16),
        publication_date=date(2024, 9, 20),
        ipc_class="B27F 1/00",
        inventors=["张伟", "陈立新"],
    )


@pytest.fixture
def utility_a(company_a, maker_a):
    """Maker A's granted utility model; annual fee for patent year 3 due 2026-03-15 (a Sunday)."""
    return services.filing_create(
        by=maker_a,
        company=company_a,
        kind="utility_model",
        title="榫卯式儿童积木拼接结构",
        application_number=cn_number("utility_model", 2024, 2345678),
        filing_date=date(2024, 3, 15),
        grant_date=date(2024, 10, 18),
        annuities_paid_through=2,
    )


@pytest.fixture
def trademark_a(company_a, maker_a):
    """Maker A's trademark registered 2016-05-07: the term ends 2026-05-06."""
    return services.filing_create(
        by=maker_a,
        company=company_a,
        kind="trademark",
        title="榫语",
        application_number="17654321",
        filing_date=date(2015, 8, 3),
        grant_date=date(2016, 5, 7),
        nice_classes=[20, 28],
    )


@pytest.fixture
def invention_b(company_b, maker_b):
    return services.filing_create(
        by=maker_b,
        company=company_b,
        kind="invention",
        title="一种低功耗电气参数采集芯片",
        application_number=cn_number("invention", 2024, 7654321),
        filing_date=date(2024, 6, 3),
    )


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    """Every test of the app runs on Monday 2026-03-02, so that dates are reproducible."""
    from django.utils import timezone

    original = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else original(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return TODAY

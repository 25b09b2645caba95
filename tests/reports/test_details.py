"""The detail tables behind the indicators: their rows for the hand-computed district, their
scope and a query count that does not grow with the data."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext, pgettext

from reports.details import detail_tables
from tests.factories import SiteFactory
from tests.reports.fixtures_indicators import build_district, grow

YEAR = {"start": date(2025, 1, 1), "end": date(2025, 12, 31)}
A = "Northern Maker Experience Center"
B = "Hexi S&T Business Incubator"


@pytest.fixture
def district_set(db, site_a, site_b):
    return build_district(site_a, site_b)


def tables(user, **kwargs) -> dict[str, tuple[list[str], list[list]]]:
    """Every table materialised: key → (column keys, rows)."""
    with translation.override("en"):
        result = detail_tables(user=user, **{**YEAR, **kwargs})
    return {t.key: ([c["key"] for c in t.columns], [list(r) for r in t.rows]) for t in result}


def test_the_tables_and_their_columns(district_set, district):
    with translation.override("en"):
        result = detail_tables(user=district, **YEAR)
    assert [t.key for t in result] == [
        "companies",
        "spaces",
        "equipment",
        "filings",
        "funding_applications",
        "investments",
    ]
    companies = result[0]
    assert companies.title == "Companies"
    assert [c["label"] for c in companies.columns] == [
        "Company",
        "Site",
        "Status",
        "Admitted on",
        "Designations held",
        "Employees (2025)",
        "Revenue (2025)",
    ]


def test_companies(district_set, district):
    _columns, rows = tables(district)["companies"]
    by_name = {r[0]: r for r in rows}
    # Outside (X) counts nowhere in 2025; Epsilon counts for B, where it moved.
    assert set(by_name) == {"Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"}
    assert by_name["Alpha"] == [
        "Alpha",
        A,
        "Resident",
        date(2024, 3, 1),
        "S&T SME, High-tech enterprise",
        12,
        Decimal("1200000.00"),
    ]
    assert by_name["Beta"][4] == "Little giant"
    assert by_name["Gamma"][1:3] == [A, "Graduated"]
    assert by_name["Delta"][4:] == ["S&T SME, Listed company", None, None]
    assert by_name["Epsilon"][1] == B


def test_spaces(district_set, district):
    _columns, rows = tables(district)["spaces"]
    assert sorted(rows) == sorted(
        [
            [A, "A-101", "Office", Decimal("40.00"), 4, 4, "yes", "Alpha"],
            [A, "A-OPEN", "Open desks", Decimal("100.00"), 10, 3, "yes", "Beta"],
            [A, "A-102", "Office", Decimal("60.00"), 6, 0, "no", ""],
        ]
    )


def test_equipment(district_set, district):
    _columns, rows = tables(district)["equipment"]
    assert sorted(r[3:] for r in rows) == sorted(
        [
            [Decimal("204.0"), Decimal("6.0"), Decimal("3.0"), Decimal("2.9"), Decimal("1.5")],
            [Decimal("202.0"), Decimal("4.0"), Decimal("4.0"), Decimal("2.0"), Decimal("2.0")],
        ]
    )
    assert {r[0] for r in rows} == {A}


def test_filings(district_set, district):
    _columns, rows = tables(district)["filings"]
    # Filed or granted in 2025 (8), and the inventions in force not already among them
    # (A2's patent lapsing in 2026, B1's 2017 grant): 10. X's filing counts nowhere.
    assert len(rows) == 10
    numbers = {r[3] for r in rows}
    assert len(numbers) == 10
    invention = next(r for r in rows if r[0] == "Delta" and r[2] == "Invention patent")
    assert invention[1] == B
    assert invention[5:] == [date(2015, 1, 1), "Granted or registered", date(2017, 1, 1)]
    assert "Outside" not in {r[0] for r in rows}


def test_funding_applications(district_set, district):
    _columns, rows = tables(district)["funding_applications"]
    summary = sorted((r[0], r[2], r[4], r[6], r[7], r[8]) for r in rows)
    assert summary == [
        ("Alpha", "District Rent Subsidy", "Approved", Decimal("50000.00"), Decimal("50000.00"), Decimal("50000.00")),
        (
            "Alpha",
            "National Innovation Fund",
            "Approved",
            Decimal("500000.00"),
            Decimal("400000.00"),
            Decimal("200000.00"),
        ),
        ("Beta", "District Rent Subsidy", "Under review", Decimal("100000.00"), None, Decimal("0.00")),
        (
            "Delta",
            "National Innovation Fund",
            "Approved",
            Decimal("300000.00"),
            Decimal("300000.00"),
            Decimal("300000.00"),
        ),
        ("Epsilon", "Municipal Project Subsidy", "Rejected", Decimal("200000.00"), None, Decimal("0.00")),
    ]
    national = next(r for r in rows if r[0] == "Alpha" and r[2] == "National Innovation Fund")
    assert national[1] == A
    assert national[3] == "National"
    assert national[5] == date(2025, 2, 1)


def test_investments(district_set, district):
    _columns, rows = tables(district)["investments"]
    assert sorted((r[0], r[1], r[4], r[5], r[6], r[7], r[3] is not None) for r in rows) == [
        ("Alpha", A, "Seed", Decimal("1000000.00"), date(2025, 3, 3), "yes", True),
        ("Beta", A, "Angel round", Decimal("500000.00"), date(2025, 7, 7), "no", False),
        ("Epsilon", B, "Series A", Decimal("2000000.00"), date(2025, 12, 31), "no", False),
    ]


def test_staff_see_only_their_site(district_set, staff):
    result = tables(staff)
    for key, (columns, rows) in result.items():
        if "site" in columns:
            index = columns.index("site")
            assert {r[index] for r in rows} <= {A}, key
    assert {r[0] for r in result["companies"][1]} == {"Alpha", "Beta", "Gamma"}
    with pytest.raises(PermissionDenied):
        detail_tables(user=staff, site=district_set.site_b, **YEAR)


def test_makers_get_nothing(district_set, maker_a):
    with pytest.raises(PermissionDenied):
        detail_tables(user=maker_a, **YEAR)


def test_labels_follow_the_language_of_the_call(district_set, district):
    """Rows read after the `translation.override` still carry the report's language."""
    with translation.override("zh-hans"):
        result = detail_tables(user=district, **YEAR)
        title, resident = gettext("Companies"), pgettext("company status", "Resident")
    companies = next(t for t in result if t.key == "companies")
    with translation.override("en"):
        rows = list(companies.rows)
    alpha = next(r for r in rows if r[0] == "Alpha")
    assert companies.title == title
    assert alpha[1:3] == ["北方创客体验中心", resident]


def _materialise(user) -> int:
    return sum(len(list(table.rows)) for table in detail_tables(user=user, **YEAR))


def test_query_count_does_not_grow_with_the_data(district_set, district, assert_constant_queries):
    grow(district_set, 2)
    before = _materialise(district)

    def larger() -> None:
        grow(district_set, 18)  # ten times the grown part
        for _ in range(5):
            SiteFactory()

    assert_constant_queries(fetch=lambda: _materialise(district), grow=larger)
    assert _materialise(district) > before

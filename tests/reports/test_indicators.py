"""The indicators against a district computed by hand (tests/reports/fixtures_indicators.py),
their query count, their scope, and the period helpers."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from reports import snapshot
from reports.indicators import compute, economy_year, period_for, previous_period
from tests.factories import SiteFactory
from tests.reports.fixtures_indicators import build_district, grow

YEAR = (date(2025, 1, 1), date(2025, 12, 31))

# Every row of the 2025 snapshot as (site A, site B, total), worked out by hand from the
# fixture's docstring and comments. None: no data.
EXPECTED_2025 = {
    # Resident on 2025-12-31: A1, A2 at A; B1, B2 at B.
    "companies.resident": (2, 2, 4),
    "companies.admitted": (1, 0, 1),  # A2
    "companies.graduated": (1, 0, 1),  # A3
    "companies.left": (0, 1, 1),  # B3
    # Received in 2025: A 1 Jan 00:30 and 20 Nov; B 1 Dec and 1 Oct (20 Dec 2024 is out).
    "admissions.received": (2, 2, 4),
    "admissions.accepted": (1, 0, 1),  # B's acceptance falls in 2026
    "admissions.open": (1, 2, 3),  # A 20 Nov; B 1 Dec and the one decided in 2026
    "designations.sme": (1, 1, 2),  # A1; B1 (A2's expired on 2025-01-01)
    "designations.high_tech": (1, 0, 1),  # A1; B2's expires on the last day
    "designations.little_giant": (1, 0, 1),  # A2
    "designations.listed": (0, 1, 1),  # B1; A3 is no longer resident
    "sites.count": (1, 1, 2),
    "sites.area_m2": ("5000.00", None, "5000.00"),
    # A: 40 m² office let whole, 3 of 10 open desks in 100 m² (30 m²), a 60 m² office free.
    "occupancy.area_m2": ("200.00", None, "200.00"),
    "occupancy.area_let_m2": ("70.00", None, "70.00"),
    "occupancy.rate": ("35.0", None, "35.0"),
    "occupancy.desks": (20, None, 20),
    "occupancy.desks_let": (7, None, 7),
    "occupancy.desk_rate": ("35.0", None, "35.0"),
    # Open Mondays 09–13: 52 Mondays in 2025, less 6 Oct (closure) = 51 × 4 h = 204 h per
    # piece; the second piece loses 2 h to maintenance: 204 + 202 = 406 h.
    # Booked: 2 confirmed + 3 completed + 1 no-show + 4 completed = 10 h; used 3 + 4 = 7 h.
    "labs.equipment": (2, None, 2),
    "labs.open_hours": ("406.0", None, "406.0"),
    "labs.booked_hours": ("10.0", None, "10.0"),
    "labs.used_hours": ("7.0", None, "7.0"),
    "labs.booked_share": ("2.5", None, "2.5"),  # 10 / 406 = 2.46 %
    "labs.used_share": ("1.7", None, "1.7"),  # 7 / 406 = 1.72 %
    "ip.filed.invention": (1, 1, 2),  # A1 1 Mar; B2 9 Sep (X counts nowhere)
    "ip.filed.utility_model": (1, 1, 2),  # A2; B1
    "ip.filed.design": (1, 0, 1),  # A3
    "ip.filed.trademark": (0, 0, 0),  # A1's was filed in 2024
    "ip.filed.software": (1, 0, 1),  # A3
    "ip.filed.total": (4, 2, 6),
    "ip.granted.invention": (1, 0, 1),  # A1 15 Jun
    "ip.granted.utility_model": (1, 0, 1),  # A2 11 Nov
    "ip.granted.design": (0, 0, 0),
    "ip.granted.trademark": (1, 0, 1),  # A1 1 Aug
    "ip.granted.software": (1, 0, 1),  # A3 10 Mar
    "ip.granted.total": (4, 0, 4),
    # A: A1's grant and A2's patent that lapses only in 2026; B: B1's 2017 grant.
    "ip.inventions_in_force": (2, 1, 3),
    "ip.inventions_per_10k": (None, None, "2.50"),  # 3 × 10,000 / 12,000
    "funding.applied.count": (2, 1, 3),
    "funding.applied.amount": ("600000.00", "200000.00", "800000.00"),
    "funding.approved.count": (1, 1, 2),
    "funding.approved.amount": ("400000.00", "300000.00", "700000.00"),
    "funding.approved.national": ("400000.00", "300000.00", "700000.00"),
    "funding.approved.ministry": ("0.00", "0.00", "0.00"),
    "funding.approved.municipal": ("0.00", "0.00", "0.00"),
    "funding.approved.district": ("0.00", "0.00", "0.00"),
    "funding.paid.amount": ("250000.00", "300000.00", "550000.00"),  # A 200,000 + 50,000
    "investment.deals": (2, 1, 3),
    "investment.total": ("1500000.00", "2000000.00", "3500000.00"),
    "investment.via_introductions": ("1000000.00", "0.00", "1000000.00"),
    "economy.reporting": (2, 0, 2),
    "economy.revenue": ("1500000.50", None, "1500000.50"),
    "economy.taxes": ("120000.00", None, "120000.00"),
    "economy.rd_spend": ("350000.00", None, "350000.00"),
    "economy.employees": (17, None, 17),
    "economy.rd_staff": (7, None, 7),
}


@pytest.fixture
def district_set(db, site_a, site_b):
    return build_district(site_a, site_b)


def _expand(keys: list[str]) -> list[str]:
    """ROW_KEYS with its `<kind>` and `<level>` placeholders written out."""
    from funding.choices import ProgrammeLevel
    from patents.choices import FilingKind

    result = []
    for key in keys:
        if "<kind>" in key:
            result += [key.replace("<kind>", k.value) for k in FilingKind]
        elif "<level>" in key:
            result += [key.replace("<level>", level.value) for level in ProgrammeLevel]
        else:
            result.append(key)
    return result


def test_every_figure_against_the_hand_computed_district(district_set, district):
    d = district_set
    with translation.override("en"):
        snap = compute(user=district, start=YEAR[0], end=YEAR[1])
    json.dumps(snap)  # JSON all the way down

    # The contract's rows, in its order, and every one of them checked here.
    for section_key, keys in snapshot.ROW_KEYS.items():
        assert [r["key"] for r in snapshot.section(snap, section_key)["rows"]] == _expand(keys)
    all_keys = [r["key"] for s in snap["sections"] if s["key"] != "funding_programmes" for r in s["rows"]]
    assert sorted(all_keys) == sorted(EXPECTED_2025)

    for key, (a, b, total) in EXPECTED_2025.items():
        assert snapshot.row(snap, key)["values"] == {d.a: a, d.b: b, "total": total}, key
        for value in (a, b, total):
            assert value is None or isinstance(value, int | str)


def test_funding_by_programme(district_set, district):
    d = district_set
    snap = compute(user=district, start=YEAR[0], end=YEAR[1])
    rows = snapshot.section(snap, "funding_programmes")["rows"]
    p = d.programmes
    # National first, then municipal, then district; a programme appears when something
    # was applied for, approved or paid in the period.
    assert [(r["key"], r["values"]) for r in rows] == [
        (f"funding.programme.{p['national'].pk}", {d.a: "400000.00", d.b: "300000.00", "total": "700000.00"}),
        (f"funding.programme.{p['national'].pk}.paid", {d.a: "200000.00", d.b: "300000.00", "total": "500000.00"}),
        (f"funding.programme.{p['municipal'].pk}", {d.a: "0.00", d.b: "0.00", "total": "0.00"}),
        (f"funding.programme.{p['municipal'].pk}.paid", {d.a: "0.00", d.b: "0.00", "total": "0.00"}),
        (f"funding.programme.{p['district'].pk}", {d.a: "0.00", d.b: "0.00", "total": "0.00"}),
        (f"funding.programme.{p['district'].pk}.paid", {d.a: "50000.00", d.b: "0.00", "total": "50000.00"}),
    ]
    assert all(r["unit"] == "cny" for r in rows)


def test_header_notes_and_labels(district_set, district):
    d = district_set
    with translation.override("en"):
        snap = compute(user=district, start=YEAR[0], end=YEAR[1])
    assert snap["version"] == snapshot.VERSION
    assert snap["period"] == {"start": "2025-01-01", "end": "2025-12-31"}
    assert snap["language"] == "en"
    assert snap["scope"] == {"key": "district", "label": "District"}
    assert {c["key"]: (c["label"], c["site_id"]) for c in snap["columns"]} == {
        d.a: ("Northern Maker Experience Center", d.site_a.pk),
        d.b: ("Hexi S&T Business Incubator", d.site_b.pk),
        "total": ("District total", None),
    }
    assert snap["notes"]["economy.year"] == 2025
    assert snap["notes"]["occupancy.on"] == "2025-12-31"
    assert snap["notes"]["ip.population"] == 12000
    assert snapshot.row(snap, "companies.resident")["label"] == "Resident companies"
    with translation.override("zh-hans"):
        chinese = compute(user=district, start=YEAR[0], end=YEAR[1])
    assert chinese["language"] == "zh-hans"
    assert {c["label"] for c in chinese["columns"]} >= {"北方创客体验中心", "河西区科技企业孵化器"}


def test_columns_are_the_sites_by_name_then_the_total(district_set, district):
    snap = compute(user=district, start=YEAR[0], end=YEAR[1])
    names = [c["label"] for c in snap["columns"][:-1]]
    assert names == sorted(names)
    assert [c["key"] for c in snap["columns"]][-1] == "total"


def test_half_year_uses_the_previous_years_figures(district_set, district):
    """A period that does not reach 31 December reports the year before: 2024's figures of
    A3 (still at A until September) and B1."""
    d = district_set
    snap = compute(user=district, start=date(2025, 1, 1), end=date(2025, 6, 30))
    assert snap["notes"]["economy.year"] == 2024
    assert snapshot.row(snap, "economy.reporting")["values"] == {d.a: 1, d.b: 1, "total": 2}
    assert snapshot.row(snap, "economy.revenue")["values"] == {d.a: "80000.00", d.b: "600000.00", "total": "680000.00"}
    assert snapshot.row(snap, "economy.employees")["values"] == {d.a: 3, d.b: 8, "total": 11}
    # Epsilon moved to B on 1 June: it counts for B from then on.
    assert snapshot.row(snap, "companies.resident")["values"] == {d.a: 3, d.b: 2, "total": 5}


def test_a_company_leaving_on_the_first_day_still_counts_for_its_site(db, district, site_a, site_b):
    """Its residency ends on the period's first day (it was last there the day before): the
    graduation and the year's figures still belong to that site."""
    from companies.models import YearFigures
    from tests.factories import CompanyFactory, ResidencyFactory

    gone = CompanyFactory(status="graduated", graduated_on=date(2025, 1, 1))
    ResidencyFactory(company=gone, site=site_b, starts_on=date(2022, 1, 1), ends_on=date(2025, 1, 1))
    YearFigures.objects.create(
        company=gone,
        year=2025,
        revenue=Decimal("10.00"),
        profit=Decimal("0"),
        taxes_paid=Decimal("1.00"),
        rd_spend=Decimal("2.00"),
        employees=3,
        rd_staff=1,
    )
    snap = compute(user=district, start=YEAR[0], end=YEAR[1])
    a, b = f"site-{site_a.pk}", f"site-{site_b.pk}"
    assert snapshot.row(snap, "companies.graduated")["values"] == {a: 0, b: 1, "total": 1}
    assert snapshot.row(snap, "companies.resident")["values"] == {a: 0, b: 0, "total": 0}
    assert snapshot.row(snap, "economy.revenue")["values"] == {a: None, b: "10.00", "total": "10.00"}
    # A year later it counts nowhere.
    later = compute(user=district, start=date(2026, 1, 1), end=date(2026, 1, 31))
    assert snapshot.row(later, "companies.graduated")["values"] == {a: 0, b: 0, "total": 0}


def test_with_home_applies_the_site_rule(db, site_a, site_b):
    """`with_home` joins each company to its deciding residency: the latest overlapping one by
    start, then by id; a company whose deciding residency is at a site outside the scope
    counts nowhere, even with an earlier residency inside it."""
    from companies.models import Company
    from reports.indicators import with_home
    from tests.factories import CompanyFactory, ResidencyFactory

    moved = CompanyFactory()  # A, then B from 1 June
    ResidencyFactory(company=moved, site=site_a, starts_on=date(2023, 1, 1), ends_on=date(2025, 6, 1))
    ResidencyFactory(company=moved, site=site_b, starts_on=date(2025, 6, 1))
    tied = CompanyFactory()  # two stays starting the same day: the later row decides
    ResidencyFactory(company=tied, site=site_b, starts_on=date(2025, 3, 1), ends_on=date(2025, 4, 1))
    ResidencyFactory(company=tied, site=site_a, starts_on=date(2025, 3, 1), ends_on=date(2025, 5, 1))
    before = CompanyFactory()  # left before the period, back at A after it
    ResidencyFactory(company=before, site=site_b, starts_on=date(2020, 1, 1), ends_on=date(2024, 12, 31))
    ResidencyFactory(company=before, site=site_a, starts_on=date(2026, 2, 1))
    CompanyFactory()  # never resident
    start, end = YEAR
    expected = {
        (site_a.pk, site_b.pk): {moved.pk: site_b.pk, tied.pk: site_a.pk},
        (site_a.pk,): {tied.pk: site_a.pk},
        (site_b.pk,): {moved.pk: site_b.pk},
    }
    for ids, homes in expected.items():
        got = list(with_home(Company.objects.all(), start, end, list(ids), company="").values_list("pk", "home"))
        assert len(got) == len(dict(got))  # one row per company
        assert dict(got) == homes


def test_a_district_without_data_says_so(db, district, site_a):
    """No spaces, labs, year figures, area or population: None, not 0."""
    site_a.total_area_m2 = None
    site_a.save()
    snap = compute(user=district, start=YEAR[0], end=YEAR[1])
    col = f"site-{site_a.pk}"
    for key in (
        "sites.area_m2",
        "occupancy.area_m2",
        "occupancy.rate",
        "occupancy.desks",
        "labs.open_hours",
        "labs.booked_share",
        "ip.inventions_per_10k",
        "economy.revenue",
        "economy.employees",
    ):
        assert snapshot.row(snap, key)["values"][col] is None, key
        assert snapshot.row(snap, key)["values"]["total"] is None, key
    assert snapshot.row(snap, "companies.resident")["values"] == {col: 0, "total": 0}
    assert snapshot.row(snap, "economy.reporting")["values"] == {col: 0, "total": 0}
    assert snapshot.row(snap, "funding.paid.amount")["values"] == {col: "0.00", "total": "0.00"}
    assert snapshot.section(snap, "funding_programmes")["rows"] == []


# --- Query count --------------------------------------------------------------------


def test_query_count_does_not_grow_with_the_data(district_set, district, assert_constant_queries):
    d = district_set
    grow(d, 2)

    def larger() -> None:
        grow(d, 18)  # ten times the grown part
        for _ in range(8):
            SiteFactory()  # and more sites

    count = assert_constant_queries(fetch=lambda: compute(user=district, start=YEAR[0], end=YEAR[1]), grow=larger)
    assert count <= 20
    assert snapshot.value(compute(user=district, start=YEAR[0], end=YEAR[1]), "designations.sme", d.a) == 1 + 20


# --- Scope --------------------------------------------------------------------------


def test_staff_see_only_their_sites(district_set, staff):
    d = district_set
    snap = compute(user=staff, start=YEAR[0], end=YEAR[1])
    assert [c["key"] for c in snap["columns"]] == [d.a, "total"]
    assert snap["scope"]["key"] == d.a
    assert snapshot.row(snap, "companies.resident")["values"] == {d.a: 2, "total": 2}
    # Per 10,000 residents is a district figure: not for one site.
    assert snapshot.row(snap, "ip.inventions_per_10k")["values"] == {d.a: None, "total": None}
    with pytest.raises(PermissionDenied):
        compute(user=staff, start=YEAR[0], end=YEAR[1], site=d.site_b)


def test_staff_total_is_labelled_total(district_set, staff):
    with translation.override("en"):
        snap = compute(user=staff, start=YEAR[0], end=YEAR[1])
    assert snap["columns"][-1] == {"key": "total", "label": "Total", "site_id": None}


def test_district_narrowed_to_a_site(district_set, district):
    d = district_set
    with translation.override("en"):
        snap = compute(user=district, start=YEAR[0], end=YEAR[1], site=d.site_b.pk)
    assert [c["key"] for c in snap["columns"]] == [d.b, "total"]
    assert snap["scope"] == {"key": d.b, "label": "Hexi S&T Business Incubator"}
    assert snap["columns"][-1]["label"] == "Total"
    assert snapshot.row(snap, "investment.total")["values"] == {d.b: "2000000.00", "total": "2000000.00"}


def test_closed_sites_are_left_out_of_the_district(district_set, district, superuser):
    closed = SiteFactory(is_active=False)
    for user in (district, superuser):
        keys = [c["key"] for c in compute(user=user, start=YEAR[0], end=YEAR[1])["columns"]]
        assert f"site-{closed.pk}" not in keys
        assert len(keys) == 3


def test_a_closed_site_named_by_the_district(district_set, district):
    closed = SiteFactory(is_active=False)
    snap = compute(user=district, start=YEAR[0], end=YEAR[1], site=closed)
    assert [c["key"] for c in snap["columns"]] == [f"site-{closed.pk}", "total"]
    assert snapshot.row(snap, "sites.count")["values"] == {f"site-{closed.pk}": 0, "total": 0}


@pytest.mark.parametrize("persona", ["maker_a", "maker_b", "anonymous"])
def test_makers_and_strangers_get_nothing(db, persona, request):
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if persona == "anonymous" else request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        compute(user=user, start=YEAR[0], end=YEAR[1])


# --- Periods ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 3, 1), date(2026, 3, 31), (date(2026, 2, 1), date(2026, 2, 28))),
        (date(2026, 1, 1), date(2026, 1, 31), (date(2025, 12, 1), date(2025, 12, 31))),
        (date(2024, 3, 1), date(2024, 3, 31), (date(2024, 2, 1), date(2024, 2, 29))),
        (date(2026, 4, 1), date(2026, 6, 30), (date(2026, 1, 1), date(2026, 3, 31))),
        (date(2026, 1, 1), date(2026, 3, 31), (date(2025, 10, 1), date(2025, 12, 31))),
        (date(2026, 1, 1), date(2026, 12, 31), (date(2025, 1, 1), date(2025, 12, 31))),
        (date(2025, 7, 1), date(2026, 6, 30), (date(2024, 7, 1), date(2025, 6, 30))),
        (date(2026, 3, 10), date(2026, 3, 16), (date(2026, 3, 3), date(2026, 3, 9))),
        (date(2026, 3, 5), date(2026, 3, 5), (date(2026, 3, 4), date(2026, 3, 4))),
        (date(2026, 2, 15), date(2026, 3, 14), (date(2026, 1, 18), date(2026, 2, 14))),
    ],
)
def test_previous_period(start, end, expected):
    assert previous_period(start, end) == expected


@pytest.mark.parametrize(
    ("kind", "day", "preceding", "expected"),
    [
        ("month", date(2026, 2, 14), False, (date(2026, 2, 1), date(2026, 2, 28))),
        ("month", date(2026, 1, 1), True, (date(2025, 12, 1), date(2025, 12, 31))),
        ("month", date(2024, 3, 31), True, (date(2024, 2, 1), date(2024, 2, 29))),
        ("quarter", date(2026, 5, 20), False, (date(2026, 4, 1), date(2026, 6, 30))),
        ("quarter", date(2026, 12, 31), False, (date(2026, 10, 1), date(2026, 12, 31))),
        ("quarter", date(2026, 4, 1), True, (date(2026, 1, 1), date(2026, 3, 31))),
        ("quarter", date(2026, 2, 1), True, (date(2025, 10, 1), date(2025, 12, 31))),
        ("year", date(2026, 11, 28), False, (date(2026, 1, 1), date(2026, 12, 31))),
        ("year", date(2026, 1, 1), True, (date(2025, 1, 1), date(2025, 12, 31))),
    ],
)
def test_period_for(kind, day, preceding, expected):
    assert period_for(kind, day, preceding=preceding) == expected


def test_period_for_refuses_unknown_kinds():
    with pytest.raises(ValueError):
        period_for("week", date(2026, 1, 1))


@pytest.mark.parametrize(
    ("end", "year"),
    [(date(2025, 12, 31), 2025), (date(2025, 12, 30), 2024), (date(2026, 6, 30), 2025), (date(2024, 2, 29), 2023)],
)
def test_economy_year(end, year):
    assert economy_year(end) == year

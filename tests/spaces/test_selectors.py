"""Occupancy, free spaces, the board and endings, against a layout computed by hand."""

from datetime import date
from decimal import Decimal

import pytest

from spaces import selectors, services
from spaces.models import Allocation
from tests.conftest import count_queries
from tests.factories import resident_company
from tests.spaces.conftest import DEC, JUN, MAR, SEP
from tests.spaces.factories import office, open_desks, workshop

pytestmark = pytest.mark.django_db

DAY = date(2026, 6, 15)
JUL = date(2026, 7, 1)
OCT = date(2026, 10, 1)


@pytest.fixture
def layout(site_a, site_b, company_a, company_b, allocate):
    """Site A                                   on 2026-06-15
    O1  office   40 m²  4 desks  company A [Mar, Sep), X [Oct, …)   let
    O2  office   60 m²  6 desks  Y [Sep, Dec)                       free until Sep
    DK  desks   100 m² 10 desks  company A 3 [Mar, …), Y 1 [Jun, Jul) 4 let
    W   workshop 80 m²  6 desks  Y [Jan, Jun)                       free (ended)
    IN  office   30 m²  out of use                                  not counted
    Site B
    OB  office   50 m²  5 desks  company B [Mar, …)                 let, no end
    DB  desks    20 m²  2 desks  company B 2 [Mar, Jul)              full until Jul
    """
    x, y = resident_company(site=site_a, name="X"), resident_company(site=site_a, name="Y")
    spaces = {
        "O1": office(site_a, code="O1", floor=3, area_m2=Decimal("40"), desks=4),
        "O2": office(site_a, code="O2", floor=3, area_m2=Decimal("60"), desks=6),
        "DK": open_desks(site_a, code="DK", floor=1, area_m2=Decimal("100"), desks=10),
        "W": workshop(site_a, code="W", floor=1, area_m2=Decimal("80"), desks=6),
        "IN": office(site_a, code="IN", floor=2, area_m2=Decimal("30"), desks=3, is_active=False),
        "OB": office(site_b, code="OB", floor=2, area_m2=Decimal("50"), desks=5),
        "DB": open_desks(site_b, code="DB", floor=1, area_m2=Decimal("20"), desks=2),
    }
    allocate(spaces["O1"], company_a, MAR, SEP)
    allocate(spaces["O1"], x, OCT)
    allocate(spaces["O2"], y, SEP, DEC)
    allocate(spaces["DK"], company_a, MAR, desks=3)
    allocate(spaces["DK"], y, JUN, JUL, desks=1)
    allocate(spaces["W"], y, date(2026, 1, 1), JUN)
    allocate(spaces["OB"], company_b, MAR)
    allocate(spaces["DB"], company_b, MAR, JUL, desks=2)
    return spaces


def figures(o):
    return (o.spaces, o.spaces_let, o.area_m2, o.area_let_m2, o.desks, o.desks_let, o.rate, o.desk_rate)


class TestOccupancy:
    def test_by_site_and_in_total_as_computed_by_hand(self, layout, district):
        report = selectors.occupancy(district, on=DAY)
        by_site = {o.site.code: o for o in report.sites}
        assert figures(by_site["site-a"]) == (
            4,
            2,
            Decimal("280"),
            Decimal("80.00"),
            26,
            8,
            Decimal("28.6"),
            Decimal("30.8"),
        )
        assert figures(by_site["site-b"]) == (
            2,
            2,
            Decimal("70"),
            Decimal("70.00"),
            7,
            7,
            Decimal("100.0"),
            Decimal("100.0"),
        )
        assert figures(report.total) == (
            6,
            4,
            Decimal("350"),
            Decimal("150.00"),
            33,
            15,
            Decimal("42.9"),
            Decimal("45.5"),
        )
        a = by_site["site-a"]
        assert (a.spaces_free, a.area_free_m2, a.desks_free) == (2, Decimal("200.00"), 18)

    def test_another_day_gives_other_figures(self, layout, district, site_a):
        a = selectors.occupancy(district, on=date(2026, 12, 15), site=site_a).sites[0]
        # O1 let to X, O2's allocation has ended, 3 desks of DK let, W free.
        assert figures(a)[:6] == (4, 2, Decimal("280"), Decimal("70.00"), 26, 7)

    def test_staff_read_their_sites_and_makers_none(self, layout, staff, maker_a):
        report = selectors.occupancy(staff, on=DAY)
        assert [o.site.code for o in report.sites] == ["site-a"]
        assert figures(report.total) == figures(report.sites[0])
        assert selectors.occupancy(maker_a, on=DAY).sites == []
        assert not selectors.can_see_occupancy(maker_a)

    def test_a_site_without_spaces(self, district, site_a):
        row = selectors.occupancy(district, on=DAY, site=site_a).sites[0]
        assert (row.spaces, row.rate, row.desk_rate) == (0, None, None)

    def test_constant_queries_whatever_the_number_of_spaces(self, layout, district, site_a, site_b, company_a):
        def fetch():
            report = selectors.occupancy(district, on=DAY)
            return [figures(o) for o in report.sites]

        def grow():
            for n in range(20):
                space = office(site_a if n % 2 else site_b, code=f"G{n}", floor=5)
                if n % 2:
                    Allocation.objects.create(
                        space=space, company=company_a, starts_on=MAR, desks=4, monthly_rent=1, exclusive=True
                    )

        fetch()  # the user's roles are read once
        with count_queries() as q:
            fetch()
        assert q.count <= 2
        grow()
        with count_queries() as again:
            fetch()
        assert again.count == q.count


class TestFreeSpaces:
    def test_which_spaces_are_free_and_from_when(self, layout, district):
        status = {s.space.code: s for s in selectors.space_statuses(district, on=DAY)}
        assert (status["O1"].is_free, status["O1"].free_from, status["O1"].free_until) == (False, SEP, OCT)
        assert status["O1"].until == SEP and [a.company.name for a in status["O1"].occupants] == [
            "天津榫卯木构科技有限公司"
        ]
        assert (status["O2"].is_free, status["O2"].free_until) == (True, SEP)
        assert (status["DK"].is_free, status["DK"].desks_free, status["DK"].desks_let) == (True, 6, 4)
        assert (status["W"].is_free, status["W"].free_until) == (True, None)
        assert status["OB"].free_from is None and status["OB"].until is None
        assert (status["DB"].is_free, status["DB"].free_from) == (False, JUL)
        assert "IN" not in status

    def test_free_soonest_first(self, layout, district, staff):
        free = selectors.spaces_free(district, on=DAY)
        assert [(s.space.code, s.free_from) for s in free][-2:] == [("DB", JUL), ("O1", SEP)]
        assert {s.space.code for s in free if s.free_from == DAY} == {"O2", "DK", "W"}
        assert [s.space.code for s in selectors.spaces_free(staff, on=DAY, kind="office")] == ["O2", "O1"]

    def test_back_to_back_allocations_chain(self, site_a, company_a, allocate, superuser):
        space = office(site_a, code="CH")
        allocate(space, company_a, MAR, JUN)
        allocate(space, resident_company(site=site_a), JUN, SEP)
        allocate(space, resident_company(site=site_a), OCT, DEC)
        (status,) = selectors.space_statuses(superuser, on=date(2026, 4, 1))
        assert (status.free_from, status.free_until) == (SEP, OCT)

    def test_the_board_floor_by_floor(self, layout, staff, site_a):
        board = selectors.site_board(staff, site=site_a, on=DAY)
        assert [(f.number, [s.space.code for s in f.statuses], f.free) for f in board.floors] == [
            (1, ["DK", "W"], 2),
            (3, ["O1", "O2"], 1),
        ]
        assert figures(board.figures) == figures(selectors.occupancy(staff, on=DAY).sites[0])
        free = selectors.site_board(staff, site=site_a, on=DAY, free_only=True, kind="office")
        assert [s.space.code for f in free.floors for s in f.statuses] == ["O2"]
        assert free.figures.spaces == 4  # the figures ignore the filters

    def test_statuses_in_constant_queries(self, layout, district, site_a, company_a):
        def grow():
            for n in range(15):
                space = open_desks(site_a, code=f"G{n}", desks=5)
                for month in (3, 4):
                    Allocation.objects.create(
                        space=space,
                        company=company_a,
                        starts_on=date(2026, month, 1),
                        desks=1,
                        monthly_rent=1,
                        exclusive=False,
                    )

        selectors.space_statuses(district, on=DAY)
        with count_queries() as before:
            selectors.space_statuses(district, on=DAY)
        grow()
        with count_queries() as after:
            statuses = selectors.space_statuses(district, on=DAY)
            [(s.is_free, s.desks_free, [a.company.name for a in s.occupants]) for s in statuses]
        assert after.count == before.count <= 3


class TestEndings:
    def test_allocations_ending_within_days(self, layout, staff, district):
        assert [a.space.code for a in selectors.allocations_ending_within(staff, days=30, today=DAY)] == ["DK"]
        assert [a.space.code for a in selectors.allocations_ending_within(district, days=30, today=DAY)] == [
            "DB",
            "DK",
        ]
        assert [a.space.code for a in selectors.allocations_ending_within(district, days=100, today=DAY)] == [
            "DB",
            "DK",
            "O1",
        ]

    def test_a_move_is_not_an_ending(self, site_a, company_a, allocate, superuser):
        first = allocate(office(site_a, code="M1"), company_a, MAR, SEP)
        services.allocation_move(allocation=first, space=office(site_a, code="M2"), on=date(2026, 7, 1), by=superuser)
        ending = selectors.allocations_ending_within(superuser, days=120, today=DAY)
        assert [a.space.code for a in ending] == ["M2"]


class TestVisibility:
    def test_makers_see_their_own_allocations_and_their_sites_spaces(
        self, layout, maker_a, maker_b, company_a, company_b
    ):
        assert {a.company_id for a in selectors.allocations_visible_to(maker_a)} == {company_a.pk}
        assert {s.code for s in selectors.spaces_visible_to(maker_a)} == {"O1", "O2", "DK", "W"}
        assert {s.code for s in selectors.spaces_visible_to(maker_b)} == {"OB", "DB"}

    def test_staff_see_their_sites_and_the_district_everything(self, layout, staff, district):
        assert {s.code for s in selectors.spaces_visible_to(staff)} == {"O1", "O2", "DK", "W", "IN"}
        assert {a.space.code for a in selectors.allocations_visible_to(staff)} == {"O1", "O2", "DK", "W"}
        assert selectors.spaces_visible_to(district).count() == 7
        assert selectors.allocations_visible_to(district).count() == 8

    def test_my_allocations(self, layout, maker_a):
        assert [(a.space.code, a.desks) for a in selectors.allocations_of_member(maker_a, today=DAY)] == [
            ("O1", 4),
            ("DK", 3),
        ]
        assert list(selectors.allocations_of_member(maker_a, today=date(2026, 10, 1))) == [
            a for a in selectors.allocations_of_member(maker_a, today=DAY) if a.space.code == "DK"
        ]

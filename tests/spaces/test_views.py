"""The portal pages: a maker's space and requests, the staff's board and decisions, occupancy."""

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.urls import reverse
from django.utils import timezone

from incubator.models import Notification
from spaces import services
from spaces.models import Allocation, SpaceRequest
from tests.factories import resident_company
from tests.spaces.conftest import DEC, JUN, MAR, SEP
from tests.spaces.factories import SpaceRequestFactory, office, open_desks

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


class TestMakerPages:
    def test_my_space_shows_the_rent_after_subsidy(self, client_for, maker_a, allocate, office_a, company_a):
        allocate(office_a, company_a, MAR, subsidy_kind="percent", subsidy_value=Decimal("50"))
        page = text(client_for(maker_a).get(reverse("spaces:index")))
        assert "B2-305" in page and "¥2,400.00" in page and "¥1,200.00" in page
        assert 'data-testid="occupancy"' not in page  # makers do not see occupancy

    def test_the_home_panel_shows_my_space(self, client_for, maker_a, allocate, office_a, company_a):
        allocate(office_a, company_a, MAR, date(2031, 9, 1))
        page = text(client_for(maker_a).get(reverse("home")))
        assert 'data-panel="my-space"' in page and "B2-305" in page and "2031-09-01" in page

    def test_request_space_from_the_portal(self, client_for, maker_a, company_a):
        client = client_for(maker_a)
        assert client.get(reverse("spaces:request_create")).status_code == 200
        response = client.post(
            reverse("spaces:request_create"),
            {"company": company_a.pk, "kind": "open_desks", "desks": 3, "wanted_from": "2026-12-01", "reason": "扩招"},
        )
        space_request = SpaceRequest.objects.get()
        assert response.status_code == 302 and response.url == reverse("spaces:request_detail", args=[space_request.pk])
        assert (space_request.desks, space_request.requested_by) == (3, maker_a)

    def test_a_bad_request_shows_the_field_messages(self, client_for, maker_a, company_a):
        client = client_for(maker_a)
        url = reverse("spaces:request_create")
        response = client.post(url, {"company": company_a.pk, "kind": "open_desks", "wanted_from": "2026-13-01"})
        assert response.status_code == 400 and 'data-testid="form-errors"' in text(response)
        data = {"company": company_a.pk, "kind": "open_desks", "wanted_from": "2026-12-01", "reason": "扩招"}
        response = client.post(url, data)
        assert response.status_code == 400 and "工位" in text(response)  # no number of desks
        assert not SpaceRequest.objects.exists()

    def test_a_duplicate_request_is_a_form_error(self, client_for, maker_a, company_a, site_a):
        SpaceRequestFactory(company=company_a, site=site_a)
        response = client_for(maker_a).post(
            reverse("spaces:request_create"),
            {"company": company_a.pk, "kind": "open_desks", "desks": 1, "wanted_from": "2026-12-01", "reason": "再要"},
        )
        assert response.status_code == 400 and SpaceRequest.objects.count() == 1

    def test_someone_without_a_company_is_told_to_apply(self, client_for, maker_b):
        page = text(client_for(maker_b).get(reverse("spaces:request_create")))
        assert reverse("companies:apply") in page

    def test_withdraw(self, client_for, maker_a, company_a, site_a):
        space_request = SpaceRequestFactory(company=company_a, site=site_a)
        response = client_for(maker_a).post(reverse("spaces:request_withdraw", args=[space_request.pk]))
        assert response.status_code == 302
        assert SpaceRequest.objects.get().status == "withdrawn"

    def test_a_maker_reads_an_allocation_but_changes_nothing(self, client_for, maker_a, allocate, office_a, company_a):
        allocation = allocate(office_a, company_a, MAR, SEP)
        client = client_for(maker_a)
        page = text(client.get(reverse("spaces:allocation_detail", args=[allocation.pk])))
        assert "B2-305" in page and 'data-testid="end-submit"' not in page
        assert (
            client.post(reverse("spaces:allocation_end", args=[allocation.pk]), {"ends_on": "2026-06-01"}).status_code
            == 403
        )
        assert Allocation.objects.get().ends_on == SEP


class TestStaffPages:
    def test_offer_from_the_request_page(self, client_for, staff, company_a, site_a, office_a):
        space_request = SpaceRequestFactory(company=company_a, site=site_a, kind="office", desks=0)
        client = client_for(staff)
        page = text(client.get(reverse("spaces:request_detail", args=[space_request.pk])))
        assert 'data-testid="free-spaces"' in page and "B2-305" in page
        response = client.post(
            reverse("spaces:request_offer", args=[space_request.pk]),
            {"space": office_a.pk, "starts_on": "2027-01-01", "subsidy_kind": "percent", "subsidy_value": "100"},
        )
        assert response.status_code == 302
        allocation = Allocation.objects.get()
        assert (allocation.starts_on, allocation.rent_after_subsidy) == (date(2027, 1, 1), Decimal("0.00"))
        assert Notification.objects.filter(kind="spaces.request_offered").exists()

    def test_an_offer_that_overlaps_shows_the_reason_on_the_form(
        self, client_for, staff, company_a, site_a, office_a, allocate
    ):
        allocate(office_a, resident_company(site=site_a), MAR)
        space_request = SpaceRequestFactory(company=company_a, site=site_a, kind="office", desks=0)
        response = client_for(staff).post(
            reverse("spaces:request_offer", args=[space_request.pk]), {"space": office_a.pk, "subsidy_kind": "none"}
        )
        assert response.status_code == 400 and "已部分出租" in text(response)
        assert SpaceRequest.objects.get(pk=space_request.pk).status == "submitted"

    def test_decline_needs_a_reason(self, client_for, staff, company_a, site_a):
        space_request = SpaceRequestFactory(company=company_a, site=site_a)
        client = client_for(staff)
        url = reverse("spaces:request_decline", args=[space_request.pk])
        assert client.post(url, {"reason": ""}).status_code == 400
        assert client.post(url, {"reason": "工位已满"}).status_code == 302
        assert SpaceRequest.objects.get().decline_reason == "工位已满"

    def test_end_extend_and_move_from_the_allocation_page(
        self, client_for, staff, allocate, office_a, company_a, site_a
    ):
        allocation = allocate(office_a, company_a, MAR, DEC)
        client = client_for(staff)
        assert (
            client.post(reverse("spaces:allocation_end", args=[allocation.pk]), {"ends_on": "2026-11-01"}).status_code
            == 302
        )
        assert (
            client.post(reverse("spaces:allocation_extend", args=[allocation.pk]), {"ends_on": ""}).status_code == 302
        )
        assert Allocation.objects.get().ends_on is None
        target = office(site_a, code="B2-306")
        response = client.post(
            reverse("spaces:allocation_move", args=[allocation.pk]), {"space": target.pk, "on": "2026-06-01"}
        )
        moved = Allocation.objects.get(space=target)
        assert response.status_code == 302 and response.url == reverse("spaces:allocation_detail", args=[moved.pk])
        page = text(client.get(response.url))
        assert "B2-305" in page  # moved from

    def test_a_refused_change_shows_on_the_form(self, client_for, staff, allocate, office_a, company_a):
        allocation = allocate(office_a, company_a, MAR, SEP)
        response = client_for(staff).post(
            reverse("spaces:allocation_end", args=[allocation.pk]), {"ends_on": "2026-01-01"}
        )
        assert response.status_code == 400 and "结束日期必须晚于开始日期" in text(response)

    def test_the_board_of_a_site(self, client_for, staff, allocate, office_a, desks_a, company_a, site_b):
        allocate(office_a, company_a, MAR, timezone.localdate() + timedelta(days=10))
        allocate(desks_a, company_a, MAR, desks=4)
        client = client_for(staff)
        page = text(client.get(reverse("spaces:site_board", args=[office_a.site_id])))
        assert 'data-testid="tile-B2-305"' in page and "plan-tile--soon" in page
        assert "plan-tile--free" in page and "10 个工位中 6 个空闲" in page
        assert client.get(reverse("spaces:site_board", args=[site_b.pk])).status_code == 404  # not their site
        filtered = text(
            client.get(reverse("spaces:site_board", args=[office_a.site_id]), {"free": "on", "kind": "office"})
        )
        assert "tile-B2-305" not in filtered and "tile-A1-110" not in filtered

    def test_a_bad_day_falls_back_to_today(self, client_for, staff, site_a):
        response = client_for(staff).get(reverse("spaces:site_board", args=[site_a.pk]), {"on": "not-a-day"})
        assert response.status_code == 200

    def test_staff_see_occupancy_and_what_ends(self, client_for, staff, allocate, office_a, company_a):
        allocate(office_a, company_a, MAR, timezone.localdate() + timedelta(days=20))
        page = text(client_for(staff).get(reverse("spaces:index")))
        assert 'data-testid="occupancy"' in page and 'data-testid="ending"' in page and "B2-305" in page

    def test_the_district_reads_and_changes_nothing(self, client_for, district, allocate, office_a, company_a, site_a):
        allocation = allocate(office_a, company_a, MAR, SEP)
        space_request = SpaceRequestFactory(company=company_a, site=site_a)
        client = client_for(district)
        assert client.get(reverse("spaces:site_board", args=[site_a.pk])).status_code == 200
        assert 'data-panel="occupancy"' in text(client.get(reverse("home")))
        assert (
            client.post(reverse("spaces:allocation_end", args=[allocation.pk]), {"ends_on": "2026-06-01"}).status_code
            == 403
        )
        assert (
            client.post(reverse("spaces:request_decline", args=[space_request.pk]), {"reason": "x"}).status_code == 403
        )
        assert Allocation.objects.get().ends_on == SEP and SpaceRequest.objects.get().status == "submitted"


class TestEnglish:
    def test_pages_in_english(self, client_for, maker_b, allocate, office_b, company_b):
        allocate(office_b, company_b, MAR, subsidy_kind="percent", subsidy_value=Decimal("100"))
        page = text(client_for(maker_b).get(reverse("spaces:index")))
        assert "My company's space" in page and "You pay" in page and "¥0.00" in page


class TestQueryCounts:
    """Every list runs the same number of queries with more rows (each starts from one row)."""

    def test_the_board_with_many_spaces(self, client_for, staff, site_a, company_a, assert_constant_queries):
        client = client_for(staff)
        url = reverse("spaces:site_board", args=[site_a.pk])
        codes = count()

        def grow():
            for n in range(30):
                code = f"G-{next(codes):03d}"
                space = office(site_a, code=code, floor=2 + n % 4) if n % 3 else open_desks(site_a, code=code)
                services.allocation_create(
                    space=space, company=company_a, starts_on=MAR, ends_on=DEC, desks=2, by=staff
                )

        grow()
        assert_constant_queries(fetch=lambda: client.get(url), grow=grow)

    def test_index_for_staff_and_makers(self, client_for, staff, maker_a, site_a, company_a, assert_constant_queries):
        codes = count()

        def grow():
            for n in range(10):
                space = office(site_a, code=f"I-{next(codes):03d}")
                ends_on = timezone.localdate() + timedelta(days=n + 1)
                services.allocation_create(space=space, company=company_a, starts_on=MAR, ends_on=ends_on, by=staff)
                SpaceRequestFactory(company=resident_company(site=site_a), site=site_a)
            SpaceRequestFactory(company=company_a, site=site_a, kind="office", desks=0)

        grow()
        for person in (staff, maker_a):
            client = client_for(person)
            assert_constant_queries(fetch=lambda client=client: client.get(reverse("spaces:index")), grow=grow)

    def test_request_list(self, client_for, staff, site_a, assert_constant_queries):
        client = client_for(staff)

        def grow():
            for _ in range(10):
                SpaceRequestFactory(company=resident_company(site=site_a), site=site_a)

        grow()
        assert_constant_queries(fetch=lambda: client.get(reverse("spaces:request_list")), grow=grow)

    def test_home_panels(self, client_for, staff, maker_a, site_a, company_a, assert_constant_queries):
        codes = count()

        def grow():
            for _ in range(5):
                space = office(site_a, code=f"H-{next(codes):03d}")
                services.allocation_create(space=space, company=company_a, starts_on=JUN, by=staff)

        grow()
        for person in (staff, maker_a):
            client = client_for(person)
            assert_constant_queries(fetch=lambda client=client: client.get(reverse("home")), grow=grow)

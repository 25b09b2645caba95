"""Staff in the admin: every save goes through the services, and a refusal shows on the form."""

from datetime import date
from decimal import Decimal
from itertools import count

import pytest
from django.urls import reverse

from spaces.models import Allocation, Space, SpaceRequest
from tests.factories import resident_company
from tests.spaces.conftest import JUN, MAR, SEP
from tests.spaces.factories import SpaceRequestFactory, office

pytestmark = pytest.mark.django_db


def allocation_form(space, company, **extra):
    data = {
        "space": space.pk,
        "company": company.pk,
        "starts_on": "2026-03-01",
        "ends_on": "",
        "desks": "",
        "monthly_rent": "",
        "subsidy_kind": "none",
        "subsidy_value": "0",
        "note": "",
    }
    data.update(extra)
    return data


def test_staff_allocate_in_the_admin(client_for, staff, office_a, company_a):
    response = client_for(staff).post(
        reverse("admin:spaces_allocation_add"),
        allocation_form(office_a, company_a, subsidy_kind="percent", subsidy_value="100"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    allocation = Allocation.objects.get()
    assert allocation.created_by == staff and allocation.monthly_rent == office_a.monthly_rent
    assert allocation.rent_after_subsidy == Decimal("0.00") and allocation.history.count() == 1


def test_an_overlap_shows_on_the_form_and_nothing_is_saved(client_for, staff, allocate, office_a, company_a, site_a):
    allocate(office_a, resident_company(site=site_a), MAR, SEP)
    response = client_for(staff).post(reverse("admin:spaces_allocation_add"), allocation_form(office_a, company_a))
    assert response.status_code == 200 and "已部分出租" in response.content.decode()
    assert Allocation.objects.count() == 1


def test_a_company_elsewhere_shows_on_the_company_field(client_for, superuser, office_a, company_b):
    response = client_for(superuser).post(reverse("admin:spaces_allocation_add"), allocation_form(office_a, company_b))
    assert response.status_code == 200
    assert "errors field-company" in response.content.decode() or "并未入驻" in response.content.decode()
    assert not Allocation.objects.exists()


def test_changing_the_end_extends_or_ends_through_the_services(
    client_for, staff, allocate, office_a, company_a, site_a
):
    allocation = allocate(office_a, company_a, MAR, JUN)
    allocate(office_a, resident_company(site=site_a), SEP)
    client = client_for(staff)
    url = reverse("admin:spaces_allocation_change", args=[allocation.pk])
    terms = {"monthly_rent": "2400.00", "subsidy_kind": "none", "subsidy_value": "0", "note": "续租"}
    assert client.post(url, {"ends_on": "2026-09-01", **terms}).status_code == 302
    assert Allocation.objects.get(pk=allocation.pk).ends_on == SEP
    refused = client.post(url, {"ends_on": "2026-12-01", **terms})
    assert refused.status_code == 200 and Allocation.objects.get(pk=allocation.pk).ends_on == SEP
    assert client.post(url, {"ends_on": "2026-08-01", **terms}).status_code == 302
    assert Allocation.objects.get(pk=allocation.pk).note == "续租"


def test_end_at_month_end_action(client_for, staff, allocate, office_a, company_a):
    allocation = allocate(office_a, company_a, MAR)
    response = client_for(staff).post(
        reverse("admin:spaces_allocation_changelist"),
        {"action": "end_at_month_end", "_selected_action": [allocation.pk]},
    )
    assert response.status_code == 302
    ends_on = Allocation.objects.get().ends_on
    assert ends_on.day == 1 and ends_on > date.today()


def test_deleting_cancels_only_what_has_not_begun(client_for, staff, allocate, office_a, company_a):
    begun = allocate(office_a, company_a, MAR, JUN)
    coming = allocate(office_a, company_a, date(2031, 1, 1))
    client = client_for(staff)
    client.post(reverse("admin:spaces_allocation_delete", args=[coming.pk]), {"post": "yes"})
    client.post(reverse("admin:spaces_allocation_delete", args=[begun.pk]), {"post": "yes"})
    assert list(Allocation.objects.all()) == [begun]


def test_spaces_in_the_admin(client_for, staff, site_a, allocate, desks_a, company_a):
    client = client_for(staff)
    body = {"site": site_a.pk, "code": "B2-402", "name": "", "kind": "office", "floor": 4, "area_m2": "36"}
    body.update(desks=4, monthly_rent="2160", is_active="on")
    assert client.post(reverse("admin:spaces_space_add"), body).status_code == 302
    assert Space.objects.get(code="B2-402").history.count() == 1
    # Let from March until further notice: the allocation holds its desks today, whenever the tests run.
    allocate(desks_a, company_a, MAR, None, desks=6)
    url = reverse("admin:spaces_space_change", args=[desks_a.pk])
    change = {"code": "A1-110", "name": "", "kind": "open_desks", "floor": 1, "area_m2": "100", "desks": 5}
    change.update(monthly_rent="450", is_active="on")
    response = client.post(url, change)
    assert response.status_code == 200 and Space.objects.get(pk=desks_a.pk).desks == 10


def test_decline_action_for_requests(client_for, staff, company_a, site_a):
    space_request = SpaceRequestFactory(company=company_a, site=site_a)
    response = client_for(staff).post(
        reverse("admin:spaces_spacerequest_changelist"),
        {"action": "decline_no_space", "_selected_action": [space_request.pk]},
    )
    assert response.status_code == 302
    assert SpaceRequest.objects.get().status == "declined"


def test_changelists_in_constant_queries(client_for, staff, site_a, company_a, allocate, assert_constant_queries):
    client = client_for(staff)
    codes = count()

    def grow():
        for _ in range(5):
            allocate(office(site_a, code=f"AD-{next(codes)}"), company_a, MAR)
            SpaceRequestFactory(company=resident_company(site=site_a), site=site_a)

    grow()
    for name in ("spaces_allocation", "spaces_space", "spaces_spacerequest"):
        assert_constant_queries(fetch=lambda n=name: client.get(reverse(f"admin:{n}_changelist")), grow=grow)

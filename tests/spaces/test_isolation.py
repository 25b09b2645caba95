"""Maker B can read or change nothing of maker A's company's space: through the portal, the
API or the admin. Another company's allocations and requests answer 404, never a hint."""

import pytest
from django.urls import reverse

from spaces.models import Allocation, Space, SpaceRequest
from tests.spaces.conftest import MAR, SEP
from tests.spaces.factories import SpaceRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def a_things(allocate, office_a, desks_a, company_a, site_a, company_b):
    return {
        "allocation": allocate(office_a, company_a, MAR, SEP),
        "request": SpaceRequestFactory(company=company_a, site=site_a),
        "office": office_a,
        "desks": desks_a,
    }


def unchanged(a_things) -> None:
    allocation = Allocation.objects.get(pk=a_things["allocation"].pk)
    assert (allocation.space_id, allocation.ends_on, allocation.note) == (a_things["office"].pk, SEP, "")
    assert Allocation.objects.count() == 1
    assert SpaceRequest.objects.get().status == "submitted"
    assert Space.objects.get(pk=a_things["office"].pk).name == ""


def test_portal_pages_of_another_company_are_404(client_for, maker_b, a_things, site_a):
    client = client_for(maker_b)
    allocation, space_request = a_things["allocation"], a_things["request"]
    for url in (
        reverse("spaces:allocation_detail", args=[allocation.pk]),
        reverse("spaces:request_detail", args=[space_request.pk]),
        reverse("spaces:site_board", args=[site_a.pk]),
    ):
        assert client.get(url).status_code == 404, url
    posts = {
        reverse("spaces:allocation_end", args=[allocation.pk]): {"ends_on": "2026-06-01"},
        reverse("spaces:allocation_extend", args=[allocation.pk]): {"ends_on": ""},
        reverse("spaces:allocation_move", args=[allocation.pk]): {"space": a_things["desks"].pk, "on": "2026-06-01"},
        reverse("spaces:request_offer", args=[space_request.pk]): {"space": a_things["office"].pk},
        reverse("spaces:request_decline", args=[space_request.pk]): {"reason": "x"},
        reverse("spaces:request_withdraw", args=[space_request.pk]): {},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    # A request for a company that is not theirs is not offered as a choice.
    response = client.post(
        reverse("spaces:request_create"),
        {"company": a_things["allocation"].company_id, "kind": "office", "wanted_from": "2026-12-01", "reason": "x"},
    )
    assert response.status_code == 400 and SpaceRequest.objects.count() == 1
    pages = (
        client.get(reverse("spaces:index")).content.decode()
        + client.get(reverse("spaces:request_list")).content.decode()
    )
    assert "B2-305" not in pages and "天津榫卯" not in pages
    unchanged(a_things)


def test_api_objects_of_another_company_are_404(api_client_for, maker_b, a_things):
    client = api_client_for(maker_b)
    allocation, space_request, space = a_things["allocation"], a_things["request"], a_things["office"]
    for url in (
        f"/api/v1/allocations/{allocation.pk}/",
        f"/api/v1/space-requests/{space_request.pk}/",
        f"/api/v1/spaces/{space.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 404 and response.json()["code"] == "not_found", url
    for url, method, body in [
        (f"/api/v1/allocations/{allocation.pk}/", "patch", {"note": "改"}),
        (f"/api/v1/allocations/{allocation.pk}/", "delete", None),
        (f"/api/v1/allocations/{allocation.pk}/end/", "post", {"ends_on": "2026-06-01"}),
        (f"/api/v1/allocations/{allocation.pk}/extend/", "post", {"ends_on": None}),
        (f"/api/v1/allocations/{allocation.pk}/move/", "post", {"space": a_things["desks"].pk, "on": "2026-06-01"}),
        (f"/api/v1/space-requests/{space_request.pk}/offer/", "post", {"space": space.pk}),
        (f"/api/v1/space-requests/{space_request.pk}/decline/", "post", {"reason": "x"}),
        (f"/api/v1/space-requests/{space_request.pk}/withdraw/", "post", {}),
        (f"/api/v1/spaces/{space.pk}/", "patch", {"name": "抢占"}),
    ]:
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 404, (method, url, response.status_code)
    # A body naming another company (or its site's space) is refused like an unknown one.
    response = client.post(
        "/api/v1/space-requests/",
        {"company": allocation.company_id, "kind": "office", "wanted_from": "2026-12-01", "reason": "x"},
        format="json",
    )
    assert response.status_code == 400 and "company" in response.json()["fields"]
    body = {"space": space.pk, "company": allocation.company_id, "starts_on": "2026-10-01"}
    response = client.post("/api/v1/allocations/", body, format="json")
    assert response.status_code == 400 and {"space", "company"} <= set(response.json()["fields"])
    for url in ("/api/v1/allocations/", "/api/v1/space-requests/", "/api/v1/spaces/"):
        assert client.get(url).json()["results"] == [], url
    assert client.get("/api/v1/allocations/", {"company": allocation.company_id}).json()["results"] == []
    unchanged(a_things)


def test_staff_of_another_site_see_nothing_of_it(client_for, api_client_for, staff, allocate, office_b, company_b):
    allocation = allocate(office_b, company_b, MAR, SEP)
    assert client_for(staff).get(reverse("spaces:allocation_detail", args=[allocation.pk])).status_code == 404
    assert api_client_for(staff).get(f"/api/v1/allocations/{allocation.pk}/").status_code == 404
    assert api_client_for(staff).get(f"/api/v1/spaces/{office_b.pk}/").status_code == 404
    response = client_for(staff).get(reverse("admin:spaces_allocation_change", args=[allocation.pk]))
    assert response.status_code == 302  # not in their admin list: sent back to the index
    assert Allocation.objects.get().ends_on == SEP


def test_the_district_reads_everything_and_changes_nothing(api_client_for, district, a_things):
    client = api_client_for(district)
    allocation = a_things["allocation"]
    assert client.get(f"/api/v1/allocations/{allocation.pk}/").status_code == 200
    new = {"space": a_things["desks"].pk, "company": allocation.company_id, "starts_on": "2026-06-01", "desks": 1}
    for url, method, body in [
        ("/api/v1/allocations/", "post", new),
        (f"/api/v1/allocations/{allocation.pk}/end/", "post", {"ends_on": "2026-06-01"}),
        (f"/api/v1/space-requests/{a_things['request'].pk}/decline/", "post", {"reason": "x"}),
        (f"/api/v1/spaces/{a_things['office'].pk}/", "patch", {"name": "区里的"}),
    ]:
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 403 and response.json()["code"] == "permission_denied", url
    unchanged(a_things)


def test_the_admin_is_closed_to_makers(client_for, maker_b, a_things):
    response = client_for(maker_b).get(reverse("admin:spaces_allocation_change", args=[a_things["allocation"].pk]))
    assert response.status_code == 302 and "/admin/login/" in response.url

"""Permission-table rows of the spaces app: its portal pages, admin models and API.

Company A (maker A's) is resident at site A, where the staff persona works; its office
B2-305 is let to it from 2026-03-01. An operation that changes state gets fresh objects.
"""

from datetime import date
from itertools import count

from django.urls import reverse

from tests.permissions import API_AUTHENTICATED, SIGNED_IN, AdminRow, Expect, Operation, Route
from tests.spaces.factories import SpaceRequestFactory, office, open_desks

COMPANY_A_READ = Expect(anon=302, maker=404, maker_a=200, staff=200, district=200, superuser=200)
STAFF_READ = Expect(anon=302, maker=404, staff=200, district=200, superuser=200)
# Decisions answer with a redirect back to the page; who sees but may not decide gets a 403.
STAFF_DECIDES = Expect(anon=302, maker=404, maker_a=403, staff=302, district=403, superuser=302)
MEMBER_DECIDES = Expect(anon=302, maker=404, maker_a=302, staff=403, district=403, superuser=403)

API_COMPANY_A_READ = Expect(anon=401, maker=404, maker_a=200, staff=200, district=200, superuser=200)
API_STAFF_WRITES = Expect(anon=401, maker=404, maker_a=403, staff=200, district=403, superuser=200)
API_OCCUPANCY = Expect(anon=401, maker=403, staff=200, district=200, superuser=200)

_codes = count(1)


def fresh_office(objects: dict):
    return office(objects["site_a"], code=f"T-{next(_codes):03d}")


def fresh_allocation(objects: dict, **kwargs):
    """An allocation of company A in a new office at site A."""
    from spaces import services

    kwargs.setdefault("starts_on", date(2026, 3, 1))
    return services.allocation_create(
        space=fresh_office(objects), company=objects["company_a"], by=objects["superuser"], **kwargs
    )


def fresh_request(objects: dict):
    return SpaceRequestFactory(company=objects["company_a"], site=objects["site_a"])


def add_objects(objects: dict) -> None:
    """Spaces at both sites, company A's allocation and its open request."""
    from spaces import services

    site_a = objects["site_a"]
    objects["office_a"] = office(site_a, code="B2-305")
    objects["desks_a"] = open_desks(site_a, code="A1-110", desks=40)
    objects["office_b"] = office(objects["site_b"], code="C-201")
    objects["allocation_a"] = services.allocation_create(
        space=objects["office_a"], company=objects["company_a"], starts_on=date(2026, 3, 1), by=objects["staff"]
    )
    objects["request_a"] = services.space_request_submit(
        company=objects["company_a"],
        by=objects["maker_a"],
        kind="open_desks",
        desks=2,
        wanted_from=date(2026, 12, 1),
        reason="实习生入职，需要两个工位。",
    )


def _allocation_url(name: str, **kwargs):
    return lambda o: reverse(name, args=[fresh_allocation(o, **kwargs).pk])


ROUTES = {
    "spaces:index": Route(SIGNED_IN),
    "spaces:site_board": Route(STAFF_READ, url=lambda o: reverse("spaces:site_board", args=[o["site_a"].pk])),
    "spaces:request_list": Route(SIGNED_IN),
    "spaces:request_create": Route(SIGNED_IN),
    "spaces:request_detail": Route(
        COMPANY_A_READ, url=lambda o: reverse("spaces:request_detail", args=[o["request_a"].pk])
    ),
    "spaces:request_offer": Route(
        STAFF_DECIDES,
        method="post",
        url=lambda o: reverse("spaces:request_offer", args=[fresh_request(o).pk]),
        data=lambda o, p: {"space": o["desks_a"].pk, "desks": 1, "subsidy_kind": "none"},
    ),
    "spaces:request_decline": Route(
        STAFF_DECIDES,
        method="post",
        url=lambda o: reverse("spaces:request_decline", args=[fresh_request(o).pk]),
        data=lambda o, p: {"reason": "暂无空余工位"},
    ),
    "spaces:request_withdraw": Route(
        MEMBER_DECIDES, method="post", url=lambda o: reverse("spaces:request_withdraw", args=[fresh_request(o).pk])
    ),
    "spaces:allocation_detail": Route(
        COMPANY_A_READ, url=lambda o: reverse("spaces:allocation_detail", args=[o["allocation_a"].pk])
    ),
    "spaces:allocation_end": Route(
        STAFF_DECIDES,
        method="post",
        url=_allocation_url("spaces:allocation_end"),
        data=lambda o, p: {"ends_on": "2027-01-01"},
    ),
    "spaces:allocation_extend": Route(
        STAFF_DECIDES,
        method="post",
        url=_allocation_url("spaces:allocation_extend", ends_on=date(2026, 9, 1)),
        data=lambda o, p: {"ends_on": "2027-01-01"},
    ),
    "spaces:allocation_move": Route(
        STAFF_DECIDES,
        method="post",
        url=_allocation_url("spaces:allocation_move"),
        data=lambda o, p: {"space": fresh_office(o).pk, "on": "2026-06-01"},
    ),
}

ADMIN_MODELS = {
    "spaces.space": AdminRow(200, 200, make=lambda o: o["office_a"]),
    "spaces.allocation": AdminRow(200, 200, make=lambda o: o["allocation_a"]),
    "spaces.spacerequest": AdminRow(200, 403, superuser_add=403, make=lambda o: o["request_a"]),
}

OPERATIONS = {
    "spaces_list": Operation(API_AUTHENTICATED, "/api/v1/spaces/", "get"),
    "spaces_retrieve": Operation(API_COMPANY_A_READ, lambda o: f"/api/v1/spaces/{o['office_a'].pk}/", "get"),
    "spaces_create": Operation(
        Expect(anon=401, maker=403, staff=201, district=403, superuser=201),
        "/api/v1/spaces/",
        "post",
        data=lambda o, p: {
            "site": o["site_a"].pk,
            "code": f"B2-4{next(_codes):02d}",
            "kind": "office",
            "floor": 4,
            "area_m2": "30.00",
            "desks": 3,
            "monthly_rent": "1800.00",
        },
    ),
    "spaces_partial_update": Operation(
        API_STAFF_WRITES, lambda o: f"/api/v1/spaces/{o['office_a'].pk}/", "patch", data=lambda o, p: {"name": "大间"}
    ),
    "spaces_occupancy_retrieve": Operation(API_OCCUPANCY, "/api/v1/spaces/occupancy/", "get"),
    "spaces_availability_list": Operation(API_OCCUPANCY, "/api/v1/spaces/availability/", "get"),
    "allocations_list": Operation(API_AUTHENTICATED, "/api/v1/allocations/", "get"),
    "allocations_retrieve": Operation(
        API_COMPANY_A_READ, lambda o: f"/api/v1/allocations/{o['allocation_a'].pk}/", "get"
    ),
    "allocations_create": Operation(
        # Maker B names a company and a space they cannot see: 400, as for an unknown one.
        Expect(anon=401, maker=400, maker_a=403, staff=201, district=403, superuser=201),
        "/api/v1/allocations/",
        "post",
        data=lambda o, p: {"space": fresh_office(o).pk, "company": o["company_a"].pk, "starts_on": "2026-03-01"},
    ),
    "allocations_partial_update": Operation(
        API_STAFF_WRITES,
        lambda o: f"/api/v1/allocations/{o['allocation_a'].pk}/",
        "patch",
        data=lambda o, p: {"note": "含一个储物柜"},
    ),
    "allocations_destroy": Operation(
        Expect(anon=401, maker=404, maker_a=403, staff=204, district=403, superuser=204),
        lambda o: f"/api/v1/allocations/{fresh_allocation(o, starts_on=date(2030, 1, 1)).pk}/",
        "delete",
    ),
    "allocations_end_create": Operation(
        API_STAFF_WRITES,
        lambda o: f"/api/v1/allocations/{fresh_allocation(o).pk}/end/",
        "post",
        data=lambda o, p: {"ends_on": "2027-01-01"},
    ),
    "allocations_extend_create": Operation(
        API_STAFF_WRITES,
        lambda o: f"/api/v1/allocations/{fresh_allocation(o, ends_on=date(2026, 9, 1)).pk}/extend/",
        "post",
        data=lambda o, p: {"ends_on": None},
    ),
    "allocations_move_create": Operation(
        API_STAFF_WRITES,
        lambda o: f"/api/v1/allocations/{fresh_allocation(o).pk}/move/",
        "post",
        data=lambda o, p: {"space": fresh_office(o).pk, "on": "2026-06-01"},
    ),
    "space_requests_list": Operation(API_AUTHENTICATED, "/api/v1/space-requests/", "get"),
    "space_requests_retrieve": Operation(
        API_COMPANY_A_READ, lambda o: f"/api/v1/space-requests/{o['request_a'].pk}/", "get"
    ),
    "space_requests_create": Operation(
        Expect(anon=401, maker=400, maker_a=201, staff=403, district=403, superuser=403),
        "/api/v1/space-requests/",
        "post",
        data=lambda o, p: {
            "company": o["company_a"].pk,
            "kind": "workshop",
            "area_m2": "80.00",
            "wanted_from": "2026-12-01",
            "reason": "小批量试产需要独立车间。",
        },
    ),
    "space_requests_offer_create": Operation(
        API_STAFF_WRITES,
        lambda o: f"/api/v1/space-requests/{fresh_request(o).pk}/offer/",
        "post",
        data=lambda o, p: {"space": o["desks_a"].pk, "desks": 1},
    ),
    "space_requests_decline_create": Operation(
        API_STAFF_WRITES,
        lambda o: f"/api/v1/space-requests/{fresh_request(o).pk}/decline/",
        "post",
        data=lambda o, p: {"reason": "暂无空余工位"},
    ),
    "space_requests_withdraw_create": Operation(
        Expect(anon=401, maker=404, maker_a=200, staff=403, district=403, superuser=403),
        lambda o: f"/api/v1/space-requests/{fresh_request(o).pk}/withdraw/",
        "post",
    ),
}

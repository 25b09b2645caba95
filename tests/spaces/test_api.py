"""The spaces API: rules answer with stable codes, lists are filtered and paginated in a
constant number of queries, occupancy and availability for staff and the district."""

from datetime import date, timedelta
from itertools import count

import pytest
from django.utils import timezone

from spaces import services
from spaces.models import Allocation, Space, SpaceRequest
from tests.factories import resident_company
from tests.spaces.conftest import DEC, JUN, MAR, SEP
from tests.spaces.factories import SpaceRequestFactory, office, open_desks

pytestmark = pytest.mark.django_db


def create(client, **body):
    return client.post("/api/v1/allocations/", body, format="json")


class TestAllocations:
    def test_staff_allocate(self, api_client_for, staff, office_a, company_a):
        response = create(
            api_client_for(staff),
            space=office_a.pk,
            company=company_a.pk,
            starts_on="2026-03-01",
            ends_on="2026-09-01",
            subsidy_kind="percent",
            subsidy_value="50",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["desks"] == office_a.desks and body["site"] == office_a.site_id
        assert (body["monthly_rent"], body["rent_after_subsidy"]) == ("2400.00", "1200.00")

    def test_an_overlap_answers_409_overlap(self, api_client_for, staff, allocate, office_a, company_a, site_a):
        allocate(office_a, resident_company(site=site_a), MAR, SEP)
        response = create(api_client_for(staff), space=office_a.pk, company=company_a.pk, starts_on="2026-06-01")
        assert response.status_code == 409 and response.json()["code"] == "overlap"
        touching = create(api_client_for(staff), space=office_a.pk, company=company_a.pk, starts_on="2026-09-01")
        assert touching.status_code == 201

    def test_too_many_desks_answers_409_over_capacity(
        self, api_client_for, staff, allocate, desks_a, company_a, site_a
    ):
        allocate(desks_a, resident_company(site=site_a), MAR, desks=8)
        response = create(
            api_client_for(staff), space=desks_a.pk, company=company_a.pk, starts_on="2026-06-01", desks=3
        )
        body = response.json()
        assert response.status_code == 409 and body["code"] == "over_capacity" and "desks" in body["fields"]

    def test_end_before_start_answers_400(self, api_client_for, staff, office_a, company_a):
        response = create(
            api_client_for(staff), space=office_a.pk, company=company_a.pk, starts_on="2026-06-01", ends_on="2026-05-01"
        )
        body = response.json()
        assert response.status_code == 400 and body["code"] == "validation_error" and "ends_on" in body["fields"]

    def test_a_company_not_resident_at_the_site_answers_409(self, api_client_for, superuser, office_a, company_b):
        response = create(api_client_for(superuser), space=office_a.pk, company=company_b.pk, starts_on="2026-06-01")
        assert response.status_code == 409 and response.json()["code"] == "not_resident"

    @pytest.mark.parametrize(
        "body",
        [
            {"starts_on": "2026-06-01", "note": 5},
            {"starts_on": "2026/06/01"},
            {"starts_on": "2026-06-01", "desks": 0},
            {"starts_on": "2026-06-01", "subsidy_kind": "gift"},
            {"starts_on": "2999-01-01"},
            {"starts_on": "2026-06-01", "monthly_rent": "-1"},
        ],
    )
    def test_malformed_bodies_answer_400(self, api_client_for, staff, office_a, company_a, body):
        response = create(api_client_for(staff), space=office_a.pk, company=company_a.pk, **body)
        assert response.status_code == 400 and response.json()["code"] == "validation_error"
        assert not Allocation.objects.exists()

    def test_json_only(self, api_client_for, staff, office_a, company_a):
        body = {"space": office_a.pk, "company": company_a.pk, "starts_on": "2026-06-01"}
        response = api_client_for(staff).post("/api/v1/allocations/", body, format="multipart")
        assert response.status_code == 415

    def test_end_extend_move_and_terms(self, api_client_for, staff, allocate, office_a, company_a, site_a):
        allocation = allocate(office_a, company_a, MAR, DEC)
        client = api_client_for(staff)
        base = f"/api/v1/allocations/{allocation.pk}"
        assert client.post(f"{base}/end/", {"ends_on": "2026-11-01"}, format="json").json()["ends_on"] == "2026-11-01"
        assert client.post(f"{base}/extend/", {"ends_on": None}, format="json").json()["ends_on"] is None
        response = client.post(f"{base}/extend/", {"ends_on": None}, format="json")
        assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
        target = office(site_a, code="B2-306")
        moved = client.post(f"{base}/move/", {"space": target.pk, "on": "2026-06-01"}, format="json").json()
        assert (moved["space"], moved["moved_from"], moved["starts_on"]) == (target.pk, allocation.pk, "2026-06-01")
        patched = client.patch(
            f"/api/v1/allocations/{moved['id']}/", {"subsidy_kind": "fixed", "subsidy_value": "400"}, format="json"
        )
        assert patched.status_code == 200 and patched.json()["rent_after_subsidy"] == "2000.00"
        too_much = client.patch(f"/api/v1/allocations/{moved['id']}/", {"subsidy_value": "9999"}, format="json")
        assert too_much.status_code == 400

    def test_cancel_only_before_it_begins(self, api_client_for, staff, allocate, office_a, company_a):
        begun = allocate(office_a, company_a, MAR, JUN)
        coming = allocate(office_a, company_a, date(2031, 1, 1))
        client = api_client_for(staff)
        response = client.delete(f"/api/v1/allocations/{begun.pk}/")
        assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
        assert client.delete(f"/api/v1/allocations/{coming.pk}/").status_code == 204
        assert list(Allocation.objects.all()) == [begun]

    def test_filters(self, api_client_for, district, allocate, office_a, office_b, desks_a, company_a, company_b):
        soon = timezone.localdate() + timedelta(days=20)
        allocate(office_a, company_a, MAR, soon)
        allocate(desks_a, company_a, MAR, JUN, desks=2)
        allocate(office_b, company_b, MAR)
        client = api_client_for(district)

        def ids(query):
            response = client.get("/api/v1/allocations/", query)
            assert response.status_code == 200, response.json()
            return sorted(row["space"] for row in response.json()["results"])

        assert ids({"site": office_a.site_id}) == sorted([office_a.pk, desks_a.pk])
        assert ids({"company": company_b.pk}) == [office_b.pk]
        assert ids({"live_on": "2026-07-01"}) == sorted([office_a.pk, office_b.pk])
        assert ids({"ending_within_days": 30}) == [office_a.pk]
        for bad in (
            {"ending_within_days": 0},
            {"live_on": "someday"},
            {"live_on": ""},
            {"site": "x"},
            {"space": ""},
            {"company": ""},
            {"subsidy_kind": "gift"},
        ):
            assert client.get("/api/v1/allocations/", bad).status_code == 400, bad

    def test_list_in_constant_queries(self, api_client_for, staff, site_a, company_a, assert_constant_queries):
        client = api_client_for(staff)
        codes = count()

        def grow():
            for _ in range(10):
                space = office(site_a, code=f"L-{next(codes)}")
                services.allocation_create(space=space, company=company_a, starts_on=MAR, by=staff)

        grow()
        assert_constant_queries(fetch=lambda: client.get("/api/v1/allocations/"), grow=grow)


class TestSpaces:
    def test_staff_add_and_change_spaces(self, api_client_for, staff, site_a, site_b):
        client = api_client_for(staff)
        body = {"site": site_a.pk, "code": "B2-401", "kind": "office", "floor": 4, "area_m2": "36.00"}
        body.update(desks=4, monthly_rent="2160.00")
        response = client.post("/api/v1/spaces/", body, format="json")
        assert response.status_code == 201, response.json()
        space_id = response.json()["id"]
        duplicate = client.post("/api/v1/spaces/", body, format="json")
        assert duplicate.status_code == 400
        elsewhere = client.post("/api/v1/spaces/", {**body, "site": site_b.pk}, format="json")
        assert elsewhere.status_code == 403
        patched = client.patch(f"/api/v1/spaces/{space_id}/", {"name": "大间", "site": site_b.pk}, format="json")
        assert patched.status_code == 200 and patched.json()["site"] == site_a.pk  # the site stays

    def test_a_let_space_keeps_its_kind(self, api_client_for, staff, allocate, office_a, company_a):
        allocate(office_a, company_a, MAR, date(2099, 1, 1))
        response = api_client_for(staff).patch(f"/api/v1/spaces/{office_a.pk}/", {"kind": "open_desks"}, format="json")
        assert response.status_code == 409 and response.json()["code"] == "space_in_use"

    def test_filters(self, api_client_for, district, office_a, desks_a, office_b):
        client = api_client_for(district)
        rows = client.get("/api/v1/spaces/", {"site": office_a.site_id, "kind": "office"}).json()["results"]
        assert [r["code"] for r in rows] == ["B2-305"]
        assert [r["code"] for r in client.get("/api/v1/spaces/", {"q": "a1-"}).json()["results"]] == ["A1-110"]
        for bad in ({"kind": ""}, {"site": ""}, {"floor": ""}, {"floor": "二"}):
            assert client.get("/api/v1/spaces/", bad).status_code == 400, bad

    def test_list_in_constant_queries(self, api_client_for, district, site_a, assert_constant_queries):
        client = api_client_for(district)
        codes = count()

        def grow():
            for _ in range(10):
                office(site_a, code=f"S-{next(codes)}")

        grow()
        assert_constant_queries(fetch=lambda: client.get("/api/v1/spaces/"), grow=grow)


class TestOccupancyAndAvailability:
    def test_occupancy_by_site_and_total(
        self, api_client_for, district, allocate, office_a, desks_a, company_a, site_b
    ):
        allocate(office_a, company_a, MAR)
        allocate(desks_a, company_a, MAR, desks=5)
        body = api_client_for(district).get("/api/v1/spaces/occupancy/", {"on": "2026-06-15"}).json()
        site_a_row = next(row for row in body["sites"] if row["site"] == office_a.site_id)
        assert site_a_row["area_m2"] == "140.00" and site_a_row["area_let_m2"] == "90.00"
        assert (site_a_row["desks"], site_a_row["desks_let"], site_a_row["rate"]) == (14, 9, "64.3")
        assert body["total"]["site"] is None and body["total"]["area_let_m2"] == "90.00"
        assert {row["site"] for row in body["sites"]} == {office_a.site_id, site_b.pk}

    def test_occupancy_of_one_site_and_bad_queries(self, api_client_for, staff, site_a, site_b):
        client = api_client_for(staff)
        assert client.get("/api/v1/spaces/occupancy/", {"site": site_a.pk}).status_code == 200
        assert client.get("/api/v1/spaces/occupancy/", {"site": site_b.pk}).status_code == 404
        for bad in ({"on": "2026-02-30"}, {"on": "1900-01-01"}, {"on": ""}, {"site": "0"}, {"site": "x"}):
            response = client.get("/api/v1/spaces/occupancy/", bad)
            assert response.status_code == 400 and response.json()["code"] == "validation_error", bad

    def test_makers_do_not_read_occupancy(self, api_client_for, maker_a):
        response = api_client_for(maker_a).get("/api/v1/spaces/occupancy/")
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"

    def test_availability_soonest_first(self, api_client_for, staff, allocate, office_a, desks_a, company_a, site_a):
        allocate(office_a, company_a, MAR, SEP)
        full = open_desks(site_a, code="A1-120", desks=2)
        allocate(full, company_a, MAR, JUN, desks=2)
        body = api_client_for(staff).get("/api/v1/spaces/availability/", {"on": "2026-04-01"}).json()
        rows = [(r["code"], r["free_from"], r["desks_free"]) for r in body["results"]]
        assert rows == [("A1-110", "2026-04-01", 10), ("A1-120", "2026-06-01", 0), ("B2-305", "2026-09-01", 0)]
        offices = api_client_for(staff).get("/api/v1/spaces/availability/", {"kind": "office"}).json()
        assert body["count"] == 3 and [r["code"] for r in offices["results"]] == ["B2-305"]


class TestRequests:
    def test_ask_offer_and_the_request_is_answered(self, api_client_for, maker_a, staff, company_a, desks_a):
        body = {"company": company_a.pk, "kind": "open_desks", "desks": 2, "wanted_from": "2026-12-01"}
        body["reason"] = "两名实习生入职"
        created = api_client_for(maker_a).post("/api/v1/space-requests/", body, format="json")
        assert created.status_code == 201 and created.json()["status"] == "submitted"
        pk = created.json()["id"]
        again = api_client_for(maker_a).post("/api/v1/space-requests/", body, format="json")
        assert again.status_code == 409 and again.json()["code"] == "duplicate_request"
        offered = api_client_for(staff).post(
            f"/api/v1/space-requests/{pk}/offer/", {"space": desks_a.pk}, format="json"
        )
        assert offered.status_code == 200 and offered.json()["status"] == "offered"
        allocation = Allocation.objects.get(pk=offered.json()["allocation"])
        assert allocation.desks == 2 and allocation.space == desks_a
        closed = api_client_for(staff).post(f"/api/v1/space-requests/{pk}/decline/", {"reason": "x"}, format="json")
        assert closed.status_code == 409 and closed.json()["code"] == "invalid_transition"

    def test_open_desks_without_a_number_answer_400(self, api_client_for, maker_a, company_a):
        body = {"company": company_a.pk, "kind": "open_desks", "wanted_from": "2026-12-01", "reason": "需要工位"}
        response = api_client_for(maker_a).post("/api/v1/space-requests/", body, format="json")
        assert response.status_code == 400 and "desks" in response.json()["fields"]

    def test_an_offer_that_overlaps_answers_409(self, api_client_for, staff, allocate, office_a, company_a, site_a):
        allocate(office_a, resident_company(site=site_a), MAR)
        space_request = SpaceRequestFactory(company=company_a, site=site_a, kind="office", desks=0)
        response = api_client_for(staff).post(
            f"/api/v1/space-requests/{space_request.pk}/offer/", {"space": office_a.pk}, format="json"
        )
        assert response.status_code == 409 and response.json()["code"] == "overlap"
        assert SpaceRequest.objects.get().status == "submitted"

    def test_list_in_constant_queries(self, api_client_for, staff, site_a, assert_constant_queries):
        client = api_client_for(staff)

        def grow():
            for _ in range(10):
                SpaceRequestFactory(company=resident_company(site=site_a), site=site_a)

        grow()
        assert_constant_queries(fetch=lambda: client.get("/api/v1/space-requests/"), grow=grow)


def test_spaces_appear_in_the_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in ("/api/v1/spaces/", "/api/v1/allocations/", "/api/v1/space-requests/", "/api/v1/spaces/occupancy/"):
        assert path in schema
    assert Space.objects.count() == 0

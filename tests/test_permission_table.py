"""Who may open what: every URL pattern and every API operation × every persona.

One declarative table. A route or an operation that is missing from it fails the test, so
every new page and endpoint must state who may use it. Later apps add their rows here.

`Expect(anon=…, maker=…, staff=…, district=…, superuser=…)`; `maker` applies to both
makers unless `maker_a` or `maker_b` is given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.generators import SchemaGenerator

from tests.conftest import PERSONAS
from tests.factories import PASSWORD, AdmissionFactory, HeartbeatFactory, NotificationFactory


@dataclass(frozen=True)
class Expect:
    anon: int
    maker: int
    staff: int
    district: int
    superuser: int
    maker_a: int | None = None
    maker_b: int | None = None

    def for_persona(self, persona: str) -> int:
        if persona == "anonymous":
            return self.anon
        if persona in ("maker_a", "maker_b"):
            own = getattr(self, persona)
            return self.maker if own is None else own
        return getattr(self, persona)


@dataclass(frozen=True)
class Route:
    expect: Expect
    url: Callable[[dict], str] | str | None = None  # default: reverse(name)
    method: str = "get"
    data: Callable[[dict, str], Any] | None = None


SIGNED_IN = Expect(anon=302, maker=200, staff=200, district=200, superuser=200)
PUBLIC = Expect(anon=200, maker=200, staff=200, district=200, superuser=200)
# Pages only for the signed-out: a signed-in visitor is sent home.
SIGNED_OUT = Expect(anon=200, maker=302, staff=302, district=302, superuser=302)
ADMIN_ONLY = Expect(anon=302, maker=302, staff=200, district=302, superuser=200)

# Company A belongs to maker A and is resident at site A, where the staff persona works.
COMPANY_A_READ = Expect(anon=302, maker=404, maker_a=200, staff=200, district=200, superuser=200)
COMPANY_A_EDIT = Expect(anon=302, maker=404, maker_a=200, staff=200, district=404, superuser=200)
# Writes answer with a redirect back to the page (302); who may not write gets a 404.
COMPANY_A_WRITE = Expect(anon=302, maker=404, maker_a=302, staff=302, district=404, superuser=302)
ADMISSION_A_DECIDE = Expect(anon=302, maker=404, maker_a=403, staff=302, district=403, superuser=302)

# --- Portal and platform routes, by URL name ------------------------------------------

ROUTES: dict[str, Route] = {
    "home": Route(SIGNED_IN),
    "account": Route(SIGNED_IN),
    "password_change": Route(SIGNED_IN),
    "set_language": Route(Expect(302, 302, 302, 302, 302), method="post", data=lambda o, p: {"language": "en"}),
    "login": Route(SIGNED_OUT),
    "logout": Route(Expect(302, 302, 302, 302, 302), method="post"),
    "password_reset": Route(PUBLIC),
    "password_reset_done": Route(PUBLIC),
    "password_reset_confirm": Route(PUBLIC, url=lambda o: reverse("password_reset_confirm", args=["MQ", "bad-token"])),
    "password_reset_complete": Route(PUBLIC),
    "healthz": Route(PUBLIC),
    "schema": Route(PUBLIC),
    "api-docs": Route(PUBLIC),
    # The admin's own pages.
    "admin:index": Route(ADMIN_ONLY),
    "admin:login": Route(Expect(200, 200, 302, 200, 302)),
    "admin:logout": Route(Expect(302, 302, 302, 302, 302), method="post"),
    "admin:password_change": Route(ADMIN_ONLY),
    "admin:password_change_done": Route(ADMIN_ONLY),
    "admin:jsi18n": Route(ADMIN_ONLY),
    "admin:autocomplete": Route(Expect(302, 302, 403, 302, 403)),
    "admin:view_on_site": Route(
        Expect(302, 302, 404, 302, 404), url=lambda o: reverse("admin:view_on_site", args=[1, 1])
    ),
    "admin:app_list": Route(ADMIN_ONLY, url=lambda o: reverse("admin:app_list", args=["incubator"])),
    "admin:auth_user_password_change": Route(
        Expect(302, 302, 403, 302, 200),
        url=lambda o: reverse("admin:auth_user_password_change", args=[o["maker_a"].pk]),
    ),
    # --- companies ---
    "companies:apply": Route(Expect(200, 200, 200, 200, 200)),
    "companies:list": Route(SIGNED_IN),
    "companies:detail": Route(COMPANY_A_READ, url=lambda o: reverse("companies:detail", args=[o["company_a"].pk])),
    "companies:edit": Route(COMPANY_A_EDIT, url=lambda o: reverse("companies:edit", args=[o["company_a"].pk])),
    "companies:figures": Route(COMPANY_A_READ, url=lambda o: reverse("companies:figures", args=[o["company_a"].pk])),
    "companies:team_invite": Route(
        COMPANY_A_WRITE,
        method="post",
        url=lambda o: reverse("companies:team_invite", args=[o["company_a"].pk]),
        data=lambda o, p: {"email": "not-an-address"},
    ),
    "companies:team_role": Route(
        COMPANY_A_WRITE,
        method="post",
        data=lambda o, p: {"role": "owner"},
        url=lambda o: reverse("companies:team_role", args=[o["company_a"].pk, o["owner_a"].pk]),
    ),
    "companies:team_remove": Route(
        COMPANY_A_WRITE,
        method="post",
        url=lambda o: reverse("companies:team_remove", args=[o["company_a"].pk, o["owner_a"].pk]),
    ),
    "companies:award_add": Route(
        COMPANY_A_WRITE,
        method="post",
        url=lambda o: reverse("companies:award_add", args=[o["company_a"].pk]),
        data=lambda o, p: {"competition": "创客大赛", "rank": "一等奖", "year": 2025},
    ),
    "companies:award_delete": Route(
        COMPANY_A_WRITE,
        method="post",
        url=lambda o: reverse("companies:award_delete", args=[o["company_a"].pk, o["award_a"].pk]),
    ),
    "companies:admission_list": Route(SIGNED_IN),
    "companies:admission_detail": Route(
        COMPANY_A_READ, url=lambda o: reverse("companies:admission_detail", args=[o["admission_a"].pk])
    ),
    "companies:admission_withdraw": Route(
        Expect(anon=302, maker=404, maker_a=302, staff=403, district=403, superuser=403),
        method="post",
        url=lambda o: reverse("companies:admission_withdraw", args=[o["admission_a"].pk]),
    ),
    "companies:admission_review": Route(
        ADMISSION_A_DECIDE,
        method="post",
        url=lambda o: reverse("companies:admission_review", args=[fresh_admission(o).pk]),
    ),
    "companies:admission_accept": Route(
        ADMISSION_A_DECIDE,
        method="post",
        url=lambda o: reverse("companies:admission_accept", args=[fresh_admission(o).pk]),
    ),
    "companies:admission_reject": Route(
        ADMISSION_A_DECIDE,
        method="post",
        data=lambda o, p: {"reason": "方向不符"},
        url=lambda o: reverse("companies:admission_reject", args=[fresh_admission(o).pk]),
    ),
    "admin:companies_company_import": Route(ADMIN_ONLY),
    "admin:companies_company_process_import": Route(Expect(302, 302, 405, 302, 405)),
}

# --- Admin model pages: every registered model states what centre staff may do ----------
# (view, add): what centre staff get on the changelist and on the add page. Everyone who is
# not staff is sent to the admin login (302); the superuser may do everything the
# ModelAdmin allows (`superuser_add`).


@dataclass(frozen=True)
class AdminRow:
    staff_view: int
    staff_add: int
    superuser_add: int = 200
    make: Callable[[dict], Any] | None = None


ADMIN_MODELS: dict[str, AdminRow] = {
    "incubator.site": AdminRow(200, 403, make=lambda o: o["site_a"]),
    "incubator.user": AdminRow(200, 403, make=lambda o: o["maker_a"]),
    "incubator.notification": AdminRow(200, 403, superuser_add=403, make=lambda o: NotificationFactory()),
    "incubator.heartbeat": AdminRow(200, 403, superuser_add=403, make=lambda o: HeartbeatFactory()),
    "auth.group": AdminRow(403, 403),
    "authtoken.tokenproxy": AdminRow(403, 403),
    "django_celery_beat.periodictask": AdminRow(403, 403),
    "django_celery_beat.intervalschedule": AdminRow(403, 403),
    "django_celery_beat.crontabschedule": AdminRow(403, 403),
    "django_celery_beat.solarschedule": AdminRow(403, 403),
    "django_celery_beat.clockedschedule": AdminRow(403, 403),
    "axes.accessattempt": AdminRow(403, 403, superuser_add=403),
    "axes.accesslog": AdminRow(403, 403, superuser_add=403),
    "axes.accessfailurelog": AdminRow(403, 403, superuser_add=403),
    "companies.company": AdminRow(200, 200, make=lambda o: o["company_a"]),
    "companies.residency": AdminRow(200, 200, make=lambda o: o["company_a"].residencies.get()),
    "companies.membership": AdminRow(200, 200, make=lambda o: o["owner_a"]),
    "companies.admission": AdminRow(200, 403, superuser_add=403, make=lambda o: o["admission_a"]),
    "companies.designation": AdminRow(200, 200, make=lambda o: o["designation_a"]),
    "companies.yearfigures": AdminRow(200, 200, make=lambda o: o["figures_a"]),
    "companies.award": AdminRow(200, 200, make=lambda o: o["award_a"]),
    "companies.consultation": AdminRow(200, 200, make=lambda o: o["consultation_a"]),
}
ADMIN_MODEL_VIEWS = ("changelist", "add", "change", "delete", "history", "simple_history")

# --- API operations, by operationId ---------------------------------------------------

API_AUTHENTICATED = Expect(anon=401, maker=200, staff=200, district=200, superuser=200)
API_COMPANY_A_READ = Expect(anon=401, maker=404, maker_a=200, staff=200, district=200, superuser=200)
API_COMPANY_A_WRITE = Expect(anon=401, maker=404, maker_a=200, staff=200, district=403, superuser=200)
API_ADMISSION_A_DECIDE = Expect(anon=401, maker=404, maker_a=403, staff=200, district=403, superuser=200)


@dataclass(frozen=True)
class Operation:
    expect: Expect
    path: Callable[[dict], str] | str
    method: str
    data: Callable[[dict, str], Any] | None = None


def fresh_admission(objects: dict):
    """An open application of maker A to site A, for an operation that closes it."""
    return AdmissionFactory(applicant=objects["maker_a"], site=objects["site_a"])


def _own_credentials(objects: dict, persona: str) -> dict:
    user = objects.get(persona)
    return {"email": user.email if user else "nobody@example.org", "password": PASSWORD}


OPERATIONS: dict[str, Operation] = {
    "auth_token_create": Operation(
        Expect(anon=401, maker=200, staff=200, district=200, superuser=200),
        "/api/v1/auth/token/",
        "post",
        data=_own_credentials,
    ),
    "auth_token_destroy": Operation(
        Expect(anon=401, maker=204, staff=204, district=204, superuser=204), "/api/v1/auth/token/", "delete"
    ),
    "users_me_retrieve": Operation(API_AUTHENTICATED, "/api/v1/users/me/", "get"),
    "users_me_partial_update": Operation(
        API_AUTHENTICATED, "/api/v1/users/me/", "patch", data=lambda o, p: {"phone": "022-23456789"}
    ),
    "sites_list": Operation(API_AUTHENTICATED, "/api/v1/sites/", "get"),
    "sites_retrieve": Operation(API_AUTHENTICATED, lambda o: f"/api/v1/sites/{o['site_a'].pk}/", "get"),
    # --- companies ---
    "companies_list": Operation(API_AUTHENTICATED, "/api/v1/companies/", "get"),
    "companies_retrieve": Operation(API_COMPANY_A_READ, lambda o: f"/api/v1/companies/{o['company_a'].pk}/", "get"),
    "companies_partial_update": Operation(
        API_COMPANY_A_WRITE,
        lambda o: f"/api/v1/companies/{o['company_a'].pk}/",
        "patch",
        data=lambda o, p: {"website": "https://sunmao.example.cn"},
    ),
    "memberships_list": Operation(API_AUTHENTICATED, "/api/v1/memberships/", "get"),
    "memberships_retrieve": Operation(API_COMPANY_A_READ, lambda o: f"/api/v1/memberships/{o['owner_a'].pk}/", "get"),
    "memberships_create": Operation(
        Expect(anon=401, maker=404, maker_a=201, staff=201, district=403, superuser=201),
        "/api/v1/memberships/",
        "post",
        data=lambda o, p: {"company": o["company_a"].pk, "email": f"new-{p}@example.org", "role": "member"},
    ),
    "memberships_partial_update": Operation(
        API_COMPANY_A_WRITE,
        lambda o: f"/api/v1/memberships/{o['owner_a'].pk}/",
        "patch",
        data=lambda o, p: {"role": "owner"},
    ),
    "memberships_destroy": Operation(
        Expect(anon=401, maker=404, maker_a=409, staff=409, district=403, superuser=409),
        lambda o: f"/api/v1/memberships/{o['owner_a'].pk}/",
        "delete",
    ),
    "admissions_list": Operation(API_AUTHENTICATED, "/api/v1/admissions/", "get"),
    "admissions_create": Operation(
        Expect(anon=401, maker=201, staff=201, district=403, superuser=201),
        "/api/v1/admissions/",
        "post",
        data=lambda o, p: {"site": o["site_b"].pk, "team_name": "新团队", "project_summary": "项目"},
    ),
    "admissions_retrieve": Operation(API_COMPANY_A_READ, lambda o: f"/api/v1/admissions/{o['admission_a'].pk}/", "get"),
    "admissions_review_create": Operation(
        API_ADMISSION_A_DECIDE, lambda o: f"/api/v1/admissions/{fresh_admission(o).pk}/review/", "post"
    ),
    "admissions_accept_create": Operation(
        API_ADMISSION_A_DECIDE,
        lambda o: f"/api/v1/admissions/{fresh_admission(o).pk}/accept/",
        "post",
        data=lambda o, p: {},
    ),
    "admissions_reject_create": Operation(
        API_ADMISSION_A_DECIDE,
        lambda o: f"/api/v1/admissions/{fresh_admission(o).pk}/reject/",
        "post",
        data=lambda o, p: {"reason": "方向不符"},
    ),
    "admissions_withdraw_create": Operation(
        Expect(anon=401, maker=404, maker_a=200, staff=403, district=403, superuser=403),
        lambda o: f"/api/v1/admissions/{o['admission_a'].pk}/withdraw/",
        "post",
    ),
    "designations_list": Operation(API_AUTHENTICATED, "/api/v1/designations/", "get"),
    "designations_retrieve": Operation(
        API_COMPANY_A_READ, lambda o: f"/api/v1/designations/{o['designation_a'].pk}/", "get"
    ),
    "designations_create": Operation(
        Expect(anon=401, maker=400, maker_a=403, staff=201, district=403, superuser=201),
        "/api/v1/designations/",
        "post",
        data=lambda o, p: {"company": o["company_a"].pk, "kind": "little_giant", "granted_on": "2026-03-01"},
    ),
    "year_figures_list": Operation(API_AUTHENTICATED, "/api/v1/year-figures/", "get"),
    "year_figures_retrieve": Operation(
        API_COMPANY_A_READ, lambda o: f"/api/v1/year-figures/{o['figures_a'].pk}/", "get"
    ),
    "year_figures_create": Operation(
        Expect(anon=401, maker=400, maker_a=201, staff=201, district=403, superuser=201),
        "/api/v1/year-figures/",
        "post",
        data=lambda o, p: {
            "company": o["company_a"].pk,
            "year": 2024,
            "revenue": "120000.00",
            "profit": "-300.00",
            "taxes_paid": "7200.00",
            "rd_spend": "9000.00",
            "employees": 6,
            "rd_staff": 2,
        },
    ),
    "awards_list": Operation(API_AUTHENTICATED, "/api/v1/awards/", "get"),
    "awards_retrieve": Operation(API_COMPANY_A_READ, lambda o: f"/api/v1/awards/{o['award_a'].pk}/", "get"),
    "awards_create": Operation(
        Expect(anon=401, maker=400, maker_a=201, staff=201, district=403, superuser=201),
        "/api/v1/awards/",
        "post",
        data=lambda o, p: {"company": o["company_a"].pk, "competition": "中国创客大赛", "rank": "二等奖", "year": 2026},
    ),
    "awards_destroy": Operation(
        Expect(anon=401, maker=404, maker_a=204, staff=204, district=403, superuser=204),
        lambda o: f"/api/v1/awards/{o['award_a'].pk}/",
        "delete",
    ),
    "consultations_list": Operation(API_AUTHENTICATED, "/api/v1/consultations/", "get"),
    "consultations_retrieve": Operation(
        API_COMPANY_A_READ, lambda o: f"/api/v1/consultations/{o['consultation_a'].pk}/", "get"
    ),
    "consultations_create": Operation(
        Expect(anon=401, maker=400, maker_a=403, staff=201, district=403, superuser=201),
        "/api/v1/consultations/",
        "post",
        data=lambda o, p: {
            "company": o["company_a"].pk,
            "expert_name": "王研究员",
            "held_on": "2026-05-01",
            "topic": "粉末冶金",
        },
    ),
}


# --- The checks ----------------------------------------------------------------------


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), (f"{namespace}{entry.name}" if entry.name else None)


def _admin_model_url_names() -> set[str]:
    names = set()
    for model in admin.site._registry:
        for view in ADMIN_MODEL_VIEWS:
            names.add(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")
    return names


def all_routes() -> list[tuple[str, str | None]]:
    return list(_walk(get_resolver().url_patterns))


def test_every_route_is_in_the_table():
    admin_model_names = _admin_model_url_names()
    missing = []
    for route, name in all_routes():
        if route.startswith("api/v1/") or route.startswith("static/"):
            continue  # API operations have their own table below
        if name is None and route.startswith("admin/"):
            continue  # the admin's redirects to a named page, which the table covers
        if name is None:
            missing.append(f"unnamed route {route!r}")
        elif name not in ROUTES and name not in admin_model_names:
            missing.append(name)
    assert not missing, f"Routes missing from the permission table: {missing}"


def test_every_admin_model_is_in_the_table():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(ADMIN_MODELS), (
        f"missing: {sorted(registered - set(ADMIN_MODELS))}, stale: {sorted(set(ADMIN_MODELS) - registered)}"
    )


def test_every_api_operation_is_in_the_table():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation_ids = {
        operation["operationId"]
        for path_item in schema["paths"].values()
        for method, operation in path_item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert operation_ids == set(OPERATIONS), (
        f"missing: {sorted(operation_ids - set(OPERATIONS))}, stale: {sorted(set(OPERATIONS) - operation_ids)}"
    )


@pytest.fixture
def objects(personas, site_a, site_b, company_a, company_b) -> dict:
    from companies import services as company_services
    from companies.models import Membership

    staff = personas["staff"]
    maker_a = personas["maker_a"]
    return {
        **personas,
        "site_a": site_a,
        "site_b": site_b,
        "company_a": company_a,
        "company_b": company_b,
        "owner_a": Membership.objects.get(company=company_a, user=maker_a),
        "award_a": company_services.award_add(
            company=company_a, by=maker_a, competition="中国创客大赛", rank="三等奖", year=2025
        ),
        "figures_a": company_services.year_figures_save(
            company=company_a,
            year=2025,
            by=maker_a,
            revenue=1,
            profit=0,
            taxes_paid=0,
            rd_spend=0,
            employees=1,
            rd_staff=0,
        ),
        "designation_a": company_services.designation_record(
            company=company_a, kind="sme", granted_on=date(2026, 1, 1), by=staff
        ),
        "consultation_a": company_services.consultation_record(
            company=company_a, by=staff, expert_name="李教授", held_on=date(2026, 1, 1), topic="精度"
        ),
        "admission_a": AdmissionFactory(applicant=maker_a, site=site_a),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_portal_routes(persona, objects, client_for):
    client = client_for(objects[persona])
    failures = []
    for name, route in ROUTES.items():
        url = route.url(objects) if callable(route.url) else (route.url or reverse(name))
        data = route.data(objects, persona) if route.data else None
        response = getattr(client, route.method)(url, data) if data is not None else getattr(client, route.method)(url)
        expected = route.expect.for_persona(persona)
        if name == "healthz":
            expected = response.status_code if response.status_code in (200, 503) else 200
        if response.status_code != expected:
            failures.append(f"{route.method.upper()} {name} ({url}): {response.status_code}, expected {expected}")
        if route.method == "post" and name in {"logout", "admin:logout"} and objects[persona] is not None:
            client.force_login(objects[persona])
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_model_pages(persona, objects, client_for):
    client = client_for(objects[persona])
    failures = []
    for model in admin.site._registry:
        label = model._meta.label_lower
        row = ADMIN_MODELS[label]
        base = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages = {
            "changelist": (reverse(f"{base}_changelist"), row.staff_view, 200),
            "add": (reverse(f"{base}_add"), row.staff_add, row.superuser_add),
        }
        if row.make:
            obj = row.make(objects)
            for view in ("change", "history"):
                pages[view] = (reverse(f"{base}_{view}", args=[obj.pk]), row.staff_view, 200)
        for view, (url, staff_status, superuser_status) in pages.items():
            expected = {"staff": staff_status, "superuser": superuser_status}.get(persona, 302)
            status = client.get(url).status_code
            if status != expected:
                failures.append(f"{label} {view}: {status}, expected {expected}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_api_operations(persona, objects, api_client_for):
    failures = []
    for operation_id, op in OPERATIONS.items():
        client = api_client_for(objects[persona])  # a fresh token: some operations revoke it
        path = op.path(objects) if callable(op.path) else op.path
        data = op.data(objects, persona) if op.data else None
        response = getattr(client, op.method)(path, data, format="json")
        expected = op.expect.for_persona(persona)
        if response.status_code != expected:
            failures.append(f"{operation_id} {op.method.upper()} {path}: {response.status_code}, expected {expected}")
        elif response.status_code >= 400:
            assert "code" in response.json(), f"{operation_id}: error without a code"
    assert not failures, "\n".join(failures)

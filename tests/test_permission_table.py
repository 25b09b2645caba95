"""Who may open what: every URL pattern and every API operation × every persona.

One declarative table. A route or an operation that is missing from it fails the test, so
every new page and endpoint must state who may use it. The platform's rows are below; each
app keeps its own in `tests/<app>/permission_rows.py` (ROUTES, ADMIN_MODELS, OPERATIONS and
`add_objects(objects)`), which this module collects.

`Expect(anon=…, maker=…, staff=…, district=…, superuser=…)`; `maker` applies to both
makers unless `maker_a` or `maker_b` is given.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from drf_spectacular.generators import SchemaGenerator

from tests.conftest import PERSONAS
from tests.factories import PASSWORD, HeartbeatFactory, NotificationFactory
from tests.permissions import (
    ADMIN_ONLY,
    API_AUTHENTICATED,
    PUBLIC,
    SIGNED_IN,
    SIGNED_OUT,
    AdminRow,
    Expect,
    Operation,
    Route,
)

APP_ROWS = [
    importlib.import_module(f"tests.{path.parent.name}.permission_rows")
    for path in sorted(Path(__file__).parent.glob("*/permission_rows.py"))
]

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
}

# --- Admin model pages: every registered model states what centre staff may do ----------
# (view, add): what centre staff get on the changelist and on the add page. Everyone who is
# not staff is sent to the admin login (302); the superuser may do everything the
# ModelAdmin allows (`superuser_add`).


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
}
ADMIN_MODEL_VIEWS = ("changelist", "add", "change", "delete", "history", "simple_history")

# --- API operations, by operationId ---------------------------------------------------


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
}


for _rows in APP_ROWS:
    for _table, _more in ((ROUTES, _rows.ROUTES), (ADMIN_MODELS, _rows.ADMIN_MODELS), (OPERATIONS, _rows.OPERATIONS)):
        _clash = set(_table) & set(_more)
        assert not _clash, f"{_rows.__name__} repeats rows: {_clash}"
        _table.update(_more)

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
def objects(personas, site_a, site_b) -> dict:
    objects = {**personas, "site_a": site_a, "site_b": site_b}
    for module in APP_ROWS:
        module.add_objects(objects)
    return objects


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

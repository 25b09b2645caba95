"""The harness every feature plugs into: personas, clients and a query counter.

Personas (after healthchecks' Alice, Bob and Charlie): `anonymous`, `maker_a`, `maker_b`,
`staff` (centre staff of site A only), `district`, `superuser`. Later apps give the makers
a company each through the `persona_setup` hook below.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from incubator import services
from incubator.choices import Role
from tests.factories import PASSWORD, SiteFactory, UserFactory, resident_company

PERSONAS = ("anonymous", "maker_a", "maker_b", "staff", "district", "superuser")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site_a(db):
    return SiteFactory(code="site-a", name="北方创客体验中心", name_en="Northern Maker Experience Center")


@pytest.fixture
def site_b(db):
    return SiteFactory(code="site-b", name="河西区科技企业孵化器", name_en="Hexi S&T Business Incubator")


@pytest.fixture
def maker_a(db):
    return UserFactory(email="maker-a@example.org", full_name="张伟")


@pytest.fixture
def maker_b(db):
    return UserFactory(email="maker-b@example.org", full_name="Emily Chen", language="en")


@pytest.fixture
def staff(db, site_a):
    user = UserFactory(email="staff@example.org", full_name="王晓楠")
    return services.user_set_roles(user=user, roles=[Role.CENTRE_STAFF], staff_sites=[site_a])


@pytest.fixture
def district(db):
    user = UserFactory(email="district@example.org", full_name="刘建国")
    return services.user_set_roles(user=user, roles=[Role.DISTRICT])


@pytest.fixture
def superuser(db):
    user = UserFactory(email="admin@example.org", full_name="管理员", is_superuser=True, is_staff=True)
    return user


@pytest.fixture
def company_a(db, site_a, maker_a):
    """Maker A's company, resident at site A (the site the staff persona works for)."""
    return resident_company(site=site_a, owner=maker_a, name="天津榫卯木构科技有限公司", name_en="Sunmao Joinery")


@pytest.fixture
def company_b(db, site_b, maker_b):
    """Maker B's company, resident at site B."""
    return resident_company(site=site_b, owner=maker_b, name="天津芯测电子科技有限公司", name_en="Xince Electronics")


@pytest.fixture
def personas(request, db, site_a, site_b) -> dict:
    """Every persona by name; `anonymous` is None."""
    people = {"anonymous": None}
    for name in PERSONAS[1:]:
        people[name] = request.getfixturevalue(name)
    return people


@pytest.fixture
def client_for() -> Callable:
    """A portal client signed in as the given user (anonymous for None)."""

    def make(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def api_client_for() -> Callable:
    """An API client that authenticates with the user's token (anonymous for None)."""

    def make(user) -> APIClient:
        client = APIClient()
        if user is not None:
            token = services.api_token_obtain(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0
        self.queries: list[str] = []


@contextmanager
def count_queries():
    """Count the queries run inside the block: `with count_queries() as q: ...; q.count`."""
    counter = QueryCounter()
    with CaptureQueriesContext(connection) as ctx:
        yield counter
    counter.queries = [q["sql"] for q in ctx.captured_queries]
    counter.count = len(ctx.captured_queries)


@pytest.fixture
def assert_constant_queries():
    """Assert that `fetch()` runs the same number of queries after `grow()` added data.

    Use it on every list: `assert_constant_queries(fetch=lambda: client.get(url), grow=lambda: make(20))`.
    """

    def check(*, fetch: Callable, grow: Callable) -> int:
        fetch()  # warm caches (content types, sessions)
        with count_queries() as before:
            fetch()
        grow()
        with count_queries() as after:
            fetch()
        assert after.count == before.count, (
            f"{before.count} queries before and {after.count} after adding data:\n" + "\n".join(after.queries)
        )
        return after.count

    return check


__all__ = ["PASSWORD", "PERSONAS", "count_queries"]


# --- CI: a skipped test is a failed test -------------------------------------------------

_skipped: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """With FAIL_ON_SKIP=1 (CI sets it) nothing may be skipped: a test that needs
    PostgreSQL, Redis or Chromium must run where CI provides them."""
    import os

    if os.environ.get("FAIL_ON_SKIP") == "1" and _skipped and exitstatus == 0:
        session.exitstatus = 1
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write_line(f"FAIL_ON_SKIP: {len(_skipped)} test(s) skipped: {_skipped[:10]}", red=True)

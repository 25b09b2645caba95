"""Fixtures of the spaces tests: spaces at site A (where the staff persona works and company
A is resident) and site B (company B's), and a helper that allocates through the service."""

from datetime import date

import pytest

from spaces import services
from tests.spaces.factories import office, open_desks, workshop

# Company A and company B have been resident since 2024-03-01 (tests/factories.py).
MAR = date(2026, 3, 1)
JUN = date(2026, 6, 1)
SEP = date(2026, 9, 1)
DEC = date(2026, 12, 1)


@pytest.fixture
def office_a(site_a):
    return office(site_a, code="B2-305", floor=3)


@pytest.fixture
def desks_a(site_a):
    return open_desks(site_a, code="A1-110", desks=10, name="众创空间A区")


@pytest.fixture
def workshop_a(site_a):
    return workshop(site_a, code="A1-101", name="木工坊")


@pytest.fixture
def office_b(site_b):
    return office(site_b, code="C-201", floor=2)


@pytest.fixture
def allocate(superuser):
    """Allocate through the service, as a superuser unless `by` says otherwise."""

    def make(space, company, starts_on=MAR, ends_on=None, by=None, **kwargs):
        return services.allocation_create(
            space=space, company=company, starts_on=starts_on, ends_on=ends_on, by=by or superuser, **kwargs
        )

    return make

"""The two rules under concurrency, on both databases: many clients at once, and never a
double letting or more desks than exist. On PostgreSQL the office rule is also an exclusion
constraint, tested on its own below."""

import itertools
import threading
import time
from datetime import date

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction

from companies.models import Company
from incubator.errors import Conflict
from spaces import services
from spaces.models import Allocation
from tests.factories import UserFactory, resident_company
from tests.spaces.factories import AllocationFactory, office, open_desks

CLIENTS = 50
MAR = date(2026, 3, 1)
SEP = date(2026, 9, 1)


def _connect_with_patience(attempts: int = 20) -> None:
    """Open this thread's connection; the shared test server may be busy for a moment."""
    for attempt in range(attempts):
        try:
            connection.ensure_connection()
            return
        except OperationalError:
            time.sleep(0.1 * (attempt + 1))
    connection.ensure_connection()


def run_at_once(calls) -> list[str]:
    """Run every call in its own thread, released together; what each one ended with."""
    barrier = threading.Barrier(len(calls), timeout=60)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(call):
        try:
            _connect_with_patience()
            barrier.wait()
            call()
            outcome = "ok"
        except Conflict as exc:
            outcome = exc.code
        except Exception as exc:  # recorded, so that the assertion shows it
            outcome = f"{type(exc).__name__}: {exc}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def staff_and_companies(db, site_a):
    from incubator import services as platform

    staff = platform.user_set_roles(user=UserFactory(email="desk@example.org"), roles=["centre-staff"])
    companies = [resident_company(site=site_a, name=f"并发公司{n:02d}") for n in range(CLIENTS)]
    return staff, companies


@pytest.mark.django_db(transaction=True)
def test_fifty_clients_for_one_office_give_one_allocation(site_a, staff_and_companies):
    staff, companies = staff_and_companies
    room = office(site_a, code="B2-305")
    calls = [
        (lambda c=c: services.allocation_create(space=room, company=c, starts_on=MAR, ends_on=SEP, by=staff))
        for c in companies
    ]
    outcomes = run_at_once(calls)
    assert sorted(set(outcomes)) == ["ok", "overlap"], outcomes
    assert outcomes.count("ok") == 1
    assert Allocation.objects.filter(space=room).count() == 1


@pytest.mark.django_db(transaction=True)
def test_fifty_clients_for_the_last_desks_never_exceed_them(site_a, staff_and_companies):
    staff, companies = staff_and_companies
    area = open_desks(site_a, code="A1-110", desks=12)
    services.allocation_create(space=area, company=companies[0], starts_on=MAR, desks=9, by=staff)  # 3 left
    calls = [
        (lambda c=c: services.allocation_create(space=area, company=c, starts_on=MAR, ends_on=SEP, desks=1, by=staff))
        for c in companies[1:]
    ]
    outcomes = run_at_once(calls)
    assert outcomes.count("ok") == 3, outcomes
    assert set(outcomes) == {"ok", "over_capacity"}
    taken = sum(Allocation.objects.filter(space=area).values_list("desks", flat=True))
    assert taken == area.desks


@pytest.mark.django_db(transaction=True)
def test_extending_and_allocating_at_once_keep_the_office_rule(site_a, staff_and_companies):
    staff, companies = staff_and_companies
    room = office(site_a, code="B2-306")
    first = services.allocation_create(space=room, company=companies[0], starts_on=MAR, ends_on=SEP, by=staff)
    calls = [lambda: services.allocation_extend(allocation=first, ends_on=date(2026, 12, 1), by=staff)] + [
        (lambda c=c: services.allocation_create(space=room, company=c, starts_on=SEP, by=staff))
        for c in companies[1:10]
    ]
    outcomes = run_at_once(calls)
    assert outcomes.count("ok") == 1, outcomes
    rows = list(Allocation.objects.filter(space=room).order_by("starts_on"))
    for earlier, later in itertools.pairwise(rows):
        assert earlier.ends_on is not None and earlier.ends_on <= later.starts_on


@pytest.mark.django_db(transaction=True)
def test_the_database_itself_refuses_an_overlapping_office_allocation(site_a):
    """The exclusion constraint of migration 0002: a write that bypasses the services."""
    if connection.vendor != "postgresql":
        pytest.skip("The exclusion constraint exists on PostgreSQL only; on SQLite the services' check holds the rule.")
    room = office(site_a, code="B2-307")
    first, second = (resident_company(site=site_a, name=n) for n in ("甲", "乙"))
    AllocationFactory(space=room, company=first, starts_on=MAR, ends_on=SEP)
    AllocationFactory(space=room, company=second, starts_on=SEP)  # touching: allowed
    with pytest.raises(IntegrityError), transaction.atomic():
        AllocationFactory(space=room, company=second, starts_on=date(2026, 8, 31), ends_on=date(2026, 9, 2))
    with pytest.raises(IntegrityError), transaction.atomic():
        AllocationFactory(space=room, company=first, starts_on=date(2027, 1, 1))  # inside an open end
    desks = open_desks(site_a, code="A1-111", desks=4)
    AllocationFactory(space=desks, company=first, starts_on=MAR, desks=2)
    AllocationFactory(space=desks, company=second, starts_on=MAR, desks=2)  # shared desks may overlap
    assert Allocation.objects.count() == 4 and Company.objects.count() == 2

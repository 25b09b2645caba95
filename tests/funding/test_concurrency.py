"""The budget under concurrent approvals: officers approving at the same moment never
approve more than the programme holds. Threads with their own connections and real
transactions; on PostgreSQL they genuinely race (the programme's row lock decides), on
SQLite the IMMEDIATE transactions queue them."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from funding import services
from funding.choices import ApplicationStatus
from funding.models import FundingApplication, Programme
from funding.services import applications as approvals
from incubator.errors import Conflict
from tests.factories import UserFactory, resident_company
from tests.funding.factories import ProgrammeFactory, application_in

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 6
AMOUNT = Decimal("1000000.00")
BUDGET = Decimal("2500000.00")  # room for two of the six


def _applications(site, staff, programme, n):
    applications = []
    for i in range(n):
        owner = UserFactory(email=f"owner{i}@example.org")
        company = resident_company(site=site, owner=owner, name=f"并发测试公司{i}")
        applications.append(
            application_in(
                ApplicationStatus.UNDER_REVIEW, company=company, programme=programme, maker=owner, officer=staff
            )
        )
    return applications


def _approve_all_at_once(applications, officers):
    barrier = threading.Barrier(len(applications))
    outcomes = []
    lock = threading.Lock()

    def approve(application, officer):
        try:
            barrier.wait()
            services.application_approve(application=application, by=officer)
            result = "approved"
        except Conflict as exc:
            result = exc.code
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=approve, args=(a, o)) for a, o in zip(applications, officers, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.fixture
def widened_window(monkeypatch):
    """Make every approval linger between reading what is left and writing its award, and
    record what each one read: without serialisation they would all read the same."""
    seen = []
    original = approvals._budget_left

    def slow_budget_left(programme, year):
        left = original(programme, year)
        seen.append(left)
        time.sleep(0.2)
        return left

    monkeypatch.setattr(approvals, "_budget_left", slow_budget_left)
    return seen


def _officers(site_a, n):
    from incubator import services as platform

    officers = []
    for i in range(n):
        user = UserFactory(email=f"officer{i}@example.org")
        officers.append(platform.user_set_roles(user=user, roles=["centre-staff"], staff_sites=[site_a]))
    return officers


def test_officers_approving_at_once_never_overrun_the_budget(site_a, staff, widened_window):
    programme = ProgrammeFactory(budget=BUDGET, max_award=AMOUNT)
    applications = _applications(site_a, staff, programme, THREADS)
    outcomes = _approve_all_at_once(applications, _officers(site_a, THREADS))

    assert sorted(outcomes) == ["approved"] * 2 + ["over_budget"] * (THREADS - 2)
    approved = FundingApplication.objects.filter(programme=programme, status=ApplicationStatus.APPROVED)
    total = approved.aggregate(total=Sum("approved_amount"))["total"]
    assert total == 2 * AMOUNT <= BUDGET
    assert Programme.objects.get(pk=programme.pk).approved_total == total
    # Serialised by the lock: each approval read what the previous ones had left.
    assert sorted(widened_window, reverse=True)[:3] == [BUDGET, BUDGET - AMOUNT, BUDGET - 2 * AMOUNT]


def test_without_the_row_lock_the_race_is_real_and_the_database_still_holds(site_a, staff, widened_window, monkeypatch):
    """The same race with the programme's row lock taken out. On PostgreSQL several
    approvals now read the same, untouched budget — the race the lock prevents — and the
    check constraint on the programme's running total still refuses the overrun. On SQLite
    the IMMEDIATE transaction serialises the writers on its own."""
    monkeypatch.setattr(approvals, "_lock_programme", lambda pk: Programme.objects.get(pk=pk))
    programme = ProgrammeFactory(budget=BUDGET, max_award=AMOUNT)
    applications = _applications(site_a, staff, programme, THREADS)
    outcomes = _approve_all_at_once(applications, _officers(site_a, THREADS))

    assert outcomes.count("approved") == 2
    assert Programme.objects.get(pk=programme.pk).approved_total == 2 * AMOUNT
    assert FundingApplication.objects.filter(programme=programme, status=ApplicationStatus.APPROVED).count() == 2
    passed_the_check = sum(1 for left in widened_window if left >= AMOUNT)
    if connection.vendor == "postgresql":
        assert passed_the_check > 2, widened_window
        assert widened_window.count(BUDGET) > 1
    else:
        assert passed_the_check == 2

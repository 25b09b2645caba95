"""The district data set command at a tiny scale: the data it builds is consistent."""

from __future__ import annotations

from datetime import date
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q, Sum

from companies.models import Company, Residency
from funding.models import FundingApplication, Programme
from labs.choices import LIVE_STATUSES
from labs.models import Booking, Equipment
from patents.models import Filing
from reports.indicators import compute
from spaces.models import Allocation
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db


def build(**options) -> str:
    out = StringIO()
    call_command("build_district_dataset", scale=0.01, stdout=out, **options)
    return out.getvalue()


def test_builds_a_small_consistent_district():
    output = build()
    assert "Data set built in" in output
    assert Company.objects.count() == 30
    assert Equipment.objects.count() == 5
    assert Booking.objects.count() == 3000
    assert Filing.objects.count() == 300
    assert (
        not Residency.objects.filter(ends_on__isnull=True).values("company_id").annotate(n=Count("id")).filter(n__gt=1)
    )

    # Bookings never overlap on one piece of equipment (live or not).
    rows = list(
        Booking.objects.order_by("equipment_id", "starts_at").values_list("equipment_id", "starts_at", "ends_at")
    )
    for (e1, _s1, end1), (e2, start2, _e2) in pairwise(rows):
        assert e1 != e2 or start2 >= end1
    assert Booking.objects.filter(status__in=LIVE_STATUSES).exists()
    assert Booking.objects.filter(status="completed").exists()

    # Offices hold one allocation at a time.
    exclusive = list(
        Allocation.objects.filter(exclusive=True)
        .order_by("space_id", "starts_on")
        .values_list("space_id", "starts_on", "ends_on")
    )
    for (s1, _a, end1), (s2, start2, _b) in pairwise(exclusive):
        assert s1 != s2 or (end1 is not None and start2 >= end1)

    # Open desks are never let beyond their capacity.
    over = (
        Allocation.objects.filter(exclusive=False, ends_on__isnull=True)
        .values("space_id", "space__desks")
        .annotate(taken=Sum("desks"))
    )
    assert all(row["taken"] <= row["space__desks"] for row in over)

    # Every programme's approved total is the sum of its approved applications.
    for programme in Programme.objects.annotate(
        approved=Sum("applications__approved_amount", filter=Q(applications__status="approved"))
    ):
        assert programme.approved_total == (programme.approved or 0)
    assert not FundingApplication.objects.filter(approved_amount__gt=F("requested_amount")).exists()


def test_the_indicators_run_on_it(superuser):
    build()
    today = date.today()
    snap = compute(user=superuser, start=date(today.year - 1, 1, 1), end=date(today.year - 1, 12, 31))
    assert len(snap["columns"]) >= 3


def test_refuses_a_database_with_companies_unless_forced():
    CompanyFactory()
    with pytest.raises(CommandError):
        build()
    build(force=True)
    assert Company.objects.count() == 31


def test_the_same_seed_builds_the_same_data():
    build(seed=7)
    first = sorted(Filing.objects.values_list("kind", "filing_date", "status"))
    build(seed=7, force=True)
    again = Filing.objects.values_list("kind", "filing_date", "status")
    assert sorted(again) == sorted(first + first)

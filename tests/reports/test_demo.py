"""The demo's district reports: last month's and last quarter's, once however often it runs."""

import io

import pytest
from django.utils import timezone

from reports.choices import ExportKind
from reports.demo import seed_reports
from reports.indicators import period_for
from reports.models import ReportExport

pytestmark = pytest.mark.django_db


def test_the_demo_queues_the_last_month_and_quarter_once():
    out = io.StringIO()
    seed_reports(users={}, stdout=out)
    seed_reports(users={}, stdout=out)
    reports = {r.kind: r for r in ReportExport.objects.all()}
    assert set(reports) == {ExportKind.MONTHLY, ExportKind.QUARTERLY} and ReportExport.objects.count() == 2
    month = reports[ExportKind.MONTHLY]
    assert (month.start, month.end) == period_for("month", timezone.localdate(month.created_at), preceding=True)
    assert out.getvalue().count("queued") == 1

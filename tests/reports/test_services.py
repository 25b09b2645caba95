from datetime import date, timedelta

import pytest
from django.utils import timezone

from incubator.errors import Conflict, NotAllowed, ServiceError
from reports import services
from reports.choices import ExportFormat, ExportKind, ExportStatus
from reports.models import ReportExport
from tests.reports.factories import make_export

pytestmark = pytest.mark.django_db


def _request(user, **kwargs):
    values = {"start": date(2026, 1, 1), "end": date(2026, 1, 31), "file_format": ExportFormat.XLSX}
    values.update(kwargs)
    return services.export_request(user=user, **values)


def test_request_records_who_asked_in_their_language(maker_b, district, run_on_commit):
    district.language = "en"
    district.save()
    export = _request(district)
    assert export.status == ExportStatus.QUEUED
    assert export.requested_by == district
    assert export.language == "en"
    assert export.kind == ExportKind.ON_REQUEST
    assert export.site is None


@pytest.mark.parametrize(
    ("start", "end", "code", "field"),
    [
        (date(2026, 2, 1), date(2026, 1, 31), "period_reversed", "end"),
        (date(1999, 12, 31), date(2000, 1, 31), "period_too_early", "start"),
        (date(2010, 1, 1), date(2020, 12, 31), "period_too_long", "end"),
    ],
)
def test_bad_periods_are_refused_with_a_code(district, start, end, code, field):
    with pytest.raises(services.InvalidPeriod) as caught:
        _request(district, start=start, end=end)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert not ReportExport.objects.exists()


def test_a_period_past_today_is_refused(district):
    today = timezone.localdate()
    with pytest.raises(services.InvalidPeriod) as caught:
        _request(district, start=today, end=today + timedelta(days=1))
    assert caught.value.code == "period_in_future"


def test_the_annual_return_covers_a_calendar_year(district):
    with pytest.raises(services.InvalidPeriod) as caught:
        _request(district, file_format=ExportFormat.ANNUAL_RETURN)
    assert caught.value.code == "period_not_a_year"
    export = _request(district, file_format=ExportFormat.ANNUAL_RETURN, start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert export.file_format == ExportFormat.ANNUAL_RETURN


def test_makers_may_not_request(maker_a, company_a):
    with pytest.raises(NotAllowed):
        _request(maker_a)


def test_staff_request_only_their_sites(staff, site_a, site_b):
    assert _request(staff, site=site_a).site == site_a
    with pytest.raises(ServiceError) as caught:
        _request(staff, site=site_b)
    assert caught.value.code == "unknown_site"


def test_an_unknown_format_is_refused(district):
    with pytest.raises(ServiceError) as caught:
        _request(district, file_format="docx")
    assert caught.value.code == "invalid_format"


def test_the_task_is_queued_when_the_transaction_commits(district, django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    monkeypatch.setattr("reports.tasks.export_run.delay", lambda pk: queued.append(pk))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        export = _request(district)
    assert queued == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert queued == [export.pk]


def test_regenerate_only_a_finished_export(district, site_a, monkeypatch):
    monkeypatch.setattr("reports.tasks.export_run.delay", lambda pk: None)
    running = make_export(requested_by=district, status=ExportStatus.RUNNING)
    with pytest.raises(Conflict):
        services.export_regenerate(user=district, export=running)
    failed = make_export(requested_by=district, status=ExportStatus.FAILED, error="boom")
    again = services.export_regenerate(user=district, export=failed)
    assert (again.status, again.error, again.progress) == (ExportStatus.QUEUED, "", 0)


def test_regenerate_needs_to_see_the_export(staff, district, site_b):
    other = make_export(done=True, requested_by=district, site=site_b)
    with pytest.raises(NotAllowed):
        services.export_regenerate(user=staff, export=other)


def test_the_scheduled_report_covers_the_previous_period(monkeypatch):
    monkeypatch.setattr("reports.tasks.export_run.delay", lambda pk: None)
    monthly, created = services.scheduled_report_create(kind=ExportKind.MONTHLY, day=date(2026, 3, 1))
    assert created
    assert (monthly.start, monthly.end) == (date(2026, 2, 1), date(2026, 2, 28))
    quarterly, _ = services.scheduled_report_create(kind=ExportKind.QUARTERLY, day=date(2026, 4, 1))
    assert (quarterly.start, quarterly.end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert monthly.requested_by is None and monthly.site is None
    assert monthly.file_format == services.SCHEDULED_FORMAT


def test_a_scheduled_report_exists_once_per_period(monkeypatch):
    monkeypatch.setattr("reports.tasks.export_run.delay", lambda pk: None)
    first, created = services.scheduled_report_create(kind=ExportKind.MONTHLY, day=date(2026, 3, 1))
    ReportExport.objects.filter(pk=first.pk).update(status=ExportStatus.FAILED, error="x")
    second, created_again = services.scheduled_report_create(kind=ExportKind.MONTHLY, day=date(2026, 3, 15))
    assert created and not created_again
    assert second.pk == first.pk
    assert second.status == ExportStatus.FAILED  # nothing replaced silently


def test_the_database_refuses_a_second_scheduled_report():
    from django.db import IntegrityError, transaction

    make_export(kind=ExportKind.MONTHLY, start=date(2026, 1, 1), end=date(2026, 1, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_export(kind=ExportKind.MONTHLY, start=date(2026, 1, 1), end=date(2026, 1, 31))

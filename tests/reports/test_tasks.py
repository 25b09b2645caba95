"""The export task, run eagerly against the real indicators and renderers."""

import logging
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from incubator.models import Notification
from incubator.registry import registry
from reports import services, tasks
from reports.choices import ExportFormat, ExportKind, ExportStatus
from reports.models import ReportExport
from tests.reports.factories import make_export

pytestmark = pytest.mark.django_db

MAGIC = {ExportFormat.XLSX: b"PK", ExportFormat.CSV: b"PK", ExportFormat.PDF: b"%PDF"}


def _files_of(export: ReportExport) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "reports" / str(export.pk)
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.mark.parametrize("file_format", [ExportFormat.XLSX, ExportFormat.CSV, ExportFormat.PDF])
def test_an_export_is_produced_in_the_requesters_language(
    file_format, district, company_a, company_b, last_month, run_on_commit
):
    district.language = "en"
    district.save()
    export = run_on_commit(
        lambda: services.export_request(user=district, start=last_month[0], end=last_month[1], file_format=file_format)
    )
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE, export.error
    assert export.progress == 100
    assert export.started_at and export.finished_at
    assert export.snapshot["language"] == "en"
    assert export.snapshot["period"] == {"start": last_month[0].isoformat(), "end": last_month[1].isoformat()}
    with export.file.open("rb") as handle:
        assert handle.read(4).startswith(MAGIC[file_format])
    assert export.download_name.startswith("report-district-")


def test_staff_get_their_sites_only(staff, site_a, company_a, company_b, last_month, run_on_commit):
    export = run_on_commit(
        lambda: services.export_request(
            user=staff, start=last_month[0], end=last_month[1], file_format=ExportFormat.XLSX
        )
    )
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE, export.error
    assert [c["site_id"] for c in export.snapshot["columns"]] == [site_a.pk, None]
    assert export.snapshot["language"] == "zh-hans"


def test_the_annual_return(district, company_a, run_on_commit):
    year = timezone.localdate().year - 1
    export = run_on_commit(
        lambda: services.export_request(
            user=district, start=date(year, 1, 1), end=date(year, 12, 31), file_format=ExportFormat.ANNUAL_RETURN
        )
    )
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE, export.error
    assert export.download_name.startswith("annual-return-") and export.download_name.endswith(".xlsx")


def test_a_failure_is_recorded_with_its_reason_and_leaves_no_file(district, last_month, monkeypatch, caplog):
    district.language = "en"
    district.save()

    def broken(fmt, *, snapshot, details, out, progress=None):
        out.write(b"half a workbook")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("reports.exports.render", broken)
    export = make_export(requested_by=district, start=last_month[0], end=last_month[1], language="en")
    with caplog.at_level(logging.ERROR, logger="reports.services"):
        tasks.export_run.delay(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert "internal error" in export.error
    assert "disk on fire" not in export.error
    assert not export.file
    assert _files_of(export) == []
    assert any("failed" in record.message for record in caplog.records)


def test_the_error_is_written_in_the_requesters_language(district, last_month, monkeypatch):
    from django.utils import translation

    languages = []
    real = services._error_message

    def spy(exc):
        languages.append(translation.get_language())
        return real(exc)

    monkeypatch.setattr("reports.exports.render", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("x")))
    monkeypatch.setattr("reports.services._error_message", spy)
    with translation.override("zh-hans"):
        export = make_export(requested_by=district, start=last_month[0], end=last_month[1], language="en")
        tasks.export_run.delay(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert languages == ["en"]


def test_a_requester_who_lost_the_role_gets_a_failure(district, last_month):
    from incubator import services as platform

    export = make_export(requested_by=district, start=last_month[0], end=last_month[1], language="en")
    platform.user_set_roles(user=district, roles=[])
    tasks.export_run.delay(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert "no longer" in export.error


def test_delivered_twice_it_is_produced_once(district, last_month, monkeypatch):
    export = make_export(requested_by=district, start=last_month[0], end=last_month[1])
    tasks.export_run.delay(export.pk)
    export.refresh_from_db()
    finished, name = export.finished_at, export.file.name
    calls = []
    monkeypatch.setattr("reports.services._compute", lambda *a: calls.append(a))
    tasks.export_run.delay(export.pk)
    export.refresh_from_db()
    assert calls == []
    assert (export.finished_at, export.file.name, export.status) == (finished, name, ExportStatus.DONE)


def test_a_running_export_left_by_a_dead_worker_is_taken_up_again(district, last_month):
    export = make_export(
        requested_by=district,
        start=last_month[0],
        end=last_month[1],
        status=ExportStatus.RUNNING,
        started_at=timezone.now() - timedelta(hours=2),
    )
    tasks.export_run.delay(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE


def test_a_fresh_running_export_is_left_alone(district, last_month):
    export = make_export(
        requested_by=district,
        start=last_month[0],
        end=last_month[1],
        status=ExportStatus.RUNNING,
        started_at=timezone.now(),
    )
    tasks.export_run.delay(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.RUNNING


def test_a_missing_export_is_nothing_to_do():
    assert tasks.export_run.delay(987654).get() is None


def test_regenerating_replaces_the_file(district, last_month, run_on_commit):
    export = run_on_commit(
        lambda: services.export_request(
            user=district, start=last_month[0], end=last_month[1], file_format=ExportFormat.CSV
        )
    )
    export.refresh_from_db()
    old = Path(export.file.path)
    assert old.exists()
    run_on_commit(lambda: services.export_regenerate(user=district, export=export))
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE
    assert Path(export.file.path) != old
    assert not old.exists()
    assert len(_files_of(export)) == 1


def test_the_scheduled_job_run_twice_for_one_period_yields_one_report(
    district_people, company_a, company_b, run_on_commit, monkeypatch
):
    """The issue's test: the monthly job, run twice for one period, makes one report and
    tells each district member once, in their language."""
    first_of_month = timezone.localdate().replace(day=1)
    monkeypatch.setattr("reports.services.timezone.localdate", lambda: first_of_month)
    run_on_commit(lambda: tasks.monthly_report_create.delay())
    run_on_commit(lambda: tasks.monthly_report_create.delay())

    reports = ReportExport.objects.filter(kind=ExportKind.MONTHLY)
    assert reports.count() == 1
    report = reports.get()
    assert report.status == ExportStatus.DONE, report.error
    assert report.requested_by is None and report.site is None
    assert report.end == first_of_month - timedelta(days=1)

    notes = Notification.objects.filter(kind="reports.scheduled_report").order_by("recipient__email")
    assert [n.recipient for n in notes] == sorted(district_people, key=lambda u: u.email)
    assert sorted(n.language for n in notes) == ["en", "zh-hans"]
    english = notes.get(language="en")
    assert "district report" in english.subject
    assert f"/district/reports/{report.pk}/download/" in english.body

    # Regenerated on request: the file is new, the members are not told again.
    run_on_commit(lambda: services.export_regenerate(user=district_people[0], export=report))
    assert Notification.objects.filter(kind="reports.scheduled_report").count() == 2
    sent = sorted(m.to[0] for m in mail.outbox if m.extra_headers.get("X-Incubator-Kind") == "reports.scheduled_report")
    assert sent == sorted(u.email for u in district_people)


def test_the_schedules_are_registered():
    monthly = registry.periodic_jobs["reports: monthly district report"]
    quarterly = registry.periodic_jobs["reports: quarterly district report"]
    assert monthly.task == "reports.monthly_report_create"
    assert monthly.crontab["day_of_month"] == "1"
    assert quarterly.task == "reports.quarterly_report_create"
    assert (quarterly.crontab["day_of_month"], quarterly.crontab["month_of_year"]) == ("1", "1,4,7,10")


def test_the_schedules_are_in_the_beat_after_migrate():
    from django_celery_beat.models import PeriodicTask

    tasks_in_beat = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"reports.monthly_report_create", "reports.quarterly_report_create"} <= tasks_in_beat


def test_progress_is_recorded_as_the_renderer_reports_it(district, last_month, monkeypatch):
    seen = []

    def render(fmt, *, snapshot, details, out, progress=None):
        for percent in (0, 1, 50, 100):
            progress(percent)
            seen.append(ReportExport.objects.get(pk=export.pk).progress)
        out.write(b"PK")

    monkeypatch.setattr("reports.exports.render", render)
    export = make_export(requested_by=district, start=last_month[0], end=last_month[1])
    tasks.export_run.delay(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE
    assert seen[0] == 30 and seen[1] == 30 and 60 <= seen[2] <= 63 and seen[3] == 95
    assert export.progress == 100

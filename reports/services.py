"""Every write of the reports app: requesting, regenerating and producing exports, and the
scheduled district reports."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from incubator.errors import Conflict, NotAllowed, ServiceError
from incubator.models import Site, User
from incubator.services import notification_enqueue

from . import selectors
from .choices import FINISHED_STATUSES, SCHEDULED_KINDS, ExportFormat, ExportKind, ExportStatus
from .models import ReportExport

logger = logging.getLogger(__name__)

EARLIEST_DAY = date(2000, 1, 1)
# Five years: enough for any comparison the committee asks for; more is a mistake.
MAX_PERIOD_DAYS = 5 * 366
# The format of the scheduled reports: a workbook with a sheet per area and its charts.
SCHEDULED_FORMAT = ExportFormat.XLSX
# A running export whose worker died is taken up again by a redelivered task after this long.
STALE_AFTER = timedelta(hours=1)


class InvalidPeriod(ServiceError):
    code = "invalid_period"
    status = 400
    default_message = _("Choose a valid period.")


class NotReady(Conflict):
    code = "not_ready"
    default_message = _("The report is not ready yet.")


# --- Requests ------------------------------------------------------------------------


def period_check(*, start: date, end: date, today: date | None = None) -> None:
    """A period the reports can cover: in order, from 2000, not past today, at most five years."""
    today = today or timezone.localdate()
    if end < start:
        raise InvalidPeriod(_("The period must end on or after its first day."), code="period_reversed", field="end")
    if start < EARLIEST_DAY:
        raise InvalidPeriod(_("Choose a period from the year 2000 on."), code="period_too_early", field="start")
    if end > today:
        raise InvalidPeriod(_("The period cannot end after today."), code="period_in_future", field="end")
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise InvalidPeriod(_("Choose a period of at most five years."), code="period_too_long", field="end")


def export_request(*, user: User, start: date, end: date, file_format: str, site: Site | None = None) -> ReportExport:
    """Ask for an export of the indicators of a period, for one site or every site the user
    reads. The report is produced in the background, in the user's language."""
    if not selectors.can_use_reports(user):
        raise NotAllowed()
    if file_format not in ExportFormat.values:
        raise ServiceError(_("Choose one of the offered formats."), code="invalid_format", field="file_format")
    period_check(start=start, end=end)
    if file_format == ExportFormat.ANNUAL_RETURN and not (
        start == date(start.year, 1, 1) and end == date(start.year, 12, 31)
    ):
        raise InvalidPeriod(
            _("The annual return covers one calendar year, from 1 January to 31 December."),
            code="period_not_a_year",
            field="start",
        )
    if site is not None and not selectors.report_sites_for(user).filter(pk=site.pk).exists():
        raise ServiceError(_("No such site."), code="unknown_site", field="site")
    export = ReportExport(
        requested_by=user,
        kind=ExportKind.ON_REQUEST,
        start=start,
        end=end,
        site=site,
        file_format=file_format,
        language=user.language or settings.LANGUAGE_CODE,
    )
    export.full_clean(exclude=["file"])
    with transaction.atomic():
        export.save()
        _enqueue_on_commit(export)
    return export


def export_regenerate(*, user: User, export: ReportExport) -> ReportExport:
    """Produce a finished (or failed) export again, from today's data. Only ever on request:
    the file it had is replaced when the new one is complete."""
    if not selectors.exports_visible_to(user).filter(pk=export.pk).exists():
        raise NotAllowed()
    with transaction.atomic():
        claimed = ReportExport.objects.filter(pk=export.pk, status__in=FINISHED_STATUSES).update(
            status=ExportStatus.QUEUED, progress=0, error="", started_at=None, finished_at=None
        )
        if not claimed:
            raise Conflict(_("The report is being produced; wait until it is finished."), code="not_finished")
        export.refresh_from_db()
        _enqueue_on_commit(export)
    return export


def scheduled_report_create(*, kind: str, day: date | None = None) -> tuple[ReportExport, bool]:
    """The district's monthly or quarterly report for the last whole period before `day`.

    Created once: a second run for the same period returns the first report, whatever its
    state, and changes nothing (the unique constraint holds under concurrent runs).
    """
    if kind not in SCHEDULED_KINDS:
        raise ValueError(f"{kind!r} is not a scheduled kind")
    from .indicators import period_for

    period = "month" if kind == ExportKind.MONTHLY else "quarter"
    start, end = period_for(period, day or timezone.localdate(), preceding=True)
    lookup = {"kind": kind, "start": start, "end": end, "site": None, "file_format": SCHEDULED_FORMAT}
    existing = ReportExport.objects.filter(**lookup).first()
    if existing:
        return existing, False
    export = ReportExport(**lookup, language=settings.LANGUAGE_CODE)
    try:
        with transaction.atomic():
            export.save()
            _enqueue_on_commit(export)
    except IntegrityError:
        return ReportExport.objects.get(**lookup), False
    return export, True


def _enqueue_on_commit(export: ReportExport) -> None:
    from .tasks import export_run

    pk = export.pk
    transaction.on_commit(lambda: export_run.delay(pk))


# --- Production ----------------------------------------------------------------------


class _Progress:
    """Maps a renderer's progress (per cent, 0–100) into a window of the export's progress,
    writing only when it moved."""

    def __init__(self, export_id: int, low: int, high: int) -> None:
        self.export_id, self.low, self.high = export_id, low, high
        self.last = low

    def __call__(self, value: Any = None, *args: Any, **kwargs: Any) -> None:
        try:
            share = float(value) / 100
        except (TypeError, ValueError):
            return
        percent = int(self.low + max(0.0, min(share, 1.0)) * (self.high - self.low))
        if percent >= self.last + 2:
            self.last = percent
            export_progress(export_id=self.export_id, progress=percent)


def export_progress(*, export_id: int, progress: int) -> None:
    ReportExport.objects.filter(pk=export_id, status=ExportStatus.RUNNING).update(progress=max(0, min(progress, 99)))


def _claim(export_id: int) -> bool:
    """Take the export for this worker; a task delivered twice finds it taken or finished."""
    now = timezone.now()
    waiting = ReportExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED)
    stale = ReportExport.objects.filter(pk=export_id, status=ExportStatus.RUNNING, started_at__lt=now - STALE_AFTER)
    for candidates in (waiting, stale):
        if candidates.update(status=ExportStatus.RUNNING, started_at=now, progress=1, error=""):
            return True
    return False


def _compute(export: ReportExport, reader: Any) -> dict:
    from . import indicators

    return indicators.compute(user=reader, start=export.start, end=export.end, site=export.site)


def _detail_tables(export: ReportExport, reader: Any) -> list:
    from . import details

    return details.detail_tables(user=reader, start=export.start, end=export.end, site=export.site)


def _render(export: ReportExport, snapshot: dict, reader: Any, out: Any, progress: Callable) -> str:
    """Write the file into `out`; returns the name it is downloaded under."""
    from . import exports

    if export.file_format == ExportFormat.ANNUAL_RETURN:
        exports.annual_return(snapshot=snapshot, out=out, fmt="xlsx")
        return exports.file_name("xlsx", snapshot, kind="annual-return")
    exports.render(
        export.file_format, snapshot=snapshot, details=_detail_tables(export, reader), out=out, progress=progress
    )
    return exports.file_name(export.file_format, snapshot)


def content_type_of(export: ReportExport) -> str:
    from . import exports

    fmt = "xlsx" if export.file_format == ExportFormat.ANNUAL_RETURN else export.file_format
    return exports.CONTENT_TYPES.get(fmt, "application/octet-stream")


def _error_message(exc: Exception) -> str:
    """What the requester reads: the reason when it is one of ours, never a traceback."""
    if isinstance(exc, ServiceError):
        return str(exc.message)
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, PermissionDenied):
        return gettext("The person who asked for this report may no longer read these figures.")
    return gettext(
        "The report could not be produced because of an internal error. It has been logged; try again later."
    )


def export_run(*, export_id: int) -> ReportExport | None:
    """Produce the export: compute the snapshot as its requester (the district for scheduled
    reports), in its language, render the file and store both. Does nothing when the export is
    gone or already taken or finished. On any error it is marked failed with the reason and
    no file of this run is left behind."""
    if not _claim(export_id):
        return ReportExport.objects.filter(pk=export_id).first()
    export = ReportExport.objects.select_related("requested_by", "site").get(pk=export_id)
    old_file = export.file.name if export.file else ""
    new_file = ""
    try:
        with translation.override(export.language):
            if export.kind == ExportKind.ON_REQUEST and (
                export.requested_by is None or not selectors.can_use_reports(export.requested_by)
            ):
                raise NotAllowed(_("The person who asked for this report may no longer read these figures."))
            reader = selectors.reader_for(export)
            snapshot = _compute(export, reader)
            export_progress(export_id=export.pk, progress=30)
            with tempfile.TemporaryFile() as out:
                name = _render(export, snapshot, reader, out, _Progress(export.pk, 30, 95))
                out.seek(0)
                export.file.save(name, File(out), save=False)
                new_file = export.file.name
        with transaction.atomic():
            current = ReportExport.objects.select_for_update().get(pk=export.pk)
            if current.status != ExportStatus.RUNNING:
                raise Conflict(_("The report was changed while it was being produced."))
            current.file.name = new_file
            current.snapshot = snapshot
            current.status = ExportStatus.DONE
            current.progress = 100
            current.error = ""
            current.finished_at = timezone.now()
            current.save(update_fields=["file", "snapshot", "status", "progress", "error", "finished_at"])
            if old_file and old_file != new_file:
                storage = export.file.storage
                transaction.on_commit(lambda: storage.delete(old_file))
            if current.is_scheduled:
                _notify_district(current)
        return current
    except Exception as exc:
        logger.exception("Report export %s failed", export_id)
        if new_file:
            export.file.storage.delete(new_file)
        with translation.override(export.language):
            message = _error_message(exc)
        ReportExport.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED, error=message[:2000], finished_at=timezone.now()
        )
        return ReportExport.objects.filter(pk=export_id).first()


def _notify_district(export: ReportExport) -> None:
    """Each district member hears of a finished scheduled report once, in their language."""
    url = settings.SITE_URL + reverse("reports:export_download", args=[export.pk])
    list_url = settings.SITE_URL + reverse("reports:export_list")
    for member in selectors.district_members():
        notification_enqueue(
            recipient=member,
            kind="reports.scheduled_report",
            dedupe_key=f"reports.scheduled:{export.pk}:{member.pk}",
            context={"export": export, "download_url": url, "list_url": list_url},
        )

"""The reports' background jobs: producing an export and the scheduled district reports.

`acks_late`: a worker that dies mid-export leaves the message to be delivered again; the
service claims the export first, so a second delivery of a finished one does nothing.
"""

from celery import shared_task

from incubator.tasks import RETRY_POLICY

from . import services
from .choices import ExportKind


@shared_task(name="reports.export_run", acks_late=True, **RETRY_POLICY)
def export_run(export_id: int) -> str | None:
    export = services.export_run(export_id=export_id)
    return export.status if export else None


@shared_task(name="reports.monthly_report_create", **RETRY_POLICY)
def monthly_report_create() -> int:
    export, _created = services.scheduled_report_create(kind=ExportKind.MONTHLY)
    return export.pk


@shared_task(name="reports.quarterly_report_create", **RETRY_POLICY)
def quarterly_report_create() -> int:
    export, _created = services.scheduled_report_create(kind=ExportKind.QUARTERLY)
    return export.pk

"""Export records for the tests, made directly: the services are tested on their own."""

from datetime import date

from django.core.files.base import ContentFile
from django.utils import timezone

from reports.choices import ExportFormat, ExportKind, ExportStatus
from reports.models import ReportExport

XLSX_BYTES = b"PK\x03\x04 a workbook"


def make_export(*, done: bool = False, **fields) -> ReportExport:
    fields.setdefault("kind", ExportKind.ON_REQUEST)
    fields.setdefault("start", date(2026, 1, 1))
    fields.setdefault("end", date(2026, 3, 31))
    fields.setdefault("file_format", ExportFormat.XLSX)
    fields.setdefault("language", "zh-hans")
    export = ReportExport.objects.create(**fields)
    if done:
        export.file.save("report-district-2026-01-01-2026-03-31.xlsx", ContentFile(XLSX_BYTES), save=False)
        export.status = ExportStatus.DONE
        export.progress = 100
        export.snapshot = {"version": 1}
        export.finished_at = timezone.now()
        export.save()
    return export

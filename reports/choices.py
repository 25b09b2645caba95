from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel workbook (XLSX)")
    CSV = "csv", _("CSV")
    PDF = "pdf", _("PDF")
    ANNUAL_RETURN = "annual_return", _("Annual return (XLSX)")


class ExportKind(models.TextChoices):
    ON_REQUEST = "on_request", _("On request")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class PeriodKind(models.TextChoices):
    """How the dashboard's period is chosen."""

    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")
    CUSTOM = "custom", _("From – to")


SCHEDULED_KINDS = (ExportKind.MONTHLY, ExportKind.QUARTERLY)
FINISHED_STATUSES = (ExportStatus.DONE, ExportStatus.FAILED)

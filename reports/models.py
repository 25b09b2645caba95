"""The reports app's one model: an export of the district's indicators and the job that fills it."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from incubator.choices import Language
from incubator.models import Site, User

from .choices import ExportFormat, ExportKind, ExportStatus


def export_upload_to(instance: "ReportExport", filename: str) -> str:
    # A folder per export: the file keeps the name it is downloaded under, and a regenerated
    # file never collides with the one it replaces.
    return f"reports/{instance.pk or 'new'}/{timezone.now():%Y%m%d%H%M%S}/{filename}"


class ReportExport(models.Model):
    """One report: who asked for which period, scope and format, and the job that produces it.

    A Celery task fills it (status, progress, file, snapshot); the portal and the API poll it.
    Scheduled reports (monthly, quarterly) have no requester and exist once per kind, period,
    scope and format: running the schedule twice yields one report, regenerated only on request.
    The file lives under MEDIA_ROOT and is served only through a permission-checked view.
    """

    requested_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_exports",
        verbose_name=_("requested by"),
        help_text=_("Empty for scheduled reports."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ExportKind.choices, default=ExportKind.ON_REQUEST)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_exports",
        verbose_name=_("site"),
        help_text=_("Empty: every site the requester may read (the whole district for scheduled reports)."),
    )
    file_format = models.CharField(_("format"), max_length=20, choices=ExportFormat.choices)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices)
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    file = models.FileField(_("file"), upload_to=export_upload_to, max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True, help_text=_("Why it failed, in the report's language."))
    snapshot = models.JSONField(_("indicator snapshot"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["snapshot", "progress"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        indexes = [models.Index(fields=["status", "created_at"], name="reportexport_status_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="reportexport_end_after_start"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="reportexport_progress_max_100"),
            models.CheckConstraint(
                condition=Q(kind=ExportKind.ON_REQUEST) | Q(requested_by__isnull=True),
                name="reportexport_scheduled_has_no_requester",
            ),
            # One scheduled report per kind, period, scope and format. Two partial constraints,
            # because NULL (the whole district) never equals NULL in a plain unique constraint.
            models.UniqueConstraint(
                fields=["kind", "start", "end", "site", "file_format"],
                condition=~Q(kind=ExportKind.ON_REQUEST) & Q(site__isnull=False),
                name="reportexport_one_scheduled_per_site",
            ),
            models.UniqueConstraint(
                fields=["kind", "start", "end", "file_format"],
                condition=~Q(kind=ExportKind.ON_REQUEST) & Q(site__isnull=True),
                name="reportexport_one_scheduled_district",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} {self.start:%Y-%m-%d} – {self.end:%Y-%m-%d} ({self.get_file_format_display()})"
        )

    @property
    def is_done(self) -> bool:
        return self.status == ExportStatus.DONE and bool(self.file)

    @property
    def is_pending(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    @property
    def is_scheduled(self) -> bool:
        return self.kind != ExportKind.ON_REQUEST

    @property
    def download_name(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""

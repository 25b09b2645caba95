"""Exports in the admin: read here, regenerated through the service. The monthly and
quarterly schedules are the beat's periodic tasks (django-celery-beat), edited there."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from incubator.errors import ServiceError

from . import selectors, services
from .models import ReportExport


@admin.register(ReportExport)
class ReportExportAdmin(SimpleHistoryAdmin):
    list_display = [
        "__str__",
        "kind",
        "site",
        "file_format",
        "language",
        "status",
        "progress",
        "requested_by",
        "created_at",
    ]
    list_filter = ["kind", "status", "file_format", "site"]
    search_fields = ["requested_by__email", "requested_by__full_name", "error"]
    date_hierarchy = "created_at"
    list_select_related = ["site", "requested_by"]
    readonly_fields = [f.name for f in ReportExport._meta.fields if f.name not in ("snapshot", "file")] + ["download"]
    exclude = ["snapshot", "file"]
    actions = ["regenerate_selected"]

    def get_queryset(self, request):
        return selectors.exports_visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description=_("file"))
    def download(self, export: ReportExport) -> str:
        if not export.is_done:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("reports:export_download", args=[export.pk]), export.download_name
        )

    @admin.action(description=_("Regenerate the selected reports"), permissions=["view"])
    def regenerate_selected(self, request, queryset):
        done = 0
        for export in queryset:
            try:
                services.export_regenerate(user=request.user, export=export)
                done += 1
            except (ServiceError, ValidationError) as exc:
                message = str(exc.message) if isinstance(exc, ServiceError) else " ".join(exc.messages)
                self.message_user(request, f"{export}: {message}", messages.ERROR)
        if done:
            self.message_user(request, _("%(n)s report(s) queued again.") % {"n": done}, messages.SUCCESS)

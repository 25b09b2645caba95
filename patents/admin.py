from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin
from simple_history.admin import SimpleHistoryAdmin

from incubator.errors import ServiceError

from . import services
from .choices import DeadlineStatus
from .models import Deadline, Filing, FilingDocument, FilingEvent, IpSettings
from .resources import FilingResource


def _error_text(exc) -> str:
    return str(exc.message) if isinstance(exc, ServiceError) else " ".join(exc.messages)


class FilingEventInline(admin.TabularInline):
    """Read-only here: events are recorded through the event admin, which updates the deadlines."""

    model = FilingEvent
    fk_name = "filing"
    extra = 0
    fields = ["kind", "on", "time_limit", "period", "reference", "recorded_by"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class DeadlineInline(admin.TabularInline):
    model = Deadline
    extra = 0
    fields = ["rule", "period", "due_on", "grace_ends_on", "status", "closed_on"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Filing)
class FilingAdmin(ImportMixin, SimpleHistoryAdmin):
    """Filings; bulk import from XLSX/CSV refuses a file with any bad row, as a whole."""

    resource_classes = [FilingResource]
    list_display = ["title", "company", "kind", "application_number", "filing_date", "status", "expires_on"]
    list_filter = ["kind", "status", "fee_reduction", "company__residencies__site"]
    search_fields = ["title", "application_number", "grant_number", "company__name", "agency"]
    date_hierarchy = "filing_date"
    list_select_related = ["company"]
    autocomplete_fields = ["company"]
    readonly_fields = ["status", "expires_on", "created_by", "created_at"]
    inlines = [DeadlineInline, FilingEventInline]
    actions = ["recompute_deadlines"]

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data.get(name) for name in services.FILING_FIELDS if name in form.cleaned_data}
        try:
            if change:
                services.filing_update(filing=obj, by=request.user, kind=form.cleaned_data["kind"], **fields)
            else:
                created = services.filing_create(
                    by=request.user, company=obj.company, kind=obj.kind, title=fields.pop("title"), **fields
                )
                obj.pk = created.pk
        except (ServiceError, ValidationError) as exc:
            self.message_user(request, _error_text(exc), messages.ERROR)

    @admin.action(description=_("Recompute the deadlines of the selected filings"))
    def recompute_deadlines(self, request, queryset):
        for filing in queryset:
            services.filing_deadlines_recompute(filing=filing)
        self.message_user(request, _("Deadlines recomputed."), messages.SUCCESS)


@admin.register(FilingEvent)
class FilingEventAdmin(SimpleHistoryAdmin):
    """Events are facts: recorded through the service (which moves the status and the
    deadlines), never edited afterwards."""

    list_display = ["filing", "kind", "on", "time_limit", "period", "recorded_by", "recorded_at"]
    list_filter = ["kind"]
    search_fields = ["filing__title", "filing__application_number", "reference", "filing__company__name"]
    date_hierarchy = "on"
    list_select_related = ["filing__company", "recorded_by"]
    autocomplete_fields = ["filing"]
    raw_id_fields = ["answers"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        try:
            created = services.filing_event_record(
                filing=obj.filing,
                by=request.user,
                kind=obj.kind,
                on=obj.on,
                time_limit=obj.time_limit,
                period=obj.period,
                answers=data.get("answers"),
                reference=obj.reference,
                note=obj.note,
            )
            obj.pk = created.pk
        except (ServiceError, ValidationError) as exc:
            self.message_user(request, _error_text(exc), messages.ERROR)


@admin.register(Deadline)
class DeadlineAdmin(SimpleHistoryAdmin):
    """Deadlines are derived by the rules; staff may waive an open one."""

    list_display = ["filing", "rule", "period", "due_on", "grace_ends_on", "status", "closed_on"]
    list_filter = ["status", "rule", "filing__kind"]
    search_fields = ["filing__title", "filing__application_number", "filing__company__name"]
    date_hierarchy = "due_on"
    list_select_related = ["filing__company"]
    readonly_fields = [f.name for f in Deadline._meta.fields]
    actions = ["waive_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Waive the selected open deadlines"))
    def waive_selected(self, request, queryset):
        done = 0
        for deadline in queryset.filter(status=DeadlineStatus.OPEN).select_related("filing__company"):
            try:
                services.deadline_waive(deadline=deadline, by=request.user, reason=str(_("Waived by the centre.")))
                done += 1
            except (ServiceError, ValidationError) as exc:
                self.message_user(request, f"{deadline}: {_error_text(exc)}", messages.ERROR)
        if done:
            self.message_user(request, _("%(n)s deadline(s) waived.") % {"n": done}, messages.SUCCESS)


@admin.register(FilingDocument)
class FilingDocumentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "filing", "uploaded_by", "uploaded_at"]
    search_fields = ["title", "filing__title", "filing__company__name"]
    list_select_related = ["filing", "uploaded_by"]
    autocomplete_fields = ["filing"]
    readonly_fields = ["uploaded_by", "uploaded_at"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            created = services.filing_document_add(filing=obj.filing, by=request.user, title=obj.title, file=obj.file)
            obj.pk = created.pk
        except (ServiceError, ValidationError) as exc:
            self.message_user(request, _error_text(exc), messages.ERROR)


@admin.register(IpSettings)
class IpSettingsAdmin(SimpleHistoryAdmin):
    """One row: the district's population and the reminder days."""

    list_display = ["__str__", "district_population", "reminder_days"]

    def has_add_permission(self, request):
        return not IpSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        services.ip_settings_get()
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        try:
            services.ip_settings_update(
                by=request.user, district_population=obj.district_population, reminder_days=obj.reminder_days
            )
        except (ServiceError, ValidationError) as exc:
            self.message_user(request, _error_text(exc), messages.ERROR)

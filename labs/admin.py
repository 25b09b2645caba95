"""The lab staff's administration: labs with their hours and closures, equipment, maintenance,
training and bookings. Staff see the labs of their own sites; writes with rules go through
the services (bookings, maintenance, training, equipment status)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from companies.models import Company
from incubator import permissions
from incubator.errors import ServiceError
from incubator.models import Site

from . import services
from .choices import LIVE_STATUSES, EquipmentStatus
from .models import Booking, Closure, Equipment, Lab, MaintenanceWindow, OpeningHours, Training


def _message(exc: Exception) -> str:
    return str(exc.message) if isinstance(exc, ServiceError) else " ".join(exc.messages)


class ServiceActions:
    """Admin actions that call a service per selected object and report what was refused."""

    def _run(self, request, queryset, action, done_message) -> None:
        done = 0
        for obj in queryset:
            try:
                action(obj)
                done += 1
            except (ServiceError, ValidationError) as exc:
                self.message_user(request, f"{obj}: {_message(exc)}", messages.ERROR)
        if done:
            self.message_user(request, done_message % {"n": done}, messages.SUCCESS)


class SiteScopedAdmin(ServiceActions, SimpleHistoryAdmin):
    """Staff limited to some sites see and choose only those sites' labs and equipment."""

    site_path = "site"

    def _site_ids(self, request):
        return permissions.staff_site_ids(request.user)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        ids = self._site_ids(request)
        return qs if ids is None else qs.filter(**{f"{self.site_path}__in": ids})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        ids = self._site_ids(request)
        if ids is not None:
            scoped = {
                "site": (Site, "pk__in"),
                "lab": (Lab, "site_id__in"),
                "equipment": (Equipment, "lab__site_id__in"),
            }
            if db_field.name in scoped:
                model, lookup = scoped[db_field.name]
                kwargs["queryset"] = model.objects.filter(**{lookup: ids})
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


@admin.register(Lab)
class LabAdmin(SiteScopedAdmin):
    list_display = ["name", "name_en", "site", "room", "weekly_quota_hours", "is_active"]
    list_filter = ["site", "is_active"]
    search_fields = ["name", "name_en", "room"]
    list_select_related = ["site"]
    inlines = [OpeningHoursInline, ClosureInline]


@admin.register(OpeningHours)
class OpeningHoursAdmin(SiteScopedAdmin):
    site_path = "lab__site"
    list_display = ["lab", "weekday", "opens_at", "closes_at"]
    list_filter = ["weekday", "lab__site"]
    search_fields = ["lab__name"]
    list_select_related = ["lab"]


@admin.register(Closure)
class ClosureAdmin(SiteScopedAdmin):
    site_path = "lab__site"
    list_display = ["lab", "starts_on", "ends_on", "reason"]
    list_filter = ["lab__site", "lab"]
    search_fields = ["lab__name", "reason"]
    date_hierarchy = "starts_on"
    list_select_related = ["lab"]


@admin.register(Equipment)
class EquipmentAdmin(SiteScopedAdmin):
    site_path = "lab__site"
    list_display = [
        "name",
        "lab",
        "kind",
        "needs_training",
        "needs_approval",
        "slot_minutes",
        "min_minutes",
        "max_minutes",
        "hourly_rate",
        "status",
    ]
    list_filter = ["status", "kind", "needs_training", "needs_approval", "lab__site", "lab"]
    search_fields = ["name", "name_en", "description"]
    list_select_related = ["lab"]
    readonly_fields = ["status"]
    actions = ["take_out_of_service", "bring_back_into_service"]
    fieldsets = [
        (None, {"fields": ["lab", "name", "name_en", "kind", "description", "status"]}),
        (
            _("Booking rules"),
            {
                "fields": [
                    "needs_training",
                    "needs_approval",
                    "slot_minutes",
                    "min_minutes",
                    "max_minutes",
                    "horizon_days",
                    "cancellation_cutoff_hours",
                    "reminder_minutes",
                    "hourly_rate",
                ]
            },
        ),
    ]

    @admin.action(description=_("Take the selected equipment out of service"))
    def take_out_of_service(self, request, queryset):
        self._run(
            request,
            queryset.select_related("lab"),
            lambda e: services.equipment_set_status(
                equipment=e, status=EquipmentStatus.OUT_OF_SERVICE, by=request.user
            ),
            _("%(n)s piece(s) of equipment taken out of service."),
        )

    @admin.action(description=_("Bring the selected equipment back into service"))
    def bring_back_into_service(self, request, queryset):
        self._run(
            request,
            queryset.select_related("lab"),
            lambda e: services.equipment_set_status(equipment=e, status=EquipmentStatus.AVAILABLE, by=request.user),
            _("%(n)s piece(s) of equipment back in service."),
        )


class MaintenanceWindowForm(forms.ModelForm):
    cancel_bookings = forms.BooleanField(
        label=_("Cancel the bookings in this window"),
        required=False,
        help_text=_("Their bookers are told. Without this, a window over bookings is refused."),
    )

    class Meta:
        model = MaintenanceWindow
        fields = ["equipment", "starts_at", "ends_at", "reason"]

    def clean(self):
        data = super().clean()
        equipment, start, end = data.get("equipment"), data.get("starts_at"), data.get("ends_at")
        if self.instance.pk is None and equipment and start and end and end > start and not data.get("cancel_bookings"):
            clashing = Booking.objects.filter(
                equipment=equipment, status__in=LIVE_STATUSES, starts_at__lt=end, ends_at__gt=start
            ).count()
            if clashing:
                raise ValidationError(
                    _("%(n)s booking(s) fall in this window: tick “cancel the bookings” to schedule it anyway.")
                    % {"n": clashing}
                )
        return data


@admin.register(MaintenanceWindow)
class MaintenanceWindowAdmin(SiteScopedAdmin):
    """New windows go through the service, which keeps them clear of bookings or cancels those."""

    site_path = "equipment__lab__site"
    form = MaintenanceWindowForm
    list_display = ["equipment", "starts_at", "ends_at", "reason", "created_by"]
    list_filter = ["equipment__lab__site", "equipment__lab"]
    search_fields = ["equipment__name", "reason"]
    date_hierarchy = "starts_at"
    list_select_related = ["equipment", "created_by"]
    readonly_fields = ["created_by"]

    def get_readonly_fields(self, request, obj=None):
        return ["equipment", "starts_at", "ends_at", "created_by"] if obj else ["created_by"]

    def get_fields(self, request, obj=None):
        fields = ["equipment", "starts_at", "ends_at", "reason"]
        return [*fields, "created_by"] if obj else [*fields, "cancel_bookings"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            window = services.maintenance_schedule(
                equipment=Equipment.objects.select_related("lab").get(pk=obj.equipment_id),
                starts_at=obj.starts_at,
                ends_at=obj.ends_at,
                reason=obj.reason,
                by=request.user,
                cancel_bookings=form.cleaned_data.get("cancel_bookings", False),
            )
        except (ServiceError, ValidationError) as exc:
            self.message_user(request, _message(exc), messages.ERROR)
            return
        obj.pk = window.pk
        obj.created_by = window.created_by

    def delete_model(self, request, obj):
        services.maintenance_delete(window=obj, by=request.user)


@admin.register(Training)
class TrainingAdmin(ServiceActions, SimpleHistoryAdmin):
    list_display = ["user", "kind", "granted_on", "expires_on", "granted_by"]
    list_filter = ["kind", "granted_on"]
    search_fields = ["user__email", "user__full_name", "note"]
    list_select_related = ["user", "granted_by"]
    autocomplete_fields = ["user"]
    readonly_fields = ["granted_by"]
    actions = ["revoke_selected"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            created = services.training_grant(
                user=obj.user,
                kind=obj.kind,
                by=request.user,
                granted_on=obj.granted_on,
                expires_on=obj.expires_on,
                note=obj.note,
            )
        except (ServiceError, ValidationError) as exc:
            self.message_user(request, _message(exc), messages.ERROR)
            return
        obj.pk = created.pk

    @admin.action(description=_("End the selected trainings today"))
    def revoke_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda t: services.training_revoke(training=t, by=request.user),
            _("%(n)s training(s) ended."),
        )


class BookingAddForm(forms.ModelForm):
    """Staff book on behalf of a maker; the service's rules are checked before saving."""

    class Meta:
        model = Booking
        fields = ["equipment", "user", "company", "starts_at", "ends_at", "purpose"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self):
        data = super().clean()
        if self.errors or self.request is None:
            return data
        try:
            services.booking_check(
                equipment=Equipment.objects.select_related("lab").get(pk=data["equipment"].pk),
                user=data["user"],
                company=data["company"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                by=self.request.user,
            )
        except ServiceError as exc:
            raise ValidationError(str(exc.message)) from None
        return data


@admin.register(Booking)
class BookingAdmin(SiteScopedAdmin):
    """Bookings are read here; they change only through the actions (confirm, decline, no-show,
    cancel). Adding one books on a maker's behalf, with every rule of the portal."""

    site_path = "equipment__lab__site"
    list_display = ["starts_at", "ends_at", "equipment", "company", "user", "status", "amount"]
    list_filter = ["status", "equipment__lab__site", "equipment__lab", "equipment__kind"]
    search_fields = ["equipment__name", "company__name", "user__email", "user__full_name", "purpose"]
    date_hierarchy = "starts_at"
    list_select_related = ["equipment", "company", "user"]
    autocomplete_fields = ["user", "company"]
    actions = ["confirm_selected", "decline_selected", "mark_no_show_selected", "cancel_selected"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = BookingAddForm
            form = super().get_form(request, obj, **kwargs)

            class RequestForm(form):
                def __init__(self, *args, **inner):
                    super().__init__(*args, request=request, **inner)

            return RequestForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [f.name for f in Booking._meta.fields]

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            created = services.booking_create(
                equipment=Equipment.objects.select_related("lab").get(pk=obj.equipment_id),
                user=obj.user,
                company=Company.objects.get(pk=obj.company_id),
                starts_at=obj.starts_at,
                ends_at=obj.ends_at,
                purpose=obj.purpose,
                by=request.user,
            )
        except (ServiceError, ValidationError) as exc:
            self.message_user(request, _message(exc), messages.ERROR)
            return
        obj.pk = created.pk

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Confirm the selected bookings"))
    def confirm_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda b: services.booking_confirm(booking=b, by=request.user),
            _("%(n)s booking(s) confirmed."),
        )

    @admin.action(description=_("Decline the selected bookings"))
    def decline_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda b: services.booking_decline(booking=b, by=request.user),
            _("%(n)s booking(s) declined."),
        )

    @admin.action(description=_("Mark the selected bookings as no-shows"))
    def mark_no_show_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda b: services.booking_mark_no_show(booking=b, by=request.user),
            _("%(n)s booking(s) marked as no-shows."),
        )

    @admin.action(description=_("Cancel the selected bookings"))
    def cancel_selected(self, request, queryset):
        self._run(
            request,
            queryset,
            lambda b: services.booking_cancel(booking=b, by=request.user),
            _("%(n)s booking(s) cancelled."),
        )

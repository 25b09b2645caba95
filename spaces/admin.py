"""Staff manage spaces, allocations and requests here; every write goes through the services.

An admin form tries its service once while it validates, inside a savepoint that is always
rolled back: a refusal (an overlap, too many desks, a company not resident at the site)
shows on the form, on its field, instead of after the save. Saving calls the service again,
for real, under its locks.
"""

from __future__ import annotations

from datetime import date

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from incubator import permissions
from incubator.errors import ServiceError

from . import services
from .models import Allocation, Space, SpaceRequest


class _Trial(Exception):
    """Raised to roll back a trial run of a service."""


def _first_of_next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _message(exc: Exception) -> str:
    return str(exc.message) if isinstance(exc, ServiceError) else " ".join(exc.messages)


class ServiceAdmin(SimpleHistoryAdmin):
    """A model admin whose saves call a service (`run_service`) instead of `Model.save()`."""

    def run_service(self, request, pk: int | None, data: dict):
        raise NotImplementedError

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ServiceForm(form_class):
            def clean(self):
                cleaned = super().clean()
                if self._errors:
                    return cleaned
                try:
                    with transaction.atomic():
                        model_admin.run_service(request, self.instance.pk, cleaned)
                        raise _Trial
                except _Trial:
                    pass
                except ValidationError as exc:
                    if hasattr(exc, "error_dict"):
                        for field, errors in exc.error_dict.items():
                            self.add_error(field if field in self.fields else None, errors)
                    else:
                        self.add_error(None, exc)
                except ServiceError as exc:
                    self.add_error(exc.field if exc.field in self.fields else None, str(exc.message))
                return cleaned

        return ServiceForm

    def save_model(self, request, obj, form, change):
        saved = self.run_service(request, obj.pk, form.cleaned_data)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def _scoped(self, request, queryset, site_field: str):
        ids = permissions.staff_site_ids(request.user)
        return queryset if ids is None else queryset.filter(**{f"{site_field}__in": ids})


@admin.register(Space)
class SpaceAdmin(ServiceAdmin):
    list_display = ["code", "name", "site", "kind", "floor", "area_m2", "desks", "monthly_rent", "is_active"]
    list_filter = ["site", "kind", "floor", "is_active"]
    search_fields = ["code", "name", "site__name"]
    list_select_related = ["site"]
    autocomplete_fields = ["site"]
    ordering = ["site", "floor", "code"]

    def get_queryset(self, request):
        return self._scoped(request, super().get_queryset(request), "site_id")

    def get_readonly_fields(self, request, obj=None):
        return ["site"] if obj else []

    def run_service(self, request, pk, data):
        fields = {name: data[name] for name in services.SPACE_EDITABLE if name in data}
        if pk is None:
            return services.space_create(by=request.user, site=data["site"], **fields)
        return services.space_update(space=Space.objects.get(pk=pk), by=request.user, **fields)


@admin.register(Allocation)
class AllocationAdmin(ServiceAdmin):
    """Allocating, ending and extending, and changing the terms go through the services, which
    keep an office to one company at a time and open desks within their desks. Moves are
    made on the allocation's page in the portal."""

    list_display = [
        "space",
        "company",
        "starts_on",
        "ends_on",
        "desks",
        "monthly_rent",
        "subsidy_kind",
        "subsidy_value",
        "site_name",
    ]
    list_filter = ["space__site", "space__kind", "subsidy_kind", "space__floor"]
    search_fields = ["space__code", "company__name", "company__name_en", "note"]
    list_select_related = ["space__site", "company"]
    autocomplete_fields = ["space", "company"]
    date_hierarchy = "starts_on"
    actions = ["end_at_month_end"]
    fields = [
        "space",
        "company",
        "starts_on",
        "ends_on",
        "desks",
        "monthly_rent",
        "subsidy_kind",
        "subsidy_value",
        "note",
        "moved_from",
        "created_by",
        "created_at",
    ]

    def get_queryset(self, request):
        return self._scoped(request, super().get_queryset(request), "space__site_id")

    def get_readonly_fields(self, request, obj=None):
        always = ["moved_from", "created_by", "created_at"]
        return ["space", "company", "starts_on", "desks", *always] if obj else always

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        for name, help_text in (
            ("monthly_rent", _("Leave empty for the space's rent (per desk for open desks).")),
            ("desks", _("For open desks; an office or workshop takes all its desks.")),
        ):
            if name in form_class.base_fields:
                form_class.base_fields[name].required = False
                form_class.base_fields[name].help_text = help_text
        return form_class

    @admin.display(description=_("site"), ordering="space__site__name")
    def site_name(self, allocation):
        return allocation.space.site

    def run_service(self, request, pk, data):
        if pk is None:
            return services.allocation_create(
                by=request.user,
                space=data["space"],
                company=data["company"],
                starts_on=data["starts_on"],
                ends_on=data.get("ends_on"),
                desks=data.get("desks"),
                monthly_rent=data.get("monthly_rent"),
                subsidy_kind=data["subsidy_kind"],
                subsidy_value=data.get("subsidy_value"),
                note=data.get("note", ""),
            )
        allocation = Allocation.objects.select_related("space").get(pk=pk)
        ends_on = data.get("ends_on")
        if ends_on != allocation.ends_on:
            if ends_on is None or (allocation.ends_on is not None and ends_on > allocation.ends_on):
                allocation = services.allocation_extend(allocation=allocation, ends_on=ends_on, by=request.user)
            else:
                allocation = services.allocation_end(allocation=allocation, ends_on=ends_on, by=request.user)
        return services.allocation_update_terms(
            allocation=allocation,
            by=request.user,
            monthly_rent=data.get("monthly_rent"),
            subsidy_kind=data["subsidy_kind"],
            subsidy_value=data.get("subsidy_value"),
            note=data.get("note", ""),
        )

    def delete_model(self, request, obj):
        try:
            services.allocation_cancel(allocation=obj, by=request.user)
        except ServiceError as exc:
            self.message_user(request, str(exc.message), messages.ERROR)

    def delete_queryset(self, request, queryset):
        for allocation in queryset:
            self.delete_model(request, allocation)

    @admin.action(description=_("End the selected allocations at the end of this month"))
    def end_at_month_end(self, request, queryset):
        ends_on = _first_of_next_month(timezone.localdate())
        done = 0
        for allocation in queryset.select_related("space", "company"):
            if allocation.ends_on is not None and allocation.ends_on <= ends_on:
                continue
            try:
                services.allocation_end(allocation=allocation, ends_on=ends_on, by=request.user)
                done += 1
            except (ServiceError, ValidationError) as exc:
                self.message_user(request, f"{allocation}: {_message(exc)}", messages.ERROR)
        if done:
            self.message_user(request, _("%(n)s allocation(s) now end on %(day)s.") % {"n": done, "day": ends_on})


@admin.register(SpaceRequest)
class SpaceRequestAdmin(SimpleHistoryAdmin):
    """Requests come from the portal; staff answer them on the request's page there (offering
    a space allocates it). Declining works from here too."""

    list_display = ["company", "site", "kind", "desks", "area_m2", "wanted_from", "status", "requested_at"]
    list_filter = ["status", "site", "kind"]
    search_fields = ["company__name", "company__name_en", "reason"]
    list_select_related = ["company", "site"]
    date_hierarchy = "requested_at"
    actions = ["decline_no_space"]

    def get_queryset(self, request):
        return self._scoped(request, super().get_queryset(request))

    def _scoped(self, request, queryset):
        ids = permissions.staff_site_ids(request.user)
        return queryset if ids is None else queryset.filter(site_id__in=ids)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in SpaceRequest._meta.fields]

    def has_add_permission(self, request):
        return False  # companies ask from the portal

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Decline the selected requests: no such space is free"))
    def decline_no_space(self, request, queryset):
        reason = _("No space of this kind is free at the site at the moment. We will tell you when one is.")
        done = 0
        for space_request in queryset.select_related("company"):
            try:
                services.space_request_decline(space_request=space_request, by=request.user, reason=str(reason))
                done += 1
            except (ServiceError, ValidationError) as exc:
                self.message_user(request, f"{space_request}: {_message(exc)}", messages.ERROR)
        if done:
            self.message_user(request, _("%(n)s request(s) declined.") % {"n": done})

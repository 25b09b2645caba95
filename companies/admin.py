from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin
from simple_history.admin import SimpleHistoryAdmin

from incubator.errors import ServiceError

from . import services
from .choices import CompanyStatus
from .models import Admission, Award, Company, Consultation, Designation, Membership, Residency, YearFigures
from .resources import CompanyResource


class ResidencyInline(admin.TabularInline):
    model = Residency
    extra = 0
    autocomplete_fields = ["site"]


class MembershipInline(admin.TabularInline):
    """Read-only here: team changes go through the membership admin, which keeps an owner."""

    model = Membership
    extra = 0
    fields = ["user", "role", "joined_at"]
    readonly_fields = ["user", "role", "joined_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Company)
class CompanyAdmin(ImportMixin, SimpleHistoryAdmin):
    """Companies; bulk import from XLSX/CSV refuses a file with any bad row, as a whole."""

    resource_classes = [CompanyResource]
    list_display = ["name", "name_en", "credit_code", "legal_form", "sector", "status", "admitted_on"]
    list_filter = ["status", "legal_form", "sector", "residencies__site"]
    search_fields = ["name", "name_en", "credit_code"]
    date_hierarchy = "admitted_on"
    inlines = [ResidencyInline, MembershipInline]
    readonly_fields = ["status", "status_changed_on", "admitted_on", "graduated_on", "left_on", "created_at"]
    actions = ["graduate_selected", "mark_left_selected", "readmit_selected"]

    def _set_status(self, request, queryset, status):
        done = 0
        for company in queryset:
            try:
                services.company_set_status(company=company, status=status, by=request.user)
                done += 1
            except (ServiceError, ValidationError) as exc:
                message = exc.message if isinstance(exc, ServiceError) else " ".join(exc.messages)
                self.message_user(request, f"{company.name}: {message}", messages.ERROR)
        if done:
            self.message_user(request, _("%(n)s company(ies) updated.") % {"n": done}, messages.SUCCESS)

    @admin.action(description=_("Graduate the selected companies"))
    def graduate_selected(self, request, queryset):
        self._set_status(request, queryset, CompanyStatus.GRADUATED)

    @admin.action(description=_("Record that the selected companies left"))
    def mark_left_selected(self, request, queryset):
        self._set_status(request, queryset, CompanyStatus.LEFT)

    @admin.action(description=_("Take the selected companies back in"))
    def readmit_selected(self, request, queryset):
        self._set_status(request, queryset, CompanyStatus.RESIDENT)


@admin.register(Residency)
class ResidencyAdmin(SimpleHistoryAdmin):
    list_display = ["company", "site", "starts_on", "ends_on"]
    list_filter = ["site"]
    search_fields = ["company__name"]
    list_select_related = ["company", "site"]
    autocomplete_fields = ["company", "site"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    """Changing a role or removing someone goes through the services: a company always keeps an owner."""

    list_display = ["user", "company", "role", "joined_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name", "company__name"]
    list_select_related = ["user", "company"]
    autocomplete_fields = ["user", "company"]
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return ["user", "company", "joined_at"] if obj else ["joined_at"]

    def save_model(self, request, obj, form, change):
        try:
            if change:
                services.membership_change_role(membership=obj, role=obj.role, by=request.user)
            else:
                created = services.membership_invite(
                    company=obj.company, email=obj.user.email, role=obj.role, by=request.user
                )
                obj.pk = created.pk
        except ServiceError as exc:
            self.message_user(request, str(exc.message), messages.ERROR)

    def delete_model(self, request, obj):
        try:
            services.membership_remove(membership=obj, by=request.user)
        except ServiceError as exc:
            self.message_user(request, str(exc.message), messages.ERROR)


@admin.register(Admission)
class AdmissionAdmin(SimpleHistoryAdmin):
    list_display = ["team_name", "site", "applicant", "status", "submitted_at", "decided_at"]
    list_filter = ["status", "site", "sector", "needs_office", "needs_lab"]
    search_fields = ["team_name", "applicant__email", "project_summary"]
    list_select_related = ["site", "applicant"]
    readonly_fields = ["status", "decided_at", "decided_by", "company", "submitted_at", "business_plan_link"]
    exclude = ["business_plan"]
    autocomplete_fields = ["applicant", "site"]

    @admin.display(description=_("business plan (PDF)"))
    def business_plan_link(self, admission):
        if not admission.business_plan:
            return "—"
        from django.urls import reverse
        from django.utils.html import format_html

        url = reverse("companies:admission_business_plan", args=[admission.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download the PDF"))

    actions = ["accept_selected", "start_review_selected"]

    def has_add_permission(self, request):
        return False  # teams apply from the portal

    @admin.action(description=_("Accept the selected applications"))
    def accept_selected(self, request, queryset):
        self._run(request, queryset, lambda a: services.admission_accept(admission=a, decided_by=request.user))

    @admin.action(description=_("Start reviewing the selected applications"))
    def start_review_selected(self, request, queryset):
        self._run(request, queryset, lambda a: services.admission_start_review(admission=a, by=request.user))

    def _run(self, request, queryset, action):
        done = 0
        for admission in queryset:
            try:
                action(admission)
                done += 1
            except (ServiceError, ValidationError) as exc:
                message = exc.message if isinstance(exc, ServiceError) else " ".join(exc.messages)
                self.message_user(request, f"{admission.team_name}: {message}", messages.ERROR)
        if done:
            self.message_user(request, _("%(n)s application(s) updated.") % {"n": done}, messages.SUCCESS)


@admin.register(Designation)
class DesignationAdmin(SimpleHistoryAdmin):
    list_display = ["company", "kind", "certificate_number", "granted_on", "expires_on"]
    list_filter = ["kind"]
    search_fields = ["company__name", "certificate_number", "ticker"]
    date_hierarchy = "expires_on"
    list_select_related = ["company"]
    autocomplete_fields = ["company"]
    readonly_fields = ["recorded_by"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        fields = {f: form.cleaned_data.get(f) for f in ("certificate_number", "exchange", "ticker")}
        created = services.designation_record(
            company=obj.company,
            kind=obj.kind,
            granted_on=obj.granted_on,
            expires_on=obj.expires_on,
            listed_on=obj.listed_on,
            by=request.user,
            **{k: v or "" for k, v in fields.items()},
        )
        obj.pk = created.pk


@admin.register(YearFigures)
class YearFiguresAdmin(SimpleHistoryAdmin):
    list_display = ["company", "year", "revenue", "profit", "taxes_paid", "rd_spend", "employees", "rd_staff"]
    list_filter = ["year"]
    search_fields = ["company__name"]
    list_select_related = ["company"]
    autocomplete_fields = ["company"]


@admin.register(Award)
class AwardAdmin(SimpleHistoryAdmin):
    list_display = ["company", "competition", "rank", "year", "organiser"]
    list_filter = ["year"]
    search_fields = ["company__name", "competition"]
    list_select_related = ["company"]
    autocomplete_fields = ["company"]


@admin.register(Consultation)
class ConsultationAdmin(SimpleHistoryAdmin):
    list_display = ["company", "topic", "expert_name", "expert_affiliation", "held_on"]
    search_fields = ["company__name", "topic", "expert_name"]
    date_hierarchy = "held_on"
    list_select_related = ["company"]
    autocomplete_fields = ["company"]
    readonly_fields = ["recorded_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)

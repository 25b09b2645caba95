"""Funding officers' admin. Every change with a rule goes through the services: a
programme's budget, an application's decision, a tranche, an introduction's status."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from companies.choices import DesignationKind, Sector
from incubator.errors import ServiceError

from . import services
from .models import (
    ApplicationDocument,
    Disbursement,
    FundingApplication,
    Introduction,
    Investment,
    Programme,
    Sponsor,
    SponsorContact,
)


def _message(exc: ServiceError | ValidationError) -> str:
    return str(exc.message) if isinstance(exc, ServiceError) else " ".join(exc.messages)


class ServiceAdminMixin:
    """Save through a service; a refusal is shown on the form rather than as a crash."""

    def _call(self, request, form, call):
        try:
            return call()
        except ValidationError as exc:
            self._fail(request, form, _message(exc))
        except ServiceError as exc:
            self._fail(request, form, str(exc.message))
        return None

    def _fail(self, request, form, message):
        self.message_user(request, message, messages.ERROR)
        raise _Refused(message)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _Refused:
            from django.http import HttpResponseRedirect

            return HttpResponseRedirect(request.get_full_path())


class _Refused(Exception):
    pass


class ProgrammeAdminForm(forms.ModelForm):
    required_designations = forms.MultipleChoiceField(
        label=_("designations required"),
        choices=DesignationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Programme
        fields = list(services.PROGRAMME_FIELDS)

    def clean(self):
        data = super().clean()
        budget = data.get("budget")
        if self.instance.pk and budget is not None and budget < self.instance.approved_total:
            self.add_error("budget", _("The budget cannot be less than what has been approved from it."))
        return data


@admin.register(Programme)
class ProgrammeAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    form = ProgrammeAdminForm
    list_display = ["name", "level", "kind", "funder", "budget", "approved_total", "closes_on", "is_active"]
    list_filter = ["level", "kind", "is_active", "requires_residency"]
    search_fields = ["name", "name_en", "funder", "period_label"]
    date_hierarchy = "closes_on"
    readonly_fields = ["approved_total", "created_at"]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in services.PROGRAMME_FIELDS if name in form.cleaned_data}
        if change:
            saved = self._call(
                request, form, lambda: services.programme_update(programme=obj, by=request.user, **fields)
            )
        else:
            saved = self._call(request, form, lambda: services.programme_create(by=request.user, **fields))
        obj.pk = saved.pk


class DocumentInline(admin.TabularInline):
    model = ApplicationDocument
    extra = 0
    fields = ["title", "file", "uploaded_at", "uploaded_by"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class DisbursementInline(admin.TabularInline):
    """Read-only here: tranches are scheduled in the disbursement admin or on the portal."""

    model = Disbursement
    extra = 0
    fields = ["amount", "due_on", "paid_on", "reference"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FundingApplication)
class FundingApplicationAdmin(SimpleHistoryAdmin):
    """Applications come from the portal; decisions are actions here (or on the portal)."""

    list_display = [
        "company",
        "programme",
        "status",
        "requested_amount",
        "approved_amount",
        "submitted_at",
        "decided_by",
    ]
    list_filter = ["status", "programme__level", "programme", "site", "budget_year"]
    search_fields = ["company__name", "programme__name", "purpose"]
    list_select_related = ["company", "programme", "decided_by"]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        "company",
        "programme",
        "site",
        "applicant",
        "requested_amount",
        "purpose",
        "status",
        "approved_amount",
        "budget_year",
        "created_at",
        "submitted_at",
        "decided_at",
        "decided_by",
        "decision_note",
    ]
    inlines = [DocumentInline, DisbursementInline]
    actions = ["start_review_selected", "approve_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Start reviewing the selected applications"))
    def start_review_selected(self, request, queryset):
        self._run(request, queryset, lambda a: services.application_start_review(application=a, by=request.user))

    @admin.action(description=_("Approve the selected applications at the amount requested"))
    def approve_selected(self, request, queryset):
        self._run(request, queryset, lambda a: services.application_approve(application=a, by=request.user))

    def _run(self, request, queryset, action):
        done = 0
        for application in queryset.select_related("company", "programme"):
            try:
                action(application)
                done += 1
            except (ServiceError, ValidationError) as exc:
                self.message_user(request, f"{application}: {_message(exc)}", messages.ERROR)
        if done:
            self.message_user(request, _("%(n)s application(s) updated.") % {"n": done}, messages.SUCCESS)


class DisbursementAdminForm(forms.ModelForm):
    class Meta:
        model = Disbursement
        fields = ["application", "amount", "due_on", "paid_on", "reference", "note"]


@admin.register(Disbursement)
class DisbursementAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    """New tranches and payments go through the services: never more than approved."""

    form = DisbursementAdminForm
    list_display = ["application", "amount", "due_on", "paid_on", "reference"]
    list_filter = ["paid_on", "application__programme__level"]
    search_fields = ["application__company__name", "application__programme__name", "reference"]
    list_select_related = ["application__company", "application__programme"]
    date_hierarchy = "due_on"
    autocomplete_fields = ["application"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["application", "amount", "due_on"] + (["paid_on", "reference"] if obj.paid_on else [])

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            saved = self._call(
                request,
                form,
                lambda: services.disbursement_schedule(
                    application=data["application"],
                    by=request.user,
                    amount=data["amount"],
                    due_on=data["due_on"],
                    paid_on=data.get("paid_on"),
                    reference=data.get("reference", ""),
                    note=data.get("note", ""),
                ),
            )
            obj.pk = saved.pk
        elif "paid_on" in form.changed_data and data.get("paid_on"):
            self._call(
                request,
                form,
                lambda: services.disbursement_mark_paid(
                    disbursement=obj, by=request.user, paid_on=data["paid_on"], reference=data.get("reference", "")
                ),
            )
        else:
            # Only the note (or a reference) changed.
            obj._history_user = request.user
            obj.save(update_fields=["note", "reference"])

    def delete_model(self, request, obj):
        try:
            services.disbursement_cancel(disbursement=obj, by=request.user)
        except ServiceError as exc:
            self.message_user(request, str(exc.message), messages.ERROR)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class SponsorContactInline(admin.TabularInline):
    model = SponsorContact
    extra = 1


class SponsorAdminForm(forms.ModelForm):
    focus_sectors = forms.MultipleChoiceField(
        label=_("focus sectors"), choices=Sector.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Sponsor
        fields = list(services.SPONSOR_FIELDS)


@admin.register(Sponsor)
class SponsorAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    form = SponsorAdminForm
    list_display = ["name", "kind", "ticket_min", "ticket_max", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "name_en", "description", "contacts__name"]
    inlines = [SponsorContactInline]
    readonly_fields = ["created_at"]

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in services.SPONSOR_FIELDS if name in form.cleaned_data}
        if change:
            saved = self._call(request, form, lambda: services.sponsor_update(sponsor=obj, by=request.user, **fields))
        else:
            saved = self._call(request, form, lambda: services.sponsor_create(by=request.user, **fields))
        obj.pk = saved.pk
        obj._state.adding = False


@admin.register(Introduction)
class IntroductionAdmin(SimpleHistoryAdmin):
    """Status changes go through the portal's pipeline (or the API), which keeps the order of
    the steps and records investments."""

    list_display = ["company", "sponsor", "status", "requested_on", "last_activity_at", "amount_invested"]
    list_filter = ["status", "sponsor__kind", "sponsor"]
    search_fields = ["company__name", "sponsor__name", "message", "notes"]
    list_select_related = ["company", "sponsor"]
    date_hierarchy = "requested_on"
    readonly_fields = [
        "company",
        "sponsor",
        "requested_by",
        "message",
        "status",
        "requested_on",
        "introduced_on",
        "meeting_on",
        "term_sheet_on",
        "closed_on",
        "amount_invested",
        "notes",
        "last_activity_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Investment)
class InvestmentAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ["company", "round", "amount", "investors", "sponsor", "closed_on"]
    list_filter = ["round", "sponsor"]
    search_fields = ["company__name", "investors", "sponsor__name"]
    list_select_related = ["company", "sponsor"]
    date_hierarchy = "closed_on"
    autocomplete_fields = ["company", "sponsor"]
    readonly_fields = ["introduction", "recorded_by"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "company"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.INVESTMENT_FIELDS if name in form.cleaned_data}
        if change:
            saved = self._call(
                request, form, lambda: services.investment_update(investment=obj, by=request.user, **data)
            )
        else:
            saved = self._call(
                request,
                form,
                lambda: services.investment_record(company=form.cleaned_data["company"], by=request.user, **data),
            )
        obj.pk = saved.pk

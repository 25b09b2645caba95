"""An application's page and its decisions, its documents and its tranches."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from companies.services import company_current_site_id
from incubator import permissions
from incubator.errors import NotAllowed, ServiceError
from incubator.forms import add_service_errors

from .. import selectors, services
from ..choices import ApplicationStatus
from ..forms import (
    ApplicationEditForm,
    ApplicationFilterForm,
    ApproveForm,
    DisbursementForm,
    DocumentForm,
    PaidForm,
    RejectForm,
)
from ..models import ApplicationDocument, Disbursement, FundingApplication
from ._common import _get_or_404, _service_error_message

# --- Applications --------------------------------------------------------------------


@login_required
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    applications = selectors.applications_visible_to(request.user)
    form = ApplicationFilterForm(request.GET or None)
    if form.is_valid():
        if status := form.cleaned_data["status"]:
            applications = applications.filter(status=status)
        if programme := form.cleaned_data["programme"]:
            applications = applications.filter(programme=programme)
    page = Paginator(applications.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "funding/application_list.html",
        {"page": page, "form": form, "officer_view": permissions.is_centre_staff(request.user)},
    )


def _application_or_404(request: HttpRequest, pk: int) -> FundingApplication:
    try:
        return selectors.application_detail(request.user, pk)
    except FundingApplication.DoesNotExist:
        raise Http404 from None


def _abilities(user, application: FundingApplication) -> dict:
    site_id = application.site_id or company_current_site_id(application.company)
    officer = permissions.is_site_staff(user, site_id) if site_id else permissions.is_centre_staff(user)
    member = permissions.is_company_member(user, application.company)
    status = application.status
    live = status in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW)
    return {
        "is_officer": officer,
        "is_member": member,
        "can_edit": status == ApplicationStatus.DRAFT and (member or officer),
        "can_submit": status == ApplicationStatus.DRAFT and (member or officer),
        "can_withdraw": live and member,
        "can_add_documents": live and (member or officer),
        "can_review": officer and status == ApplicationStatus.SUBMITTED,
        "can_approve": officer and status == ApplicationStatus.UNDER_REVIEW,
        "can_reject": officer and application.is_open,
        "can_disburse": officer and status == ApplicationStatus.APPROVED,
    }


def _application_context(request: HttpRequest, application: FundingApplication, **forms) -> dict:
    abilities = _abilities(request.user, application)
    disbursements = list(application.disbursements.all())
    scheduled = sum((d.amount for d in disbursements), Decimal("0"))
    paid = sum((d.amount for d in disbursements if d.paid_on), Decimal("0"))
    context = {
        "application": application,
        "documents": list(application.documents.all()),
        "disbursements": disbursements,
        "scheduled_total": scheduled,
        "paid_total": paid,
        "history": selectors.application_history(application)
        if abilities["is_officer"] or abilities["is_member"] or permissions.is_district(request.user)
        else [],
        **abilities,
        "approve_form": forms.get("approve_form")
        or ApproveForm(initial={"approved_amount": application.requested_amount}),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "document_form": forms.get("document_form") or DocumentForm(),
        "disbursement_form": forms.get("disbursement_form") or _disbursement_form_initial(application, scheduled),
        "paid_form": PaidForm(initial={"paid_on": timezone.localdate()}),
    }
    if abilities["is_officer"]:
        context["budget_left"] = application.programme.remaining_budget
    return context


def _disbursement_form_initial(application: FundingApplication, scheduled: Decimal) -> DisbursementForm:
    left = (application.approved_amount or Decimal("0")) - scheduled
    return DisbursementForm(initial={"amount": left if left > 0 else None, "due_on": timezone.localdate()})


@login_required
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_or_404(request, pk)
    return render(request, "funding/application_detail.html", _application_context(request, application))


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_or_404(request, pk)
    if not _abilities(request.user, application)["can_edit"]:
        raise Http404
    form = ApplicationEditForm(
        request.POST or None,
        initial={"requested_amount": application.requested_amount, "purpose": application.purpose},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.application_update(application=application, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The draft has been saved."))
            return redirect("funding:application_detail", pk=application.pk)
    return render(request, "funding/application_edit.html", {"application": application, "form": form})


_OFFICER_ACTIONS = {"review", "approve", "reject"}


@login_required
@require_POST
def application_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """submit, withdraw (the company); review, approve, reject (the funding officers)."""
    application = _application_or_404(request, pk)
    abilities = _abilities(request.user, application)
    allowed = (
        abilities["is_officer"]
        if action in _OFFICER_ACTIONS
        else (abilities["is_member"] or (action == "submit" and abilities["is_officer"]))
    )
    if not allowed:
        raise PermissionDenied
    form = None
    try:
        if action == "submit":
            services.application_submit(application=application, by=request.user)
            messages.success(request, _("Your application has been sent to the funding officers."))
        elif action == "withdraw":
            services.application_withdraw(application=application, by=request.user)
            messages.success(request, _("The application has been withdrawn."))
        elif action == "review":
            services.application_start_review(application=application, by=request.user)
            messages.success(request, _("The application is now under review."))
        elif action == "approve":
            form = ApproveForm(request.POST)
            if form.is_valid():
                services.application_approve(
                    application=application,
                    by=request.user,
                    approved_amount=form.cleaned_data["approved_amount"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("Approved. The company has been told."))
        else:
            form = RejectForm(request.POST)
            if form.is_valid():
                services.application_reject(application=application, by=request.user, note=form.cleaned_data["note"])
                messages.success(request, _("Rejected. The company has been told why."))
    except NotAllowed:
        raise PermissionDenied from None
    except (ServiceError, ValidationError) as exc:
        if form is not None:
            if isinstance(exc, ValidationError):
                add_service_errors(form, exc)
            else:
                form.add_error(None, str(exc.message))
        else:
            messages.error(request, _service_error_message(exc))
    if form is not None and form.errors:
        application = _application_or_404(request, pk)
        context = _application_context(request, application, **{f"{action}_form": form})
        return render(request, "funding/application_detail.html", context, status=400)
    return redirect("funding:application_detail", pk=pk)


# --- Documents -----------------------------------------------------------------------


@login_required
@require_POST
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_or_404(request, pk)
    if not _abilities(request.user, application)["can_add_documents"]:
        raise Http404
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.application_document_add(application=application, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The document has been attached."))
            return redirect("funding:application_detail", pk=pk)
    context = _application_context(request, application, document_form=form)
    return render(request, "funding/application_detail.html", context, status=400)


def _document_or_404(request: HttpRequest, pk: int, document_pk: int) -> tuple[FundingApplication, ApplicationDocument]:
    application = _application_or_404(request, pk)
    return application, _get_or_404(ApplicationDocument.objects.filter(application=application), pk=document_pk)


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    _application, document = _document_or_404(request, pk, document_pk)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=f"{document.title[:80] or 'document'}.pdf", content_type="application/pdf"
    )


@login_required
@require_POST
def document_remove(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    application, document = _document_or_404(request, pk, document_pk)
    if not _abilities(request.user, application)["can_edit"]:
        raise Http404
    try:
        services.application_document_remove(document=document, by=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The document has been removed."))
    return redirect("funding:application_detail", pk=pk)


# --- Disbursements (htmx: the tranches panel is replaced in place) ---------------------


def _disbursements_response(request: HttpRequest, pk: int, **forms) -> HttpResponse:
    application = _application_or_404(request, pk)
    if request.htmx:
        return render(
            request, "funding/includes/disbursements.html", _application_context(request, application, **forms)
        )
    return redirect("funding:application_detail", pk=pk)


@login_required
@require_POST
def disbursement_add(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application_or_404(request, pk)
    if not _abilities(request.user, application)["is_officer"]:
        raise Http404
    form = DisbursementForm(request.POST)
    if form.is_valid():
        try:
            services.disbursement_schedule(application=application, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The tranche has been scheduled."))
            return _disbursements_response(request, pk)
    if not request.htmx:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return _disbursements_response(request, pk, disbursement_form=form)


def _disbursement_or_404(request: HttpRequest, pk: int) -> Disbursement:
    disbursement = _get_or_404(selectors.disbursements_visible_to(request.user), pk=pk)
    application = disbursement.application
    site_id = application.site_id or company_current_site_id(application.company)
    if not (permissions.is_site_staff(request.user, site_id) if site_id else permissions.is_centre_staff(request.user)):
        raise Http404
    return disbursement


@login_required
@require_POST
def disbursement_paid(request: HttpRequest, pk: int) -> HttpResponse:
    disbursement = _disbursement_or_404(request, pk)
    form = PaidForm(request.POST)
    if form.is_valid():
        try:
            services.disbursement_mark_paid(disbursement=disbursement, by=request.user, **form.cleaned_data)
        except (ServiceError, ValidationError) as exc:
            messages.error(request, _service_error_message(exc))
        else:
            messages.success(request, _("The tranche has been recorded as paid."))
    else:
        messages.error(request, _("Enter the date of payment."))
    return _disbursements_response(request, disbursement.application_id)


@login_required
@require_POST
def disbursement_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    disbursement = _disbursement_or_404(request, pk)
    try:
        services.disbursement_cancel(disbursement=disbursement, by=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The tranche has been removed."))
    return _disbursements_response(request, disbursement.application_id)

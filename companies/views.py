"""Portal pages: applying, a company's page and team, figures, awards, admissions review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from incubator import permissions
from incubator.errors import NotAllowed, ServiceError
from incubator.forms import add_service_errors

from . import selectors, services
from .choices import MemberRole
from .forms import (
    AcceptForm,
    AdmissionForm,
    AwardForm,
    CompanyForm,
    CompanySearchForm,
    InviteForm,
    NewcomerForm,
    RejectForm,
    RoleForm,
    YearFiguresForm,
)
from .models import Admission, Award, Company, Membership


def _company_or_404(request: HttpRequest, pk: int) -> Company:
    try:
        return selectors.company_detail(request.user, pk)
    except Company.DoesNotExist:
        raise Http404 from None


def _admission_or_404(request: HttpRequest, pk: int) -> Admission:
    try:
        return selectors.admissions_visible_to(request.user).get(pk=pk)
    except Admission.DoesNotExist:
        raise Http404 from None


def _abilities(user, company: Company) -> dict[str, bool]:
    role = permissions.company_role(user, company)
    site_id = company.current_residencies[0].site_id if company.current_residencies else None
    is_staff = permissions.is_site_staff(user, site_id) if site_id else permissions.is_centre_staff(user)
    return {
        "role": role,
        "can_edit": role is not None or is_staff,
        "can_manage_team": role == MemberRole.OWNER or is_staff,
        "is_staff": is_staff,
    }


# --- Applying ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    """Anyone may apply; a visitor creates an account on the way."""
    newcomer = not request.user.is_authenticated
    form_class = NewcomerForm if newcomer else AdmissionForm
    initial = {"language": request.LANGUAGE_CODE} if newcomer else {}
    form = form_class(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if newcomer:
                account = {key: data.pop(key) for key in ("email", "full_name", "password", "language", "phone")}
                user, admission = services.admission_apply_as_newcomer(**account, **data)
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                admission = services.admission_submit(applicant=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Your application has been sent. The centre will review it soon."))
            return redirect("companies:admission_detail", pk=admission.pk)
    return render(request, "companies/apply.html", {"form": form, "newcomer": newcomer})


# --- Companies -----------------------------------------------------------------------


@login_required
@require_GET
def company_list(request: HttpRequest) -> HttpResponse:
    form = CompanySearchForm(request.GET or None)
    companies = selectors.company_list(request.user)
    if form.is_valid():
        if q := form.cleaned_data["q"]:
            companies = companies.filter(Q(name__icontains=q) | Q(name_en__icontains=q) | Q(credit_code__iexact=q))
        if status := form.cleaned_data["status"]:
            companies = companies.filter(status=status)
    page = Paginator(companies, 50).get_page(request.GET.get("page"))
    return render(request, "companies/company_list.html", {"form": form, "page": page})


@login_required
@require_GET
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = _company_or_404(request, pk)
    context = {"company": company, **_abilities(request.user, company)}
    context["invite_form"] = InviteForm()
    return render(request, "companies/company_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def company_edit(request: HttpRequest, pk: int) -> HttpResponse:
    company = _company_or_404(request, pk)
    abilities = _abilities(request.user, company)
    if not abilities["can_edit"]:
        raise Http404
    form = CompanyForm(request.POST or None, instance=Company.objects.get(pk=company.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.company_update(company=company, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The company profile has been saved."))
            return redirect("companies:detail", pk=company.pk)
    return render(request, "companies/company_edit.html", {"company": company, "form": form})


def _team_response(request: HttpRequest, company_pk: int, invite_form=None) -> HttpResponse:
    company = _company_or_404(request, company_pk)
    context = {"company": company, **_abilities(request.user, company), "invite_form": invite_form or InviteForm()}
    if request.htmx:
        return render(request, "companies/includes/team.html", context)
    return redirect("companies:detail", pk=company.pk)


@login_required
@require_POST
def team_invite(request: HttpRequest, pk: int) -> HttpResponse:
    company = _company_or_404(request, pk)
    if not _abilities(request.user, company)["can_manage_team"]:
        raise Http404
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.membership_invite(company=company, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            if exc.status == 403:
                raise Http404 from None
            form.add_error(None, str(exc.message))
        else:
            messages.success(
                request, _("%(email)s has been added to the team.") % {"email": form.cleaned_data["email"]}
            )
            form = None
    if form is not None and not request.htmx:
        for error in form.errors.values():
            messages.error(request, " ".join(error))
    return _team_response(request, company.pk, form)


def _membership_or_404(request: HttpRequest, pk: int, membership_pk: int) -> tuple[Company, Membership]:
    company = _company_or_404(request, pk)
    try:
        return company, company.memberships.select_related("user", "company").get(pk=membership_pk)
    except Membership.DoesNotExist:
        raise Http404 from None


@login_required
@require_POST
def team_role(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    company, membership = _membership_or_404(request, pk, membership_pk)
    if not _abilities(request.user, company)["can_manage_team"]:
        raise Http404
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_change_role(membership=membership, role=form.cleaned_data["role"], by=request.user)
        except ServiceError as exc:
            if exc.status == 403:
                raise Http404 from None
            messages.error(request, str(exc.message))
    else:
        messages.error(request, _("Choose owner or member."))
    return _team_response(request, pk)


@login_required
@require_POST
def team_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    company, membership = _membership_or_404(request, pk, membership_pk)
    leaving = membership.user_id == request.user.pk
    if not leaving and not _abilities(request.user, company)["can_manage_team"]:
        raise Http404
    try:
        services.membership_remove(membership=membership, by=request.user)
    except ServiceError as exc:
        if exc.status == 403:
            raise Http404 from None
        messages.error(request, str(exc.message))
        return _team_response(request, pk)
    if leaving:
        messages.success(request, _("You have left the team."))
        response = HttpResponse(status=204)
        response["HX-Redirect"] = "/"
        return response if request.htmx else redirect("home")
    return _team_response(request, pk)


@login_required
@require_http_methods(["GET", "POST"])
def figures(request: HttpRequest, pk: int) -> HttpResponse:
    company = _company_or_404(request, pk)
    abilities = _abilities(request.user, company)
    form = YearFiguresForm(request.POST or None)
    if request.method == "POST":
        if not abilities["can_edit"]:
            raise Http404
        if form.is_valid():
            data = dict(form.cleaned_data)
            year = data.pop("year")
            try:
                services.year_figures_save(company=company, year=year, by=request.user, **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The figures for %(year)s have been saved.") % {"year": year})
                return redirect("companies:figures", pk=company.pk)
    return render(request, "companies/figures.html", {"company": company, "form": form, **abilities})


@login_required
@require_POST
def award_add(request: HttpRequest, pk: int) -> HttpResponse:
    company = _company_or_404(request, pk)
    form = AwardForm(request.POST)
    if not _abilities(request.user, company)["can_edit"]:
        raise Http404
    if form.is_valid():
        try:
            services.award_add(company=company, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The award has been added."))
    else:
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label}: {' '.join(errors)}")
    return redirect("companies:detail", pk=company.pk)


@login_required
@require_POST
def award_delete(request: HttpRequest, pk: int, award_pk: int) -> HttpResponse:
    company = _company_or_404(request, pk)
    try:
        award = company.awards.get(pk=award_pk)
    except Award.DoesNotExist:
        raise Http404 from None
    if not _abilities(request.user, company)["can_edit"]:
        raise Http404
    services.award_delete(award=award, by=request.user)
    messages.success(request, _("The award has been removed."))
    return redirect("companies:detail", pk=company.pk)


# --- Admissions ----------------------------------------------------------------------


@login_required
@require_GET
def admission_list(request: HttpRequest) -> HttpResponse:
    admissions = selectors.admissions_visible_to(request.user)
    status = request.GET.get("status", "")
    if status:
        admissions = admissions.filter(status=status)
    page = Paginator(admissions, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "companies/admission_list.html",
        {"page": page, "status": status, "reviewer": permissions.is_centre_staff(request.user)},
    )


@login_required
@require_GET
def admission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    admission = _admission_or_404(request, pk)
    return render(request, "companies/admission_detail.html", _admission_context(request, admission))


@login_required
@require_GET
def admission_business_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The business plan, to those who may see the application (never a public media URL)."""
    admission = _admission_or_404(request, pk)
    if not admission.business_plan:
        raise Http404
    from django.http import FileResponse

    return FileResponse(
        admission.business_plan.open("rb"),
        content_type="application/pdf",
        filename=f"business-plan-{admission.pk}.pdf",
    )


def _admission_context(request: HttpRequest, admission: Admission, **forms) -> dict:
    can_decide = admission.is_open and permissions.is_site_staff(request.user, admission.site_id)
    return {
        "admission": admission,
        "can_decide": can_decide,
        "can_withdraw": admission.is_open and admission.applicant_id == request.user.pk,
        "accept_form": forms.get("accept_form") or AcceptForm(initial={"company_name": admission.team_name}),
        "reject_form": forms.get("reject_form") or RejectForm(),
    }


@login_required
@require_POST
def admission_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    admission = _admission_or_404(request, pk)
    if action == "withdraw":
        allowed = admission.applicant_id == request.user.pk
    else:
        allowed = permissions.is_site_staff(request.user, admission.site_id)
    if not allowed:
        raise PermissionDenied
    form = None
    try:
        if action == "withdraw":
            services.admission_withdraw(admission=admission, by=request.user)
            messages.success(request, _("Your application has been withdrawn."))
        elif action == "review":
            services.admission_start_review(admission=admission, by=request.user)
            messages.success(request, _("The application is now under review."))
        elif action == "accept":
            form = AcceptForm(request.POST)
            if form.is_valid():
                services.admission_accept(
                    admission=admission,
                    decided_by=request.user,
                    company_name=form.cleaned_data["company_name"] or None,
                    starts_on=form.cleaned_data["starts_on"],
                )
                messages.success(request, _("Accepted: the company and its team have been created."))
        else:
            form = RejectForm(request.POST)
            if form.is_valid():
                services.admission_reject(
                    admission=admission, decided_by=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("The application has been rejected and the applicant told why."))
    except NotAllowed:
        raise PermissionDenied from None
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    except ValidationError as exc:
        add_service_errors(form, exc)
    if form is not None and form.errors:
        forms = {f"{action}_form": form}
        return render(
            request, "companies/admission_detail.html", _admission_context(request, admission, **forms), status=400
        )
    return redirect("companies:admission_detail", pk=pk)

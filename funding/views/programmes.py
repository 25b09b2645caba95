"""Programmes as makers and officers see them, and applying to one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from companies.choices import DesignationKind
from incubator import permissions
from incubator.errors import ServiceError
from incubator.forms import add_service_errors

from .. import selectors, services
from ..choices import ApplicationStatus
from ..forms import (
    ApplicationForm,
    ProgrammeFilterForm,
)
from ..models import Programme
from ._common import _get_or_404

# --- Programmes ----------------------------------------------------------------------


@login_required
@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    """Makers: the open programmes their companies may apply to. Staff and the district:
    every programme with what is left of its budget."""
    user = request.user
    if permissions.is_centre_staff(user) or permissions.is_district(user):
        programmes = selectors.programmes_visible_to(user).order_by("-is_active", "-closes_on", "name")
        page = Paginator(programmes, 50).get_page(request.GET.get("page"))
        return render(request, "funding/programme_list.html", {"page": page, "officer_view": True})
    form = ProgrammeFilterForm(request.GET or None)
    show_all = form.is_valid() and form.cleaned_data["show"] == "all"
    offers = selectors.programmes_for_maker(user, show_all=show_all)
    return render(
        request,
        "funding/programme_list.html",
        {"offers": offers, "form": form, "show_all": show_all, "officer_view": False},
    )


@login_required
@require_GET
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _get_or_404(selectors.programmes_visible_to(request.user), pk=pk)
    (offer,) = selectors.programme_offers(request.user, programmes=Programme.objects.filter(pk=programme.pk))
    officer_view = permissions.is_centre_staff(request.user) or permissions.is_district(request.user)
    context = {
        "programme": programme,
        "offer": offer,
        "officer_view": officer_view,
        "required_labels": [
            DesignationKind(k).label for k in programme.required_designations if k in DesignationKind.values
        ],
    }
    if officer_view:
        applications = selectors.applications_visible_to(request.user).filter(programme=programme)
        context["recent"] = list(applications.exclude(status=ApplicationStatus.DRAFT).order_by("-submitted_at")[:20])
    return render(request, "funding/programme_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply to a programme for one of the user's eligible companies: save a draft or send it."""
    programme = _get_or_404(selectors.programmes_visible_to(request.user), pk=pk)
    companies = selectors.eligible_companies(request.user, programme)
    if not programme.is_open or not companies:
        return render(request, "funding/application_create.html", {"programme": programme, "form": None}, status=409)
    form = ApplicationForm(request.POST or None, request.FILES or None, companies=companies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        submit = "submit" in request.POST
        try:
            application = services.application_create(
                company=data["company"],
                programme=programme,
                by=request.user,
                requested_amount=data["requested_amount"],
                purpose=data["purpose"],
                documents=[(data["document"].name, data["document"])] if data.get("document") else [],
                submit=submit,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, str(exc.message))
        else:
            if submit:
                messages.success(request, _("Your application has been sent to the funding officers."))
            else:
                messages.success(request, _("Your draft has been saved. Submit it when it is complete."))
            return redirect("funding:application_detail", pk=application.pk)
    return render(request, "funding/application_create.html", {"programme": programme, "form": form})

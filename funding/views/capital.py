"""Sponsors, and introductions from the request to the investment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from companies.choices import Sector
from companies.services import company_current_site_id
from incubator import permissions
from incubator.errors import ServiceError
from incubator.forms import add_service_errors

from .. import selectors, services
from ..choices import IntroductionStatus
from ..forms import (
    IntroductionAdvanceForm,
    IntroductionNoteForm,
    IntroductionRequestForm,
    SponsorFilterForm,
)
from ..models import Introduction
from ._common import _get_or_404

# --- Sponsors and introductions ------------------------------------------------------


@login_required
@require_GET
def sponsor_list(request: HttpRequest) -> HttpResponse:
    sponsors = selectors.sponsors_visible_to(request.user)
    form = SponsorFilterForm(request.GET or None)
    sponsors_list = list(sponsors.order_by("-is_active", "name"))
    if form.is_valid() and (sector := form.cleaned_data["sector"]):
        sponsors_list = [s for s in sponsors_list if sector in (s.focus_sectors or [])]
    page = Paginator(sponsors_list, 50).get_page(request.GET.get("page"))
    return render(request, "funding/sponsor_list.html", {"page": page, "form": form})


@login_required
@require_GET
def sponsor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sponsor = _get_or_404(selectors.sponsors_visible_to(request.user).prefetch_related("contacts"), pk=pk)
    companies = list(selectors.my_companies(request.user))
    return render(
        request,
        "funding/sponsor_detail.html",
        {
            "sponsor": sponsor,
            "show_contacts": selectors.sees_centre_notes(request.user),
            "sector_labels": [Sector(s).label for s in sponsor.focus_sectors or [] if s in Sector.values],
            "can_request": bool(companies) and sponsor.is_active,
        },
    )


@login_required
@require_GET
def introduction_list(request: HttpRequest) -> HttpResponse:
    """Staff and the district: the pipeline by status. Makers: their companies' introductions."""
    user = request.user
    if permissions.is_centre_staff(user) or permissions.is_district(user):
        return render(
            request, "funding/introduction_pipeline.html", {"pipeline": selectors.introduction_pipeline(user)}
        )
    introductions = selectors.introductions_visible_to(user).order_by("-last_activity_at", "-pk")
    page = Paginator(introductions, 50).get_page(request.GET.get("page"))
    return render(request, "funding/introduction_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def introduction_request(request: HttpRequest) -> HttpResponse:
    companies = list(selectors.my_companies(request.user))
    if not companies:
        return render(request, "funding/introduction_request.html", {"form": None}, status=409)
    sponsor = None
    raw = request.GET.get("sponsor", "")
    if raw.isdigit():
        sponsor = selectors.sponsors_visible_to(request.user).filter(is_active=True, pk=int(raw)).first()
    form = IntroductionRequestForm(request.POST or None, companies=companies, sponsor=sponsor)
    if request.method == "POST" and form.is_valid():
        try:
            introduction = services.introduction_request(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The centre has your request and will be in touch."))
            return redirect("funding:introduction_detail", pk=introduction.pk)
    return render(request, "funding/introduction_request.html", {"form": form})


def _introduction_or_404(request: HttpRequest, pk: int) -> Introduction:
    return _get_or_404(selectors.introductions_visible_to(request.user).select_related("investment"), pk=pk)


def _introduction_context(request: HttpRequest, introduction: Introduction, **forms) -> dict:
    officer = permissions.is_site_staff(request.user, company_current_site_id(introduction.company))
    allowed = services.INTRODUCTION_TRANSITIONS[introduction.status]
    return {
        "introduction": introduction,
        "is_officer": officer,
        "show_notes": selectors.sees_centre_notes(request.user),
        "allowed": allowed,
        "advance_form": forms.get("advance_form")
        or IntroductionAdvanceForm(allowed=allowed, initial={"on": timezone.localdate()}),
        "note_form": forms.get("note_form") or IntroductionNoteForm(),
        "history": list(introduction.history.select_related("history_user").order_by("-history_date")[:30]),
    }


@login_required
@require_GET
def introduction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    introduction = _introduction_or_404(request, pk)
    return render(request, "funding/introduction_detail.html", _introduction_context(request, introduction))


@login_required
@require_POST
def introduction_advance(request: HttpRequest, pk: int) -> HttpResponse:
    introduction = _introduction_or_404(request, pk)
    if not permissions.is_site_staff(request.user, company_current_site_id(introduction.company)):
        raise PermissionDenied
    form = IntroductionAdvanceForm(request.POST, allowed=IntroductionStatus.values)
    if form.is_valid():
        try:
            services.introduction_advance(introduction=introduction, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The introduction has been updated."))
            return redirect("funding:introduction_detail", pk=pk)
    introduction = _introduction_or_404(request, pk)
    context = _introduction_context(request, introduction, advance_form=form)
    return render(request, "funding/introduction_detail.html", context, status=400)


@login_required
@require_POST
def introduction_note(request: HttpRequest, pk: int) -> HttpResponse:
    introduction = _introduction_or_404(request, pk)
    if not permissions.is_site_staff(request.user, company_current_site_id(introduction.company)):
        raise PermissionDenied
    form = IntroductionNoteForm(request.POST)
    if form.is_valid():
        services.introduction_add_note(introduction=introduction, by=request.user, note=form.cleaned_data["note"])
        messages.success(request, _("The note has been added."))
        return redirect("funding:introduction_detail", pk=pk)
    context = _introduction_context(request, introduction, note_form=form)
    return render(request, "funding/introduction_detail.html", context, status=400)

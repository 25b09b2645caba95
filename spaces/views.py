"""Portal pages: a company's space and requests, the staff's board of a site, occupancy."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from companies.models import Company, Residency
from incubator import permissions
from incubator.errors import NotAllowed, ServiceError
from incubator.forms import add_service_errors
from incubator.models import Site

from . import selectors, services
from .choices import SpaceRequestStatus
from .forms import (
    AllocationEndForm,
    AllocationExtendForm,
    AllocationMoveForm,
    BoardFilterForm,
    DayForm,
    DeclineForm,
    OfferForm,
    SpaceRequestForm,
)
from .models import Allocation, Space, SpaceRequest

ENDING_WITHIN_DAYS = 60


def _day(form: DayForm) -> date:
    if form.is_valid() and form.cleaned_data.get("on"):
        return form.cleaned_data["on"]
    return timezone.localdate()


def _service_error_to_form(form, exc: ServiceError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


# --- Overview ------------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """A maker's space and requests; for staff and the district, occupancy by site too."""
    user = request.user
    form = DayForm(request.GET or None)
    on = _day(form)
    context = {
        "form": form,
        "on": on,
        "today": timezone.localdate(),
        "allocations": list(selectors.allocations_of_member(user, today=on)),
        "requests": list(selectors.space_requests_of_member(user)[:10]),
        "can_request": _request_companies(user).exists(),
    }
    if selectors.can_see_occupancy(user):
        context.update(
            report=selectors.occupancy(user, on=on),
            ending=list(selectors.allocations_ending_within(user, days=ENDING_WITHIN_DAYS, today=on)[:50]),
            ending_days=ENDING_WITHIN_DAYS,
            waiting=list(selectors.space_requests_waiting(user)[:20]),
        )
    return render(request, "spaces/index.html", context)


@login_required
@require_GET
def site_board(request: HttpRequest, pk: int) -> HttpResponse:
    """Every space of a site floor by floor: who is in it now and until when; free space stands out."""
    try:
        site = selectors.sites_with_occupancy_for(request.user).get(pk=pk)
    except Site.DoesNotExist:
        raise Http404 from None
    form = BoardFilterForm(request.GET or None)
    on = _day(form)
    kind = form.cleaned_data.get("kind") if form.is_valid() else ""
    free_only = bool(form.cleaned_data.get("free")) if form.is_valid() else False
    board = selectors.site_board(request.user, site=site, on=on, kind=kind or None, free_only=free_only)
    return render(
        request,
        "spaces/board.html",
        {
            "board": board,
            "form": form,
            "on": on,
            "soon": date.fromordinal(on.toordinal() + 30),
            "can_manage": permissions.is_site_staff(request.user, site),
        },
    )


# --- Requests ------------------------------------------------------------------------


def _request_companies(user):
    """The companies the user may ask space for: theirs, resident at a site now."""
    if not user.is_authenticated:
        return Company.objects.none()
    resident = Residency.objects.filter(ends_on__isnull=True).values("company_id")
    return Company.objects.filter(memberships__user=user, pk__in=resident).distinct().order_by("name")


def _request_or_404(request: HttpRequest, pk: int) -> SpaceRequest:
    try:
        return selectors.space_requests_visible_to(request.user).get(pk=pk)
    except SpaceRequest.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    requests = selectors.space_requests_visible_to(request.user).order_by("-requested_at", "-id")
    status = request.GET.get("status", "")
    if status in SpaceRequestStatus.values:
        requests = requests.filter(status=status)
    else:
        status = ""
    page = Paginator(requests, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "spaces/request_list.html",
        {"page": page, "status": status, "statuses": SpaceRequestStatus.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    companies = _request_companies(request.user)
    form = SpaceRequestForm(request.POST or None, companies=companies, initial={"wanted_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        company = data.pop("company")
        try:
            space_request = services.space_request_submit(company=company, by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            _service_error_to_form(form, exc)
        else:
            messages.success(request, _("Your request has been sent. The centre's staff will answer it."))
            return redirect("spaces:request_detail", pk=space_request.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "spaces/request_form.html", {"form": form, "has_companies": companies.exists()}, status=status
    )


def _request_context(request: HttpRequest, space_request: SpaceRequest, **forms) -> dict:
    user = request.user
    can_decide = space_request.is_open and permissions.is_site_staff(user, space_request.site_id)
    context = {
        "space_request": space_request,
        "can_decide": can_decide,
        "can_withdraw": space_request.is_open and permissions.is_company_member(user, space_request.company),
    }
    if can_decide:
        site_spaces = Space.objects.filter(site_id=space_request.site_id, is_active=True).order_by("floor", "code")
        context["offer_form"] = forms.get("offer_form") or OfferForm(
            spaces=site_spaces, initial={"desks": space_request.desks or None}
        )
        context["decline_form"] = forms.get("decline_form") or DeclineForm()
        context["free"] = selectors.spaces_free(
            user,
            on=max(space_request.wanted_from, timezone.localdate()),
            site=space_request.site_id,
            kind=space_request.kind,
        )[:12]
    return context


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    space_request = _request_or_404(request, pk)
    return render(request, "spaces/request_detail.html", _request_context(request, space_request))


@login_required
@require_POST
def request_offer(request: HttpRequest, pk: int) -> HttpResponse:
    space_request = _request_or_404(request, pk)
    if not permissions.is_site_staff(request.user, space_request.site_id):
        raise PermissionDenied
    site_spaces = Space.objects.filter(site_id=space_request.site_id, is_active=True)
    form = OfferForm(request.POST, spaces=site_spaces)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            services.space_request_offer(space_request=space_request, by=request.user, **data)
        except NotAllowed:
            raise PermissionDenied from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            _service_error_to_form(form, exc)
        else:
            messages.success(request, _("The space has been allocated and the company told."))
            return redirect("spaces:request_detail", pk=pk)
    space_request = _request_or_404(request, pk)
    context = _request_context(request, space_request, offer_form=form)
    return render(request, "spaces/request_detail.html", context, status=400)


@login_required
@require_POST
def request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    space_request = _request_or_404(request, pk)
    if not permissions.is_site_staff(request.user, space_request.site_id):
        raise PermissionDenied
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.space_request_decline(space_request=space_request, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            _service_error_to_form(form, exc)
        else:
            messages.success(request, _("The request has been declined and the company told why."))
            return redirect("spaces:request_detail", pk=pk)
    context = _request_context(request, space_request, decline_form=form)
    return render(request, "spaces/request_detail.html", context, status=400)


@login_required
@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    space_request = _request_or_404(request, pk)
    if not permissions.is_company_member(request.user, space_request.company):
        raise PermissionDenied
    try:
        services.space_request_withdraw(space_request=space_request, by=request.user)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Your request has been withdrawn."))
    return redirect("spaces:request_detail", pk=pk)


# --- Allocations ---------------------------------------------------------------------


def _allocation_or_404(request: HttpRequest, pk: int) -> Allocation:
    try:
        return selectors.allocations_visible_to(request.user).select_related("moved_from__space").get(pk=pk)
    except Allocation.DoesNotExist:
        raise Http404 from None


def _allocation_context(request: HttpRequest, allocation: Allocation, **forms) -> dict:
    can_manage = permissions.is_site_staff(request.user, allocation.space.site_id)
    context = {"allocation": allocation, "can_manage": can_manage, "today": timezone.localdate()}
    context["moved_to"] = Allocation.objects.filter(moved_from=allocation).select_related("space").first()
    if can_manage:
        spaces = (
            Space.objects.filter(site_id=allocation.space.site_id, is_active=True)
            .exclude(pk=allocation.space_id)
            .order_by("floor", "code")
        )
        context["end_form"] = forms.get("end_form") or AllocationEndForm(initial={"ends_on": allocation.ends_on})
        context["extend_form"] = forms.get("extend_form") or AllocationExtendForm()
        context["move_form"] = forms.get("move_form") or AllocationMoveForm(spaces=spaces)
    return context


@login_required
@require_GET
def allocation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    allocation = _allocation_or_404(request, pk)
    return render(request, "spaces/allocation_detail.html", _allocation_context(request, allocation))


@login_required
@require_POST
def allocation_change(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """End, extend or move an allocation (staff of its site)."""
    allocation = _allocation_or_404(request, pk)
    if not permissions.is_site_staff(request.user, allocation.space.site_id):
        raise PermissionDenied
    if action == "move":
        spaces = Space.objects.filter(site_id=allocation.space.site_id, is_active=True)
        form = AllocationMoveForm(request.POST, spaces=spaces)
    else:
        form = {"end": AllocationEndForm, "extend": AllocationExtendForm}[action](request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "end":
                result = services.allocation_end(allocation=allocation, ends_on=data["ends_on"], by=request.user)
                messages.success(request, _("The allocation now ends on %(day)s.") % {"day": result.ends_on})
            elif action == "extend":
                result = services.allocation_extend(allocation=allocation, ends_on=data["ends_on"], by=request.user)
                messages.success(request, _("The allocation has been extended."))
            else:
                result = services.allocation_move(
                    allocation=allocation, space=data["space"], on=data["on"], desks=data["desks"], by=request.user
                )
                messages.success(request, _("The company moves to %(space)s.") % {"space": result.space.code})
        except NotAllowed:
            raise PermissionDenied from None
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            _service_error_to_form(form, exc)
        else:
            return redirect("spaces:allocation_detail", pk=result.pk)
    allocation = _allocation_or_404(request, pk)
    context = _allocation_context(request, allocation, **{f"{action}_form": form})
    return render(request, "spaces/allocation_detail.html", context, status=400)

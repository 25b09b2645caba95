"""Portal pages: filings and their events, deadlines, the iCal feed and the district's IP indicators."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from companies.models import Company
from companies.selectors import companies_visible_to
from incubator import permissions
from incubator.errors import ServiceError
from incubator.forms import add_service_errors

from . import ical, presentation, selectors, services
from .choices import EventKind
from .forms import (
    DeadlineFilterForm,
    DocumentForm,
    EventForm,
    FilingForm,
    FilingSearchForm,
    IndicatorsForm,
    WaiveForm,
)
from .models import Deadline, DeadlineFeed, Filing, FilingDocument

FILING_EDIT_FIELDS = [f for f in services.FILING_FIELDS] + ["kind"]


def _filing_or_404(request: HttpRequest, pk: int) -> Filing:
    try:
        return selectors.filing_detail(request.user, pk)
    except Filing.DoesNotExist:
        raise Http404 from None


def _editable_companies(user):
    if permissions.is_district(user) and not permissions.is_centre_staff(user):
        return Company.objects.none()
    return companies_visible_to(user).order_by("name")


def _service_error_to_404(exc: ServiceError) -> None:
    if exc.status == 403:
        raise Http404 from None


# --- Filings -------------------------------------------------------------------------


@login_required
@require_GET
def filing_list(request: HttpRequest) -> HttpResponse:
    form = FilingSearchForm(request.GET or None)
    filings = selectors.filing_list(request.user)
    if form.is_valid():
        if q := form.cleaned_data["q"]:
            filings = filings.filter(
                Q(title__icontains=q)
                | Q(application_number__icontains=q)
                | Q(grant_number__icontains=q)
                | Q(company__name__icontains=q)
            )
        if kind := form.cleaned_data["kind"]:
            filings = filings.filter(kind=kind)
        if status := form.cleaned_data["status"]:
            filings = filings.filter(status=status)
    page = Paginator(filings, 50).get_page(request.GET.get("page"))
    can_create = _editable_companies(request.user).exists()
    return render(request, "patents/filing_list.html", {"form": form, "page": page, "can_create": can_create})


@login_required
@require_http_methods(["GET", "POST"])
def filing_create(request: HttpRequest) -> HttpResponse:
    companies = _editable_companies(request.user)
    if not companies.exists():
        raise PermissionDenied
    initial = {"company": request.GET.get("company")} if request.GET.get("company", "").isdigit() else {}
    form = FilingForm(request.POST or None, companies=companies, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            filing = services.filing_create(
                by=request.user, company=data.pop("company"), kind=data.pop("kind"), title=data.pop("title"), **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The filing has been recorded."))
            return redirect("patents:filing_detail", pk=filing.pk)
    return render(
        request, "patents/filing_form.html", {"form": form, "filing": None}, status=400 if form.errors else 200
    )


def _detail_context(request: HttpRequest, filing: Filing, **forms) -> dict:
    can_edit = services.can_edit_company_ip(request.user, filing.company)
    event_form = forms.get("event_form") or EventForm()
    possible = services.event_kinds_possible(filing)
    event_form.fields["kind"].choices = [(k, EventKind(k).label) for k in possible]
    today = timezone.localdate()
    return {
        "filing": filing,
        "can_edit": can_edit,
        "can_waive": services.can_waive(request.user, filing.company),
        "event_form": event_form,
        "can_record": can_edit and bool(possible),
        "document_form": forms.get("document_form") or DocumentForm(),
        "waive_form": WaiveForm(),
        "today": today,
        "deadlines": [presentation.describe(d, today) for d in filing.deadlines.all()],
        "can_withdraw": can_edit and filing.status in services.WITHDRAWABLE,
    }


@login_required
@require_GET
def filing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    filing = _filing_or_404(request, pk)
    return render(request, "patents/filing_detail.html", _detail_context(request, filing))


@login_required
@require_http_methods(["GET", "POST"])
def filing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    filing = _filing_or_404(request, pk)
    if not services.can_edit_company_ip(request.user, filing.company):
        raise Http404
    form = FilingForm(request.POST or None, instance=Filing.objects.get(pk=filing.pk), editing=True)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in FILING_EDIT_FIELDS and k in form.changed_data}
        try:
            services.filing_update(filing=filing, by=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            _service_error_to_404(exc)
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("The filing has been saved."))
            return redirect("patents:filing_detail", pk=filing.pk)
    return render(
        request, "patents/filing_form.html", {"form": form, "filing": filing}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def filing_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    filing = _filing_or_404(request, pk)
    if not services.can_edit_company_ip(request.user, filing.company):
        raise Http404
    try:
        services.filing_withdraw(filing=filing, by=request.user)
    except ServiceError as exc:
        _service_error_to_404(exc)
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The application has been withdrawn."))
    return redirect("patents:filing_detail", pk=pk)


@login_required
@require_POST
def event_create(request: HttpRequest, pk: int) -> HttpResponse:
    filing = _filing_or_404(request, pk)
    if not services.can_edit_company_ip(request.user, filing.company):
        raise Http404
    form = EventForm(request.POST)
    form.fields["kind"].choices = EventKind.choices
    recorded = False
    if form.is_valid():
        try:
            services.filing_event_record(filing=filing, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except ServiceError as exc:
            _service_error_to_404(exc)
            form.add_error(None, str(exc.message))
        else:
            recorded = True
            messages.success(request, _("Recorded. The deadlines have been updated."))
    if recorded and not request.htmx:
        return redirect("patents:filing_detail", pk=pk)
    filing = _filing_or_404(request, pk)
    context = _detail_context(request, filing, event_form=None if recorded else form)
    if request.htmx:
        return render(request, "patents/includes/record.html", context)
    return render(request, "patents/filing_detail.html", context, status=400)


@login_required
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    filing = _filing_or_404(request, pk)
    if not services.can_edit_company_ip(request.user, filing.company):
        raise Http404
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.filing_document_add(filing=filing, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The document has been added."))
            return redirect("patents:filing_detail", pk=pk)
    context = _detail_context(request, filing, document_form=form)
    return render(request, "patents/filing_detail.html", context, status=400)


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    filing = _filing_or_404(request, pk)
    try:
        document = FilingDocument.objects.get(pk=document_pk, filing=filing)
    except FilingDocument.DoesNotExist:
        raise Http404 from None
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, content_type="application/pdf", as_attachment=True, filename=f"{document.title}.pdf")


# --- Deadlines -----------------------------------------------------------------------


@login_required
@require_GET
def deadline_list(request: HttpRequest) -> HttpResponse:
    """Open deadlines, soonest first. Staff and the district start with the next 90 days."""
    overseer = permissions.is_centre_staff(request.user) or permissions.is_district(request.user)
    data = request.GET.copy()
    if overseer and "within" not in data:
        data["within"] = str(selectors.UPCOMING_DAYS)
    form = DeadlineFilterForm(data)
    within = rule = None
    if form.is_valid():
        within = form.cleaned_data["within"]
        rule = form.cleaned_data["rule"]
    deadlines = selectors.open_deadlines(request.user, within_days=within)
    if rule:
        deadlines = deadlines.filter(rule=rule)
    page = Paginator(deadlines, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [presentation.describe(d, today) for d in page.object_list]
    return render(
        request,
        "patents/deadline_list.html",
        {"form": form, "page": page, "rows": rows, "within": within, "overseer": overseer, "today": today},
    )


@login_required
@require_POST
def deadline_waive(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        deadline = selectors.deadlines_visible_to(request.user).get(pk=pk)
    except Deadline.DoesNotExist:
        raise Http404 from None
    if not services.can_waive(request.user, deadline.filing.company):
        raise Http404
    form = WaiveForm(request.POST)
    if form.is_valid():
        try:
            services.deadline_waive(deadline=deadline, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except ServiceError as exc:
            _service_error_to_404(exc)
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The deadline has been waived."))
    else:
        messages.error(request, _("Say why the deadline is waived."))
    return redirect("patents:filing_detail", pk=deadline.filing_id)


# --- iCal feed -----------------------------------------------------------------------


@login_required
@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    feed_row = services.deadline_feed_obtain(user=request.user)
    url = request.build_absolute_uri(ical.feed_path(feed_row))
    return render(request, "patents/feed.html", {"feed_url": url})


@login_required
@require_POST
def feed_reset(request: HttpRequest) -> HttpResponse:
    services.deadline_feed_reset(user=request.user)
    messages.success(request, _("Your calendar has a new address; the old one no longer works."))
    return redirect("patents:feed")


@require_GET
def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The calendar file itself: the secret address is the key, no sign-in needed."""
    feed_row = DeadlineFeed.objects.select_related("user").filter(token=token).first()
    if feed_row is None or not feed_row.user.is_active:
        raise Http404
    body = ical.render(feed_row.user, selectors.feed_deadlines(feed_row.user))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="ip-deadlines.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- District indicators -------------------------------------------------------------


@login_required
@require_GET
def indicators(request: HttpRequest) -> HttpResponse:
    if not (permissions.is_district(request.user) or permissions.is_centre_staff(request.user)):
        raise PermissionDenied
    today = timezone.localdate()
    data = request.GET if request.GET else {"start": date(today.year, 1, 1), "end": today}
    form = IndicatorsForm(data)
    figures = None
    if form.is_valid():
        figures = selectors.ip_indicators(
            request.user,
            start=form.cleaned_data["start"],
            end=form.cleaned_data["end"],
            population=services.ip_settings_get().district_population,
        )
    return render(
        request, "patents/indicators.html", {"form": form, "figures": figures}, status=200 if figures else 400
    )

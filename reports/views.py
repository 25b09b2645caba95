"""Portal pages under /district/: the indicators dashboard, a centre manager's dashboard per
site, and the exports (request, progress, download).

The district role and superusers see everything; centre staff their sites; makers find
nothing here (404), and the anonymous are asked to sign in.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from incubator.errors import ServiceError
from incubator.forms import add_service_errors
from incubator.models import Site

from . import indicators, presentation, selectors, services
from .choices import PeriodKind
from .forms import DashboardForm, ExportRequestForm
from .models import ReportExport

EXPORTS_PER_PAGE = 25


def _require_reports(request: HttpRequest) -> None:
    if not selectors.can_use_reports(request.user):
        raise Http404


def _export_or_404(request: HttpRequest, pk: int) -> ReportExport:
    try:
        return selectors.exports_visible_to(request.user).get(pk=pk)
    except ReportExport.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_reports(request)
    data = request.GET if request.GET else {"period": PeriodKind.MONTH}
    form = DashboardForm(data, user=request.user)
    context: dict = {"form": form}
    if not form.is_valid():
        return render(request, "reports/dashboard.html", context, status=400)
    start, end, site = form.cleaned_data["start"], form.cleaned_data["end"], form.cleaned_data["site"]
    previous_start, previous_end = form.cleaned_data["previous_start"], form.cleaned_data["previous_end"]
    current = indicators.compute(user=request.user, start=start, end=end, site=site)
    previous = indicators.compute(user=request.user, start=previous_start, end=previous_end, site=site)
    export_query = {"start": start.isoformat(), "end": end.isoformat()}
    if site is not None:
        export_query["site"] = site.pk
    context.update(
        {
            "snapshot": current,
            "start": start,
            "end": end,
            "site": site,
            "previous_start": previous_start,
            "previous_end": previous_end,
            "sections": presentation.trend_sections(current, previous),
            "charts": presentation.site_charts(current),
            "export_query": urlencode(export_query),
            "sites": list(selectors.report_sites_for(request.user)) if site is None else [],
        }
    )
    return render(request, "reports/dashboard.html", context)


@login_required
@require_GET
def site_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reports(request)
    try:
        site = selectors.report_sites_for(request.user).get(pk=pk)
    except Site.DoesNotExist:
        raise Http404 from None
    overview = selectors.site_overview(request.user, site)
    return render(request, "reports/site_dashboard.html", {"overview": overview, "site": site})


@login_required
@require_http_methods(["GET", "POST"])
def export_list(request: HttpRequest) -> HttpResponse:
    _require_reports(request)
    status = 200
    if request.method == "POST":
        form = ExportRequestForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.export_request(
                    user=request.user,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                    site=form.cleaned_data["site"],
                    file_format=form.cleaned_data["file_format"],
                )
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The report has been requested; it appears below when it is ready."))
                return redirect("reports:export_list")
        status = 400
    else:
        initial = ExportRequestForm.default_initial()
        initial.update({k: v for k, v in request.GET.items() if k in ("start", "end", "site", "file_format")})
        form = ExportRequestForm(initial=initial, user=request.user)
    exports = selectors.exports_visible_to(request.user).order_by("-created_at", "-id")
    page = Paginator(exports, EXPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reports/export_list.html", {"form": form, "page": page}, status=status)


@login_required
@require_GET
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    """One export's row, which the list polls while the export is queued or running."""
    _require_reports(request)
    export = _export_or_404(request, pk)
    return render(request, "reports/includes/export_row.html", {"export": export})


@login_required
@require_POST
def export_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reports(request)
    export = _export_or_404(request, pk)
    try:
        services.export_regenerate(user=request.user, export=export)
    except ServiceError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The report is being produced again."))
    return redirect("reports:export_list")


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    _require_reports(request)
    export = _export_or_404(request, pk)
    if not export.is_done:
        raise Http404
    try:
        handle = export.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    return FileResponse(
        handle, content_type=services.content_type_of(export), as_attachment=True, filename=export.download_name
    )

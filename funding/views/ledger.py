"""A company's funding ledger and the district's totals."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from companies.models import Company

from .. import selectors
from ..forms import (
    TotalsForm,
)

# --- Ledger and totals ---------------------------------------------------------------


@login_required
@require_GET
def ledger(request: HttpRequest, company_pk: int) -> HttpResponse:
    try:
        company_ledger = selectors.company_ledger(request.user, company_pk)
    except Company.DoesNotExist:
        raise Http404 from None
    return render(request, "funding/ledger.html", {"ledger": company_ledger, "company": company_ledger.company})


@login_required
@require_GET
def totals(request: HttpRequest) -> HttpResponse:
    if not selectors.can_read_totals(request.user):
        raise PermissionDenied
    form = TotalsForm(request.GET or None)
    year = form.cleaned_data["year"] if form.is_valid() else None
    return render(
        request,
        "funding/totals.html",
        {"totals": selectors.funding_totals(request.user, year=year), "form": form, "year": year},
    )

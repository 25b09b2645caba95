"""Who may act, the audit trail and amounts: what every funding service shares."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from companies.services import company_current_site_id
from incubator import permissions
from incubator.errors import NotAllowed
from incubator.models import Site, User

from ..models import (
    FundingApplication,
)

CENT = Decimal("0.01")


# --- Who may act ---------------------------------------------------------------------


def _require(condition: bool) -> None:
    if not condition:
        raise NotAllowed()


def _require_funding_officer(user: User, site: Site | int | None = None) -> None:
    """Centre staff; for a company's affairs, staff of the company's site."""
    _require(permissions.is_site_staff(user, site) if site is not None else permissions.is_centre_staff(user))


def _require_company_side(user: User, company: Company) -> None:
    """A member of the company, or a funding officer of its site acting for it."""
    _require(
        permissions.is_company_member(user, company)
        or permissions.is_site_staff(user, company_current_site_id(company))
    )


def _application_site_id(application: FundingApplication) -> int | None:
    return application.site_id or company_current_site_id(application.company)


def _audited(instance, by: User | None, reason: str = ""):
    """Name the author (and why) on the history row the next save writes."""
    instance._history_user = by
    if reason:
        instance._change_reason = reason
    return instance


def _money(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: _("Enter an amount in yuan.")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("Enter an amount in yuan.")})
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)

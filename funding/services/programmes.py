"""Programmes: publishing them and keeping their budget above what has been approved."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from companies.choices import DesignationKind
from incubator.errors import Conflict
from incubator.models import User

from ..choices import ApplicationStatus
from ..models import (
    Programme,
)
from ._common import (
    _audited,
    _money,
    _require_funding_officer,
)

# --- Programmes ----------------------------------------------------------------------

PROGRAMME_FIELDS = (
    "name",
    "name_en",
    "level",
    "kind",
    "funder",
    "period_label",
    "period_start_year",
    "period_end_year",
    "budget",
    "annual_budget",
    "min_award",
    "max_award",
    "requires_residency",
    "required_designations",
    "opens_on",
    "closes_on",
    "description",
    "is_active",
)
_MONEY_FIELDS = ("budget", "annual_budget", "min_award", "max_award")


def _clean_designations(kinds: Any) -> list[str]:
    if kinds in (None, ""):
        return []
    if not isinstance(kinds, list | tuple) or not all(isinstance(k, str) for k in kinds):
        raise ValidationError({"required_designations": _("Give a list of designations.")})
    unknown = set(kinds) - set(DesignationKind.values)
    if unknown:
        raise ValidationError({"required_designations": _("Unknown designation.")})
    return [k for k in DesignationKind.values if k in kinds]


def _set_programme_fields(programme: Programme, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(PROGRAMME_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    for name, value in fields.items():
        if name in _MONEY_FIELDS and value is not None:
            value = _money(value, name)
        elif name == "required_designations":
            value = _clean_designations(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(programme, name, value)
    errors = {}
    if programme.max_award is not None and programme.budget is not None and programme.max_award > programme.budget:
        errors["max_award"] = _("The largest award cannot exceed the budget.")
    if (
        programme.annual_budget is not None
        and programme.budget is not None
        and programme.annual_budget > programme.budget
    ):
        errors["annual_budget"] = _("The budget per year cannot exceed the total budget.")
    if (
        programme.min_award is not None
        and programme.max_award is not None
        and programme.min_award > programme.max_award
    ):
        errors["min_award"] = _("The smallest award cannot exceed the largest.")
    if programme.opens_on and programme.closes_on and programme.opens_on > programme.closes_on:
        errors["closes_on"] = _("A programme closes after it opens.")
    if (
        programme.period_start_year
        and programme.period_end_year
        and programme.period_start_year > programme.period_end_year
    ):
        errors["period_end_year"] = _("The last year comes after the first.")
    if errors:
        raise ValidationError(errors)


def programme_create(*, by: User, **fields: Any) -> Programme:
    """Funding officers publish a programme."""
    _require_funding_officer(by)
    programme = Programme()
    _set_programme_fields(programme, fields)
    programme.full_clean()
    _audited(programme, by, "created")
    programme.save()
    return programme


def programme_update(*, programme: Programme, by: User, **fields: Any) -> Programme:
    """Change a programme. Its budget never drops below what has been approved from it."""
    _require_funding_officer(by)
    with transaction.atomic():
        programme = _lock_programme(programme.pk)
        _set_programme_fields(programme, fields)
        if programme.budget is not None and programme.budget < programme.approved_total:
            raise Conflict(
                _("The budget cannot be less than the %(approved)s yuan already approved.")
                % {"approved": f"{programme.approved_total:,.2f}"},
                code="budget_below_approved",
                field="budget",
            )
        if programme.annual_budget is not None:
            busiest = (
                programme.applications.filter(status=ApplicationStatus.APPROVED)
                .values("budget_year")
                .annotate(total=Sum("approved_amount"))
                .order_by("-total")
                .first()
            )
            if busiest and busiest["total"] > programme.annual_budget:
                raise Conflict(
                    _("%(year)s already has %(approved)s yuan approved, more than this budget per year.")
                    % {"year": busiest["budget_year"], "approved": f"{busiest['total']:,.2f}"},
                    code="budget_below_approved",
                    field="annual_budget",
                )
        programme.full_clean()
        _audited(programme, by, "updated")
        programme.save()
    return programme


def _lock_programme(pk: int) -> Programme:
    """The programme row, locked until the transaction ends.

    Every approval takes this lock before it reads how much of the budget is left, so two
    officers approving at the same moment queue here instead of both seeing the same
    remainder (on SQLite the IMMEDIATE transaction already serialises writers).
    """
    return Programme.objects.select_for_update().get(pk=pk)

"""Tranches of approved awards, never more than the amount approved."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incubator.errors import Conflict, InvalidTransition
from incubator.models import User

from ..choices import ApplicationStatus
from ..models import (
    Disbursement,
    FundingApplication,
)
from ._common import (
    _application_site_id,
    _audited,
    _money,
    _require_funding_officer,
)
from .applications import _lock_application

# --- Disbursements -------------------------------------------------------------------


def disbursement_schedule(
    *,
    application: FundingApplication,
    by: User,
    amount: Any,
    due_on: date,
    note: str = "",
    paid_on: date | None = None,
    reference: str = "",
) -> Disbursement:
    """Plan a tranche of an approved award (or record one already paid). The tranches
    never add up to more than the amount approved."""
    _require_funding_officer(by, _application_site_id(application))
    amount = _money(amount, "amount")
    if amount <= 0:
        raise ValidationError({"amount": _("Enter an amount greater than zero.")})
    _check_paid_on(paid_on)
    with transaction.atomic():
        application = _lock_application(application)
        if application.status != ApplicationStatus.APPROVED:
            raise InvalidTransition(_("Only an approved award is disbursed."))
        scheduled = application.disbursements.aggregate(total=Sum("amount"))["total"] or Decimal("0")
        if scheduled + amount > application.approved_amount:
            raise Conflict(
                _("The tranches would add up to more than the %(approved)s yuan approved; %(left)s yuan are left.")
                % {
                    "approved": f"{application.approved_amount:,.2f}",
                    "left": f"{application.approved_amount - scheduled:,.2f}",
                },
                code="over_award",
                field="amount",
            )
        disbursement = Disbursement(
            application=application,
            amount=amount,
            due_on=due_on,
            paid_on=paid_on,
            reference=(reference or "").strip(),
            note=(note or "").strip(),
            recorded_by=by,
        )
        disbursement.full_clean()
        _audited(disbursement, by, "paid" if paid_on else "scheduled")
        disbursement.save()
    return disbursement


def _check_paid_on(paid_on: date | None) -> None:
    if paid_on is not None and paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("A payment cannot be recorded before it happens.")})


def disbursement_mark_paid(*, disbursement: Disbursement, by: User, paid_on: date, reference: str = "") -> Disbursement:
    """Record that a tranche has been paid."""
    _require_funding_officer(by, _application_site_id(disbursement.application))
    _check_paid_on(paid_on)
    with transaction.atomic():
        disbursement = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
        if disbursement.paid_on is not None:
            raise InvalidTransition(_("This tranche has already been paid."), code="already_paid")
        disbursement.paid_on = paid_on
        disbursement.reference = (reference or "").strip()
        disbursement.full_clean()
        _audited(disbursement, by, "paid")
        disbursement.save(update_fields=["paid_on", "reference"])
    return disbursement


def disbursement_cancel(*, disbursement: Disbursement, by: User) -> None:
    """Remove a planned tranche; a paid one stays on the record."""
    _require_funding_officer(by, _application_site_id(disbursement.application))
    with transaction.atomic():
        disbursement = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
        if disbursement.paid_on is not None:
            raise InvalidTransition(_("A paid tranche cannot be removed."), code="already_paid")
        _audited(disbursement, by, "cancelled")
        disbursement.delete()

"""Filings and their documents."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from incubator.errors import Conflict, InvalidTransition
from incubator.models import User

from ..choices import (
    PENDING_STATUSES,
    FilingKind,
    FilingStatus,
)
from ..models import Filing, FilingDocument
from .common import _require, can_edit_company_ip
from .deadlines import filing_deadlines_recompute

FILING_FIELDS = (
    "title",
    "application_number",
    "filing_date",
    "priority_date",
    "publication_date",
    "grant_date",
    "grant_number",
    "nice_classes",
    "ipc_class",
    "inventors",
    "agency",
    "agent",
    "fee_reduction",
    "annuities_paid_through",
    "notes",
)


def initial_status(filing: Filing) -> str:
    if filing.grant_date:
        return FilingStatus.GRANTED
    if filing.publication_date and filing.kind == FilingKind.INVENTION:
        return FilingStatus.PUBLISHED
    if filing.filing_date:
        return FilingStatus.FILED
    return FilingStatus.DRAFT


def _save(filing: Filing) -> Filing:
    # clean() gives each check constraint its message; the unique number is answered as a conflict.
    filing.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            filing.save()
    except IntegrityError:
        raise Conflict(_("Another filing of this kind has this application number."), code="duplicate_number") from None
    return filing


def filing_create(
    *, by: User, company: Company, kind: str, title: str, status: str | None = None, **fields: Any
) -> Filing:
    """Record a filing. Without a status it follows from the dates: granted with a grant
    date, filed with a filing date, else a draft. An existing portfolio may be recorded in
    any status."""
    _require(can_edit_company_ip(by, company))
    unknown = set(fields) - set(FILING_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set here.") for name in unknown})
    filing = Filing(company=company, kind=kind, title=title, created_by=by)
    for name, value in fields.items():
        setattr(filing, name, _clean_value(name, value))
    filing.status = status or initial_status(filing)
    with transaction.atomic():
        _save(filing)
        filing_deadlines_recompute(filing=filing)
    return filing


def _clean_value(name: str, value: Any) -> Any:
    if name in ("nice_classes", "inventors"):
        return list(value or [])
    if name in ("title", "application_number", "grant_number", "ipc_class", "agency", "agent", "notes"):
        return (value or "").strip()
    return value


def filing_update(*, filing: Filing, by: User, **fields: Any) -> Filing:
    """Correct a filing's facts; its deadlines follow. The kind changes only while it is a draft."""
    _require(can_edit_company_ip(by, filing.company))
    allowed = set(FILING_FIELDS) | {"kind"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    with transaction.atomic():
        filing = Filing.objects.select_for_update().select_related("company").get(pk=filing.pk)
        if "kind" in fields and fields["kind"] != filing.kind and filing.status != FilingStatus.DRAFT:
            raise ValidationError({"kind": _("The kind of a filed application cannot change.")})
        for name, value in fields.items():
            setattr(filing, name, _clean_value(name, value))
        if filing.status == FilingStatus.DRAFT and filing.filing_date:
            filing.status = initial_status(filing)
        _save(filing)
        filing_deadlines_recompute(filing=filing)
    return filing


WITHDRAWABLE = PENDING_STATUSES | {FilingStatus.REJECTED}


def filing_withdraw(*, filing: Filing, by: User) -> Filing:
    """The company withdraws a pending application (or gives up a rejected one)."""
    _require(can_edit_company_ip(by, filing.company))
    with transaction.atomic():
        filing = Filing.objects.select_for_update().select_related("company").get(pk=filing.pk)
        if filing.status not in WITHDRAWABLE:
            raise InvalidTransition(_("Only a pending or rejected application can be withdrawn."))
        filing.status = FilingStatus.WITHDRAWN
        filing.save(update_fields=["status"])
        filing_deadlines_recompute(filing=filing)
    return filing


def filing_delete(*, filing: Filing, by: User) -> None:
    """A draft may be deleted; anything filed stays, for the record."""
    _require(can_edit_company_ip(by, filing.company))
    with transaction.atomic():
        filing = Filing.objects.select_for_update().get(pk=filing.pk)
        if filing.status != FilingStatus.DRAFT:
            raise InvalidTransition(_("Only a draft can be deleted; withdraw a filed application instead."))
        filing.delete()


# --- Documents -----------------------------------------------------------------------


def filing_document_add(*, filing: Filing, by: User, title: str, file) -> FilingDocument:
    _require(can_edit_company_ip(by, filing.company))
    document = FilingDocument(filing=filing, title=(title or "").strip(), file=file, uploaded_by=by)
    document.full_clean()
    document.save()
    return document


def filing_document_delete(*, document: FilingDocument, by: User) -> None:
    _require(can_edit_company_ip(by, document.filing.company))
    document.file.delete(save=False)
    document.delete()

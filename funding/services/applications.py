"""Applications from draft to decision, their documents, and the budget under concurrent approvals."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.choices import MemberRole
from companies.models import Company, Membership
from companies.services import company_current_site_id
from incubator import permissions
from incubator.errors import Conflict, InvalidTransition
from incubator.models import User
from incubator.services import notification_enqueue

from ..choices import LIVE_APPLICATION_STATUSES, ApplicationStatus
from ..eligibility import eligibility_problems
from ..models import (
    ApplicationDocument,
    FundingApplication,
    Programme,
)
from ._common import (
    _application_site_id,
    _audited,
    _money,
    _require,
    _require_company_side,
    _require_funding_officer,
)
from .programmes import _lock_programme

MAX_DOCUMENTS = 10


# --- Applications --------------------------------------------------------------------


def _check_can_apply(*, programme: Programme, company: Company, requested_amount: Decimal, today: date) -> None:
    if not programme.is_open_on(today):
        raise Conflict(_("This programme is not taking applications."), code="programme_closed")
    problems = eligibility_problems(programme=programme, company=company, today=today)
    if problems:
        raise Conflict(" ".join(str(p) for p in problems), code="not_eligible")
    _check_within_limits(programme=programme, amount=requested_amount, field="requested_amount")


def _check_within_limits(*, programme: Programme, amount: Decimal, field: str) -> None:
    if amount <= 0:
        raise ValidationError({field: _("Enter an amount greater than zero.")})
    if programme.min_award is not None and amount < programme.min_award:
        raise ValidationError(
            {field: _("The programme awards at least %(min)s yuan.") % {"min": f"{programme.min_award:,.2f}"}}
        )
    if programme.max_award is not None and amount > programme.max_award:
        raise ValidationError(
            {field: _("The programme awards at most %(max)s yuan.") % {"max": f"{programme.max_award:,.2f}"}}
        )


def application_create(
    *,
    company: Company,
    programme: Programme,
    by: User,
    requested_amount: Any,
    purpose: str,
    documents: list[tuple[str, Any]] | tuple = (),
    submit: bool = False,
    today: date | None = None,
) -> FundingApplication:
    """A company applies to a programme: a draft, or sent at once with `submit=True`;
    `documents` are (title, PDF file) pairs attached in the same transaction.

    Refused when the programme is closed, the company is not eligible, or the amount is
    outside the programme's limits; one application in play per company and programme.
    """
    _require_company_side(by, company)
    today = today or timezone.localdate()
    amount = _money(requested_amount, "requested_amount")
    application = FundingApplication(
        company=company,
        programme=programme,
        site_id=company_current_site_id(company),
        applicant=by,
        requested_amount=amount,
        purpose=(purpose or "").strip(),
    )
    application.full_clean(validate_constraints=False)
    _check_can_apply(programme=programme, company=company, requested_amount=amount, today=today)
    with transaction.atomic():
        Company.objects.select_for_update().get(pk=company.pk)
        if FundingApplication.objects.filter(
            company=company, programme=programme, status__in=LIVE_APPLICATION_STATUSES
        ).exists():
            raise Conflict(
                _("The company already has an application to this programme in progress."),
                code="duplicate_application",
            )
        if submit:
            application.status = ApplicationStatus.SUBMITTED
            application.submitted_at = timezone.now()
        _audited(application, by, "submitted" if submit else "created")
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError:
            raise Conflict(
                _("The company already has an application to this programme in progress."),
                code="duplicate_application",
            ) from None
        if len(documents) > MAX_DOCUMENTS:
            raise _too_many_documents()
        for title, file in documents:
            _attach(application, by, title, file)
    return application


def _too_many_documents() -> Conflict:
    return Conflict(
        _("An application holds at most %(n)s documents.") % {"n": MAX_DOCUMENTS}, code="too_many_documents"
    )


def _attach(application: FundingApplication, by: User, title: str, file) -> ApplicationDocument:
    document = ApplicationDocument(
        application=application,
        title=((title or "").strip() or getattr(file, "name", "") or "document")[:200],
        file=file,
        uploaded_by=by,
    )
    document.full_clean()
    document.save()
    return document


def _lock_application(application: FundingApplication) -> FundingApplication:
    return (
        FundingApplication.objects.select_for_update(of=("self",))
        .select_related("company", "programme")
        .get(pk=application.pk)
    )


def application_update(
    *, application: FundingApplication, by: User, requested_amount: Any = None, purpose: str | None = None
) -> FundingApplication:
    """Change a draft."""
    _require_company_side(by, application.company)
    with transaction.atomic():
        application = _lock_application(application)
        if application.status != ApplicationStatus.DRAFT:
            raise InvalidTransition(_("Only a draft can be changed."))
        if requested_amount is not None:
            application.requested_amount = _money(requested_amount, "requested_amount")
            _check_within_limits(
                programme=application.programme, amount=application.requested_amount, field="requested_amount"
            )
        if purpose is not None:
            application.purpose = purpose.strip()
        application.full_clean(validate_constraints=False)
        _audited(application, by, "updated")
        application.save()
    return application


def application_submit(*, application: FundingApplication, by: User, today: date | None = None) -> FundingApplication:
    """Send a draft to the funding officers; the programme must still be open to the company."""
    _require_company_side(by, application.company)
    today = today or timezone.localdate()
    with transaction.atomic():
        application = _lock_application(application)
        if application.status != ApplicationStatus.DRAFT:
            raise InvalidTransition(_("Only a draft can be submitted."))
        _check_can_apply(
            programme=application.programme,
            company=application.company,
            requested_amount=application.requested_amount,
            today=today,
        )
        application.status = ApplicationStatus.SUBMITTED
        application.submitted_at = timezone.now()
        _audited(application, by, "submitted")
        application.save(update_fields=["status", "submitted_at"])
    return application


def application_withdraw(*, application: FundingApplication, by: User) -> FundingApplication:
    """The company takes back an application that has not been decided."""
    _require(permissions.is_company_member(by, application.company))
    with transaction.atomic():
        application = _lock_application(application)
        if application.status not in LIVE_APPLICATION_STATUSES:
            raise InvalidTransition(_("Only an application that has not been decided can be withdrawn."))
        application.status = ApplicationStatus.WITHDRAWN
        _audited(application, by, "withdrawn")
        application.save(update_fields=["status"])
    return application


def application_start_review(*, application: FundingApplication, by: User) -> FundingApplication:
    _require_funding_officer(by, _application_site_id(application))
    with transaction.atomic():
        application = _lock_application(application)
        if application.status != ApplicationStatus.SUBMITTED:
            raise InvalidTransition(_("Only a submitted application can be taken into review."))
        application.status = ApplicationStatus.UNDER_REVIEW
        _audited(application, by, "review started")
        application.save(update_fields=["status"])
    return application


def _approved_in_year(programme: Programme, year: int) -> Decimal:
    total = programme.applications.filter(status=ApplicationStatus.APPROVED, budget_year=year).aggregate(
        total=Sum("approved_amount")
    )["total"]
    return total or Decimal("0")


def _budget_left(programme: Programme, year: int) -> Decimal:
    """What may still be approved from the programme in `year`; read under the programme's lock."""
    left = programme.budget - programme.approved_total
    if programme.annual_budget is not None:
        left = min(left, programme.annual_budget - _approved_in_year(programme, year))
    return left


def _over_budget(left: Decimal) -> Conflict:
    return Conflict(
        _("Approving this would exceed the programme's budget: %(left)s yuan are left.")
        % {"left": f"{max(left, Decimal('0')):,.2f}"},
        code="over_budget",
        field="approved_amount",
    )


def application_approve(
    *, application: FundingApplication, by: User, approved_amount: Any = None, note: str = ""
) -> FundingApplication:
    """Award an application under review, at most the amount requested.

    The sum approved from a programme never exceeds its budget (nor, for a yearly
    programme, its budget for the year): the programme row is locked first, the remainder
    read under the lock, and a check constraint on the programme's running total refuses
    an overrun that slipped past anyway. An overrun answers `over_budget`.
    """
    _require_funding_officer(by, _application_site_id(application))
    note = (note or "").strip()
    with transaction.atomic():
        programme = _lock_programme(application.programme_id)
        application = _lock_application(application)
        if application.status != ApplicationStatus.UNDER_REVIEW:
            raise InvalidTransition(_("Only an application under review can be approved."))
        amount = application.requested_amount if approved_amount is None else _money(approved_amount, "approved_amount")
        if amount > application.requested_amount:
            raise ValidationError({"approved_amount": _("The award cannot be more than the amount requested.")})
        _check_within_limits(programme=programme, amount=amount, field="approved_amount")
        now = timezone.now()
        year = timezone.localdate(now).year
        left = _budget_left(programme, year)
        if amount > left:
            raise _over_budget(left)
        application.status = ApplicationStatus.APPROVED
        application.approved_amount = amount
        application.budget_year = year
        application.decided_by = by
        application.decided_at = now
        application.decision_note = note
        _audited(application, by, "approved")
        try:
            with transaction.atomic():
                application.save(
                    update_fields=[
                        "status",
                        "approved_amount",
                        "budget_year",
                        "decided_by",
                        "decided_at",
                        "decision_note",
                    ]
                )
                Programme.objects.filter(pk=programme.pk).update(approved_total=F("approved_total") + amount)
        except IntegrityError:
            # The running total's check constraint: the budget was used up concurrently.
            programme.refresh_from_db(fields=["approved_total"])
            raise _over_budget(programme.budget - programme.approved_total) from None
        _notify_decision(application, "approved")
    return application


def application_record_award(
    *,
    company: Company,
    programme: Programme,
    by: User,
    amount: Any,
    decided_on: date,
    purpose: str,
    note: str = "",
) -> FundingApplication:
    """Enter an award decided before these records were kept (say, a 2014 innovation fund),
    so that the company's ledger and the programme's budget are complete. It counts against
    the budget like any approval, in the year it was decided."""
    _require_funding_officer(by, company_current_site_id(company))
    amount = _money(amount, "amount")
    if amount <= 0:
        raise ValidationError({"amount": _("Enter an amount greater than zero.")})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("Record an award once it has been decided.")})
    decided_at = timezone.make_aware(datetime.combine(decided_on, time(9, 0)))
    with transaction.atomic():
        programme = _lock_programme(programme.pk)
        left = _budget_left(programme, decided_on.year)
        if amount > left:
            raise _over_budget(left)
        application = FundingApplication(
            company=company,
            programme=programme,
            site_id=company_current_site_id(company),
            applicant=by,
            requested_amount=amount,
            purpose=(purpose or "").strip(),
            status=ApplicationStatus.APPROVED,
            approved_amount=amount,
            budget_year=decided_on.year,
            submitted_at=decided_at,
            decided_at=decided_at,
            decided_by=by,
            decision_note=(note or "").strip(),
        )
        application.full_clean()
        _audited(application, by, "past award recorded")
        application.save()
        Programme.objects.filter(pk=programme.pk).update(approved_total=F("approved_total") + amount)
    return application


def application_reject(*, application: FundingApplication, by: User, note: str) -> FundingApplication:
    """Turn an application down, telling the company why."""
    _require_funding_officer(by, _application_site_id(application))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Give the company a reason.")})
    with transaction.atomic():
        application = _lock_application(application)
        if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW):
            raise InvalidTransition(_("Only a submitted application can be rejected."))
        application.status = ApplicationStatus.REJECTED
        application.decided_by = by
        application.decided_at = timezone.now()
        application.decision_note = note[:2000]
        _audited(application, by, "rejected")
        application.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        _notify_decision(application, "rejected")
    return application


def _company_owners(company: Company) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(company=company, role=MemberRole.OWNER, user__is_active=True).select_related(
            "user"
        )
    ]


def _notify_decision(application: FundingApplication, outcome: str) -> None:
    recipients = {u.pk: u for u in _company_owners(application.company)}
    applicant = application.applicant
    if (
        applicant
        and applicant.is_active
        and applicant.pk not in recipients
        and permissions.is_company_member(applicant, application.company)
    ):
        recipients[applicant.pk] = applicant
    for recipient in recipients.values():
        notification_enqueue(
            recipient=recipient,
            kind=f"funding.application_{outcome}",
            dedupe_key=f"funding-application:{application.pk}:{outcome}:{recipient.pk}",
            context={"application": application, "programme": application.programme, "company": application.company},
        )


def application_document_add(*, application: FundingApplication, by: User, title: str, file) -> ApplicationDocument:
    """Attach a PDF (checked by its content and size) to an application not yet decided."""
    _require_company_side(by, application.company)
    with transaction.atomic():
        application = _lock_application(application)
        if application.status not in LIVE_APPLICATION_STATUSES:
            raise InvalidTransition(_("Documents can be added until the application is decided."))
        if application.documents.count() >= MAX_DOCUMENTS:
            raise _too_many_documents()
        return _attach(application, by, title, file)


def application_document_remove(*, document: ApplicationDocument, by: User) -> None:
    application = document.application
    _require_company_side(by, application.company)
    with transaction.atomic():
        application = _lock_application(application)
        if application.status != ApplicationStatus.DRAFT:
            raise InvalidTransition(_("Documents can only be removed from a draft."))
        document.file.delete(save=False)
        document.delete()

"""Every write of the funding app.

Services check who may act (`NotAllowed`), which state changes are possible
(`InvalidTransition`), the money rules (`Conflict` with a stable code) and the field rules
(`ValidationError`); the portal, the API, the admin and the tasks all come through here.
Each service leaves its author on the history record it writes (`_history_user`), so an
API call authenticated by token is audited like a page the officer clicked.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.choices import DesignationKind, MemberRole, Sector
from companies.models import Company, Membership
from companies.services import company_current_site_id
from incubator import permissions
from incubator.errors import Conflict, InvalidTransition, NotAllowed
from incubator.models import Site, User
from incubator.services import notification_enqueue

from .choices import (
    LIVE_APPLICATION_STATUSES,
    ApplicationStatus,
    IntroductionStatus,
    InvestmentRound,
)
from .eligibility import eligibility_problems
from .models import (
    ApplicationDocument,
    Disbursement,
    FundingApplication,
    Introduction,
    Investment,
    Programme,
    Sponsor,
    SponsorContact,
)

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
MAX_DOCUMENTS = 10


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


# --- Sponsors ------------------------------------------------------------------------

SPONSOR_FIELDS = (
    "name",
    "name_en",
    "kind",
    "focus_sectors",
    "ticket_min",
    "ticket_max",
    "website",
    "description",
    "is_active",
)


def _clean_sectors(sectors: Any) -> list[str]:
    if sectors in (None, ""):
        return []
    if not isinstance(sectors, list | tuple) or not all(isinstance(s, str) for s in sectors):
        raise ValidationError({"focus_sectors": _("Give a list of sectors.")})
    if set(sectors) - set(Sector.values):
        raise ValidationError({"focus_sectors": _("Unknown sector.")})
    return [s for s in Sector.values if s in sectors]


def _set_sponsor_fields(sponsor: Sponsor, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(SPONSOR_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    for name, value in fields.items():
        if name in ("ticket_min", "ticket_max") and value is not None:
            value = _money(value, name)
        elif name == "focus_sectors":
            value = _clean_sectors(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(sponsor, name, value)
    if sponsor.ticket_min is not None and sponsor.ticket_max is not None and sponsor.ticket_min > sponsor.ticket_max:
        raise ValidationError({"ticket_max": _("The largest ticket cannot be smaller than the smallest.")})


def sponsor_create(*, by: User, **fields: Any) -> Sponsor:
    _require_funding_officer(by)
    sponsor = Sponsor()
    _set_sponsor_fields(sponsor, fields)
    sponsor.full_clean()
    _audited(sponsor, by, "created")
    sponsor.save()
    return sponsor


def sponsor_update(*, sponsor: Sponsor, by: User, **fields: Any) -> Sponsor:
    _require_funding_officer(by)
    with transaction.atomic():
        sponsor = Sponsor.objects.select_for_update().get(pk=sponsor.pk)
        _set_sponsor_fields(sponsor, fields)
        sponsor.full_clean()
        _audited(sponsor, by, "updated")
        sponsor.save()
    return sponsor


def sponsor_contact_add(
    *, sponsor: Sponsor, by: User, name: str, title: str = "", email: str = "", phone: str = ""
) -> SponsorContact:
    _require_funding_officer(by)
    contact = SponsorContact(
        sponsor=sponsor, name=name.strip(), title=title.strip(), email=email.strip(), phone=phone.strip()
    )
    contact.full_clean()
    _audited(contact, by, "created")
    contact.save()
    return contact


# --- Introductions -------------------------------------------------------------------

LIVE_INTRODUCTION_STATUSES = (
    IntroductionStatus.REQUESTED,
    IntroductionStatus.INTRODUCED,
    IntroductionStatus.MEETING_HELD,
    IntroductionStatus.TERM_SHEET,
    IntroductionStatus.DORMANT,
)
INTRODUCTION_TRANSITIONS = {
    IntroductionStatus.REQUESTED: {IntroductionStatus.INTRODUCED, IntroductionStatus.DECLINED},
    IntroductionStatus.INTRODUCED: {
        IntroductionStatus.MEETING_HELD,
        IntroductionStatus.DECLINED,
        IntroductionStatus.DORMANT,
    },
    IntroductionStatus.MEETING_HELD: {
        IntroductionStatus.TERM_SHEET,
        IntroductionStatus.INVESTED,
        IntroductionStatus.DECLINED,
        IntroductionStatus.DORMANT,
    },
    IntroductionStatus.TERM_SHEET: {
        IntroductionStatus.INVESTED,
        IntroductionStatus.DECLINED,
        IntroductionStatus.DORMANT,
    },
    IntroductionStatus.DORMANT: {
        IntroductionStatus.INTRODUCED,
        IntroductionStatus.MEETING_HELD,
        IntroductionStatus.TERM_SHEET,
        IntroductionStatus.DECLINED,
    },
    IntroductionStatus.INVESTED: set(),
    IntroductionStatus.DECLINED: set(),
}
_INTRODUCTION_DATE_FIELD = {
    IntroductionStatus.INTRODUCED: "introduced_on",
    IntroductionStatus.MEETING_HELD: "meeting_on",
    IntroductionStatus.TERM_SHEET: "term_sheet_on",
    IntroductionStatus.INVESTED: "closed_on",
    IntroductionStatus.DECLINED: "closed_on",
}


def introduction_request(*, company: Company, sponsor: Sponsor, by: User, message: str = "") -> Introduction:
    """A company (or staff for it) asks the centre for an introduction to a sponsor; the
    funding officers of its site hear of it."""
    _require_company_side(by, company)
    if not sponsor.is_active:
        raise ValidationError({"sponsor": _("This sponsor is no longer on the centre's list.")})
    introduction = Introduction(company=company, sponsor=sponsor, requested_by=by, message=(message or "").strip())
    introduction.full_clean(validate_constraints=False)
    with transaction.atomic():
        Company.objects.select_for_update().get(pk=company.pk)
        if Introduction.objects.filter(
            company=company, sponsor=sponsor, status__in=LIVE_INTRODUCTION_STATUSES
        ).exists():
            raise Conflict(
                _("The company already has an introduction to this sponsor in progress."),
                code="duplicate_introduction",
            )
        _audited(introduction, by, "requested")
        introduction.save()
        from companies.selectors import staff_for_company

        for recipient in staff_for_company(company):
            if recipient.pk == by.pk:
                continue
            notification_enqueue(
                recipient=recipient,
                kind="funding.introduction_requested",
                dedupe_key=f"introduction:{introduction.pk}:requested:{recipient.pk}",
                context={"introduction": introduction, "company": company, "sponsor": sponsor, "requested_by": by},
            )
    return introduction


def _append_note(introduction: Introduction, by: User, note: str, on: date) -> None:
    note = (note or "").strip()
    if not note:
        return
    line = f"{on:%Y-%m-%d} {by.get_full_name()}: {note}"
    introduction.notes = f"{introduction.notes}\n{line}".strip() if introduction.notes else line
    if len(introduction.notes) > 5000:
        introduction.notes = introduction.notes[-5000:]


def introduction_advance(
    *,
    introduction: Introduction,
    by: User,
    status: str,
    on: date | None = None,
    note: str = "",
    amount_invested: Any = None,
    round: str = InvestmentRound.OTHER,
    investors: str = "",
) -> Introduction:
    """Move an introduction along its pipeline. `invested` needs the amount and records the
    investment on the company's ledger."""
    _require_funding_officer(by, company_current_site_id(introduction.company))
    if status not in IntroductionStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": _("Record what has happened, not what is planned.")})
    with transaction.atomic():
        introduction = (
            Introduction.objects.select_for_update(of=("self",))
            .select_related("company", "sponsor")
            .get(pk=introduction.pk)
        )
        if status not in INTRODUCTION_TRANSITIONS[introduction.status]:
            raise InvalidTransition(
                _("An introduction cannot go from “%(current)s” to “%(next)s”.")
                % {"current": introduction.get_status_display(), "next": IntroductionStatus(status).label}
            )
        if on < introduction.requested_on:
            raise ValidationError({"on": _("The date cannot be before the introduction was requested.")})
        amount = None
        if status == IntroductionStatus.INVESTED:
            if amount_invested in (None, ""):
                raise ValidationError({"amount_invested": _("Enter the amount invested.")})
            amount = _money(amount_invested, "amount_invested")
            if amount <= 0:
                raise ValidationError({"amount_invested": _("Enter an amount greater than zero.")})
            if round not in InvestmentRound.values:
                raise ValidationError({"round": _("Unknown round.")})
        introduction.status = status
        introduction.amount_invested = amount
        if status in _INTRODUCTION_DATE_FIELD:
            setattr(introduction, _INTRODUCTION_DATE_FIELD[status], on)
        _append_note(introduction, by, note, on)
        introduction.last_activity_at = timezone.now()
        introduction.full_clean(validate_constraints=False)
        _audited(introduction, by, f"status: {status}")
        introduction.save()
        if status == IntroductionStatus.INVESTED:
            investment = Investment(
                company=introduction.company,
                round=round,
                amount=amount,
                investors=(investors or "").strip() or introduction.sponsor.name,
                sponsor=introduction.sponsor,
                introduction=introduction,
                closed_on=on,
                recorded_by=by,
            )
            investment.full_clean()
            _audited(investment, by, "through an introduction")
            investment.save()
    return introduction


def introduction_add_note(*, introduction: Introduction, by: User, note: str) -> Introduction:
    """A follow-up without a change of status; it counts as an update for the reminders."""
    _require_funding_officer(by, company_current_site_id(introduction.company))
    if not (note or "").strip():
        raise ValidationError({"note": _("Write the note.")})
    with transaction.atomic():
        introduction = Introduction.objects.select_for_update().get(pk=introduction.pk)
        _append_note(introduction, by, note, timezone.localdate())
        introduction.last_activity_at = timezone.now()
        _audited(introduction, by, "note")
        introduction.save(update_fields=["notes", "last_activity_at"])
    return introduction


# --- Investments ---------------------------------------------------------------------

INVESTMENT_FIELDS = ("round", "amount", "investors", "sponsor", "closed_on", "note")


def investment_record(
    *,
    company: Company,
    by: User,
    amount: Any,
    investors: str,
    closed_on: date,
    round: str = InvestmentRound.OTHER,
    sponsor: Sponsor | None = None,
    note: str = "",
) -> Investment:
    """A round the company raised without the centre's introduction (or before it)."""
    _require_funding_officer(by, company_current_site_id(company))
    investment = Investment(company=company, recorded_by=by)
    return _save_investment(
        investment,
        by,
        {
            "round": round,
            "amount": amount,
            "investors": investors,
            "sponsor": sponsor,
            "closed_on": closed_on,
            "note": note,
        },
        "recorded",
    )


def investment_update(*, investment: Investment, by: User, **fields: Any) -> Investment:
    _require_funding_officer(by, company_current_site_id(investment.company))
    unknown = set(fields) - set(INVESTMENT_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    with transaction.atomic():
        investment = Investment.objects.select_for_update().get(pk=investment.pk)
        if investment.introduction_id and "amount" in fields:
            # The introduction carries the same figure; keep them in step.
            Introduction.objects.filter(pk=investment.introduction_id).update(
                amount_invested=_money(fields["amount"], "amount")
            )
        return _save_investment(investment, by, fields, "updated")


def _save_investment(investment: Investment, by: User, fields: dict[str, Any], reason: str) -> Investment:
    for name, value in fields.items():
        if name == "amount":
            value = _money(value, "amount")
            if value <= 0:
                raise ValidationError({"amount": _("Enter an amount greater than zero.")})
        elif isinstance(value, str):
            value = value.strip()
        setattr(investment, name, value)
    if investment.closed_on and investment.closed_on > timezone.localdate():
        raise ValidationError({"closed_on": _("Record a round once it has closed.")})
    investment.full_clean()
    _audited(investment, by, reason)
    investment.save()
    return investment


# --- Reminders -----------------------------------------------------------------------

PROGRAMME_CLOSING_DAYS = (14, 3)
INTRODUCTION_QUIET_DAYS = 14
DISBURSEMENT_DUE_DAYS = 7


def programme_closing_reminders_send(*, today: date | None = None) -> int:
    """Owners of eligible companies that have not applied hear 14, then 3 days before a
    programme closes. Catches up after a missed day: each company gets the reminder for the
    nearest threshold crossed, once (the dedupe key names the threshold)."""
    from .selectors import companies_not_applied, programmes_closing_within

    today = today or timezone.localdate()
    queued = 0
    for programme in programmes_closing_within(days=max(PROGRAMME_CLOSING_DAYS), today=today):
        days_left = (programme.closes_on - today).days
        threshold = min(t for t in PROGRAMME_CLOSING_DAYS if days_left <= t)
        for company in companies_not_applied(programme=programme, today=today):
            for membership in company.owner_memberships:
                _notification, created = notification_enqueue(
                    recipient=membership.user,
                    kind="funding.programme_closing",
                    dedupe_key=(
                        f"programme-closing:{programme.pk}:{programme.closes_on}:{threshold}:"
                        f"{company.pk}:{membership.user_id}"
                    ),
                    context={"programme": programme, "company": company, "days_left": days_left},
                )
                queued += created
    return queued


def introduction_quiet_reminders_send(*, today: date | None = None) -> int:
    """Staff hear of an introduction in the pipeline with no update for 14 days; again after
    each further quiet spell (the dedupe key names the last update)."""
    from .selectors import introductions_quiet_since, staff_by_site

    today = today or timezone.localdate()
    queued = 0
    staff = staff_by_site()
    for introduction in introductions_quiet_since(days=INTRODUCTION_QUIET_DAYS, today=today):
        quiet_days = (today - timezone.localdate(introduction.last_activity_at)).days
        site_id = introduction.current_site_id
        for recipient in staff.for_site(site_id):
            _notification, created = notification_enqueue(
                recipient=recipient,
                kind="funding.introduction_quiet",
                dedupe_key=(
                    f"introduction-quiet:{introduction.pk}:{introduction.last_activity_at:%Y%m%d%H%M%S}:{recipient.pk}"
                ),
                context={"introduction": introduction, "company": introduction.company, "days": quiet_days},
            )
            queued += created
    return queued


def disbursement_due_reminders_send(*, today: date | None = None) -> int:
    """Funding officers hear of an unpaid tranche falling due within 7 days (or overdue), once
    per due date."""
    from .selectors import disbursements_due_within, staff_by_site

    today = today or timezone.localdate()
    queued = 0
    staff = staff_by_site()
    for disbursement in disbursements_due_within(days=DISBURSEMENT_DUE_DAYS, today=today):
        application = disbursement.application
        for recipient in staff.for_site(application.site_id):
            _notification, created = notification_enqueue(
                recipient=recipient,
                kind="funding.disbursement_due",
                dedupe_key=f"disbursement-due:{disbursement.pk}:{disbursement.due_on}:{recipient.pk}",
                context={
                    "disbursement": disbursement,
                    "application": application,
                    "company": application.company,
                    "programme": application.programme,
                    "days_left": (disbursement.due_on - today).days,
                },
            )
            queued += created
    return queued

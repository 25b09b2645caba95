"""Every write of the companies app.

Services check who may act (`NotAllowed`), which state changes are possible
(`InvalidTransition`) and the field rules (`ValidationError`); views, the API, the admin and
tasks all come through here.
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from incubator import permissions
from incubator.errors import Conflict, InvalidTransition, NotAllowed
from incubator.models import Site, User
from incubator.services import notification_enqueue, user_create

from . import signals
from .choices import AdmissionStatus, CompanyStatus, DesignationKind, MemberRole
from .models import Admission, Award, Company, Consultation, Designation, Membership, Residency, YearFigures

logger = logging.getLogger(__name__)


def _require(condition: bool) -> None:
    if not condition:
        raise NotAllowed()


def _require_staff_of(user: User, site: Site | int | None) -> None:
    _require(permissions.is_site_staff(user, site) if site is not None else permissions.is_centre_staff(user))


def company_current_site_id(company: Company) -> int | None:
    return Residency.objects.filter(company=company, ends_on__isnull=True).values_list("site_id", flat=True).first()


def _require_company_editor(user: User, company: Company) -> None:
    """Members edit their company; staff of its site may too."""
    _require(
        permissions.is_company_member(user, company)
        or permissions.is_site_staff(user, company_current_site_id(company))
    )


def _require_team_manager(user: User, company: Company) -> None:
    _require(
        permissions.is_company_owner(user, company) or permissions.is_site_staff(user, company_current_site_id(company))
    )


# --- Admissions ----------------------------------------------------------------------


def _clean_founders(founders: list[dict[str, str]]) -> list[dict[str, str]]:
    cleaned = []
    seen = set()
    for founder in founders or []:
        name = (founder.get("name") or "").strip()
        email = User.objects.normalize_email((founder.get("email") or "").strip()).lower()
        if not name or not email or "@" not in email:
            raise ValidationError({"founders": _("Give each founder a name and an e-mail address.")})
        if email in seen:
            continue
        seen.add(email)
        cleaned.append({"name": name[:150], "email": email[:254]})
    if len(cleaned) > 20:
        raise ValidationError({"founders": _("List at most 20 founders.")})
    return cleaned


def admission_submit(
    *,
    applicant: User,
    site: Site,
    team_name: str,
    project_summary: str,
    founders: list[dict[str, str]] | None = None,
    sector: str = "other",
    needs_office: bool = False,
    desks_needed: int = 0,
    needs_lab: bool = False,
    business_plan=None,
) -> Admission:
    """A team applies to a site. One open application per applicant and site."""
    if not site.is_active:
        raise ValidationError({"site": _("This site does not take applications.")})
    admission = Admission(
        applicant=applicant,
        site=site,
        team_name=team_name.strip(),
        project_summary=project_summary.strip(),
        founders=_clean_founders(founders or []),
        sector=sector,
        needs_office=needs_office,
        desks_needed=desks_needed,
        needs_lab=needs_lab,
    )
    if business_plan:
        admission.business_plan = business_plan
    admission.full_clean()
    with transaction.atomic():
        if Admission.objects.filter(
            applicant=applicant,
            site=site,
            status__in=[AdmissionStatus.SUBMITTED, AdmissionStatus.UNDER_REVIEW],
        ).exists():
            raise Conflict(_("You already have an open application to this site."), code="duplicate_application")
        admission.save()
    return admission


def admission_apply_as_newcomer(
    *, email: str, full_name: str, password: str, language: str, phone: str = "", **admission_fields: Any
) -> tuple[User, Admission]:
    """A visitor creates an account and applies in one step."""
    from django.contrib.auth.password_validation import validate_password

    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError({"email": _("An account with this e-mail address exists. Sign in to apply.")})
        probe = User(email=email, full_name=full_name)
        try:
            validate_password(password, user=probe)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
        user = user_create(email=email, password=password, full_name=full_name, phone=phone, language=language)
        admission = admission_submit(applicant=user, **admission_fields)
    return user, admission


def admission_start_review(*, admission: Admission, by: User) -> Admission:
    _require_staff_of(by, admission.site_id)
    with transaction.atomic():
        admission = Admission.objects.select_for_update().get(pk=admission.pk)
        if admission.status != AdmissionStatus.SUBMITTED:
            raise InvalidTransition()
        admission.status = AdmissionStatus.UNDER_REVIEW
        admission.save(update_fields=["status"])
    return admission


def admission_withdraw(*, admission: Admission, by: User) -> Admission:
    _require(by.pk == admission.applicant_id)
    with transaction.atomic():
        admission = Admission.objects.select_for_update().get(pk=admission.pk)
        if not admission.is_open:
            raise InvalidTransition(_("Only an open application can be withdrawn."))
        admission.status = AdmissionStatus.WITHDRAWN
        admission.decided_at = timezone.now()
        admission.save(update_fields=["status", "decided_at"])
    return admission


def admission_accept(
    *,
    admission: Admission,
    decided_by: User,
    company_name: str | None = None,
    starts_on: date | None = None,
) -> Admission:
    """Accept: the company is created as a resident of the site, the applicant becomes its
    owner, founders become members (those without an account are invited), and the
    applicant is told in their language."""
    _require_staff_of(decided_by, admission.site_id)
    starts_on = starts_on or timezone.localdate()
    with transaction.atomic():
        admission = Admission.objects.select_for_update().select_related("applicant", "site").get(pk=admission.pk)
        if not admission.is_open:
            raise InvalidTransition(_("Only an open application can be accepted."))
        company = Company(
            name=(company_name or admission.team_name).strip(),
            sector=admission.sector,
            description=admission.project_summary,
            status=CompanyStatus.RESIDENT,
            status_changed_on=starts_on,
            admitted_on=starts_on,
        )
        company.full_clean()
        company.save()
        Residency.objects.create(company=company, site=admission.site, starts_on=starts_on)
        Membership.objects.create(user=admission.applicant, company=company, role=MemberRole.OWNER)
        for founder in admission.founders:
            if founder["email"] == admission.applicant.email:
                continue
            _add_member(
                company=company,
                email=founder["email"],
                full_name=founder["name"],
                role=MemberRole.MEMBER,
                invited_by=admission.applicant,
                language=admission.applicant.language,
            )
        admission.status = AdmissionStatus.ACCEPTED
        admission.company = company
        admission.decided_by = decided_by
        admission.decided_at = timezone.now()
        admission.save(update_fields=["status", "company", "decided_by", "decided_at"])
        notification_enqueue(
            recipient=admission.applicant,
            kind="companies.admission_accepted",
            dedupe_key=f"admission:{admission.pk}:accepted",
            context={"admission": admission, "company": company},
        )
    return admission


def admission_reject(*, admission: Admission, decided_by: User, reason: str) -> Admission:
    _require_staff_of(decided_by, admission.site_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the applicant a reason.")})
    with transaction.atomic():
        admission = Admission.objects.select_for_update().select_related("applicant", "site").get(pk=admission.pk)
        if not admission.is_open:
            raise InvalidTransition(_("Only an open application can be rejected."))
        admission.status = AdmissionStatus.REJECTED
        admission.rejection_reason = reason
        admission.decided_by = decided_by
        admission.decided_at = timezone.now()
        admission.save(update_fields=["status", "rejection_reason", "decided_by", "decided_at"])
        notification_enqueue(
            recipient=admission.applicant,
            kind="companies.admission_rejected",
            dedupe_key=f"admission:{admission.pk}:rejected",
            context={"admission": admission},
        )
    return admission


# --- Companies -----------------------------------------------------------------------

COMPANY_EDITABLE = ("name", "name_en", "credit_code", "legal_form", "founded_on", "sector", "website", "description")


def company_update(*, company: Company, by: User, **fields: Any) -> Company:
    _require_company_editor(by, company)
    unknown = set(fields) - set(COMPANY_EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in unknown})
    for name, value in fields.items():
        if name == "credit_code":
            value = (value or "").strip().upper() or None
        setattr(company, name, value)
    company.full_clean()
    company.save()
    return company


_STATUS_DATE_FIELD = {
    CompanyStatus.RESIDENT: "admitted_on",
    CompanyStatus.GRADUATED: "graduated_on",
    CompanyStatus.LEFT: "left_on",
}
_ALLOWED_STATUS = {
    CompanyStatus.APPLICANT: {CompanyStatus.RESIDENT, CompanyStatus.LEFT},
    CompanyStatus.RESIDENT: {CompanyStatus.GRADUATED, CompanyStatus.LEFT},
    CompanyStatus.GRADUATED: {CompanyStatus.RESIDENT},
    CompanyStatus.LEFT: {CompanyStatus.RESIDENT},
}


def company_set_status(*, company: Company, status: str, by: User, on: date | None = None) -> Company:
    """Graduate a company, record that it left, or take it back in. Leaving or graduating
    ends its residency."""
    _require_staff_of(by, company_current_site_id(company))
    on = on or timezone.localdate()
    with transaction.atomic():
        company = Company.objects.select_for_update().get(pk=company.pk)
        if status not in _ALLOWED_STATUS.get(company.status, set()):
            raise InvalidTransition()
        company.status = status
        company.status_changed_on = on
        setattr(company, _STATUS_DATE_FIELD[status], on)
        company.save()
        if status in (CompanyStatus.GRADUATED, CompanyStatus.LEFT):
            _end_open_residency(company=company, on=on, by=by)
    return company


def _end_open_residency(*, company: Company, on: date, by: User) -> None:
    current = Residency.objects.select_for_update().filter(company=company, ends_on__isnull=True).first()
    if current is None:
        return
    if on <= current.starts_on:
        raise ValidationError({"ends_on": _("A residency must end after it started.")})
    current.ends_on = on
    current.save(update_fields=["ends_on"])
    # The apps built on companies let go of what the company held there (its offices, say).
    signals.residency_ended.send(sender=Residency, company=company, site_id=current.site_id, on=on, by=by)


def residency_move(*, company: Company, site: Site, by: User, on: date | None = None) -> Residency:
    """Move a resident company to another site: the old residency ends the day the new one starts."""
    on = on or timezone.localdate()
    _require_staff_of(by, company_current_site_id(company))
    _require_staff_of(by, site)
    with transaction.atomic():
        Company.objects.select_for_update().get(pk=company.pk)
        _end_open_residency(company=company, on=on, by=by)
        residency = Residency(company=company, site=site, starts_on=on)
        residency.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                residency.save()
        except IntegrityError:
            raise Conflict(_("The company is already resident somewhere."), code="already_resident") from None
    return residency


# --- Team ----------------------------------------------------------------------------


def _add_member(
    *, company: Company, email: str, full_name: str, role: str, invited_by: User, language: str
) -> Membership:
    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.filter(email__iexact=email).first()
    invited = user is None
    if invited:
        user = user_create(email=email, full_name=full_name, language=language)
    if Membership.objects.filter(user=user, company=company).exists():
        raise Conflict(_("This person is already in the team."), code="already_member")
    membership = Membership.objects.create(user=user, company=company, role=role)
    if invited:
        notification_enqueue(
            recipient=user,
            kind="companies.invitation",
            dedupe_key=f"invitation:{company.pk}:{user.pk}",
            context={
                "company": company,
                "invited_by": invited_by,
                "uid": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    return membership


def membership_invite(*, company: Company, email: str, role: str, by: User, full_name: str = "") -> Membership:
    """Add someone to the team; a person without an account gets one and a set-password e-mail."""
    _require_team_manager(by, company)
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Choose owner or member.")})
    from django.core.validators import validate_email

    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    with transaction.atomic():
        Company.objects.select_for_update().get(pk=company.pk)
        return _add_member(
            company=company, email=email, full_name=full_name, role=role, invited_by=by, language=by.language
        )


def _owners_left_without(membership: Membership) -> int:
    return (
        Membership.objects.filter(company_id=membership.company_id, role=MemberRole.OWNER)
        .exclude(pk=membership.pk)
        .count()
    )


def membership_change_role(*, membership: Membership, role: str, by: User) -> Membership:
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Choose owner or member.")})
    with transaction.atomic():
        # The company row is the lock that keeps "always an owner" true under concurrency;
        # who may act is checked under it too, since a concurrent change may have demoted them.
        company = Company.objects.select_for_update().get(pk=membership.company_id)
        _require_team_manager(by, company)
        membership = Membership.objects.get(pk=membership.pk)
        if membership.role == MemberRole.OWNER and role != MemberRole.OWNER and _owners_left_without(membership) == 0:
            raise Conflict(_("A company always keeps an owner: name another owner first."), code="last_owner")
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership: Membership, by: User) -> None:
    """Owners remove members; anyone may leave a team, except its last owner."""
    with transaction.atomic():
        company = Company.objects.select_for_update().get(pk=membership.company_id)
        try:
            membership = Membership.objects.get(pk=membership.pk)
        except Membership.DoesNotExist:
            raise Conflict(_("This person is no longer in the team."), code="not_member") from None
        if by.pk != membership.user_id:
            _require_team_manager(by, company)
        if membership.role == MemberRole.OWNER and _owners_left_without(membership) == 0:
            raise Conflict(_("A company always keeps an owner: name another owner first."), code="last_owner")
        membership.delete()


# --- Designations, figures, awards, consultations ------------------------------------

DESIGNATION_TERM_YEARS = {DesignationKind.SME: 1, DesignationKind.HIGH_TECH: 3}


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def designation_record(
    *,
    company: Company,
    kind: str,
    granted_on: date,
    by: User,
    expires_on: date | None = None,
    certificate_number: str = "",
    exchange: str = "",
    ticker: str = "",
    listed_on: date | None = None,
) -> Designation:
    """Staff record a designation. S&T SME status runs a year and a high-tech certificate
    three years unless the certificate says otherwise."""
    _require_staff_of(by, company_current_site_id(company))
    if expires_on is None and kind in DESIGNATION_TERM_YEARS:
        expires_on = _add_years(granted_on, DESIGNATION_TERM_YEARS[kind])
    designation = Designation(
        company=company,
        kind=kind,
        granted_on=granted_on,
        expires_on=expires_on,
        certificate_number=certificate_number.strip(),
        exchange=exchange,
        ticker=ticker.strip(),
        listed_on=listed_on,
        recorded_by=by,
    )
    errors = {}
    if kind == DesignationKind.HIGH_TECH and not designation.certificate_number:
        errors["certificate_number"] = _("A high-tech enterprise certificate has a number.")
    if kind == DesignationKind.LISTED and not (exchange and designation.ticker and listed_on):
        errors["ticker"] = _("A listing needs the exchange, the ticker and the listing date.")
    if errors:
        raise ValidationError(errors)
    designation.full_clean()
    designation.save()
    return designation


FIGURE_FIELDS = ("revenue", "profit", "taxes_paid", "rd_spend", "employees", "rd_staff")


def year_figures_save(*, company: Company, year: int, by: User, **figures: Any) -> YearFigures:
    """Enter or correct a year's figures."""
    _require_company_editor(by, company)
    current_year = timezone.localdate().year
    if not 1990 <= int(year) <= current_year:
        raise ValidationError({"year": _("Enter a past or the current year.")})
    with transaction.atomic():
        row = YearFigures.objects.select_for_update().filter(company=company, year=year).first() or YearFigures(
            company=company, year=year
        )
        for name in FIGURE_FIELDS:
            if name in figures:
                value = figures[name]
                setattr(row, name, Decimal(value) if name not in ("employees", "rd_staff") else value)
        row.full_clean()
        if row.rd_staff is not None and row.employees is not None and row.rd_staff > row.employees:
            raise ValidationError({"rd_staff": _("R&D staff cannot outnumber the employees.")})
        row.save()
    return row


def award_add(*, company: Company, by: User, competition: str, rank: str, year: int, organiser: str = "") -> Award:
    _require_company_editor(by, company)
    award = Award(
        company=company, competition=competition.strip(), rank=rank.strip(), year=year, organiser=organiser.strip()
    )
    award.full_clean()
    award.save()
    return award


def award_delete(*, award: Award, by: User) -> None:
    _require_company_editor(by, award.company)
    award.delete()


def consultation_record(
    *,
    company: Company,
    by: User,
    expert_name: str,
    held_on: date,
    topic: str,
    expert_affiliation: str = "",
    outcome: str = "",
) -> Consultation:
    _require_staff_of(by, company_current_site_id(company))
    consultation = Consultation(
        company=company,
        expert_name=expert_name.strip(),
        expert_affiliation=expert_affiliation.strip(),
        held_on=held_on,
        topic=topic.strip(),
        outcome=outcome.strip(),
        recorded_by=by,
    )
    consultation.full_clean()
    consultation.save()
    return consultation


# --- Reminders -----------------------------------------------------------------------

DESIGNATION_REMINDER_DAYS = (90, 30)


def designation_reminders_send(*, today: date | None = None) -> int:
    """Tell owners and the site's staff that a designation expires in 90, then 30 days.

    Runs daily and catches up after a missed day: each designation gets the reminder for the
    nearest threshold it has crossed, once (the dedupe key names the threshold and the date).
    """
    from .selectors import designations_expiring_within, staff_for_company

    today = today or timezone.localdate()
    queued = 0
    horizon = max(DESIGNATION_REMINDER_DAYS)
    for designation in designations_expiring_within(days=horizon, today=today):
        days_left = (designation.expires_on - today).days
        threshold = min(t for t in DESIGNATION_REMINDER_DAYS if days_left <= t)
        owners = [m.user for m in designation.company.memberships.all() if m.role == MemberRole.OWNER]
        for recipient in owners + list(staff_for_company(designation.company)):
            _notification, created = notification_enqueue(
                recipient=recipient,
                kind="companies.designation_expiring",
                dedupe_key=f"designation:{designation.pk}:{designation.expires_on}:{threshold}:{recipient.pk}",
                context={"designation": designation, "company": designation.company, "days_left": days_left},
            )
            queued += created
    return queued


def figures_requests_send(*, today: date | None = None) -> int:
    """From January on, ask the owners of resident companies for last year's figures, once a
    month until they are entered."""
    from .selectors import companies_missing_figures

    today = today or timezone.localdate()
    year = today.year - 1
    queued = 0
    for company in companies_missing_figures(year=year):
        for membership in company.memberships.all():
            if membership.role != MemberRole.OWNER:
                continue
            _notification, created = notification_enqueue(
                recipient=membership.user,
                kind="companies.figures_request",
                dedupe_key=f"figures:{company.pk}:{year}:{today:%Y-%m}:{membership.user_id}",
                context={"company": company, "year": year},
            )
            queued += created
    return queued

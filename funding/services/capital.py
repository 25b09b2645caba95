"""Private capital: sponsors and their contacts, introductions, investments."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.choices import Sector
from companies.models import Company
from companies.services import company_current_site_id
from incubator.errors import Conflict, InvalidTransition
from incubator.models import User
from incubator.services import notification_enqueue

from ..choices import IntroductionStatus, InvestmentRound
from ..models import (
    Introduction,
    Investment,
    Sponsor,
    SponsorContact,
)
from ._common import (
    _audited,
    _money,
    _require_company_side,
    _require_funding_officer,
)

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

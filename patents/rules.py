"""The time limits Chinese law attaches to patents, trademarks and software copyrights.

One table-driven module: every date the app shows about a filing is computed here, from
plain facts (`FilingFacts`), without the database, so that each rule can be tested with
concrete dates. The law behind each row is cited beside it and shown to the users.

Sources, checked against the primary texts:

- 专利法 Patent Law, as amended 2020-10-17, in force 2021-06-01 ("PL").
- 专利法实施细则 Implementing Regulations of the Patent Law, as revised 2023-12-11, in force
  2024-01-20 ("IR"). The revision renumbered the rules. r. 6 (computing time limits) and
  r. 7 (restoration) are cited by their new numbers; the rules on registration and annual
  fees are cited by their 2010 numbers, marked "2010 numbering", whose wording the
  revision kept.
- 专利审查指南 Guidelines for Patent Examination ("Guidelines"): the default time limits
  the office sets in its notices, and how time limits are counted (part V, chapter 7).
- 商标法 Trademark Law (2019) and 商标法实施条例 its Implementing Regulations (2014).
- 计算机软件保护条例 Regulations on Computer Software Protection (2013).

Time limits that end on a Saturday, a Sunday or a public holiday move to the next working
day; the State Council's make-up working days (调休) count as working days (IR r. 6;
Guidelines V-7 §2.3: "国家公告调休的，以调休后的日期为准"; Trademark IR art. 12). The
calendar is `holidays.China`, which carries the State Council's published schedules and
their make-up days. The stock-exchange calendars (`holidays.financial`) are not used:
exchanges stay shut on make-up working days, the offices do not.

Where the sources disagree:

- The annual-fee surcharge. We follow IR r. 98 (2010 numbering): "每超过规定的缴费时间1个月，
  加收当年全额年费的5%", read as the office's fee notices apply it: nothing within the first
  month after the due date, then 5 % for each further month or part of one, so 25 % in the
  sixth month. Not a flat rate.
- The first office action on an invention: the Guidelines give 4 months for the first
  opinion of the substantive examination and 2 months for other notices. A notice received
  before examination was requested belongs to the preliminary examination, so we give 4
  months only to the first office action after the examination request; without a
  recorded request the shorter, safer 2 months apply. A time limit the notice states
  always wins.
- Trademarks: the Trademark Law, not the Patent Law, sets their time limits: 15 days to
  explain or amend an application (Trademark IR art. 23) and to ask for review of a
  rejection (Trademark Law art. 34), not the patent periods.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import holidays
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .choices import PATENT_KINDS, PENDING_STATUSES, DeadlineRule, DeadlineStatus, EventKind, FilingKind, FilingStatus

# --- The calendar --------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _china(year: int) -> holidays.HolidayBase:
    return holidays.China(years=year)


def is_working_day(day: date) -> bool:
    """A day the offices work: not a weekend or public holiday, or a make-up working day."""
    return _china(day.year).is_working_day(day)


def time_limit_end(day: date) -> date:
    """The last day of a time limit that nominally ends on `day` (IR r. 6; Trademark IR art. 12)."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_months(day: date, months: int) -> date:
    """The corresponding day `months` later; the month's last day when it has none (IR r. 6)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def term_end(start: date, years: int) -> date:
    """The last day of a term of `years` that begins on `start`: the day before the
    corresponding day, or the month's last day when it has no corresponding day
    (Trademark IR art. 12(2); the office counts patent terms the same way)."""
    year, month = start.year + years, start.month
    if start.day > calendar.monthrange(year, month)[1]:
        return date(year, month, calendar.monthrange(year, month)[1])
    return date(year, month, start.day) - timedelta(days=1)


def patent_year(filing_date: date, day: date) -> int:
    """The patent year `day` falls in: years run from the filing date (Guidelines V-9 §2.2.1)."""
    years = day.year - filing_date.year
    if add_years(filing_date, years) > day:
        years -= 1
    return years + 1


# --- Terms ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    kind: str
    years: int
    law: Promise
    filed_from: date | None = None
    filed_before: date | None = None

    def applies(self, kind: str, filing_date: date) -> bool:
        return (
            kind == self.kind
            and (self.filed_from is None or filing_date >= self.filed_from)
            and (self.filed_before is None or filing_date < self.filed_before)
        )


AMENDMENT_2020_IN_FORCE = date(2021, 6, 1)

TERMS: tuple[Term, ...] = (
    # PL art. 42(1): counted from the CN filing date, never from the priority date.
    Term(FilingKind.INVENTION, 20, _("Patent Law art. 42(1)")),
    Term(FilingKind.UTILITY_MODEL, 10, _("Patent Law art. 42(1)")),
    # The 2020 amendment raised designs to 15 years for applications filed from the day it
    # came into force; earlier designs keep the 10 years of the 2008 text.
    Term(
        FilingKind.DESIGN,
        10,
        _("Patent Law art. 42 (2008 text), for designs filed before 2021-06-01"),
        filed_before=AMENDMENT_2020_IN_FORCE,
    ),
    Term(FilingKind.DESIGN, 15, _("Patent Law art. 42(1) (2020 amendment)"), filed_from=AMENDMENT_2020_IN_FORCE),
    # Counted from the registration date; each renewal adds 10 years (art. 40).
    Term(FilingKind.TRADEMARK, 10, _("Trademark Law art. 39")),
)

SOFTWARE_TERM_LAW = _("Regulations on Computer Software Protection art. 14(3)")


def term_for(kind: str, filing_date: date) -> Term | None:
    return next((t for t in TERMS if t.applies(kind, filing_date)), None)


def patent_expiry(kind: str, filing_date: date) -> date:
    """The last day of a patent's term (PL art. 42)."""
    term = term_for(kind, filing_date)
    return term_end(filing_date, term.years)


def software_expiry(first_published: date) -> date:
    """A legal person's software: 31 December of the 50th year after first publication.
    There is nothing to renew."""
    return date(first_published.year + 50, 12, 31)


# --- Periods the office's notices run for when the notice itself states none ---------


@dataclass(frozen=True)
class Period:
    rule: str
    kinds: frozenset[str]
    law: Promise
    months: int = 0
    days: int = 0
    first_substantive_only: bool = False

    def end(self, start: date) -> date:
        return add_months(start, self.months) + timedelta(days=self.days)


PERIODS: tuple[Period, ...] = (
    # The first opinion of the substantive examination of an invention.
    Period(
        DeadlineRule.OFFICE_ACTION_RESPONSE,
        frozenset({FilingKind.INVENTION}),
        _("Patent Law art. 37; Guidelines part V ch. 7 §1.2 (4 months for the first opinion)"),
        months=4,
        first_substantive_only=True,
    ),
    Period(
        DeadlineRule.OFFICE_ACTION_RESPONSE,
        PATENT_KINDS,
        _("Guidelines part V ch. 7 §1.2 (2 months for other notices)"),
        months=2,
    ),
    Period(
        DeadlineRule.OFFICE_ACTION_RESPONSE,
        frozenset({FilingKind.TRADEMARK}),
        _("Trademark Law art. 29; Trademark Implementing Regulations art. 23 (15 days)"),
        days=15,
    ),
    Period(DeadlineRule.REEXAMINATION, PATENT_KINDS, _("Patent Law art. 41(1) (3 months)"), months=3),
    Period(
        DeadlineRule.REEXAMINATION,
        frozenset({FilingKind.TRADEMARK}),
        _("Trademark Law art. 34 (15 days)"),
        days=15,
    ),
    # Registration within 2 months of receiving the notice to grant, paying the grant-year fee.
    Period(
        DeadlineRule.REGISTRATION,
        PATENT_KINDS,
        _("Implementing Regulations r. 54 and r. 97 (2010 numbering): 2 months"),
        months=2,
    ),
)


def period_for(rule: str, kind: str, *, first_substantive: bool = False) -> Period | None:
    for period in PERIODS:
        if period.rule == rule and kind in period.kinds and (first_substantive or not period.first_substantive_only):
            return period
    return None


# --- Annual fees ---------------------------------------------------------------------

ANNUITY_GRACE_MONTHS = 6  # IR r. 98 (2010 numbering)

# (paid within this many months after the due date, surcharge in % of the year's full fee)
ANNUITY_SURCHARGE = ((1, 0), (2, 5), (3, 10), (4, 15), (5, 20), (6, 25))


def annuity_surcharge_percent(due: date, paid_on: date, grace_ends_on: date | None = None) -> int | None:
    """The surcharge on an annual fee due on `due` (the filing-date anniversary) and paid on
    `paid_on`; None after the grace period, when the patent has lapsed."""
    if paid_on <= due:
        return 0
    for months, percent in ANNUITY_SURCHARGE:
        if paid_on <= add_months(due, months):
            return percent
    if grace_ends_on is not None and paid_on <= grace_ends_on:
        return ANNUITY_SURCHARGE[-1][1]  # the grace period's last day moved to a working day
    return None


def annuity_surcharge_schedule(due: date, grace_ends_on: date) -> list[tuple[date, date, int]]:
    """The grace period as (from, until, percent) steps, for the deadline's page."""
    steps = []
    start = due + timedelta(days=1)
    for months, percent in ANNUITY_SURCHARGE:
        until = add_months(due, months)
        if months == ANNUITY_SURCHARGE[-1][0]:
            until = max(until, grace_ends_on)
        steps.append((start, until, percent))
        start = until + timedelta(days=1)
    return steps


# --- Facts in, deadlines out ---------------------------------------------------------


@dataclass(frozen=True)
class EventFact:
    id: int
    kind: str
    on: date
    time_limit: date | None = None
    period: int | None = None  # the patent year an annual fee pays
    answers_id: int | None = None  # the office action or rejection a response answers


@dataclass(frozen=True)
class FilingFacts:
    kind: str
    status: str
    filing_date: date | None
    priority_date: date | None = None
    grant_date: date | None = None
    annuities_paid_through: int | None = None
    events: tuple[EventFact, ...] = ()

    def of_kind(self, kind: str) -> list[EventFact]:
        return sorted((e for e in self.events if e.kind == kind), key=lambda e: (e.on, e.id))


@dataclass(frozen=True)
class DeadlineSpec:
    """One thing to do by a date. `base_on` is where the time limit nominally ends; `due_on`
    the last day to act (moved to a working day); `grace_ends_on` the last day of a grace
    period, if the law gives one; `opens_on` the first day one may act, if the law sets one."""

    rule: str
    key: str
    base_on: date
    due_on: date
    grace_ends_on: date | None = None
    opens_on: date | None = None
    source_event_id: int | None = None
    period: int | None = None
    met_by_event_id: int | None = None
    met_on: date | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def final_on(self) -> date:
        return self.grace_ends_on or self.due_on

    def status_on(self, today: date) -> str:
        if self.met_on is not None and self.met_on <= self.final_on:
            return DeadlineStatus.DONE
        if self.final_on < today or self.met_on is not None:
            return DeadlineStatus.MISSED
        return DeadlineStatus.OPEN


def _from_notice(rule: str, facts: FilingFacts, event: EventFact, *, first_substantive: bool = False):
    """(base, due) of a time limit a notice starts: the one it states, else the default period."""
    if event.time_limit is not None:
        base = event.time_limit
    else:
        period = period_for(rule, facts.kind, first_substantive=first_substantive)
        if period is None:
            return None
        base = period.end(event.on)
    return base, time_limit_end(base)


def _answer(facts: FilingFacts, kind: str, source: EventFact) -> EventFact | None:
    return next((e for e in facts.of_kind(kind) if e.answers_id == source.id), None)


def derive_substantive_examination(facts: FilingFacts) -> list[DeadlineSpec]:
    # PL art. 35(1): within 3 years of the filing date, which means the priority date when
    # one is claimed (IR r. 11, 2010 numbering: outside arts. 28 and 42 "申请日" is the
    # priority date). Guidelines V-7 §2.3: filed 1998-06-01 → ends 2001-06-01.
    start = facts.priority_date or facts.filing_date
    base = add_years(start, 3)
    request = next(iter(facts.of_kind(EventKind.EXAMINATION_REQUESTED)), None)
    return [
        DeadlineSpec(
            rule=DeadlineRule.SUBSTANTIVE_EXAMINATION,
            key="examination",
            base_on=base,
            due_on=time_limit_end(base),
            met_by_event_id=request.id if request else None,
            met_on=request.on if request else None,
        )
    ]


def derive_office_action_responses(facts: FilingFacts) -> list[DeadlineSpec]:
    specs = []
    requests = facts.of_kind(EventKind.EXAMINATION_REQUESTED)
    requested_on = requests[0].on if requests else None
    first_substantive_id = next(
        (e.id for e in facts.of_kind(EventKind.OFFICE_ACTION) if requested_on is not None and e.on >= requested_on),
        None,
    )
    decisions = facts.of_kind(EventKind.REJECTION) + facts.of_kind(EventKind.GRANTED)
    for notice in facts.of_kind(EventKind.OFFICE_ACTION):
        if any((d.on, d.id) > (notice.on, notice.id) for d in decisions):
            continue  # a rejection or a grant has closed the examination the notice belonged to
        limit = _from_notice(
            DeadlineRule.OFFICE_ACTION_RESPONSE, facts, notice, first_substantive=notice.id == first_substantive_id
        )
        if limit is None:
            continue
        response = _answer(facts, EventKind.RESPONSE_FILED, notice)
        specs.append(
            DeadlineSpec(
                rule=DeadlineRule.OFFICE_ACTION_RESPONSE,
                key=f"office-action:{notice.id}",
                base_on=limit[0],
                due_on=limit[1],
                source_event_id=notice.id,
                met_by_event_id=response.id if response else None,
                met_on=response.on if response else None,
            )
        )
    return specs


def derive_reexamination(facts: FilingFacts) -> list[DeadlineSpec]:
    specs = []
    for rejection in facts.of_kind(EventKind.REJECTION):
        limit = _from_notice(DeadlineRule.REEXAMINATION, facts, rejection)
        if limit is None:
            continue
        request = _answer(facts, EventKind.REEXAMINATION_REQUESTED, rejection)
        specs.append(
            DeadlineSpec(
                rule=DeadlineRule.REEXAMINATION,
                key=f"reexamination:{rejection.id}",
                base_on=limit[0],
                due_on=limit[1],
                source_event_id=rejection.id,
                met_by_event_id=request.id if request else None,
                met_on=request.on if request else None,
            )
        )
    return specs


def _annuities_paid(facts: FilingFacts) -> dict[int, EventFact | None]:
    """Patent year → the event that paid it (None for years paid before records were kept here)."""
    paid: dict[int, EventFact | None] = dict.fromkeys(range(1, (facts.annuities_paid_through or 0) + 1))
    for event in facts.of_kind(EventKind.ANNUITY_PAID):
        if event.period is not None:
            paid.setdefault(event.period, event)
    return paid


def registration_notice(facts: FilingFacts) -> tuple[EventFact, int, tuple[date, date]] | None:
    grants = facts.of_kind(EventKind.GRANTED)
    if not grants or facts.filing_date is None:
        return None
    notice = grants[-1]
    limit = _from_notice(DeadlineRule.REGISTRATION, facts, notice)
    return notice, patent_year(facts.filing_date, notice.on), limit


def derive_registration(facts: FilingFacts) -> list[DeadlineSpec]:
    # PL art. 39, art. 43; IR r. 54 and r. 97 (2010 numbering): the grant-year fee is paid
    # with the registration formalities, within 2 months of receiving the notice to grant.
    registration = registration_notice(facts)
    if registration is None:
        return []
    notice, grant_year, (base, due) = registration
    paid = _annuities_paid(facts)
    payment = paid.get(grant_year, False)
    met_on = None
    if payment is not False:
        met_on = payment.on if payment is not None else notice.on
    return [
        DeadlineSpec(
            rule=DeadlineRule.REGISTRATION,
            key=f"registration:{notice.id}",
            base_on=base,
            due_on=due,
            source_event_id=notice.id,
            period=grant_year,
            met_by_event_id=payment.id if payment else None,
            met_on=met_on,
        )
    ]


def derive_annuities(facts: FilingFacts) -> list[DeadlineSpec]:
    """The annual fees from the year after the grant year, up to the first one not yet paid.

    PL art. 43: fees are due from the year of grant. IR r. 98 (2010 numbering): each later
    fee is due before the previous patent year ends, which the office counts as the filing
    date's anniversary; 6 months' grace with a surcharge; unpaid, the patent lapses from
    the due date (PL art. 44(1)(1)). A restoration (IR r. 7) settles a missed year.
    """
    if facts.grant_date is None or facts.filing_date is None:
        return []
    last_year = term_for(facts.kind, facts.filing_date).years
    registration = registration_notice(facts)
    grant_year = registration[1] if registration else patent_year(facts.filing_date, facts.grant_date)
    registration_due = registration[2][1] if registration else None
    paid = _annuities_paid(facts)
    restorations = facts.of_kind(EventKind.RESTORATION)
    specs = []
    # Years paid before the filing was recorded here need no deadline of their own.
    first_year = max(grant_year, facts.annuities_paid_through or 0) + 1
    for year in range(first_year, last_year + 1):
        base = add_years(facts.filing_date, year - 1)
        # Not due before the registration time limit: the notice to register lists every
        # year's fee that falls due by then (Guidelines V-9 §1.2.1).
        if registration_due is not None and base < registration_due:
            base = registration_due
        grace = time_limit_end(add_months(base, ANNUITY_GRACE_MONTHS))
        payment = paid.get(year, False)
        spec = DeadlineSpec(
            rule=DeadlineRule.ANNUITY,
            key=f"annuity:{year}",
            base_on=base,
            due_on=time_limit_end(base),
            grace_ends_on=grace,
            period=year,
            met_by_event_id=payment.id if payment else None,
            met_on=(payment.on if payment is not None else base) if payment is not False else None,
        )
        specs.append(spec)
        if payment is False and not any(r.on > base for r in restorations):
            break  # the first year not paid: later years follow once it is
    return specs


def trademark_terms(facts: FilingFacts) -> list[tuple[int, date, EventFact | None]]:
    """(term number, last day, the renewal that extended it or None) for each term so far.

    Trademark Law art. 39–40: 10 years from registration; each renewal runs 10 years from
    the day after the previous term ended.
    """
    if facts.grant_date is None:
        return []
    renewals = facts.of_kind(EventKind.RENEWAL_FILED)
    terms = []
    number, ends = 1, term_end(facts.grant_date, 10)
    while True:
        opens, grace = renewal_window(ends)
        renewal = next((r for r in renewals if opens <= r.on <= grace), None)
        terms.append((number, ends, renewal))
        if renewal is None or len(terms) > 100:
            return terms
        renewals.remove(renewal)
        number, ends = number + 1, term_end(ends + timedelta(days=1), 10)


def renewal_window(term_ends: date) -> tuple[date, date]:
    """(first day one may renew, last day of the grace period): the 12 months before the
    term ends (art. 40(1)) and 6 months' grace after it, moved to a working day."""
    return add_months(term_ends, -12) + timedelta(days=1), time_limit_end(add_months(term_ends, 6))


def derive_trademark_renewals(facts: FilingFacts) -> list[DeadlineSpec]:
    specs = []
    for number, ends, renewal in trademark_terms(facts):
        opens, grace = renewal_window(ends)
        # The term's last day is fixed by Trademark IR art. 12(2) and does not move; a
        # renewal after it falls in the grace period (and pays the late fee).
        specs.append(
            DeadlineSpec(
                rule=DeadlineRule.TRADEMARK_RENEWAL,
                key=f"renewal:{number}",
                base_on=ends,
                due_on=ends,
                grace_ends_on=grace,
                opens_on=opens,
                period=number,
                met_by_event_id=renewal.id if renewal else None,
                met_on=renewal.on if renewal else None,
            )
        )
    return specs


# --- The table -----------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    key: str
    kinds: frozenset[str]
    statuses: frozenset[str]  # the filing's statuses in which the rule applies
    action: Promise
    law: Promise
    consequence: Promise
    derive: Callable[[FilingFacts], list[DeadlineSpec]]


RULES: dict[str, Rule] = {
    rule.key: rule
    for rule in (
        Rule(
            DeadlineRule.SUBSTANTIVE_EXAMINATION,
            frozenset({FilingKind.INVENTION}),
            PENDING_STATUSES,
            _("Request substantive examination and pay the examination fee."),
            _("Patent Law art. 35(1): within 3 years of the filing date (the priority date, if claimed)."),
            _("The application is deemed withdrawn."),
            derive_substantive_examination,
        ),
        Rule(
            DeadlineRule.OFFICE_ACTION_RESPONSE,
            frozenset(FilingKind.values),  # software: only with the time limit its notice states
            PENDING_STATUSES,
            _("Answer the office action: submit observations or amendments."),
            _(
                "Patent Law art. 37: the time limit the notice sets, else 4 months for the first opinion on an "
                "invention and 2 months otherwise (Guidelines V-7 §1.2); trademarks 15 days (Trademark "
                "Implementing Regulations art. 23)."
            ),
            _("A patent application is deemed withdrawn; a trademark is examined as filed."),
            derive_office_action_responses,
        ),
        Rule(
            DeadlineRule.REEXAMINATION,
            frozenset(FilingKind.values),
            # Arises with the rejection; after a re-examination request the application is
            # pending again and the request shows as having met it.
            PENDING_STATUSES | {FilingStatus.REJECTED},
            _("Request re-examination of the rejection, if the company contests it."),
            _(
                "Patent Law art. 41(1): within 3 months of receiving the rejection; trademarks 15 days "
                "(Trademark Law art. 34)."
            ),
            _("The rejection becomes final."),
            derive_reexamination,
        ),
        Rule(
            DeadlineRule.REGISTRATION,
            PATENT_KINDS,
            frozenset({FilingStatus.GRANTED}),
            _("Complete the registration formalities and pay the annual fee for the grant year."),
            _(
                "Patent Law art. 39, 43; Implementing Regulations r. 54, r. 97 (2010 numbering): within 2 months "
                "of receiving the notice to grant."
            ),
            _("The right to obtain the patent is deemed abandoned."),
            derive_registration,
        ),
        Rule(
            DeadlineRule.ANNUITY,
            PATENT_KINDS,
            frozenset({FilingStatus.GRANTED}),
            _("Pay the annual fee for the next patent year."),
            _(
                "Patent Law art. 43–44; Implementing Regulations r. 98 (2010 numbering): due on the filing-date "
                "anniversary; 6 months' grace with a surcharge of 5 % of the fee for each month late after the "
                "first, up to 25 %."
            ),
            _("The patent lapses from the due date."),
            derive_annuities,
        ),
        Rule(
            DeadlineRule.TRADEMARK_RENEWAL,
            frozenset({FilingKind.TRADEMARK}),
            frozenset({FilingStatus.GRANTED}),
            _("File the renewal of the registration."),
            _(
                "Trademark Law art. 39–40: in the 12 months before the term ends, or in 6 months' grace after it "
                "(with a late fee); the new term runs 10 years from the day after the old one ends."
            ),
            _("The registration is cancelled."),
            derive_trademark_renewals,
        ),
    )
}


def derive_deadlines(facts: FilingFacts) -> list[DeadlineSpec]:
    """Every deadline the filing's facts give rise to, in the filing's current status."""
    if facts.filing_date is None:
        return []
    specs = []
    for rule in RULES.values():
        if facts.kind in rule.kinds and facts.status in rule.statuses:
            specs.extend(rule.derive(facts))
    return sorted(specs, key=lambda s: (s.due_on, s.key))


def expiry(facts: FilingFacts, *, published_on: date | None = None) -> date | None:
    """The day the right ends, as far as the facts tell."""
    if facts.kind in PATENT_KINDS:
        return patent_expiry(facts.kind, facts.filing_date) if facts.filing_date else None
    if facts.kind == FilingKind.TRADEMARK:
        terms = trademark_terms(facts)
        return terms[-1][1] if terms else None
    if facts.kind == FilingKind.SOFTWARE:
        return software_expiry(published_on) if published_on else None
    return None


# --- Application numbers -------------------------------------------------------------

CHECK_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)

# The type digit of a CN application number (the fifth digit) and the kinds it may carry.
TYPE_DIGITS = {
    "1": FilingKind.INVENTION,
    "2": FilingKind.UTILITY_MODEL,
    "3": FilingKind.DESIGN,
    "8": FilingKind.INVENTION,  # PCT application entering the national phase
    "9": FilingKind.UTILITY_MODEL,  # PCT application entering the national phase
}


def check_digit(twelve_digits: str) -> str:
    """The check character of a 12-digit CN application number: weighted sum mod 11, 10 → X."""
    total = sum(int(d) * w for d, w in zip(twelve_digits, CHECK_WEIGHTS, strict=True)) % 11
    return "X" if total == 10 else str(total)

"""The deadline rules, case by case, with concrete dates.

Each table is one rule of `patents.rules`; each row a filing's facts and the dates the law
gives. The holiday rows use the State Council's schedules for 2025 and 2026 (Spring
Festival, National Day and their make-up working days); two rows are the examples of the
Guidelines for Patent Examination, part V chapter 7 §2.3.
"""

from datetime import date

import pytest

from patents import rules
from patents.choices import DeadlineRule, DeadlineStatus, EventKind, FilingKind, FilingStatus
from patents.validators import normalise_application_number, validate_application_number

D = date
INV, UM, DES, TM, SW = (
    FilingKind.INVENTION,
    FilingKind.UTILITY_MODEL,
    FilingKind.DESIGN,
    FilingKind.TRADEMARK,
    FilingKind.SOFTWARE,
)


def facts(kind, status, filing_date, *events, **extra):
    numbered = tuple(
        rules.EventFact(id=index, kind=e[0], on=e[1], **(e[2] if len(e) > 2 else {}))
        for index, e in enumerate(events, start=1)
    )
    return rules.FilingFacts(kind=kind, status=status, filing_date=filing_date, events=numbered, **extra)


def only(specs, rule):
    found = [s for s in specs if s.rule == rule]
    assert found, f"no {rule} deadline in {specs}"
    return found


# --- A time limit that ends on a rest day moves to the next working day -----------------

WORKING_DAY_CASES = [
    # (nominal last day, last day after the move, why)
    (D(2025, 1, 28), D(2025, 2, 5), "Spring Festival 2025: 28 Jan – 4 Feb off"),
    (D(2025, 1, 31), D(2025, 2, 5), "Spring Festival 2025, a Friday inside the holiday"),
    (D(2025, 2, 4), D(2025, 2, 5), "Spring Festival 2025: the substituted day off"),
    (D(2025, 1, 26), D(2025, 1, 26), "make-up working Sunday before Spring Festival 2025"),
    (D(2025, 2, 8), D(2025, 2, 8), "make-up working Saturday after Spring Festival 2025"),
    (D(2025, 10, 1), D(2025, 10, 9), "National Day and Mid-Autumn 2025: 1–8 Oct off"),
    (D(2025, 10, 8), D(2025, 10, 9), "National Day 2025: the last substituted day off"),
    (D(2025, 9, 28), D(2025, 9, 28), "make-up working Sunday before National Day 2025"),
    (D(2025, 10, 11), D(2025, 10, 11), "make-up working Saturday after National Day 2025"),
    (D(2026, 2, 15), D(2026, 2, 24), "Spring Festival 2026: 15–23 Feb off"),
    (D(2026, 2, 20), D(2026, 2, 24), "Spring Festival 2026: a substituted day off"),
    (D(2026, 2, 14), D(2026, 2, 14), "make-up working Saturday before Spring Festival 2026"),
    (D(2026, 2, 28), D(2026, 2, 28), "make-up working Saturday after Spring Festival 2026"),
    (D(2026, 10, 1), D(2026, 10, 8), "National Day 2026: 1–7 Oct off"),
    (D(2026, 9, 20), D(2026, 9, 20), "make-up working Sunday before National Day 2026"),
    (D(2026, 10, 10), D(2026, 10, 10), "make-up working Saturday after National Day 2026"),
    (D(2026, 1, 1), D(2026, 1, 4), "New Year 2026: 1–3 Jan off, 4 Jan is a make-up working Sunday"),
    (D(2025, 3, 15), D(2025, 3, 17), "an ordinary Saturday"),
    (D(2025, 3, 17), D(2025, 3, 17), "an ordinary Monday"),
    (D(2007, 12, 30), D(2008, 1, 2), "Guidelines V-7 §2.3 example: New Year 2008"),
    (D(2008, 2, 6), D(2008, 2, 13), "Guidelines V-7 §2.3 example: Spring Festival 2008"),
]


@pytest.mark.parametrize(("nominal", "expected", "why"), WORKING_DAY_CASES, ids=[c[2] for c in WORKING_DAY_CASES])
def test_time_limit_moves_to_the_next_working_day(nominal, expected, why):
    assert rules.time_limit_end(nominal) == expected


def test_make_up_days_are_working_days_and_holidays_are_not():
    assert rules.is_working_day(D(2025, 1, 26)) and rules.is_working_day(D(2026, 1, 4))
    assert not rules.is_working_day(D(2025, 1, 29)) and not rules.is_working_day(D(2026, 10, 5))


# --- Terms (Patent Law art. 42; Trademark Law art. 39; software regulations art. 14) ----

TERM_CASES = [
    (INV, D(2021, 6, 1), D(2041, 5, 31)),
    (INV, D(2001, 3, 15), D(2021, 3, 14)),
    (UM, D(2020, 3, 15), D(2030, 3, 14)),
    (DES, D(2021, 5, 31), D(2031, 5, 30)),  # filed the day before the 2020 amendment: 10 years
    (DES, D(2021, 6, 1), D(2036, 5, 31)),  # filed the day it came into force: 15 years
    (DES, D(2024, 2, 29), D(2039, 2, 28)),  # no 29 February in 2039: the month's last day
]


@pytest.mark.parametrize(("kind", "filed", "expires"), TERM_CASES)
def test_patent_terms(kind, filed, expires):
    assert rules.patent_expiry(kind, filed) == expires


def test_the_term_runs_from_the_cn_filing_date_not_the_priority_date():
    f = facts(INV, FilingStatus.GRANTED, D(2021, 6, 1), priority_date=D(2020, 7, 1), grant_date=D(2024, 1, 5))
    assert rules.expiry(f) == D(2041, 5, 31)


@pytest.mark.parametrize(
    ("registered", "expires"),
    [(D(2015, 3, 14), D(2025, 3, 13)), (D(2016, 2, 29), D(2026, 2, 28)), (D(2020, 1, 1), D(2029, 12, 31))],
)
def test_trademark_term_is_ten_years_to_the_day_before(registered, expires):
    f = facts(TM, FilingStatus.GRANTED, D(2014, 1, 1), grant_date=registered)
    assert rules.expiry(f) == expires


def test_software_copyright_runs_to_the_end_of_the_fiftieth_year_and_has_nothing_to_renew():
    f = facts(SW, FilingStatus.GRANTED, D(2024, 6, 3), grant_date=D(2024, 8, 1))
    assert rules.expiry(f, published_on=D(2024, 5, 20)) == D(2074, 12, 31)
    assert rules.derive_deadlines(f) == []


# --- Substantive examination (Patent Law art. 35) -----------------------------------

EXAMINATION_CASES = [
    # (filing date, priority date, nominal end, due)
    (D(1998, 6, 1), None, D(2001, 6, 1), D(2001, 6, 1)),  # Guidelines V-7 §2.3: not 31 May
    (D(2022, 3, 15), None, D(2025, 3, 15), D(2025, 3, 17)),
    (D(2023, 1, 20), D(2022, 2, 1), D(2025, 2, 1), D(2025, 2, 5)),  # from the priority date, into Spring Festival
    (D(2022, 10, 1), None, D(2025, 10, 1), D(2025, 10, 9)),
    (D(2023, 2, 15), None, D(2026, 2, 15), D(2026, 2, 24)),
    (D(2023, 2, 28), None, D(2026, 2, 28), D(2026, 2, 28)),  # a make-up working Saturday
]


@pytest.mark.parametrize(("filed", "priority", "base", "due"), EXAMINATION_CASES)
def test_substantive_examination_within_three_years(filed, priority, base, due):
    spec = only(
        rules.derive_deadlines(facts(INV, FilingStatus.PUBLISHED, filed, priority_date=priority)),
        DeadlineRule.SUBSTANTIVE_EXAMINATION,
    )[0]
    assert (spec.base_on, spec.due_on) == (base, due)


def test_examination_request_meets_the_deadline_and_other_kinds_have_none():
    f = facts(INV, FilingStatus.UNDER_EXAMINATION, D(2022, 3, 15), (EventKind.EXAMINATION_REQUESTED, D(2023, 1, 9)))
    spec = only(rules.derive_deadlines(f), DeadlineRule.SUBSTANTIVE_EXAMINATION)[0]
    assert spec.met_on == D(2023, 1, 9) and spec.status_on(D(2026, 1, 1)) == DeadlineStatus.DONE
    assert rules.derive_deadlines(facts(UM, FilingStatus.FILED, D(2022, 3, 15))) == []


# --- Office actions (Patent Law art. 37; Guidelines V-7 §1.2; Trademark IR art. 23) ---

OFFICE_ACTION_CASES = [
    # (kind, events, due of the last office action)
    pytest.param(
        INV,
        [(EventKind.EXAMINATION_REQUESTED, D(2024, 1, 10)), (EventKind.OFFICE_ACTION, D(2024, 3, 4))],
        D(2024, 7, 4),
        id="first opinion on an invention: 4 months",
    ),
    pytest.param(
        INV,
        [
            (EventKind.EXAMINATION_REQUESTED, D(2024, 1, 10)),
            (EventKind.OFFICE_ACTION, D(2024, 3, 4)),
            (EventKind.RESPONSE_FILED, D(2024, 6, 20), {"answers_id": 2}),
            (EventKind.OFFICE_ACTION, D(2024, 9, 30)),
        ],
        D(2024, 12, 2),
        id="second opinion: 2 months, 30 Nov is a Saturday",
    ),
    pytest.param(
        INV, [(EventKind.OFFICE_ACTION, D(2024, 5, 6))], D(2024, 7, 8), id="preliminary-examination notice: 2 months"
    ),
    pytest.param(UM, [(EventKind.OFFICE_ACTION, D(2025, 8, 1))], D(2025, 10, 9), id="utility model into National Day"),
    pytest.param(
        UM, [(EventKind.OFFICE_ACTION, D(1999, 12, 31))], D(2000, 2, 29), id="Guidelines example: 2 months to 29 Feb"
    ),
    pytest.param(
        DES,
        [(EventKind.OFFICE_ACTION, D(2025, 11, 1), {"time_limit": D(2026, 1, 1)})],
        D(2026, 1, 4),
        id="the notice's own time limit, moved to a make-up working Sunday",
    ),
    pytest.param(TM, [(EventKind.OFFICE_ACTION, D(2025, 1, 13))], D(2025, 2, 5), id="trademark: 15 days"),
]


@pytest.mark.parametrize(("kind", "events", "due"), OFFICE_ACTION_CASES)
def test_office_action_response(kind, events, due):
    specs = only(
        rules.derive_deadlines(facts(kind, FilingStatus.UNDER_EXAMINATION, D(2023, 1, 1), *events)),
        DeadlineRule.OFFICE_ACTION_RESPONSE,
    )
    assert specs[-1].due_on == due


def test_a_response_meets_the_office_action_it_answers():
    f = facts(
        UM,
        FilingStatus.UNDER_EXAMINATION,
        D(2025, 1, 2),
        (EventKind.OFFICE_ACTION, D(2025, 3, 3)),
        (EventKind.RESPONSE_FILED, D(2025, 4, 1), {"answers_id": 1}),
    )
    spec = only(rules.derive_deadlines(f), DeadlineRule.OFFICE_ACTION_RESPONSE)[0]
    assert spec.met_by_event_id == 2 and spec.status_on(D(2025, 6, 1)) == DeadlineStatus.DONE


def test_software_office_action_without_a_time_limit_gives_no_default():
    assert rules.period_for(DeadlineRule.OFFICE_ACTION_RESPONSE, SW) is None


# --- Re-examination (Patent Law art. 41; Trademark Law art. 34) ----------------------

REEXAMINATION_CASES = [
    (INV, D(2025, 7, 1), D(2025, 10, 9)),
    (DES, D(2025, 11, 14), D(2026, 2, 14)),  # lands on a make-up working Saturday
    (UM, D(2025, 12, 20), D(2026, 3, 20)),
    (TM, D(2025, 9, 16), D(2025, 10, 9)),  # 15 days, into National Day
]


@pytest.mark.parametrize(("kind", "rejected_on", "due"), REEXAMINATION_CASES)
def test_reexamination_after_rejection(kind, rejected_on, due):
    f = facts(kind, FilingStatus.REJECTED, D(2023, 1, 1), (EventKind.REJECTION, rejected_on))
    assert only(rules.derive_deadlines(f), DeadlineRule.REEXAMINATION)[0].due_on == due


# --- Registration and the grant-year fee ---------------------------------------------

REGISTRATION_CASES = [
    # (filing date, notice received, notice's time limit, due, grant year)
    (D(2023, 5, 10), D(2025, 11, 28), None, D(2026, 1, 28), 3),
    (D(2023, 5, 10), D(2025, 12, 1), D(2026, 2, 16), D(2026, 2, 24), 3),  # stated limit in Spring Festival
    (D(2024, 8, 1), D(2025, 7, 31), None, D(2025, 9, 30), 1),
]


@pytest.mark.parametrize(("filed", "notice", "limit", "due", "year"), REGISTRATION_CASES)
def test_registration_and_grant_year_fee(filed, notice, limit, due, year):
    extra = {"time_limit": limit} if limit else {}
    f = facts(INV, FilingStatus.GRANTED, filed, (EventKind.GRANTED, notice, extra), grant_date=notice)
    spec = only(rules.derive_deadlines(f), DeadlineRule.REGISTRATION)[0]
    assert (spec.due_on, spec.period) == (due, year)


# --- Annual fees (Patent Law art. 43–44; IR r. 98, 2010 numbering) -------------------

ANNUITY_CASES = [
    # (kind, filed, granted, paid through, next year, base, due, grace ends)
    (UM, D(2020, 3, 15), D(2020, 11, 20), None, 2, D(2021, 3, 15), D(2021, 3, 15), D(2021, 9, 15)),
    # Due on the anniversary, a Sunday in National Day week 2023; 7 Oct was a make-up Saturday.
    (INV, D(2019, 10, 1), D(2023, 5, 10), 4, 5, D(2023, 10, 1), D(2023, 10, 7), D(2024, 4, 1)),
    # Filed on 29 February: the anniversary in a common year is 28 February.
    (INV, D(2016, 2, 29), D(2018, 6, 1), 9, 10, D(2025, 2, 28), D(2025, 2, 28), D(2025, 8, 28)),
    # Due 28 Jan 2025 (Spring Festival): due 5 Feb; grace to 28 Jul.
    (DES, D(2022, 1, 28), D(2022, 9, 1), 3, 4, D(2025, 1, 28), D(2025, 2, 5), D(2025, 7, 28)),
    # Grace ends on 13 Sep 2025, a Saturday.
    (UM, D(2021, 3, 13), D(2021, 10, 8), 4, 5, D(2025, 3, 13), D(2025, 3, 13), D(2025, 9, 15)),
]


@pytest.mark.parametrize(("kind", "filed", "granted", "paid", "year", "base", "due", "grace"), ANNUITY_CASES)
def test_next_annual_fee(kind, filed, granted, paid, year, base, due, grace):
    f = facts(kind, FilingStatus.GRANTED, filed, grant_date=granted, annuities_paid_through=paid)
    spec = only(rules.derive_deadlines(f), DeadlineRule.ANNUITY)[-1]
    assert (spec.period, spec.base_on, spec.due_on, spec.grace_ends_on) == (year, base, due, grace)


SURCHARGE_CASES = [
    # due 2025-03-10: nothing within the first month, then 5 % a month, 25 % in the sixth
    (D(2025, 3, 10), 0),
    (D(2025, 4, 10), 0),
    (D(2025, 4, 11), 5),
    (D(2025, 5, 10), 5),
    (D(2025, 5, 11), 10),
    (D(2025, 8, 11), 25),
    (D(2025, 9, 10), 25),
    (D(2025, 9, 11), None),
]


@pytest.mark.parametrize(("paid_on", "percent"), SURCHARGE_CASES)
def test_annual_fee_surcharge(paid_on, percent):
    assert rules.annuity_surcharge_percent(D(2025, 3, 10), paid_on, D(2025, 9, 10)) == percent


def test_grace_moved_to_a_working_day_still_costs_25_percent():
    # Due 13 Mar 2025: grace ends Saturday 13 Sep, moved to Monday 15 Sep.
    assert rules.annuity_surcharge_percent(D(2025, 3, 13), D(2025, 9, 15), D(2025, 9, 15)) == 25


def test_annual_fees_stop_at_the_first_unpaid_year_and_lapse_after_grace():
    f = facts(
        UM,
        FilingStatus.GRANTED,
        D(2020, 3, 15),
        (EventKind.ANNUITY_PAID, D(2021, 3, 1), {"period": 2}),
        grant_date=D(2020, 11, 20),
    )
    specs = only(rules.derive_deadlines(f), DeadlineRule.ANNUITY)
    assert [s.period for s in specs] == [2, 3]
    assert specs[0].status_on(D(2022, 1, 1)) == DeadlineStatus.DONE
    assert specs[1].status_on(D(2022, 9, 15)) == DeadlineStatus.OPEN  # last day of grace
    assert specs[1].status_on(D(2022, 9, 16)) == DeadlineStatus.MISSED


def test_last_annual_fee_is_for_the_last_patent_year():
    f = facts(UM, FilingStatus.GRANTED, D(2016, 5, 3), grant_date=D(2016, 12, 1), annuities_paid_through=9)
    specs = only(rules.derive_deadlines(f), DeadlineRule.ANNUITY)
    assert [(s.period, s.base_on) for s in specs] == [(10, D(2025, 5, 3))]
    f = facts(UM, FilingStatus.GRANTED, D(2016, 5, 3), grant_date=D(2016, 12, 1), annuities_paid_through=10)
    assert [s for s in rules.derive_deadlines(f) if s.rule == DeadlineRule.ANNUITY] == []


def test_next_fee_after_a_notice_to_grant_is_not_due_before_the_registration():
    # Notice received 2025-02-20, registration due 2025-04-21; the year-3 fee falls due on
    # 2025-03-01, inside that time limit: it is asked for with the registration.
    f = facts(INV, FilingStatus.GRANTED, D(2023, 3, 1), (EventKind.GRANTED, D(2025, 2, 20)), grant_date=D(2025, 2, 20))
    specs = rules.derive_deadlines(f)
    registration = only(specs, DeadlineRule.REGISTRATION)[0]
    annuity = only(specs, DeadlineRule.ANNUITY)[0]
    assert (registration.period, registration.due_on) == (2, D(2025, 4, 21))
    assert (annuity.period, annuity.due_on) == (3, D(2025, 4, 21))


# --- Trademark renewal (Trademark Law art. 40) -------------------------------------

RENEWAL_CASES = [
    # (registered, renewals, term number, window opens, term ends, grace ends)
    (D(2015, 3, 14), [], 1, D(2024, 3, 14), D(2025, 3, 13), D(2025, 9, 15)),
    # Renewed in the grace period: the new term still runs from the day after the old one ended.
    (D(2015, 3, 14), [D(2025, 6, 1)], 2, D(2034, 3, 14), D(2035, 3, 13), D(2035, 9, 13)),
    # Renewed in the window before expiry.
    (D(2015, 3, 14), [D(2024, 12, 1)], 2, D(2034, 3, 14), D(2035, 3, 13), D(2035, 9, 13)),
    # A "renewal" before the window opened renews nothing.
    (D(2015, 3, 14), [D(2024, 3, 13)], 1, D(2024, 3, 14), D(2025, 3, 13), D(2025, 9, 15)),
    # Registered 1 Oct 2016: the term ends 30 Sep 2026, grace to 30 Mar 2027.
    (D(2016, 10, 1), [], 1, D(2025, 10, 1), D(2026, 9, 30), D(2027, 3, 30)),
]


@pytest.mark.parametrize(("registered", "renewals", "term", "opens", "ends", "grace"), RENEWAL_CASES)
def test_trademark_renewal(registered, renewals, term, opens, ends, grace):
    f = facts(
        TM,
        FilingStatus.GRANTED,
        D(2014, 6, 1),
        *[(EventKind.RENEWAL_FILED, day) for day in renewals],
        grant_date=registered,
    )
    spec = only(rules.derive_deadlines(f), DeadlineRule.TRADEMARK_RENEWAL)[-1]
    assert (spec.period, spec.opens_on, spec.due_on, spec.grace_ends_on) == (term, opens, ends, grace)


def test_trademark_renewed_in_grace_is_done_and_the_registration_runs_on():
    f = facts(
        TM, FilingStatus.GRANTED, D(2014, 6, 1), (EventKind.RENEWAL_FILED, D(2025, 6, 1)), grant_date=D(2015, 3, 14)
    )
    first, second = only(rules.derive_deadlines(f), DeadlineRule.TRADEMARK_RENEWAL)
    assert first.status_on(D(2025, 7, 1)) == DeadlineStatus.DONE
    assert second.status_on(D(2025, 7, 1)) == DeadlineStatus.OPEN
    assert rules.expiry(f) == D(2035, 3, 13)


# --- Rules apply only in the statuses they belong to --------------------------------


def test_a_withdrawn_or_draft_filing_has_no_deadlines():
    assert rules.derive_deadlines(facts(INV, FilingStatus.WITHDRAWN, D(2022, 3, 15))) == []
    assert rules.derive_deadlines(facts(INV, FilingStatus.DRAFT, None)) == []


def test_a_rejection_closes_the_office_actions_before_it():
    f = facts(
        INV,
        FilingStatus.UNDER_EXAMINATION,
        D(2022, 1, 4),
        (EventKind.OFFICE_ACTION, D(2023, 3, 1)),
        (EventKind.REJECTION, D(2023, 9, 1)),
        (EventKind.REEXAMINATION_REQUESTED, D(2023, 10, 9), {"answers_id": 2}),
    )
    assert [s for s in rules.derive_deadlines(f) if s.rule == DeadlineRule.OFFICE_ACTION_RESPONSE] == []


# --- Application numbers: format, check digit, type digit ---------------------------

VALID_NUMBERS = [
    ("202110123456.7", INV),
    ("2021101234567", INV),  # without the dot
    ("CN202110123456.7", INV),  # with the country prefix
    ("ZL 2021 1 0123456.7", INV),  # as printed on a certificate
    ("202321000006.X", UM),  # check digit 10 is written X
    ("201830123450.9", DES),
    ("202180012345.7", INV),  # PCT application in the national phase
    ("202291000003.X", UM),  # PCT utility model
]


@pytest.mark.parametrize(("number", "kind"), VALID_NUMBERS)
def test_valid_application_numbers(number, kind):
    normalised = normalise_application_number(number)
    validate_application_number(normalised, kind)
    assert normalised[-2] == "." and len(normalised) == 14


INVALID_NUMBERS = [
    ("202110123456.8", INV, "checksum"),
    ("202321000006.0", UM, "checksum"),
    ("202110123456.7", UM, "type_digit"),  # an invention's number on a utility model
    ("201830123450.9", INV, "type_digit"),
    ("202140123456.1", INV, "format"),  # 4 is not a type digit
    ("98123456.X", INV, "format"),  # the pre-2003 format
    ("20211012345.7", INV, "format"),  # a digit short
]


@pytest.mark.parametrize(("number", "kind", "code"), INVALID_NUMBERS)
def test_invalid_application_numbers(number, kind, code):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        validate_application_number(normalise_application_number(number), kind)
    assert error.value.code == code


def test_check_digit_is_the_weighted_sum_mod_11():
    # 2·2+0·3+2·4+1·5+1·6+0·7+1·8+2·9+3·2+4·3+5·4+6·5 = 117; 117 mod 11 = 7
    assert rules.check_digit("202110123456") == "7"
    assert rules.check_digit("202321000006") == "X"

"""The services of the patents app: each rule as the app applies it, and each refused change.

Today is Monday 2026-03-02 throughout (see conftest.fixed_today)."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from incubator.errors import Conflict, InvalidTransition, NotAllowed
from patents import services
from patents.choices import DeadlineRule, DeadlineStatus, EventKind, FilingStatus
from patents.models import Deadline, Filing, FilingEvent
from tests.factories import MembershipFactory, UserFactory
from tests.patents.conftest import TODAY, record
from tests.patents.factories import cn_number

pytestmark = pytest.mark.django_db


def deadline(filing, rule, **filters):
    return Deadline.objects.filter(filing=filing, rule=rule, **filters).order_by("-due_on").first()


# --- Recording filings ---------------------------------------------------------------


class TestFilingRules:
    def test_status_follows_the_dates(self, company_a, maker_a):
        draft = services.filing_create(by=maker_a, company=company_a, kind="trademark", title="榫语")
        assert draft.status == FilingStatus.DRAFT and not draft.deadlines.exists()
        filed = services.filing_create(
            by=maker_a, company=company_a, kind="design", title="茶几", filing_date=date(2025, 5, 6)
        )
        assert filed.status == FilingStatus.FILED
        assert filed.expires_on == date(2040, 5, 5)

    def test_wrong_check_digit_is_refused(self, company_a, maker_a):
        with pytest.raises(ValidationError) as error:
            services.filing_create(
                by=maker_a,
                company=company_a,
                kind="invention",
                title="x",
                application_number="202110123456.8",
                filing_date=date(2021, 3, 1),
            )
        assert "校验位" in str(error.value.message_dict["application_number"])
        assert not Filing.objects.exists()

    def test_type_digit_must_agree_with_the_kind(self, company_a, maker_a):
        with pytest.raises(ValidationError) as error:
            services.filing_create(
                by=maker_a,
                company=company_a,
                kind="design",
                title="x",
                application_number=cn_number("invention", 2021, 1000001),
                filing_date=date(2021, 3, 1),
            )
        assert "application_number" in error.value.message_dict

    def test_number_is_normalised(self, company_a, maker_a):
        filing = services.filing_create(
            by=maker_a,
            company=company_a,
            kind="invention",
            title="x",
            application_number="CN 2021101234567",
            filing_date=date(2021, 3, 1),
        )
        assert filing.application_number == "202110123456.7"

    def test_grant_before_filing_and_priority_after_filing_are_refused(self, company_a, maker_a):
        with pytest.raises(ValidationError) as error:
            services.filing_create(
                by=maker_a,
                company=company_a,
                kind="utility_model",
                title="x",
                filing_date=date(2024, 3, 15),
                grant_date=date(2024, 3, 14),
                priority_date=date(2024, 3, 16),
            )
        assert {"grant_date", "priority_date"} <= set(error.value.message_dict)
        assert "授权日不能早于申请日" in str(error.value.message_dict["grant_date"])

    def test_fields_that_do_not_fit_the_kind_are_refused(self, company_a, maker_a):
        with pytest.raises(ValidationError) as error:
            services.filing_create(
                by=maker_a,
                company=company_a,
                kind="invention",
                title="x",
                filing_date=date(2024, 3, 15),
                nice_classes=[9],
                annuities_paid_through=2,
            )
        assert {"nice_classes", "annuities_paid_through"} <= set(error.value.message_dict)

    def test_an_application_number_is_recorded_once(self, invention_a, company_a, maker_a):
        with pytest.raises(Conflict) as error:
            services.filing_create(
                by=maker_a,
                company=company_a,
                kind="invention",
                title="重复",
                application_number=invention_a.application_number,
                filing_date=date(2023, 3, 16),
            )
        assert error.value.code == "duplicate_number"

    def test_only_members_and_site_staff_record(self, company_a, maker_b, district, staff):
        for outsider in (maker_b, district):
            with pytest.raises(NotAllowed):
                services.filing_create(by=outsider, company=company_a, kind="trademark", title="抢注")
        services.filing_create(by=staff, company=company_a, kind="trademark", title="榫语")

    def test_a_corrected_filing_date_moves_its_deadlines(self, invention_a, maker_a):
        assert deadline(invention_a, DeadlineRule.SUBSTANTIVE_EXAMINATION).due_on == date(2026, 3, 16)
        services.filing_update(filing=invention_a, by=maker_a, filing_date=date(2023, 4, 5))
        row = deadline(invention_a, DeadlineRule.SUBSTANTIVE_EXAMINATION)
        assert (row.base_on, row.due_on) == (date(2026, 4, 5), date(2026, 4, 7))  # Qingming, 4–6 April
        assert row.status == DeadlineStatus.OPEN
        assert Deadline.objects.filter(filing=invention_a).count() == 1

    def test_the_kind_changes_only_while_a_draft(self, invention_a, company_a, maker_a):
        with pytest.raises(ValidationError):
            services.filing_update(filing=invention_a, by=maker_a, kind="utility_model")
        draft = services.filing_create(by=maker_a, company=company_a, kind="trademark", title="x")
        assert services.filing_update(filing=draft, by=maker_a, kind="software").kind == "software"

    def test_withdrawing_closes_the_open_deadlines(self, invention_a, maker_a):
        services.filing_withdraw(filing=invention_a, by=maker_a)
        row = deadline(invention_a, DeadlineRule.SUBSTANTIVE_EXAMINATION)
        assert row.status == DeadlineStatus.WAIVED and row.waive_reason == services.AUTO_WAIVE_REASON
        with pytest.raises(InvalidTransition):
            services.filing_withdraw(filing=invention_a, by=maker_a)

    def test_a_granted_filing_cannot_be_withdrawn_and_only_drafts_are_deleted(self, utility_a, maker_a, company_a):
        with pytest.raises(InvalidTransition):
            services.filing_withdraw(filing=utility_a, by=maker_a)
        with pytest.raises(InvalidTransition):
            services.filing_delete(filing=utility_a, by=maker_a)
        draft = services.filing_create(by=maker_a, company=company_a, kind="trademark", title="x")
        services.filing_delete(filing=draft, by=maker_a)
        assert not Filing.objects.filter(pk=draft.pk).exists()


# --- Events and the deadlines they give ----------------------------------------------


class TestExaminationAndOfficeActions:
    def test_requesting_examination_meets_the_deadline(self, invention_a, maker_a):
        assert deadline(invention_a, DeadlineRule.SUBSTANTIVE_EXAMINATION).status == DeadlineStatus.OPEN
        record(invention_a, EventKind.EXAMINATION_REQUESTED, date(2026, 2, 27), maker_a)
        invention_a.refresh_from_db()
        row = deadline(invention_a, DeadlineRule.SUBSTANTIVE_EXAMINATION)
        assert row.status == DeadlineStatus.DONE and row.closed_on == date(2026, 2, 27)
        assert invention_a.status == FilingStatus.UNDER_EXAMINATION

    def test_a_utility_model_has_no_substantive_examination(self, utility_a, maker_a):
        with pytest.raises(ValidationError) as error:
            record(utility_a, EventKind.EXAMINATION_REQUESTED, date(2026, 2, 27), maker_a)
        assert "kind" in error.value.message_dict

    def test_office_action_response_four_then_two_months(self, invention_a, maker_a):
        record(invention_a, EventKind.EXAMINATION_REQUESTED, date(2025, 1, 6), maker_a)
        first = record(invention_a, EventKind.OFFICE_ACTION, date(2025, 6, 1), maker_a)
        assert deadline(invention_a, DeadlineRule.OFFICE_ACTION_RESPONSE).due_on == date(2025, 10, 9)  # 4 months
        row = Deadline.objects.get(source_event=first)
        assert row.status == DeadlineStatus.MISSED  # nobody answered by 9 Oct 2025
        record(invention_a, EventKind.RESPONSE_FILED, date(2025, 9, 30), maker_a)
        row.refresh_from_db()
        assert row.status == DeadlineStatus.DONE
        second = record(invention_a, EventKind.OFFICE_ACTION, date(2026, 1, 16), maker_a)
        assert Deadline.objects.get(source_event=second).due_on == date(2026, 3, 16)  # 2 months; 16 Mar

    def test_the_time_limit_of_the_notice_wins(self, invention_a, maker_a):
        notice = record(invention_a, EventKind.OFFICE_ACTION, date(2026, 1, 5), maker_a, time_limit=date(2026, 2, 15))
        assert Deadline.objects.get(source_event=notice).due_on == date(2026, 2, 24)

    def test_a_response_needs_a_notice_and_answers_it_once(self, invention_a, maker_a):
        with pytest.raises(ValidationError):
            record(invention_a, EventKind.RESPONSE_FILED, date(2026, 1, 5), maker_a)
        notice = record(invention_a, EventKind.OFFICE_ACTION, date(2026, 1, 5), maker_a)
        record(invention_a, EventKind.RESPONSE_FILED, date(2026, 2, 5), maker_a)
        with pytest.raises(Conflict) as error:
            record(invention_a, EventKind.RESPONSE_FILED, date(2026, 2, 6), maker_a, answers=notice)
        assert error.value.code == "already_answered"

    def test_dates_in_the_future_or_before_filing_are_refused(self, invention_a, maker_a):
        with pytest.raises(ValidationError) as error:
            record(invention_a, EventKind.OFFICE_ACTION, date(2026, 3, 3), maker_a)
        assert "on" in error.value.message_dict
        with pytest.raises(ValidationError):
            record(invention_a, EventKind.OFFICE_ACTION, date(2023, 3, 15), maker_a)

    def test_only_notices_set_a_time_limit(self, invention_a, maker_a):
        with pytest.raises(ValidationError) as error:
            record(invention_a, EventKind.EXAMINATION_REQUESTED, date(2026, 1, 5), maker_a, time_limit=date(2026, 5, 1))
        assert "time_limit" in error.value.message_dict

    def test_a_software_notice_must_state_its_time_limit(self, company_a, maker_a):
        software = services.filing_create(
            by=maker_a, company=company_a, kind="software", title="设计软件 V1.0", filing_date=date(2026, 1, 5)
        )
        with pytest.raises(ValidationError) as error:
            record(software, EventKind.OFFICE_ACTION, date(2026, 2, 2), maker_a)
        assert "time_limit" in error.value.message_dict
        record(software, EventKind.OFFICE_ACTION, date(2026, 2, 2), maker_a, time_limit=date(2026, 3, 4))
        assert deadline(software, DeadlineRule.OFFICE_ACTION_RESPONSE).due_on == date(2026, 3, 4)

    def test_rejection_and_reexamination(self, invention_a, maker_a):
        with pytest.raises(InvalidTransition):
            record(invention_a, EventKind.REEXAMINATION_REQUESTED, date(2026, 1, 5), maker_a)
        record(invention_a, EventKind.EXAMINATION_REQUESTED, date(2025, 1, 6), maker_a)
        record(invention_a, EventKind.REJECTION, date(2025, 11, 20), maker_a)
        invention_a.refresh_from_db()
        assert invention_a.status == FilingStatus.REJECTED
        row = deadline(invention_a, DeadlineRule.REEXAMINATION)
        assert (row.base_on, row.due_on, row.status) == (date(2026, 2, 20), date(2026, 2, 24), DeadlineStatus.MISSED)
        record(invention_a, EventKind.REEXAMINATION_REQUESTED, date(2026, 2, 24), maker_a)
        row.refresh_from_db()
        invention_a.refresh_from_db()
        assert row.status == DeadlineStatus.DONE and invention_a.status == FilingStatus.UNDER_EXAMINATION


class TestGrantAndAnnualFees:
    def test_grant_notice_sets_the_grant_and_asks_for_registration(self, invention_a, maker_a):
        record(invention_a, EventKind.EXAMINATION_REQUESTED, date(2024, 1, 8), maker_a)
        record(invention_a, EventKind.GRANTED, date(2026, 2, 10), maker_a, reference="ZL202310123456.7")
        invention_a.refresh_from_db()
        assert invention_a.status == FilingStatus.GRANTED and invention_a.grant_date == date(2026, 2, 10)
        assert invention_a.grant_number == "ZL202310123456.7"
        row = deadline(invention_a, DeadlineRule.REGISTRATION)
        assert (row.period, row.due_on, row.status) == (3, date(2026, 4, 10), DeadlineStatus.OPEN)
        # The next fee (year 4, due 16 Mar 2026) waits for the registration time limit.
        assert deadline(invention_a, DeadlineRule.ANNUITY).due_on == date(2026, 4, 10)
        record(invention_a, EventKind.ANNUITY_PAID, date(2026, 3, 1), maker_a, period=3)
        row.refresh_from_db()
        assert row.status == DeadlineStatus.DONE

    def test_annual_fee_deadline_shows_the_grace_period(self, utility_a, maker_a):
        row = deadline(utility_a, DeadlineRule.ANNUITY)
        assert (row.period, row.base_on, row.due_on, row.grace_ends_on) == (
            3,
            date(2026, 3, 15),
            date(2026, 3, 16),
            date(2026, 9, 15),
        )
        record(utility_a, EventKind.ANNUITY_PAID, date(2026, 3, 2), maker_a, period=3)
        row.refresh_from_db()
        assert row.status == DeadlineStatus.DONE
        assert deadline(utility_a, DeadlineRule.ANNUITY).period == 4

    def test_an_annual_fee_for_a_filing_never_granted_is_refused(self, invention_a, maker_a):
        with pytest.raises(ValidationError) as error:
            record(invention_a, EventKind.ANNUITY_PAID, date(2026, 3, 2), maker_a, period=3)
        assert "尚未授权" in str(error.value.message_dict["kind"])
        assert not FilingEvent.objects.filter(filing=invention_a).exists()

    def test_annual_fee_years_are_checked(self, utility_a, maker_a):
        with pytest.raises(ValidationError) as error:
            record(utility_a, EventKind.ANNUITY_PAID, date(2026, 3, 2), maker_a)
        assert "period" in error.value.message_dict
        with pytest.raises(ValidationError):
            record(utility_a, EventKind.ANNUITY_PAID, date(2026, 3, 2), maker_a, period=11)
        with pytest.raises(Conflict) as error:
            record(utility_a, EventKind.ANNUITY_PAID, date(2026, 3, 2), maker_a, period=2)
        assert error.value.code == "already_paid"
        record(utility_a, EventKind.ANNUITY_PAID, date(2026, 3, 2), maker_a, period=3)
        with pytest.raises(Conflict):
            record(utility_a, EventKind.ANNUITY_PAID, date(2026, 3, 2), maker_a, period=3)

    def test_a_fee_after_the_grace_period_is_refused(self, company_a, maker_a):
        lapsing = services.filing_create(
            by=maker_a,
            company=company_a,
            kind="utility_model",
            title="x",
            filing_date=date(2022, 5, 4),
            grant_date=date(2022, 12, 1),
            annuities_paid_through=2,
        )
        row = deadline(lapsing, DeadlineRule.ANNUITY)
        assert (row.period, row.grace_ends_on, row.status) == (3, date(2024, 11, 4), DeadlineStatus.MISSED)
        with pytest.raises(ValidationError) as error:
            record(lapsing, EventKind.ANNUITY_PAID, date(2024, 11, 5), maker_a, period=3)
        assert "恢复权利" in str(error.value.message_dict["on"])

    def test_lapse_and_restoration(self, utility_a, maker_a):
        with pytest.raises(InvalidTransition):
            record(utility_a, EventKind.RESTORATION, date(2026, 2, 1), maker_a)
        record(utility_a, EventKind.LAPSE, date(2026, 2, 1), maker_a)
        utility_a.refresh_from_db()
        assert utility_a.status == FilingStatus.LAPSED
        assert deadline(utility_a, DeadlineRule.ANNUITY).status == DeadlineStatus.WAIVED
        with pytest.raises(InvalidTransition):
            record(utility_a, EventKind.ANNUITY_PAID, date(2026, 2, 2), maker_a, period=3)
        record(utility_a, EventKind.RESTORATION, date(2026, 2, 20), maker_a)
        utility_a.refresh_from_db()
        assert utility_a.status == FilingStatus.GRANTED
        assert deadline(utility_a, DeadlineRule.ANNUITY).status == DeadlineStatus.OPEN


class TestTrademarks:
    def test_renewal_window_and_grace(self, trademark_a, maker_a):
        row = deadline(trademark_a, DeadlineRule.TRADEMARK_RENEWAL)
        assert (row.opens_on, row.due_on, row.grace_ends_on) == (date(2025, 5, 7), date(2026, 5, 6), date(2026, 11, 6))
        assert trademark_a.expires_on == date(2026, 5, 6)
        with pytest.raises(ValidationError) as error:
            record(trademark_a, EventKind.RENEWAL_FILED, date(2025, 5, 6), maker_a)
        assert "2025-05-07" in str(error.value.message_dict["on"])

    def test_renewed_in_grace_runs_ten_years_from_the_old_expiry(self, trademark_a, maker_a):
        record(trademark_a, EventKind.RENEWAL_FILED, date(2026, 9, 1), maker_a, today=date(2026, 9, 1))
        trademark_a.refresh_from_db()
        assert trademark_a.expires_on == date(2036, 5, 6)
        first, second = Deadline.objects.filter(filing=trademark_a).order_by("period")
        assert first.status == DeadlineStatus.DONE and first.closed_on == date(2026, 9, 1)
        assert (second.period, second.due_on, second.status) == (2, date(2036, 5, 6), DeadlineStatus.OPEN)

    def test_a_renewal_after_the_grace_period_is_refused(self, trademark_a, maker_a):
        with pytest.raises(ValidationError) as error:
            record(trademark_a, EventKind.RENEWAL_FILED, date(2026, 11, 9), maker_a, today=date(2026, 11, 9))
        assert "注销" in str(error.value.message_dict["on"])

    def test_patents_are_not_renewed(self, utility_a, maker_a):
        with pytest.raises(ValidationError):
            record(utility_a, EventKind.RENEWAL_FILED, date(2026, 3, 1), maker_a)


# --- Waiving -----------------------------------------------------------------------


class TestWaiving:
    def test_owner_waives_with_a_reason_and_it_stays_waived(self, utility_a, maker_a):
        row = deadline(utility_a, DeadlineRule.ANNUITY)
        with pytest.raises(ValidationError):
            services.deadline_waive(deadline=row, by=maker_a, reason="  ")
        services.deadline_waive(deadline=row, by=maker_a, reason="不再维持该专利")
        services.filing_deadlines_recompute(filing=utility_a)
        row.refresh_from_db()
        assert row.status == DeadlineStatus.WAIVED and row.waived_by == maker_a
        with pytest.raises(InvalidTransition):
            services.deadline_waive(deadline=row, by=maker_a, reason="again")
        # Paid after all: the deadline is done.
        record(utility_a, EventKind.ANNUITY_PAID, date(2026, 3, 2), maker_a, period=3)
        row.refresh_from_db()
        assert row.status == DeadlineStatus.DONE and row.waive_reason == ""

    def test_a_plain_member_or_the_district_cannot_waive(self, utility_a, company_a, district, staff):
        member = UserFactory(email="member@example.org")
        MembershipFactory(company=company_a, user=member, role="member")
        row = deadline(utility_a, DeadlineRule.ANNUITY)
        for user in (member, district):
            with pytest.raises(NotAllowed):
                services.deadline_waive(deadline=row, by=user, reason="x")
        services.deadline_waive(deadline=row, by=staff, reason="公司决定放弃")

    def test_recomputing_twice_changes_nothing(self, invention_a, utility_a, trademark_a):
        before = list(Deadline.objects.order_by("pk").values())
        for filing in (invention_a, utility_a, trademark_a):
            services.filing_deadlines_recompute(filing=filing)
        assert list(Deadline.objects.order_by("pk").values()) == before


# --- The daily sweep -----------------------------------------------------------------


class TestSweep:
    def test_unpaid_after_grace_lapses_from_the_due_date(self, utility_a, maker_a):
        result = services.deadlines_sweep(today=date(2026, 9, 16))
        utility_a.refresh_from_db()
        row = Deadline.objects.get(filing=utility_a, rule=DeadlineRule.ANNUITY, period=3)
        assert (row.status, row.flagged_on) == (DeadlineStatus.MISSED, date(2026, 9, 16))
        assert utility_a.status == FilingStatus.LAPSED and result.lapsed == 1
        lapse = utility_a.events.get(kind=EventKind.LAPSE)
        assert lapse.on == date(2026, 3, 15) and lapse.recorded_by is None
        again = services.deadlines_sweep(today=date(2026, 9, 17))
        assert (again.flagged, again.lapsed) == (0, 0)
        assert utility_a.events.filter(kind=EventKind.LAPSE).count() == 1

    def test_nothing_happens_on_the_last_day_of_grace(self, utility_a):
        services.deadlines_sweep(today=date(2026, 9, 15))
        utility_a.refresh_from_db()
        assert utility_a.status == FilingStatus.GRANTED

    def test_a_fee_paid_in_grace_but_recorded_after_the_lapse_undoes_it(self, utility_a, maker_a):
        services.deadlines_sweep(today=date(2026, 9, 16))
        record(utility_a, EventKind.ANNUITY_PAID, date(2026, 9, 10), maker_a, period=3, today=date(2026, 9, 17))
        utility_a.refresh_from_db()
        assert utility_a.status == FilingStatus.GRANTED
        assert not utility_a.events.filter(kind=EventKind.LAPSE).exists()
        row = Deadline.objects.get(filing=utility_a, period=3)
        assert row.status == DeadlineStatus.DONE

    def test_an_unrenewed_trademark_expires_after_grace(self, trademark_a):
        services.deadlines_sweep(today=date(2026, 11, 7))
        trademark_a.refresh_from_db()
        assert trademark_a.status == FilingStatus.EXPIRED

    def test_a_patent_expires_when_its_term_ends(self, company_a, maker_a):
        old = services.filing_create(
            by=maker_a,
            company=company_a,
            kind="design",
            title="榫卯酒架",
            filing_date=date(2016, 3, 1),
            grant_date=date(2016, 9, 1),
            annuities_paid_through=10,
        )
        assert old.expires_on == date(2026, 2, 28)
        assert services.deadlines_sweep(today=TODAY).expired == 1
        old.refresh_from_db()
        assert old.status == FilingStatus.EXPIRED


@pytest.mark.django_db(transaction=True)
def test_two_people_recording_the_same_annual_fee_at_once_record_it_once(company_a, maker_a, staff):
    filing = services.filing_create(
        by=maker_a,
        company=company_a,
        kind="utility_model",
        title="并发",
        filing_date=date(2024, 3, 15),
        grant_date=date(2024, 10, 18),
        annuities_paid_through=2,
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def pay(user):
        try:
            barrier.wait()
            services.filing_event_record(
                filing=filing, by=user, kind=EventKind.ANNUITY_PAID, on=date(2026, 3, 1), period=3, today=TODAY
            )
            outcomes.append("paid")
        except Conflict:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(user,)) for user in (maker_a, staff)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["paid", "refused"]
    assert FilingEvent.objects.filter(filing=filing, kind=EventKind.ANNUITY_PAID, period=3).count() == 1
    assert Deadline.objects.get(filing=filing, period=3).status == DeadlineStatus.DONE


def test_the_database_refuses_a_second_payment_for_a_year(utility_a, maker_a):
    from django.db import IntegrityError, transaction

    FilingEvent.objects.create(filing=utility_a, kind=EventKind.ANNUITY_PAID, on=date(2026, 3, 1), period=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        FilingEvent.objects.create(filing=utility_a, kind=EventKind.ANNUITY_PAID, on=date(2026, 3, 2), period=3)

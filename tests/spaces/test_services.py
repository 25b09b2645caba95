"""Every rule of the spaces app, with the cases it refuses."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from companies.models import Residency
from incubator.errors import Conflict, InvalidTransition, NotAllowed
from incubator.models import Notification
from spaces import services
from spaces.choices import SpaceKind, SpaceRequestStatus, SubsidyKind
from spaces.models import Allocation, Space, SpaceRequest
from tests.factories import MembershipFactory, SiteFactory, UserFactory, resident_company
from tests.spaces.conftest import DEC, JUN, MAR, SEP
from tests.spaces.factories import office, open_desks

pytestmark = pytest.mark.django_db


def conflict_code(call) -> str:
    with pytest.raises(Conflict) as error:
        call()
    return error.value.code


class TestOfficeRule:
    def test_an_office_holds_one_allocation_at_a_time(self, allocate, office_a, company_a, site_a):
        allocate(office_a, company_a, MAR, SEP)
        neighbour = resident_company(site=site_a)
        assert conflict_code(lambda: allocate(office_a, neighbour, JUN, DEC)) == "overlap"
        assert conflict_code(lambda: allocate(office_a, neighbour, date(2026, 1, 1), date(2026, 3, 2))) == "overlap"
        assert conflict_code(lambda: allocate(office_a, neighbour, date(2026, 4, 1), date(2026, 5, 1))) == "overlap"
        assert Allocation.objects.count() == 1

    def test_touching_periods_are_allowed(self, allocate, office_a, company_a, site_a):
        allocate(office_a, company_a, MAR, JUN)
        neighbour = resident_company(site=site_a)
        allocate(office_a, neighbour, JUN, SEP)  # starts the day the first ends
        allocate(office_a, neighbour, date(2026, 1, 1), MAR)  # ends the day the first starts
        assert Allocation.objects.filter(space=office_a).count() == 3

    def test_an_open_end_blocks_everything_after(self, allocate, office_a, company_a, site_a):
        allocate(office_a, company_a, JUN)
        neighbour = resident_company(site=site_a)
        assert conflict_code(lambda: allocate(office_a, neighbour, date(2031, 1, 1), date(2031, 2, 1))) == "overlap"
        allocate(office_a, neighbour, MAR, JUN)  # before it is fine

    def test_a_workshop_follows_the_office_rule(self, allocate, workshop_a, company_a, site_a):
        allocate(workshop_a, company_a, MAR, SEP)
        assert conflict_code(lambda: allocate(workshop_a, resident_company(site=site_a), JUN)) == "overlap"

    def test_an_office_takes_all_its_desks_and_its_rent(self, allocate, office_a, company_a):
        allocation = allocate(office_a, company_a, desks=1)
        assert allocation.desks == office_a.desks and allocation.exclusive
        assert allocation.monthly_rent == office_a.monthly_rent


class TestDeskRule:
    def test_open_desks_hold_several_companies_up_to_their_desks(self, allocate, desks_a, company_a, site_a):
        other = resident_company(site=site_a)
        first = allocate(desks_a, company_a, MAR, desks=6)
        allocate(desks_a, other, MAR, desks=4)
        assert not first.exclusive and first.monthly_rent == desks_a.monthly_rent * 6
        with pytest.raises(Conflict) as error:
            allocate(desks_a, resident_company(site=site_a), JUN, desks=1)
        assert error.value.code == "over_capacity" and error.value.field == "desks"

    def test_more_desks_than_the_space_has(self, allocate, desks_a, company_a):
        assert conflict_code(lambda: allocate(desks_a, company_a, desks=11)) == "over_capacity"

    def test_the_busiest_day_of_the_period_counts(self, allocate, desks_a, company_a, site_a):
        allocate(desks_a, company_a, MAR, JUN, desks=6)
        allocate(desks_a, resident_company(site=site_a), JUN, SEP, desks=6)
        third = resident_company(site=site_a)
        allocate(desks_a, third, date(2026, 4, 1), date(2026, 7, 1), desks=4)  # 10 on every day
        assert conflict_code(lambda: allocate(desks_a, third, date(2026, 5, 1), date(2026, 6, 2), desks=1)) == (
            "over_capacity"
        )
        allocate(desks_a, third, SEP, DEC, desks=10)  # after both have gone

    def test_open_desks_need_a_number(self, allocate, desks_a, company_a):
        with pytest.raises(ValidationError) as error:
            allocate(desks_a, company_a)
        assert "desks" in error.value.message_dict


class TestPeriodResidencyAndRights:
    @pytest.mark.parametrize("ends_on", [MAR, MAR - timedelta(days=1)])
    def test_end_before_or_on_the_start_is_refused(self, allocate, office_a, company_a, ends_on):
        with pytest.raises(ValidationError) as error:
            allocate(office_a, company_a, MAR, ends_on)
        assert "ends_on" in error.value.message_dict

    def test_only_at_a_site_where_the_company_is_resident(self, allocate, office_a, company_b):
        assert conflict_code(lambda: allocate(office_a, company_b)) == "not_resident"

    def test_not_before_the_residency_began(self, allocate, office_a, company_a):
        assert conflict_code(lambda: allocate(office_a, company_a, date(2024, 1, 1), date(2024, 6, 1))) == (
            "not_resident"
        )

    def test_not_beyond_a_residency_that_ends(self, allocate, office_a, company_a):
        Residency.objects.filter(company=company_a).update(ends_on=SEP)
        assert conflict_code(lambda: allocate(office_a, company_a, MAR)) == "not_resident"
        assert conflict_code(lambda: allocate(office_a, company_a, MAR, DEC)) == "not_resident"
        allocate(office_a, company_a, MAR, SEP)

    def test_a_space_out_of_use_is_not_let(self, allocate, office_a, company_a):
        Space.objects.filter(pk=office_a.pk).update(is_active=False)
        with pytest.raises(ValidationError) as error:
            allocate(Space.objects.get(pk=office_a.pk), company_a)
        assert "space" in error.value.message_dict

    def test_only_staff_of_the_site_allocate(self, allocate, office_a, company_a, maker_a, district, office_b, staff):
        for person in (maker_a, district):
            with pytest.raises(NotAllowed):
                allocate(office_a, company_a, by=person)
        with pytest.raises(NotAllowed):
            allocate(office_b, company_a, by=staff)  # staff works for site A only
        allocate(office_a, company_a, by=staff)

    def test_dates_far_from_today_are_refused(self, allocate, office_a, company_a):
        with pytest.raises(ValidationError):
            allocate(office_a, company_a, MAR, date(2999, 1, 1))


class TestTerms:
    def test_rent_after_a_percentage_subsidy(self, allocate, office_a, company_a):
        allocation = allocate(
            office_a, company_a, monthly_rent=Decimal("2333.33"), subsidy_kind="percent", subsidy_value=Decimal("30")
        )
        assert allocation.subsidy_amount == Decimal("700.00")
        assert allocation.rent_after_subsidy == Decimal("1633.33")

    def test_makers_housed_free(self, allocate, office_a, company_a):
        allocation = allocate(office_a, company_a, subsidy_kind="percent", subsidy_value=Decimal("100"))
        assert allocation.rent_after_subsidy == Decimal("0.00")

    def test_fixed_subsidy(self, allocate, office_a, company_a):
        allocation = allocate(office_a, company_a, subsidy_kind="fixed", subsidy_value=Decimal("1000"))
        assert allocation.rent_after_subsidy == Decimal("1400.00")

    @pytest.mark.parametrize(
        "kind,value", [("percent", "120"), ("fixed", "2400.01"), ("none", "5"), ("percent", "-1"), ("other", "0")]
    )
    def test_subsidies_out_of_range_are_refused(self, allocate, office_a, company_a, kind, value):
        with pytest.raises(ValidationError):
            allocate(office_a, company_a, subsidy_kind=kind, subsidy_value=Decimal(value))
        assert not Allocation.objects.exists()

    def test_terms_change_through_the_service(self, allocate, office_a, company_a, staff, maker_a):
        allocation = allocate(office_a, company_a)
        services.allocation_update_terms(
            allocation=allocation, by=staff, subsidy_kind=SubsidyKind.PERCENT, subsidy_value=Decimal("50"), note="减半"
        )
        allocation.refresh_from_db()
        assert allocation.rent_after_subsidy == Decimal("1200.00") and allocation.note == "减半"
        with pytest.raises(ValidationError):
            services.allocation_update_terms(
                allocation=allocation,
                by=staff,
                monthly_rent=Decimal("100"),
                subsidy_kind="fixed",
                subsidy_value=Decimal("200"),
            )
        with pytest.raises(NotAllowed):
            services.allocation_update_terms(allocation=allocation, by=maker_a, note="自己改")


class TestEndExtendMove:
    def test_end_earlier(self, allocate, office_a, company_a, staff):
        allocation = allocate(office_a, company_a, MAR, DEC)
        services.allocation_end(allocation=allocation, ends_on=SEP, by=staff)
        assert Allocation.objects.get().ends_on == SEP
        with pytest.raises(ValidationError):  # later than the current end: that is an extension
            services.allocation_end(allocation=allocation, ends_on=DEC, by=staff)
        with pytest.raises(ValidationError):
            services.allocation_end(allocation=allocation, ends_on=MAR, by=staff)

    def test_an_open_ended_allocation_can_be_ended(self, allocate, office_a, company_a, staff):
        allocation = allocate(office_a, company_a, MAR)
        services.allocation_end(allocation=allocation, ends_on=SEP, by=staff)
        assert Allocation.objects.get().ends_on == SEP

    def test_extend_keeps_the_office_rule(self, allocate, office_a, company_a, site_a, staff):
        allocation = allocate(office_a, company_a, MAR, JUN)
        allocate(office_a, resident_company(site=site_a), SEP, DEC)
        services.allocation_extend(allocation=allocation, ends_on=SEP, by=staff)  # touching: fine
        assert Allocation.objects.get(pk=allocation.pk).ends_on == SEP
        assert conflict_code(lambda: services.allocation_extend(allocation=allocation, ends_on=None, by=staff)) == (
            "overlap"
        )
        with pytest.raises(ValidationError):
            services.allocation_extend(allocation=allocation, ends_on=JUN, by=staff)

    def test_extend_keeps_the_desk_rule(self, allocate, desks_a, company_a, site_a, staff):
        allocation = allocate(desks_a, company_a, MAR, JUN, desks=4)
        allocate(desks_a, resident_company(site=site_a), JUN, desks=8)
        assert conflict_code(lambda: services.allocation_extend(allocation=allocation, ends_on=SEP, by=staff)) == (
            "over_capacity"
        )

    def test_extend_to_open_ended_and_not_again(self, allocate, office_a, company_a, staff):
        allocation = allocate(office_a, company_a, MAR, JUN)
        services.allocation_extend(allocation=allocation, ends_on=None, by=staff)
        with pytest.raises(InvalidTransition):
            services.allocation_extend(allocation=allocation, ends_on=None, by=staff)

    def test_extend_not_beyond_the_residency(self, allocate, office_a, company_a, staff):
        allocation = allocate(office_a, company_a, MAR, JUN)
        Residency.objects.filter(company=company_a).update(ends_on=SEP)
        assert conflict_code(lambda: services.allocation_extend(allocation=allocation, ends_on=DEC, by=staff)) == (
            "not_resident"
        )

    def test_move_mid_period(self, allocate, office_a, desks_a, company_a, staff):
        allocation = allocate(office_a, company_a, MAR, DEC, subsidy_kind="percent", subsidy_value=Decimal("50"))
        moved = services.allocation_move(allocation=allocation, space=desks_a, on=JUN, desks=3, by=staff)
        allocation.refresh_from_db()
        assert allocation.ends_on == JUN and allocation.space == office_a
        assert (moved.space, moved.starts_on, moved.ends_on, moved.desks) == (desks_a, JUN, DEC, 3)
        assert moved.moved_from == allocation and moved.subsidy_value == Decimal("50")
        assert moved.monthly_rent == desks_a.monthly_rent * 3

    def test_move_into_a_let_office_is_refused_and_changes_nothing(self, allocate, office_a, company_a, site_a, staff):
        allocation = allocate(office_a, company_a, MAR, DEC)
        other = office(site_a, code="B2-306")
        allocate(other, resident_company(site=site_a), MAR)
        assert conflict_code(
            lambda: services.allocation_move(allocation=allocation, space=other, on=JUN, by=staff)
        ) == ("overlap")
        assert Allocation.objects.get(pk=allocation.pk).ends_on == DEC
        assert Allocation.objects.filter(space=other).count() == 1

    def test_move_on_the_first_day_changes_the_space(self, allocate, office_a, company_a, site_a, staff):
        allocation = allocate(office_a, company_a, SEP, DEC)
        other = office(site_a, code="B2-306", monthly_rent=Decimal("3000"))
        moved = services.allocation_move(allocation=allocation, space=other, on=SEP, by=staff)
        assert moved.pk == allocation.pk and moved.space == other and moved.monthly_rent == Decimal("3000")
        assert Allocation.objects.count() == 1

    def test_move_outside_the_period_or_to_the_same_space(self, allocate, office_a, desks_a, company_a, staff):
        allocation = allocate(office_a, company_a, MAR, JUN)
        for on in (MAR - timedelta(days=1), JUN):
            with pytest.raises(ValidationError):
                services.allocation_move(allocation=allocation, space=desks_a, on=on, desks=1, by=staff)
        with pytest.raises(ValidationError):
            services.allocation_move(allocation=allocation, space=office_a, on=date(2026, 4, 1), by=staff)

    def test_cancel_before_it_begins(self, allocate, office_a, company_a, staff):
        allocation = allocate(office_a, company_a, SEP)
        with pytest.raises(InvalidTransition):
            services.allocation_cancel(allocation=allocation, by=staff, today=SEP)
        services.allocation_cancel(allocation=allocation, by=staff, today=JUN)
        assert not Allocation.objects.exists()


class TestSpaces:
    def test_staff_add_spaces_with_a_code_unique_per_site(self, staff, site_a, site_b):
        fields = dict(code="B2-401", kind="office", floor=4, area_m2=Decimal("36"), monthly_rent=Decimal("2160"))
        space = services.space_create(by=staff, site=site_a, desks=4, **fields)
        assert space.site == site_a
        with pytest.raises(ValidationError) as error:
            services.space_create(by=staff, site=site_a, **fields)
        assert "__all__" in error.value.message_dict or "code" in error.value.message_dict
        with pytest.raises(NotAllowed):
            services.space_create(by=staff, site=site_b, **fields)

    def test_open_desks_have_desks(self, staff, site_a):
        with pytest.raises(ValidationError):
            services.space_create(
                by=staff,
                site=site_a,
                code="A1-9",
                kind="open_desks",
                floor=1,
                area_m2=Decimal("50"),
                monthly_rent=Decimal("400"),
                desks=0,
            )

    def test_a_let_space_keeps_its_kind_and_stays_in_use(self, allocate, office_a, company_a, staff):
        allocate(office_a, company_a, MAR, date(2099, 1, 1))
        with pytest.raises(Conflict) as error:
            services.space_update(space=office_a, by=staff, kind=SpaceKind.OPEN_DESKS)
        assert error.value.code == "space_in_use"
        with pytest.raises(Conflict):
            services.space_update(space=office_a, by=staff, is_active=False)
        services.space_update(space=office_a, by=staff, kind=SpaceKind.WORKSHOP, desks=6)  # still a whole room
        assert Allocation.objects.get().desks == 6

    def test_open_desks_keep_enough_desks(self, allocate, desks_a, company_a, staff):
        allocate(desks_a, company_a, MAR, date(2099, 1, 1), desks=7)
        assert conflict_code(lambda: services.space_update(space=desks_a, by=staff, desks=6)) == "over_capacity"
        services.space_update(space=desks_a, by=staff, desks=7)

    def test_a_space_whose_allocations_ended_may_change(self, allocate, office_a, company_a, staff):
        allocate(office_a, company_a, date(2025, 1, 1), date(2025, 6, 1))
        services.space_update(space=office_a, by=staff, kind=SpaceKind.OPEN_DESKS, desks=8, is_active=False)
        assert Space.objects.get(pk=office_a.pk).kind == SpaceKind.OPEN_DESKS


class TestRequests:
    def ask(self, company, by, **extra):
        fields = {"kind": SpaceKind.OFFICE, "wanted_from": JUN, "reason": "团队扩大到八人，需要独立办公室。", **extra}
        return services.space_request_submit(company=company, by=by, **fields)

    def test_a_member_asks_at_the_companys_site(self, company_a, maker_a, site_a):
        member = MembershipFactory(company=company_a, role="member").user
        space_request = self.ask(company_a, member, area_m2=Decimal("40"))
        assert space_request.site == site_a and space_request.status == SpaceRequestStatus.SUBMITTED

    def test_outsiders_cannot_ask(self, company_a, maker_b, staff):
        for person in (maker_b, staff):
            with pytest.raises(NotAllowed):
                self.ask(company_a, person)

    def test_open_desks_need_a_number_and_one_open_request_per_kind(self, company_a, maker_a):
        with pytest.raises(ValidationError) as error:
            self.ask(company_a, maker_a, kind=SpaceKind.OPEN_DESKS)
        assert "desks" in error.value.message_dict
        self.ask(company_a, maker_a, kind=SpaceKind.OPEN_DESKS, desks=3)
        assert conflict_code(lambda: self.ask(company_a, maker_a, kind=SpaceKind.OPEN_DESKS, desks=2)) == (
            "duplicate_request"
        )
        self.ask(company_a, maker_a)  # another kind is another request

    def test_a_company_without_a_site_cannot_ask(self, company_a, maker_a):
        Residency.objects.filter(company=company_a).update(ends_on=JUN)
        assert conflict_code(lambda: self.ask(company_a, maker_a)) == "not_resident"

    def test_offer_allocates_and_tells_the_company_in_its_language(
        self, company_b, maker_b, site_b, office_b, superuser
    ):
        MembershipFactory(company=company_b, role="owner", user=UserFactory(email="li@example.org"))
        space_request = self.ask(company_b, maker_b)
        space_request = services.space_request_offer(
            space_request=space_request, space=office_b, by=superuser, subsidy_kind="percent", subsidy_value=100
        )
        assert space_request.status == SpaceRequestStatus.OFFERED
        allocation = space_request.allocation
        assert (allocation.space, allocation.company, allocation.rent_after_subsidy) == (
            office_b,
            company_b,
            Decimal("0.00"),
        )
        assert allocation.starts_on == max(JUN, timezone.localdate())
        notes = {n.recipient.email: n for n in Notification.objects.filter(kind="spaces.request_offered")}
        assert set(notes) == {maker_b.email, "li@example.org"}
        assert notes[maker_b.email].language == "en" and "C-201" in notes[maker_b.email].body
        assert "C-201" in notes["li@example.org"].body and "月" in notes["li@example.org"].body

    def test_an_offer_that_breaks_a_rule_leaves_the_request_open(
        self, allocate, company_a, maker_a, site_a, office_a, staff
    ):
        allocate(office_a, resident_company(site=site_a), MAR)
        space_request = self.ask(company_a, maker_a)
        assert (
            conflict_code(lambda: services.space_request_offer(space_request=space_request, space=office_a, by=staff))
            == "overlap"
        )
        assert SpaceRequest.objects.get().status == SpaceRequestStatus.SUBMITTED
        assert not Notification.objects.exists()

    def test_decline_needs_a_reason_and_tells_the_company(self, company_a, maker_a, staff):
        space_request = self.ask(company_a, maker_a)
        with pytest.raises(ValidationError):
            services.space_request_decline(space_request=space_request, by=staff, reason=" ")
        services.space_request_decline(space_request=space_request, by=staff, reason="暂无空余办公室")
        note = Notification.objects.get()
        assert note.kind == "spaces.request_declined" and "暂无空余办公室" in note.body

    @pytest.mark.parametrize("final", ["offered", "declined", "withdrawn"])
    def test_a_closed_request_cannot_change_again(self, company_a, maker_a, staff, office_a, final):
        space_request = self.ask(company_a, maker_a)
        if final == "offered":
            services.space_request_offer(space_request=space_request, space=office_a, by=staff)
        elif final == "declined":
            services.space_request_decline(space_request=space_request, by=staff, reason="无")
        else:
            services.space_request_withdraw(space_request=space_request, by=maker_a)
        allocations = Allocation.objects.count()
        with pytest.raises(InvalidTransition):
            services.space_request_offer(space_request=space_request, space=office_a, by=staff)
        with pytest.raises(InvalidTransition):
            services.space_request_decline(space_request=space_request, by=staff, reason="再次")
        with pytest.raises(InvalidTransition):
            services.space_request_withdraw(space_request=space_request, by=maker_a)
        assert Allocation.objects.count() == allocations

    def test_only_staff_of_the_site_decide(self, company_b, maker_b, staff, district, office_b):
        space_request = self.ask(company_b, maker_b)
        for person in (staff, district, maker_b):
            with pytest.raises(NotAllowed):
                services.space_request_offer(space_request=space_request, space=office_b, by=person)
            with pytest.raises(NotAllowed):
                services.space_request_decline(space_request=space_request, by=person, reason="不行")
        with pytest.raises(NotAllowed):
            services.space_request_withdraw(space_request=space_request, by=staff)

    def test_cancelling_the_allocation_reopens_the_request(self, company_a, maker_a, staff, office_a):
        space_request = self.ask(company_a, maker_a, wanted_from=date(2030, 1, 1))
        space_request = services.space_request_offer(space_request=space_request, space=office_a, by=staff)
        services.allocation_cancel(allocation=space_request.allocation, by=staff, today=DEC)
        space_request.refresh_from_db()
        assert space_request.status == SpaceRequestStatus.SUBMITTED and space_request.allocation is None


def test_superuser_is_staff_of_every_site(allocate, company_b, office_b, superuser):
    assert allocate(office_b, company_b, by=superuser).pk


def test_the_same_door_code_may_exist_at_two_sites(site_a):
    office(site_a, code="B2-305")
    open_desks(SiteFactory(code="elsewhere"), code="B2-305")
    assert Space.objects.filter(code="B2-305").count() == 2


class TestWhenTheResidencyEnds:
    """A company that graduates, leaves or moves lets go of its space at the site it leaves."""

    def test_graduating_ends_allocations_and_withdraws_requests(
        self, allocate, office_a, desks_a, company_a, maker_a, staff, site_a
    ):
        from companies.services import company_set_status

        running = allocate(office_a, company_a, MAR)  # open-ended
        later = allocate(desks_a, company_a, SEP, DEC, desks=2)  # not begun by the graduation day
        request = services.space_request_submit(
            company=company_a, by=maker_a, kind=SpaceKind.OPEN_DESKS, wanted_from=DEC, reason="更多工位", desks=2
        )
        company_set_status(company=company_a, status="graduated", by=staff, on=JUN)
        running.refresh_from_db()
        assert running.ends_on == JUN
        assert not Allocation.objects.filter(pk=later.pk).exists()
        request.refresh_from_db()
        assert request.status == SpaceRequestStatus.WITHDRAWN
        # The office is free from the graduation day for the next company.
        allocate(office_a, resident_company(site=site_a), JUN)

    def test_an_allocation_ending_before_the_day_is_left_alone(self, allocate, office_a, company_a, staff):
        from companies.services import company_set_status

        ended = allocate(office_a, company_a, MAR, JUN)
        company_set_status(company=company_a, status="left", by=staff, on=SEP)
        ended.refresh_from_db()
        assert ended.ends_on == JUN

    def test_moving_to_another_site_ends_the_space_at_the_old_one(
        self, allocate, office_a, company_a, superuser, site_b
    ):
        from companies.services import residency_move

        allocation = allocate(office_a, company_a, MAR)
        residency_move(company=company_a, site=site_b, by=superuser, on=SEP)
        allocation.refresh_from_db()
        assert allocation.ends_on == SEP
        assert Residency.objects.get(company=company_a, ends_on__isnull=True).site == site_b

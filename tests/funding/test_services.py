"""Every rule of the funding services and every refused transition."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from companies import services as company_services
from companies.choices import DesignationKind
from funding import services
from funding.choices import ApplicationStatus, IntroductionStatus, ProgrammeKind, ProgrammeLevel
from funding.models import ApplicationDocument, Disbursement, FundingApplication, Investment, Programme
from incubator.errors import Conflict, InvalidTransition, NotAllowed
from incubator.models import Notification
from tests.factories import CompanyFactory, MembershipFactory, UserFactory, resident_company
from tests.funding.factories import PDF, ProgrammeFactory, SponsorFactory, application_in, introduction_in

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")


def pdf(name="plan.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def apply(company, programme, by, amount=M, **extra):
    return services.application_create(
        company=company, programme=programme, by=by, requested_amount=amount, purpose="扩大产能。", **extra
    )


# --- Programmes ----------------------------------------------------------------------


class TestProgrammes:
    def test_staff_publish_a_programme(self, staff):
        programme = services.programme_create(
            by=staff,
            name="“十三五”市级认定团队资助",
            level=ProgrammeLevel.MUNICIPAL,
            kind=ProgrammeKind.PROJECT_SUBSIDY,
            funder="天津市科学技术局",
            budget="20000000",
            min_award="1000000",
            max_award="2000000",
            required_designations=["sme"],
        )
        assert programme.budget == Decimal("20000000.00") and programme.approved_total == 0
        assert programme.history.get().history_user == staff

    @pytest.mark.parametrize("who", ["maker_a", "district"])
    def test_others_may_not(self, request, who):
        with pytest.raises(NotAllowed):
            services.programme_create(
                by=request.getfixturevalue(who), name="x", level="district", kind="other", funder="x", budget=1
            )

    @pytest.mark.parametrize(
        "fields, field",
        [
            ({"min_award": "3000000", "max_award": "2000000"}, "min_award"),
            ({"max_award": "20000000"}, "max_award"),
            ({"annual_budget": "20000000"}, "annual_budget"),
            ({"opens_on": date(2026, 5, 1), "closes_on": date(2026, 4, 1)}, "closes_on"),
            ({"required_designations": ["nobel_prize"]}, "required_designations"),
            ({"budget": "-1"}, "budget"),
            ({"budget": "abc"}, "budget"),
            ({"approved_total": "0"}, "approved_total"),
        ],
    )
    def test_field_rules(self, staff, fields, field):
        base = {
            "name": "区级房租补贴",
            "level": "district",
            "kind": "rent_subsidy",
            "funder": "河西区",
            "budget": "10000000",
        }
        with pytest.raises(ValidationError) as error:
            services.programme_create(by=staff, **{**base, **fields})
        assert field in error.value.message_dict

    def test_budget_never_drops_below_what_is_approved(self, staff, maker_a, company_a, programme):
        application_in(ApplicationStatus.APPROVED, company=company_a, programme=programme, maker=maker_a, officer=staff)
        with pytest.raises(Conflict) as error:
            services.programme_update(programme=programme, by=staff, budget="999999.99", max_award="900000")
        assert error.value.code == "budget_below_approved"
        services.programme_update(programme=programme, by=staff, budget="1000000", max_award="1000000")
        assert Programme.objects.get(pk=programme.pk).budget == M

    def test_budget_per_year_never_drops_below_a_years_approvals(self, staff, maker_a, company_a, programme):
        application_in(ApplicationStatus.APPROVED, company=company_a, programme=programme, maker=maker_a, officer=staff)
        with pytest.raises(Conflict) as error:
            services.programme_update(programme=programme, by=staff, annual_budget="500000")
        assert error.value.code == "budget_below_approved"

    def test_the_running_total_is_guarded_by_the_database(self, programme):
        with pytest.raises(IntegrityError), transaction.atomic():
            Programme.objects.filter(pk=programme.pk).update(approved_total=programme.budget + 1)


# --- Applying ------------------------------------------------------------------------


class TestApplying:
    def test_a_member_saves_a_draft_then_submits(self, maker_a, company_a, programme, site_a):
        application = apply(company_a, programme, maker_a)
        assert application.status == ApplicationStatus.DRAFT and application.submitted_at is None
        assert application.site == site_a and application.applicant == maker_a
        application = services.application_submit(application=application, by=maker_a)
        assert application.status == ApplicationStatus.SUBMITTED and application.submitted_at is not None

    def test_submit_at_once(self, maker_a, company_a, programme):
        assert apply(company_a, programme, maker_a, submit=True).status == ApplicationStatus.SUBMITTED

    def test_staff_of_the_site_may_apply_for_the_company(self, staff, company_a, programme):
        assert apply(company_a, programme, staff).applicant == staff

    @pytest.mark.parametrize("who", ["maker_b", "district"])
    def test_outsiders_may_not_apply_for_a_company(self, request, company_a, programme, who):
        with pytest.raises(NotAllowed):
            apply(company_a, programme, request.getfixturevalue(who))
        assert not FundingApplication.objects.exists()

    def test_staff_of_another_site_may_not(self, company_b, programme, staff):
        with pytest.raises(NotAllowed):
            apply(company_b, programme, staff)

    @pytest.mark.parametrize(
        "change",
        [
            {"opens_on": timezone.localdate() + timedelta(days=1)},
            {
                "closes_on": timezone.localdate() - timedelta(days=1),
                "opens_on": timezone.localdate() - timedelta(days=60),
            },
            {"is_active": False},
        ],
    )
    def test_a_closed_programme_refuses(self, maker_a, company_a, change):
        programme = ProgrammeFactory(**change)
        with pytest.raises(Conflict) as error:
            apply(company_a, programme, maker_a)
        assert error.value.code == "programme_closed"

    def test_the_last_day_is_still_open(self, maker_a, company_a):
        programme = ProgrammeFactory(closes_on=timezone.localdate())
        assert apply(company_a, programme, maker_a).pk

    def test_a_company_that_is_not_resident_is_not_eligible(self, maker_a, programme):
        company = CompanyFactory(status="applicant")
        MembershipFactory(company=company, user=maker_a, role="owner")
        with pytest.raises(Conflict) as error:
            apply(company, programme, maker_a)
        assert error.value.code == "not_eligible"
        assert "resident" in str(error.value.message) or "入驻" in str(error.value.message)

    def test_a_programme_open_to_all_takes_non_residents(self, maker_a):
        company = CompanyFactory(status="applicant")
        MembershipFactory(company=company, user=maker_a, role="owner")
        assert apply(company, ProgrammeFactory(requires_residency=False), maker_a).pk

    def test_required_designations_must_be_held_and_valid(self, maker_a, company_a, staff):
        programme = ProgrammeFactory(required_designations=[DesignationKind.SME, DesignationKind.LISTED])
        with pytest.raises(Conflict) as error:
            apply(company_a, programme, maker_a)
        assert error.value.code == "not_eligible"
        today = timezone.localdate()
        company_services.designation_record(
            company=company_a, kind="sme", granted_on=today - timedelta(days=400), by=staff
        )  # expired after a year
        company_services.designation_record(
            company=company_a,
            kind="listed",
            granted_on=today - timedelta(days=10),
            exchange="szse",
            ticker="301234",
            listed_on=today - timedelta(days=10),
            by=staff,
        )
        with pytest.raises(Conflict):
            apply(company_a, programme, maker_a)
        company_services.designation_record(company=company_a, kind="sme", granted_on=today, by=staff)
        assert apply(company_a, programme, maker_a).pk

    @pytest.mark.parametrize("amount", ["0", "-5", "2000000.01", "abc", "NaN"])
    def test_outside_the_limits(self, maker_a, company_a, programme, amount):
        with pytest.raises(ValidationError) as error:
            apply(company_a, programme, maker_a, amount=amount)
        assert "requested_amount" in error.value.message_dict

    def test_below_the_smallest_award(self, maker_a, company_a):
        programme = ProgrammeFactory(min_award=Decimal("500000"))
        with pytest.raises(ValidationError):
            apply(company_a, programme, maker_a, amount="499999.99")
        assert apply(company_a, programme, maker_a, amount="500000").pk

    def test_one_application_in_play_per_company_and_programme(self, maker_a, company_a, programme):
        first = apply(company_a, programme, maker_a)
        with pytest.raises(Conflict) as error:
            apply(company_a, programme, maker_a)
        assert error.value.code == "duplicate_application"
        services.application_withdraw(application=first, by=maker_a)
        assert apply(company_a, programme, maker_a).pk

    def test_the_database_refuses_a_second_live_application(self, maker_a, company_a, programme):
        first = apply(company_a, programme, maker_a)
        with pytest.raises(IntegrityError), transaction.atomic():
            FundingApplication.objects.create(
                company=company_a, programme=programme, requested_amount=1, purpose="x", status="draft"
            )
        assert first.pk

    def test_submit_checks_again_that_the_programme_is_open(self, maker_a, company_a, programme):
        application = apply(company_a, programme, maker_a)
        Programme.objects.filter(pk=programme.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
        with pytest.raises(Conflict) as error:
            services.application_submit(application=application, by=maker_a)
        assert error.value.code == "programme_closed"
        assert FundingApplication.objects.get(pk=application.pk).status == ApplicationStatus.DRAFT

    def test_a_draft_can_be_changed_within_the_limits(self, maker_a, company_a, programme):
        application = apply(company_a, programme, maker_a)
        services.application_update(application=application, by=maker_a, requested_amount="1500000", purpose="新目标")
        application.refresh_from_db()
        assert application.requested_amount == Decimal("1500000.00") and application.purpose == "新目标"
        with pytest.raises(ValidationError):
            services.application_update(application=application, by=maker_a, requested_amount="3000000")


# --- Transitions ---------------------------------------------------------------------

STATUSES = list(ApplicationStatus.values)
ACTIONS = {
    "update": lambda a, maker, officer: services.application_update(application=a, by=maker, purpose="改"),
    "submit": lambda a, maker, officer: services.application_submit(application=a, by=maker),
    "withdraw": lambda a, maker, officer: services.application_withdraw(application=a, by=maker),
    "review": lambda a, maker, officer: services.application_start_review(application=a, by=officer),
    "approve": lambda a, maker, officer: services.application_approve(application=a, by=officer),
    "reject": lambda a, maker, officer: services.application_reject(application=a, by=officer, note="不符合条件"),
}
ALLOWED = {
    ("draft", "update"): "draft",
    ("draft", "submit"): "submitted",
    ("draft", "withdraw"): "withdrawn",
    ("submitted", "withdraw"): "withdrawn",
    ("submitted", "review"): "under_review",
    ("submitted", "reject"): "rejected",
    ("under_review", "withdraw"): "withdrawn",
    ("under_review", "approve"): "approved",
    ("under_review", "reject"): "rejected",
}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_transition(status, action, maker_a, staff, company_a, programme):
    """Each (status, action) pair: the allowed ones lead where they should, the others are
    refused with `invalid_transition` and change nothing."""
    application = application_in(status, company=company_a, programme=programme, maker=maker_a, officer=staff)
    before = list(application.history.values_list("history_id", flat=True))
    if (status, action) in ALLOWED:
        ACTIONS[action](application, maker_a, staff)
        assert FundingApplication.objects.get(pk=application.pk).status == ALLOWED[(status, action)]
    else:
        with pytest.raises(InvalidTransition) as error:
            ACTIONS[action](application, maker_a, staff)
        assert error.value.code == "invalid_transition" and error.value.status == 409
        assert FundingApplication.objects.get(pk=application.pk).status == status
        assert list(application.history.values_list("history_id", flat=True)) == before


class TestDeciding:
    def test_approval_is_audited(self, maker_a, staff, company_a, programme):
        application = application_in(
            "under_review", company=company_a, programme=programme, maker=maker_a, officer=staff
        )
        services.application_approve(application=application, by=staff, approved_amount="800000", note="分两期拨付。")
        application.refresh_from_db()
        assert application.status == ApplicationStatus.APPROVED
        assert application.approved_amount == Decimal("800000.00")
        assert application.decided_by == staff and application.decided_at is not None
        assert application.budget_year == timezone.localdate().year
        latest = application.history.latest()
        assert latest.history_user == staff and latest.history_change_reason == "approved"
        assert latest.prev_record.status == ApplicationStatus.UNDER_REVIEW
        delta = latest.diff_against(latest.prev_record)
        assert {c.field for c in delta.changes} >= {"status", "approved_amount", "decided_by", "decided_at"}
        # Every step has its author.
        assert [(h.status, h.history_user) for h in application.history.order_by("history_date")] == [
            ("draft", maker_a),
            ("submitted", maker_a),
            ("under_review", staff),
            ("approved", staff),
        ]
        assert Programme.objects.get(pk=programme.pk).approved_total == Decimal("800000.00")

    def test_approval_defaults_to_the_amount_requested_and_never_exceeds_it(self, maker_a, staff, company_a, programme):
        application = application_in(
            "under_review", company=company_a, programme=programme, maker=maker_a, officer=staff
        )
        with pytest.raises(ValidationError) as error:
            services.application_approve(application=application, by=staff, approved_amount="1000000.01")
        assert "approved_amount" in error.value.message_dict
        assert services.application_approve(application=application, by=staff).approved_amount == M

    def test_the_award_respects_the_programmes_smallest_award(self, maker_a, staff, company_a):
        programme = ProgrammeFactory(min_award=Decimal("500000"))
        application = application_in(
            "under_review", company=company_a, programme=programme, maker=maker_a, officer=staff
        )
        with pytest.raises(ValidationError):
            services.application_approve(application=application, by=staff, approved_amount="100000")

    def test_over_budget_is_refused(self, maker_a, maker_b, staff, superuser, company_a, company_b):
        programme = ProgrammeFactory(budget=Decimal("1500000"), max_award=Decimal("1500000"))
        a = application_in("under_review", company=company_a, programme=programme, maker=maker_a, officer=staff)
        b = application_in("under_review", company=company_b, programme=programme, maker=maker_b, officer=superuser)
        services.application_approve(application=a, by=staff)
        with pytest.raises(Conflict) as error:
            services.application_approve(application=b, by=superuser)
        assert error.value.code == "over_budget" and error.value.status == 409
        assert "500,000.00" in str(error.value.message)
        # What is left may still be awarded.
        services.application_approve(application=b, by=superuser, approved_amount="500000")
        assert Programme.objects.get(pk=programme.pk).approved_total == programme.budget

    def test_a_yearly_programme_keeps_to_its_budget_for_the_year(
        self, maker_a, maker_b, staff, superuser, company_a, company_b
    ):
        programme = ProgrammeFactory(budget=Decimal("5000000"), annual_budget=Decimal("1000000"), max_award=M)
        a = application_in("under_review", company=company_a, programme=programme, maker=maker_a, officer=staff)
        b = application_in("under_review", company=company_b, programme=programme, maker=maker_b, officer=superuser)
        services.application_approve(application=a, by=staff, approved_amount="700000")
        with pytest.raises(Conflict) as error:
            services.application_approve(application=b, by=superuser, approved_amount="400000")
        assert error.value.code == "over_budget"
        # Last year's approvals count against last year's budget.
        FundingApplication.objects.filter(pk=a.pk).update(budget_year=timezone.localdate().year - 1)
        services.application_approve(application=b, by=superuser, approved_amount="1000000")

    def test_a_past_award_is_recorded_against_the_budget_of_its_year(self, staff, company_a):
        programme = ProgrammeFactory(budget=Decimal("2000000"), annual_budget=Decimal("1000000"), max_award=M)
        award = services.application_record_award(
            company=company_a,
            programme=programme,
            by=staff,
            amount="800000",
            decided_on=date(2014, 6, 30),
            purpose="创新基金",
        )
        assert award.status == "approved" and award.budget_year == 2014 and award.decided_by == staff
        assert timezone.localdate(award.decided_at) == date(2014, 6, 30)
        with pytest.raises(Conflict) as error:
            services.application_record_award(
                company=company_a,
                programme=programme,
                by=staff,
                amount="300000",
                decided_on=date(2014, 9, 1),
                purpose="x",
            )
        assert error.value.code == "over_budget"
        with pytest.raises(ValidationError):
            services.application_record_award(
                company=company_a,
                programme=programme,
                by=staff,
                amount="1",
                decided_on=timezone.localdate() + timedelta(days=1),
                purpose="x",
            )
        assert Programme.objects.get(pk=programme.pk).approved_total == Decimal("800000")

    def test_rejection_needs_a_reason_and_tells_the_company(self, maker_a, staff, company_a, programme):
        application = application_in("submitted", company=company_a, programme=programme, maker=maker_a, officer=staff)
        with pytest.raises(ValidationError):
            services.application_reject(application=application, by=staff, note="  ")
        services.application_reject(application=application, by=staff, note="研发投入不足。")
        application.refresh_from_db()
        assert application.decided_by == staff and application.decision_note == "研发投入不足。"
        message = Notification.objects.get(kind="funding.application_rejected", recipient=maker_a)
        assert "研发投入不足" in message.body and message.language == "zh-hans"

    def test_approval_tells_the_owners_in_their_language(self, maker_b, superuser, company_b, programme):
        application = application_in(
            "under_review", company=company_b, programme=programme, maker=maker_b, officer=superuser
        )
        services.application_approve(application=application, by=superuser)
        message = Notification.objects.get(kind="funding.application_approved", recipient=maker_b)
        assert message.language == "en" and message.subject.startswith("Approved")
        assert "¥1,000,000.00" in message.body

    @pytest.mark.parametrize("who", ["maker_a", "district", "maker_b"])
    def test_only_funding_officers_decide(self, request, maker_a, staff, company_a, programme, who):
        application = application_in(
            "under_review", company=company_a, programme=programme, maker=maker_a, officer=staff
        )
        user = request.getfixturevalue(who)
        for call in (
            lambda: services.application_approve(application=application, by=user),
            lambda: services.application_reject(application=application, by=user, note="x"),
        ):
            with pytest.raises(NotAllowed):
                call()
        assert FundingApplication.objects.get(pk=application.pk).status == "under_review"

    def test_staff_of_another_site_do_not_decide(self, maker_b, staff, superuser, company_b, programme):
        application = application_in(
            "submitted", company=company_b, programme=programme, maker=maker_b, officer=superuser
        )
        with pytest.raises(NotAllowed):
            services.application_start_review(application=application, by=staff)

    def test_only_the_company_withdraws(self, maker_a, staff, company_a, programme):
        application = application_in("submitted", company=company_a, programme=programme, maker=maker_a, officer=staff)
        with pytest.raises(NotAllowed):
            services.application_withdraw(application=application, by=staff)


# --- Documents -----------------------------------------------------------------------


class TestDocuments:
    def test_a_pdf_is_attached(self, maker_a, company_a, programme):
        application = apply(company_a, programme, maker_a, documents=[("项目计划书", pdf())])
        document = application.documents.get()
        assert document.title == "项目计划书" and document.uploaded_by == maker_a

    def test_a_file_that_is_not_a_pdf_is_refused_with_nothing_saved(self, maker_a, company_a, programme):
        with pytest.raises(ValidationError) as error:
            apply(company_a, programme, maker_a, documents=[("plan", pdf("plan.pdf", b"MZ\x90\x00 not a pdf"))])
        assert "file" in error.value.message_dict
        assert not FundingApplication.objects.exists()

    def test_a_file_too_large_is_refused(self, maker_a, company_a, programme, settings):
        settings.UPLOAD_MAX_BYTES = 20
        application = apply(company_a, programme, maker_a)
        with pytest.raises(ValidationError):
            services.application_document_add(application=application, by=maker_a, title="大文件", file=pdf())

    def test_at_most_ten_documents(self, maker_a, company_a, programme):
        application = apply(company_a, programme, maker_a, documents=[(f"附件{i}", pdf()) for i in range(10)])
        with pytest.raises(Conflict) as error:
            services.application_document_add(application=application, by=maker_a, title="11", file=pdf())
        assert error.value.code == "too_many_documents"

    def test_documents_are_removed_from_drafts_only_and_added_until_decided(self, maker_a, staff, company_a, programme):
        application = apply(company_a, programme, maker_a, documents=[("计划", pdf())])
        services.application_submit(application=application, by=maker_a)
        services.application_document_add(application=application, by=maker_a, title="补充材料", file=pdf())
        with pytest.raises(InvalidTransition):
            services.application_document_remove(document=application.documents.first(), by=maker_a)
        services.application_reject(application=application, by=staff, note="x")
        with pytest.raises(InvalidTransition):
            services.application_document_add(application=application, by=maker_a, title="迟到", file=pdf())
        assert ApplicationDocument.objects.count() == 2

    def test_another_maker_cannot_attach(self, maker_a, maker_b, company_a, programme):
        application = apply(company_a, programme, maker_a)
        with pytest.raises(NotAllowed):
            services.application_document_add(application=application, by=maker_b, title="x", file=pdf())


# --- Disbursements -------------------------------------------------------------------


class TestDisbursements:
    @pytest.fixture
    def award(self, maker_a, staff, company_a, programme):
        return application_in("approved", company=company_a, programme=programme, maker=maker_a, officer=staff)

    def test_tranches_never_exceed_the_award(self, award, staff):
        today = timezone.localdate()
        services.disbursement_schedule(application=award, by=staff, amount="600000", due_on=today)
        with pytest.raises(Conflict) as error:
            services.disbursement_schedule(application=award, by=staff, amount="400000.01", due_on=today)
        assert error.value.code == "over_award"
        services.disbursement_schedule(application=award, by=staff, amount="400000", due_on=today)
        assert sum(d.amount for d in award.disbursements.all()) == award.approved_amount

    @pytest.mark.parametrize("status", ["draft", "submitted", "under_review", "rejected", "withdrawn"])
    def test_only_an_approved_award_is_disbursed(self, status, maker_a, staff, company_a, programme):
        application = application_in(status, company=company_a, programme=programme, maker=maker_a, officer=staff)
        with pytest.raises(InvalidTransition):
            services.disbursement_schedule(application=application, by=staff, amount=1, due_on=timezone.localdate())

    def test_paying_a_tranche(self, award, staff):
        tranche = services.disbursement_schedule(application=award, by=staff, amount="500000", due_on=date(2026, 12, 1))
        with pytest.raises(ValidationError):
            services.disbursement_mark_paid(
                disbursement=tranche, by=staff, paid_on=timezone.localdate() + timedelta(days=1)
            )
        services.disbursement_mark_paid(
            disbursement=tranche, by=staff, paid_on=timezone.localdate(), reference="HX-001"
        )
        tranche.refresh_from_db()
        assert tranche.is_paid and tranche.reference == "HX-001"
        assert tranche.history.latest().history_user == staff
        with pytest.raises(InvalidTransition) as error:
            services.disbursement_mark_paid(disbursement=tranche, by=staff, paid_on=timezone.localdate())
        assert error.value.code == "already_paid"
        with pytest.raises(InvalidTransition):
            services.disbursement_cancel(disbursement=tranche, by=staff)

    def test_a_planned_tranche_can_be_removed(self, award, staff):
        tranche = services.disbursement_schedule(application=award, by=staff, amount="1", due_on=timezone.localdate())
        services.disbursement_cancel(disbursement=tranche, by=staff)
        assert not Disbursement.objects.exists()

    @pytest.mark.parametrize("who", ["maker_a", "district"])
    def test_only_officers_disburse(self, request, award, who):
        with pytest.raises(NotAllowed):
            services.disbursement_schedule(
                application=award, by=request.getfixturevalue(who), amount=1, due_on=timezone.localdate()
            )

    def test_the_database_refuses_a_tranche_of_nothing(self, award):
        with pytest.raises(IntegrityError), transaction.atomic():
            Disbursement.objects.create(application=award, amount=0, due_on=timezone.localdate())


# --- Sponsors, introductions, investments --------------------------------------------


class TestSponsors:
    def test_staff_add_sponsors(self, staff):
        sponsor = services.sponsor_create(
            by=staff, name="中民投", kind="investor", focus_sectors=["energy", "manufacturing"], ticket_min="5000000"
        )
        assert sponsor.focus_sectors == ["manufacturing", "energy"]  # in the order of the choices

    @pytest.mark.parametrize(
        "fields, field",
        [
            ({"ticket_min": "10", "ticket_max": "5"}, "ticket_max"),
            ({"focus_sectors": ["space"]}, "focus_sectors"),
            ({"kind": "pawnshop"}, "kind"),
        ],
    )
    def test_field_rules(self, staff, fields, field):
        with pytest.raises(ValidationError) as error:
            services.sponsor_create(by=staff, **{"name": "x", "kind": "bank", **fields})
        assert field in error.value.message_dict

    def test_contacts(self, staff, maker_a, sponsor):
        contact = services.sponsor_contact_add(sponsor=sponsor, by=staff, name="孙志远", email="sun@example.cn")
        assert contact.history.get().history_user == staff
        with pytest.raises(ValidationError):
            services.sponsor_contact_add(sponsor=sponsor, by=staff, name="x", email="not-an-address")
        with pytest.raises(NotAllowed):
            services.sponsor_contact_add(sponsor=sponsor, by=maker_a, name="x")

    def test_makers_may_not(self, maker_a, sponsor):
        with pytest.raises(NotAllowed):
            services.sponsor_update(sponsor=sponsor, by=maker_a, name="改名")


INTRO_ALLOWED = {
    "requested": {"introduced", "declined"},
    "introduced": {"meeting_held", "declined", "dormant"},
    "meeting_held": {"term_sheet", "invested", "declined", "dormant"},
    "term_sheet": {"invested", "declined", "dormant"},
    "dormant": {"introduced", "meeting_held", "term_sheet", "declined"},
    "invested": set(),
    "declined": set(),
}


@pytest.mark.parametrize("current", list(IntroductionStatus.values))
@pytest.mark.parametrize("target", list(IntroductionStatus.values))
def test_every_introduction_transition(current, target, maker_a, staff, company_a, sponsor):
    introduction = introduction_in(current, company=company_a, sponsor=sponsor, maker=maker_a, officer=staff)
    extra = {"amount_invested": "3000000"} if target == "invested" else {}
    if target in INTRO_ALLOWED[current]:
        services.introduction_advance(introduction=introduction, by=staff, status=target, **extra)
        introduction.refresh_from_db()
        assert introduction.status == target
    else:
        with pytest.raises(InvalidTransition):
            services.introduction_advance(introduction=introduction, by=staff, status=target, **extra)
        introduction.refresh_from_db()
        assert introduction.status == current


class TestIntroductions:
    def test_a_maker_asks_and_the_sites_staff_hear(self, maker_a, staff, company_a, sponsor):
        introduction = services.introduction_request(
            company=company_a, sponsor=sponsor, by=maker_a, message="Pre-A 轮 1000 万"
        )
        assert introduction.status == IntroductionStatus.REQUESTED and introduction.requested_by == maker_a
        message = Notification.objects.get(kind="funding.introduction_requested")
        assert message.recipient == staff and company_a.name in message.subject

    def test_one_introduction_in_play_per_sponsor(self, maker_a, staff, company_a, sponsor):
        introduction = services.introduction_request(company=company_a, sponsor=sponsor, by=maker_a)
        with pytest.raises(Conflict) as error:
            services.introduction_request(company=company_a, sponsor=sponsor, by=maker_a)
        assert error.value.code == "duplicate_introduction"
        services.introduction_advance(introduction=introduction, by=staff, status="declined")
        assert services.introduction_request(company=company_a, sponsor=sponsor, by=maker_a).pk

    def test_an_inactive_sponsor_takes_no_requests(self, maker_a, company_a):
        with pytest.raises(ValidationError):
            services.introduction_request(company=company_a, sponsor=SponsorFactory(is_active=False), by=maker_a)

    def test_another_maker_cannot_ask_for_a_company(self, maker_b, company_a, sponsor):
        with pytest.raises(NotAllowed):
            services.introduction_request(company=company_a, sponsor=sponsor, by=maker_b)

    def test_makers_do_not_move_the_pipeline(self, maker_a, company_a, sponsor):
        introduction = services.introduction_request(company=company_a, sponsor=sponsor, by=maker_a)
        with pytest.raises(NotAllowed):
            services.introduction_advance(introduction=introduction, by=maker_a, status="introduced")

    def test_each_step_is_dated_and_noted(self, maker_a, staff, company_a, sponsor):
        introduction = services.introduction_request(company=company_a, sponsor=sponsor, by=maker_a)
        today = timezone.localdate()
        services.introduction_advance(introduction=introduction, by=staff, status="introduced", note="已发邮件介绍")
        services.introduction_advance(introduction=introduction, by=staff, status="meeting_held", on=today)
        introduction.refresh_from_db()
        assert introduction.introduced_on == today and introduction.meeting_on == today
        assert "已发邮件介绍" in introduction.notes and staff.full_name in introduction.notes
        with pytest.raises(ValidationError):
            services.introduction_advance(
                introduction=introduction, by=staff, status="term_sheet", on=today + timedelta(days=1)
            )
        with pytest.raises(ValidationError):
            services.introduction_advance(
                introduction=introduction, by=staff, status="term_sheet", on=today - timedelta(days=1)
            )

    def test_invested_needs_the_amount_and_records_the_round(self, maker_a, staff, company_a, sponsor):
        introduction = introduction_in("term_sheet", company=company_a, sponsor=sponsor, maker=maker_a, officer=staff)
        with pytest.raises(ValidationError) as error:
            services.introduction_advance(introduction=introduction, by=staff, status="invested")
        assert "amount_invested" in error.value.message_dict
        services.introduction_advance(
            introduction=introduction,
            by=staff,
            status="invested",
            amount_invested="8000000",
            round="series_a",
            investors="中民投、海河基金",
        )
        investment = Investment.objects.get()
        assert investment.introduction == introduction and investment.amount == Decimal("8000000.00")
        assert investment.round == "series_a" and investment.sponsor == sponsor and investment.company == company_a
        introduction.refresh_from_db()
        assert introduction.closed_on == timezone.localdate() and introduction.amount_invested == investment.amount

    def test_a_note_counts_as_an_update(self, maker_a, staff, company_a, sponsor):
        introduction = services.introduction_request(company=company_a, sponsor=sponsor, by=maker_a)
        before = introduction.last_activity_at
        services.introduction_add_note(introduction=introduction, by=staff, note="对方下周回复")
        introduction.refresh_from_db()
        assert introduction.last_activity_at > before and "对方下周回复" in introduction.notes
        with pytest.raises(ValidationError):
            services.introduction_add_note(introduction=introduction, by=staff, note=" ")


class TestInvestments:
    def test_staff_record_a_round(self, staff, company_a, sponsor):
        investment = services.investment_record(
            company=company_a,
            by=staff,
            amount="3000000",
            investors="李明（天使）",
            closed_on=date(2025, 11, 20),
            round="angel",
        )
        assert investment.recorded_by == staff

    def test_a_round_is_recorded_once_closed(self, staff, company_a):
        with pytest.raises(ValidationError):
            services.investment_record(
                company=company_a, by=staff, amount=1, investors="x", closed_on=timezone.localdate() + timedelta(days=1)
            )

    @pytest.mark.parametrize("who", ["maker_a", "district"])
    def test_others_may_not(self, request, company_a, who):
        with pytest.raises(NotAllowed):
            services.investment_record(
                company=company_a, by=request.getfixturevalue(who), amount=1, investors="x", closed_on=date(2025, 1, 1)
            )

    def test_changing_the_amount_keeps_the_introduction_in_step(self, maker_a, staff, company_a, sponsor):
        introduction = introduction_in("invested", company=company_a, sponsor=sponsor, maker=maker_a, officer=staff)
        services.investment_update(investment=introduction.investment, by=staff, amount="6000000")
        introduction.refresh_from_db()
        assert introduction.amount_invested == Decimal("6000000.00")


# --- Reminders -----------------------------------------------------------------------


class TestProgrammeClosingReminders:
    @pytest.fixture
    def closing(self, db):
        return ProgrammeFactory(closes_on=timezone.localdate() + timedelta(days=14), name="小巨人升级专项")

    def test_owners_of_eligible_companies_that_have_not_applied(
        self, closing, company_a, company_b, maker_a, maker_b, site_a
    ):
        other = resident_company(site=site_a, owner=UserFactory(email="owner-c@example.org"))
        application_in("submitted", company=other, programme=closing, maker=other.memberships.get().user, officer=None)
        # Company B only has a draft: it has not applied yet.
        application_in("draft", company=company_b, programme=closing, maker=maker_b, officer=None)
        assert services.programme_closing_reminders_send() == 2
        recipients = set(
            Notification.objects.filter(kind="funding.programme_closing").values_list("recipient__email", flat=True)
        )
        assert recipients == {maker_a.email, maker_b.email}
        english = Notification.objects.get(recipient=maker_b)
        assert english.subject == f"{closing.name_en} closes in 14 days"

    def test_once_per_threshold_and_again_three_days_before(self, closing, company_a):
        today = timezone.localdate()
        assert services.programme_closing_reminders_send(today=today) == 1
        assert services.programme_closing_reminders_send(today=today) == 0
        assert services.programme_closing_reminders_send(today=today + timedelta(days=5)) == 0
        assert services.programme_closing_reminders_send(today=today + timedelta(days=11)) == 1
        assert services.programme_closing_reminders_send(today=today + timedelta(days=12)) == 0
        assert Notification.objects.count() == 2

    def test_ineligible_companies_and_far_off_closings_are_left_alone(self, company_a):
        ProgrammeFactory(closes_on=timezone.localdate() + timedelta(days=15))
        ProgrammeFactory(closes_on=timezone.localdate() + timedelta(days=3), required_designations=["little_giant"])
        assert services.programme_closing_reminders_send() == 0


class TestQuietIntroductionReminders:
    def _age(self, introduction, days):
        from funding.models import Introduction

        Introduction.objects.filter(pk=introduction.pk).update(last_activity_at=timezone.now() - timedelta(days=days))

    def test_staff_hear_after_fourteen_quiet_days(self, maker_a, staff, superuser, company_a, sponsor):
        outsider = UserFactory(email="staff-b@example.org")
        from incubator import services as platform

        platform.user_set_roles(user=outsider, roles=["centre-staff"], staff_sites=[])
        introduction = introduction_in("introduced", company=company_a, sponsor=sponsor, maker=maker_a, officer=staff)
        self._age(introduction, 13)
        assert services.introduction_quiet_reminders_send() == 0
        self._age(introduction, 14)
        assert services.introduction_quiet_reminders_send() == 2  # staff of site A and staff of every site
        assert services.introduction_quiet_reminders_send() == 0
        recipients = set(
            Notification.objects.filter(kind="funding.introduction_quiet").values_list("recipient", flat=True)
        )
        assert recipients == {staff.pk, outsider.pk}
        # An update, then another quiet spell: another reminder.
        services.introduction_add_note(introduction=introduction, by=staff, note="已跟进")
        introduction.refresh_from_db()
        self._age(introduction, 20)
        assert services.introduction_quiet_reminders_send() == 2

    def test_closed_introductions_are_left_alone(self, maker_a, staff, company_a, sponsor):
        introduction = introduction_in("invested", company=company_a, sponsor=sponsor, maker=maker_a, officer=staff)
        self._age(introduction, 30)
        assert services.introduction_quiet_reminders_send() == 0


class TestDisbursementReminders:
    def test_officers_hear_of_a_tranche_due_within_a_week(
        self, maker_a, maker_b, staff, superuser, company_a, company_b, programme
    ):
        today = timezone.localdate()
        award = application_in("approved", company=company_a, programme=programme, maker=maker_a, officer=staff)
        due = services.disbursement_schedule(
            application=award, by=staff, amount="100000", due_on=today + timedelta(days=7)
        )
        services.disbursement_schedule(application=award, by=staff, amount="100000", due_on=today + timedelta(days=8))
        paid = services.disbursement_schedule(application=award, by=staff, amount="100000", due_on=today)
        services.disbursement_mark_paid(disbursement=paid, by=staff, paid_on=today)
        other = application_in("approved", company=company_b, programme=programme, maker=maker_b, officer=superuser)
        services.disbursement_schedule(
            application=other, by=superuser, amount="100000", due_on=today + timedelta(days=1)
        )
        assert services.disbursement_due_reminders_send() == 1  # staff of site A; nobody else is unscoped staff
        message = Notification.objects.get(kind="funding.disbursement_due")
        assert message.recipient == staff and f"disbursement-due:{due.pk}:" in message.dedupe_key
        assert services.disbursement_due_reminders_send() == 0


def test_tasks_run_the_services_and_are_safe_to_run_twice(maker_a, staff, company_a, programme):
    from funding import tasks

    ProgrammeFactory(closes_on=timezone.localdate() + timedelta(days=3))
    assert tasks.programme_closing_reminders_send.delay().get() == 1
    assert tasks.programme_closing_reminders_send.delay().get() == 0
    assert tasks.introduction_quiet_reminders_send.delay().get() == 0
    assert tasks.disbursement_due_reminders_send.delay().get() == 0

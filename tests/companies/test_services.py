import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from companies import services
from companies.choices import AdmissionStatus, CompanyStatus, DesignationKind, MemberRole
from companies.models import Admission, Company, Membership, Residency, YearFigures
from incubator.errors import Conflict, InvalidTransition, NotAllowed
from incubator.models import Notification, User
from tests.factories import MembershipFactory, SiteFactory, UserFactory, resident_company

VALID_CODE = "91110000600037341L"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

pytestmark = pytest.mark.django_db


def apply(applicant, site, **extra):
    return services.admission_submit(
        applicant=applicant, site=site, team_name="木作榫卯", project_summary="榫卯结构的儿童家具。", **extra
    )


class TestCompanyRules:
    def test_credit_code_check_digit_is_validated(self, company_a, maker_a):
        with pytest.raises(ValidationError) as error:
            services.company_update(company=company_a, by=maker_a, credit_code="91110000600037341X")
        assert "credit_code" in error.value.message_dict
        company_a.refresh_from_db()
        assert company_a.credit_code is None
        services.company_update(company=company_a, by=maker_a, credit_code=VALID_CODE.lower())
        assert Company.objects.get(pk=company_a.pk).credit_code == VALID_CODE

    def test_credit_code_is_unique_when_present(self, company_a, company_b, maker_a, maker_b):
        services.company_update(company=company_a, by=maker_a, credit_code=VALID_CODE)
        with pytest.raises(ValidationError):
            services.company_update(company=company_b, by=maker_b, credit_code=VALID_CODE)
        services.company_update(company=company_b, by=maker_b, credit_code="")  # several may have none

    def test_only_profile_fields_can_be_changed(self, company_a, maker_a):
        with pytest.raises(ValidationError):
            services.company_update(company=company_a, by=maker_a, status="graduated")

    def test_another_maker_cannot_edit(self, company_a, maker_b):
        with pytest.raises(NotAllowed):
            services.company_update(company=company_a, by=maker_b, name="抢注")

    def test_negative_revenue_is_refused(self, company_a, maker_a):
        with pytest.raises(ValidationError) as error:
            services.year_figures_save(
                company=company_a,
                year=2025,
                by=maker_a,
                revenue=-1,
                profit=0,
                taxes_paid=0,
                rd_spend=0,
                employees=3,
                rd_staff=1,
            )
        assert "revenue" in error.value.message_dict
        assert not YearFigures.objects.exists()

    def test_profit_may_be_negative_and_a_year_is_corrected_in_place(self, company_a, maker_a):
        figures = dict(
            revenue=Decimal("100000"),
            profit=Decimal("-5000.50"),
            taxes_paid=0,
            rd_spend=Decimal("8000"),
            employees=4,
            rd_staff=2,
        )
        services.year_figures_save(company=company_a, year=2025, by=maker_a, **figures)
        services.year_figures_save(company=company_a, year=2025, by=maker_a, **{**figures, "employees": 5})
        row = YearFigures.objects.get()
        assert row.profit == Decimal("-5000.50") and row.employees == 5

    def test_rd_staff_cannot_outnumber_employees(self, company_a, maker_a):
        with pytest.raises(ValidationError):
            services.year_figures_save(
                company=company_a,
                year=2025,
                by=maker_a,
                revenue=1,
                profit=0,
                taxes_paid=0,
                rd_spend=0,
                employees=2,
                rd_staff=3,
            )

    def test_future_year_is_refused(self, company_a, maker_a):
        with pytest.raises(ValidationError):
            services.year_figures_save(
                company=company_a,
                year=2999,
                by=maker_a,
                revenue=1,
                profit=0,
                taxes_paid=0,
                rd_spend=0,
                employees=2,
                rd_staff=1,
            )

    def test_graduating_ends_the_residency(self, company_a, staff):
        services.company_set_status(company=company_a, status=CompanyStatus.GRADUATED, by=staff, on=date(2026, 6, 30))
        company_a.refresh_from_db()
        assert company_a.status == CompanyStatus.GRADUATED and company_a.graduated_on == date(2026, 6, 30)
        assert Residency.objects.get(company=company_a).ends_on == date(2026, 6, 30)
        with pytest.raises(InvalidTransition):
            services.company_set_status(company=company_a, status=CompanyStatus.GRADUATED, by=staff)

    def test_resident_at_one_site_at_a_time(self, company_a, staff, site_a):
        other = SiteFactory(code="elsewhere")
        from incubator import services as platform

        platform.user_set_roles(user=staff, roles=["centre-staff"], staff_sites=[site_a, other])
        residency = services.residency_move(
            company=company_a, site=other, by=User.objects.get(pk=staff.pk), on=date(2026, 1, 1)
        )
        assert Residency.objects.filter(company=company_a, ends_on__isnull=True).get() == residency
        assert Residency.objects.get(company=company_a, site=site_a).ends_on == date(2026, 1, 1)


class TestAdmissions:
    def test_submit_and_refuse_a_second_open_application(self, maker_a, site_a):
        admission = apply(maker_a, site_a, founders=[{"name": "李四", "email": "LiSi@Example.org"}])
        assert admission.status == AdmissionStatus.SUBMITTED
        assert admission.founders == [{"name": "李四", "email": "lisi@example.org"}]
        with pytest.raises(Conflict) as error:
            apply(maker_a, site_a)
        assert error.value.code == "duplicate_application"

    def test_business_plan_is_checked_by_content(self, maker_a, site_a):
        fake = SimpleUploadedFile("plan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
        with pytest.raises(ValidationError) as error:
            apply(maker_a, site_a, business_plan=fake)
        assert "business_plan" in error.value.message_dict
        real = SimpleUploadedFile("plan.bin", PDF, content_type="application/octet-stream")
        assert apply(maker_a, site_a, business_plan=real).business_plan

    def test_business_plan_size_is_limited(self, maker_a, site_a, settings):
        settings.UPLOAD_MAX_BYTES = 100
        big = SimpleUploadedFile("plan.pdf", PDF + b"0" * 200 + b"%%EOF")
        with pytest.raises(ValidationError):
            apply(maker_a, site_a, business_plan=big)

    def test_newcomer_applies_with_a_new_account(self, site_a):
        user, admission = services.admission_apply_as_newcomer(
            email="New@Maker.org",
            full_name="新创客",
            password="Sturdy-pass-2026",
            language="en",
            site=site_a,
            team_name="团队",
            project_summary="项目",
        )
        assert user.email == "new@maker.org" and user.check_password("Sturdy-pass-2026") and user.language == "en"
        assert admission.applicant == user

    def test_newcomer_with_a_known_email_or_weak_password_changes_nothing(self, site_a, maker_a):
        with pytest.raises(ValidationError) as error:
            services.admission_apply_as_newcomer(
                email=maker_a.email,
                full_name="x",
                password="Sturdy-pass-2026",
                language="en",
                site=site_a,
                team_name="t",
                project_summary="p",
            )
        assert "email" in error.value.message_dict
        with pytest.raises(ValidationError) as error:
            services.admission_apply_as_newcomer(
                email="weak@example.org",
                full_name="x",
                password="123",
                language="en",
                site=site_a,
                team_name="t",
                project_summary="p",
            )
        assert "password" in error.value.message_dict
        assert not User.objects.filter(email="weak@example.org").exists()
        assert not Admission.objects.exists()

    def test_accept_creates_company_residency_team_and_invitations(self, site_a, staff, maker_b):
        applicant = UserFactory(email="founder@example.org", language="en")
        admission = apply(
            applicant,
            site_a,
            founders=[
                {"name": "Existing", "email": maker_b.email},
                {"name": "王五", "email": "wangwu@example.org"},
            ],
        )
        services.admission_start_review(admission=admission, by=staff)
        admission = services.admission_accept(
            admission=admission, decided_by=staff, company_name="天津木构科技有限公司", starts_on=date(2026, 11, 1)
        )
        company = admission.company
        assert admission.status == AdmissionStatus.ACCEPTED and admission.decided_by == staff
        assert company.status == CompanyStatus.RESIDENT and company.admitted_on == date(2026, 11, 1)
        assert Residency.objects.get(company=company).site == site_a
        roles = dict(Membership.objects.filter(company=company).values_list("user__email", "role"))
        assert roles == {"founder@example.org": "owner", maker_b.email: "member", "wangwu@example.org": "member"}
        invited = User.objects.get(email="wangwu@example.org")
        assert not invited.has_usable_password()
        kinds = sorted(Notification.objects.values_list("kind", "recipient__email"))
        assert kinds == [
            ("companies.admission_accepted", "founder@example.org"),
            ("companies.invitation", "wangwu@example.org"),
        ]
        welcome = Notification.objects.get(kind="companies.admission_accepted")
        assert welcome.language == "en" and "accepted" in welcome.body
        invitation = Notification.objects.get(kind="companies.invitation")
        assert "/password-reset/" in invitation.body

    def test_reject_needs_a_reason_and_tells_the_applicant(self, site_a, staff, maker_a):
        admission = apply(maker_a, site_a)
        with pytest.raises(ValidationError):
            services.admission_reject(admission=admission, decided_by=staff, reason="  ")
        services.admission_reject(admission=admission, decided_by=staff, reason="方向不符")
        admission.refresh_from_db()
        assert admission.status == AdmissionStatus.REJECTED and admission.rejection_reason == "方向不符"
        assert Notification.objects.get().kind == "companies.admission_rejected"

    @pytest.mark.parametrize("final", ["accepted", "rejected", "withdrawn"])
    def test_a_closed_application_cannot_change_again(self, site_a, staff, maker_a, final):
        admission = apply(maker_a, site_a)
        if final == "accepted":
            services.admission_accept(admission=admission, decided_by=staff)
        elif final == "rejected":
            services.admission_reject(admission=admission, decided_by=staff, reason="不符")
        else:
            services.admission_withdraw(admission=admission, by=maker_a)
        companies = Company.objects.count()
        with pytest.raises(InvalidTransition):
            services.admission_accept(admission=admission, decided_by=staff)
        with pytest.raises(InvalidTransition):
            services.admission_withdraw(admission=admission, by=maker_a)
        with pytest.raises(InvalidTransition):
            services.admission_reject(admission=admission, decided_by=staff, reason="again")
        assert Company.objects.count() == companies

    def test_review_only_from_submitted(self, site_a, staff, maker_a):
        admission = apply(maker_a, site_a)
        services.admission_start_review(admission=admission, by=staff)
        with pytest.raises(InvalidTransition):
            services.admission_start_review(admission=admission, by=staff)

    def test_only_staff_of_the_site_decide(self, site_b, staff, maker_a, district):
        admission = apply(maker_a, site_b)  # staff works for site A only
        for person in (staff, maker_a, district):
            with pytest.raises(NotAllowed):
                services.admission_accept(admission=admission, decided_by=person)
        with pytest.raises(NotAllowed):
            services.admission_withdraw(admission=admission, by=staff)
        assert Admission.objects.get().status == AdmissionStatus.SUBMITTED

    def test_closed_site_takes_no_applications(self, maker_a):
        closed = SiteFactory(is_active=False)
        with pytest.raises(ValidationError):
            apply(maker_a, closed)


class TestTeam:
    def test_owner_invites_a_newcomer_who_gets_a_set_password_mail(self, company_a, maker_a):
        membership = services.membership_invite(
            company=company_a, email="helper@example.org", role="member", by=maker_a, full_name="帮手"
        )
        assert membership.user.email == "helper@example.org" and not membership.user.has_usable_password()
        note = Notification.objects.get(kind="companies.invitation")
        assert note.recipient == membership.user
        with pytest.raises(Conflict):
            services.membership_invite(company=company_a, email="HELPER@example.org", role="member", by=maker_a)

    def test_plain_text_mail_keeps_names_as_typed(self, company_a, maker_a):
        """E-mails are plain text: an ampersand or angle bracket in a name is not an HTML entity."""
        company_a.name = "A&B <Lab> 工作室"
        company_a.save()
        maker_a.full_name = "O'Brien & 王"
        maker_a.save()
        services.membership_invite(company=company_a, email="amp@example.org", role="member", by=maker_a)
        note = Notification.objects.get(kind="companies.invitation")
        assert "A&B <Lab> 工作室" in note.body and "O'Brien & 王" in note.body
        assert "&amp;" not in note.body and "&lt;" not in note.body and "&#x27;" not in note.body

    def test_a_member_cannot_manage_the_team(self, company_a):
        member = MembershipFactory(company=company_a, role=MemberRole.MEMBER).user
        with pytest.raises(NotAllowed):
            services.membership_invite(company=company_a, email="x@example.org", role="member", by=member)

    def test_the_last_owner_cannot_be_removed_or_demoted(self, company_a, maker_a):
        owner = Membership.objects.get(company=company_a, user=maker_a)
        with pytest.raises(Conflict) as error:
            services.membership_remove(membership=owner, by=maker_a)
        assert error.value.code == "last_owner"
        with pytest.raises(Conflict):
            services.membership_change_role(membership=owner, role=MemberRole.MEMBER, by=maker_a)
        assert Membership.objects.get(pk=owner.pk).role == MemberRole.OWNER

    def test_with_a_second_owner_the_first_may_step_down(self, company_a, maker_a):
        second = MembershipFactory(company=company_a, role=MemberRole.MEMBER)
        services.membership_change_role(membership=second, role=MemberRole.OWNER, by=maker_a)
        first = Membership.objects.get(company=company_a, user=maker_a)
        services.membership_remove(membership=first, by=maker_a)
        assert list(Membership.objects.filter(company=company_a).values_list("role", flat=True)) == ["owner"]

    def test_a_member_may_leave(self, company_a):
        member = MembershipFactory(company=company_a, role=MemberRole.MEMBER)
        services.membership_remove(membership=member, by=member.user)
        assert not Membership.objects.filter(pk=member.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_two_owners_removing_each_other_at_once_leave_one_owner(site_a):
    owners = [UserFactory(email=f"owner{i}@example.org") for i in range(2)]
    company = resident_company(site=site_a, owner=owners[0])
    MembershipFactory(company=company, user=owners[1], role=MemberRole.OWNER)
    memberships = list(Membership.objects.filter(company=company).order_by("pk"))
    barrier = threading.Barrier(2)
    outcomes = []

    def remove(membership, by):
        try:
            barrier.wait()
            services.membership_remove(membership=membership, by=by)
            outcomes.append("removed")
        except (Conflict, NotAllowed):
            outcomes.append("refused")
        finally:
            connection.close()

    # Each owner removes the other one.
    threads = [
        threading.Thread(target=remove, args=(memberships[1], owners[0])),
        threading.Thread(target=remove, args=(memberships[0], owners[1])),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused", "removed"]
    assert Membership.objects.filter(company=company, role=MemberRole.OWNER).count() == 1


class TestDesignationsAndReminders:
    def test_terms_by_kind(self, company_a, staff):
        sme = services.designation_record(
            company=company_a, kind=DesignationKind.SME, granted_on=date(2026, 2, 1), by=staff
        )
        assert sme.expires_on == date(2027, 2, 1)
        with pytest.raises(ValidationError):
            services.designation_record(
                company=company_a, kind=DesignationKind.HIGH_TECH, granted_on=date(2026, 2, 1), by=staff
            )
        ht = services.designation_record(
            company=company_a,
            kind=DesignationKind.HIGH_TECH,
            granted_on=date(2024, 2, 29),
            certificate_number="GR202412000123",
            by=staff,
        )
        assert ht.expires_on == date(2027, 2, 28)
        with pytest.raises(ValidationError):
            services.designation_record(
                company=company_a, kind=DesignationKind.LISTED, granted_on=date(2026, 2, 1), by=staff
            )

    def test_makers_and_other_sites_staff_cannot_record(self, company_b, staff, maker_b):
        for person in (staff, maker_b):
            with pytest.raises(NotAllowed):
                services.designation_record(
                    company=company_b, kind=DesignationKind.SME, granted_on=date(2026, 1, 1), by=person
                )

    def test_expiry_reminders_at_90_then_30_days_once_each(self, company_a, staff, maker_a):
        designation = services.designation_record(
            company=company_a, kind=DesignationKind.SME, granted_on=date(2025, 12, 1), by=staff
        )
        expires = designation.expires_on  # 2026-12-01
        assert services.designation_reminders_send(today=expires - timedelta(days=91)) == 0
        assert services.designation_reminders_send(today=expires - timedelta(days=90)) == 2  # owner + staff
        assert services.designation_reminders_send(today=expires - timedelta(days=89)) == 0
        assert services.designation_reminders_send(today=expires - timedelta(days=30)) == 2
        assert services.designation_reminders_send(today=expires - timedelta(days=29)) == 0
        assert services.designation_reminders_send(today=expires) == 0
        recipients = set(Notification.objects.values_list("recipient__email", flat=True))
        assert recipients == {maker_a.email, staff.email}

    def test_staff_of_another_site_is_not_reminded(self, company_b, staff, superuser):
        designation = services.designation_record(
            company=company_b, kind=DesignationKind.SME, granted_on=date(2025, 12, 1), by=superuser
        )
        services.designation_reminders_send(today=designation.expires_on - timedelta(days=10))
        assert staff.email not in set(Notification.objects.values_list("recipient__email", flat=True))

    def test_figures_requested_monthly_until_entered(self, company_a, maker_a):
        member = MembershipFactory(company=company_a, role=MemberRole.MEMBER).user
        assert services.figures_requests_send(today=date(2026, 1, 1)) == 1
        assert services.figures_requests_send(today=date(2026, 1, 15)) == 0  # same month
        assert services.figures_requests_send(today=date(2026, 2, 1)) == 1
        services.year_figures_save(
            company=company_a,
            year=2025,
            by=maker_a,
            revenue=1,
            profit=0,
            taxes_paid=0,
            rd_spend=0,
            employees=1,
            rd_staff=0,
        )
        assert services.figures_requests_send(today=date(2026, 3, 1)) == 0
        assert not Notification.objects.filter(recipient=member).exists()


def test_tasks_call_the_services(company_a, staff, django_capture_on_commit_callbacks):
    from companies import tasks

    assert tasks.designation_reminders_send() == 0
    assert isinstance(tasks.figures_requests_send(), int)
    assert len(mail.outbox) == 0

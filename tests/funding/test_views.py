"""Portal pages: what each role sees, the forms' messages, and constant queries on every list."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from funding import services
from funding.choices import ApplicationStatus
from funding.models import Disbursement, FundingApplication, Introduction
from tests.factories import UserFactory, resident_company
from tests.funding.factories import (
    PDF,
    ProgrammeFactory,
    SponsorContactFactory,
    SponsorFactory,
    application_in,
    introduction_in,
)

pytestmark = pytest.mark.django_db


def _many_applications(site, officer, n, programme=None):
    for _ in range(n):
        owner = UserFactory()
        company = resident_company(site=site, owner=owner)
        application_in(
            "approved", company=company, programme=programme or ProgrammeFactory(), maker=owner, officer=officer
        )


class TestProgrammes:
    def test_makers_see_the_open_programmes_their_company_may_apply_to(self, client_for, maker_a, company_a):
        open_one = ProgrammeFactory(name="天津市科技型中小企业创新资金")
        ProgrammeFactory(name="上市挂牌奖励", required_designations=["listed"])
        ProgrammeFactory(name="已截止的项目", closes_on=timezone.localdate() - timedelta(days=1))
        page = client_for(maker_a).get(reverse("funding:programme_list")).content.decode()
        assert open_one.name in page and "上市挂牌奖励" not in page and "已截止的项目" not in page
        everything = client_for(maker_a).get(reverse("funding:programme_list") + "?show=all").content.decode()
        assert "上市挂牌奖励" in everything and "已截止的项目" not in everything

    def test_staff_see_every_programme_with_its_budget(self, client_for, staff):
        ProgrammeFactory(name="小巨人升级专项", is_active=False, budget=Decimal("500000000"))
        page = client_for(staff).get(reverse("funding:programme_list")).content.decode()
        assert "小巨人升级专项" in page and "¥500,000,000.00" in page

    def test_the_detail_runs_a_constant_number_of_queries(self, client_for, staff, site_a, assert_constant_queries):
        programme = ProgrammeFactory()
        _many_applications(site_a, staff, 1, programme=programme)
        client = client_for(staff)
        assert_constant_queries(
            fetch=lambda: client.get(reverse("funding:programme_detail", args=[programme.pk])),
            grow=lambda: _many_applications(site_a, staff, 3, programme=programme),
        )

    def test_makers_do_not_see_unpublished_programmes(self, client_for, maker_a):
        hidden = ProgrammeFactory(is_active=False)
        assert client_for(maker_a).get(reverse("funding:programme_detail", args=[hidden.pk])).status_code == 404

    def test_detail_says_why_a_company_may_not_apply(self, client_for, maker_a, company_a):
        programme = ProgrammeFactory(required_designations=["little_giant"])
        response = client_for(maker_a).get(reverse("funding:programme_detail", args=[programme.pk]))
        assert "企业须持有有效的资质认定：小巨人企业。" in response.content.decode()

    def test_lists_run_a_constant_number_of_queries(
        self, client_for, maker_a, staff, company_a, site_a, assert_constant_queries
    ):
        ProgrammeFactory()
        for user in (maker_a, staff):
            client = client_for(user)
            assert_constant_queries(
                fetch=lambda c=client: c.get(reverse("funding:programme_list")),
                grow=lambda: [ProgrammeFactory(required_designations=["sme"]) for _ in range(4)],
            )


class TestApplying:
    def test_a_maker_applies_with_a_document(self, client_for, maker_a, company_a, programme):
        client = client_for(maker_a)
        url = reverse("funding:application_create", args=[programme.pk])
        assert client.get(url).status_code == 200
        response = client.post(
            url,
            {
                "company": company_a.pk,
                "requested_amount": "1500000",
                "purpose": "建设榫卯构件数控加工线。",
                "document": SimpleUploadedFile("计划书.pdf", PDF, content_type="application/pdf"),
                "submit": "1",
            },
        )
        application = FundingApplication.objects.get()
        assert response.status_code == 302 and response.url == reverse(
            "funding:application_detail", args=[application.pk]
        )
        assert application.status == ApplicationStatus.SUBMITTED and application.documents.count() == 1
        detail = client.get(response.url).content.decode()
        assert "计划书.pdf" in detail and "¥1,500,000.00" in detail

    def test_a_draft_is_kept(self, client_for, maker_a, company_a, programme):
        client_for(maker_a).post(
            reverse("funding:application_create", args=[programme.pk]),
            {"company": company_a.pk, "requested_amount": "100000", "purpose": "草稿", "draft": "1"},
        )
        assert FundingApplication.objects.get().status == ApplicationStatus.DRAFT

    def test_the_form_shows_the_limit_and_the_pdf_check(self, client_for, maker_a, company_a, programme):
        response = client_for(maker_a).post(
            reverse("funding:application_create", args=[programme.pk]),
            {
                "company": company_a.pk,
                "requested_amount": "2500000",
                "purpose": "x",
                "document": SimpleUploadedFile("plan.pdf", b"not a pdf at all", content_type="application/pdf"),
                "submit": "1",
            },
        )
        page = response.content.decode()
        assert response.status_code == 200 and "该文件不是 PDF 文档。" in page
        response = client_for(maker_a).post(
            reverse("funding:application_create", args=[programme.pk]),
            {"company": company_a.pk, "requested_amount": "2500000", "purpose": "x", "submit": "1"},
        )
        assert "该项目的最高资助额为 2,000,000.00 元。" in response.content.decode()
        assert not FundingApplication.objects.exists()

    def test_a_programme_the_maker_cannot_apply_to(self, client_for, maker_a, company_a):
        closed = ProgrammeFactory(closes_on=timezone.localdate() - timedelta(days=1))
        response = client_for(maker_a).get(reverse("funding:application_create", args=[closed.pk]))
        assert response.status_code == 409 and 'data-testid="cannot-apply"' in response.content.decode()

    def test_editing_submitting_and_withdrawing(self, client_for, maker_a, staff, company_a, programme):
        application = application_in("draft", company=company_a, programme=programme, maker=maker_a, officer=staff)
        client = client_for(maker_a)
        response = client.post(
            reverse("funding:application_edit", args=[application.pk]), {"requested_amount": "600000", "purpose": "新"}
        )
        assert response.status_code == 302
        client.post(reverse("funding:application_submit", args=[application.pk]))
        client.post(reverse("funding:application_withdraw", args=[application.pk]))
        application.refresh_from_db()
        assert application.status == ApplicationStatus.WITHDRAWN and application.requested_amount == Decimal("600000")
        assert client.get(reverse("funding:application_edit", args=[application.pk])).status_code == 404


class TestDeciding:
    def test_an_officer_reviews_and_approves(self, client_for, maker_a, staff, company_a, programme):
        application = application_in("submitted", company=company_a, programme=programme, maker=maker_a, officer=staff)
        client = client_for(staff)
        page = client.get(reverse("funding:application_detail", args=[application.pk])).content.decode()
        assert 'data-testid="start-review"' in page
        client.post(reverse("funding:application_review", args=[application.pk]))
        response = client.post(
            reverse("funding:application_approve", args=[application.pk]), {"approved_amount": "900000", "note": ""}
        )
        assert response.status_code == 302
        application.refresh_from_db()
        assert application.approved_amount == Decimal("900000") and application.decided_by == staff
        page = client.get(reverse("funding:application_detail", args=[application.pk])).content.decode()
        assert 'data-testid="application-history"' in page and staff.full_name in page

    def test_over_budget_shows_on_the_form(self, client_for, maker_a, staff, company_a):
        programme = ProgrammeFactory(budget=Decimal("500000"), max_award=Decimal("500000"))
        application = application_in(
            "under_review",
            company=company_a,
            programme=programme,
            maker=maker_a,
            officer=staff,
            amount=Decimal("500000"),
        )
        services.programme_update(programme=programme, by=staff, budget="400000", max_award="400000")
        response = client_for(staff).post(
            reverse("funding:application_approve", args=[application.pk]),
            {"approved_amount": "400000.01"},
        )
        page = response.content.decode()
        assert response.status_code == 400
        assert "该项目的最高资助额为 400,000.00 元。" in page
        programme_b = ProgrammeFactory(budget=Decimal("300000"), max_award=Decimal("2000000"))
        other = application_in("under_review", company=company_a, programme=programme_b, maker=maker_a, officer=staff)
        response = client_for(staff).post(
            reverse("funding:application_approve", args=[other.pk]),
            {"approved_amount": "400000"},
        )
        assert response.status_code == 400
        assert "批准后将超出该项目的预算：剩余 300,000.00 元。" in response.content.decode()

    def test_rejection_needs_a_reason(self, client_for, maker_a, staff, company_a, programme):
        application = application_in("submitted", company=company_a, programme=programme, maker=maker_a, officer=staff)
        response = client_for(staff).post(reverse("funding:application_reject", args=[application.pk]), {"note": ""})
        assert response.status_code == 400
        assert FundingApplication.objects.get(pk=application.pk).status == ApplicationStatus.SUBMITTED

    def test_a_refused_transition_is_a_message(self, client_for, maker_a, staff, company_a, programme):
        application = application_in("approved", company=company_a, programme=programme, maker=maker_a, officer=staff)
        response = client_for(maker_a).post(reverse("funding:application_withdraw", args=[application.pk]), follow=True)
        assert response.status_code == 200 and "flash__item--error" in response.content.decode()

    def test_the_list_runs_a_constant_number_of_queries(
        self, client_for, staff, district, site_a, assert_constant_queries
    ):
        _many_applications(site_a, staff, 1)
        for user in (staff, district):
            client = client_for(user)
            assert_constant_queries(
                fetch=lambda c=client: c.get(reverse("funding:application_list")),
                grow=lambda: _many_applications(site_a, staff, 3),
            )


class TestDisbursements:
    @pytest.fixture
    def award(self, maker_a, staff, company_a, programme):
        return application_in("approved", company=company_a, programme=programme, maker=maker_a, officer=staff)

    def test_tranches_through_htmx(self, client_for, staff, award):
        client = client_for(staff)
        response = client.post(
            reverse("funding:disbursement_add", args=[award.pk]),
            {"amount": "400000", "due_on": "2026-12-15"},
            HTTP_HX_REQUEST="true",
        )
        body = response.content.decode()
        assert response.status_code == 200 and body.lstrip().startswith('<div id="disbursements-body">')
        tranche = Disbursement.objects.get()
        response = client.post(
            reverse("funding:disbursement_add", args=[award.pk]),
            {"amount": "600000.01", "due_on": "2026-12-15"},
            HTTP_HX_REQUEST="true",
        )
        assert "各期拨付合计将超过" in response.content.decode() and Disbursement.objects.count() == 1
        client.post(
            reverse("funding:disbursement_paid", args=[tranche.pk]),
            {"paid_on": timezone.localdate().isoformat(), "reference": "津财拨〔2026〕12号"},
            HTTP_HX_REQUEST="true",
        )
        tranche.refresh_from_db()
        assert tranche.paid_on == timezone.localdate()
        client.post(reverse("funding:disbursement_cancel", args=[tranche.pk]))
        assert Disbursement.objects.count() == 1  # paid: stays

    def test_makers_see_the_tranches_but_do_not_touch_them(self, client_for, maker_a, staff, award):
        tranche = services.disbursement_schedule(application=award, by=staff, amount="1", due_on=timezone.localdate())
        client = client_for(maker_a)
        page = client.get(reverse("funding:application_detail", args=[award.pk])).content.decode()
        assert 'data-testid="disbursement-table"' in page and "disbursement-submit" not in page
        assert client.post(reverse("funding:disbursement_cancel", args=[tranche.pk])).status_code == 404


class TestSponsorsAndIntroductions:
    def test_makers_see_sponsors_without_contacts(self, client_for, maker_a, staff, sponsor):
        SponsorContactFactory(sponsor=sponsor, name="赵经理")
        assert (
            "赵经理"
            not in client_for(maker_a).get(reverse("funding:sponsor_detail", args=[sponsor.pk])).content.decode()
        )
        assert "赵经理" in client_for(staff).get(reverse("funding:sponsor_detail", args=[sponsor.pk])).content.decode()

    def test_filter_by_sector(self, client_for, maker_a):
        SponsorFactory(name="新材料基金", focus_sectors=["materials"])
        SponsorFactory(name="生物医药基金", focus_sectors=["biomedicine"])
        page = client_for(maker_a).get(reverse("funding:sponsor_list") + "?sector=materials").content.decode()
        assert "新材料基金" in page and "生物医药基金" not in page

    def test_a_maker_asks_for_an_introduction(self, client_for, maker_a, company_a, sponsor):
        client = client_for(maker_a)
        assert client.get(reverse("funding:introduction_request") + f"?sponsor={sponsor.pk}").status_code == 200
        response = client.post(
            reverse("funding:introduction_request"), {"company": company_a.pk, "sponsor": sponsor.pk, "message": "A轮"}
        )
        introduction = Introduction.objects.get()
        assert response.status_code == 302 and introduction.requested_by == maker_a
        response = client.post(
            reverse("funding:introduction_request"), {"company": company_a.pk, "sponsor": sponsor.pk}
        )
        assert response.status_code == 200 and Introduction.objects.count() == 1  # the duplicate is a form error
        page = client.get(reverse("funding:introduction_list")).content.decode()
        assert sponsor.name in page

    def test_staff_move_the_pipeline_and_record_the_investment(self, client_for, maker_a, staff, company_a, sponsor):
        introduction = introduction_in("term_sheet", company=company_a, sponsor=sponsor, maker=maker_a, officer=staff)
        client = client_for(staff)
        response = client.post(
            reverse("funding:introduction_advance", args=[introduction.pk]), {"status": "invested", "round": "series_a"}
        )
        assert response.status_code == 400  # the amount is missing
        response = client.post(
            reverse("funding:introduction_advance", args=[introduction.pk]),
            {"status": "invested", "round": "series_a", "amount_invested": "8000000", "investors": "中民投"},
        )
        assert response.status_code == 302
        introduction.refresh_from_db()
        assert introduction.status == "invested" and introduction.investment.amount == Decimal("8000000")
        page = client.get(reverse("funding:introduction_list")).content.decode()
        assert 'data-testid="pipeline-invested">1<' in page

    def test_notes_are_for_staff(self, client_for, maker_a, staff, company_a, sponsor):
        introduction = introduction_in("introduced", company=company_a, sponsor=sponsor, maker=maker_a, officer=staff)
        client_for(staff).post(reverse("funding:introduction_note", args=[introduction.pk]), {"note": "对方偏好B轮"})
        assert (
            "对方偏好B轮"
            in client_for(staff).get(reverse("funding:introduction_detail", args=[introduction.pk])).content.decode()
        )
        assert (
            "对方偏好B轮"
            not in client_for(maker_a)
            .get(reverse("funding:introduction_detail", args=[introduction.pk]))
            .content.decode()
        )

    def test_lists_run_a_constant_number_of_queries(
        self, client_for, maker_a, staff, company_a, assert_constant_queries
    ):
        def grow():
            for _ in range(3):
                sponsor = SponsorFactory()
                SponsorContactFactory(sponsor=sponsor)
                introduction_in("meeting_held", company=company_a, sponsor=sponsor, maker=maker_a, officer=staff)

        grow()
        for user in (maker_a, staff):
            client = client_for(user)
            for name in ("funding:sponsor_list", "funding:introduction_list"):
                assert_constant_queries(fetch=lambda c=client, n=name: c.get(reverse(n)), grow=grow)


class TestLedgerAndTotals:
    def test_the_ledger_page(self, client_for, maker_a, staff, company_a, programme):
        award = application_in("approved", company=company_a, programme=programme, maker=maker_a, officer=staff)
        tranche = services.disbursement_schedule(
            application=award, by=staff, amount="250000", due_on=timezone.localdate()
        )
        services.disbursement_mark_paid(disbursement=tranche, by=staff, paid_on=timezone.localdate())
        page = client_for(maker_a).get(reverse("funding:ledger", args=[company_a.pk])).content.decode()
        assert 'data-testid="ledger-awarded">¥1,000,000.00<' in page
        assert 'data-testid="ledger-disbursed">¥250,000.00<' in page

    def test_the_ledger_runs_a_constant_number_of_queries(
        self, client_for, maker_a, staff, company_a, assert_constant_queries
    ):
        def grow():
            for _ in range(3):
                award = application_in(
                    "approved", company=company_a, programme=ProgrammeFactory(), maker=maker_a, officer=staff
                )
                tranche = services.disbursement_schedule(
                    application=award, by=staff, amount="1", due_on=timezone.localdate()
                )
                services.disbursement_mark_paid(disbursement=tranche, by=staff, paid_on=timezone.localdate())
                services.investment_record(
                    company=company_a, by=staff, amount="1", investors="x", closed_on=timezone.localdate()
                )

        grow()
        client = client_for(maker_a)
        assert_constant_queries(fetch=lambda: client.get(reverse("funding:ledger", args=[company_a.pk])), grow=grow)

    def test_totals_for_staff_and_the_district(
        self, client_for, maker_a, district, staff, site_a, assert_constant_queries
    ):
        assert client_for(maker_a).get(reverse("funding:totals")).status_code == 403
        _many_applications(site_a, staff, 1)
        client = client_for(district)
        assert_constant_queries(
            fetch=lambda: client.get(reverse("funding:totals")), grow=lambda: _many_applications(site_a, staff, 3)
        )
        page = client.get(reverse("funding:totals") + f"?year={timezone.localdate().year}").content.decode()
        assert 'data-testid="totals-approved">¥4,000,000.00<' in page
        assert client.get(reverse("funding:totals") + "?year=abc").status_code == 200


class TestHomePanels:
    def test_panels_for_each_role(self, client_for, maker_a, staff, district, company_a, programme, sponsor):
        application_in("submitted", company=company_a, programme=programme, maker=maker_a, officer=staff)
        introduction_in("introduced", company=company_a, sponsor=sponsor, maker=maker_a, officer=staff)
        maker_page = client_for(maker_a).get(reverse("home")).content.decode()
        assert 'data-panel="funding"' in maker_page and 'data-panel="introductions"' in maker_page
        assert sponsor.name in maker_page
        staff_page = client_for(staff).get(reverse("home")).content.decode()
        assert 'data-testid="funding-waiting-count">1<' in staff_page
        assert 'data-testid="introductions-introduced">1<' in staff_page
        assert client_for(district).get(reverse("home")).status_code == 200

    def test_the_home_page_runs_a_constant_number_of_queries(
        self, client_for, maker_a, staff, company_a, site_a, assert_constant_queries
    ):
        application_in("submitted", company=company_a, programme=ProgrammeFactory(), maker=maker_a, officer=staff)
        for user in (maker_a, staff):
            client = client_for(user)
            assert_constant_queries(
                fetch=lambda c=client: c.get(reverse("home")),
                grow=lambda: [
                    application_in(
                        "submitted", company=company_a, programme=ProgrammeFactory(), maker=maker_a, officer=staff
                    )
                    for _ in range(2)
                ],
            )

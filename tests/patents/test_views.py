"""Portal pages of the patents app. Today is Monday 2026-03-02."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from patents import services
from patents.choices import DeadlineStatus
from patents.models import Deadline, Filing, FilingDocument
from tests.factories import resident_company
from tests.patents.factories import cn_number

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_filings(company, owner, count, start=0):
    for n in range(start, start + count):
        services.filing_create(
            by=owner,
            company=company,
            kind="utility_model",
            title=f"一种榫卯连接结构{n}",
            application_number=cn_number("utility_model", 2024, 3000000 + n),
            filing_date=date(2024, 3, 15),
            grant_date=date(2024, 10, 18),
            annuities_paid_through=2,
        )


class TestFilingPages:
    def test_list_shows_own_filings_with_the_next_deadline(self, client_for, maker_a, invention_a, invention_b):
        page = client_for(maker_a).get(reverse("patents:filing_list")).content.decode()
        assert invention_a.title in page and invention_b.title not in page
        assert "2026-03-16" in page

    def test_list_filters(self, client_for, maker_a, invention_a, utility_a):
        client = client_for(maker_a)
        page = client.get(reverse("patents:filing_list"), {"kind": "utility_model"}).content.decode()
        assert utility_a.title in page and invention_a.title not in page
        page = client.get(reverse("patents:filing_list"), {"q": invention_a.application_number}).content.decode()
        assert invention_a.title in page and utility_a.title not in page

    def test_list_queries_do_not_grow(self, client_for, maker_a, staff, company_a, assert_constant_queries):
        make_filings(company_a, maker_a, 1, start=900)
        for user in (maker_a, staff):
            client = client_for(user)
            assert_constant_queries(
                fetch=lambda c=client: c.get(reverse("patents:filing_list")),
                grow=lambda u=user: make_filings(company_a, maker_a, 4, start=10 * (u.pk or 0)),
            )

    def test_create_computes_the_deadlines(self, client_for, maker_a, company_a):
        response = client_for(maker_a).post(
            reverse("patents:filing_create"),
            {
                "company": company_a.pk,
                "kind": "invention",
                "title": "一种木构件含水率在线检测方法",
                "application_number": "ZL 2023 1 0123456.6",
                "filing_date": "2023-04-05",
                "fee_reduction": "reduced_85",
                "inventors": "张伟\n陈立新",
            },
        )
        filing = Filing.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse(
            "patents:filing_detail", args=[filing.pk]
        )
        assert filing.inventors == ["张伟", "陈立新"]
        assert filing.deadlines.get().due_on == date(2026, 4, 7)

    def test_a_bad_number_shows_the_field_message(self, client_for, maker_a, company_a):
        response = client_for(maker_a).post(
            reverse("patents:filing_create"),
            {
                "company": company_a.pk,
                "kind": "utility_model",
                "title": "x",
                "application_number": cn_number("invention", 2023, 1000001),
                "filing_date": "2023-04-05",
                "fee_reduction": "none",
            },
        )
        assert response.status_code == 400
        assert "类型码 1 表示发明专利" in response.content.decode()
        assert not Filing.objects.exists()

    def test_a_grant_before_the_filing_is_refused_on_the_form(self, client_for, maker_a, company_a):
        response = client_for(maker_a).post(
            reverse("patents:filing_create"),
            {
                "company": company_a.pk,
                "kind": "design",
                "title": "茶几",
                "filing_date": "2023-04-05",
                "grant_date": "2023-04-04",
                "fee_reduction": "none",
            },
        )
        assert response.status_code == 400 and "授权日不能早于申请日" in response.content.decode()

    def test_create_offers_only_the_makers_companies(self, client_for, maker_a, company_a, company_b):
        page = client_for(maker_a).get(reverse("patents:filing_create")).content.decode()
        assert company_a.name in page and company_b.name not in page
        response = client_for(maker_a).post(
            reverse("patents:filing_create"), {"company": company_b.pk, "kind": "trademark", "title": "抢注"}
        )
        assert response.status_code == 400 and not Filing.objects.exists()

    def test_detail_shows_what_to_do_by_when_and_the_law(self, client_for, maker_a, utility_a):
        page = client_for(maker_a).get(reverse("patents:filing_detail", args=[utility_a.pk])).content.decode()
        assert "缴纳第 3 年度年费" in page
        assert "2026-03-16" in page and "原为 2026-03-15，非工作日顺延" in page
        assert "宽展期至 2026-09-15" in page
        assert "《专利法》第四十三条" in page

    def test_edit_moves_the_deadlines(self, client_for, maker_a, invention_a):
        url = reverse("patents:filing_edit", args=[invention_a.pk])
        form = client_for(maker_a).get(url)
        assert form.status_code == 200
        response = client_for(maker_a).post(
            url,
            {
                "kind": "invention",
                "title": invention_a.title,
                "application_number": invention_a.application_number,
                "filing_date": "2023-04-05",
                "publication_date": "2024-09-20",
                "fee_reduction": "none",
            },
        )
        assert response.status_code == 302
        assert invention_a.deadlines.get().due_on == date(2026, 4, 7)

    def test_withdraw(self, client_for, maker_a, invention_a):
        response = client_for(maker_a).post(reverse("patents:filing_withdraw", args=[invention_a.pk]))
        assert response.status_code == 302
        invention_a.refresh_from_db()
        assert invention_a.status == "withdrawn"


class TestRecordingEvents:
    def test_htmx_records_and_returns_the_updated_record(self, client_for, maker_a, invention_a):
        response = client_for(maker_a).post(
            reverse("patents:event_create", args=[invention_a.pk]),
            {"kind": "examination_requested", "on": "2026-02-27"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert 'data-status="done"' in body and "<html" not in body
        assert invention_a.deadlines.get().status == DeadlineStatus.DONE

    def test_a_refused_event_shows_why(self, client_for, maker_a, invention_a):
        response = client_for(maker_a).post(
            reverse("patents:event_create", args=[invention_a.pk]),
            {"kind": "annuity_paid", "on": "2026-02-27", "period": "3"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200 and "尚未授权" in response.content.decode()
        response = client_for(maker_a).post(
            reverse("patents:event_create", args=[invention_a.pk]), {"kind": "office_action", "on": "2026-03-09"}
        )
        assert response.status_code == 400 and "日期不能晚于今天" in response.content.decode()

    def test_the_form_offers_what_can_happen_next(self, client_for, maker_a, utility_a):
        page = client_for(maker_a).get(reverse("patents:filing_detail", args=[utility_a.pk])).content.decode()
        assert 'value="annuity_paid"' in page and 'value="examination_requested"' not in page


class TestDocuments:
    def test_a_pdf_is_kept_and_downloaded_by_who_may_see_it(self, client_for, maker_a, maker_b, invention_a):
        url = reverse("patents:document_upload", args=[invention_a.pk])
        upload = SimpleUploadedFile("notice.pdf", PDF, content_type="application/pdf")
        assert client_for(maker_a).post(url, {"title": "受理通知书", "file": upload}).status_code == 302
        document = FilingDocument.objects.get()
        download = reverse("patents:document_download", args=[invention_a.pk, document.pk])
        response = client_for(maker_a).get(download)
        assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
        assert client_for(maker_b).get(download).status_code == 404

    def test_a_file_that_is_not_a_pdf_is_refused(self, client_for, maker_a, invention_a):
        fake = SimpleUploadedFile("notice.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
        response = client_for(maker_a).post(
            reverse("patents:document_upload", args=[invention_a.pk]), {"title": "x", "file": fake}
        )
        assert response.status_code == 400 and not FilingDocument.objects.exists()


class TestDeadlinePages:
    def test_open_deadlines_soonest_first(self, client_for, maker_a, trademark_a, utility_a, invention_a):
        page = client_for(maker_a).get(reverse("patents:deadline_list")).content.decode()
        first = page.index("一种免胶榫卯连接构件")  # due 2026-03-16 (examination)
        last = page.index("榫语")  # due 2026-05-06
        assert first < last

    def test_staff_see_the_next_90_days_across_their_sites(self, client_for, staff, invention_a, trademark_a):
        services.filing_update(filing=trademark_a, by=staff, grant_date=date(2016, 8, 1))  # ends 2026-07-31
        page = client_for(staff).get(reverse("patents:deadline_list")).content.decode()
        assert invention_a.title in page and "榫语" not in page
        page = client_for(staff).get(reverse("patents:deadline_list"), {"within": 365}).content.decode()
        assert "榫语" in page

    def test_deadline_list_queries_do_not_grow(self, client_for, maker_a, company_a, assert_constant_queries):
        make_filings(company_a, maker_a, 1, start=900)
        client = client_for(maker_a)
        assert_constant_queries(
            fetch=lambda: client.get(reverse("patents:deadline_list")), grow=lambda: make_filings(company_a, maker_a, 5)
        )

    def test_waive_from_the_portal(self, client_for, maker_a, utility_a):
        row = utility_a.deadlines.get()
        response = client_for(maker_a).post(reverse("patents:deadline_waive", args=[row.pk]), {"reason": "不再维持"})
        assert response.status_code == 302
        row.refresh_from_db()
        assert row.status == DeadlineStatus.WAIVED

    def test_home_panel_shows_upcoming_deadlines(self, client_for, maker_a, staff, utility_a, invention_b):
        page = client_for(maker_a).get(reverse("home")).content.decode()
        assert 'data-panel="upcoming-ip-deadlines"' in page and "缴纳第 3 年度年费" in page
        assert invention_b.title not in page

    def test_home_panel_queries_do_not_grow(self, client_for, staff, company_a, maker_a, assert_constant_queries):
        make_filings(company_a, maker_a, 1, start=900)
        client = client_for(staff)
        assert_constant_queries(
            fetch=lambda: client.get(reverse("home")), grow=lambda: make_filings(company_a, maker_a, 6)
        )

    def test_pages_read_in_english(self, client_for, maker_b, invention_b):
        page = client_for(maker_b).get(reverse("patents:filing_detail", args=[invention_b.pk])).content.decode()
        assert "Request substantive examination" in page and "Patent Law art. 35(1)" in page


class TestCalendarFeed:
    def test_feed_lists_open_deadlines_in_the_users_language(self, client_for, maker_a, utility_a, invention_b):
        page = client_for(maker_a).get(reverse("patents:feed")).content.decode()
        url = page.split('data-testid="feed-url"')[0].rsplit('value="', 1)[1].split('"')[0]
        path = "/" + url.split("://", 1)[1].split("/", 1)[1]
        response = client_for(None).get(path)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
        body = response.content.decode()
        assert "DTSTART;VALUE=DATE:20260316" in body and "DTSTART;VALUE=DATE:20260915" in body
        assert "缴纳第 3 年度年费" in body and invention_b.title not in body

    def test_a_new_address_retires_the_old_one(self, client_for, maker_a):
        old = services.deadline_feed_obtain(user=maker_a).token
        client_for(maker_a).post(reverse("patents:feed_reset"))
        assert client_for(None).get(reverse("patents:feed_ics", args=[old])).status_code == 404
        new = services.deadline_feed_obtain(user=maker_a).token
        assert new != old and client_for(None).get(reverse("patents:feed_ics", args=[new])).status_code == 200


class TestIndicators:
    def test_district_reads_filings_grants_and_inventions_per_10k(self, client_for, district, staff, site_b, maker_b):
        services.ip_settings_update(by=staff, district_population=800_000, reminder_days="90,30,7")
        company = resident_company(site=site_b, owner=maker_b, name="天津东文高压电气股份有限公司")
        for n in range(4):
            services.filing_create(
                by=maker_b,
                company=company,
                kind="invention",
                title=f"高压开关柜装置{n}",
                filing_date=date(2019, 3, 1),
                grant_date=date(2025, 6, 1 + n),
                annuities_paid_through=7,
            )
        services.filing_create(
            by=maker_b, company=company, kind="utility_model", title="电缆接头", filing_date=date(2025, 2, 1)
        )
        response = client_for(district).get(reverse("patents:indicators"), {"start": "2025-01-01", "end": "2025-12-31"})
        page = response.content.decode()
        assert response.status_code == 200
        assert 'data-testid="per-10k">0.05<' in page  # 4 / 800,000 × 10,000
        assert 'data-testid="granted-total">4<' in page and 'data-testid="filed-total">1<' in page

    def test_makers_do_not_see_indicators_and_bad_periods_are_refused(self, client_for, maker_a, district):
        assert client_for(maker_a).get(reverse("patents:indicators")).status_code == 403
        response = client_for(district).get(reverse("patents:indicators"), {"start": "2025-12-31", "end": "2025-01-01"})
        assert response.status_code == 400 and "结束日期早于开始日期" in response.content.decode()

    def test_deadline_is_missed_after_its_last_day(self, invention_a):
        services.filing_deadlines_recompute(filing=invention_a, today=date(2026, 3, 17))
        assert Deadline.objects.get(filing=invention_a).status == DeadlineStatus.MISSED

"""The pages under /district/: the dashboards with real data, the exports, and who sees what."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import indicators
from reports.choices import ExportStatus
from reports.models import ReportExport
from tests.reports.factories import XLSX_BYTES, make_export
from tests.reports.fixtures_indicators import build_district

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(site_a, site_b):
    return build_district(site_a, site_b)


def test_the_dashboard_shows_the_indicators_with_the_previous_year(district, figures, client_for):
    response = client_for(district).get(reverse("reports:dashboard"), {"period": "year", "on": "2025-06-01"})
    assert response.status_code == 200
    page = response.content.decode()
    expected = indicators.compute(user=district, start=date(2025, 1, 1), end=date(2025, 12, 31))
    resident = next(r for s in expected["sections"] for r in s["rows"] if r["key"] == "companies.resident")
    assert f'data-testid="value-companies.resident">{resident["values"]["total"]}<' in page
    assert "2025-01-01 – 2025-12-31" in page
    assert "2024-01-01 – 2024-12-31" in page  # the comparison
    assert "report-trend--" in page
    assert 'data-testid="chart-companies.resident"' in page  # bars by site
    assert reverse("reports:site_dashboard", args=[figures.site_a.pk]) in page
    assert "start=2025-01-01&amp;end=2025-12-31&amp;file_format=xlsx" in page


def test_the_dashboard_of_one_site(district, figures, client_for):
    response = client_for(district).get(
        reverse("reports:dashboard"),
        {"period": "custom", "start": "2025-01-01", "end": "2025-06-30", "site": figures.site_b.pk},
    )
    assert response.status_code == 200
    assert figures.site_b.name in response.content.decode()
    assert f"site={figures.site_b.pk}" in response.content.decode()


def test_the_default_is_this_month_up_to_today(district, client_for):
    response = client_for(district).get(reverse("reports:dashboard"))
    today = timezone.localdate()
    assert response.status_code == 200
    assert f"{today.replace(day=1):%Y-%m-%d} – {today:%Y-%m-%d}" in response.content.decode()


def test_this_month_so_far_is_compared_with_the_same_days_of_the_month_before(district, client_for):
    """Not with the last days of the month before: the 1st to the 28th beside the 1st to the 28th."""
    today = timezone.localdate()
    first = today.replace(day=1)
    last_month_end = first - timedelta(days=1)
    last_month_start = last_month_end.replace(day=1)
    expected_end = min(last_month_end, last_month_start + (today - first))
    response = client_for(district).get(reverse("reports:dashboard"), {"period": "month"})
    assert response.status_code == 200
    assert f"{last_month_start:%Y-%m-%d} – {expected_end:%Y-%m-%d}" in response.content.decode()


def test_a_past_quarter_is_compared_with_the_whole_quarter_before(district, client_for):
    response = client_for(district).get(reverse("reports:dashboard"), {"period": "quarter", "on": "2025-05-20"})
    page = response.content.decode()
    assert "2025-04-01 – 2025-06-30" in page and "2025-01-01 – 2025-03-31" in page


@pytest.mark.parametrize(
    "query",
    [
        {"period": "custom", "start": "2025-02-01", "end": "2025-01-01"},
        {"period": "custom", "start": "2025-02-01"},
        {"period": "decade"},
        {"on": "not-a-day"},
        {"site": "999999"},
        {"period": "custom", "start": "1990-01-01", "end": "1990-01-02"},
    ],
)
def test_a_bad_choice_is_a_400_not_a_crash(district, client_for, query):
    assert client_for(district).get(reverse("reports:dashboard"), query).status_code == 400


def test_staff_see_their_sites_only(staff, figures, client_for):
    client = client_for(staff)
    response = client.get(reverse("reports:dashboard"), {"period": "year", "on": "2025-06-01"})
    assert response.status_code == 200
    page = response.content.decode()
    assert figures.site_b.name not in page
    assert client.get(reverse("reports:dashboard"), {"site": figures.site_b.pk}).status_code == 400
    assert client.get(reverse("reports:site_dashboard", args=[figures.site_a.pk])).status_code == 200
    assert client.get(reverse("reports:site_dashboard", args=[figures.site_b.pk])).status_code == 404


@pytest.mark.parametrize("name", ["maker_a", "maker_b"])
def test_makers_find_nothing_under_district(request, name, site_a, client_for):
    client = client_for(request.getfixturevalue(name))
    export = make_export(done=True, site=site_a)
    for url in (
        reverse("reports:dashboard"),
        reverse("reports:site_dashboard", args=[site_a.pk]),
        reverse("reports:export_list"),
        reverse("reports:export_status", args=[export.pk]),
        reverse("reports:export_download", args=[export.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("reports:export_regenerate", args=[export.pk])).status_code == 404


def test_the_anonymous_are_asked_to_sign_in(client_for, site_a):
    response = client_for(None).get(reverse("reports:dashboard"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_patents_indicators_still_answer(district, client_for):
    assert client_for(district).get("/district/ip/").status_code == 200


def test_the_site_dashboard(staff, maker_a, site_a, company_a, client_for):
    from companies.choices import AdmissionStatus
    from funding.choices import ApplicationStatus
    from patents.models import Deadline
    from tests.factories import AdmissionFactory
    from tests.funding.factories import ProgrammeFactory, application_in
    from tests.labs.factories import EquipmentFactory, LabFactory
    from tests.patents.factories import FilingFactory
    from tests.spaces.factories import AllocationFactory, office

    today = timezone.localdate()
    AllocationFactory(space=office(site_a, code="B2-305"), company=company_a, starts_on=today - timedelta(days=10))
    EquipmentFactory(lab=LabFactory(site=site_a, name="激光加工工坊"))
    AdmissionFactory(site=site_a, team_name="榫卯团队", status=AdmissionStatus.SUBMITTED)
    filing = FilingFactory(company=company_a, title="一种免胶榫卯结构")
    soon = today + timedelta(days=10)
    Deadline.objects.create(
        filing=filing, rule="substantive_examination", key="exam", base_on=soon, due_on=soon, final_on=soon
    )
    application_in(
        ApplicationStatus.SUBMITTED, company=company_a, programme=ProgrammeFactory(), maker=maker_a, officer=staff
    )

    response = client_for(staff).get(reverse("reports:site_dashboard", args=[site_a.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="occupancy-rate">100.0' in page
    assert "激光加工工坊" in page
    assert 'data-testid="admissions-count">1<' in page
    assert "榫卯团队" in page
    assert 'data-testid="deadlines-count">1<' in page
    assert "一种免胶榫卯结构" in page
    assert 'data-testid="applications-count">1<' in page


def test_the_exports_page_lists_mine_and_polls_the_pending(staff, district, site_a, site_b, client_for):
    queued = make_export(requested_by=staff, site=site_a)
    done = make_export(done=True, requested_by=district, site=site_a)
    hidden = make_export(done=True, requested_by=district, site=site_b)
    failed = make_export(requested_by=staff, status=ExportStatus.FAILED, error="磁盘已满")
    page = client_for(staff).get(reverse("reports:export_list")).content.decode()
    assert f'id="export-{queued.pk}"' in page
    assert reverse("reports:export_status", args=[queued.pk]) in page and 'hx-trigger="every 2s"' in page
    assert reverse("reports:export_download", args=[done.pk]) in page
    assert f'id="export-{hidden.pk}"' not in page
    assert "磁盘已满" in page
    district_page = client_for(district).get(reverse("reports:export_list")).content.decode()
    assert all(f'id="export-{e.pk}"' in district_page for e in (queued, done, hidden, failed))


def test_the_status_row_stops_polling_when_done(district, client_for):
    export = make_export(requested_by=district)
    client = client_for(district)
    assert "hx-trigger" in client.get(reverse("reports:export_status", args=[export.pk])).content.decode()
    ReportExport.objects.filter(pk=export.pk).update(status=ExportStatus.DONE)
    assert "hx-trigger" not in client.get(reverse("reports:export_status", args=[export.pk])).content.decode()


def test_request_an_export_from_the_page(district, site_a, client_for, run_on_commit, last_month):
    client = client_for(district)
    form = client.get(reverse("reports:export_list"), {"start": "2025-01-01", "end": "2025-12-31", "site": site_a.pk})
    assert 'value="2025-01-01"' in form.content.decode()
    response = run_on_commit(
        lambda: client.post(
            reverse("reports:export_list"),
            {"start": last_month[0], "end": last_month[1], "site": site_a.pk, "file_format": "xlsx"},
        )
    )
    assert response.status_code == 302
    export = ReportExport.objects.get()
    assert (export.requested_by, export.site, export.status) == (district, site_a, ExportStatus.DONE)


def test_a_bad_request_shows_why(district, client_for):
    future = timezone.localdate() + timedelta(days=3)
    response = client_for(district).post(
        reverse("reports:export_list"), {"start": "2025-01-01", "end": future, "file_format": "xlsx"}
    )
    assert response.status_code == 400
    assert 'data-testid="form-errors"' in response.content.decode()
    assert not ReportExport.objects.exists()


def test_download_streams_the_file(district, site_a, client_for):
    export = make_export(done=True, requested_by=district, site=site_a)
    response = client_for(district).get(reverse("reports:export_download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="report-district-2026-01-01-2026-03-31.xlsx"'
    assert b"".join(response.streaming_content) == XLSX_BYTES


def test_download_of_an_unfinished_or_foreign_export_is_a_404(staff, district, site_b, client_for):
    pending = make_export(requested_by=district)
    foreign = make_export(done=True, requested_by=district, site=site_b)
    assert client_for(district).get(reverse("reports:export_download", args=[pending.pk])).status_code == 404
    assert client_for(staff).get(reverse("reports:export_download", args=[foreign.pk])).status_code == 404


def test_regenerate_from_the_page(district, client_for, monkeypatch):
    monkeypatch.setattr("reports.tasks.export_run.delay", lambda pk: None)
    export = make_export(done=True, requested_by=district)
    response = client_for(district).post(reverse("reports:export_regenerate", args=[export.pk]))
    assert response.status_code == 302
    export.refresh_from_db()
    assert export.status == ExportStatus.QUEUED
    again = client_for(district).post(reverse("reports:export_regenerate", args=[export.pk]), follow=True)
    assert again.status_code == 200  # refused with a message, not an error page


def test_the_home_panel_and_the_navigation(district, maker_a, client_for):
    make_export(done=True, requested_by=district)
    page = client_for(district).get(reverse("home")).content.decode()
    assert 'data-panel="latest-reports"' in page
    assert reverse("reports:dashboard") in page
    maker_page = client_for(maker_a).get(reverse("home")).content.decode()
    assert 'data-panel="latest-reports"' not in maker_page
    assert reverse("reports:dashboard") not in maker_page


def test_the_admin_regenerates_through_the_service(superuser, staff, site_a, site_b, client_for, monkeypatch):
    monkeypatch.setattr("reports.tasks.export_run.delay", lambda pk: None)
    export = make_export(done=True, requested_by=superuser, site=site_a)
    foreign = make_export(done=True, requested_by=superuser, site=site_b)
    changelist = reverse("admin:reports_reportexport_changelist")
    staff_page = client_for(staff).get(changelist).content.decode()
    assert reverse("admin:reports_reportexport_change", args=[export.pk]) in staff_page
    assert reverse("admin:reports_reportexport_change", args=[foreign.pk]) not in staff_page
    change = client_for(staff).get(reverse("admin:reports_reportexport_change", args=[export.pk]))
    assert reverse("reports:export_download", args=[export.pk]) in change.content.decode()
    response = client_for(superuser).post(
        changelist, {"action": "regenerate_selected", "_selected_action": [export.pk]}, follow=True
    )
    assert response.status_code == 200
    export.refresh_from_db()
    assert export.status == ExportStatus.QUEUED

"""The `reports` API: request an export, poll it, download it; who sees which."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reports.choices import ExportKind, ExportStatus
from reports.models import ReportExport
from tests.reports.factories import XLSX_BYTES, make_export

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"


def test_request_poll_and_download(district, site_a, api_client_for, run_on_commit, last_month):
    client = api_client_for(district)
    body = {"start": last_month[0].isoformat(), "end": last_month[1].isoformat(), "file_format": "xlsx"}
    response = run_on_commit(lambda: client.post(URL, body, format="json"))
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["status"], created["file_format"], created["site"]) == ("queued", "xlsx", None)
    assert created["requested_by"] == district.pk

    polled = client.get(f"{URL}{created['id']}/").json()
    assert (polled["status"], polled["progress"]) == ("done", 100)
    assert polled["download_url"] == f"{URL}{created['id']}/download/"

    download = client.get(polled["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert download["Content-Disposition"].startswith('attachment; filename="report-district-')
    assert b"".join(download.streaming_content)[:2] == b"PK"


def test_download_before_it_is_done_is_409_not_ready(district, api_client_for):
    export = make_export(requested_by=district)
    response = api_client_for(district).get(f"{URL}{export.pk}/download/")
    assert response.status_code == 409
    assert response.json()["code"] == "not_ready"
    ReportExport.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED, error="x")
    assert api_client_for(district).get(f"{URL}{export.pk}/download/").json()["code"] == "not_ready"


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"start": "2025-02-01", "end": "2025-01-01"}, "period_reversed", "end"),
        ({"start": "1999-01-01", "end": "2000-01-31"}, "period_too_early", "start"),
        ({"start": "2015-01-01", "end": "2025-01-31"}, "period_too_long", "end"),
        ({"file_format": "annual_return"}, "period_not_a_year", "start"),
    ],
)
def test_bad_periods_answer_400_with_a_stable_code(district, api_client_for, body, code, field):
    data = {"start": "2025-01-01", "end": "2025-01-31", "file_format": "xlsx", **body}
    response = api_client_for(district).post(URL, data, format="json")
    assert response.status_code == 400
    payload = response.json()
    assert payload["code"] == code
    assert list(payload["fields"]) == [field]
    assert not ReportExport.objects.exists()


def test_a_period_past_today_is_400(district, api_client_for):
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = {"start": "2025-01-01", "end": tomorrow.isoformat(), "file_format": "pdf"}
    response = api_client_for(district).post(URL, data, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "period_in_future")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"start": "2025-01-01", "end": "2025-01-31", "file_format": "docx"},
        {"start": 20250101, "end": "2025-01-31", "file_format": "xlsx"},
        {"start": "2025-01-01", "end": "2025-01-31", "file_format": "xlsx", "site": "a"},
        {"start": "2025-01-01", "end": "2025-01-31", "file_format": "xlsx", "site": 999999},
    ],
)
def test_malformed_requests_are_validation_errors(district, api_client_for, body):
    response = api_client_for(district).post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert response.json()["fields"]


def test_staff_request_and_see_only_their_sites(staff, district, site_a, site_b, api_client_for):
    client = api_client_for(staff)
    refused = client.post(URL, {"start": "2025-01-01", "end": "2025-01-31", "file_format": "csv", "site": site_b.pk})
    assert refused.status_code == 400 and "site" in refused.json()["fields"]
    mine = client.post(URL, {"start": "2025-01-01", "end": "2025-01-31", "file_format": "csv", "site": site_a.pk})
    assert mine.status_code == 201

    foreign = make_export(done=True, requested_by=district, site=site_b)
    district_wide = make_export(done=True, kind=ExportKind.MONTHLY)
    ids = {row["id"] for row in client.get(URL).json()["results"]}
    assert ids == {mine.json()["id"]}
    for export in (foreign, district_wide):
        assert client.get(f"{URL}{export.pk}/").status_code == 404
        assert client.get(f"{URL}{export.pk}/download/").status_code == 404
    everything = {row["id"] for row in api_client_for(district).get(URL).json()["results"]}
    assert everything == {mine.json()["id"], foreign.pk, district_wide.pk}


@pytest.mark.parametrize("name", ["maker_a", "maker_b"])
def test_makers_are_refused(request, name, site_a, api_client_for):
    client = api_client_for(request.getfixturevalue(name))
    export = make_export(done=True, site=site_a)
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}{export.pk}/").status_code == 403
    assert client.get(f"{URL}{export.pk}/download/").status_code == 403
    response = client.post(URL, {"start": "2025-01-01", "end": "2025-01-31", "file_format": "xlsx"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_the_anonymous_get_401(api_client_for):
    assert api_client_for(None).get(URL).status_code == 401


def test_filters(district, api_client_for):
    done = make_export(done=True, requested_by=district)
    monthly = make_export(kind=ExportKind.MONTHLY)
    pdf = make_export(requested_by=district, file_format="pdf")
    client = api_client_for(district)

    def ids(query):
        return {row["id"] for row in client.get(URL, query).json()["results"]}

    assert ids({"status": "done"}) == {done.pk}
    assert ids({"kind": "monthly"}) == {monthly.pk}
    assert ids({"file_format": "pdf"}) == {pdf.pk}
    for bad in ({"status": "finished"}, {"status": ""}, {"site": "x"}, {"kind": ""}):
        response = client.get(URL, bad)
        assert response.status_code == 400, bad
        assert response.json()["code"] == "validation_error"


def test_the_list_runs_constant_queries(district, site_a, site_b, api_client_for, assert_constant_queries):
    client = api_client_for(district)

    def grow():
        for index in range(10):
            make_export(done=index % 2 == 0, requested_by=district, site=site_a if index % 3 else site_b)

    make_export(requested_by=district, site=site_a)
    assert_constant_queries(fetch=lambda: client.get(URL), grow=grow)


def test_the_download_is_the_stored_file(district, api_client_for):
    export = make_export(done=True, requested_by=district)
    response = api_client_for(district).get(f"{URL}{export.pk}/download/")
    assert b"".join(response.streaming_content) == XLSX_BYTES

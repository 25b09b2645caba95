"""Bulk import of filings from CSV/XLSX: a file with any bad row is refused as a whole, with
a report per row; imported filings get their deadlines at once."""

from datetime import date

import pytest
import tablib
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from patents.models import Deadline, Filing
from patents.resources import FilingResource
from tests.patents.factories import cn_number

pytestmark = pytest.mark.django_db

HEADERS = [
    "company",
    "kind",
    "title",
    "application_number",
    "filing_date",
    "grant_date",
    "status",
    "annuities_paid_through",
    "nice_classes",
    "inventors",
]


def rows(company):
    return [
        [
            company.name,
            "发明专利",
            "一种免胶榫卯连接构件",
            cn_number("invention", 2023, 1234567),
            "2023-03-16",
            "",
            "",
            "",
            "",
            "张伟;陈立新",
        ],
        [
            company.name,
            "utility_model",
            "榫卯积木",
            cn_number("utility_model", 2024, 2345678),
            "2024-03-15",
            "2024-10-18",
            "granted",
            "2",
            "",
            "",
        ],
        [company.name, "Trademark", "榫语", "17654321", "2015-08-03", "2016-05-07", "", "", "20, 28", ""],
    ]


def dataset(data):
    return tablib.Dataset(*data, headers=HEADERS)


def test_a_good_file_is_imported_with_its_deadlines(company_a, staff):
    result = FilingResource(user=staff).import_data(dataset(rows(company_a)), dry_run=False, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Filing.objects.count() == 3
    invention = Filing.objects.get(kind="invention")
    assert invention.inventors == ["张伟", "陈立新"] and invention.status == "filed"
    assert Deadline.objects.get(filing=invention).due_on == date(2026, 3, 16)
    assert Filing.objects.get(kind="trademark").nice_classes == [20, 28]
    assert Deadline.objects.get(filing__kind="utility_model").period == 3


@pytest.mark.parametrize(
    ("column", "value", "field"),
    [
        ("application_number", "202310123456.8", "application_number"),  # wrong check digit
        ("grant_date", "2023-03-15", "grant_date"),  # before the filing date
        ("kind", "patent", "kind"),
        ("company", "不存在的公司", "company"),
    ],
)
def test_one_bad_row_refuses_the_whole_file(company_a, staff, column, value, field):
    data = rows(company_a)
    data[0][HEADERS.index(column)] = value
    result = FilingResource(user=staff).import_data(dataset(data), dry_run=False, use_transactions=True)
    assert result.has_validation_errors() or result.has_errors()
    invalid = result.invalid_rows
    if invalid:
        assert invalid[0].number == 1 and field in invalid[0].error_dict
    assert not Filing.objects.exists() and not Deadline.objects.exists()


def test_a_granted_patent_needs_the_annual_fees_paid_so_far(company_a, staff):
    data = rows(company_a)
    data[1][HEADERS.index("annuities_paid_through")] = ""
    result = FilingResource(user=staff).import_data(dataset(data), dry_run=False, use_transactions=True)
    assert "annuities_paid_through" in result.invalid_rows[0].error_dict
    assert not Filing.objects.exists()


def test_staff_import_only_for_their_sites(company_b, staff):
    result = FilingResource(user=staff).import_data(dataset(rows(company_b)[:1]), dry_run=False, use_transactions=True)
    assert "company" in result.invalid_rows[0].error_dict and not Filing.objects.exists()


def test_the_admin_shows_the_row_report_and_imports_nothing(client_for, staff, company_a):
    data = rows(company_a)
    data[2][HEADERS.index("grant_date")] = "2015-08-01"
    model_admin = admin.site._registry[Filing]
    formats = model_admin.get_import_formats()
    csv_index = next(i for i, f in enumerate(formats) if f().get_title() == "csv")
    upload = SimpleUploadedFile("filings.csv", dataset(data).export("csv").encode(), content_type="text/csv")
    response = client_for(staff).post(
        reverse("admin:patents_filing_import"), {"import_file": upload, "format": str(csv_index), "resource": "0"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "授权日不能早于申请日" in page
    assert 'name="import_file_name"' not in page  # no confirm form
    assert not Filing.objects.exists()

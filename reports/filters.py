"""Filters of the reports API."""

from incubator.filters import FilterSet, IntegerFilter

from .models import ReportExport


class ReportExportFilter(FilterSet):
    site = IntegerFilter(field_name="site_id")

    class Meta:
        model = ReportExport
        fields = ["status", "file_format", "kind"]

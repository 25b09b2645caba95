from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from incubator.api.serializers import ModelSerializer, Serializer

from ..choices import ExportFormat
from ..models import ReportExport

MAX_ID = 2**63 - 1


class ReportExportSerializer(ModelSerializer):
    download_url = serializers.SerializerMethodField(help_text=_("Where to fetch the file once `status` is `done`."))

    class Meta:
        model = ReportExport
        fields = [
            "id",
            "kind",
            "start",
            "end",
            "site",
            "file_format",
            "language",
            "status",
            "progress",
            "error",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, export: ReportExport) -> str | None:
        if not export.is_done:
            return None
        return reverse("report-download", args=[export.pk])


class ReportExportCreateSerializer(Serializer):
    start = serializers.DateField(label=_("First day"))
    end = serializers.DateField(label=_("Last day"), help_text=_("Included; not after today."))
    site = serializers.IntegerField(
        label=_("Site"),
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        help_text=_("Leave out (or null) for every site you may read."),
    )
    file_format = serializers.ChoiceField(label=_("Format"), choices=ExportFormat.choices)

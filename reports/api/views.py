"""The reports API: request an export, poll it, download it."""

from __future__ import annotations

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from .. import selectors, services
from ..filters import ReportExportFilter
from . import serializers as s

# What a finished export's file may be; the renderers name the types.
FILE_TYPES = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/csv",
    "application/zip",
    "application/pdf",
    "application/octet-stream",
)


class UsesReports(BasePermission):
    """The district, superusers and centre staff; makers may not."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated) and selectors.can_use_reports(request.user)


@extend_schema_view(
    list=extend_schema(description="Exports you may see: the district all, centre staff their own and their sites'."),
    retrieve=extend_schema(description="One export: poll `status` and `progress` until it is `done` or `failed`."),
)
class ReportExportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Exports of the district's indicators (XLSX, CSV, PDF, annual return), produced in the
    background in the requester's language."""

    serializer_class = s.ReportExportSerializer
    filterset_class = ReportExportFilter
    permission_classes = [UsesReports]

    def get_queryset(self):
        return selectors.exports_visible_to(self.request.user).order_by("-created_at", "-id")

    @extend_schema(
        request=s.ReportExportCreateSerializer,
        responses={201: s.ReportExportSerializer},
        description="Request an export of a period (not after today, at most five years) for one site or every "
        "site you may read. A bad period answers 400 with `code` `period_reversed`, `period_too_early`, "
        "`period_in_future`, `period_too_long` or `period_not_a_year` (annual return).",
    )
    def create(self, request):
        data = s.ReportExportCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        site = None
        if values.get("site") is not None:
            site = selectors.report_sites_for(request.user).filter(pk=values["site"]).first()
            if site is None:
                raise serializers.ValidationError({"site": [_("No such site.")]})
        export = services.export_request(
            user=request.user, start=values["start"], end=values["end"], site=site, file_format=values["file_format"]
        )
        return Response(s.ReportExportSerializer(export).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            **{(200, media): OpenApiResponse(OpenApiTypes.BINARY, description="The file.") for media in FILE_TYPES},
        },
        description="The export's file. 409 `not_ready` while it is queued, running or failed.",
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None, url_name="download")
    def download(self, request, pk=None):
        export = self.get_object()
        if not export.is_done:
            raise services.NotReady()
        try:
            handle = export.file.open("rb")
        except (FileNotFoundError, OSError):
            raise NotFound() from None
        return FileResponse(
            handle, content_type=services.content_type_of(export), as_attachment=True, filename=export.download_name
        )

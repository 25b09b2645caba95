"""The patents API: thin views over the selectors and services."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django_filters import CharFilter, DateFilter
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from companies.selectors import companies_visible_to
from incubator.api.permissions import DistrictReadsOnly
from incubator.filters import FilterSet, IntegerFilter

from .. import selectors, services
from ..models import Deadline, Filing, FilingEvent
from . import serializers as s


class FilingFilter(FilterSet):
    q = CharFilter(method="search")
    company = IntegerFilter(field_name="company_id")

    class Meta:
        model = Filing
        fields = ["kind", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(application_number__icontains=value) | Q(grant_number__icontains=value)
        )


class FilingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Patents, utility models, designs, trademarks and software copyrights, with their events.

    The status and the deadlines follow from the events: record them with
    `POST /filings/{id}/events/`."""

    serializer_class = s.FilingSerializer
    filterset_class = FilingFilter
    permission_classes = [DistrictReadsOnly]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return (
            selectors.filings_visible_to(self.request.user).prefetch_related("events").order_by("-filing_date", "-id")
        )

    @extend_schema(request=s.FilingCreateSerializer, responses={201: s.FilingSerializer})
    def create(self, request):
        data = s.FilingCreateSerializer(data=request.data)
        data.fields["company"].queryset = companies_visible_to(request.user)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        filing = services.filing_create(
            by=request.user, company=values.pop("company"), kind=values.pop("kind"), title=values.pop("title"), **values
        )
        return Response(s.FilingSerializer(self._fresh(filing)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.FilingUpdateSerializer, responses={200: s.FilingSerializer})
    def partial_update(self, request, pk=None):
        filing = self.get_object()
        data = s.FilingUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        filing = services.filing_update(filing=filing, by=request.user, **data.validated_data)
        return Response(s.FilingSerializer(self._fresh(filing)).data)

    def perform_destroy(self, instance):
        services.filing_delete(filing=instance, by=self.request.user)

    @extend_schema(request=s.FilingEventCreateSerializer, responses={201: s.FilingEventSerializer})
    @action(detail=True, methods=["post"])
    def events(self, request, pk=None):
        """Record what happened; the filing's status and deadlines follow."""
        filing = self.get_object()
        data = s.FilingEventCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        answers_id = values.pop("answers", None)
        answers = None
        if answers_id is not None:
            answers = FilingEvent.objects.filter(filing=filing, pk=answers_id).first()
            if answers is None:
                raise ValidationError({"answers": [_("Choose a notice of this filing that this answers.")]})
        event = services.filing_event_record(filing=filing, by=request.user, answers=answers, **values)
        return Response(s.FilingEventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.FilingSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        filing = services.filing_withdraw(filing=self.get_object(), by=request.user)
        return Response(s.FilingSerializer(self._fresh(filing)).data)

    def _fresh(self, filing: Filing) -> Filing:
        return Filing.objects.prefetch_related("events").get(pk=filing.pk)


class PresentDateField(forms.DateField):
    """Absent means no filter; present, it must be a date (`?due_before=` is a 400)."""

    def clean(self, value):
        if value == "":
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().clean(value)


class StrictDateFilter(DateFilter):
    field_class = PresentDateField


class DeadlineFilter(FilterSet):
    company = IntegerFilter(field_name="filing__company_id")
    due_after = StrictDateFilter(field_name="due_on", lookup_expr="gte")
    due_before = StrictDateFilter(field_name="due_on", lookup_expr="lte")

    class Meta:
        model = Deadline
        fields = ["status", "rule", "filing"]


class DeadlineViewSet(viewsets.ReadOnlyModelViewSet):
    """What must be done by when for each filing, with the law behind it; soonest first."""

    serializer_class = s.DeadlineSerializer
    filterset_class = DeadlineFilter
    permission_classes = [DistrictReadsOnly]

    def get_queryset(self):
        return selectors.deadlines_visible_to(self.request.user).order_by("due_on", "id")

    @extend_schema(request=s.DeadlineWaiveSerializer, responses={200: s.DeadlineSerializer})
    @action(detail=True, methods=["post"])
    def waive(self, request, pk=None):
        """The company decides not to act: the deadline closes as waived."""
        data = s.DeadlineWaiveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        deadline = services.deadline_waive(
            deadline=self.get_object(), by=request.user, reason=data.validated_data["reason"]
        )
        return Response(s.DeadlineSerializer(deadline).data)

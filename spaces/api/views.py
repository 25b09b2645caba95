"""The spaces API: thin views over the selectors and services."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django_filters import CharFilter, DateFilter
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from companies.selectors import companies_visible_to
from incubator.api.permissions import DistrictReadsOnly
from incubator.filters import BoundedIntegerField, FilterSet, IntegerFilter

from .. import selectors, services
from ..models import Allocation, Space, SpaceRequest
from . import serializers as s


class PresentDateField(forms.DateField):
    """Absent means no filter; present but empty is an error, not "no filter"."""

    def clean(self, value):
        if value == "":
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().clean(value)


class StrictDateFilter(DateFilter):
    field_class = PresentDateField


class PresentIntegerField(BoundedIntegerField):
    def clean(self, value):
        if value == "":
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().clean(value)


class StrictIntegerFilter(IntegerFilter):
    """A whole number; `site=` (present, empty) is a 400, not "no filter"."""

    field_class = PresentIntegerField


class DaysField(PresentIntegerField):
    def __init__(self, *args, **kwargs):
        kwargs["min_value"] = 1
        kwargs["max_value"] = 3660
        super().__init__(*args, **kwargs)


class DaysFilter(StrictIntegerFilter):
    field_class = DaysField


class SpaceFilter(FilterSet):
    q = CharFilter(method="search")
    site = StrictIntegerFilter(field_name="site_id")
    floor = StrictIntegerFilter()

    class Meta:
        model = Space
        fields = ["kind", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class AllocationFilter(FilterSet):
    space = StrictIntegerFilter(field_name="space_id")
    company = StrictIntegerFilter(field_name="company_id")
    site = StrictIntegerFilter(field_name="space__site_id")
    live_on = StrictDateFilter(method="filter_live_on", label="live on")
    ending_within_days = DaysFilter(method="filter_ending_within", label="ending within days")

    class Meta:
        model = Allocation
        fields = ["subsidy_kind"]

    def filter_live_on(self, queryset, name, value):
        return queryset.filter(Q(starts_on__lte=value) & (Q(ends_on__isnull=True) | Q(ends_on__gt=value)))

    def filter_ending_within(self, queryset, name, value):
        today = timezone.localdate()
        ids = selectors.allocations_ending_within(self.request.user, days=value, today=today).values("pk")
        return queryset.filter(pk__in=ids)


class SpaceRequestFilter(FilterSet):
    company = StrictIntegerFilter(field_name="company_id")
    site = StrictIntegerFilter(field_name="site_id")

    class Meta:
        model = SpaceRequest
        fields = ["status", "kind"]


def _visible_choices(serializer, user) -> None:
    """Spaces and companies named in a body must be ones the user may see (else 400, not a leak)."""
    for name, queryset in (
        ("space", selectors.spaces_visible_to(user)),
        ("company", companies_visible_to(user)),
    ):
        field = serializer.fields.get(name)
        if field is not None:
            field.queryset = queryset


def _validated(serializer_class, request):
    serializer = serializer_class(data=request.data)
    _visible_choices(serializer, request.user)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class SpaceViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Offices, open desks and workshops. Staff of a site add and change its spaces; makers see
    those at their site; the district reads them all."""

    permission_classes = [DistrictReadsOnly]
    filterset_class = SpaceFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        return s.SpaceUpdateSerializer if self.action == "partial_update" else s.SpaceSerializer

    def get_queryset(self):
        return selectors.spaces_visible_to(self.request.user).order_by("site_id", "floor", "code")

    def perform_create(self, serializer):
        serializer.instance = services.space_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.space_update(
            space=serializer.instance, by=self.request.user, **serializer.validated_data
        )

    def _query(self, serializer_class):
        if not selectors.can_see_occupancy(self.request.user):
            raise exceptions.PermissionDenied()
        # A plain dict, so that a parameter present but empty (`?on=`) is refused, not ignored.
        query = serializer_class(data=self.request.query_params.dict())
        query.is_valid(raise_exception=True)
        data = query.validated_data
        site = data.get("site")
        if site is not None and not selectors.sites_with_occupancy_for(self.request.user).filter(pk=site).exists():
            raise exceptions.NotFound()
        return data.get("on") or timezone.localdate(), site, data

    @extend_schema(
        parameters=[s.OccupancyQuerySerializer],
        responses={200: s.OccupancyReportSerializer},
        description="Area and desks available, let and free, and the occupancy rate, by site and in total.",
    )
    @action(detail=False, methods=["get"], pagination_class=None, filterset_class=None)
    def occupancy(self, request):
        on, site, _data = self._query(s.OccupancyQuerySerializer)
        report = selectors.occupancy(request.user, on=on, site=site)
        return Response(s.OccupancyReportSerializer(report).data)

    @extend_schema(
        parameters=[s.AvailabilityQuerySerializer],
        responses={200: s.SpaceAvailabilitySerializer(many=True)},
        description="The spaces free on the day or later, soonest first: which ones and from when.",
    )
    @action(detail=False, methods=["get"], filterset_class=None)
    def availability(self, request):
        on, site, data = self._query(s.AvailabilityQuerySerializer)
        statuses = selectors.spaces_free(request.user, on=on, site=site, kind=data.get("kind"))
        page = self.paginate_queryset(statuses)
        return self.get_paginated_response(s.SpaceAvailabilitySerializer(page, many=True).data)


class AllocationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Spaces let to companies for `[starts_on, ends_on)`. Staff of the space's site allocate,
    end, extend, move and change the terms; a company sees its own allocations.

    An office or workshop already let for part of the period answers 409 `overlap`; open
    desks without enough free desks 409 `over_capacity`; a company not resident at the site
    409 `not_resident`. DELETE takes back an allocation that has not begun."""

    serializer_class = s.AllocationSerializer
    permission_classes = [DistrictReadsOnly]
    filterset_class = AllocationFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.allocations_visible_to(self.request.user).order_by("-starts_on", "-id")

    @extend_schema(request=s.AllocationCreateSerializer, responses={201: s.AllocationSerializer})
    def create(self, request):
        data = _validated(s.AllocationCreateSerializer, request)
        allocation = services.allocation_create(by=request.user, **data)
        return Response(s.AllocationSerializer(allocation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AllocationTermsSerializer, responses={200: s.AllocationSerializer})
    def partial_update(self, request, pk=None):
        allocation = self.get_object()
        data = _validated(s.AllocationTermsSerializer, request)
        allocation = services.allocation_update_terms(allocation=allocation, by=request.user, **data)
        return Response(s.AllocationSerializer(self.get_queryset().get(pk=allocation.pk)).data)

    def perform_destroy(self, instance):
        services.allocation_cancel(allocation=instance, by=self.request.user)

    @extend_schema(request=s.AllocationEndSerializer, responses={200: s.AllocationSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        allocation = self.get_object()
        data = _validated(s.AllocationEndSerializer, request)
        allocation = services.allocation_end(allocation=allocation, by=request.user, **data)
        return Response(s.AllocationSerializer(allocation).data)

    @extend_schema(request=s.AllocationExtendSerializer, responses={200: s.AllocationSerializer})
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        allocation = self.get_object()
        data = _validated(s.AllocationExtendSerializer, request)
        allocation = services.allocation_extend(allocation=allocation, by=request.user, **data)
        return Response(s.AllocationSerializer(allocation).data)

    @extend_schema(request=s.AllocationMoveSerializer, responses={200: s.AllocationSerializer})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the company to another space from a day; answers the allocation in the new space."""
        allocation = self.get_object()
        data = _validated(s.AllocationMoveSerializer, request)
        moved = services.allocation_move(allocation=allocation, by=request.user, **data)
        return Response(s.AllocationSerializer(moved).data)


class SpaceRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A company's requests for space. Members ask and withdraw; staff of the company's site
    offer a space (which allocates it) or decline with a reason."""

    serializer_class = s.SpaceRequestSerializer
    permission_classes = [DistrictReadsOnly]
    filterset_class = SpaceRequestFilter

    def get_queryset(self):
        return selectors.space_requests_visible_to(self.request.user).order_by("-requested_at", "-id")

    @extend_schema(request=s.SpaceRequestCreateSerializer, responses={201: s.SpaceRequestSerializer})
    def create(self, request):
        data = _validated(s.SpaceRequestCreateSerializer, request)
        space_request = services.space_request_submit(by=request.user, **data)
        return Response(s.SpaceRequestSerializer(space_request).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.SpaceRequestOfferSerializer, responses={200: s.SpaceRequestSerializer})
    @action(detail=True, methods=["post"])
    def offer(self, request, pk=None):
        space_request = self.get_object()
        data = _validated(s.SpaceRequestOfferSerializer, request)
        data = {k: v for k, v in data.items() if v is not None}
        space_request = services.space_request_offer(space_request=space_request, by=request.user, **data)
        return Response(s.SpaceRequestSerializer(space_request).data)

    @extend_schema(request=s.SpaceRequestDeclineSerializer, responses={200: s.SpaceRequestSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        space_request = self.get_object()
        data = _validated(s.SpaceRequestDeclineSerializer, request)
        space_request = services.space_request_decline(space_request=space_request, by=request.user, **data)
        return Response(s.SpaceRequestSerializer(space_request).data)

    @extend_schema(request=None, responses={200: s.SpaceRequestSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        space_request = services.space_request_withdraw(space_request=self.get_object(), by=request.user)
        return Response(s.SpaceRequestSerializer(space_request).data)

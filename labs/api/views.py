"""The labs API: thin views over the selectors and services."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from incubator import permissions
from incubator.api.permissions import DistrictReadsOnly
from incubator.models import User

from .. import selectors, services
from ..filters import BookingFilter, EquipmentFilter, LabFilter, TrainingFilter
from . import serializers as s

PERIOD_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day (default: today)."),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day, included."),
]


def _bad(field: str, message) -> serializers.ValidationError:
    return serializers.ValidationError({field: [message]})


def _query(request) -> dict:
    """The query string as a plain dict: in a QueryDict, DRF takes `?to=` for "not given"."""
    return request.query_params.dict()


def _moment(value) -> str:
    """As DRF writes times: ISO 8601 in the site's time zone."""
    return timezone.localtime(value).isoformat()


def _intervals(items) -> list[dict]:
    return [{"starts_at": _moment(start), "ends_at": _moment(end)} for start, end in items]


def _usage(row, *, pk=None, parent=None) -> dict:
    return {
        "id": pk,
        "name": row.label,
        "parent": parent,
        "open_hours": row.open_hours,
        "booked_hours": row.booked_hours,
        "used_hours": row.used_hours,
        "booked_share": row.booked_share,
        "used_share": row.used_share,
    }


class LabViewSet(viewsets.ReadOnlyModelViewSet):
    """Labs with their opening hours and coming closures; every signed-in person sees those in service."""

    serializer_class = s.LabSerializer
    filterset_class = LabFilter

    def get_queryset(self):
        return selectors.lab_list(self.request.user).order_by("site__name", "name", "id")

    @extend_schema(
        parameters=PERIOD_PARAMETERS,
        responses={200: s.UtilisationSerializer},
        description="Hours open, booked and used per piece of equipment, lab, site and in total. "
        "Staff read their sites, the district all; makers may not.",
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def utilisation(self, request):
        if not (permissions.is_centre_staff(request.user) or permissions.is_district(request.user)):
            raise PermissionDenied()
        query = s.UtilisationQuerySerializer(data=_query(request))
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        start = query.validated_data.get("start") or today - timedelta(days=28)
        end = query.validated_data.get("end") or max(start, today - timedelta(days=1))
        if (end - start).days >= s.UtilisationQuerySerializer.max_days or end < start:
            raise _bad("to", _("Ask for at most %(days)s days at a time.") % {"days": 366})
        figures = selectors.utilisation(user=request.user, start=start, end=end + timedelta(days=1))
        return Response(
            s.UtilisationSerializer(
                {
                    "from": start,
                    "to": end,
                    "total": _usage(figures.total),
                    "sites": [_usage(row, pk=row.obj.pk) for row in figures.sites],
                    "labs": [_usage(row, pk=row.obj.pk, parent=row.obj.site_id) for row in figures.labs],
                    "equipment": [_usage(row, pk=row.obj.pk, parent=row.obj.lab_id) for row in figures.equipment],
                }
            ).data
        )


class EquipmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Bookable equipment and its booking rules."""

    serializer_class = s.EquipmentSerializer
    filterset_class = EquipmentFilter

    def get_queryset(self):
        return selectors.equipment_visible_to(self.request.user).order_by("lab_id", "name", "id")

    @extend_schema(
        parameters=PERIOD_PARAMETERS,
        responses={200: s.AvailabilitySerializer},
        description="Open, busy and free times on the days from `from` to `to` (at most 31 days; default: a "
        "week from today). Other companies' bookings show as busy without details.",
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def availability(self, request, pk=None):
        equipment = self.get_object()
        query = s.PeriodQuerySerializer(data=_query(request))
        query.is_valid(raise_exception=True)
        start = query.validated_data.get("start") or timezone.localdate()
        end = query.validated_data.get("end") or start + timedelta(days=6)
        if end < start or (end - start).days >= s.PeriodQuerySerializer.max_days:
            raise _bad("to", _("Ask for at most %(days)s days at a time.") % {"days": s.PeriodQuerySerializer.max_days})
        availability = selectors.equipment_availability(
            equipment=equipment, user=request.user, start=start, end=end + timedelta(days=1)
        )
        # Built by hand (the serializer documents it): a week holds a few hundred intervals,
        # and DRF's fields would cost more than the reading.
        return Response(
            {
                "equipment": equipment.pk,
                "from": start.isoformat(),
                "to": end.isoformat(),
                "time_zone": settings.TIME_ZONE,
                "slot_minutes": equipment.slot_minutes,
                "min_minutes": equipment.min_minutes,
                "max_minutes": equipment.max_minutes,
                "bookable_until": _moment(availability.bookable_until),
                "open": _intervals(availability.open),
                "busy": [
                    {
                        "starts_at": _moment(b.starts_at),
                        "ends_at": _moment(b.ends_at),
                        "kind": b.kind,
                        "booking": b.booking.pk if b.booking else None,
                        "status": b.status,
                    }
                    for b in availability.busy
                ],
                "free": _intervals(availability.free),
            }
        )


class TrainingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Who is trained for which kind of equipment. Centre staff grant and revoke."""

    serializer_class = s.TrainingSerializer
    filterset_class = TrainingFilter
    permission_classes = [DistrictReadsOnly]

    def get_queryset(self):
        return selectors.trainings_visible_to(self.request.user).order_by("user_id", "kind", "-granted_on", "id")

    @extend_schema(request=s.TrainingCreateSerializer, responses={201: s.TrainingSerializer})
    def create(self, request):
        data = s.TrainingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if not permissions.is_centre_staff(request.user):
            raise PermissionDenied()
        user = User.objects.filter(pk=values.pop("user"), is_active=True).first()
        if user is None:
            raise _bad("user", _("No such person."))
        training = services.training_grant(user=user, by=request.user, **values)
        return Response(s.TrainingSerializer(training).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: s.TrainingSerializer, 204: None})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """End the training today; one granted today is removed (204)."""
        training = services.training_revoke(training=self.get_object(), by=request.user)
        if training is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(s.TrainingSerializer(training).data)


class BookingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Bookings. Makers book for their companies and cancel their own; lab staff confirm,
    decline, cancel and mark no-shows. A refused booking answers with the reason's `code`
    (`overlap` is 409)."""

    serializer_class = s.BookingSerializer
    filterset_class = BookingFilter
    permission_classes = [DistrictReadsOnly]

    def get_queryset(self):
        return selectors.bookings_visible_to(self.request.user).order_by("-starts_at", "-id")

    @extend_schema(request=s.BookingCreateSerializer, responses={201: s.BookingSerializer})
    def create(self, request):
        data = s.BookingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        booking = services.booking_request(
            by=request.user,
            equipment=values["equipment"],
            company=values["company"],
            user=values.get("user"),
            starts_at=values["starts_at"],
            ends_at=values["ends_at"],
            purpose=values["purpose"],
        )
        return Response(s.booking_data(booking), status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.BookingSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        reason = self._reason(request)
        booking = services.booking_cancel(booking=self.get_object(), by=request.user, reason=reason)
        return Response(s.BookingSerializer(booking).data)

    @extend_schema(request=None, responses={200: s.BookingSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        booking = services.booking_confirm(booking=self.get_object(), by=request.user)
        return Response(s.BookingSerializer(booking).data)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.BookingSerializer})
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        reason = self._reason(request)
        booking = services.booking_decline(booking=self.get_object(), by=request.user, reason=reason)
        return Response(s.BookingSerializer(booking).data)

    @extend_schema(request=None, responses={200: s.BookingSerializer})
    @action(detail=True, methods=["post"], url_path="no-show")
    def no_show(self, request, pk=None):
        booking = services.booking_mark_no_show(booking=self.get_object(), by=request.user)
        return Response(s.BookingSerializer(booking).data)

    @staticmethod
    def _reason(request) -> str:
        if request.data in (None, {}, ""):
            return ""
        data = s.ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data["reason"]

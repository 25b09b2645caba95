from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from incubator.api.fields import StrictCharField
from incubator.api.serializers import ModelSerializer, Serializer

from ..choices import BookingStatus, EquipmentKind
from ..models import Closure, Equipment, Lab, OpeningHours, Training

MAX_ID = 2**63 - 1
# Free-text fields keep their whitespace here, so that the length limit applies to what was
# sent (as the schema says); the services strip it.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def _within_years(value):
    day = value.date() if hasattr(value, "date") else value
    if not EARLIEST <= day <= LATEST:
        raise serializers.ValidationError(_("Choose a date between the years 2000 and 2100."))
    return value


class OpeningHoursSerializer(ModelSerializer):
    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens_at", "closes_at"]


class ClosureSerializer(ModelSerializer):
    class Meta:
        model = Closure
        fields = ["starts_on", "ends_on", "reason"]


class LabSerializer(ModelSerializer):
    opening_hours = OpeningHoursSerializer(many=True, read_only=True)
    closures = ClosureSerializer(many=True, read_only=True, source="upcoming_closures", help_text=_("From today on."))

    class Meta:
        model = Lab
        fields = [
            "id",
            "site",
            "name",
            "name_en",
            "room",
            "description",
            "weekly_quota_hours",
            "is_active",
            "opening_hours",
            "closures",
        ]


class EquipmentSerializer(ModelSerializer):
    class Meta:
        model = Equipment
        fields = [
            "id",
            "lab",
            "name",
            "name_en",
            "kind",
            "description",
            "needs_training",
            "needs_approval",
            "slot_minutes",
            "min_minutes",
            "max_minutes",
            "horizon_days",
            "cancellation_cutoff_hours",
            "reminder_minutes",
            "hourly_rate",
            "status",
        ]


class TrainingSerializer(ModelSerializer):
    class Meta:
        model = Training
        fields = ["id", "user", "kind", "granted_by", "granted_on", "expires_on", "note"]
        read_only_fields = fields


class TrainingCreateSerializer(Serializer):
    user = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    kind = serializers.ChoiceField(choices=EquipmentKind.choices)
    granted_on = serializers.DateField(required=False, validators=[_within_years])
    expires_on = serializers.DateField(required=False, allow_null=True, validators=[_within_years])
    note = StrictCharField(required=False, allow_blank=True, max_length=200, default="", trim_whitespace=False)


class BookingSerializer(Serializer):
    """A booking as the API shows it; read-only.

    Declared field by field rather than derived from the model: it answers every booking
    request, and deriving a ModelSerializer's fields cost as much as the booking's queries.
    """

    id = serializers.IntegerField(read_only=True)
    equipment = serializers.IntegerField(source="equipment_id", read_only=True)
    user = serializers.IntegerField(source="user_id", read_only=True)
    company = serializers.IntegerField(source="company_id", read_only=True)
    starts_at = serializers.DateTimeField(read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    purpose = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(choices=BookingStatus.choices, read_only=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    created_by = serializers.IntegerField(source="created_by_id", read_only=True, allow_null=True)
    decided_by = serializers.IntegerField(source="decided_by_id", read_only=True, allow_null=True)
    decided_at = serializers.DateTimeField(read_only=True, allow_null=True)
    cancelled_by = serializers.IntegerField(source="cancelled_by_id", read_only=True, allow_null=True)
    cancelled_at = serializers.DateTimeField(read_only=True, allow_null=True)
    status_note = serializers.CharField(read_only=True)


def _moment(value):
    return _DATETIME.to_representation(value) if value else None


_DATETIME = serializers.DateTimeField()


def booking_data(booking) -> dict:
    """What `BookingSerializer` renders, built by hand for the booking request, which answers
    with it every time: the serializer's sixteen fields cost as much as reading the booking's rules."""
    return {
        "id": booking.pk,
        "equipment": booking.equipment_id,
        "user": booking.user_id,
        "company": booking.company_id,
        "starts_at": _moment(booking.starts_at),
        "ends_at": _moment(booking.ends_at),
        "purpose": booking.purpose,
        "status": booking.status,
        "amount": f"{booking.amount.quantize(Decimal('0.01')):f}",
        "created_at": _moment(booking.created_at),
        "created_by": booking.created_by_id,
        "decided_by": booking.decided_by_id,
        "decided_at": _moment(booking.decided_at),
        "cancelled_by": booking.cancelled_by_id,
        "cancelled_at": _moment(booking.cancelled_at),
        "status_note": booking.status_note,
    }


class BookingCreateSerializer(Serializer):
    equipment = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    company = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=_("A company of the booker's."))
    user = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text=_("Lab staff booking on a maker's behalf name the maker; otherwise the booker is you."),
    )
    starts_at = serializers.DateTimeField(validators=[_within_years])
    ends_at = serializers.DateTimeField(validators=[_within_years])
    purpose = StrictCharField(required=False, allow_blank=True, max_length=300, default="", trim_whitespace=False)


class ReasonSerializer(Serializer):
    reason = StrictCharField(required=False, allow_blank=True, max_length=300, default="", trim_whitespace=False)


class PeriodQuerySerializer(Serializer):
    """`from` and `to`, both days included."""

    start = serializers.DateField(
        required=False, validators=[_within_years], help_text=_("First day (default: today).")
    )
    end = serializers.DateField(required=False, validators=[_within_years], help_text=_("Last day, included."))
    max_days = 31

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("start")
        fields["from"].source = "start"
        fields["to"] = fields.pop("end")
        fields["to"].source = "end"
        return fields

    def validate(self, data):
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise serializers.ValidationError({"to": [_("The period must end on or after its first day.")]})
            if (end - start).days >= self.max_days:
                raise serializers.ValidationError(
                    {"to": [_("Ask for at most %(days)s days at a time.") % {"days": self.max_days}]}
                )
        return data


class UtilisationQuerySerializer(PeriodQuerySerializer):
    max_days = 366


class IntervalSerializer(Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class BusySerializer(IntervalSerializer):
    kind = serializers.CharField(help_text=_("`booking` or `maintenance`."))
    booking = serializers.IntegerField(allow_null=True, help_text=_("Only for bookings you may see."))
    status = serializers.CharField(allow_blank=True, help_text=_("Only for bookings you may see."))


class AvailabilitySerializer(Serializer):
    equipment = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    time_zone = serializers.CharField()
    slot_minutes = serializers.IntegerField()
    min_minutes = serializers.IntegerField()
    max_minutes = serializers.IntegerField()
    bookable_until = serializers.DateTimeField()
    open = IntervalSerializer(many=True)
    busy = BusySerializer(many=True)
    free = IntervalSerializer(many=True, help_text=_("Open, not busy, not begun and within the booking horizon."))

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("start")
        fields["to"] = fields.pop("end")
        return fields


class UsageSerializer(Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    parent = serializers.IntegerField(allow_null=True, help_text=_("The lab of equipment, the site of a lab."))
    open_hours = serializers.DecimalField(max_digits=12, decimal_places=1)
    booked_hours = serializers.DecimalField(max_digits=12, decimal_places=1)
    used_hours = serializers.DecimalField(max_digits=12, decimal_places=1)
    booked_share = serializers.DecimalField(max_digits=6, decimal_places=3, allow_null=True)
    used_share = serializers.DecimalField(max_digits=6, decimal_places=3, allow_null=True)


class UtilisationSerializer(Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    total = UsageSerializer()
    sites = UsageSerializer(many=True)
    labs = UsageSerializer(many=True)
    equipment = UsageSerializer(many=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("start")
        fields["to"] = fields.pop("end")
        return fields

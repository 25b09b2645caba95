"""Filters of the labs API. Related objects filter by id, without looking them up."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters import IsoDateTimeFilter
from django_filters.fields import IsoDateTimeField

from incubator.filters import FilterSet, IntegerFilter

from .models import Booking, Equipment, Lab, Training


class PresentIsoDateTimeField(IsoDateTimeField):
    """Absent means no filter; present but empty is an error, like any other malformed time."""

    def clean(self, value):
        if value == "":
            raise ValidationError(_("Enter a date and time."), code="invalid")
        return super().clean(value)


class PresentIsoDateTimeFilter(IsoDateTimeFilter):
    field_class = PresentIsoDateTimeField


class LabFilter(FilterSet):
    site = IntegerFilter(field_name="site_id")

    class Meta:
        model = Lab
        fields = ["is_active"]


class EquipmentFilter(FilterSet):
    lab = IntegerFilter(field_name="lab_id")
    site = IntegerFilter(field_name="lab__site_id")

    class Meta:
        model = Equipment
        fields = ["kind", "status", "needs_training", "needs_approval"]


class TrainingFilter(FilterSet):
    user = IntegerFilter(field_name="user_id")

    class Meta:
        model = Training
        fields = ["kind"]


class BookingFilter(FilterSet):
    equipment = IntegerFilter(field_name="equipment_id")
    lab = IntegerFilter(field_name="equipment__lab_id")
    site = IntegerFilter(field_name="equipment__lab__site_id")
    company = IntegerFilter(field_name="company_id")
    user = IntegerFilter(field_name="user_id")
    starts_after = PresentIsoDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = PresentIsoDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Booking
        fields = ["status"]

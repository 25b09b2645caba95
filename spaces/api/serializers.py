from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from companies.models import Company
from incubator.api.fields import StrictCharField
from incubator.api.serializers import ModelSerializer, Serializer

from ..choices import SpaceKind, SubsidyKind
from ..models import AREA, DATE_VALIDATORS, MAX_DESKS, MONEY, Allocation, Space, SpaceRequest


def _date(**kwargs):
    return serializers.DateField(validators=DATE_VALIDATORS, **kwargs)


def _money(**kwargs):
    return serializers.DecimalField(min_value=0, **MONEY, **kwargs)


# --- Spaces --------------------------------------------------------------------------


# "Space" would make "SpaceRequest" the name of its request body, which is the space requests' name.
@extend_schema_serializer(component_name="OfficeSpace")
class SpaceSerializer(ModelSerializer):
    kind = serializers.ChoiceField(choices=SpaceKind.choices)

    class Meta:
        model = Space
        fields = ["id", "site", "code", "name", "kind", "floor", "area_m2", "desks", "monthly_rent", "is_active"]


@extend_schema_serializer(component_name="OfficeSpaceUpdate")
class SpaceUpdateSerializer(SpaceSerializer):
    class Meta(SpaceSerializer.Meta):
        read_only_fields = ["site"]


class OccupancySerializer(Serializer):
    site = serializers.IntegerField(source="site.pk", allow_null=True, help_text=_("Empty for the total."))
    on = serializers.DateField()
    spaces = serializers.IntegerField()
    spaces_let = serializers.IntegerField()
    spaces_free = serializers.IntegerField()
    area_m2 = serializers.DecimalField(max_digits=14, decimal_places=2)
    area_let_m2 = serializers.DecimalField(max_digits=14, decimal_places=2)
    area_free_m2 = serializers.DecimalField(max_digits=14, decimal_places=2)
    desks = serializers.IntegerField()
    desks_let = serializers.IntegerField()
    desks_free = serializers.IntegerField()
    rate = serializers.DecimalField(
        max_digits=5, decimal_places=1, allow_null=True, help_text=_("Share of the area let, in per cent.")
    )
    desk_rate = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)


class OccupancyReportSerializer(Serializer):
    on = serializers.DateField()
    sites = OccupancySerializer(many=True)
    total = OccupancySerializer()


class OccupancyQuerySerializer(Serializer):
    on = _date(required=False, help_text=_("The day; today when absent."))
    site = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


class AvailabilityQuerySerializer(OccupancyQuerySerializer):
    kind = serializers.ChoiceField(choices=SpaceKind.choices, required=False)


class SpaceAvailabilitySerializer(Serializer):
    space = serializers.IntegerField(source="space.pk")
    site = serializers.IntegerField(source="space.site_id")
    code = serializers.CharField(source="space.code")
    kind = serializers.ChoiceField(source="space.kind", choices=SpaceKind.choices)
    floor = serializers.IntegerField(source="space.floor")
    area_m2 = serializers.DecimalField(source="space.area_m2", **AREA)
    desks = serializers.IntegerField(source="space.desks")
    desks_free = serializers.IntegerField(help_text=_("Free on the day asked about."))
    free_from = serializers.DateField(help_text=_("The first day the space (or a desk) is free."))
    free_until = serializers.DateField(
        allow_null=True, help_text=_("For an office or workshop: the day the next allocation begins, if any.")
    )


# --- Allocations ---------------------------------------------------------------------


class AllocationSerializer(ModelSerializer):
    site = serializers.IntegerField(source="space.site_id", read_only=True)
    rent_after_subsidy = serializers.DecimalField(read_only=True, **MONEY)
    subsidy_kind = serializers.ChoiceField(choices=SubsidyKind.choices, read_only=True)

    class Meta:
        model = Allocation
        fields = [
            "id",
            "space",
            "site",
            "company",
            "starts_on",
            "ends_on",
            "desks",
            "monthly_rent",
            "subsidy_kind",
            "subsidy_value",
            "rent_after_subsidy",
            "note",
            "moved_from",
            "created_at",
        ]
        read_only_fields = fields


class AllocationCreateSerializer(Serializer):
    space = serializers.PrimaryKeyRelatedField(queryset=Space.objects.none())
    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.none())
    starts_on = _date()
    ends_on = _date(required=False, allow_null=True, help_text=_("The first day the space is free again."))
    desks = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=MAX_DESKS, help_text=_("For open desks.")
    )
    monthly_rent = _money(required=False, allow_null=True, help_text=_("Default: the space's rent."))
    subsidy_kind = serializers.ChoiceField(choices=SubsidyKind.choices, default=SubsidyKind.NONE)
    subsidy_value = _money(required=False, allow_null=True)
    note = StrictCharField(required=False, allow_blank=True, max_length=2000, default="")


class AllocationTermsSerializer(Serializer):
    monthly_rent = _money(required=False)
    subsidy_kind = serializers.ChoiceField(choices=SubsidyKind.choices, required=False)
    subsidy_value = _money(required=False)
    note = StrictCharField(required=False, allow_blank=True, max_length=2000)


class AllocationEndSerializer(Serializer):
    ends_on = _date(help_text=_("The first day the space is free again."))


class AllocationExtendSerializer(Serializer):
    ends_on = _date(allow_null=True, help_text=_("The new end; null for open-ended."))


class AllocationMoveSerializer(Serializer):
    space = serializers.PrimaryKeyRelatedField(queryset=Space.objects.none())
    on = _date(help_text=_("The first day in the new space."))
    desks = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_DESKS)
    monthly_rent = _money(required=False, allow_null=True)


# --- Space requests ------------------------------------------------------------------


class SpaceRequestSerializer(ModelSerializer):
    kind = serializers.ChoiceField(choices=SpaceKind.choices, read_only=True)

    class Meta:
        model = SpaceRequest
        fields = [
            "id",
            "company",
            "site",
            "kind",
            "desks",
            "area_m2",
            "wanted_from",
            "reason",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decline_reason",
            "allocation",
        ]
        read_only_fields = fields


class SpaceRequestCreateSerializer(Serializer):
    company = serializers.PrimaryKeyRelatedField(queryset=Company.objects.none())
    kind = serializers.ChoiceField(choices=SpaceKind.choices)
    desks = serializers.IntegerField(required=False, min_value=0, max_value=MAX_DESKS, default=0)
    area_m2 = serializers.DecimalField(required=False, allow_null=True, min_value=1, **AREA)
    wanted_from = _date()
    reason = StrictCharField(max_length=2000)


class SpaceRequestOfferSerializer(Serializer):
    space = serializers.PrimaryKeyRelatedField(queryset=Space.objects.none())
    starts_on = _date(required=False, allow_null=True)
    ends_on = _date(required=False, allow_null=True)
    desks = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_DESKS)
    monthly_rent = _money(required=False, allow_null=True)
    subsidy_kind = serializers.ChoiceField(choices=SubsidyKind.choices, default=SubsidyKind.NONE)
    subsidy_value = _money(required=False, allow_null=True)
    note = StrictCharField(required=False, allow_blank=True, max_length=2000, default="")


class SpaceRequestDeclineSerializer(Serializer):
    reason = StrictCharField(max_length=2000)

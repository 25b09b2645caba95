import copy

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from incubator.choices import Language
from incubator.models import Site, User

from .fields import StrictCharField, StrictEmailField, StrictSlugField, StrictURLField


class ModelSerializer(serializers.ModelSerializer):
    """The base of every model serializer: text fields refuse numbers and other non-text."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.EmailField: StrictEmailField,
        models.SlugField: StrictSlugField,
        models.URLField: StrictURLField,
    }


class Serializer(serializers.Serializer):
    """The base of every plain serializer: each instance gets shallow copies of the declared
    fields instead of DRF's deep copies.

    DRF deep-copies every declared field for every serializer instance, which re-runs each
    field's constructor: for the request serializers that validate a single write (a booking,
    say) that copying cost more than the validation itself. A copy only needs its own binding
    (name, parent, source), which `copy.copy` gives; fields that hold other fields (a list's
    child, a many-valued relation, a nested serializer) are still deep-copied, so that no two
    instances share a bound child. Copies share their validators' list, which DRF's fields
    only write in their constructors.
    """

    def get_fields(self):
        return {
            name: copy.deepcopy(field)
            if isinstance(field, serializers.BaseSerializer | serializers.ManyRelatedField) or hasattr(field, "child")
            else copy.copy(field)
            for name, field in self._declared_fields.items()
        }


class TokenRequestSerializer(Serializer):
    email = StrictEmailField(label=_("E-mail address"))
    password = StrictCharField(
        label=_("Password"), trim_whitespace=False, style={"input_type": "password"}, max_length=256
    )


class TokenSerializer(Serializer):
    token = serializers.CharField(read_only=True)


class MeSerializer(ModelSerializer):
    roles = serializers.SerializerMethodField()
    staff_sites = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    language = serializers.ChoiceField(choices=Language.choices)

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "phone", "language", "roles", "staff_sites", "is_superuser"]
        read_only_fields = ["id", "email", "roles", "staff_sites", "is_superuser"]

    def get_roles(self, user) -> list[str]:
        return sorted(group.name for group in user.groups.all())


class SiteSerializer(ModelSerializer):
    class Meta:
        model = Site
        fields = ["id", "name", "name_en", "code", "kind", "address", "total_area_m2", "opened_on", "is_active"]

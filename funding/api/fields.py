"""Strict money and yes/no fields: the schema says string and boolean, so a JSON number
or a 0/1 is refused rather than guessed at (a float would lose the fen of an amount)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from incubator.api.serializers import ModelSerializer


class StrictDecimalField(serializers.DecimalField):
    default_error_messages = {"not_a_string": _('Send the amount as a string, e.g. "1500000.00".')}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictModelSerializer(ModelSerializer):
    """The project's model serializer, with amounts as strings and booleans as booleans."""

    serializer_field_mapping = {
        **ModelSerializer.serializer_field_mapping,
        models.DecimalField: StrictDecimalField,
        models.BooleanField: StrictBooleanField,
    }

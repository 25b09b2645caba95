"""Filter sets, and the strict base every app's filter sets inherit."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as drf_filters

from .models import Site


class StrictBooleanField(forms.Field):
    """Absent means no filter; present, it must say true or false."""

    def __init__(self, *args, **kwargs):
        kwargs["required"] = False
        super().__init__(*args, **kwargs)

    def validate(self, value):
        return

    def to_python(self, value):
        if value is None:
            return None
        text = str(value).lower()
        if text in {"true", "1"}:
            return True
        if text in {"false", "0"}:
            return False
        raise ValidationError(_("Enter true or false."), code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    """`true`/`false` (or 1/0); anything else is a 400, not silently no filter."""

    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class BoundedIntegerField(forms.IntegerField):
    """A whole number the database can hold; present but empty is an error, absent is no filter."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", -(2**63))
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        if value == "":
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().clean(value)


class IntegerFilter(django_filters.NumberFilter):
    """Whole numbers the database can hold: `year=0.5` or `site=1e300` is a 400."""

    field_class = BoundedIntegerField


class PresentChoiceField(django_filters.fields.ChoiceField):
    """Absent means no filter; present but empty is an error, like any value not offered."""

    def clean(self, value):
        if value == "":
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return super().clean(value)


class StrictChoiceFilter(django_filters.ChoiceFilter):
    field_class = PresentChoiceField


class PresentModelChoiceField(django_filters.fields.ModelChoiceField):
    def clean(self, value):
        if value == "":
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().clean(value)


class StrictModelChoiceFilter(django_filters.ModelChoiceFilter):
    """`company=` (present, empty) is a 400 like an unknown id, not "no filter"."""

    field_class = PresentModelChoiceField


class FilterSet(drf_filters.FilterSet):
    """The base of every filter set: values that make no sense answer 400, and so does a
    filter given twice (`?status=a&status=b` would otherwise quietly mean the last one)."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        getlist = getattr(self.data, "getlist", None)
        if getlist is None:
            return valid
        for name in self.filters:
            if len(getlist(name)) > 1:
                self.form.add_error(name, ValidationError(_("Give this filter once."), code="repeated"))
                valid = False
        return valid

    @classmethod
    def filter_for_lookup(cls, field, lookup_type):
        filter_class, params = super().filter_for_lookup(field, lookup_type)
        strict = {
            django_filters.ChoiceFilter: StrictChoiceFilter,
            django_filters.ModelChoiceFilter: StrictModelChoiceFilter,
        }
        return strict.get(filter_class, filter_class), params

    FILTER_DEFAULTS = {
        **drf_filters.FilterSet.FILTER_DEFAULTS,
        **{
            field: {"filter_class": IntegerFilter}
            for field in (
                models.IntegerField,
                models.SmallIntegerField,
                models.BigIntegerField,
                models.PositiveIntegerField,
                models.PositiveSmallIntegerField,
                models.PositiveBigIntegerField,
            )
        },
        models.BooleanField: {"filter_class": StrictBooleanFilter},
        models.NullBooleanField: {"filter_class": StrictBooleanFilter},
    }


class SiteFilter(FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"))

    class Meta:
        model = Site
        fields = ["kind", "is_active", "code"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_en__icontains=value) | Q(code__icontains=value))

from django_filters.rest_framework import DjangoFilterBackend

from incubator.filters import FilterSet


class FilterBackend(DjangoFilterBackend):
    """django-filter with the project's strict filter set as the base of `filterset_fields`."""

    filterset_base = FilterSet

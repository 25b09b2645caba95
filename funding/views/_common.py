"""What the funding pages share."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404

from incubator.errors import ServiceError


def _get_or_404(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None


def _service_error_message(exc: ServiceError | ValidationError) -> str:
    if isinstance(exc, ServiceError):
        return str(exc.message)
    return " ".join(exc.messages)

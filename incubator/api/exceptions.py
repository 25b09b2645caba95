"""One error format for every 4xx answer of the API.

    {"code": "validation_error", "detail": "…", "fields": {"email": ["…"]}}

`code` is stable and meant for programs; `detail` and the field messages are in the
user's language. Django's `ValidationError` and the services' `ServiceError` are
translated here, so views never build error answers themselves.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from incubator.errors import ServiceError

DEFAULT_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    429: "throttled",
}


def _field_messages(detail) -> dict | list:
    if isinstance(detail, dict):
        return {key: _field_messages(value) for key, value in detail.items()}
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return [str(item) for item in detail]
        return [_field_messages(item) for item in detail]
    return [str(detail)]


def api_exception_handler(exc, context):
    if isinstance(exc, ServiceError):
        body = {"code": exc.code, "detail": str(exc.message)}
        if exc.field:
            body["fields"] = {exc.field: [str(exc.message)]}
        return Response(body, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None

    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "code": "validation_error",
            "detail": _("The request has invalid fields."),
            "fields": _field_messages(exc.detail)
            if isinstance(exc.detail, dict)
            else {"non_field_errors": _field_messages(exc.detail)},
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response

    detail = getattr(exc, "detail", None)
    code = None
    if isinstance(detail, exceptions.ErrorDetail):
        code = detail.code
    code = code if code and code not in {"invalid", "error"} else DEFAULT_CODES.get(response.status_code, "error")
    message = str(detail) if detail is not None else str(exc)
    response.data = {"code": code, "detail": message}
    return response

"""Errors that services raise and every interface turns into a clear answer.

A `ServiceError` carries a stable `code` (for the API), a message in the user's language
and the HTTP status the API answers with. Validation of fields stays Django's
`ValidationError`, which the API answers with 400 and field messages.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class ServiceError(Exception):
    code = "error"
    status = 400
    default_message = _("The request could not be carried out.")

    def __init__(self, message=None, *, code: str | None = None, field: str | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.field = field
        super().__init__(str(self.message))


class Conflict(ServiceError):
    """The request clashes with the current state (an overlap, a used-up budget)."""

    code = "conflict"
    status = 409
    default_message = _("The request conflicts with the current state.")


class NotAllowed(ServiceError):
    code = "permission_denied"
    status = 403
    default_message = _("You are not allowed to do this.")


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = _("This change is not possible in the current status.")

"""Every write of the funding app.

Services check who may act (`NotAllowed`), which state changes are possible
(`InvalidTransition`), the money rules (`Conflict` with a stable code) and the field rules
(`ValidationError`); the portal, the API, the admin and the tasks all come through here.
Each service leaves its author on the history record it writes (`_history_user`), so an
API call authenticated by token is audited like a page the officer clicked.
"""

from .applications import (
    MAX_DOCUMENTS,
    application_approve,
    application_create,
    application_document_add,
    application_document_remove,
    application_record_award,
    application_reject,
    application_start_review,
    application_submit,
    application_update,
    application_withdraw,
)
from .capital import (
    INTRODUCTION_TRANSITIONS,
    INVESTMENT_FIELDS,
    SPONSOR_FIELDS,
    introduction_add_note,
    introduction_advance,
    introduction_request,
    investment_record,
    investment_update,
    sponsor_contact_add,
    sponsor_create,
    sponsor_update,
)
from .disbursements import disbursement_cancel, disbursement_mark_paid, disbursement_schedule
from .programmes import PROGRAMME_FIELDS, programme_create, programme_update
from .reminders import (
    disbursement_due_reminders_send,
    introduction_quiet_reminders_send,
    programme_closing_reminders_send,
)

__all__ = [
    "INTRODUCTION_TRANSITIONS",
    "INVESTMENT_FIELDS",
    "MAX_DOCUMENTS",
    "PROGRAMME_FIELDS",
    "SPONSOR_FIELDS",
    "application_approve",
    "application_create",
    "application_document_add",
    "application_document_remove",
    "application_record_award",
    "application_reject",
    "application_start_review",
    "application_submit",
    "application_update",
    "application_withdraw",
    "disbursement_cancel",
    "disbursement_due_reminders_send",
    "disbursement_mark_paid",
    "disbursement_schedule",
    "introduction_add_note",
    "introduction_advance",
    "introduction_quiet_reminders_send",
    "introduction_request",
    "investment_record",
    "investment_update",
    "programme_closing_reminders_send",
    "programme_create",
    "programme_update",
    "sponsor_contact_add",
    "sponsor_create",
    "sponsor_update",
]

"""Every write of the patents app.

Filings and their events change only here, and every change recomputes the filing's
deadlines in the same transaction (`filing_deadlines_recompute`), with the filing's row
locked so that two changes at once cannot interleave. The rules themselves live in
`patents.rules`.
"""

from .common import AUTO_LAPSE_REFERENCE, AUTO_WAIVE_REASON, MISSED_NOTICE_DAYS, can_edit_company_ip, can_waive
from .deadlines import deadline_waive, filing_deadlines_recompute, filing_facts
from .events import (
    ANSWERS,
    EVENT_KINDS,
    EVENT_TRANSITIONS,
    NOTICES,
    event_kinds_possible,
    filing_event_record,
)
from .filings import (
    FILING_FIELDS,
    WITHDRAWABLE,
    filing_create,
    filing_delete,
    filing_document_add,
    filing_document_delete,
    filing_update,
    filing_withdraw,
    initial_status,
)
from .reminders import SweepResult, deadline_reminders_send, deadlines_sweep
from .settings import deadline_feed_obtain, deadline_feed_reset, ip_settings_get, ip_settings_update

__all__ = [
    "ANSWERS",
    "AUTO_LAPSE_REFERENCE",
    "AUTO_WAIVE_REASON",
    "EVENT_KINDS",
    "EVENT_TRANSITIONS",
    "FILING_FIELDS",
    "MISSED_NOTICE_DAYS",
    "NOTICES",
    "WITHDRAWABLE",
    "SweepResult",
    "can_edit_company_ip",
    "can_waive",
    "deadline_feed_obtain",
    "deadline_feed_reset",
    "deadline_reminders_send",
    "deadline_waive",
    "deadlines_sweep",
    "event_kinds_possible",
    "filing_create",
    "filing_deadlines_recompute",
    "filing_delete",
    "filing_document_add",
    "filing_document_delete",
    "filing_event_record",
    "filing_facts",
    "filing_update",
    "filing_withdraw",
    "initial_status",
    "ip_settings_get",
    "ip_settings_update",
]

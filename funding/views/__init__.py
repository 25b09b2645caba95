"""Portal pages: programmes and applications, disbursements, sponsors and introductions,
a company's ledger and the district's totals."""

from .applications import (
    application_action,
    application_detail,
    application_edit,
    application_list,
    disbursement_add,
    disbursement_cancel,
    disbursement_paid,
    document_add,
    document_download,
    document_remove,
)
from .capital import (
    introduction_advance,
    introduction_detail,
    introduction_list,
    introduction_note,
    introduction_request,
    sponsor_detail,
    sponsor_list,
)
from .ledger import (
    ledger,
    totals,
)
from .programmes import (
    application_create,
    programme_detail,
    programme_list,
)

__all__ = [
    "application_action",
    "application_create",
    "application_detail",
    "application_edit",
    "application_list",
    "disbursement_add",
    "disbursement_cancel",
    "disbursement_paid",
    "document_add",
    "document_download",
    "document_remove",
    "introduction_advance",
    "introduction_detail",
    "introduction_list",
    "introduction_note",
    "introduction_request",
    "ledger",
    "programme_detail",
    "programme_list",
    "sponsor_detail",
    "sponsor_list",
    "totals",
]

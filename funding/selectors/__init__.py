"""Reads shared by the portal, the API and the reminders; each takes the acting user.

Everything a company owns is filtered through `companies_visible_to(user)`: makers see
their companies' applications, introductions and ledger, staff those of their sites, the
district all of them. Programmes and sponsors are the district's public offer: every
signed-in user sees the published ones.
"""

from .capital import (
    CLOSED_SHOWN,
    introduction_counts,
    introduction_pipeline,
    introductions_quiet_since,
    introductions_visible_to,
    investments_visible_to,
    sees_centre_notes,
    sponsors_visible_to,
)
from .ledger import (
    FundingTotals,
    Ledger,
    LedgerEntry,
    LedgerLevel,
    LedgerYear,
    TotalsRow,
    can_read_totals,
    company_ledger,
    funding_totals,
    ledger_summaries,
)
from .public_funding import (
    ProgrammeOffer,
    application_detail,
    application_history,
    applications_visible_to,
    applications_waiting,
    companies_not_applied,
    disbursements_due_within,
    disbursements_visible_to,
    eligible_companies,
    my_companies,
    open_programmes,
    programme_offers,
    programmes_closing_within,
    programmes_for_maker,
    programmes_visible_to,
)
from .staff import (
    StaffBySite,
    staff_by_site,
)

__all__ = [
    "CLOSED_SHOWN",
    "FundingTotals",
    "Ledger",
    "LedgerEntry",
    "LedgerLevel",
    "LedgerYear",
    "ProgrammeOffer",
    "StaffBySite",
    "TotalsRow",
    "application_detail",
    "application_history",
    "applications_visible_to",
    "applications_waiting",
    "can_read_totals",
    "companies_not_applied",
    "company_ledger",
    "disbursements_due_within",
    "disbursements_visible_to",
    "eligible_companies",
    "funding_totals",
    "introduction_counts",
    "introduction_pipeline",
    "introductions_quiet_since",
    "introductions_visible_to",
    "investments_visible_to",
    "ledger_summaries",
    "my_companies",
    "open_programmes",
    "programme_offers",
    "programmes_closing_within",
    "programmes_for_maker",
    "programmes_visible_to",
    "sees_centre_notes",
    "sponsors_visible_to",
    "staff_by_site",
]

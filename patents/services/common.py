"""Who may act, and the markers the services leave."""

from __future__ import annotations

from typing import Any

from companies.models import Company
from companies.services import company_current_site_id
from incubator import permissions
from incubator.errors import NotAllowed

# A deadline the rules no longer give (the application was withdrawn, its kind corrected) is
# closed as waived with this reason; pages show it in the reader's language.
AUTO_WAIVE_REASON = "no longer applies"
# The lapse the daily sweep records when an annual fee stayed unpaid through the grace period.
AUTO_LAPSE_REFERENCE = "annual fee unpaid"
MISSED_NOTICE_DAYS = 7  # a miss older than this (found late, e.g. after an import) is flagged silently


def _require(condition: bool) -> None:
    if not condition:
        raise NotAllowed()


def can_edit_company_ip(user: Any, company: Company) -> bool:
    """Members of the company record its IP; so do the staff of its site."""
    if permissions.is_district(user) and not permissions.is_centre_staff(user):
        return False
    return permissions.is_company_member(user, company) or permissions.is_site_staff(
        user, company_current_site_id(company)
    )


def can_waive(user: Any, company: Company) -> bool:
    return permissions.is_company_owner(user, company) or permissions.is_site_staff(
        user, company_current_site_id(company)
    )

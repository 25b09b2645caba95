"""Who may apply to a programme: one rule, used by the services (which refuse) and by the
pages (which show makers only what they may apply for)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from companies.choices import CompanyStatus, DesignationKind
from companies.models import Company

from .models import Programme


def _is_resident(company: Company) -> bool:
    current = getattr(company, "current_residencies", None)
    if current is None:
        current = list(company.residencies.filter(ends_on__isnull=True)[:1])
    return company.status == CompanyStatus.RESIDENT and bool(current)


def eligibility_problems(*, programme: Programme, company: Company, today: date) -> list[str]:
    """Why the company may not apply to the programme, in the active language; an empty
    list when it may.

    Uses `company.current_residencies` and `company.designations.all()` when they are
    prefetched (see the selectors), so that a page checking many pairs stays at a constant
    number of queries.
    """
    problems = []
    if programme.requires_residency and not _is_resident(company):
        problems.append(_("Only companies resident at one of the district's sites may apply."))
    required = [kind for kind in programme.required_designations or [] if kind in DesignationKind.values]
    if required:
        held = {d.kind for d in company.designations.all() if d.is_valid_on(today)}
        missing = [str(DesignationKind(kind).label) for kind in required if kind not in held]
        if missing:
            problems.append(_("The company needs a valid designation: %(kinds)s.") % {"kinds": _(", ").join(missing)})
    return problems


def is_eligible(*, programme: Programme, company: Company, today: date) -> bool:
    return not eligibility_problems(programme=programme, company=company, today=today)

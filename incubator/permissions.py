"""Who may do what: the role checks every app uses.

Roles are Django groups (`centre-staff`, `district`); makers are users with a membership
in a company, which the companies app reports through the registry. A superuser counts as
centre staff of every site.
"""

from __future__ import annotations

from typing import Any

from .choices import Role
from .registry import registry


def _role_names(user: Any) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_incubator_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._incubator_roles = cached
    return cached


def remember_roles(user: Any, names) -> None:
    """Keep the user's role names, read together with the user, for the checks of this request."""
    user._incubator_roles = frozenset(names)


def is_superuser(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser)


def is_centre_staff(user: Any) -> bool:
    """Centre staff of at least one site (or a superuser)."""
    return is_superuser(user) or Role.CENTRE_STAFF in _role_names(user)


def is_district(user: Any) -> bool:
    """The district committee: reads everything, changes nothing."""
    return Role.DISTRICT in _role_names(user)


def staff_site_ids(user: Any) -> set[int] | None:
    """The sites a staff user works for: `None` means all of them, an empty set none."""
    if is_superuser(user):
        return None
    if not is_centre_staff(user):
        return set()
    cached = getattr(user, "_incubator_staff_sites", None)
    if cached is None:
        ids = set(user.staff_sites.values_list("id", flat=True))
        cached = ids or "all"
        user._incubator_staff_sites = cached
    return None if cached == "all" else set(cached)


def is_site_staff(user: Any, site: Any) -> bool:
    """Centre staff who work for this site."""
    if not is_centre_staff(user):
        return False
    ids = staff_site_ids(user)
    site_id = getattr(site, "pk", site)
    return ids is None or site_id in ids


def can_read_all_sites(user: Any) -> bool:
    """District members and unscoped staff read every site's data."""
    return is_district(user) or (is_centre_staff(user) and staff_site_ids(user) is None)


def company_role(user: Any, company: Any) -> str | None:
    """The user's role in the company (`owner`, `member`) or `None`."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    resolver = registry.company_role_resolver
    return resolver(user, company) if resolver else None


def is_company_member(user: Any, company: Any) -> bool:
    return company_role(user, company) is not None


def is_company_owner(user: Any, company: Any) -> bool:
    return company_role(user, company) == "owner"

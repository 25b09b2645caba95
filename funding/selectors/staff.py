"""The centre staff who hear of a company's funding affairs."""

from __future__ import annotations

from collections import defaultdict

from incubator.choices import Role
from incubator.models import User

# --- Staff ---------------------------------------------------------------------------


class StaffBySite:
    """Active centre staff, loaded once: those of a site plus those of every site."""

    def __init__(self) -> None:
        users = (
            User.objects.filter(groups__name=Role.CENTRE_STAFF, is_active=True)
            .prefetch_related("staff_sites")
            .distinct()
            .order_by("pk")
        )
        self.everywhere: list[User] = []
        self.by_site: dict[int, list[User]] = defaultdict(list)
        for user in users:
            sites = [s.pk for s in user.staff_sites.all()]
            if not sites:
                self.everywhere.append(user)
            for site_id in sites:
                self.by_site[site_id].append(user)

    def for_site(self, site_id: int | None) -> list[User]:
        return self.everywhere + (self.by_site.get(site_id, []) if site_id is not None else [])


def staff_by_site() -> StaffBySite:
    return StaffBySite()

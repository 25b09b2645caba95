"""The district indicators for a period: the snapshot described in `reports.snapshot`.

Every figure is an aggregate the database computes, grouped by site, so the number of queries
is fixed (about twenty) whatever the number of sites, companies, filings or bookings. The
apps' own selectors are reused where they already aggregate per site in constant queries
(`spaces.selectors.occupancy`, `labs.selectors.utilisation`); the rest are queries of their
own here, because the reports need them grouped by site and the apps do not.

Which site a company's figures count for (filings, funding, investment, year figures,
admissions to the company, graduations): the site of its residency that covers the period's
last day, else of its latest residency overlapping the period (one that ends on the first
day counts, so that a company graduating on the first day is still counted). A company with
no residency in the period counts nowhere. The rule stays inside each aggregate query as a
join to the company's deciding residency (`with_home`, over `home_residencies`: an
anti-join the database resolves once per query, rather than a lookup per row).

Who may read what: the district role and unscoped centre staff (superusers included) read
every active site; centre staff scoped to sites read theirs; anybody else gets
`PermissionDenied` (a report with no columns would look like a district without data).

"No data" against zero: a value is None where the figure needs data that was never entered
(a site without spaces or labs, no year figures for the year, no area or population
recorded); counts and sums of events in the period (filings, applications, payments,
investments) are 0 when nothing happened, because the system records every such event.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from incubator.models import Site

from ..snapshot import TOTAL, VERSION, Column
from .activity import add_companies, add_designations, add_labs, add_occupancy, add_sites
from .outcomes import add_economy, add_funding, add_investment, add_ip, inventions_in_force_on
from .periods import PERIOD_KINDS, economy_year, period_for, previous_period, site_today, site_zone, window
from .scope import home_residencies, readable_sites, with_home
from .table import Table, col, percent

# --- The snapshot --------------------------------------------------------------------


def compute(*, user: Any, start: date, end: date, site: Site | int | None = None) -> dict:
    """The indicators of `[start, end]` (both days included) for each site the user may read
    (or `site`) and in total, as the JSON-ready snapshot of `reports.snapshot`. Labels are in
    the active language. Raises PermissionDenied for makers and anonymous users."""
    if end < start:
        raise ValueError("The period ends before it starts.")
    sites, whole = readable_sites(user, site)
    ids = [s.pk for s in sites]
    keys = [col(pk) for pk in ids]
    on = min(end, site_today())
    t0, t1 = window(start, end)
    on_end = window(on, on)[1]
    year = economy_year(end)
    table = Table(keys)

    add_companies(table, ids, start=start, end=end, on=on, t0=t0, t1=t1, on_end=on_end)
    add_designations(table, ids, on=on)
    add_sites(table, sites)
    add_occupancy(table, user, ids, on=on)
    add_labs(table, user, ids, start=start, end=end)
    population = add_ip(table, ids, start=start, end=end, on=on, whole=whole)
    add_funding(table, ids, start=start, end=end, t0=t0, t1=t1)
    add_investment(table, ids, start=start, end=end)
    add_economy(table, ids, start=start, end=end, year=year)

    if whole:
        scope = {"key": "district", "label": _("District")}
        total_label = _("District total")
    elif len(sites) == 1:
        scope = {"key": col(sites[0].pk), "label": sites[0].display_name()}
        total_label = _("Total")
    else:
        scope = {"key": "sites-" + "-".join(str(pk) for pk in sorted(ids)), "label": _("Your sites")}
        total_label = _("Total")
    columns: list[Column] = [{"key": col(s.pk), "label": s.display_name(), "site_id": s.pk} for s in sites]
    columns.append({"key": TOTAL, "label": total_label, "site_id": None})
    return {
        "version": VERSION,
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "generated_at": timezone.now().astimezone(site_zone()).isoformat(),
        "language": get_language(),
        "scope": scope,
        "columns": columns,
        "sections": table.sections,
        "notes": {
            "economy.year": year,
            "occupancy.on": on.isoformat(),
            "state.on": on.isoformat(),
            "ip.population": population,
            "ip.per_10k_scope": "district" if whole else None,
            "companies.site_rule": "residency-on-last-day-else-latest-in-period",
        },
    }


__all__ = [
    "PERIOD_KINDS",
    "compute",
    "economy_year",
    "home_residencies",
    "inventions_in_force_on",
    "percent",
    "period_for",
    "previous_period",
    "readable_sites",
    "site_today",
    "site_zone",
    "window",
    "with_home",
]

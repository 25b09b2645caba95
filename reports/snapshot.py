"""The indicator snapshot: what `reports.indicators.compute` returns, what a `ReportExport`
stores, and what every export format and dashboard reads. One shape, JSON all the way down,
so that a stored snapshot renders exactly as it did on the day it was computed.

    {
      "version": 1,
      "period": {"start": "2026-01-01", "end": "2026-12-31"},   # both days included
      "generated_at": "2026-11-28T18:30:00+08:00",
      "language": "zh-hans",                                     # labels are in this language
      "scope": {"key": "district" | "site-<id>", "label": "…"},
      "columns": [                                                # one per site, then the total
        {"key": "site-3", "label": "北方创客体验中心", "site_id": 3},
        …,
        {"key": "total", "label": "全区合计", "site_id": null},
      ],
      "sections": [
        {"key": "companies", "title": "…", "rows": [
          {"key": "companies.resident", "label": "…", "unit": "count",
           "values": {"site-3": 12, "site-4": 3, "total": 15}},
          …
        ]},
        …
      ],
      "notes": {"economy.year": 2025, …},                        # how a figure was taken
    }

A value is `None` when the figure has no data for that column (no spaces at the site, no
year figures entered, no population set, …): every reader shows it as "no data", never 0.
Counts are ints; every other number is a decimal written as a string ("1234.50"), so that
money stays exact through JSON; `number()` reads either back.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypedDict

VERSION = 1
TOTAL = "total"


class Unit:
    """How a row's values are to be read and formatted."""

    COUNT = "count"  # int
    CNY = "cny"  # yuan, two decimals
    PERCENT = "percent"  # per cent, one decimal: "85.3" means 85.3 %
    M2 = "m2"  # square metres, two decimals
    HOURS = "hours"  # hours, one decimal
    RATIO = "ratio"  # a plain decimal, e.g. patents per 10,000 residents
    YEAR = "year"  # int


class Column(TypedDict):
    key: str
    label: str
    site_id: int | None


class Row(TypedDict):
    key: str
    label: str
    unit: str
    values: dict[str, Any]


class Section(TypedDict):
    key: str
    title: str
    rows: list[Row]


# The rows every snapshot carries, section by section, in this order. Readers (exports, the
# annual return, the dashboards) may rely on these keys. `<kind>` rows repeat for every
# choice of the named enumeration, in its order.
ROW_KEYS: dict[str, list[str]] = {
    "companies": [
        "companies.resident",  # in incubation on the last day of the period (resident at the site)
        "companies.admitted",  # admitted during the period (admitted_on in the period)
        "companies.graduated",  # graduated during the period, from this site
        "companies.left",  # left during the period, from this site
        "admissions.received",  # applications to the site created during the period
        "admissions.accepted",  # accepted during the period
        "admissions.open",  # submitted or under review on the last day
    ],
    "designations": [  # resident companies holding the designation on the last day
        "designations.sme",
        "designations.high_tech",
        "designations.little_giant",
        "designations.listed",
    ],
    "sites": [
        "sites.count",  # active sites (1 per site column)
        "sites.area_m2",  # the sites' total area as recorded on the site (None if not recorded)
    ],
    "occupancy": [  # on the last day of the period (or today, if the period ends later)
        "occupancy.area_m2",
        "occupancy.area_let_m2",
        "occupancy.rate",  # percent of the area let
        "occupancy.desks",
        "occupancy.desks_let",
        "occupancy.desk_rate",
    ],
    "labs": [  # over the whole period
        "labs.equipment",
        "labs.open_hours",
        "labs.booked_hours",
        "labs.used_hours",
        "labs.booked_share",  # percent of the open hours
        "labs.used_share",
    ],
    "ip": [  # filings of the companies at the site; <kind> over patents.choices.FilingKind
        "ip.filed.<kind>",
        "ip.filed.total",
        "ip.granted.<kind>",
        "ip.granted.total",
        "ip.inventions_in_force",  # on the last day
        "ip.inventions_per_10k",  # district population from patents' IpSettings; total column only
    ],
    "funding": [  # <level> over funding.choices.ProgrammeLevel
        "funding.applied.count",  # applications submitted during the period
        "funding.applied.amount",
        "funding.approved.count",  # approved during the period
        "funding.approved.amount",
        "funding.approved.<level>",  # approved amount by programme level
        "funding.paid.amount",  # disbursements paid during the period
    ],
    "investment": [  # investments dated in the period
        "investment.deals",
        "investment.total",
        "investment.via_introductions",
    ],
    "economy": [  # the companies' year figures for notes["economy.year"]
        "economy.reporting",  # companies with figures for that year
        "economy.revenue",
        "economy.taxes",
        "economy.rd_spend",
        "economy.employees",
        "economy.rd_staff",
    ],
}


def number(value: Any) -> int | Decimal | None:
    """A snapshot value as a number: int for counts, Decimal otherwise, None for no data."""
    if value is None or isinstance(value, int):
        return value
    return Decimal(str(value))


def section(snapshot: dict, key: str) -> Section:
    for item in snapshot["sections"]:
        if item["key"] == key:
            return item
    raise KeyError(key)


def row(snapshot: dict, key: str) -> Row:
    """The row with that key, from whichever section holds it."""
    for item in snapshot["sections"]:
        for found in item["rows"]:
            if found["key"] == key:
                return found
    raise KeyError(key)


def value(snapshot: dict, key: str, column: str = TOTAL) -> int | Decimal | None:
    return number(row(snapshot, key)["values"].get(column))


class DetailColumn(TypedDict):
    key: str
    label: str
    unit: str  # a Unit, or "text" / "date"


@dataclass
class DetailTable:
    """The rows behind one area of the report (companies, spaces, equipment, filings, funding
    applications, investments), for the sheets of an XLSX and the files of a CSV export.
    `rows` is an iterable of lists in `columns` order (str, int, Decimal, date or None), and may
    be a generator streaming from the database: read it once."""

    key: str
    title: str
    columns: list[DetailColumn]
    rows: Iterable[list[Any]] = field(default_factory=list)

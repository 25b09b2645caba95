"""A small district whose indicators for 2025 were worked out by hand (see test_indicators.py).

Two sites: A (the Northern Maker Experience Center, 5,000 m², spaces and a lab) and B (no
area recorded, no spaces, no lab). Rows are written directly, without the services, so that
every date is exactly the one the expected values were computed from.

Companies and the site they count for in 2025:
    A1 Alpha    resident at A since 2024-03-01
    A2 Beta     admitted 2025-04-10, resident at A since then
    A3 Gamma    at A 2023-01-01 → 2025-09-30, graduated 2025-09-30 (counts for A)
    B1 Delta    resident at B since 2024-03-01
    B2 Epsilon  at A 2024-01-01 → 2025-06-01, then at B (counts for B)
    B3 Zeta     at B 2024-06-01 → 2025-02-15, left 2025-02-15 (counts for B)
    X  Outside  at B 2020-01-01 → 2024-12-31: counts nowhere in 2025
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from companies.models import Designation, YearFigures
from funding.models import Disbursement, FundingApplication, Introduction, Investment
from incubator.models import Site
from labs.models import Closure, MaintenanceWindow
from patents.models import FilingEvent, IpSettings
from tests.factories import AdmissionFactory, CompanyFactory, ResidencyFactory, UserFactory
from tests.funding.factories import ProgrammeFactory, SponsorFactory
from tests.labs.factories import BookingFactory, EquipmentFactory, LabFactory
from tests.patents.factories import FilingFactory
from tests.spaces.factories import AllocationFactory, office, open_desks

SHANGHAI = ZoneInfo("Asia/Shanghai")


def moment(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


@dataclass
class District:
    site_a: Site
    site_b: Site
    companies: dict[str, Any] = field(default_factory=dict)
    programmes: dict[str, Any] = field(default_factory=dict)

    @property
    def a(self) -> str:
        return f"site-{self.site_a.pk}"

    @property
    def b(self) -> str:
        return f"site-{self.site_b.pk}"


def company(name: str, *, status: str = "resident", admitted_on: date | None = None, **dates: Any):
    return CompanyFactory(name=name, name_en=name, status=status, admitted_on=admitted_on, **dates)


def build_district(site_a: Site, site_b: Site) -> District:
    site_a.total_area_m2 = Decimal("5000.00")
    site_a.save(update_fields=["total_area_m2"])
    site_b.total_area_m2 = None
    site_b.save(update_fields=["total_area_m2"])
    d = District(site_a=site_a, site_b=site_b)
    c = d.companies

    # --- Companies and residencies -------------------------------------------------------
    c["A1"] = company("Alpha", admitted_on=date(2024, 3, 1))
    ResidencyFactory(company=c["A1"], site=site_a, starts_on=date(2024, 3, 1))
    c["A2"] = company("Beta", admitted_on=date(2025, 4, 10))
    ResidencyFactory(company=c["A2"], site=site_a, starts_on=date(2025, 4, 10))
    c["A3"] = company("Gamma", status="graduated", admitted_on=date(2023, 1, 1), graduated_on=date(2025, 9, 30))
    ResidencyFactory(company=c["A3"], site=site_a, starts_on=date(2023, 1, 1), ends_on=date(2025, 9, 30))
    c["B1"] = company("Delta", admitted_on=date(2024, 3, 1))
    ResidencyFactory(company=c["B1"], site=site_b, starts_on=date(2024, 3, 1))
    c["B2"] = company("Epsilon", admitted_on=date(2024, 1, 1))
    ResidencyFactory(company=c["B2"], site=site_a, starts_on=date(2024, 1, 1), ends_on=date(2025, 6, 1))
    ResidencyFactory(company=c["B2"], site=site_b, starts_on=date(2025, 6, 1))
    c["B3"] = company("Zeta", status="left", admitted_on=date(2024, 6, 1), left_on=date(2025, 2, 15))
    ResidencyFactory(company=c["B3"], site=site_b, starts_on=date(2024, 6, 1), ends_on=date(2025, 2, 15))
    c["X"] = company("Outside", status="graduated", admitted_on=date(2020, 1, 1), graduated_on=date(2024, 12, 31))
    ResidencyFactory(company=c["X"], site=site_b, starts_on=date(2020, 1, 1), ends_on=date(2024, 12, 31))

    # --- Admissions (counted by the site applied to) ------------------------------------
    AdmissionFactory(
        site=site_a,
        status="accepted",
        company=c["A2"],
        submitted_at=moment(date(2025, 1, 1), 0, 30),  # first half hour of the year, local time
        decided_at=moment(date(2025, 3, 1)),
    )
    AdmissionFactory(site=site_a, status="submitted", submitted_at=moment(date(2025, 11, 20)))
    AdmissionFactory(
        site=site_b,
        status="rejected",
        rejection_reason="方向不符",
        submitted_at=moment(date(2024, 12, 20)),
        decided_at=moment(date(2025, 1, 10)),
    )
    AdmissionFactory(site=site_b, status="under_review", submitted_at=moment(date(2025, 12, 1)))
    AdmissionFactory(
        site=site_b,
        status="accepted",
        company=c["B1"],
        submitted_at=moment(date(2025, 10, 1)),
        decided_at=moment(date(2026, 1, 5)),  # still open on 2025-12-31
    )

    # --- Designations -------------------------------------------------------------------
    def designation(key: str, kind: str, granted: date, expires: date | None = None) -> None:
        Designation.objects.create(company=c[key], kind=kind, granted_on=granted, expires_on=expires)

    designation("A1", "sme", date(2025, 3, 1), date(2026, 3, 1))
    designation("A1", "high_tech", date(2023, 11, 1), date(2026, 11, 1))
    designation("A2", "sme", date(2024, 1, 1), date(2025, 1, 1))  # expired
    designation("A2", "little_giant", date(2025, 6, 1))
    designation("A3", "listed", date(2025, 1, 1))  # not resident on the last day
    designation("B1", "listed", date(2025, 5, 1))
    designation("B1", "sme", date(2025, 1, 1), date(2026, 1, 1))
    designation("B2", "high_tech", date(2022, 12, 31), date(2025, 12, 31))  # expires on the last day

    # --- Spaces at A only ---------------------------------------------------------------
    first = office(site_a, code="A-101", area_m2=Decimal("40.00"), desks=4)
    AllocationFactory(space=first, company=c["A1"], starts_on=date(2025, 1, 1))
    desks = open_desks(site_a, code="A-OPEN", desks=10, area_m2=Decimal("100.00"))
    AllocationFactory(space=desks, company=c["A2"], desks=3, starts_on=date(2025, 5, 1), ends_on=date(2026, 5, 1))
    second = office(site_a, code="A-102", area_m2=Decimal("60.00"), desks=6)
    AllocationFactory(space=second, company=c["A3"], starts_on=date(2024, 1, 1), ends_on=date(2025, 9, 30))

    # --- A lab at A: open Mondays 09:00–13:00 -------------------------------------------
    lab = LabFactory(site=site_a, hours=[(0, "09:00", "13:00")])
    Closure.objects.create(lab=lab, starts_on=date(2025, 10, 1), ends_on=date(2025, 10, 7), reason="国庆")
    e1 = EquipmentFactory(lab=lab)
    e2 = EquipmentFactory(lab=lab)
    MaintenanceWindow.objects.create(
        equipment=e2, starts_at=moment(date(2025, 3, 3), 9), ends_at=moment(date(2025, 3, 3), 11)
    )
    booker = UserFactory()

    def booking(equipment, day: date, hour: int, hours: int, status: str) -> None:
        BookingFactory(
            equipment=equipment,
            user=booker,
            company=c["A1"],
            starts_at=moment(day, hour),
            ends_at=moment(day, hour + hours),
            status=status,
        )

    booking(e1, date(2025, 2, 3), 9, 2, "confirmed")
    booking(e1, date(2025, 2, 10), 9, 3, "completed")
    booking(e1, date(2025, 2, 17), 9, 1, "no_show")
    booking(e1, date(2025, 2, 24), 9, 2, "cancelled")
    booking(e1, date(2025, 3, 10), 9, 2, "pending")
    booking(e2, date(2025, 6, 2), 9, 4, "completed")
    booking(e2, date(2024, 12, 30), 9, 2, "completed")  # before the period

    # --- Filings ------------------------------------------------------------------------
    serial = iter(range(1, 100))

    def filing(key: str, kind: str, filed: date | None, status: str, granted: date | None = None, **extra):
        return FilingFactory(
            company=c[key],
            kind=kind,
            filing_date=filed,
            status=status,
            grant_date=granted,
            application_number=f"T{next(serial):04d}",
            **extra,
        )

    filing("A1", "invention", date(2025, 3, 1), "filed")
    filing("A1", "invention", date(2022, 5, 1), "granted", date(2025, 6, 15))
    filing("A1", "trademark", date(2024, 8, 1), "granted", date(2025, 8, 1))
    filing("A2", "utility_model", date(2025, 5, 5), "granted", date(2025, 11, 11))
    lapsed_early = filing("A2", "invention", date(2019, 1, 1), "lapsed", date(2021, 1, 1))
    FilingEvent.objects.create(filing=lapsed_early, kind="lapse", on=date(2025, 3, 1))
    lapsed_late = filing("A2", "invention", date(2018, 1, 1), "lapsed", date(2020, 1, 1))
    FilingEvent.objects.create(filing=lapsed_late, kind="lapse", on=date(2026, 2, 1))
    filing("A3", "design", date(2025, 2, 2), "filed")
    filing("A3", "software", date(2025, 1, 10), "granted", date(2025, 3, 10))
    filing("B1", "invention", date(2015, 1, 1), "granted", date(2017, 1, 1), expires_on=date(2035, 1, 1))
    filing("B1", "invention", date(2005, 1, 1), "expired", date(2007, 1, 1), expires_on=date(2025, 1, 1))
    filing("B1", "utility_model", date(2025, 7, 7), "filed")
    filing("B2", "invention", date(2025, 9, 9), "filed")
    filing("B2", "invention", None, "draft")
    filing("X", "invention", date(2025, 1, 5), "filed")  # counts nowhere
    IpSettings.objects.update_or_create(pk=1, defaults={"district_population": 12000})

    # --- Funding ------------------------------------------------------------------------
    p = d.programmes
    p["national"] = ProgrammeFactory(name="国家创新基金", name_en="National Innovation Fund", level="national")
    p["municipal"] = ProgrammeFactory(name="市级项目补贴", name_en="Municipal Project Subsidy", level="municipal")
    p["district"] = ProgrammeFactory(name="区房租补贴", name_en="District Rent Subsidy", level="district")

    def application(key: str, programme: str, requested: str, status: str, **extra) -> FundingApplication:
        return FundingApplication.objects.create(
            company=c[key],
            programme=p[programme],
            requested_amount=Decimal(requested),
            status=status,
            purpose="研发",
            **extra,
        )

    app1 = application(
        "A1",
        "national",
        "500000",
        "approved",
        submitted_at=moment(date(2025, 2, 1)),
        decided_at=moment(date(2025, 4, 1)),
        approved_amount=Decimal("400000"),
        budget_year=2025,
    )
    application("A2", "district", "100000", "under_review", submitted_at=moment(date(2025, 3, 1)))
    app3 = application(
        "B1",
        "national",
        "300000",
        "approved",
        submitted_at=moment(date(2024, 11, 1)),
        decided_at=moment(date(2025, 1, 15)),
        approved_amount=Decimal("300000"),
        budget_year=2025,
    )
    application(
        "B2",
        "municipal",
        "200000",
        "rejected",
        submitted_at=moment(date(2025, 5, 5)),
        decided_at=moment(date(2025, 6, 6)),
        decision_note="预算不足",
    )
    app5 = application(
        "A1",
        "district",
        "50000",
        "approved",
        submitted_at=moment(date(2024, 5, 1)),
        decided_at=moment(date(2024, 6, 1)),
        approved_amount=Decimal("50000"),
        budget_year=2024,
    )
    application("A1", "municipal", "80000", "draft")
    Disbursement.objects.create(
        application=app1, amount=Decimal("200000"), due_on=date(2025, 5, 1), paid_on=date(2025, 5, 1)
    )
    Disbursement.objects.create(application=app1, amount=Decimal("200000"), due_on=date(2026, 1, 1))
    Disbursement.objects.create(
        application=app3, amount=Decimal("300000"), due_on=date(2025, 2, 1), paid_on=date(2025, 2, 1)
    )
    Disbursement.objects.create(
        application=app5, amount=Decimal("50000"), due_on=date(2025, 1, 10), paid_on=date(2025, 1, 10)
    )

    # --- Investment ---------------------------------------------------------------------
    sponsor = SponsorFactory()
    introduction = Introduction.objects.create(
        company=c["A1"],
        sponsor=sponsor,
        status="invested",
        closed_on=date(2025, 3, 3),
        amount_invested=Decimal("1000000"),
    )

    def investment(key: str, amount: str, closed: date, **extra) -> None:
        Investment.objects.create(
            company=c[key], amount=Decimal(amount), closed_on=closed, investors="某投资人", **extra
        )

    investment("A1", "1000000", date(2025, 3, 3), round="seed", sponsor=sponsor, introduction=introduction)
    investment("A2", "500000", date(2025, 7, 7), round="angel")
    investment("B2", "2000000", date(2025, 12, 31), round="series_a")
    investment("B1", "800000", date(2024, 12, 31))

    # --- Year figures -------------------------------------------------------------------
    def figures(key: str, year: int, revenue: str, taxes: str, rd: str, employees: int, rd_staff: int) -> None:
        YearFigures.objects.create(
            company=c[key],
            year=year,
            revenue=Decimal(revenue),
            profit=Decimal("0"),
            taxes_paid=Decimal(taxes),
            rd_spend=Decimal(rd),
            employees=employees,
            rd_staff=rd_staff,
        )

    figures("A1", 2025, "1200000.00", "100000.00", "300000.00", 12, 5)
    figures("A2", 2025, "300000.50", "20000.00", "50000.00", 5, 2)
    figures("A3", 2024, "80000.00", "3000.00", "10000.00", 3, 1)
    figures("B1", 2024, "600000.00", "40000.00", "90000.00", 8, 3)
    return d


def grow(d: District, times: int) -> None:
    """More of everything, at both sites: `times` more companies per site with a residency,
    a designation, a space let, a booking, filings, an application with a payment, an
    investment and year figures (for the query-count tests)."""
    lab = d.site_a.labs.first()
    equipment = EquipmentFactory(lab=lab) if lab else None
    booker = UserFactory()
    programme = ProgrammeFactory(level="district")
    for n in range(times):
        for site in (d.site_a, d.site_b):
            new = company(f"Grown {site.pk}-{n}", admitted_on=date(2025, 2, 1))
            ResidencyFactory(company=new, site=site, starts_on=date(2025, 2, 1))
            Designation.objects.create(company=new, kind="sme", granted_on=date(2025, 2, 1))
            space = office(site, code=f"G-{new.pk}")
            AllocationFactory(space=space, company=new, starts_on=date(2025, 2, 1))
            if equipment is not None:
                # One half-hour per company: Mondays of 2025, eight slots each, never overlapping.
                slot = new.pk % 400
                starts = moment(date(2025, 1, 6) + timedelta(weeks=slot % 50), 9) + timedelta(minutes=30 * (slot // 50))
                BookingFactory(
                    equipment=equipment,
                    user=booker,
                    company=new,
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=30),
                    status="completed",
                )
            FilingFactory(
                company=new,
                kind="invention",
                filing_date=date(2025, 3, 1),
                status="granted",
                grant_date=date(2025, 9, 1),
                application_number=f"G{new.pk}",
            )
            app = FundingApplication.objects.create(
                company=new,
                programme=programme,
                requested_amount=Decimal("1000"),
                status="approved",
                approved_amount=Decimal("1000"),
                budget_year=2025,
                submitted_at=moment(date(2025, 3, 1)),
                decided_at=moment(date(2025, 4, 1)),
                purpose="研发",
            )
            Disbursement.objects.create(
                application=app, amount=Decimal("1000"), due_on=date(2025, 5, 1), paid_on=date(2025, 5, 1)
            )
            Investment.objects.create(company=new, amount=Decimal("1000"), closed_on=date(2025, 5, 1), investors="x")
            YearFigures.objects.create(
                company=new,
                year=2025,
                revenue=Decimal("1"),
                profit=Decimal("0"),
                taxes_paid=Decimal("0"),
                rd_spend=Decimal("0"),
                employees=1,
                rd_staff=0,
            )

"""Build a district-scale data set for benchmarks: the reports' exports, the portal and the API
at the size of a real district.

A benchmark and data tool, not a way to enter data: it writes rows with `bulk_create`,
deliberately bypassing the services (no validation beyond the database's constraints, no
audit history, no notifications, no follow-up tasks), because going through them would take
hours for 300,000 bookings. Every row still obeys the database's invariants: bookings never
overlap on one piece of equipment (PostgreSQL's exclusion constraint would refuse them),
offices hold one allocation at a time, approved applications have amounts within their
programme's budget, and so on. The data is reproducible: the same `--seed` gives the same
rows.

    manage.py build_district_dataset                 # 20 sites, 3,000 companies, 300,000 bookings …
    manage.py build_district_dataset --scale 0.01    # a quick run
    manage.py build_district_dataset --force         # even if the database has companies
"""

from __future__ import annotations

import random
import secrets
import time as clock
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone

from companies.models import Admission, Company, Designation, Membership, Residency, YearFigures
from funding.models import Disbursement, FundingApplication, Introduction, Investment, Programme, Sponsor
from incubator.models import Site, User
from labs.models import Booking, Equipment, Lab, OpeningHours
from patents.models import Filing
from patents.rules import check_digit
from spaces.models import Allocation, Space

BATCH = 5000

# The defaults, at scale 1: the size the design's quality targets name.
DEFAULTS = {
    "sites": 20,
    "companies": 3000,
    "spaces": 800,
    "equipment": 500,
    "bookings": 300_000,
    "filings": 30_000,
    "programmes": 30,
    "applications": 6000,
    "sponsors": 60,
    "introductions": 2000,
    "investments": 1500,
}
MINIMUM = {"sites": 2, "equipment": 2, "programmes": 2, "sponsors": 2}

SECTORS = ["manufacturing", "electronics", "software", "materials", "biomedicine", "energy", "creative", "services"]
SECTOR_WORDS = ["智造", "芯电", "云软", "新材", "生物", "绿能", "文创", "服务"]
EQUIPMENT_KINDS = ["laser_cutter", "laser_engraver", "metal_printer", "polymer_printer", "cnc_machine", "test_bench"]
PATENT_TYPE = {"invention": "1", "utility_model": "2", "design": "3"}
TERM_YEARS = {"invention": 20, "utility_model": 10, "design": 15, "trademark": 10}


def years_later(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass
class Made:
    """What the earlier steps created, for the later ones."""

    sites: list[Site]
    companies: list[Company]
    site_of: dict[int, int]  # company id → site id (its latest residency)
    makers: dict[int, int]  # company id → the owner's user id
    residents_by_site: dict[int, list[int]]


class Command(BaseCommand):
    help = (
        "Build a district-scale data set (20 sites, 3,000 companies, 300,000 bookings, 30,000 filings …) "
        "with bulk inserts that bypass the services. For benchmarks only."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--scale", type=float, default=1.0, help="Multiply every count (0.01 for a quick run).")
        parser.add_argument("--seed", type=int, default=2016, help="Random seed: the same seed, the same data.")
        parser.add_argument("--force", action="store_true", help="Run even if the database already has companies.")
        for name, default in DEFAULTS.items():
            parser.add_argument(f"--{name}", type=int, default=None, help=f"How many (default {default} × scale).")

    def handle(self, *args: Any, scale: float, seed: int, force: bool, **options: Any) -> None:
        if scale <= 0:
            raise CommandError("--scale must be positive.")
        if Company.objects.exists() and not force:
            raise CommandError("The database already has companies; use --force to add a data set anyway.")
        counts = {
            name: options.get(name)
            if options.get(name) is not None
            else max(MINIMUM.get(name, 1), round(default * scale))
            for name, default in DEFAULTS.items()
        }
        builder = Builder(counts=counts, rng=random.Random(seed), write=self.stdout.write)
        started = clock.monotonic()
        with transaction.atomic():
            builder.build()
        if connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum would gather them later: without them the planner
            # takes the freshly filled tables for empty and the first reports run far slower.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Data set built in {clock.monotonic() - started:.1f} s."))


class Builder:
    def __init__(self, *, counts: dict[str, int], rng: random.Random, write: Callable[[str], Any]) -> None:
        self.counts = counts
        self.rng = rng
        self.write = write
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.today = timezone.localdate()
        self.now = timezone.now()
        # Keeps names unique when run again with --force; not from `rng`, which the data
        # alone draws from, so that a seed gives the same data whatever the tag.
        self.tag = secrets.token_hex(3)
        self.lap = clock.monotonic()

    # --- helpers ---------------------------------------------------------------------

    def moment(self, day: date, hour: int = 10, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone)

    def day_between(self, first: date, last: date) -> date:
        if last <= first:
            return first
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))

    def money(self, low: int, high: int, step: int = 1000) -> Decimal:
        return Decimal(self.rng.randrange(low // step, high // step + 1) * step)

    def insert(self, model: type[models.Model], rows: Iterable[models.Model]) -> list:
        """Insert in batches; returns the rows with their ids (PostgreSQL and SQLite both
        return them from bulk_create)."""
        made: list = []
        batch: list = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                made += model.objects.bulk_create(batch, batch_size=BATCH)
                batch = []
        if batch:
            made += model.objects.bulk_create(batch, batch_size=BATCH)
        return made

    def report(self, what: str, n: int) -> None:
        now = clock.monotonic()
        self.write(f"  {what:<28} {n:>8}  ({now - self.lap:.1f} s)")
        self.lap = now

    # --- the steps -------------------------------------------------------------------

    def build(self) -> None:
        made = self.companies(self.sites())
        self.designations_and_figures(made)
        self.spaces(made)
        self.labs_and_bookings(made)
        self.filings(made)
        self.funding(made)
        self.capital(made)

    def sites(self) -> list[Site]:
        kinds = ["incubator", "maker_space", "accelerator", "experience_center"]
        sites = self.insert(
            Site,
            (
                Site(
                    name=f"河西区创新孵化器{n:02d}号·{self.tag}",
                    name_en=f"Hexi Innovation Incubator {n:02d} ({self.tag})",
                    code=f"ds-{self.tag}-{n:02d}",
                    kind=kinds[n % len(kinds)],
                    address="天津市河西区",
                    # One site in ten has no area on record: the reports must say "no data".
                    total_area_m2=None if n % 10 == 9 else self.money(3000, 20000, 100),
                    opened_on=date(2012 + n % 10, 1 + n % 12, 1),
                )
                for n in range(self.counts["sites"])
            ),
        )
        self.report("sites", len(sites))
        return sites

    def companies(self, sites: list[Site]) -> Made:
        rng, today = self.rng, self.today
        n = self.counts["companies"]
        unusable = make_password(None)  # the makers cannot sign in
        users = self.insert(
            User,
            (
                User(email=f"maker{i}-{self.tag}@dataset.invalid", full_name=f"创客{i}", password=unusable)
                for i in range(n)
            ),
        )
        companies: list[Company] = []
        plans: list[tuple[str, date, date | None]] = []
        for i in range(n):
            admitted = self.day_between(today - timedelta(days=6 * 365), today - timedelta(days=1))
            roll = rng.random()
            status, ended = "resident", None
            if roll > 0.8 and (today - admitted).days > 200:
                status = "graduated" if roll < 0.92 else "left"
                ended = self.day_between(admitted + timedelta(days=180), today - timedelta(days=1))
            plans.append((status, admitted, ended))
            sector = rng.randrange(len(SECTORS))
            companies.append(
                Company(
                    name=f"天津{SECTOR_WORDS[sector]}科技有限公司{i:04d}{self.tag}",
                    name_en=f"Tianjin {SECTORS[sector].title()} Tech {i:04d} {self.tag}",
                    legal_form=rng.choice(["individual", "llc", "llc", "llc", "joint_stock"]),
                    sector=SECTORS[sector],
                    status=status,
                    status_changed_on=ended or admitted,
                    admitted_on=admitted,
                    graduated_on=ended if status == "graduated" else None,
                    left_on=ended if status == "left" else None,
                    founded_on=admitted - timedelta(days=rng.randrange(30, 900)),
                )
            )
        companies = self.insert(Company, companies)
        self.insert(
            Membership,
            (
                Membership(user=user, company=company, role="owner")
                for user, company in zip(users, companies, strict=True)
            ),
        )

        residencies: list[Residency] = []
        admissions: list[Admission] = []
        site_of: dict[int, int] = {}
        residents: dict[int, list[int]] = defaultdict(list)
        for company, user, (status, admitted, ended) in zip(companies, users, plans, strict=True):
            site = rng.choice(sites)
            first_site = site
            # One company in ten moved once, from another site.
            if len(sites) > 1 and rng.random() < 0.1 and ((ended or today) - admitted).days > 60:
                first_site = rng.choice([s for s in sites if s.pk != site.pk])
                moved = self.day_between(admitted + timedelta(days=30), (ended or today) - timedelta(days=30))
                residencies.append(Residency(company=company, site=first_site, starts_on=admitted, ends_on=moved))
                residencies.append(Residency(company=company, site=site, starts_on=moved, ends_on=ended))
            else:
                residencies.append(Residency(company=company, site=site, starts_on=admitted, ends_on=ended))
            site_of[company.pk] = site.pk
            if status == "resident":
                residents[site.pk].append(company.pk)
            admissions.append(
                Admission(
                    applicant=user,
                    site=first_site,
                    team_name=company.name,
                    project_summary="数据集",
                    sector=company.sector,
                    status="accepted",
                    company=company,
                    submitted_at=self.moment(admitted - timedelta(days=rng.randrange(10, 60))),
                    decided_at=self.moment(admitted, 16),
                )
            )
        # Applications still waiting or turned down, from the companies' founders.
        for i in range(max(1, n // 10)):
            submitted = self.day_between(today - timedelta(days=365), today)
            status = rng.choice(["submitted", "under_review", "rejected"])
            admissions.append(
                Admission(
                    applicant=users[i % len(users)],
                    site=rng.choice(sites),
                    team_name=f"创客团队{i}{self.tag}",
                    project_summary="数据集",
                    status=status,
                    rejection_reason="方向不符" if status == "rejected" else "",
                    submitted_at=self.moment(submitted),
                    decided_at=self.moment(submitted + timedelta(days=20)) if status == "rejected" else None,
                )
            )
        self.insert(Residency, residencies)
        self.insert(Admission, admissions)
        self.report("companies", len(companies))
        self.report("  residencies, admissions", len(residencies) + len(admissions))
        return Made(
            sites=sites,
            companies=companies,
            site_of=site_of,
            makers={company.pk: user.pk for company, user in zip(companies, users, strict=True)},
            residents_by_site=residents,
        )

    def designations_and_figures(self, made: Made) -> None:
        rng, today = self.rng, self.today
        designations: list[Designation] = []
        figures: list[YearFigures] = []
        for company in made.companies:
            roll = rng.random()
            if roll < 0.4:  # S&T SME: yearly
                granted = self.day_between(today - timedelta(days=500), today)
                designations.append(
                    Designation(
                        company=company, kind="sme", granted_on=granted, expires_on=granted + timedelta(days=365)
                    )
                )
            if roll < 0.1:  # high-tech: three-year certificate
                granted = self.day_between(today - timedelta(days=1000), today)
                designations.append(
                    Designation(
                        company=company,
                        kind="high_tech",
                        granted_on=granted,
                        expires_on=granted + timedelta(days=3 * 365),
                        certificate_number=f"GR{granted.year}12{company.pk:06d}",
                    )
                )
            if roll < 0.03:
                designations.append(
                    Designation(
                        company=company, kind="little_giant", granted_on=self.day_between(company.admitted_on, today)
                    )
                )
            if roll < 0.01:
                listed = self.day_between(company.admitted_on, today)
                designations.append(
                    Designation(
                        company=company,
                        kind="listed",
                        granted_on=listed,
                        listed_on=listed,
                        exchange=rng.choice(["sse", "szse", "bse", "neeq"]),
                        ticker=f"{rng.randrange(100000, 999999)}",
                    )
                )
            last = (company.graduated_on or company.left_on or today).year - 1
            revenue = Decimal(rng.randrange(50, 5000) * 1000)
            for year in range(max(company.admitted_on.year, today.year - 5), last + 1):
                employees = rng.randrange(2, 120)
                figures.append(
                    YearFigures(
                        company=company,
                        year=year,
                        revenue=revenue,
                        profit=(revenue * Decimal(rng.randrange(-20, 30)) / 100).quantize(Decimal("0.01")),
                        taxes_paid=(revenue * Decimal(rng.randrange(1, 12)) / 100).quantize(Decimal("0.01")),
                        rd_spend=(revenue * Decimal(rng.randrange(3, 25)) / 100).quantize(Decimal("0.01")),
                        employees=employees,
                        rd_staff=rng.randrange(0, employees + 1),
                    )
                )
                revenue = (revenue * Decimal(rng.randrange(80, 160)) / 100).quantize(Decimal("0.01"))
        self.insert(Designation, designations)
        self.insert(YearFigures, figures)
        self.report("designations", len(designations))
        self.report("year figures", len(figures))

    def spaces(self, made: Made) -> None:
        """Offices and workshops let whole to one resident company at a time, open desks
        shared up to their capacity."""
        rng, today = self.rng, self.today
        spaces: list[Space] = []
        per_site = max(1, self.counts["spaces"] // len(made.sites))
        for site in made.sites:
            if site.pk == made.sites[-1].pk and len(made.sites) > 2:
                continue  # one site without spaces: its occupancy has no data
            for n in range(per_site):
                roll = rng.random()
                kind = "office" if roll < 0.6 else ("open_desks" if roll < 0.85 else "workshop")
                desks = rng.randrange(10, 40) if kind == "open_desks" else rng.randrange(2, 12)
                spaces.append(
                    Space(
                        site=site,
                        code=f"{1 + n // 20}-{100 + n}",
                        kind=kind,
                        floor=1 + n // 20,
                        area_m2=Decimal(desks * rng.randrange(6, 12)),
                        desks=desks,
                        monthly_rent=Decimal(rng.randrange(300, 900) * (1 if kind == "open_desks" else desks)),
                    )
                )
        spaces = self.insert(Space, spaces)
        allocations: list[Allocation] = []
        for space in spaces:
            residents = made.residents_by_site.get(space.site_id) or []
            if not residents:
                continue
            start = self.day_between(today - timedelta(days=700), today - timedelta(days=1))
            if space.kind == "open_desks":
                free = space.desks
                for company_id in rng.sample(residents, min(len(residents), rng.randrange(0, 6))):
                    taken = min(free, rng.randrange(1, 5))
                    if taken <= 0:
                        break
                    free -= taken
                    allocations.append(self.allocation(space, company_id, start, None, taken, exclusive=False))
            elif rng.random() < 0.75:
                # An earlier tenant, then the current one: one at a time.
                earlier = start - timedelta(days=rng.randrange(200, 600))
                allocations.append(self.allocation(space, rng.choice(residents), earlier, start, space.desks))
                ends = None if rng.random() < 0.7 else start + timedelta(days=rng.randrange(30, 900))
                allocations.append(self.allocation(space, rng.choice(residents), start, ends, space.desks))
        self.insert(Allocation, allocations)
        self.report("spaces", len(spaces))
        self.report("allocations", len(allocations))

    def allocation(
        self, space: Space, company_id: int, starts: date, ends: date | None, desks: int, *, exclusive: bool = True
    ) -> Allocation:
        return Allocation(
            space=space,
            company_id=company_id,
            starts_on=starts,
            ends_on=ends,
            desks=desks,
            exclusive=exclusive,
            monthly_rent=space.monthly_rent * (desks if not exclusive else 1),
        )

    def labs_and_bookings(self, made: Made) -> None:
        """Labs open 08:00–20:00 on weekdays and 09:00–17:00 on Saturdays. Each piece of
        equipment's bookings over the last year take distinct two-hour blocks of its opening
        hours, so that they never overlap."""
        rng, today = self.rng, self.today
        n_equipment = self.counts["equipment"]
        lab_sites = made.sites[: max(1, len(made.sites) - 1)] if len(made.sites) > 2 else made.sites
        labs = self.insert(
            Lab,
            (
                Lab(site=site, name=f"{name}{self.tag}", name_en=f"{name_en} {self.tag}", room="A座")
                for site in lab_sites
                for name, name_en in (("激光加工工坊", "Laser workshop"), ("增材制造实验室", "Additive lab"))
            ),
        )
        hours: list[OpeningHours] = []
        for lab in labs:
            hours += [OpeningHours(lab=lab, weekday=d, opens_at=time(8), closes_at=time(20)) for d in range(5)]
            hours.append(OpeningHours(lab=lab, weekday=5, opens_at=time(9), closes_at=time(17)))
        self.insert(OpeningHours, hours)
        equipment = self.insert(
            Equipment,
            (
                Equipment(
                    lab=labs[i % len(labs)],
                    name=f"设备{i:04d}",
                    name_en=f"Machine {i:04d}",
                    kind=EQUIPMENT_KINDS[i % len(EQUIPMENT_KINDS)],
                    hourly_rate=Decimal(rng.choice([0, 40, 80, 120, 200])),
                    horizon_days=30,
                )
                for i in range(n_equipment)
            ),
        )
        self.report("labs, equipment", len(labs) + len(equipment))

        # The two-hour blocks of the last year's opening hours.
        blocks: list[tuple[date, int]] = []
        for offset in range(1, 366):
            day = today - timedelta(days=offset)
            if day.weekday() < 5:
                blocks += [(day, hour) for hour in range(8, 20, 2)]
            elif day.weekday() == 5:
                blocks += [(day, hour) for hour in range(9, 17, 2)]
        site_of_lab = {lab.pk: lab.site_id for lab in labs}
        everyone = [c.pk for c in made.companies]
        total = self.counts["bookings"]
        per_piece, extra = divmod(total, len(equipment))
        statuses = ["completed"] * 15 + ["confirmed"] * 3 + ["no_show", "cancelled"]

        def bookings() -> Iterable[Booking]:
            for index, piece in enumerate(equipment):
                wanted = min(len(blocks), per_piece + (1 if index < extra else 0))
                companies = made.residents_by_site.get(site_of_lab[piece.lab_id]) or everyone
                for day, hour in rng.sample(blocks, wanted):
                    minutes = rng.choice((60, 90, 120))
                    starts = self.moment(day, hour)
                    status = rng.choice(statuses)
                    company_id = rng.choice(companies)
                    yield Booking(
                        equipment=piece,
                        user_id=made.makers[company_id],
                        company_id=company_id,
                        starts_at=starts,
                        ends_at=starts + timedelta(minutes=minutes),
                        status=status,
                        amount=piece.hourly_rate * minutes / 60,
                        created_at=starts - timedelta(days=3),
                        cancelled_at=starts - timedelta(days=1) if status == "cancelled" else None,
                    )

        made_bookings = self.insert_count(Booking, bookings())
        self.report("bookings", made_bookings)

    def insert_count(self, model: type[models.Model], rows: Iterable[models.Model]) -> int:
        """Insert in batches without keeping the rows: for the largest tables."""
        count = 0
        batch: list = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                model.objects.bulk_create(batch, batch_size=BATCH)
                count += len(batch)
                batch = []
        if batch:
            model.objects.bulk_create(batch, batch_size=BATCH)
            count += len(batch)
        return count

    def filings(self, made: Made) -> None:
        rng, today = self.rng, self.today
        kinds = ["invention"] * 25 + ["utility_model"] * 35 + ["design"] * 10 + ["trademark"] * 20 + ["software"] * 10
        base = 1_000_000 + Filing.objects.count()

        def number(kind: str, year: int, serial: int) -> str:
            if kind in PATENT_TYPE:
                body = f"{year}{PATENT_TYPE[kind]}{serial:07d}"
                return f"{body}.{check_digit(body)}"
            if kind == "trademark":
                return f"{serial + 50_000_000:08d}"
            return f"{year}SR{serial:07d}"

        def filings() -> Iterable[Filing]:
            for i in range(self.counts["filings"]):
                company = rng.choice(made.companies)
                kind = rng.choice(kinds)
                filed = self.day_between(company.admitted_on - timedelta(days=365), today)
                granted: date | None = None
                roll = rng.random()
                status = rng.choice(["filed", "published", "under_examination"]) if kind == "invention" else "filed"
                delay = {"invention": (500, 1100), "trademark": (270, 540)}.get(kind, (90, 360))
                candidate = filed + timedelta(days=rng.randrange(*delay))
                if roll < 0.6 and candidate < today:
                    granted, status = candidate, "granted"
                    if roll < 0.04:
                        status = "lapsed"
                elif roll > 0.95:
                    status = rng.choice(["rejected", "withdrawn"])
                expires = None
                if granted and kind in TERM_YEARS:
                    start = granted if kind == "trademark" else filed
                    expires = years_later(start, TERM_YEARS[kind])
                yield Filing(
                    company=company,
                    kind=kind,
                    title=f"一种{SECTOR_WORDS[i % len(SECTOR_WORDS)]}装置{i}" if kind != "trademark" else f"商标{i}",
                    application_number=number(kind, filed.year, base + i),
                    filing_date=filed,
                    grant_date=granted,
                    grant_number=f"ZL{base + i}" if granted else "",
                    status=status,
                    expires_on=expires,
                    created_at=self.moment(filed),
                )

        self.report("filings", self.insert_count(Filing, filings()))

    def funding(self, made: Made) -> None:
        """Programmes at every level; applications, one in play per company and programme;
        tranches of the approved ones, paid when due."""
        rng, today = self.rng, self.today
        levels = ["national", "ministry", "municipal", "district"]
        kinds = ["innovation_fund", "project_subsidy", "listing_reward", "little_giant", "rent_subsidy"]
        programmes = self.insert(
            Programme,
            (
                Programme(
                    name=f"科技计划{i:02d}号{self.tag}",
                    name_en=f"S&T Programme {i:02d} {self.tag}",
                    level=levels[i % len(levels)],
                    kind=kinds[i % len(kinds)],
                    funder="天津市科学技术局",
                    budget=Decimal("1000000000.00"),
                    max_award=Decimal("2000000.00"),
                    opens_on=today - timedelta(days=900),
                    closes_on=today + timedelta(days=60 * (i % 6)),
                )
                for i in range(self.counts["programmes"])
            ),
        )
        pairs = set()
        wanted = min(self.counts["applications"], len(made.companies) * len(programmes))
        while len(pairs) < wanted:
            pairs.add((rng.randrange(len(made.companies)), rng.randrange(len(programmes))))
        applications: list[FundingApplication] = []
        approved_total: dict[int, Decimal] = defaultdict(Decimal)
        for company_index, programme_index in sorted(pairs):
            company, programme = made.companies[company_index], programmes[programme_index]
            requested = self.money(50_000, 2_000_000, 10_000)
            submitted = self.day_between(today - timedelta(days=800), today)
            status = rng.choice(
                ["approved"] * 4 + ["rejected"] * 2 + ["submitted", "under_review", "withdrawn", "draft"]
            )
            decided = submitted + timedelta(days=rng.randrange(20, 120))
            if decided >= today and status in ("approved", "rejected"):
                status = "under_review"
            approved = None
            if status == "approved":
                approved = (requested * Decimal(rng.randrange(50, 101)) / 100).quantize(Decimal("1"))
                approved_total[programme.pk] += approved
            applications.append(
                FundingApplication(
                    company=company,
                    programme=programme,
                    site_id=made.site_of[company.pk],
                    applicant_id=made.makers[company.pk],
                    requested_amount=requested,
                    purpose="研发项目",
                    status=status,
                    approved_amount=approved,
                    budget_year=decided.year if approved else None,
                    created_at=self.moment(submitted - timedelta(days=3)),
                    submitted_at=None if status == "draft" else self.moment(submitted),
                    decided_at=self.moment(decided) if status in ("approved", "rejected") else None,
                    decision_note="不符合条件" if status == "rejected" else "",
                )
            )
        applications = self.insert(FundingApplication, applications)
        for programme in programmes:
            programme.approved_total = approved_total[programme.pk]
        Programme.objects.bulk_update(programmes, ["approved_total"])
        tranches: list[Disbursement] = []
        for application in applications:
            if application.approved_amount is None:
                continue
            parts = rng.choice((1, 2, 3))
            share = (application.approved_amount / parts).quantize(Decimal("0.01"))
            decided = timezone.localdate(application.decided_at)
            for n in range(parts):
                amount = application.approved_amount - share * (parts - 1) if n == parts - 1 else share
                due = decided + timedelta(days=30 + 180 * n)
                tranches.append(
                    Disbursement(
                        application=application,
                        amount=amount,
                        due_on=due,
                        paid_on=due if due <= today else None,
                        reference=f"PAY-{application.pk}-{n + 1}" if due <= today else "",
                    )
                )
        self.insert(Disbursement, tranches)
        self.report("programmes", len(programmes))
        self.report("funding applications", len(applications))
        self.report("disbursements", len(tranches))

    def capital(self, made: Made) -> None:
        """Sponsors; introductions, one in play per company and sponsor; investments, those
        that came of an introduction pointing to it."""
        rng, today = self.rng, self.today
        sponsors = self.insert(
            Sponsor,
            (
                Sponsor(
                    name=f"海河资本{i:02d}号{self.tag}",
                    name_en=f"Haihe Capital {i:02d} {self.tag}",
                    kind=rng.choice(["investor", "bank", "corporate", "angel", "guidance_fund"]),
                    focus_sectors=rng.sample(SECTORS, 2),
                    ticket_min=Decimal("500000.00"),
                    ticket_max=Decimal("50000000.00"),
                )
                for i in range(self.counts["sponsors"])
            ),
        )
        pairs = set()
        wanted = min(self.counts["introductions"], len(made.companies) * len(sponsors))
        while len(pairs) < wanted:
            pairs.add((rng.randrange(len(made.companies)), rng.randrange(len(sponsors))))
        introductions: list[Introduction] = []
        for company_index, sponsor_index in sorted(pairs):
            requested = self.day_between(today - timedelta(days=900), today - timedelta(days=30))
            status = rng.choice(
                ["requested", "introduced", "meeting_held", "term_sheet", "invested", "invested", "declined", "dormant"]
            )
            closed = (
                self.day_between(requested + timedelta(days=20), today) if status in ("invested", "declined") else None
            )
            introductions.append(
                Introduction(
                    company=made.companies[company_index],
                    sponsor=sponsors[sponsor_index],
                    status=status,
                    requested_on=requested,
                    introduced_on=requested + timedelta(days=7) if status != "requested" else None,
                    closed_on=closed,
                    amount_invested=self.money(500_000, 20_000_000, 100_000) if status == "invested" else None,
                    last_activity_at=self.moment(closed or requested),
                )
            )
        introductions = self.insert(Introduction, introductions)
        investments: list[Investment] = []
        rounds = ["seed", "angel", "pre_a", "series_a", "series_b", "strategic", "loan"]
        for introduction in introductions:
            if introduction.status == "invested" and len(investments) < self.counts["investments"]:
                investments.append(
                    Investment(
                        company=introduction.company,
                        round=rng.choice(rounds),
                        amount=introduction.amount_invested,
                        investors=introduction.sponsor.name,
                        sponsor=introduction.sponsor,
                        introduction=introduction,
                        closed_on=introduction.closed_on,
                    )
                )
        while len(investments) < self.counts["investments"]:
            company = rng.choice(made.companies)
            investments.append(
                Investment(
                    company=company,
                    round=rng.choice(rounds),
                    amount=self.money(200_000, 30_000_000, 100_000),
                    investors="其他投资人",
                    closed_on=self.day_between(company.admitted_on, today),
                )
            )
        self.insert(Investment, investments)
        self.report("sponsors", len(sponsors))
        self.report("introductions", len(introductions))
        self.report("investments", len(investments))

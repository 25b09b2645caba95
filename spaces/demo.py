"""Demo spaces at both sites, floor by floor, most of them let to the resident companies.

The Northern Maker Experience Center: workshops and open desks on the ground floor of
building A1, offices on floors 2–4 of building B2. The Hexi S&T incubator: open desks and
offices on floors 1–5 of its building C. Rents follow Hexi District's going rate (about 2
yuan per m² a day); new makers are housed free in their first year, S&T SMEs at half rent.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from companies.choices import MemberRole, Sector
from companies.models import Company, Membership
from incubator.errors import ServiceError
from incubator.models import Site, User

from . import services
from .choices import SpaceKind, SubsidyKind
from .models import Space, SpaceRequest

WORKSHOPS = [
    ("A1-101", "木工坊", 150, 10),
    ("A1-102", "激光切割坊", 90, 6),
    ("A1-103", "三维打印坊", 80, 6),
    ("A1-104", "电子装配坊", 110, 8),
]
OPEN_DESKS = {
    "nmec": [("A1-110", "众创空间A区", 200, 24, 450), ("A1-120", "共享工位B区", 130, 16, 400)],
    "hexi-sti": [("C-110", "开放工位区", 240, 30, 380)],
}
RATE_PER_M2 = {"nmec": Decimal("60"), "hexi-sti": Decimal("55")}


def _office_specs(site_code: str, rng: random.Random) -> list[tuple[str, int, int]]:
    """(code, floor, area) of the offices: B2-201 … at the centre, C-201 … at the incubator."""
    if site_code == "nmec":
        building, floors, rooms, areas = "B2-", (2, 3, 4), 8, [25, 30, 36, 42, 48, 60, 72]
    else:
        building, floors, rooms, areas = "C-", (2, 3, 4, 5), 4, [30, 40, 50, 65, 80]
    return [
        (f"{building}{floor}{room:02d}", floor, rng.choice(areas)) for floor in floors for room in range(1, rooms + 1)
    ]


def _spaces(site: Site, by: User, rng: random.Random) -> tuple[list[Space], list[Space], list[Space]]:
    offices, workshops, desks = [], [], []
    rate = RATE_PER_M2[site.code]
    for code, floor, area in _office_specs(site.code, rng):
        offices.append(
            services.space_create(
                by=by,
                site=site,
                code=code,
                kind=SpaceKind.OFFICE,
                floor=floor,
                area_m2=Decimal(area),
                desks=max(area // 8, 2),
                monthly_rent=Decimal(area) * rate,
            )
        )
    if site.code == "nmec":
        for code, name, area, n in WORKSHOPS:
            workshops.append(
                services.space_create(
                    by=by,
                    site=site,
                    code=code,
                    name=name,
                    kind=SpaceKind.WORKSHOP,
                    floor=1,
                    area_m2=Decimal(area),
                    desks=n,
                    monthly_rent=Decimal(area) * rate * Decimal("0.8"),
                )
            )
    for code, name, area, n, rent in OPEN_DESKS[site.code]:
        desks.append(
            services.space_create(
                by=by,
                site=site,
                code=code,
                name=name,
                kind=SpaceKind.OPEN_DESKS,
                floor=1,
                area_m2=Decimal(area),
                desks=n,
                monthly_rent=Decimal(rent),
            )
        )
    return offices, workshops, desks


def _terms(company: Company, starts_on: date, today: date) -> dict:
    if today - starts_on < timedelta(days=365):
        return {"subsidy_kind": SubsidyKind.PERCENT, "subsidy_value": Decimal("100")}
    if company.designations.filter(kind="sme").exists():
        return {"subsidy_kind": SubsidyKind.PERCENT, "subsidy_value": Decimal("50")}
    if company.pk % 4 == 0:
        return {"subsidy_kind": SubsidyKind.FIXED, "subsidy_value": Decimal("1000")}
    return {}


def _end(rng: random.Random, index: int, today: date) -> date | None:
    """Most allocations run open-ended; some end soon (so the reminders have work), some next year."""
    if index % 6 == 1:
        return today + timedelta(days=rng.choice([5, 12, 25, 40, 58]))
    if index % 6 == 4:
        return date(today.year + 1, 1, 1)
    return None


@transaction.atomic
def seed_spaces(*, users: dict[str, User], stdout=None) -> None:
    if Space.objects.filter(code="B2-201").exists():
        return
    rng = random.Random(20160)
    admin = users["admin@demo.local"]
    today = timezone.localdate()
    allocations = 0
    for site in Site.objects.filter(code__in=["nmec", "hexi-sti"]).order_by("code"):
        offices, workshops, desk_areas = _spaces(site, admin, rng)
        companies = list(
            Company.objects.filter(residencies__site=site, residencies__ends_on__isnull=True)
            .prefetch_related("residencies")
            .order_by("pk")
        )
        desk_area_free = {area.pk: area.desks for area in desk_areas}
        for index, company in enumerate(companies):
            if company.name.startswith("天津榫卯"):
                continue  # its story comes below
            resident_since = next(r.starts_on for r in company.residencies.all() if r.ends_on is None)
            starts_on = max(resident_since, today - timedelta(days=900))
            ends_on = _end(rng, index, today)
            if company.sector == Sector.MANUFACTURING and workshops:
                space, desks = workshops.pop(0), None
            elif index % 5 == 3 and desk_areas:
                area = desk_areas[index % len(desk_areas)]
                desks = min(rng.randint(2, 6), desk_area_free[area.pk])
                space = area if desks else None
                if space:
                    desk_area_free[area.pk] -= desks
            elif offices:
                space, desks = offices.pop(rng.randrange(len(offices))), None
            else:
                space = None
            if space is None:
                continue
            terms = _terms(company, starts_on, today)
            services.allocation_create(
                space=space, company=company, starts_on=starts_on, ends_on=ends_on, desks=desks, by=admin, **terms
            )
            allocations += 1
            if site.code == "hexi-sti" and index % 4 == 0 and offices and space.kind == SpaceKind.OFFICE:
                # A growing team takes the office next door as well.
                services.allocation_create(
                    space=offices.pop(0),
                    company=company,
                    starts_on=max(starts_on, today - timedelta(days=200)),
                    by=admin,
                    note="团队扩张，增租一间。",
                    **terms,
                )
                allocations += 1
        _story_of_a_move(site, companies, offices, admin, today)
    _requests(users, admin, today)
    if stdout:
        stdout.write(f"Spaces: {Space.objects.count()} spaces, {allocations} allocations seeded.")


def _story_of_a_move(site: Site, companies: list[Company], offices: list[Space], admin: User, today: date) -> None:
    """Maker A's company started at open desks and moved into an office of its own."""
    if site.code != "nmec" or not offices:
        return
    sunmao = next((c for c in companies if c.name.startswith("天津榫卯")), None)
    if sunmao is None or sunmao.space_allocations.exists():
        return
    resident_since = sunmao.residencies.get(ends_on__isnull=True).starts_on
    desks = Space.objects.get(site=site, code="A1-110")
    first = services.allocation_create(
        space=desks,
        company=sunmao,
        starts_on=resident_since,
        desks=1,
        by=admin,
        subsidy_kind=SubsidyKind.PERCENT,
        subsidy_value=Decimal("100"),
        note="创客入驻首年免租。",
    )
    moved_on = resident_since + (today - resident_since) / 2
    if moved_on > resident_since:
        services.allocation_move(allocation=first, space=offices.pop(0), on=moved_on, by=admin)


def _requests(users: dict[str, User], admin: User, today: date) -> None:
    """An open request from maker B's company, one answered with a space, one declined."""
    maker_b = users["maker-b@demo.local"]
    membership = Membership.objects.filter(user=maker_b, role=MemberRole.OWNER).select_related("company").first()
    if membership is not None and not SpaceRequest.objects.filter(company=membership.company).exists():
        services.space_request_submit(
            company=membership.company,
            by=maker_b,
            kind=SpaceKind.OPEN_DESKS,
            desks=3,
            wanted_from=today + timedelta(days=14),
            reason="Three interns join the hardware team for the summer; they need desks near the lab.",
        )
    requesters = (
        Membership.objects.filter(role=MemberRole.OWNER, company__residencies__site__code="nmec")
        .exclude(user__email__in=["maker-a@demo.local", "maker-b@demo.local"])
        .select_related("company", "user")
        .order_by("company_id")[:2]
    )
    for number, owner in enumerate(requesters):
        space_request = services.space_request_submit(
            company=owner.company,
            by=owner.user,
            kind=SpaceKind.OPEN_DESKS if number == 0 else SpaceKind.WORKSHOP,
            desks=2 if number == 0 else 0,
            area_m2=None if number == 0 else Decimal("100"),
            wanted_from=today,
            reason="新招聘两名研发工程师，需要增加工位。" if number == 0 else "需要独立车间做小批量试产。",
        )
        if number == 0:
            area = Space.objects.filter(site__code="nmec", code="A1-120").first()
            try:
                services.space_request_offer(space_request=space_request, space=area, by=admin, desks=2)
            except (ServiceError, ValidationError):  # the demo's desks are all taken: leave it open
                continue
        else:
            services.space_request_decline(
                space_request=space_request,
                by=admin,
                reason="四个车间目前均已出租，最早的空档在明年初，届时我们会优先通知贵公司。",
            )

"""Demo labs at the Northern Maker Experience Center: a laser workshop and a metal 3D-printing
lab, training for the demo makers and residents, and a fortnight of bookings around today
(the past days completed, one no-show, two printer bookings waiting for the staff)."""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from companies.models import Membership
from incubator.errors import ServiceError
from incubator.models import Site, User

from . import intervals, services
from .choices import BookingStatus, EquipmentKind
from .models import Booking, Closure, Equipment, Lab, OpeningHours

WEEKDAYS = range(5)

LABS = [
    {
        "name": "激光加工工坊",
        "name_en": "Laser workshop",
        "room": "创客楼一层 A101",
        "description": "激光切割、雕刻与打标，适合木材、亚克力、皮革与金属铭牌的打样和小批量加工。",
        "weekly_quota_hours": 12,
        "hours": [*[(d, "08:30", "21:00") for d in WEEKDAYS], (5, "09:00", "17:00")],
        "equipment": [
            {
                "name": "大族CO₂激光切割机 CMA1390",
                "name_en": "Han's Laser CO2 cutter CMA1390",
                "kind": EquipmentKind.LASER_CUTTER,
                "description": "幅面1300×900毫米，100瓦激光管，可切割20毫米以内的木板与亚克力。",
                "hourly_rate": Decimal("60.00"),
                "cancellation_cutoff_hours": 12,
            },
            {
                "name": "光纤激光打标机 20W",
                "name_en": "20 W fibre laser marker",
                "kind": EquipmentKind.LASER_ENGRAVER,
                "description": "不锈钢、铝合金铭牌与二维码打标。",
                "max_minutes": 120,
                "hourly_rate": Decimal("40.00"),
                "cancellation_cutoff_hours": 12,
            },
            {
                "name": "桌面级激光雕刻机",
                "name_en": "Desktop laser engraver",
                "kind": EquipmentKind.LASER_ENGRAVER,
                "description": "入门设备，无需培训，适合纸张、皮革和薄木片雕刻。",
                "needs_training": False,
                "max_minutes": 180,
                "hourly_rate": Decimal("20.00"),
                "cancellation_cutoff_hours": 2,
            },
        ],
    },
    {
        "name": "金属3D打印实验室",
        "name_en": "Metal 3D printing lab",
        "room": "创客楼二层 B203",
        "description": "选区激光熔化（SLM）金属打印及后处理，打印任务须经实验室老师确认。",
        "weekly_quota_hours": None,
        "hours": [(d, "09:00", "18:00") for d in WEEKDAYS],
        "equipment": [
            {
                "name": "铂力特 BLT-S210 金属3D打印机",
                "name_en": "BLT-S210 metal powder printer",
                "kind": EquipmentKind.METAL_PRINTER,
                "description": "成型尺寸105×105×200毫米，支持钛合金、不锈钢与铝合金粉末。",
                "needs_approval": True,
                "slot_minutes": 60,
                "min_minutes": 120,
                "max_minutes": 480,
                "horizon_days": 30,
                "cancellation_cutoff_hours": 48,
                "reminder_minutes": 120,
                "hourly_rate": Decimal("300.00"),
            },
            {
                "name": "线切割机 DK7740",
                "name_en": "Wire EDM DK7740",
                "kind": EquipmentKind.CNC_MACHINE,
                "description": "打印件与基板分离、精密轮廓切割。",
                "slot_minutes": 60,
                "min_minutes": 60,
                "max_minutes": 240,
                "hourly_rate": Decimal("120.00"),
            },
            {
                "name": "粉末筛分回收工作站",
                "name_en": "Powder sieving and recovery station",
                "kind": EquipmentKind.OTHER,
                "description": "打印后金属粉末的筛分与回收，免费使用。",
                "needs_training": False,
                "max_minutes": 120,
                "hourly_rate": Decimal("0.00"),
            },
        ],
    },
]

PURPOSES = {
    EquipmentKind.LASER_CUTTER: [
        "切割榫卯构件样板",
        "亚克力外壳打样",
        "展会展板切割",
        "皮具裁片",
        "木质拼插玩具小批量",
    ],
    EquipmentKind.LASER_ENGRAVER: ["不锈钢铭牌打标", "产品序列号与二维码", "礼品包装雕刻", "铝合金面板刻字"],
    EquipmentKind.METAL_PRINTER: ["钛合金支架试打印", "随形冷却水路模具镶件", "无人机轻量化连接件", "医疗器械样件"],
    EquipmentKind.CNC_MACHINE: ["打印件与基板分离", "模具镶件精修"],
    EquipmentKind.OTHER: ["粉末筛分回收"],
}


def _holiday_closures(today: date) -> list[tuple[date, str]]:
    """The public holidays of the coming month, from the `holidays` package."""
    import holidays

    calendar = holidays.country_holidays("CN", years=[today.year, today.year + 1], language="zh_CN")
    return sorted((day, name) for day, name in calendar.items() if today <= day <= today + timedelta(days=30))


@transaction.atomic
def seed_labs(*, users: dict[str, User], stdout=None) -> None:
    site = Site.objects.filter(code="nmec").first()
    if site is None or Lab.objects.filter(site=site, name=LABS[0]["name"]).exists():
        return
    rng = random.Random(20160)
    staff = users["staff@demo.local"]
    today = timezone.localdate()

    equipment: list[Equipment] = []
    for spec in LABS:
        lab = Lab.objects.create(
            site=site,
            name=spec["name"],
            name_en=spec["name_en"],
            room=spec["room"],
            description=spec["description"],
            weekly_quota_hours=spec["weekly_quota_hours"],
        )
        for weekday, opens, closes in spec["hours"]:
            OpeningHours.objects.create(
                lab=lab, weekday=weekday, opens_at=time.fromisoformat(opens), closes_at=time.fromisoformat(closes)
            )
        for day, name in _holiday_closures(today):
            Closure.objects.create(lab=lab, starts_on=day, ends_on=day, reason=name)
        for item in spec["equipment"]:
            machine = Equipment(lab=lab, **item)
            machine.full_clean()
            machine.save()
            equipment.append(machine)
    by_kind = {e.kind: e for e in equipment}

    # Who books: the demo makers and the founders of other residents at the centre.
    members = list(
        Membership.objects.filter(company__residencies__site=site, company__residencies__ends_on__isnull=True)
        .select_related("user", "company")
        .order_by("company__name", "user__email")
    )
    makers = [users["maker-a@demo.local"], users["maker-b@demo.local"]]
    members.sort(key=lambda m: (m.user not in makers, m.company.name))
    bookers = members[:10]
    for index, membership in enumerate(bookers):
        kinds = [EquipmentKind.LASER_CUTTER, EquipmentKind.LASER_ENGRAVER]
        if index % 2 == 0:
            kinds += [EquipmentKind.METAL_PRINTER, EquipmentKind.CNC_MACHINE]
        for kind in kinds:
            if membership.user.lab_trainings.filter(kind=kind).exists():
                continue
            services.training_grant(
                user=membership.user,
                kind=kind,
                by=staff,
                granted_on=today - timedelta(days=rng.randint(30, 400)),
                expires_on=today + timedelta(days=rng.randint(200, 700)),
                note="安全操作培训与考核合格",
            )

    monday = intervals.week_start(today)
    printer = by_kind[EquipmentKind.METAL_PRINTER]
    services.maintenance_schedule(
        equipment=printer,
        starts_at=intervals.at(monday + timedelta(days=9), time(9)),
        ends_at=intervals.at(monday + timedelta(days=9), time(13)),
        reason="更换铺粉刮刀、校准激光功率",
        by=staff,
        now=intervals.at(monday - timedelta(days=3), time(9)),
    )
    made = 0
    for offset in range(14):
        day = monday + timedelta(days=offset)
        for machine in equipment:
            tries = {EquipmentKind.LASER_CUTTER: 4, EquipmentKind.LASER_ENGRAVER: 2}.get(machine.kind, 1)
            if machine.kind == EquipmentKind.OTHER and offset % 3:
                continue
            for _ in range(tries):
                membership = rng.choice(bookers)
                slot = machine.slot_minutes
                length = rng.choice(range(machine.min_minutes, min(machine.max_minutes, 240) + 1, slot))
                start = intervals.at(day, time(rng.randint(9, 15), rng.choice(range(0, 60, slot)) if slot < 60 else 0))
                try:
                    services.booking_create(
                        equipment=machine,
                        user=membership.user,
                        company=membership.company,
                        starts_at=start,
                        ends_at=start + timedelta(minutes=length),
                        purpose=rng.choice(PURPOSES[machine.kind]),
                        # Booked a few days before, as people do.
                        now=min(timezone.now(), start - timedelta(days=rng.randint(1, 4))),
                    )
                    made += 1
                except ServiceError:
                    continue  # taken, closed, over the quota or not trained: as in life
    now = timezone.now()
    # What the staff would have done by now: confirm the printer bookings that have begun, one no-show.
    for booking in Booking.objects.filter(equipment=printer, status=BookingStatus.PENDING).order_by("starts_at"):
        if booking.starts_at < now + timedelta(days=2):
            services.booking_confirm(booking=booking, by=staff, now=min(now, booking.starts_at - timedelta(hours=1)))
    services.bookings_complete_ended(now=now)
    past = Booking.objects.filter(status=BookingStatus.COMPLETED).order_by("-starts_at").first()
    if past is not None:
        services.booking_mark_no_show(booking=past, by=staff, now=now)
    if stdout:
        stdout.write(f"Labs: {len(LABS)} labs, {len(equipment)} pieces of equipment, {made} bookings seeded.")

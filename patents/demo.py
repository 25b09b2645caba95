"""A realistic IP portfolio for the demo companies.

Maker A's joinery workshop and maker B's electronics company hold inventions, utility
models, designs, trademarks and a software copyright in every status, with deadlines due
this month (a substantive-examination request, an annual fee, a registration), one in its
grace period with a surcharge, and a trademark renewed in its grace period. Dongwen High
Voltage, the district's model "growing giant", holds a larger granted portfolio for the
indicators.
"""

from __future__ import annotations

import calendar
import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from companies.models import Company, Membership
from incubator.models import User

from . import services
from .choices import EventKind, FeeReduction, FilingKind, FilingStatus
from .models import Filing
from .rules import add_months, add_years, check_digit, patent_year

TYPE_DIGIT = {FilingKind.INVENTION: "1", FilingKind.UTILITY_MODEL: "2", FilingKind.DESIGN: "3"}
AGENCY = ("天津市北洋有限责任专利代理事务所", "李明")


class Numbers:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.used: set[str] = set()

    def patent(self, kind: str, filed: date) -> str:
        while True:
            body = f"{filed.year}{TYPE_DIGIT[kind]}{self.rng.randint(1000000, 1999999):07d}"
            number = f"{body}.{check_digit(body)}"
            if number not in self.used:
                self.used.add(number)
                return number

    def trademark(self) -> str:
        return str(self.rng.randint(40000000, 79999999))


def _this_month(today: date, days_ahead: int) -> date:
    """A day later this month (today when the month is nearly over)."""
    last = date(today.year, today.month, calendar.monthrange(today.year, today.month)[1])
    return min(today + timedelta(days=days_ahead), last)


def _owner_company(user: User) -> Company | None:
    membership = (
        Membership.objects.filter(user=user, role="owner").select_related("company").order_by("company_id").first()
    )
    return membership.company if membership else None


@transaction.atomic
def seed_patents(*, users: dict[str, User], stdout=None) -> None:
    if Filing.objects.filter(title="一种免胶榫卯连接构件及其加工方法").exists():
        return
    admin = users["admin@demo.local"]
    today = timezone.localdate()
    n = Numbers(20240120)
    sunmao = _owner_company(users["maker-a@demo.local"])
    xince = _owner_company(users["maker-b@demo.local"])
    if sunmao is None or xince is None:
        return
    services.ip_settings_update(by=admin, district_population=820_000, reminder_days="90,30,7")

    def patent(company, kind, title, filed, **extra):
        return services.filing_create(
            by=admin,
            company=company,
            kind=kind,
            title=title,
            application_number=n.patent(kind, filed),
            filing_date=filed,
            agency=AGENCY[0],
            agent=AGENCY[1],
            fee_reduction=FeeReduction.REDUCED_85,
            **extra,
        )

    def event(filing, kind, on, **extra):
        return services.filing_event_record(filing=filing, by=admin, kind=kind, on=on, **extra)

    inventors = ["张伟", "陈立新"]
    # Substantive examination due this month.
    due = _this_month(today, 12)
    patent(
        sunmao,
        FilingKind.INVENTION,
        "一种免胶榫卯连接构件及其加工方法",
        add_years(due, -3),
        publication_date=add_months(add_years(due, -3), 18),
        ipc_class="B27F 1/00",
        inventors=inventors,
    )
    # An annual fee due this month (patent year 4).
    due = _this_month(today, 20)
    filed = add_years(due, -3)
    patent(
        sunmao,
        FilingKind.UTILITY_MODEL,
        "榫卯式儿童积木拼接结构",
        filed,
        grant_date=add_months(filed, 8),
        annuities_paid_through=3,
        ipc_class="A63H 33/08",
        inventors=inventors,
    )
    # Designs either side of the 2020 amendment: 10 and 15 years.
    for title, filed in (("茶几（鲁班锁系列）", date(2021, 5, 31)), ("书架（鲁班锁系列）", date(2021, 6, 1))):
        patent(
            sunmao,
            FilingKind.DESIGN,
            title,
            filed,
            grant_date=add_months(filed, 5),
            annuities_paid_through=patent_year(filed, today),
        )
    # Under examination, the first office action received two months ago (4 months to answer).
    filed = add_years(today, -2)
    oa = patent(sunmao, FilingKind.INVENTION, "一种曲面榫卯构件的数控加工夹具", filed, inventors=inventors)
    event(oa, EventKind.EXAMINATION_REQUESTED, add_months(filed, 3))
    event(oa, EventKind.OFFICE_ACTION, today - timedelta(days=60), reference="第一次审查意见通知书")
    # Rejected a month ago: re-examination open.
    filed = add_years(today, -3)
    rejected = patent(sunmao, FilingKind.INVENTION, "木构件含水率在线检测方法", filed)
    event(rejected, EventKind.EXAMINATION_REQUESTED, add_months(filed, 1))
    first = event(rejected, EventKind.OFFICE_ACTION, add_months(filed, 14))
    event(rejected, EventKind.RESPONSE_FILED, first.on + timedelta(days=90))
    event(rejected, EventKind.REJECTION, today - timedelta(days=30), reference="驳回决定")
    # A trademark whose renewal window is open (the term ends in about six months).
    registered = add_years(today + timedelta(days=180), -10) + timedelta(days=1)
    services.filing_create(
        by=admin,
        company=sunmao,
        kind=FilingKind.TRADEMARK,
        title="榫语",
        application_number=n.trademark(),
        filing_date=add_months(registered, -9),
        grant_date=registered,
        grant_number=n.trademark(),
        nice_classes=[20, 28],
        agency="天津市商标事务所",
    )
    services.filing_create(by=admin, company=sunmao, kind=FilingKind.TRADEMARK, title="SUNMAO 榫卯", nice_classes=[20])
    services.filing_create(
        by=admin,
        company=sunmao,
        kind=FilingKind.SOFTWARE,
        title="榫卯结构参数化设计软件 V1.0",
        application_number=f"{today.year - 1}SR{n.rng.randint(100000, 999999):07d}",
        filing_date=date(today.year - 1, 3, 2),
        publication_date=date(today.year - 1, 1, 15),
        grant_date=date(today.year - 1, 4, 20),
    )
    patent(
        sunmao, FilingKind.UTILITY_MODEL, "一种可折叠榫卯展示架", add_months(today, -10), status=FilingStatus.WITHDRAWN
    )
    lapsed = patent(
        sunmao,
        FilingKind.UTILITY_MODEL,
        "榫卯连接的模块化木质地板",
        date(2018, 4, 9),
        grant_date=date(2018, 12, 21),
        annuities_paid_through=5,
    )
    event(lapsed, EventKind.LAPSE, date(2023, 4, 10), reference="专利权终止通知书")
    patent(
        sunmao,
        FilingKind.DESIGN,
        "榫卯酒架",
        date(2010, 7, 1),
        grant_date=date(2011, 1, 12),
        annuities_paid_through=10,
        status=FilingStatus.EXPIRED,
    )

    # Maker B: a notice to grant received a fortnight ago (registration due within 2 months).
    filed = add_years(today, -2) - timedelta(days=40)
    chip = patent(xince, FilingKind.INVENTION, "一种低功耗高压电气参数采集芯片", filed, ipc_class="G01R 19/00")
    event(chip, EventKind.EXAMINATION_REQUESTED, filed)
    action = event(chip, EventKind.OFFICE_ACTION, add_months(filed, 10))
    event(chip, EventKind.RESPONSE_FILED, action.on + timedelta(days=100))
    event(chip, EventKind.GRANTED, today - timedelta(days=14), reference="授予发明专利权通知书")
    # An annual fee five weeks overdue: in the grace period, with a surcharge.
    due = today - timedelta(days=35)
    filed = add_years(due, -2)
    patent(
        xince,
        FilingKind.UTILITY_MODEL,
        "电能表接线端子防护罩",
        filed,
        grant_date=add_months(filed, 7),
        annuities_paid_through=2,
    )
    # A trademark renewed in its grace period, and one whose grace period is running.
    registered = add_years(today - timedelta(days=400), -10) + timedelta(days=1)
    renewed = services.filing_create(
        by=admin,
        company=xince,
        kind=FilingKind.TRADEMARK,
        title="芯测 XINCE",
        application_number=n.trademark(),
        filing_date=add_months(registered, -10),
        grant_date=registered,
        nice_classes=[9, 42],
    )
    event(renewed, EventKind.RENEWAL_FILED, today - timedelta(days=400) + timedelta(days=75), reference="续展注册申请")
    registered = add_years(today - timedelta(days=50), -10) + timedelta(days=1)
    services.filing_create(
        by=admin,
        company=xince,
        kind=FilingKind.TRADEMARK,
        title="测小芯",
        application_number=n.trademark(),
        filing_date=add_months(registered, -8),
        grant_date=registered,
        nice_classes=[9],
    )
    patent(
        xince,
        FilingKind.INVENTION,
        "基于边缘计算的配电柜局部放电监测方法",
        add_months(today, -20),
        publication_date=add_months(today, -2),
    )

    # Dongwen High Voltage: a granted portfolio for the district's indicators.
    dongwen = Company.objects.filter(name="天津东文高压电气股份有限公司").first()
    if dongwen is not None:
        for index in range(8):
            filed = date(2014 + index, 3 + index, 10 + index)
            patent(
                dongwen,
                FilingKind.INVENTION,
                f"高压开关柜{['绝缘', '测温', '联锁', '灭弧', '散热', '接地', '监测', '防潮'][index]}装置及方法",
                filed,
                grant_date=add_months(filed, 26),
                annuities_paid_through=patent_year(filed, today),
                ipc_class="H02B 13/00",
            )
        for index in range(10):
            filed = date(2019 + index % 6, 1 + index, 5 + index)
            granted = add_months(filed, 7)
            if granted > today:
                continue
            patent(
                dongwen,
                FilingKind.UTILITY_MODEL,
                f"一种高压电缆{['接头', '终端', '支架', '护套', '夹具', '分支箱', '封堵', '标识牌', '固定座', '检测口'][index]}",
                filed,
                grant_date=granted,
                annuities_paid_through=patent_year(filed, today),
            )
    services.deadlines_sweep(today=today)
    if stdout:
        stdout.write(f"Patents: {Filing.objects.count()} filings seeded.")

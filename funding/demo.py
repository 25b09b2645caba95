"""Demo funding data from Hexi District's own policies.

The 12th and 13th Five-Year Plan programmes (the S&T SME special fund, the city- and
ministry-level team subsidies of 1–2 and up to 4 million yuan, the "little giant" upgrade
fund of 100 million a year, the Public Listing Program's rewards of 0.5–5 million) with
their past awards; this year's calls, open now, with applications in every state; the
district's partners as sponsors (China Minying Investment, China Private Investment
Corp., Nanjing University of Science and Technology's Northern Research Institute …) and
a pipeline of introductions. Everything is written through the services.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from companies.choices import MemberRole
from companies.models import Company, Membership
from incubator.models import User

from . import services
from .choices import ApplicationStatus, IntroductionStatus, ProgrammeKind, ProgrammeLevel, SponsorKind
from .models import Programme

W = Decimal("10000")  # 万元: the unit the district's documents use

FIRST = "河西区科技型中小企业专项资金（“十二五”）"


def _programmes(today: date) -> dict[str, dict]:
    year = today.year
    return {
        "sme_12th": {
            "name": FIRST,
            "name_en": "Hexi S&T SME Special Fund (12th Five-Year Plan)",
            "level": ProgrammeLevel.DISTRICT,
            "kind": ProgrammeKind.INNOVATION_FUND,
            "funder": "河西区科学技术委员会",
            "period_label": "“十二五”时期",
            "period_start_year": 2011,
            "period_end_year": 2015,
            "budget": 65000 * W,
            "min_award": 10 * W,
            "max_award": 100 * W,
            "opens_on": date(2011, 3, 1),
            "closes_on": date(2015, 10, 31),
            "description": "“十二五”期间，区财政安排科技型中小企业专项资金 6.5 亿元，支持企业研发、专利申请和项目申报。",
        },
        "national_innovation": {
            "name": "科技型中小企业技术创新基金",
            "name_en": "National Innovation Fund for S&T SMEs",
            "level": ProgrammeLevel.NATIONAL,
            "kind": ProgrammeKind.INNOVATION_FUND,
            "funder": "科学技术部",
            "period_label": "“十二五”时期",
            "period_start_year": 2010,
            "period_end_year": 2015,
            "budget": 3000 * W,
            "max_award": 100 * W,
            "requires_residency": False,
            "opens_on": date(2010, 3, 1),
            "closes_on": date(2015, 6, 30),
            "description": "国家科技型中小企业技术创新基金，经市、区两级推荐申报。",
        },
        "municipal_innovation": {
            "name": "天津市科技型中小企业创新资金",
            "name_en": "Tianjin S&T SME Innovation Fund",
            "level": ProgrammeLevel.MUNICIPAL,
            "kind": ProgrammeKind.INNOVATION_FUND,
            "funder": "天津市科学技术局",
            "period_label": "“十二五”时期",
            "period_start_year": 2011,
            "period_end_year": 2015,
            "budget": 5000 * W,
            "max_award": 100 * W,
            "requires_residency": False,
            "opens_on": date(2011, 3, 1),
            "closes_on": date(2015, 6, 30),
        },
        "teams_municipal_13th": {
            "name": "“十三五”市级认定团队项目资助",
            "name_en": "City-approved teams subsidy (13th Five-Year Plan)",
            "level": ProgrammeLevel.MUNICIPAL,
            "kind": ProgrammeKind.PROJECT_SUBSIDY,
            "funder": "河西区科学技术委员会",
            "period_label": "“十三五”时期",
            "period_start_year": 2016,
            "period_end_year": 2020,
            "budget": 6000 * W,
            "min_award": 100 * W,
            "max_award": 200 * W,
            "opens_on": date(2016, 3, 1),
            "closes_on": date(2020, 10, 31),
            "description": "经市级主管部门认定的创新创业团队，给予 100 万至 200 万元资助。",
        },
        "teams_ministry_13th": {
            "name": "“十三五”部委认定团队项目资助",
            "name_en": "Ministry-approved teams subsidy (13th Five-Year Plan)",
            "level": ProgrammeLevel.MINISTRY,
            "kind": ProgrammeKind.PROJECT_SUBSIDY,
            "funder": "河西区科学技术委员会",
            "period_label": "“十三五”时期",
            "period_start_year": 2016,
            "period_end_year": 2020,
            "budget": 4000 * W,
            "max_award": 400 * W,
            "opens_on": date(2016, 3, 1),
            "closes_on": date(2020, 10, 31),
            "description": "经国家部委认定的创新创业团队，给予最高 400 万元资助。",
        },
        "little_giant_13th": {
            "name": "科技“小巨人”企业升级专项资金",
            "name_en": "Little-giant upgrade fund",
            "level": ProgrammeLevel.DISTRICT,
            "kind": ProgrammeKind.LITTLE_GIANT,
            "funder": "河西区人民政府",
            "period_label": "“十三五”时期",
            "period_start_year": 2016,
            "period_end_year": 2020,
            "budget": 50000 * W,
            "annual_budget": 10000 * W,
            "max_award": 1000 * W,
            "required_designations": ["little_giant"],
            "opens_on": date(2016, 4, 1),
            "closes_on": date(2020, 11, 30),
            "description": "依据《关于推动科技小巨人企业升级的意见》，连续五年每年安排 1 亿元，支持“小巨人”企业升级发展。",
        },
        "listing_13th": {
            "name": "上市挂牌奖励计划",
            "name_en": "Public Listing Program rewards",
            "level": ProgrammeLevel.DISTRICT,
            "kind": ProgrammeKind.LISTING_REWARD,
            "funder": "河西区金融工作局",
            "period_label": "“十三五”时期",
            "period_start_year": 2016,
            "period_end_year": 2020,
            "budget": 10000 * W,
            "min_award": 50 * W,
            "max_award": 500 * W,
            "required_designations": ["listed"],
            "opens_on": date(2016, 1, 1),
            "closes_on": date(2020, 12, 31),
            "description": "对在境内外证券交易所上市或在全国股转系统挂牌的企业，给予 50 万至 500 万元奖励。",
        },
        "sme_now": {
            "name": f"{year}年度河西区科技型中小企业创新资金",
            "name_en": f"Hexi S&T SME Innovation Fund {year}",
            "level": ProgrammeLevel.DISTRICT,
            "kind": ProgrammeKind.INNOVATION_FUND,
            "funder": "河西区科学技术委员会",
            "period_label": f"{year}年度",
            "period_start_year": year,
            "period_end_year": year,
            "budget": 2000 * W,
            "min_award": 10 * W,
            "max_award": 50 * W,
            "required_designations": ["sme"],
            "opens_on": today - timedelta(days=60),
            "closes_on": today + timedelta(days=10),
            "description": "支持已入库的科技型中小企业开展研发活动，单个项目资助 10 万至 50 万元。",
        },
        "teams_now": {
            "name": f"{year}年度市级认定团队项目资助（第二批）",
            "name_en": f"City-approved teams subsidy {year}, second round",
            "level": ProgrammeLevel.MUNICIPAL,
            "kind": ProgrammeKind.PROJECT_SUBSIDY,
            "funder": "河西区科学技术委员会",
            "period_label": f"{year}年度",
            "period_start_year": year,
            "period_end_year": year,
            "budget": 1500 * W,
            "min_award": 100 * W,
            "max_award": 200 * W,
            "opens_on": today - timedelta(days=30),
            "closes_on": today + timedelta(days=40),
        },
        "ministry_now": {
            "name": f"{year}年度部委认定团队项目资助",
            "name_en": f"Ministry-approved teams subsidy {year}",
            "level": ProgrammeLevel.MINISTRY,
            "kind": ProgrammeKind.PROJECT_SUBSIDY,
            "funder": "河西区科学技术委员会",
            "period_label": f"{year}年度",
            "period_start_year": year,
            "period_end_year": year,
            "budget": 1200 * W,
            "max_award": 400 * W,
            "opens_on": today - timedelta(days=45),
            "closes_on": today + timedelta(days=75),
        },
        "little_giant_now": {
            "name": f"{year}年度“小巨人”企业升级专项",
            "name_en": f"Little-giant upgrade {year}",
            "level": ProgrammeLevel.DISTRICT,
            "kind": ProgrammeKind.LITTLE_GIANT,
            "funder": "河西区人民政府",
            "period_label": f"{year}年度",
            "period_start_year": year,
            "period_end_year": year,
            "budget": 10000 * W,
            "annual_budget": 10000 * W,
            "max_award": 1000 * W,
            "required_designations": ["little_giant"],
            "opens_on": today - timedelta(days=90),
            "closes_on": today + timedelta(days=33),
        },
        "listing_now": {
            "name": f"{year}年度上市挂牌奖励",
            "name_en": f"Public Listing Program rewards {year}",
            "level": ProgrammeLevel.DISTRICT,
            "kind": ProgrammeKind.LISTING_REWARD,
            "funder": "河西区金融工作局",
            "period_label": f"{year}年度",
            "budget": 2000 * W,
            "min_award": 50 * W,
            "max_award": 500 * W,
            "required_designations": ["listed"],
            "opens_on": date(year, 1, 1),
            "closes_on": date(year, 12, 31),
        },
        "rent_now": {
            "name": "北方创客体验中心入驻团队房租补贴",
            "name_en": "Rent subsidy for teams at the Northern Maker Experience Center",
            "level": ProgrammeLevel.DISTRICT,
            "kind": ProgrammeKind.RENT_SUBSIDY,
            "funder": "河西区科学技术委员会",
            "period_label": f"{year}年度",
            "budget": 300 * W,
            "max_award": 20 * W,
            "opens_on": today - timedelta(days=120),
            "closes_on": today + timedelta(days=3),
            "description": "入驻满六个月的团队，按实际租金的 50% 给予补贴，每家每年最高 20 万元。",
        },
    }


SPONSORS = [
    {
        "name": "中国民营投资股份有限公司",
        "name_en": "China Minying Investment",
        "kind": SponsorKind.INVESTOR,
        "focus_sectors": ["manufacturing", "energy", "materials"],
        "ticket_min": 1000 * W,
        "ticket_max": 50000 * W,
        "description": "与河西区合作设立产业投资平台，首期投资 20 亿元。",
        "contacts": [("孙志远", "投资总监", "sun.zhiyuan@example.cn", "010-5000 0001")],
    },
    {
        "name": "中国民间投资公司",
        "name_en": "China Private Investment Corp.",
        "kind": SponsorKind.CORPORATE,
        "focus_sectors": ["manufacturing", "electronics", "services"],
        "ticket_min": 2000 * W,
        "ticket_max": 100000 * W,
        "description": "计划在河西区投资 60 亿元，关注先进制造与现代服务业。",
        "contacts": [("周敏", "战略投资部经理", "zhou.min@example.cn", "")],
    },
    {
        "name": "南京理工大学北方研究院",
        "name_en": "NJUST Northern Research Institute",
        "kind": SponsorKind.UNIVERSITY,
        "focus_sectors": ["manufacturing", "materials", "electronics"],
        "description": "区财政投入 1.3 亿元共建，开放实验平台并参与成果转化项目投资。",
        "contacts": [("李建华", "成果转化办公室主任", "li.jianhua@example.cn", "022-2800 0001")],
    },
    {
        "name": "天津市海河产业基金",
        "name_en": "Tianjin Haihe Industry Fund",
        "kind": SponsorKind.GUIDANCE_FUND,
        "focus_sectors": ["manufacturing", "biomedicine", "energy", "materials"],
        "ticket_min": 3000 * W,
        "ticket_max": 30000 * W,
        "description": "市级政府引导基金，通过子基金投资战略性新兴产业。",
        "contacts": [("王蕾", "子基金管理部", "wang.lei@example.cn", "")],
    },
    {
        "name": "河西区科技创新引导基金",
        "name_en": "Hexi S&T Innovation Guidance Fund",
        "kind": SponsorKind.GUIDANCE_FUND,
        "focus_sectors": [],
        "ticket_min": 100 * W,
        "ticket_max": 1000 * W,
        "description": "区级引导基金，跟投入驻企业的早期融资。",
        "contacts": [("赵宁", "投资经理", "zhao.ning@example.cn", "022-2830 0002")],
    },
    {
        "name": "天津银行河西支行（科技金融部）",
        "name_en": "Bank of Tianjin, Hexi Branch (technology finance)",
        "kind": SponsorKind.BANK,
        "focus_sectors": [],
        "ticket_min": 50 * W,
        "ticket_max": 2000 * W,
        "description": "知识产权质押贷款、科技型中小企业信用贷款。",
        "contacts": [("陈静", "客户经理", "chen.jing@example.cn", "022-2831 0003")],
    },
    {
        "name": "刘伟（天使投资人）",
        "name_en": "Liu Wei (angel investor)",
        "kind": SponsorKind.ANGEL,
        "focus_sectors": ["software", "creative"],
        "ticket_min": 30 * W,
        "ticket_max": 300 * W,
        "description": "连续创业者，关注软件与文化创意项目。",
        "contacts": [("刘伟", "", "liu.wei@example.cn", "")],
    },
]


def _owner(company: Company) -> User:
    return Membership.objects.filter(company=company, role=MemberRole.OWNER).select_related("user").first().user


def _apply(company, programme, amount, purpose, status, officer, approved=None):
    owner = _owner(company)
    application = services.application_create(
        company=company, programme=programme, by=owner, requested_amount=amount, purpose=purpose
    )
    if status == ApplicationStatus.DRAFT:
        return application
    if status == ApplicationStatus.WITHDRAWN:
        services.application_submit(application=application, by=owner)
        return services.application_withdraw(application=application, by=owner)
    services.application_submit(application=application, by=owner)
    if status == ApplicationStatus.SUBMITTED:
        return application
    if status == ApplicationStatus.REJECTED:
        return services.application_reject(
            application=application, by=officer, note="项目研发内容与资助方向不符，建议申报区级创新资金。"
        )
    services.application_start_review(application=application, by=officer)
    if status == ApplicationStatus.UNDER_REVIEW:
        return application
    return services.application_approve(
        application=application, by=officer, approved_amount=approved, note="分两期拨付。"
    )


@transaction.atomic
def seed_funding(*, users: dict[str, User], stdout=None) -> None:
    if Programme.objects.filter(name=FIRST).exists():
        return
    today = timezone.localdate()
    admin = users["admin@demo.local"]
    staff = users["staff@demo.local"]
    programmes = {key: services.programme_create(by=admin, **spec) for key, spec in _programmes(today).items()}

    def company(name: str) -> Company:
        return Company.objects.get(name=name)

    maker_a = Membership.objects.filter(user=users["maker-a@demo.local"], role=MemberRole.OWNER).first().company
    maker_b = Membership.objects.filter(user=users["maker-b@demo.local"], role=MemberRole.OWNER).first().company
    dongwen = company("天津东文高压电气股份有限公司")
    haihe = company("天津海河智能装备有限公司")
    nanowei = company("天津纳微新材料科技有限公司")
    kangyuan = company("天津康源生物医药有限公司")
    lvneng = company("天津绿能储电科技有限公司")
    guangke = company("天津光刻精密仪器有限公司")
    jiangxin = company("天津匠心三维打印有限公司")
    beichen = company("天津北辰机器人有限公司")

    # Past awards: Dongwen's national and city innovation funds (2010 and 2014, 1.5 million
    # in all), its listing reward and little-giant upgrade, and the 13th Plan's team subsidies.
    past = [
        (dongwen, "national_innovation", 70 * W, date(2010, 9, 15), "高压开关柜在线监测装置研发。"),
        (dongwen, "municipal_innovation", 80 * W, date(2014, 8, 20), "智能环网柜产业化。"),
        (dongwen, "sme_12th", 60 * W, date(2013, 5, 10), "研发中心建设。"),
        (dongwen, "listing_13th", 300 * W, date(2019, 12, 18), "深交所创业板上市奖励。"),
        (dongwen, "little_giant_13th", 800 * W, date(2018, 6, 30), "“小巨人”升级：数字化车间改造。"),
        (haihe, "teams_municipal_13th", 150 * W, date(2017, 11, 2), "市级认定团队：智能仓储机器人。"),
        (nanowei, "teams_ministry_13th", 400 * W, date(2019, 4, 16), "工信部认定团队：纳米涂层材料中试。"),
        (maker_a, "teams_municipal_13th", 100 * W, date(2020, 7, 8), "市级认定团队：榫卯结构模块化家具。"),
    ]
    for owner_company, key, amount, decided_on, purpose in past:
        award = services.application_record_award(
            company=owner_company,
            programme=programmes[key],
            by=admin,
            amount=amount,
            decided_on=decided_on,
            purpose=purpose,
        )
        half = (amount / 2).quantize(Decimal("0.01"))
        for offset, part in ((30, half), (210, amount - half)):
            paid_on = decided_on + timedelta(days=offset)
            services.disbursement_schedule(
                application=award,
                by=admin,
                amount=part,
                due_on=paid_on,
                paid_on=paid_on,
                reference=f"河科拨〔{paid_on.year}〕{award.pk:03d}号",
            )

    # This year's calls: applications in every state.
    now = [
        (maker_a, "sme_now", 30 * W, "榫卯构件数控加工工艺研发。", ApplicationStatus.SUBMITTED, None),
        (maker_a, "rent_now", 12 * W, "本年度办公室租金补贴。", ApplicationStatus.DRAFT, None),
        (
            maker_b,
            "teams_now",
            150 * W,
            "City-approved team: an automatic handler for chip testing.",
            ApplicationStatus.UNDER_REVIEW,
            None,
        ),
        (guangke, "sme_now", 50 * W, "光刻对准系统关键部件研发。", ApplicationStatus.APPROVED, 40 * W),
        (haihe, "teams_now", 200 * W, "智能仓储机器人团队（市级认定）。", ApplicationStatus.APPROVED, 180 * W),
        (jiangxin, "sme_now", 20 * W, "陶瓷 3D 打印材料研究。", ApplicationStatus.REJECTED, None),
        (
            beichen,
            "ministry_now",
            400 * W,
            "协作机器人关节模组（工信部认定团队）。",
            ApplicationStatus.UNDER_REVIEW,
            None,
        ),
        (nanowei, "rent_now", 15 * W, "房租补贴。", ApplicationStatus.WITHDRAWN, None),
        (dongwen, "little_giant_now", 900 * W, "“小巨人”升级：特高压开关智能产线。", ApplicationStatus.SUBMITTED, None),
        (kangyuan, "teams_now", 120 * W, "中药配方颗粒质量控制平台。", ApplicationStatus.SUBMITTED, None),
    ]
    for owner_company, key, amount, purpose, status, approved in now:
        officer = staff if owner_company.residencies.filter(ends_on__isnull=True, site__code="nmec").exists() else admin
        application = _apply(owner_company, programmes[key], amount, purpose, status, officer, approved)
        if status == ApplicationStatus.APPROVED:
            first = (application.approved_amount / 2).quantize(Decimal("0.01"))
            paid = services.disbursement_schedule(application=application, by=officer, amount=first, due_on=today)
            services.disbursement_mark_paid(
                disbursement=paid, by=officer, paid_on=today, reference=f"河科拨〔{today.year}〕{application.pk:03d}号"
            )
            services.disbursement_schedule(
                application=application,
                by=officer,
                amount=application.approved_amount - first,
                due_on=today + timedelta(days=5),
            )

    # Sponsors and a pipeline of introductions in every state.
    sponsors = {}
    for spec in SPONSORS:
        spec = dict(spec)
        contacts = spec.pop("contacts")
        sponsor = services.sponsor_create(by=admin, **spec)
        for name, title, email, phone in contacts:
            services.sponsor_contact_add(sponsor=sponsor, by=admin, name=name, title=title, email=email, phone=phone)
        sponsors[spec["name_en"]] = sponsor

    pipeline = [
        (
            maker_a,
            "China Minying Investment",
            "A 轮融资 1,500 万元，用于榫卯家具柔性产线。",
            IntroductionStatus.MEETING_HELD,
            {},
        ),
        (
            maker_a,
            "Bank of Tianjin, Hexi Branch (technology finance)",
            "以 6 项发明专利质押，申请贷款 300 万元。",
            IntroductionStatus.REQUESTED,
            {},
        ),
        (
            maker_b,
            "Tianjin Haihe Industry Fund",
            "Series A for the chip test handler, 20 million yuan.",
            IntroductionStatus.INTRODUCED,
            {},
        ),
        (haihe, "China Private Investment Corp.", "战略投资，拓展港口仓储场景。", IntroductionStatus.TERM_SHEET, {}),
        (
            nanowei,
            "Hexi S&T Innovation Guidance Fund",
            "Pre-A 轮 800 万元。",
            IntroductionStatus.INVESTED,
            {"amount_invested": 800 * W, "round": "pre_a", "investors": "河西区科技创新引导基金、天使投资人"},
        ),
        (guangke, "NJUST Northern Research Institute", "联合研发光刻对准系统。", IntroductionStatus.DORMANT, {}),
        (jiangxin, "Liu Wei (angel investor)", "天使轮 200 万元。", IntroductionStatus.DECLINED, {}),
        (lvneng, "Tianjin Haihe Industry Fund", "储能电池管理系统 B 轮。", IntroductionStatus.REQUESTED, {}),
    ]
    paths = {
        IntroductionStatus.REQUESTED: [],
        IntroductionStatus.INTRODUCED: [IntroductionStatus.INTRODUCED],
        IntroductionStatus.MEETING_HELD: [IntroductionStatus.INTRODUCED, IntroductionStatus.MEETING_HELD],
        IntroductionStatus.TERM_SHEET: [
            IntroductionStatus.INTRODUCED,
            IntroductionStatus.MEETING_HELD,
            IntroductionStatus.TERM_SHEET,
        ],
        IntroductionStatus.INVESTED: [
            IntroductionStatus.INTRODUCED,
            IntroductionStatus.MEETING_HELD,
            IntroductionStatus.INVESTED,
        ],
        IntroductionStatus.DORMANT: [IntroductionStatus.INTRODUCED, IntroductionStatus.DORMANT],
        IntroductionStatus.DECLINED: [IntroductionStatus.INTRODUCED, IntroductionStatus.DECLINED],
    }
    notes = {
        IntroductionStatus.INTRODUCED: "已向双方发送介绍邮件。",
        IntroductionStatus.MEETING_HELD: "在中心路演厅会面，对方要求补充财务预测。",
        IntroductionStatus.TERM_SHEET: "对方出具投资意向书，估值待谈。",
        IntroductionStatus.INVESTED: "完成交割。",
        IntroductionStatus.DORMANT: "对方研发排期已满，明年再联系。",
        IntroductionStatus.DECLINED: "对方认为项目尚早。",
    }
    for owner_company, sponsor_key, message, status, final in pipeline:
        officer = staff if owner_company.residencies.filter(ends_on__isnull=True, site__code="nmec").exists() else admin
        introduction = services.introduction_request(
            company=owner_company, sponsor=sponsors[sponsor_key], by=_owner(owner_company), message=message
        )
        for step in paths[status]:
            extra = final if step == IntroductionStatus.INVESTED else {}
            introduction = services.introduction_advance(
                introduction=introduction, by=officer, status=step, note=notes.get(step, ""), **extra
            )

    # Rounds raised before or without the centre.
    services.investment_record(
        company=dongwen,
        by=admin,
        amount=5000 * W,
        investors="天津市海河产业基金、中国民营投资股份有限公司",
        closed_on=date(2017, 3, 28),
        round="series_b",
        sponsor=sponsors["Tianjin Haihe Industry Fund"],
    )
    services.investment_record(
        company=maker_a,
        by=staff,
        amount=300 * W,
        investors="刘伟（天使投资人）",
        closed_on=date(2021, 5, 12),
        round="angel",
    )
    if stdout:
        stdout.write(
            f"Funding: {len(programmes)} programmes, {len(past) + len(now)} applications, "
            f"{len(sponsors)} sponsors, {len(pipeline)} introductions seeded."
        )

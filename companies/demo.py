"""Demo companies at both sites: about forty residents with figures, designations and
awards, maker A and maker B owning one each, and applications in every state."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from incubator.models import Site, User

from . import services
from .choices import AdmissionStatus, DesignationKind, LegalForm, MemberRole, Sector
from .models import Admission, Company, Membership, YearFigures

NAMES = [
    ("天津榫卯木构科技有限公司", "Tianjin Sunmao Wooden Joinery Technology", Sector.CREATIVE),
    ("天津芯测电子科技有限公司", "Tianjin Xince Electronics", Sector.ELECTRONICS),
    ("天津东文高压电气股份有限公司", "Tianjin Dongwen High Voltage Electric", Sector.MANUFACTURING),
    ("天津海河智能装备有限公司", "Tianjin Haihe Intelligent Equipment", Sector.MANUFACTURING),
    ("天津友谊路软件有限公司", "Tianjin Youyi Road Software", Sector.SOFTWARE),
    ("天津纳微新材料科技有限公司", "Tianjin Nanowei New Materials", Sector.MATERIALS),
    ("天津康源生物医药有限公司", "Tianjin Kangyuan Biomedicine", Sector.BIOMEDICINE),
    ("天津绿能储电科技有限公司", "Tianjin Lvneng Energy Storage", Sector.ENERGY),
    ("天津光刻精密仪器有限公司", "Tianjin Guangke Precision Instruments", Sector.MANUFACTURING),
    ("天津云杉数据科技有限公司", "Tianjin Yunshan Data", Sector.SOFTWARE),
    ("天津匠心三维打印有限公司", "Tianjin Jiangxin 3D Printing", Sector.MANUFACTURING),
    ("天津北辰机器人有限公司", "Tianjin Beichen Robotics", Sector.MANUFACTURING),
    ("天津声波医疗器械有限公司", "Tianjin Shengbo Medical Devices", Sector.BIOMEDICINE),
    ("天津渤海海洋科技有限公司", "Tianjin Bohai Marine Technology", Sector.ENERGY),
    ("天津墨染文化创意有限公司", "Tianjin Moran Cultural Creative", Sector.CREATIVE),
    ("天津智联物联网科技有限公司", "Tianjin Zhilian IoT", Sector.ELECTRONICS),
    ("天津锐视视觉技术有限公司", "Tianjin Ruishi Machine Vision", Sector.ELECTRONICS),
    ("天津碳纤复合材料有限公司", "Tianjin Carbon Fibre Composites", Sector.MATERIALS),
    ("天津晨曦教育科技有限公司", "Tianjin Chenxi Education Technology", Sector.SERVICES),
    ("天津青禾农业科技有限公司", "Tianjin Qinghe Agritech", Sector.OTHER),
    ("天津微流控芯片有限公司", "Tianjin Microfluidics", Sector.BIOMEDICINE),
    ("天津星火激光科技有限公司", "Tianjin Xinghuo Laser", Sector.MANUFACTURING),
    ("天津安和信息安全有限公司", "Tianjin Anhe Information Security", Sector.SOFTWARE),
    ("天津远航无人机有限公司", "Tianjin Yuanhang Drones", Sector.MANUFACTURING),
    ("天津清泉环保科技有限公司", "Tianjin Qingquan Environmental", Sector.ENERGY),
    ("天津拾光影像工作室", "Tianjin Shiguang Imaging Studio", Sector.CREATIVE),
    ("天津数智财税服务有限公司", "Tianjin Shuzhi Finance Services", Sector.SERVICES),
    ("天津恒温冷链科技有限公司", "Tianjin Hengwen Cold Chain", Sector.SERVICES),
    ("天津磁悬浮轴承有限公司", "Tianjin Maglev Bearings", Sector.MANUFACTURING),
    ("天津柔性电子有限公司", "Tianjin Flexible Electronics", Sector.ELECTRONICS),
    ("天津金石石墨烯科技有限公司", "Tianjin Jinshi Graphene", Sector.MATERIALS),
    ("天津听澜智能家居有限公司", "Tianjin Tinglan Smart Home", Sector.ELECTRONICS),
    ("天津百草堂中医药科技有限公司", "Tianjin Baicaotang TCM Technology", Sector.BIOMEDICINE),
    ("天津鲲鹏航天部件有限公司", "Tianjin Kunpeng Aerospace Parts", Sector.MANUFACTURING),
    ("天津码上出行科技有限公司", "Tianjin Mashang Mobility", Sector.SOFTWARE),
    ("天津织梦服饰设计工作室", "Tianjin Zhimeng Fashion Design", Sector.CREATIVE),
    ("天津氢途新能源有限公司", "Tianjin Qingtu Hydrogen Energy", Sector.ENERGY),
    ("天津精测计量检测有限公司", "Tianjin Jingce Metrology", Sector.SERVICES),
    ("天津乐学编程科技有限公司", "Tianjin Lexue Coding", Sector.SOFTWARE),
    ("天津深蓝声呐科技有限公司", "Tianjin Shenlan Sonar", Sector.ELECTRONICS),
]

OPEN_APPLICATIONS = [
    ("陶艺智造团队", "用桌面级陶瓷3D打印机为文创品牌做小批量定制。", AdmissionStatus.SUBMITTED),
    ("Smart Beehive", "Sensors and an app that tell beekeepers when a hive needs them.", AdmissionStatus.SUBMITTED),
    ("可降解包装实验室", "以秸秆纤维替代一次性塑料餐盒。", AdmissionStatus.UNDER_REVIEW),
    ("老城区无障碍地图", "众包采集河西区无障碍设施数据。", AdmissionStatus.REJECTED),
    ("手工皮具工坊", "手工皮具设计与定制。", AdmissionStatus.WITHDRAWN),
]


def _credit_code(rng: random.Random) -> str:
    from stdnum.cn import uscc

    body = "91120103" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return body + uscc.calc_check_digit(body)


@transaction.atomic
def seed_companies(*, users: dict[str, User], stdout=None) -> None:
    if Company.objects.filter(name=NAMES[0][0]).exists():
        return
    rng = random.Random(20161)
    admin = users["admin@demo.local"]
    sites = [Site.objects.get(code="nmec"), Site.objects.get(code="hexi-sti")]
    today = timezone.localdate()
    owners = {0: users["maker-a@demo.local"], 1: users["maker-b@demo.local"]}

    for index, (name, name_en, sector) in enumerate(NAMES):
        site = sites[0] if index % 3 != 2 else sites[1]
        applicant = owners.get(index) or services.user_create(
            email=f"founder{index:02d}@demo.local", full_name=f"创始人{index:02d}", language="zh-hans"
        )
        founded = today - timedelta(days=rng.randint(200, 3000))
        admission = services.admission_submit(
            applicant=applicant,
            site=site,
            team_name=name,
            project_summary=f"{name}：面向{sector.label}的创新项目。",
            sector=sector,
            needs_office=index % 2 == 0,
            desks_needed=rng.randint(0, 8),
            needs_lab=index % 3 == 0,
        )
        admission = services.admission_accept(
            admission=admission,
            decided_by=admin,
            starts_on=today - timedelta(days=rng.randint(60, 1500)),
        )
        company = admission.company
        services.company_update(
            company=company,
            by=admin,
            name_en=name_en,
            credit_code=_credit_code(rng),
            legal_form=LegalForm.INDIVIDUAL
            if "工作室" in name
            else (LegalForm.JOINT_STOCK if "股份" in name else LegalForm.LLC),
            founded_on=founded,
        )
        for year in range(max(founded.year, today.year - 3), today.year):
            revenue = Decimal(rng.randint(100_000, 30_000_000))
            employees = rng.randint(3, 120)
            services.year_figures_save(
                company=company,
                year=year,
                by=admin,
                revenue=revenue,
                profit=(revenue * Decimal(rng.randint(-15, 25)) / 100).quantize(Decimal("1")),
                taxes_paid=(revenue * Decimal("0.06")).quantize(Decimal("1")),
                rd_spend=(revenue * Decimal(rng.randint(3, 20)) / 100).quantize(Decimal("1")),
                employees=employees,
                rd_staff=rng.randint(1, employees),
            )
        if index % 2 == 0:
            services.designation_record(
                company=company,
                kind=DesignationKind.SME,
                by=admin,
                granted_on=today - timedelta(days=rng.randint(200, 360)),
            )
        if index % 5 == 0:
            services.designation_record(
                company=company,
                kind=DesignationKind.HIGH_TECH,
                by=admin,
                certificate_number=f"GR{today.year - 1}120{rng.randint(10000, 99999)}",
                granted_on=today - timedelta(days=rng.randint(300, 1000)),
            )
        if index == 2:
            services.designation_record(
                company=company, kind=DesignationKind.LITTLE_GIANT, by=admin, granted_on=today - timedelta(days=400)
            )
            services.designation_record(
                company=company,
                kind=DesignationKind.LISTED,
                by=admin,
                exchange="szse",
                ticker="301xxx".replace("xxx", "234"),
                listed_on=today - timedelta(days=200),
                granted_on=today - timedelta(days=200),
            )
    sunmao = Company.objects.get(name=NAMES[0][0])
    services.award_add(
        company=sunmao,
        by=admin,
        competition="中国创客大赛",
        organiser="工业和信息化部",
        rank="三等奖",
        year=today.year - 1,
    )
    services.consultation_record(
        company=sunmao,
        by=admin,
        expert_name="李教授",
        expert_affiliation="南京理工大学北方研究院",
        held_on=today - timedelta(days=90),
        topic="榫卯构件的批量加工精度",
        outcome="调整刀具路径后公差降至0.05毫米。",
    )
    # Maker B is also a member of maker A's neighbour, to show a team with two people.
    Membership.objects.get_or_create(
        user=users["maker-a@demo.local"], company=sunmao, defaults={"role": MemberRole.OWNER}
    )

    staff = users["staff@demo.local"]
    for team, summary, status in OPEN_APPLICATIONS:
        applicant = services.user_create(
            email=f"applicant-{Admission.objects.count():02d}@demo.local", full_name=team[:10], language="zh-hans"
        )
        admission = services.admission_submit(
            applicant=applicant,
            site=sites[0],
            team_name=team,
            project_summary=summary,
            needs_office=True,
            desks_needed=2,
        )
        if status == AdmissionStatus.UNDER_REVIEW:
            services.admission_start_review(admission=admission, by=staff)
        elif status == AdmissionStatus.REJECTED:
            services.admission_reject(
                admission=admission, decided_by=staff, reason="项目与中心的科技孵化方向不符，建议联系区民政部门。"
            )
        elif status == AdmissionStatus.WITHDRAWN:
            services.admission_withdraw(admission=admission, by=applicant)
    YearFigures.objects.count()
    if stdout:
        stdout.write(f"Companies: {Company.objects.count()} seeded.")

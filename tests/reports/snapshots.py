"""Hand-built indicator snapshots and detail tables for the export tests.

They follow the contract in `reports.snapshot` (every row of ROW_KEYS, per-site columns then
the total, counts as ints and other numbers as decimal strings, None for no data) with figures
chosen so that a test can check them by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from funding.choices import ProgrammeLevel
from patents.choices import FilingKind
from reports.snapshot import ROW_KEYS, TOTAL, VERSION, DetailTable, Unit

SITES = [
    ("site-3", "北方创客体验中心", 3),
    ("site-4", "河西科技企业孵化器", 4),
    ("site-5", "友谊路众创空间", 5),
]
SITE_KEYS = [key for key, _label, _id in SITES]

SECTION_TITLES = {
    "companies": "在孵企业",
    "designations": "企业资质",
    "sites": "孵化载体",
    "occupancy": "场地出租",
    "labs": "实验室使用",
    "ip": "知识产权",
    "funding": "资金支持",
    "investment": "投融资",
    "economy": "经济指标",
}

# Per-site figures for the rows the tests read; the total is worked out below.
FIGURES: dict[str, tuple[str, list[Any], Any]] = {
    # key: (label, per-site values in SITES order, total or None to sum)
    "companies.resident": ("在孵企业数", [12, 3, 0], None),
    "companies.admitted": ("新入孵企业", [4, 1, 0], None),
    "companies.graduated": ("毕业企业", [2, 0, 1], None),
    "sites.area_m2": ("孵化场地面积", ["5200.00", "1800.50", None], "7000.50"),
    "occupancy.area_m2": ("可出租面积", ["4000.00", "1500.00", None], "5500.00"),
    "occupancy.area_let_m2": ("已出租面积", ["3412.00", "900.00", None], "4312.00"),
    "occupancy.rate": ("面积出租率", ["85.3", "60.0", None], "78.4"),
    "occupancy.desk_rate": ("工位出租率", ["92.5", "40.0", None], "80.0"),
    "labs.open_hours": ("开放时数", ["2400.0", "1200.0", None], "3600.0"),
    "labs.booked_share": ("预约时数占比", ["55.5", "20.0", None], "43.7"),
    "labs.used_share": ("使用时数占比", ["48.2", "15.5", None], "37.3"),
    "ip.inventions_in_force": ("有效发明专利", [9, 2, 0], None),
    "ip.inventions_per_10k": ("每万人有效发明专利拥有量", [None, None, None], "7.23"),
    "funding.paid.amount": ("拨付金额", ["1234567.89", "250000.00", "0.00"], "1484567.89"),
    "funding.approved.amount": ("批准金额", ["1500000.00", "400000.00", None], "1900000.00"),
    "investment.total": ("投资总额", ["3000000.00", None, None], "3000000.00"),
    "economy.reporting": ("填报企业数", [10, 3, 0], None),
    "economy.revenue": ("营业收入", ["98765432.10", "1500.25", None], "98766932.35"),
    "economy.taxes": ("上缴税费", ["3000000.00", "-1250.00", None], "2998750.00"),
    "economy.rd_spend": ("研发投入", ["4500000.00", "0.00", None], "4500000.00"),
    "economy.employees": ("从业人员数", [180, 25, None], 205),
}
KIND_LABELS = {
    "invention": "发明专利",
    "utility_model": "实用新型",
    "design": "外观设计",
    "trademark": "商标",
    "software": "软件著作权",
}
LEVEL_LABELS = {"national": "国家级", "ministry": "部委", "municipal": "市级", "district": "区级"}


def _unit(key: str) -> str:
    if key.endswith(("_m2",)):
        return Unit.M2
    if key.endswith(("rate", "share")):
        return Unit.PERCENT
    if key.endswith("_hours"):
        return Unit.HOURS
    if key == "ip.inventions_per_10k":
        return Unit.RATIO
    if key.startswith(("funding.", "investment.", "economy.")) and key.endswith(
        ("amount", "total", "via_introductions", "revenue", "taxes", "rd_spend", *ProgrammeLevel.values)
    ):
        return Unit.CNY
    return Unit.COUNT


def _expand(key: str) -> list[str]:
    if "<kind>" in key:
        return [key.replace("<kind>", kind) for kind in FilingKind.values]
    if "<level>" in key:
        return [key.replace("<level>", level) for level in ProgrammeLevel.values]
    return [key]


def _sum(values: list[Any], unit: str) -> Any:
    known = [v for v in values if v is not None]
    if not known:
        return None
    if unit == Unit.COUNT:
        return sum(known)
    return f"{sum(Decimal(v) for v in known):.2f}"


def _default(key: str, unit: str, position: int) -> Any:
    """A plausible figure for a row the tests do not read."""
    seed = sum(map(ord, key)) % 17 + 1
    if unit == Unit.COUNT:
        return seed * (3 - position)
    if unit == Unit.PERCENT:
        return f"{(seed * 5 + position) % 100:.1f}"
    return f"{seed * 1000 * (3 - position):.2f}"


def _label(key: str) -> str:
    if key in FIGURES:
        return FIGURES[key][0]
    family, _sep, tail = key.rpartition(".")
    if tail in KIND_LABELS:
        return ("申请：" if "filed" in family else "授权：") + KIND_LABELS[tail]
    if tail in LEVEL_LABELS:
        return "批准金额：" + LEVEL_LABELS[tail]
    return key


def make_snapshot(*, language: str = "zh-hans") -> dict:
    """A district snapshot over three sites for 2026, with Chinese labels."""
    columns = [{"key": key, "label": label, "site_id": site_id} for key, label, site_id in SITES]
    columns.append({"key": TOTAL, "label": "全区合计", "site_id": None})
    sections = []
    for section_key, keys in ROW_KEYS.items():
        rows = []
        for key in (k for pattern in keys for k in _expand(pattern)):
            unit = _unit(key)
            if key in FIGURES:
                _label_text, per_site, total = FIGURES[key]
            else:
                per_site = [_default(key, unit, i) for i in range(len(SITES))]
                total = None
            if total is None:
                total = _sum(per_site, unit)
            if unit == Unit.PERCENT and key not in FIGURES:
                total = per_site[0]
            if key in ("ip.filed.total", "ip.granted.total"):
                # The sum of the kinds above it, as the real snapshot has it.
                kinds = [r for r in rows if r["key"].startswith(key.removesuffix("total"))]
                per_site = [sum(r["values"][site] for r in kinds) for site in SITE_KEYS]
                total = sum(per_site)
            values = dict(zip(SITE_KEYS, per_site, strict=True))
            values[TOTAL] = total
            rows.append({"key": key, "label": _label(key), "unit": unit, "values": values})
        sections.append({"key": section_key, "title": SECTION_TITLES[section_key], "rows": rows})
    return {
        "version": VERSION,
        "period": {"start": "2026-01-01", "end": "2026-12-31"},
        "generated_at": "2026-11-28T18:30:00+08:00",
        "language": language,
        "scope": {"key": "district", "label": "河西区"},
        "columns": columns,
        "sections": sections,
        "notes": {"economy.year": 2025},
    }


COMPANY_COLUMNS = [
    {"key": "name", "label": "企业名称", "unit": "text"},
    {"key": "credit_code", "label": "统一社会信用代码", "unit": "text"},
    {"key": "site", "label": "孵化载体", "unit": "text"},
    {"key": "admitted_on", "label": "入孵日期", "unit": "date"},
    {"key": "employees", "label": "从业人员数", "unit": Unit.COUNT},
    {"key": "revenue", "label": "营业收入", "unit": Unit.CNY},
    {"key": "profit", "label": "利润", "unit": Unit.CNY},
    {"key": "office_share", "label": "工位使用率", "unit": Unit.PERCENT},
]

COMPANY_ROWS: list[list[Any]] = [
    ["天津木榫科技有限公司", "91120103MA05L8XX3K", "北方创客体验中心", date(2025, 3, 1), 12, Decimal("1500000.00"), Decimal("-12345.67"), Decimal("85.3")],
    ['=HYPERLINK("http://evil.example/","点我")', "91120103MA05L8XY1A", "北方创客体验中心", date(2025, 6, 15), 3, Decimal("0.00"), None, None],
    ["@SUM(A1:A9)", "91120103MA05L8XZ9B", "河西科技企业孵化器", date(2026, 1, 4), None, None, Decimal("250.50"), Decimal("40.0")],
    ["+86 创新工坊", "91120103MA05L8Y01C", "友谊路众创空间", None, 1, Decimal("99.99"), Decimal("0"), Decimal("100.0")],
    ["-负号开头的公司", "91120103MA05L8Y12D", "友谊路众创空间", date(2026, 2, 28), 0, Decimal("-1.50"), Decimal("-1.50"), Decimal("0.0")],
]  # fmt: skip


def company_table() -> DetailTable:
    return DetailTable(key="companies", title="在孵企业名录", columns=COMPANY_COLUMNS, rows=list(COMPANY_ROWS))


FILING_COLUMNS = [
    {"key": "company", "label": "企业", "unit": "text"},
    {"key": "kind", "label": "类型", "unit": "text"},
    {"key": "title", "label": "名称", "unit": "text"},
    {"key": "filed_on", "label": "申请日", "unit": "date"},
    {"key": "granted_on", "label": "授权日", "unit": "date"},
]


def filing_rows(count: int) -> Iterator[list[Any]]:
    """Generated filings, streamed like a queryset iterator: read once, never a list."""
    start = date(2020, 1, 1)
    kinds = list(KIND_LABELS.values())
    for n in range(count):
        granted = start + timedelta(days=n % 2000 + 300) if n % 3 else None
        yield [
            f"企业{n % 3000:04d}",
            kinds[n % len(kinds)],
            f"一种木质榫卯连接件{n}",
            start + timedelta(days=n % 2000),
            granted,
        ]


def filing_table(count: int = 3) -> DetailTable:
    return DetailTable(key="filings", title="知识产权申请", columns=FILING_COLUMNS, rows=filing_rows(count))


def make_details(filings: int = 3) -> list[DetailTable]:
    return [company_table(), filing_table(filings)]

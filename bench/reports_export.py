"""District report benchmark: the XLSX and the PDF of a district at full scale, timed, with
the peak memory of the process that made them.

The quality target (DESIGN.md) is the district XLSX+PDF report in under 10 s and 300 MB for
3,000 companies, 30,000 filings and 300,000 bookings. The export runs in a child process so
that its peak resident set size is its own (`getrusage(RUSAGE_CHILDREN)`), not this script's.

    .venv/bin/python bench/reports_export.py                  # synthetic data, no database
    .venv/bin/python bench/reports_export.py --rows 40000     # more or fewer detail rows
    DATABASE_URL=... .venv/bin/python bench/reports_export.py --database [--year 2025]

Synthetic: a 20-site snapshot and detail tables of about 40,000 rows generated on the fly
(companies, filings, funding applications, investments, spaces, equipment), streamed as the
database iterators stream them. This measures the renderers alone.

--database: the database that `DATABASE_URL` names, filled by
`manage.py build_district_dataset`; settings come from the environment as in production
(`DJANGO_SETTINGS_MODULE`, default config.settings). It times `compute()`, `detail_tables()`
and both renderers for the first active user of the district group over the last twelve
months (or the calendar year --year), which is the whole work of a district export.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 10
TARGET_MB = 300


def setup_django(database: bool) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    if database:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    else:
        # The renderers need translations and nothing else: no database, no apps.
        from django.conf import settings

        settings.configure(
            USE_I18N=True,
            LANGUAGE_CODE="zh-hans",
            LANGUAGES=[("zh-hans", "简体中文"), ("en", "English")],
            LOCALE_PATHS=[ROOT / "locale"],
            INSTALLED_APPS=[],
        )
    django.setup()


# --- Synthetic data ----------------------------------------------------------------------


def synthetic_snapshot(sites: int = 20) -> dict:
    from funding.choices import ProgrammeLevel
    from patents.choices import FilingKind
    from reports.snapshot import ROW_KEYS, TOTAL, VERSION, Unit

    rng = random.Random(7)
    columns = [{"key": f"site-{n}", "label": f"河西区第{n}孵化载体", "site_id": n} for n in range(1, sites + 1)]
    columns.append({"key": TOTAL, "label": "全区合计", "site_id": None})
    sections = []
    for section_key, patterns in ROW_KEYS.items():
        rows = []
        for pattern in patterns:
            if "<kind>" in pattern:
                keys = [pattern.replace("<kind>", k) for k in FilingKind.values]
            elif "<level>" in pattern:
                keys = [pattern.replace("<level>", k) for k in ProgrammeLevel.values]
            else:
                keys = [pattern]
            for key in keys:
                if key.endswith(("rate", "share")):
                    unit, values = Unit.PERCENT, [f"{rng.uniform(0, 100):.1f}" for _ in range(sites)]
                elif "amount" in key or key.startswith(("economy.revenue", "economy.taxes", "investment.total")):
                    unit, values = Unit.CNY, [f"{rng.uniform(0, 5e6):.2f}" for _ in range(sites)]
                elif key.endswith("m2"):
                    unit, values = Unit.M2, [f"{rng.uniform(500, 9000):.2f}" for _ in range(sites)]
                else:
                    unit, values = Unit.COUNT, [rng.randint(0, 300) for _ in range(sites)]
                by_column = {column["key"]: v for column, v in zip(columns, values, strict=False)}
                if unit == Unit.COUNT:
                    by_column[TOTAL] = sum(values)
                elif unit == Unit.PERCENT:
                    by_column[TOTAL] = f"{sum(float(v) for v in values) / sites:.1f}"
                else:
                    by_column[TOTAL] = f"{sum(Decimal(v) for v in values):.2f}"
                rows.append({"key": key, "label": f"{section_key} · {key}", "unit": unit, "values": by_column})
        sections.append({"key": section_key, "title": section_key, "rows": rows})
    return {
        "version": VERSION,
        "period": {"start": "2025-01-01", "end": "2025-12-31"},
        "generated_at": "2026-01-05T09:00:00+08:00",
        "language": "zh-hans",
        "scope": {"key": "district", "label": "河西区"},
        "columns": columns,
        "sections": sections,
        "notes": {"economy.year": 2024},
    }


def synthetic_details(total_rows: int) -> list:
    from reports.snapshot import DetailTable

    day = date(2018, 1, 1)

    def companies(n: int) -> Iterator[list[Any]]:
        for i in range(n):
            yield [
                f"天津市河西区第{i}号科技有限公司",
                f"91120103MA{i:08d}",
                f"河西区第{i % 20 + 1}孵化载体",
                "在孵",
                day + timedelta(days=i % 2500),
                i % 80,
                Decimal(i * 137 % 9_000_000) / 100,
                Decimal(i * 31 % 400_000) / 100,
            ]

    def filings(n: int) -> Iterator[list[Any]]:
        kinds = ["发明专利", "实用新型", "外观设计", "商标", "软件著作权"]
        for i in range(n):
            yield [
                f"天津市河西区第{i % 3000}号科技有限公司",
                kinds[i % 5],
                f"一种木质榫卯连接结构及其装配方法{i}",
                f"CN2025{i:07d}.X",
                day + timedelta(days=i % 2800),
                day + timedelta(days=i % 2800 + 400) if i % 3 else None,
                "已授权" if i % 3 else "审查中",
            ]

    def applications(n: int) -> Iterator[list[Any]]:
        for i in range(n):
            yield [
                f"天津市河西区第{i % 3000}号科技有限公司",
                f"科技型中小企业创新基金{i % 40}",
                ["国家级", "部委", "市级", "区级"][i % 4],
                Decimal(100000 + i * 10),
                Decimal(80000 + i * 10) if i % 2 else None,
                day + timedelta(days=i % 2000),
            ]

    text = {"unit": "text"}
    share = max(1, total_rows // 40)
    return [
        DetailTable(
            "companies",
            "在孵企业",
            [
                {"key": "name", "label": "企业名称", **text},
                {"key": "code", "label": "统一社会信用代码", **text},
                {"key": "site", "label": "孵化载体", **text},
                {"key": "status", "label": "状态", **text},
                {"key": "admitted_on", "label": "入孵日期", "unit": "date"},
                {"key": "employees", "label": "从业人员", "unit": "count"},
                {"key": "revenue", "label": "营业收入", "unit": "cny"},
                {"key": "taxes", "label": "上缴税费", "unit": "cny"},
            ],
            companies(3 * share),
        ),
        DetailTable(
            "filings",
            "知识产权",
            [
                {"key": "company", "label": "企业", **text},
                {"key": "kind", "label": "类型", **text},
                {"key": "title", "label": "名称", **text},
                {"key": "number", "label": "申请号", **text},
                {"key": "filed_on", "label": "申请日", "unit": "date"},
                {"key": "granted_on", "label": "授权日", "unit": "date"},
                {"key": "status", "label": "状态", **text},
            ],
            filings(30 * share),
        ),
        DetailTable(
            "applications",
            "资金申请",
            [
                {"key": "company", "label": "企业", **text},
                {"key": "programme", "label": "项目", **text},
                {"key": "level", "label": "级别", **text},
                {"key": "requested", "label": "申请金额", "unit": "cny"},
                {"key": "approved", "label": "批准金额", "unit": "cny"},
                {"key": "submitted_on", "label": "提交日期", "unit": "date"},
            ],
            applications(7 * share),
        ),
    ]


# --- The measured work (child process) ---------------------------------------------------


def district_user() -> Any:
    """The first active member of the district role; one is created (outside the measured
    time) when the data set has none, as build_district_dataset makes no district account."""
    from django.contrib.auth import get_user_model

    from incubator.choices import Role
    from incubator.services import user_create

    user = get_user_model().objects.filter(groups__name=Role.DISTRICT, is_active=True).order_by("pk").first()
    return user or user_create(email="reports-bench@example.invalid", full_name="报表基准", roles=[Role.DISTRICT])


def child(args: argparse.Namespace) -> None:
    started = time.perf_counter()
    setup_django(args.database)
    from django.utils import translation

    from reports.exports import render

    phases: dict[str, float] = {}

    cpu: dict[str, float] = {}
    cpu_mark = [0.0]  # process_time() counts from the start of the process

    def mark(name: str, since: float) -> float:
        now = time.perf_counter()
        phases[name] = round(now - since, 3)
        cpu[name] = round(time.process_time() - cpu_mark[0], 3)
        cpu_mark[0] = time.process_time()
        return now

    out_dir = Path(args.out)
    with translation.override("zh-hans"):
        if args.database:
            from reports.details import detail_tables
            from reports.indicators import compute

            user = district_user()
            if args.year:
                start, end = date(args.year, 1, 1), date(args.year, 12, 31)
            else:
                # The last twelve months: the data set's bookings span the year before it was built.
                end = date.today() - timedelta(days=1)
                start = end.replace(year=end.year - 1) + timedelta(days=1)
            t = mark("setup (not the export)", started)
            # Through JSON, as the export record stores the snapshot and the task reads it back.
            snapshot = json.loads(json.dumps(compute(user=user, start=start, end=end)))
            t = mark("compute()", t)
            details = detail_tables(user=user, start=start, end=end)
            t = mark("detail_tables()", t)
        else:
            t = mark("setup (not the export)", started)
            snapshot = synthetic_snapshot()
            details = synthetic_details(args.rows)
        rows_seen = [0]
        for table in details:
            table.rows = counted(table.rows, rows_seen)
        with open(out_dir / "report.xlsx", "wb") as out:
            render("xlsx", snapshot=snapshot, details=details, out=out)
        t = mark("xlsx (rows streamed)", t)
        with open(out_dir / "report.pdf", "wb") as out:
            render("pdf", snapshot=snapshot, details=None, out=out)
        mark("pdf", t)
    phases["total"] = round(time.perf_counter() - started, 3)
    cpu["total"] = round(sum(cpu.values()), 3)
    print(json.dumps({"wall": phases, "cpu": cpu, "rows": rows_seen[0]}))


def counted(rows: Any, seen: list[int]) -> Iterator[list[Any]]:
    for row in rows:
        seen[0] += 1
        yield row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", action="store_true", help="compute from DATABASE_URL's database")
    parser.add_argument("--year", type=int, help="a calendar year to report on (default: the last twelve months)")
    parser.add_argument("--rows", type=int, default=40_000, help="synthetic detail rows (default 40,000)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    with tempfile.TemporaryDirectory(prefix="reports-bench-") as out_dir:
        command = [sys.executable, __file__, "--child", "--out", out_dir, "--rows", str(args.rows)]
        if args.database:
            command.append("--database")
        if args.year:
            command += ["--year", str(args.year)]
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        if result.returncode:  # the export failed: show why
            sys.exit(result.stderr or f"The export failed ({result.returncode}).")
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
        measured = json.loads(result.stdout.strip().splitlines()[-1])
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_total = usage.ru_utime + usage.ru_stime
        sizes = {name.name: name.stat().st_size for name in Path(out_dir).iterdir()}

    mode = "database" if args.database else "synthetic"
    print(f"District XLSX + PDF ({mode}, {measured['rows']:,} detail rows)")
    # CPU time beside wall time: on a shared machine the wall clock also counts other work.
    print(f"  {'phase':<24} {'wall':>8}   {'cpu':>8}")
    for name, seconds in measured["wall"].items():
        print(f"  {name:<24} {seconds:8.2f} s {measured['cpu'][name]:8.2f} s")
    # The target is the export's: a worker has Python and Django loaded before a job comes.
    export_wall = measured["wall"]["total"] - measured["wall"]["setup (not the export)"]
    export_cpu = measured["cpu"]["total"] - measured["cpu"]["setup (not the export)"]
    print(f"  {'export (no setup)':<24} {export_wall:8.2f} s {export_cpu:8.2f} s   target < {TARGET_SECONDS} s")
    print(f"  {'process':<24} {wall:8.2f} s {cpu_total:8.2f} s")
    print(f"  {'peak RSS':<24} {peak_mb:8.1f} MB  target < {TARGET_MB} MB")
    for name, size in sorted(sizes.items()):
        print(f"  {name:<24} {size / 1024:8.0f} KB")
    ok = export_wall < TARGET_SECONDS and peak_mb < TARGET_MB
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

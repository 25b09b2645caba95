"""Funding benchmark: 50 funding officers approving at the same moment never overrun a budget.

DESIGN.md's target: "0 budget overruns with 50 concurrent clients on PostgreSQL". For each
round the script seeds a programme whose budget covers only part of what 50 companies ask
for, with 50 applications under review; 50 clients (each an officer with their own token
and keep-alive connection) wait at a barrier and then all POST
`/api/v1/funding-applications/{id}/approve/` at once against gunicorn. Every third
programme is yearly, with a budget per year below its total. Afterwards the database is
read back: per programme the sum approved must stay within the budget (and the budget per
year), and the programme's running total must equal that sum.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/funding_concurrency.py
    .venv/bin/python bench/funding_concurrency.py --rounds 5     # SQLite in a temporary folder

With DATABASE_URL (PostgreSQL) it creates a database named incubator_funding_bench on that
server and drops it at the end. It starts gunicorn on a free loopback port and stops it
(also on Ctrl-C); everything it writes stays in a temporary folder. Exit status 1 when a
budget was overrun or a request failed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (  # the platform benchmark's server and database helpers
    POSTGRES_SCHEMES,
    BenchError,
    Server,
    free_port,
    interrupt,
    manage,
    percentile,
    postgres_conninfo,
    server_env,
)

BENCH_DATABASE = "incubator_funding_bench"

# Runs inside `manage.py shell -c`: every row is written by the services, as an officer would.
SEED = r"""
import json, os, random
from datetime import timedelta
from decimal import Decimal
from django.utils import timezone
from companies import services as companies
from funding import services as funding
from incubator import services as platform

clients = int(os.environ["BENCH_CLIENTS"])
rounds = int(os.environ["BENCH_ROUNDS"])
rng = random.Random(int(os.environ["BENCH_SEED"]))
today = timezone.localdate()
site = platform.site_create(name="北方创客体验中心", name_en="Northern Maker Experience Center", code="nmec")
admin = platform.user_create(email="admin@bench.local", is_superuser=True)
officers = [
    platform.user_create(email=f"officer-{i:02d}@bench.local", full_name=f"资金专员{i:02d}", roles=["centre-staff"], staff_sites=[site])
    for i in range(clients)
]
tokens = [platform.api_token_obtain(user=o).key for o in officers]
owners, firms = [], []
for i in range(clients):
    owner = platform.user_create(email=f"maker-{i:02d}@bench.local", full_name=f"创客{i:02d}")
    admission = companies.admission_submit(applicant=owner, site=site, team_name=f"基准测试科技有限公司{i:02d}", project_summary="基准测试")
    firms.append(companies.admission_accept(admission=admission, decided_by=admin).company)
    owners.append(owner)
plan = []
for r in range(rounds):
    yearly = r % 3 == 2
    budget = Decimal(rng.randrange(10_000_000, 30_000_001, 10_000))
    programme = funding.programme_create(
        by=admin,
        name=f"基准测试资助项目{r + 1:03d}",
        level="district",
        kind="project_subsidy",
        funder="河西区科学技术委员会",
        budget=budget * (3 if yearly else 1),
        annual_budget=budget if yearly else None,
        min_award="100000",
        max_award="2000000",
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=10),
    )
    applications = []
    for i in range(clients):
        amount = Decimal(rng.randrange(500_000, 2_000_001, 10_000))
        a = funding.application_create(
            company=firms[i], programme=programme, by=owners[i], requested_amount=amount, purpose="基准测试", submit=True
        )
        funding.application_start_review(application=a, by=admin)
        # Half the officers award the amount requested, the others part of it.
        award = None if i % 2 == 0 else str(Decimal(rng.randrange(100_000, int(amount) + 1, 10_000)))
        applications.append({"id": a.pk, "requested": str(amount), "award": award})
    plan.append({"programme": programme.pk, "budget": str(budget), "yearly": yearly, "applications": applications})
print("BENCH-PLAN " + json.dumps({"tokens": tokens, "rounds": plan}))
"""

VERIFY = r"""
import json
from django.db.models import Max, Sum
from funding.models import FundingApplication, Programme

result = {}
for p in Programme.objects.all():
    approved = FundingApplication.objects.filter(programme=p, status="approved")
    per_year = approved.values("budget_year").annotate(total=Sum("approved_amount")).aggregate(m=Max("total"))["m"]
    result[p.pk] = {
        "budget": str(p.budget),
        "annual_budget": str(p.annual_budget) if p.annual_budget is not None else None,
        "approved_total": str(p.approved_total),
        "approved_sum": str(approved.aggregate(s=Sum("approved_amount"))["s"] or 0),
        "approved_count": approved.count(),
        "busiest_year": str(per_year or 0),
        "still_under_review": FundingApplication.objects.filter(programme=p, status="under_review").count(),
    }
print("BENCH-VERIFY " + json.dumps(result))
"""


# --- Database --------------------------------------------------------------------------


def postgres_create(url: str) -> tuple[str, str]:
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    maintenance = parts.path.lstrip("/") or "postgres"
    if maintenance == BENCH_DATABASE:
        maintenance = "postgres"
    with psycopg.connect(postgres_conninfo(url, maintenance), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DATABASE)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DATABASE)))
        version = conn.execute("SHOW server_version").fetchone()[0]
    return urllib.parse.urlunsplit(parts._replace(path="/" + BENCH_DATABASE)), version


def postgres_drop(url: str) -> None:
    import psycopg
    from psycopg import sql

    maintenance = urllib.parse.urlsplit(url).path.lstrip("/") or "postgres"
    if maintenance == BENCH_DATABASE:
        maintenance = "postgres"
    with psycopg.connect(postgres_conninfo(url, maintenance), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DATABASE)))


def shell_json(env: dict[str, str], script: str, marker: str) -> dict:
    output = manage(env, "shell", "-c", script)
    line = next((x for x in output.splitlines() if x.startswith(marker + " ")), None)
    if line is None:
        raise BenchError(f"no {marker} line in:\n{output}")
    return json.loads(line.removeprefix(marker + " "))


# --- Load ------------------------------------------------------------------------------


@dataclass
class RoundResult:
    programme: int
    budget: Decimal
    yearly: bool
    requested: Decimal
    outcomes: Counter = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"approved": [], "over_budget": []})
    wall_seconds: float = 0.0


def run_round(*, base_url: str, sessions: list[requests.Session], plan: dict) -> RoundResult:
    """All clients approve their application of one programme at the same moment."""
    applications = plan["applications"]
    result = RoundResult(
        programme=plan["programme"],
        budget=Decimal(plan["budget"]),
        yearly=plan["yearly"],
        requested=sum((Decimal(a["requested"]) for a in applications), Decimal("0")),
    )
    barrier = threading.Barrier(len(applications) + 1)
    lock = threading.Lock()

    def approve(session: requests.Session, application: dict) -> None:
        body = {"approved_amount": application["award"]} if application["award"] else {}
        barrier.wait()
        begun = time.perf_counter()
        try:
            response = session.post(
                f"{base_url}/api/v1/funding-applications/{application['id']}/approve/", json=body, timeout=60
            )
            if response.status_code == 200:
                outcome = "approved"
            elif response.status_code == 409:
                outcome = response.json().get("code", "conflict")
            else:
                outcome = f"HTTP {response.status_code}"
        except requests.RequestException as exc:
            outcome = type(exc).__name__
        elapsed = time.perf_counter() - begun
        with lock:
            result.outcomes[outcome] += 1
            if outcome in result.latencies:
                result.latencies[outcome].append(elapsed)

    threads = [
        threading.Thread(target=approve, args=(session, application), name=f"officer-{i}")
        for i, (session, application) in enumerate(zip(sessions, applications, strict=True))
    ]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    result.wall_seconds = time.perf_counter() - started
    return result


# --- Main ------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--clients", type=int, default=50, help="concurrent officers, one application each (default 50)"
    )
    parser.add_argument("--rounds", type=int, default=20, help="programmes raced for, one after the other (default 20)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (default 4)")
    parser.add_argument("--threads", type=int, default=16, help="threads per gunicorn worker (default 16)")
    parser.add_argument("--seed", type=int, default=2016, help="random seed of the budgets and amounts (default 2016)")
    args = parser.parse_args(argv)
    for name in ("clients", "rounds", "workers", "threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, interrupt)
    outside_url = os.environ.get("DATABASE_URL", "")
    if outside_url and urllib.parse.urlsplit(outside_url).scheme not in POSTGRES_SCHEMES:
        print("DATABASE_URL must point at PostgreSQL; unset it to benchmark on SQLite.", file=sys.stderr)
        return 2

    var_dir = Path(tempfile.mkdtemp(prefix="incubator-funding-bench-"))
    server = None
    postgres_url = None
    sessions: list[requests.Session] = []
    try:
        if outside_url:
            postgres_url, version = postgres_create(outside_url)
            database_url, database = postgres_url, f"PostgreSQL {version}, database {BENCH_DATABASE}"
        else:
            database_url = f"sqlite:///{var_dir / 'bench.sqlite3'}"
            database = "SQLite (WAL, IMMEDIATE transactions) in a temporary folder"
        env = server_env(var_dir=var_dir, database_url=database_url)
        # The broker is the filesystem one in the temporary folder; each request closes its
        # database connection, so that 50 at once stay within the server's limit.
        env.pop("REDIS_URL", None)
        env["CONN_MAX_AGE"] = "0"

        step = time.monotonic()
        print("preparing: migrate, seed officers, companies and applications under review ...", flush=True)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        seed_env = {
            **env,
            "BENCH_CLIENTS": str(args.clients),
            "BENCH_ROUNDS": str(args.rounds),
            "BENCH_SEED": str(args.seed),
        }
        plan = shell_json(seed_env, SEED, "BENCH-PLAN")
        print(f"prepared in {time.monotonic() - step:.1f} s", flush=True)

        server = Server(
            env=env, port=free_port(), workers=args.workers, threads=args.threads, log_path=var_dir / "gunicorn.log"
        )
        server.start()
        for token in plan["tokens"]:
            session = requests.Session()
            session.headers["Authorization"] = f"Token {token}"
            sessions.append(session)
        # Warm every connection and worker with a read.
        for session in sessions:
            session.get(server.base_url + "/api/v1/programmes/?page_size=1", timeout=30).raise_for_status()

        import django

        print()
        print("Incubator funding benchmark: concurrent approvals against a budget")
        print(f"  server    gunicorn {args.workers} workers x {args.threads} threads on {server.base_url}")
        print(f"  software  Python {platform.python_version()}, Django {django.get_version()}")
        print(f"  database  {database}")
        print(
            f"  load      {args.clients} officers approve {args.clients} applications of one programme at the same "
            f"moment; {args.rounds} programmes, one after the other"
        )
        print(f"  machine   {os.cpu_count()} CPUs, shared by the clients and the server")
        print()

        results = [run_round(base_url=server.base_url, sessions=sessions, plan=r) for r in plan["rounds"]]
        checks = shell_json(env, VERIFY, "BENCH-VERIFY")
        return report(results, checks)
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    finally:
        for session in sessions:
            session.close()
        if server is not None:
            server.stop()
        if postgres_url is not None:
            try:
                postgres_drop(outside_url)
            except Exception as exc:
                print(f"could not drop {BENCH_DATABASE}: {exc}", file=sys.stderr)
        shutil.rmtree(var_dir, ignore_errors=True)


def report(results: list[RoundResult], checks: dict) -> int:
    header = (
        f"{'round':>5} {'kind':<7}{'budget':>14}{'asked':>14}{'approved':>14}"
        f"{'ok':>5}{'409':>5}{'other':>6}{'overrun':>9}{'wall ms':>9}"
    )
    print(header)
    print("-" * len(header))
    overruns = mismatches = failures = leftovers = 0
    totals = Counter()
    for number, r in enumerate(results, start=1):
        check = checks[str(r.programme)]
        approved = Decimal(check["approved_sum"])
        limit = Decimal(check["annual_budget"]) if check["annual_budget"] else Decimal(check["budget"])
        busiest = Decimal(check["busiest_year"])
        overrun = approved > Decimal(check["budget"]) or busiest > limit
        overruns += overrun
        mismatches += Decimal(check["approved_total"]) != approved
        mismatches += check["approved_count"] != r.outcomes["approved"]
        leftovers += check["still_under_review"] != r.outcomes["over_budget"]
        other = sum(n for outcome, n in r.outcomes.items() if outcome not in ("approved", "over_budget"))
        failures += other
        totals.update(r.outcomes)
        print(
            f"{number:>5} {'yearly' if r.yearly else 'total':<7}{limit:>14,.0f}{r.requested:>14,.0f}{approved:>14,.0f}"
            f"{r.outcomes['approved']:>5}{r.outcomes['over_budget']:>5}{other:>6}{'YES' if overrun else 'no':>9}"
            f"{r.wall_seconds * 1000:>9.0f}"
        )
    print("-" * len(header))
    ok = sorted(x for r in results for x in r.latencies["approved"])
    refused = sorted(x for r in results for x in r.latencies["over_budget"])
    requests_total = sum(totals.values())
    wall = sum(r.wall_seconds for r in results)
    clients = sum(results[0].outcomes.values())
    print(
        f"\n{requests_total} approvals sent in {len(results)} rounds of {clients}: {totals['approved']} approved, "
        f"{totals['over_budget']} refused with 409 over_budget, {failures} other answers"
    )
    print(f"budget overruns: {overruns} of {len(results)} programmes; running total or count mismatches: {mismatches}")
    print(f"throughput while racing: {requests_total / max(wall, 1e-9):.1f} approvals/s")
    for label, values in (("approved (200)", ok), ("refused (409)", refused)):
        if values:
            print(
                f"latency {label:<15} p50 {percentile(values, 0.50):7.1f} ms   p95 {percentile(values, 0.95):7.1f} ms"
                f"   p99 {percentile(values, 0.99):7.1f} ms   max {values[-1] * 1000:7.1f} ms"
            )
    if failures:
        print(
            "other answers: "
            + ", ".join(f"{k} x{n}" for k, n in totals.items() if k not in ("approved", "over_budget"))
        )
    if leftovers:
        print(f"applications left under review do not match the refusals in {leftovers} round(s)")
    return 1 if overruns or mismatches or failures or leftovers else 0


if __name__ == "__main__":
    sys.exit(main())

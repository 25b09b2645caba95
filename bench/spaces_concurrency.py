"""Spaces under concurrency: many HTTP clients allocating the same office and the last desks.

Starts gunicorn on a fresh database (as bench/run.py does, and with its helpers), seeds a
site, a staff user with an API token and resident companies through the services, then
releases all clients at once against `POST /api/v1/allocations/`:

1. one office, one period, every client for a different company: exactly one may win
   (the others answer 409 `overlap`);
2. open desks with a few desks left, every client asking for one: exactly as many win as
   desks are left (the others answer 409 `over_capacity`);
3. a stream of allocations for random periods over a handful of offices and open-desk
   areas, to measure throughput under contention.

Afterwards it checks the database itself: no two allocations of an office share a day,
and no open-desk area holds more desks than it has on any day. It prints the outcomes,
latency and throughput, and exits 1 if a rule was broken or a request failed otherwise.

    .venv/bin/python bench/spaces_concurrency.py [--clients 50] [--stream 1000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/spaces_concurrency.py

With DATABASE_URL (PostgreSQL) it works in a database named incubator_spaces_bench on that
server, created and dropped by this script; otherwise in a SQLite file in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import requests

# The platform benchmark's server helpers, from the file beside this one.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (
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

BENCH_DATABASE = "incubator_spaces_bench"
OFFICES = 6
DESK_AREAS = 2
DESKS_PER_AREA = 12

SEED = """
import json, os
from datetime import date
from decimal import Decimal
from companies.models import Company, Residency
from incubator import services as platform
from spaces import services

env = {name: int(os.environ[name]) for name in (
    "BENCH_CLIENTS", "BENCH_DESKS", "BENCH_LEFT", "BENCH_OFFICES", "BENCH_DESK_AREAS", "BENCH_DESKS_PER_AREA"
)}
site = platform.site_create(name="基准众创空间", code="bench-site", total_area_m2=Decimal("5000"))
staff = platform.user_create(email="bench-staff@bench.local", full_name="Bench staff", roles=["centre-staff"])
companies = []
for n in range(env["BENCH_CLIENTS"]):
    # Written directly: the companies app's admission path is not what is measured here.
    company = Company.objects.create(name=f"基准公司{n:03d}", status="resident", admitted_on=date(2024, 1, 1))
    Residency.objects.create(company=company, site=site, starts_on=date(2024, 1, 1))
    companies.append(company)

def space(code, kind, desks, area):
    return services.space_create(
        by=staff, site=site, code=code, kind=kind, floor=3, area_m2=Decimal(area), desks=desks,
        monthly_rent=Decimal("2400"),
    )

contested_office = space("B2-305", "office", 4, "40")
last_desks = space("A1-110", "open_desks", env["BENCH_DESKS"], "200")
services.allocation_create(
    space=last_desks, company=companies[0], starts_on=date(2026, 1, 1),
    desks=env["BENCH_DESKS"] - env["BENCH_LEFT"], by=staff,
)
stream_offices = [space(f"C-{n:03d}", "office", 4, "40") for n in range(env["BENCH_OFFICES"])]
stream_desks = [space(f"D-{n:03d}", "open_desks", env["BENCH_DESKS_PER_AREA"], "100")
                for n in range(env["BENCH_DESK_AREAS"])]
print("BENCH-SEED " + json.dumps({
    "token": platform.api_token_obtain(user=staff).key,
    "companies": [c.pk for c in companies],
    "contested_office": contested_office.pk,
    "last_desks": last_desks.pk,
    "stream_offices": [s.pk for s in stream_offices],
    "stream_desks": [s.pk for s in stream_desks],
}))
"""

# Checked in the database after the load: counts of broken rules.
CHECK = """
import json
from collections import defaultdict
from spaces.models import Allocation, Space

overlaps = 0
over_capacity = 0
for space in Space.objects.all():
    rows = list(Allocation.objects.filter(space=space).order_by("starts_on"))
    if space.is_exclusive:
        for i, a in enumerate(rows):
            for b in rows[i + 1:]:
                if (a.ends_on is None or b.starts_on < a.ends_on) and (b.ends_on is None or a.starts_on < b.ends_on):
                    overlaps += 1
    else:
        for day in {a.starts_on for a in rows}:
            held = sum(a.desks for a in rows if a.starts_on <= day and (a.ends_on is None or day < a.ends_on))
            if held > space.desks:
                over_capacity += 1
desks = Space.objects.get(code="A1-110")
print("BENCH-CHECK " + json.dumps({
    "overlaps": overlaps,
    "over_capacity_days": over_capacity,
    "contested_office_allocations": Allocation.objects.filter(space__code="B2-305").count(),
    "last_desks_held": sum(Allocation.objects.filter(space=desks).values_list("desks", flat=True)),
    "last_desks_total": desks.desks,
    "allocations": Allocation.objects.count(),
}))
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


def shell_json(env: dict[str, str], code: str, marker: str) -> dict:
    output = manage(env, "shell", "-c", code)
    line = next((x for x in output.splitlines() if x.startswith(marker + " ")), None)
    if line is None:
        raise BenchError(f"no {marker} line in:\n{output}")
    return json.loads(line.removeprefix(marker + " "))


# --- Load ------------------------------------------------------------------------------


@dataclass
class Outcome:
    label: str
    codes: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    wall_seconds: float = 0.0


def post(session: requests.Session, base: str, token: str, body: dict) -> tuple[str, float]:
    begun = time.perf_counter()
    try:
        response = session.post(
            f"{base}/api/v1/allocations/", json=body, headers={"Authorization": f"Token {token}"}, timeout=60
        )
        if response.status_code == 201:
            code = "201 created"
        else:
            code = f"{response.status_code} {response.json().get('code', '?')}"
    except (requests.RequestException, ValueError) as exc:
        code = type(exc).__name__
    return code, time.perf_counter() - begun


def all_at_once(label: str, base: str, token: str, bodies: list[dict]) -> Outcome:
    """Every body from its own client, released together by a barrier."""
    outcome = Outcome(label)
    barrier = threading.Barrier(len(bodies))
    lock = threading.Lock()

    def client(body: dict) -> None:
        with requests.Session() as session:
            session.get(f"{base}/healthz", timeout=30)  # open the keep-alive connection first
            barrier.wait(timeout=60)
            code, elapsed = post(session, base, token, body)
        with lock:
            outcome.codes[code] += 1
            outcome.latencies.append(elapsed)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        list(pool.map(client, bodies))
    outcome.wall_seconds = time.monotonic() - started
    return outcome


def stream(label: str, base: str, token: str, bodies: list[dict], clients: int) -> Outcome:
    """The bodies from `clients` concurrent clients, each taking the next one in turn."""
    outcome = Outcome(label)
    lock = threading.Lock()
    queue = iter(bodies)

    def client(_index: int) -> None:
        with requests.Session() as session:
            while True:
                with lock:
                    body = next(queue, None)
                if body is None:
                    return
                code, elapsed = post(session, base, token, body)
                with lock:
                    outcome.codes[code] += 1
                    outcome.latencies.append(elapsed)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(client, range(clients)))
    outcome.wall_seconds = time.monotonic() - started
    return outcome


def stream_bodies(seed: dict, count: int, rng: random.Random) -> list[dict]:
    spaces = [(pk, None) for pk in seed["stream_offices"]] + [(pk, "desks") for pk in seed["stream_desks"]]
    bodies = []
    for _ in range(count):
        space, kind = rng.choice(spaces)
        starts_on = date(2026, 1, 1) + timedelta(days=rng.randrange(0, 720))
        body = {
            "space": space,
            "company": rng.choice(seed["companies"]),
            "starts_on": starts_on.isoformat(),
            "ends_on": (starts_on + timedelta(days=rng.randrange(7, 120))).isoformat(),
        }
        if kind:
            body["desks"] = rng.randint(1, 4)
        bodies.append(body)
    return bodies


def report(outcomes: list[Outcome]) -> None:
    header = f"{'scenario':<34}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  outcomes"
    print(header)
    print("-" * (len(header) + 30))
    for o in outcomes:
        ordered = sorted(o.latencies)
        total = sum(o.codes.values())
        codes = ", ".join(f"{code} x{n}" for code, n in sorted(o.codes.items()))
        print(
            f"{o.label:<34}{total:>9}{total / max(o.wall_seconds, 1e-9):>8.1f}"
            f"{percentile(ordered, 0.50):>9.1f}{percentile(ordered, 0.95):>9.1f}{percentile(ordered, 0.99):>9.1f}"
            f"  {codes}"
        )


# --- Main ------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--desks-left", type=int, default=5, help="desks left in the contested area (default 5)")
    parser.add_argument("--stream", type=int, default=1000, help="allocations sent in scenario 3 (default 1000)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--seed", type=int, default=2016, help="random seed of scenario 3 (default 2016)")
    args = parser.parse_args(argv)
    if args.clients < 2 or args.desks_left < 1 or args.desks_left >= args.clients or args.stream < 0:
        parser.error("--clients must be at least 2, --desks-left between 1 and clients - 1, --stream not negative")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, interrupt)
    outside_url = os.environ.get("DATABASE_URL", "")
    if outside_url and urllib.parse.urlsplit(outside_url).scheme not in POSTGRES_SCHEMES:
        print("DATABASE_URL must point at PostgreSQL; unset it to benchmark on SQLite.", file=sys.stderr)
        return 2

    var_dir = Path(tempfile.mkdtemp(prefix="incubator-spaces-bench-"))
    server = None
    postgres_url = None
    try:
        if outside_url:
            postgres_url, version = postgres_create(outside_url)
            database_url, database = postgres_url, f"PostgreSQL {version}, database {BENCH_DATABASE}"
        else:
            database_url = f"sqlite:///{var_dir / 'bench.sqlite3'}"
            database = "SQLite (WAL, IMMEDIATE transactions) in a temporary folder"
        env = server_env(var_dir=var_dir, database_url=database_url)
        print("preparing: migrate, collectstatic, seed ...", flush=True)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        total_desks = args.clients + args.desks_left
        seed_env = {
            **env,
            "BENCH_CLIENTS": str(args.clients),
            "BENCH_DESKS": str(total_desks),
            "BENCH_LEFT": str(args.desks_left),
            "BENCH_OFFICES": str(OFFICES),
            "BENCH_DESK_AREAS": str(DESK_AREAS),
            "BENCH_DESKS_PER_AREA": str(DESKS_PER_AREA),
        }
        seed = shell_json(seed_env, SEED, "BENCH-SEED")
        server = Server(
            env=env, port=free_port(), workers=args.workers, threads=args.threads, log_path=var_dir / "gunicorn.log"
        )
        server.start()
        base, token = server.base_url, seed["token"]

        print()
        print("Spaces concurrency benchmark")
        print(f"  server    gunicorn {args.workers} workers x {args.threads} threads on {base}")
        print(f"  database  {database}")
        print(f"  clients   {args.clients}, released together by a barrier (scenarios 1 and 2)")
        print(f"  machine   {os.cpu_count()} CPUs, shared by the clients and the server")
        print()

        period = {"starts_on": "2026-06-01", "ends_on": "2026-12-01"}
        office = [{"space": seed["contested_office"], "company": c, **period} for c in seed["companies"]]
        desks = [{"space": seed["last_desks"], "company": c, "desks": 1, **period} for c in seed["companies"]]
        outcomes = [
            all_at_once("1. one office, one period", base, token, office),
            all_at_once(f"2. open desks, {args.desks_left} left", base, token, desks),
        ]
        if args.stream:
            bodies = stream_bodies(seed, args.stream, random.Random(args.seed))
            label = f"3. stream over {OFFICES + DESK_AREAS} spaces"
            outcomes.append(stream(label, base, token, bodies, args.clients))
        report(outcomes)

        check = shell_json(env, CHECK, "BENCH-CHECK")
        print()
        print(
            f"database: {check['allocations']} allocations; offices sharing a day: {check['overlaps']}; "
            f"days over desk capacity: {check['over_capacity_days']}"
        )
        print(
            f"          contested office let {check['contested_office_allocations']} time(s); "
            f"contested desks held {check['last_desks_held']} of {check['last_desks_total']}"
        )
        broken = (
            check["overlaps"]
            or check["over_capacity_days"]
            or check["contested_office_allocations"] != 1
            or check["last_desks_held"] != check["last_desks_total"]
            or outcomes[0].codes["201 created"] != 1
            or outcomes[1].codes["201 created"] != args.desks_left
        )
        expected = {"201 created", "409 overlap", "409 over_capacity"}
        failed = sum(n for o in outcomes for code, n in o.codes.items() if code not in expected)
        if failed:
            print(f"{failed} request(s) ended otherwise than 201 or 409 overlap/over_capacity", file=sys.stderr)
        if broken:
            print("A RULE WAS BROKEN", file=sys.stderr)
        return 1 if broken or failed else 0
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        if server is not None:
            print(server.log_tail(), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    finally:
        if server is not None:
            server.stop()
        if postgres_url is not None:
            try:
                postgres_drop(outside_url)
            except Exception as exc:
                print(f"could not drop {BENCH_DATABASE}: {exc}", file=sys.stderr)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

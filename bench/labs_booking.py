"""Labs benchmark: bookings that never collide, and what booking costs over HTTP.

Three measurements against gunicorn on a database this script prepares:

1. Race. For each of `--rounds` slots, `--racers` clients (50), each a trained member of
   its own company with its own keep-alive connection, wait at a barrier and ask for the
   same slot at once: `POST /api/v1/bookings/`. Every round must give exactly one 201 and
   409 `overlap` for the rest; afterwards the database is searched for two live bookings
   of one piece of equipment that overlap (there must be none).
2. Throughput, side by side. Alternating phases of `--seconds` each: `POST /bench/insert/`,
   a bare Django view that does one INSERT (bench/labs_urls.py, through the same
   middleware), then `GET /api/v1/users/me/` for reference (the cheapest signed-in API
   request: token authentication and one small serializer), then `POST /api/v1/bookings/`
   with a fresh free slot each time (token authentication, validation, every booking rule,
   the row and its history). The phases alternate `--phases` times so that all see the
   same machine; the figures are requests per second over each endpoint's own phases, and
   the ratios to the bare endpoint.
3. Availability. `GET /api/v1/equipment/{id}/availability/` for a week, from `--clients`
   clients, once the throughput phases have filled the calendars: p50 and p95 latency.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/labs_booking.py

With DATABASE_URL (PostgreSQL) it creates and drops the database incubator_labs_bench on
that server; without, it uses a SQLite file in a temporary folder (the race then tests the
IMMEDIATE transactions instead of the exclusion constraint). It stops everything it started,
also on Ctrl-C, and talks to 127.0.0.1 only. It exits 1 when a round did not give exactly one
booking, when two live bookings overlap, or when a measured request failed.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import platform
import random
import secrets
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

# The platform benchmark's helpers.
from run import BenchError, Server, free_port, manage, percentile

BENCH_DATABASE = "incubator_labs_bench"
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "psql"}
ZONE = ZoneInfo("Asia/Shanghai")
OPENS, CLOSES = 6, 23  # the bench lab's hours, every day

# Runs inside `manage.py shell -c`. Companies and their teams are written directly (the
# admission workflow is not what is measured); people, tokens and trainings through services.
SEED = """
import json, os
from datetime import time, timedelta
from decimal import Decimal
from django.db import connection
from django.utils import timezone
from companies.models import Company, Membership, Residency
from incubator import services as platform
from incubator.choices import Role
from labs import services as labs
from labs.models import Equipment, Lab, OpeningHours

today = timezone.localdate()
site = platform.site_create(name="基准创客中心", name_en="Benchmark maker centre", code="bench-labs")
staff = platform.user_create(email="bench-staff@bench.local", roles=[Role.CENTRE_STAFF], staff_sites=[site])
lab = Lab.objects.create(site=site, name="基准激光工坊", name_en="Benchmark laser workshop")
for weekday in range(7):
    OpeningHours.objects.create(lab=lab, weekday=weekday, opens_at=time(int(os.environ["BENCH_OPENS"])), closes_at=time(int(os.environ["BENCH_CLOSES"])))
equipment = [
    Equipment.objects.create(
        lab=lab, name=f"激光切割机 {i:03d}", kind="laser_cutter", slot_minutes=30, min_minutes=30,
        max_minutes=240, horizon_days=90, hourly_rate=Decimal("60.00"),
    )
    for i in range(int(os.environ["BENCH_EQUIPMENT"]))
]
people = []
for i in range(int(os.environ["BENCH_USERS"])):
    company = Company.objects.create(name=f"基准科技有限公司{i:03d}", status="resident", admitted_on=today)
    Residency.objects.create(company=company, site=site, starts_on=today)
    user = platform.user_create(email=f"bench-{i:03d}@bench.local", full_name=f"Benchmark maker {i}")
    Membership.objects.create(user=user, company=company, role="owner")
    labs.training_grant(user=user, kind="laser_cutter", by=staff, granted_on=today - timedelta(days=1))
    people.append({"token": platform.api_token_obtain(user=user).key, "company": company.pk})
with connection.cursor() as cursor:
    if connection.vendor == "postgresql":
        cursor.execute("CREATE TABLE bench_insert (id bigserial PRIMARY KEY, created_at timestamptz NOT NULL, payload text NOT NULL)")
    else:
        cursor.execute("CREATE TABLE bench_insert (id integer PRIMARY KEY AUTOINCREMENT, created_at datetime NOT NULL, payload text NOT NULL)")
print("BENCH-SEED " + json.dumps({"people": people, "equipment": [e.pk for e in equipment]}))
"""

OVERLAPS = """
SELECT count(*) FROM labs_booking a JOIN labs_booking b
  ON a.equipment_id = b.equipment_id AND a.id < b.id
 AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
WHERE a.status IN ('pending', 'confirmed') AND b.status IN ('pending', 'confirmed')
"""


# --- Database --------------------------------------------------------------------------


def postgres_conninfo(url: str, dbname: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(scheme="postgresql", path="/" + dbname))


def _maintenance_db(url: str) -> str:
    name = urllib.parse.urlsplit(url).path.lstrip("/") or "postgres"
    return "postgres" if name == BENCH_DATABASE else name


def postgres_create(url: str) -> tuple[str, str]:
    import psycopg
    from psycopg import sql

    with psycopg.connect(postgres_conninfo(url, _maintenance_db(url)), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DATABASE)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DATABASE)))
        version = conn.execute("SHOW server_version").fetchone()[0]
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + BENCH_DATABASE)), version


def postgres_drop(url: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(postgres_conninfo(url, _maintenance_db(url)), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DATABASE)))


def count_rows(database_url: str, query: str) -> int:
    if database_url.startswith("sqlite:"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            return conn.execute(query).fetchone()[0]
    import psycopg

    with psycopg.connect(postgres_conninfo(database_url, BENCH_DATABASE)) as conn:
        return conn.execute(query).fetchone()[0]


# --- HTTP clients ------------------------------------------------------------------------


class Client:
    """One keep-alive connection with one person's token."""

    def __init__(self, port: int, token: str = "", company: int = 0):
        self.port = port
        self.token = token
        self.company = company
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=payload, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                # The server closed an idle keep-alive connection: open a new one once.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        try:
            return response.status, json.loads(data) if data else {}
        except ValueError:
            return response.status, {}

    def close(self) -> None:
        self.conn.close()


def booking_body(equipment: int, company: int, start: datetime, minutes: int = 30) -> dict:
    return {
        "equipment": equipment,
        "company": company,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(minutes=minutes)).isoformat(),
        "purpose": "基准测试",
    }


def slots(equipment: list[int], first_day: date, days: int):
    """Every free half hour of every piece of equipment, day by day."""
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        for hour, minute in itertools.product(range(OPENS, CLOSES), (0, 30)):
            start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)
            for item in equipment:
                yield item, start


# --- 1. Race -----------------------------------------------------------------------------


@dataclass
class RaceResult:
    rounds: list[Counter] = field(default_factory=list)
    seconds: float = 0.0


def race(*, port: int, people: list[dict], equipment: list[int], rounds: int, racers: int, day: date) -> RaceResult:
    clients = [Client(port, p["token"], p["company"]) for p in people[:racers]]
    for client in clients:
        client.request("GET", "/api/v1/users/me/")  # open the connection before the race
    result = RaceResult()
    started = time.monotonic()
    for number in range(rounds):
        item = equipment[number % len(equipment)]
        start = datetime(day.year, day.month, day.day, OPENS + number // len(equipment) % 10, 0, tzinfo=ZONE)
        barrier = threading.Barrier(len(clients))
        outcome: Counter = Counter()
        lock = threading.Lock()

        def ask(client: Client, item=item, start=start, barrier=barrier, outcome=outcome, lock=lock) -> None:
            barrier.wait(timeout=60)
            try:
                status, data = client.request("POST", "/api/v1/bookings/", booking_body(item, client.company, start))
                key = f"{status} {data.get('code', '')}".strip()
            except Exception as exc:  # a failed request is counted, not raised
                key = type(exc).__name__
            with lock:
                outcome[key] += 1

        threads = [threading.Thread(target=ask, args=(c,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        result.rounds.append(outcome)
    result.seconds = time.monotonic() - started
    for client in clients:
        client.close()
    return result


# --- 2. Throughput ---------------------------------------------------------------------------


@dataclass
class Load:
    ok: int = 0
    errors: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, other: Load) -> None:
        self.ok += other.ok
        self.errors.update(other.errors)
        self.latencies.extend(other.latencies)
        self.seconds += other.seconds

    @property
    def throughput(self) -> float:
        return (self.ok + sum(self.errors.values())) / self.seconds if self.seconds else 0.0


def run_phase(*, clients: list[Client], seconds: float, make_request, expect: int) -> Load:
    """Every client sends requests back to back until the time is up."""
    load = Load()
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def work(client: Client) -> None:
        mine = Load()
        while time.monotonic() < stop:
            method, path, body = make_request(client)
            begun = time.perf_counter()
            try:
                status, data = client.request(method, path, body)
                key = None if status == expect else f"HTTP {status} {data.get('code', '')}".strip()
            except Exception as exc:
                key = type(exc).__name__
            elapsed = time.perf_counter() - begun
            if key is None:
                mine.ok += 1
                mine.latencies.append(elapsed)
            else:
                mine.errors[key] += 1
        with lock:
            load.add(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=work, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    load.seconds = time.monotonic() - started
    return load


# --- Report ------------------------------------------------------------------------------


def line(label: str, load: Load) -> str:
    ordered = sorted(load.latencies)
    count = load.ok + sum(load.errors.values())
    return (
        f"{label:<34}{count:>9}{sum(load.errors.values()):>8}{load.throughput:>9.1f}"
        f"{percentile(ordered, 0.50):>9.1f}{percentile(ordered, 0.95):>9.1f}{percentile(ordered, 0.99):>9.1f}"
    )


def server_env(*, var_dir: Path, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("BROKER_DIR", "MEDIA_ROOT", "EMAIL_FILE_PATH", "EMAIL_URL", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.labs_settings",
        SECRET_KEY=secrets.token_urlsafe(48),
        DEBUG="false",
        HTTPS="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        CACHE_KEY_PREFIX="incubator-labs-bench",
        LOG_LEVEL="WARNING",
        # The throttles still run on every API request; they must not turn load into 429s.
        API_THROTTLE_ANON="1000000/minute",
        API_THROTTLE_USER="1000000/minute",
    )
    return env


def interrupt(signum, frame):
    raise KeyboardInterrupt


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--racers", type=int, default=50, help="clients asking for one slot at once (default 50)")
    parser.add_argument("--rounds", type=int, default=20, help="slots raced for (default 20)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients in the throughput phases (16)")
    parser.add_argument("--seconds", type=float, default=10, help="length of each throughput phase (default 10)")
    parser.add_argument("--phases", type=int, default=3, help="bare/booking phase pairs, alternating (default 3)")
    parser.add_argument(
        "--reference",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure GET /api/v1/users/me/, the cheapest signed-in API request, between the two (default on)",
    )
    parser.add_argument("--availability", type=int, default=600, help="availability requests (default 600)")
    parser.add_argument("--equipment", type=int, default=100, help="pieces of equipment seeded (default 100)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker in the throughput phases (4)")
    parser.add_argument(
        "--race-threads", type=int, default=25, help="threads per worker in the race, so that all race at once (25)"
    )
    args = parser.parse_args(argv)
    for name in ("racers", "rounds", "clients", "phases", "equipment", "workers", "threads", "race_threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.seconds <= 0 or args.availability < 0:
        parser.error("--seconds must be positive and --availability not negative")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, interrupt)
    outside_url = os.environ.get("DATABASE_URL", "")
    if outside_url and urllib.parse.urlsplit(outside_url).scheme not in POSTGRES_SCHEMES:
        print("DATABASE_URL must point at PostgreSQL; unset it to benchmark on SQLite.", file=sys.stderr)
        return 2
    var_dir = Path(tempfile.mkdtemp(prefix="incubator-labs-bench-"))
    server: Server | None = None
    created_postgres = False
    try:
        if outside_url:
            database_url, version = postgres_create(outside_url)
            created_postgres = True
            database = f"PostgreSQL {version}, database {BENCH_DATABASE}"
        else:
            database_url = f"sqlite:///{var_dir / 'bench.sqlite3'}"
            database = "SQLite (WAL, IMMEDIATE transactions) in a temporary folder"
        env = server_env(var_dir=var_dir, database_url=database_url)

        step = time.monotonic()
        print("preparing: migrate, collectstatic, seed ...", flush=True)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        seed_env = {
            **env,
            "BENCH_USERS": str(max(args.racers, args.clients)),
            "BENCH_EQUIPMENT": str(args.equipment),
            "BENCH_OPENS": str(OPENS),
            "BENCH_CLOSES": str(CLOSES),
        }
        output = manage(seed_env, "shell", "-c", SEED)
        seeded = next((x for x in output.splitlines() if x.startswith("BENCH-SEED ")), None)
        if seeded is None:
            raise BenchError(f"the seed printed nothing:\n{output}")
        seed = json.loads(seeded.removeprefix("BENCH-SEED "))
        people, equipment = seed["people"], seed["equipment"]
        print(f"prepared in {time.monotonic() - step:.1f} s", flush=True)

        import django

        tomorrow = datetime.now(ZONE).date() + timedelta(days=1)
        print()
        print("Incubator labs benchmark")
        print(f"  software  Python {platform.python_version()}, Django {django.get_version()}")
        print(f"  database  {database}")
        print(f"  cache     {'Redis' if env.get('REDIS_URL') else 'local memory in each worker'}")
        print(
            f"  data      1 lab open {OPENS}:00–{CLOSES}:00 daily, {args.equipment} laser cutters, {len(people)} makers"
        )
        print(f"  machine   {os.cpu_count()} CPUs, shared by the clients and the server")
        print()

        # 1. Race ------------------------------------------------------------------------
        server = Server(
            env=env, port=free_port(), workers=args.workers, threads=args.race_threads, log_path=var_dir / "race.log"
        )
        server.start()
        print(
            f"1. Race: {args.rounds} slots, {args.racers} clients each at once "
            f"(gunicorn {args.workers} workers x {args.race_threads} threads)"
        )
        result = race(
            port=server.port,
            people=people,
            equipment=equipment,
            rounds=args.rounds,
            racers=args.racers,
            day=tomorrow,
        )
        server.stop()
        server = None
        totals: Counter = Counter()
        for outcome in result.rounds:
            totals.update(outcome)
        wrong_rounds = [i for i, outcome in enumerate(result.rounds, 1) if outcome.get("201", 0) != 1]
        overlaps = count_rows(database_url, OVERLAPS)
        print(f"   answers      {', '.join(f'{key} x{n}' for key, n in totals.most_common())}")
        print(
            f"   per round    {'exactly one 201 in every round' if not wrong_rounds else f'WRONG in rounds {wrong_rounds}'}"
        )
        print(f"   database     {overlaps} overlapping live bookings (double bookings)")
        print(f"   time         {result.seconds:.1f} s")
        print()

        # 2. Throughput --------------------------------------------------------------------
        server = Server(
            env=env, port=free_port(), workers=args.workers, threads=args.threads, log_path=var_dir / "load.log"
        )
        server.start()
        clients = [Client(server.port, p["token"], p["company"]) for p in people[: args.clients]]
        free = slots(equipment, tomorrow + timedelta(days=1), 80)
        free_lock = threading.Lock()

        def next_booking(client: Client):
            with free_lock:
                item, start = next(free)
            return "POST", "/api/v1/bookings/", booking_body(item, client.company, start)

        def next_insert(client: Client):
            return "POST", "/bench/insert/", {"payload": "基准测试"}

        def next_me(client: Client):
            return "GET", "/api/v1/users/me/", None

        phases = [(next_insert, 201), (next_booking, 201)]
        if args.reference:
            phases.insert(1, (next_me, 200))
        for make, expect in phases:  # warm-up, not counted
            run_phase(clients=clients, seconds=1.5, make_request=make, expect=expect)
        bare, booking, reference = Load(), Load(), Load()
        for _ in range(args.phases):
            bare.add(run_phase(clients=clients, seconds=args.seconds, make_request=next_insert, expect=201))
            if args.reference:
                reference.add(run_phase(clients=clients, seconds=args.seconds, make_request=next_me, expect=200))
            booking.add(run_phase(clients=clients, seconds=args.seconds, make_request=next_booking, expect=201))
        ratio = booking.throughput / bare.throughput if bare.throughput else 0.0
        reference_phase = f" + {args.seconds:g} s reference" if args.reference else ""
        header = f"{'endpoint':<34}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        print(
            f"2. Throughput: {args.clients} clients, {args.phases} x ({args.seconds:g} s bare{reference_phase} + {args.seconds:g} s "
            f"booking), alternating (gunicorn {args.workers} workers x {args.threads} threads)"
        )
        print("   " + header)
        print("   " + "-" * len(header))
        print("   " + line("POST /bench/insert/ (bare)", bare))
        if args.reference:
            print("   " + line("GET /api/v1/users/me/ (reference)", reference))
        print("   " + line("POST /api/v1/bookings/", booking))
        if args.reference and bare.throughput:
            print(f"   reference / bare throughput: {reference.throughput / bare.throughput:.2f}")
        print(f"   booking / bare throughput: {ratio:.2f} (target: at least 0.50)")
        print()

        # 3. Availability ----------------------------------------------------------------------
        week = tomorrow + timedelta(days=1)
        query = f"from={week:%Y-%m-%d}&to={week + timedelta(days=6):%Y-%m-%d}"
        rng = random.Random(5)
        availability = Load()
        if args.availability:
            per_client = max(1, args.availability // len(clients))
            lock = threading.Lock()

            def look(client: Client) -> None:
                mine = Load()
                for _ in range(per_client):
                    path = f"/api/v1/equipment/{rng.choice(equipment)}/availability/?{query}"
                    begun = time.perf_counter()
                    status, _data = client.request("GET", path)
                    elapsed = time.perf_counter() - begun
                    if status == 200:
                        mine.ok += 1
                        mine.latencies.append(elapsed)
                    else:
                        mine.errors[f"HTTP {status}"] += 1
                with lock:
                    availability.add(mine)

            started = time.monotonic()
            threads = [threading.Thread(target=look, args=(c,)) for c in clients]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            availability.seconds = time.monotonic() - started
            booked = count_rows(database_url, "SELECT count(*) FROM labs_booking")
            print(f"3. Availability of one piece of equipment for a week ({booked} bookings in the database)")
            print("   " + header)
            print("   " + "-" * len(header))
            print("   " + line("GET .../availability/", availability))
            print()
        for client in clients:
            client.close()

        overlaps = count_rows(database_url, OVERLAPS)
        print(f"double bookings in the database at the end: {overlaps}")
        failed = sum(bare.errors.values()) + sum(booking.errors.values()) + sum(availability.errors.values())
        if failed:
            print(
                "errors: "
                + ", ".join(f"{k} x{n}" for k, n in (bare.errors + booking.errors + availability.errors).items())
            )
        return 1 if (wrong_rounds or overlaps or failed) else 0
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    finally:
        if server is not None:
            server.stop()
        if created_postgres:
            try:
                postgres_drop(outside_url)
            except Exception as exc:
                print(f"could not drop {BENCH_DATABASE}: {exc}", file=sys.stderr)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

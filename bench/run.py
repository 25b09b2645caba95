"""Platform benchmark: gunicorn on a fresh database, driven by concurrent HTTP clients.

Starts gunicorn (2 workers x 4 threads) on a free loopback port against a database this
script prepares, seeds users with API tokens through the platform's services, sends a
bounded number of requests from a pool of concurrent clients to three endpoints, and
prints throughput and latency per endpoint. It stops everything it started, also on
Ctrl-C, and talks to 127.0.0.1 only.

    .venv/bin/python bench/run.py [--concurrency 20] [--requests 2000] [--seconds 60]

The database is a SQLite file in a temporary folder by default. With DATABASE_URL set
(PostgreSQL), it is a database named incubator_bench on that server, created and
dropped by this script; REDIS_URL, when set, is used as in production.
"""

import argparse
import itertools
import json
import math
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BENCH_DATABASE = "incubator_bench"
POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "psql"}

# (label, path, sent with the API token)
ENDPOINTS = [
    ("GET /api/v1/sites/", "/api/v1/sites/", True),
    ("GET /api/v1/users/me/", "/api/v1/users/me/", True),
    ("GET /login/", "/login/", False),
]

# Runs inside `manage.py shell -c`: every row is written by the platform's services.
SEED = """
import json, os
from decimal import Decimal
from incubator import services

for i in range(1, int(os.environ["BENCH_SITES"]) + 1):
    services.site_create(
        name=f"基准孵化器 {i:03d}", name_en=f"Benchmark incubator {i:03d}", code=f"bench-{i:03d}",
        address="天津市河西区", total_area_m2=Decimal("1000.00"),
    )
tokens = []
for i in range(1, int(os.environ["BENCH_USERS"]) + 1):
    user = services.user_create(email=f"bench-{i:04d}@bench.local", full_name=f"Benchmark user {i}")
    tokens.append(services.api_token_obtain(user=user).key)
print("BENCH-TOKENS " + json.dumps(tokens))
"""


class BenchError(Exception):
    """The benchmark could not be set up; the message says why."""


# --- Database --------------------------------------------------------------------------


def postgres_conninfo(url: str, dbname: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(scheme="postgresql", path="/" + dbname))


def postgres_create(url: str) -> tuple[str, str]:
    """Create an empty incubator_bench beside the database in `url`; its URL and the server version."""
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


# --- Server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict[str, str], *args: str) -> str:
    """Run a management command; its output, or BenchError with the output on failure."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BenchError(f"manage.py {args[0]} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


class Server:
    """gunicorn in its own process group, so that it is stopped whole."""

    def __init__(self, *, env: dict[str, str], port: int, workers: int, threads: int, log_path: Path):
        self.env = env
        self.port = port
        self.workers = workers
        self.threads = threads
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        command = [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers),
            "--threads", str(self.threads),
            "--worker-class", "gthread",
            "--log-level", "warning",
            "--graceful-timeout", "5",
        ]  # fmt: skip
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if requests.get(self.base_url + "/login/", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise BenchError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


# --- Load ------------------------------------------------------------------------------


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, Counter] = field(default_factory=dict)
    wall_seconds: float = 0.0
    timed_out: bool = False

    def __post_init__(self):
        for label, _path, _auth in ENDPOINTS:
            self.latencies[label] = []
            self.errors[label] = Counter()


def run_load(*, base_url: str, tokens: list[str], concurrency: int, requests_total: int, seconds: float) -> Results:
    """Send `requests_total` requests from `concurrency` clients, or as many as fit in `seconds`."""
    results = Results()
    lock = threading.Lock()
    budget = itertools.count()
    stop = threading.Event()
    started = time.monotonic()
    deadline = started + seconds

    def client(index: int) -> None:
        session = requests.Session()
        auth = {"Authorization": f"Token {tokens[index % len(tokens)]}"}
        try:
            while not stop.is_set():
                number = next(budget)
                if number >= requests_total:
                    return
                if time.monotonic() >= deadline:
                    results.timed_out = True
                    stop.set()
                    return
                label, path, with_token = ENDPOINTS[number % len(ENDPOINTS)]
                error = None
                begun = time.perf_counter()
                try:
                    response = session.get(base_url + path, headers=auth if with_token else None, timeout=30)
                    response.content  # noqa: B018 - the body is part of the latency
                    if response.status_code != 200:
                        error = f"HTTP {response.status_code}"
                except requests.RequestException as exc:
                    error = type(exc).__name__
                elapsed = time.perf_counter() - begun
                with lock:
                    if error:
                        results.errors[label][error] += 1
                    else:
                        results.latencies[label].append(elapsed)
        finally:
            session.close()

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="client") as pool:
        futures = [pool.submit(client, i) for i in range(concurrency)]
        try:
            for future in futures:
                future.result()
        except BaseException:
            stop.set()
            raise
    results.wall_seconds = time.monotonic() - started
    return results


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list, in milliseconds."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1] * 1000


def report(results: Results) -> int:
    """Print the table; the number of failed requests."""
    header = f"{'endpoint':<24}{'requests':>9}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    print(header)
    print("-" * len(header))
    rows = [(label, results.latencies[label], results.errors[label]) for label, _path, _auth in ENDPOINTS]
    all_latencies = [value for _label, values, _errors in rows for value in values]
    all_errors = sum((errors for _label, _values, errors in rows), Counter())
    wall = max(results.wall_seconds, 1e-9)
    for label, values, errors in [*rows, ("all", all_latencies, all_errors)]:
        if label == "all":
            print("-" * len(header))
        ordered = sorted(values)
        failed = sum(errors.values())
        count = len(values) + failed
        print(
            f"{label:<24}{count:>9}{failed:>8}{count / wall:>9.1f}"
            f"{percentile(ordered, 0.50):>9.1f}{percentile(ordered, 0.95):>9.1f}{percentile(ordered, 0.99):>9.1f}"
        )
    total = sum(len(values) for _label, values, _errors in rows) + sum(all_errors.values())
    stopped = " (stopped by the time limit)" if results.timed_out else ""
    print(f"\n{total} requests in {results.wall_seconds:.1f} s{stopped}; latency percentiles over successful requests.")
    if all_errors:
        print("errors: " + ", ".join(f"{kind} x{n}" for kind, n in all_errors.most_common()))
    return sum(all_errors.values())


# --- Main ------------------------------------------------------------------------------


def server_env(*, var_dir: Path, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    # Everything the server writes stays in the temporary folder; nothing is sent out.
    for name in ("BROKER_DIR", "MEDIA_ROOT", "EMAIL_FILE_PATH", "EMAIL_URL", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SECRET_KEY=secrets.token_urlsafe(48),
        DEBUG="false",
        HTTPS="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        CACHE_KEY_PREFIX="incubator-bench",
        LOG_LEVEL="WARNING",
        # The throttle still runs on every API request; it must not turn load into 429s.
        API_THROTTLE_ANON="1000000/minute",
        API_THROTTLE_USER="1000000/minute",
    )
    return env


def interrupt(signum, frame):
    """SIGTERM ends the run like Ctrl-C: through the `finally` that stops the server."""
    raise KeyboardInterrupt


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--requests", type=int, default=2000, help="requests to send (default 2000)")
    parser.add_argument("--seconds", type=float, default=60, help="stop sending after this long (default 60)")
    parser.add_argument("--warmup", type=int, default=60, help="requests sent first and not counted (default 60)")
    parser.add_argument("--users", type=int, default=20, help="users seeded, each with a token (default 20)")
    parser.add_argument("--sites", type=int, default=20, help="sites seeded (default 20)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    args = parser.parse_args(argv)
    for name in ("concurrency", "requests", "users", "workers", "threads"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.seconds <= 0 or args.warmup < 0 or args.sites < 0:
        parser.error("--seconds must be positive, --warmup and --sites not negative")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, interrupt)

    outside_url = os.environ.get("DATABASE_URL", "")
    if outside_url and urllib.parse.urlsplit(outside_url).scheme not in POSTGRES_SCHEMES:
        print("DATABASE_URL must point at PostgreSQL; unset it to benchmark on SQLite.", file=sys.stderr)
        return 2

    var_dir = Path(tempfile.mkdtemp(prefix="incubator-bench-"))
    server = None
    postgres_url = None
    try:
        if outside_url:
            postgres_url, version = postgres_create(outside_url)
            database_url, database = postgres_url, f"PostgreSQL {version}, database {BENCH_DATABASE}"
        else:
            database_url = f"sqlite:///{var_dir / 'bench.sqlite3'}"
            database = "SQLite (WAL) in a temporary folder"
        env = server_env(var_dir=var_dir, database_url=database_url)

        step = time.monotonic()
        print("preparing: migrate, collectstatic, seed ...", flush=True)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        seed_env = {**env, "BENCH_USERS": str(args.users), "BENCH_SITES": str(args.sites)}
        output = manage(seed_env, "shell", "-c", SEED)
        line = next((x for x in output.splitlines() if x.startswith("BENCH-TOKENS ")), None)
        if line is None:
            raise BenchError(f"the seed printed no tokens:\n{output}")
        tokens = json.loads(line.removeprefix("BENCH-TOKENS "))
        print(f"prepared in {time.monotonic() - step:.1f} s", flush=True)

        server = Server(
            env=env, port=free_port(), workers=args.workers, threads=args.threads, log_path=var_dir / "gunicorn.log"
        )
        server.start()

        import django

        print()
        print("Incubator platform benchmark")
        print(f"  server    gunicorn {args.workers} workers x {args.threads} threads on {server.base_url}")
        print(f"  software  Python {platform.python_version()}, Django {django.get_version()}")
        print(f"  database  {database}")
        print(f"  cache     {'Redis' if env.get('REDIS_URL') else 'local memory in each worker'}")
        print(f"  data      {args.sites} sites, {args.users} users with API tokens")
        print(
            f"  load      {args.concurrency} concurrent clients, {args.requests} requests, at most {args.seconds:g} s; "
            f"{args.warmup} warm-up requests not counted"
        )
        print(f"  machine   {os.cpu_count()} CPUs, shared by the clients and the server")
        print()

        if args.warmup:
            run_load(
                base_url=server.base_url,
                tokens=tokens,
                concurrency=args.concurrency,
                requests_total=args.warmup,
                seconds=args.seconds,
            )
        results = run_load(
            base_url=server.base_url,
            tokens=tokens,
            concurrency=args.concurrency,
            requests_total=args.requests,
            seconds=args.seconds,
        )
        failed = report(results)
        return 1 if failed else 0
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
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

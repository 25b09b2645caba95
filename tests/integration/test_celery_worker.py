"""A real Celery worker, in its own process, against the test database and the real broker:
the filesystem broker in the SQLite pass, Redis when REDIS_URL is set."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery import current_app
from django.conf import settings
from django.db import connection
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from incubator import services, tasks
from incubator.choices import NotificationStatus
from incubator.models import Heartbeat, Notification
from tests.factories import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    """Start `celery worker --beat` as the embedded mode does; stop it afterwards."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres") and connection.vendor != "postgresql":
        pytest.fail("DATABASE_URL asks for PostgreSQL but the tests run on another database")
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "worker-test-" + "s" * 40,
        "HTTPS": "false",
        "DATABASE_URL": database_url(),
        "EMAIL_URL": "",
        "EMAIL_FILE_PATH": str(mail_dir),
        "BROKER_DIR": str(settings.BROKER_DIR),
        "VAR_DIR": str(tmp_path / "var"),
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115  (closed below)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--beat",
            "--loglevel",
            "INFO",
            "--concurrency",
            "1",
            "--pool",
            "solo",
            "--schedule",
            str(tmp_path / "beat-schedule"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    producer = current_app.conf
    was_eager = producer.task_always_eager
    producer.task_always_eager = False
    try:
        yield {"mail_dir": mail_dir, "log": tmp_path / "worker.log", "proc": proc}
    finally:
        producer.task_always_eager = was_eager
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def wait_for(predicate, timeout=45, what="condition", log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    pytest.fail(f"Timed out waiting for {what}.\nWorker log:\n{tail}")


def test_broker_is_the_one_the_run_mode_asks_for():
    url = current_app.conf.broker_url
    if os.environ.get("REDIS_URL"):
        assert url.startswith("redis://")
    else:
        assert url == "filesystem://"


def test_worker_runs_queued_tasks_and_beat(worker):
    # Beat: the default heartbeat job, made frequent for the test.
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.filter(name="incubator: worker heartbeat").update(interval=every_second)
    wait_for(lambda: Heartbeat.objects.filter(name="worker").exists(), what="a heartbeat from beat", log=worker["log"])

    # A message queued after commit reaches the worker through the broker and is sent once.
    user = UserFactory(email="worker-mail@example.org", language="en")
    services.notification_enqueue(
        recipient=user, kind="account.password_reset", dedupe_key="worker-1", context={"uid": "MQ", "token": "t"}
    )
    wait_for(
        lambda: Notification.objects.filter(dedupe_key="worker-1", status=NotificationStatus.SENT).exists(),
        what="the dispatcher to send the message",
        log=worker["log"],
    )
    tasks.notifications_dispatch.delay()  # a second run finds nothing to send
    time.sleep(2)
    files = list(worker["mail_dir"].glob("*.log"))
    bodies = "".join(f.read_text() for f in files)
    assert bodies.count("To: worker-mail@example.org") == 1
    assert Notification.objects.get(dedupe_key="worker-1").attempts == 1

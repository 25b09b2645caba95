"""Production settings: refuse to start without a real secret, and pass `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "HTTPS", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("secret", [None, "", "change-me", "short"])
def test_production_refuses_a_missing_or_default_secret_key(secret):
    env = {"ALLOWED_HOSTS": "incubator.example.org"}
    if secret is not None:
        env["SECRET_KEY"] = secret
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="k" * 20 + "-production-secret-" + "q" * 30,
        ALLOWED_HOSTS="incubator.example.org",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_mode_starts_without_a_secret(tmp_path):
    result = run_manage("check", DEBUG="true", VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_runs_on_the_database_the_environment_names():
    from django.db import connection

    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
    if expected == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"


@pytest.mark.django_db
def test_postgresql_prepares_the_statements_every_request_repeats():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("Prepared statements are PostgreSQL's; SQLite has no server to prepare them on.")
    sql = "SELECT count(*) FROM incubator_site WHERE id > %s"
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute(sql, [0])
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%incubator_site%"])
        assert cursor.fetchone()[0] == 1


def test_prepared_statements_can_be_turned_off_for_a_pooler(tmp_path):
    script = (
        "from django.conf import settings; o = settings.DATABASES['default'].get('OPTIONS', {}); "
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    base = {"DEBUG": "true", "VAR_DIR": str(tmp_path), "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    assert run_manage("shell", "-v", "0", "-c", script, **base).stdout.split() == ["True", "2"]
    off = run_manage("shell", "-v", "0", "-c", script, DATABASE_PREPARED_STATEMENTS="false", **base)
    assert off.stdout.split() == ["None", "None"], off.stderr

"""The settings modules: production refuses to start unsafely and passes check --deploy."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, env_overrides: dict, settings_module: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_"))}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = settings_module
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "cate.council.example",
    "DATABASE_URL": "postgres://cate_app@127.0.0.1:5432/postgres",
    "DATABASE_OWNER_URL": "postgres://cate_owner@127.0.0.1:5432/postgres",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def test_production_passes_check_deploy_without_warnings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides=PRODUCTION,
        settings_module="config.settings.production",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_the_application_connects_as_the_owner():
    """One role for both (no DATABASE_OWNER_URL, or the same role in both URLs) is allowed, with a
    warning: that role could rewrite the access log and the history tables."""
    one_role = {k: v for k, v in PRODUCTION.items() if k != "DATABASE_OWNER_URL"}
    same_role = {**PRODUCTION, "DATABASE_OWNER_URL": PRODUCTION["DATABASE_URL"]}
    for env in (one_role, same_role):
        result = manage("check", "--deploy", env_overrides=env, settings_module="config.settings.production")
        assert result.returncode == 0 and "core.W201" in result.stderr + result.stdout, result.stderr
    other_database = {**PRODUCTION, "DATABASE_OWNER_URL": "postgres://cate_owner@127.0.0.1:5432/other"}
    result = manage("check", "--deploy", env_overrides=other_database, settings_module="config.settings.production")
    assert result.returncode != 0 and "core.E202" in result.stderr
    result = manage("check", "--deploy", env_overrides={}, settings_module="config.settings.local")
    assert "core.W201" not in result.stderr + result.stdout  # SQLite has no roles


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = manage("check", env_overrides=env, settings_module="config.settings.production")
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_sqlite():
    env = {**PRODUCTION, "DATABASE_URL": "sqlite:////tmp/x.sqlite3"}
    result = manage("check", env_overrides=env, settings_module="config.settings.production")
    assert result.returncode != 0 and "PostgreSQL" in result.stderr


def test_local_needs_no_server_and_the_environment_selects_postgres_and_redis():
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL.split(':')[0], s.OTP_REQUIRED)"
    )
    result = manage("shell", "--no-imports", "-c", code, env_overrides={}, settings_module="config.settings.local")
    assert result.stdout.split() == ["django.db.backends.sqlite3", "filesystem", "False"], result.stderr
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        settings_module="config.settings.local",
        env_overrides={
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/3",
        },
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "redis", "False"], result.stderr
    result = manage(
        "shell", "--no-imports", "-c", code, settings_module="config.settings.production", env_overrides=PRODUCTION
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "redis", "True"], result.stderr


def test_the_embedded_broker_keeps_every_file_under_var():
    """`make run`'s filesystem broker writes its queues and its control exchanges under var/ (kombu
    writes the latter to ./control unless told), so running the app leaves the checkout clean."""
    code = (
        "from django.conf import settings as s; "
        "print(*sorted(k + '=' + v for k, v in s.CELERY_BROKER_TRANSPORT_OPTIONS.items() if 'folder' in k))"
    )
    result = manage("shell", "--no-imports", "-c", code, env_overrides={}, settings_module="config.settings.local")
    folders = dict(item.split("=", 1) for item in result.stdout.split())
    assert {"control_folder", "data_folder_in", "data_folder_out", "processed_folder"} == set(folders), result.stderr
    for folder in folders.values():
        assert Path(folder).is_relative_to(ROOT / "var"), folder


def test_idle_timeout_is_a_setting():
    code = "from django.conf import settings as s; print(s.SESSION_IDLE_TIMEOUT_MINUTES)"
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        settings_module="config.settings.local",
        env_overrides={"SESSION_IDLE_TIMEOUT_MINUTES": "15"},
    )
    assert result.stdout.strip() == "15"


def test_each_parallel_test_worker_has_a_redis_database_of_its_own(monkeypatch):
    from config.settings.test import _per_worker_redis

    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    assert _per_worker_redis("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    assert _per_worker_redis("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/1"
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    assert _per_worker_redis("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/2"
    assert _per_worker_redis("redis://127.0.0.1:6379") == "redis://127.0.0.1:6379/2"


def test_the_development_data_is_not_installed_in_production():
    """The generator and the demo records (devdata/) come with the local and test settings only."""
    result = manage("generate_data", "--help", env_overrides=PRODUCTION, settings_module="config.settings.production")
    assert result.returncode != 0 and "Unknown command: 'generate_data'" in result.stderr
    result = manage("generate_data", "--help", env_overrides={}, settings_module="config.settings.local")
    assert result.returncode == 0, result.stderr


LOCAL_PAGES = """
from django.conf import settings
from django.test import Client
client = Client(HTTP_HOST="localhost")
css = client.get("/static/build/app.css")
govuk = client.get("/static/govuk/govuk-frontend.min.js")
missing = client.get("/no-such-page/")
print(settings.DEBUG, css.status_code, govuk.status_code, missing.status_code)
print("Page not found" in missing.content.decode(), "Technical details" in missing.content.decode())
print(Client(HTTP_HOST="evil.example").get("/no-such-page/").status_code)
"""


def test_make_run_serves_what_users_see_with_debug_off_unless_asked(tmp_path):
    """`make run` (the local settings) has debug off: the styled 404 page, static files served by
    WhiteNoise with no collectstatic, unknown hosts refused. DJANGO_DEBUG=1 turns debug on."""
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    result = manage(
        "shell", "--no-imports", "-c", LOCAL_PAGES, env_overrides=database, settings_module="config.settings.local"
    )
    assert result.stdout.split() == ["False", "200", "200", "404", "True", "False", "400"], result.stderr
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        LOCAL_PAGES,
        env_overrides={**database, "DJANGO_DEBUG": "1"},
        settings_module="config.settings.local",
    )
    assert result.stdout.split()[:4] == ["True", "200", "200", "404"], result.stderr

"""make backup / make restore: a backup restores into a fresh database with every record and history row."""

import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from core import audit
from core.models import Agency
from core.roles import Role
from tests.factories import CaseFactory

ROOT = Path(__file__).resolve().parent.parent


def url_for(name: str) -> str:
    s = connection.settings_dict
    return f"postgresql://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_record_and_history_row(tmp_path, make_user):
    actor = make_user(Role.GROUP_MANAGER)
    agency = audit.save(Agency(name="Youth Justice Service", kind="youth_justice"), actor=actor, reason="New")
    agency.name = "Youth Justice"
    audit.save(agency, actor=actor, reason="Renamed")
    CaseFactory.create_batch(3)
    tables = ["core_agency", "core_historicalagency", "cate_case", "contacts_child", "core_user", "auth_group"]
    with connection.cursor() as cursor:
        expected = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            expected[table] = cursor.fetchone()[0]
    source = url_for(connection.settings_dict["NAME"])
    restored_name = f"{connection.settings_dict['NAME']}_restored"
    admin = url_for("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{restored_name}"')
        conn.execute(f'CREATE DATABASE "{restored_name}"')
    try:
        archive = tmp_path / "cate.dump"
        subprocess.run(
            ["bash", "scripts/backup.sh", str(archive)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            env={"DATABASE_URL": source, "PATH": "/usr/bin:/bin"},
        )
        subprocess.run(
            ["bash", "scripts/restore.sh", str(archive), url_for(restored_name)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            env={"PATH": "/usr/bin:/bin"},
        )
        with psycopg.connect(url_for(restored_name)) as conn:
            for table, count in expected.items():
                assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == count, table  # noqa: S608
            reasons = [
                r[0]
                for r in conn.execute(
                    "SELECT history_change_reason FROM core_historicalagency WHERE name LIKE 'Youth Justice%%' "
                    "ORDER BY history_date"
                )
            ]
            assert reasons == ["New", "Renamed"]
        refused = subprocess.run(
            ["bash", "scripts/restore.sh", str(archive), url_for(restored_name)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin"},
        )
        assert refused.returncode != 0 and "empty database" in refused.stderr
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')

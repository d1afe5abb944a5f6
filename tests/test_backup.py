"""make backup / make restore: a backup restores into a fresh database with every record and history
row, and the owner and the application role hold exactly the rights they held (core/database_roles.py)."""

import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from core import audit
from core.models import Agency
from core.roles import Role
from tests.database_roles import owned_by, table_privileges
from tests.factories import CaseFactory

ROOT = Path(__file__).resolve().parent.parent


def url_for(name: str) -> str:
    s = connection.settings_dict
    return f"postgresql://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def rights(conn, roles) -> dict:
    """What the application role may do on every table, sequence and function, and what the
    owner's default privileges give it on tables still to come."""
    functions = conn.execute(
        """
        SELECT p.proname, has_function_privilege(%s, p.oid, 'EXECUTE'),
               p.proacl IS NOT NULL AND NOT EXISTS (SELECT 1 FROM aclexplode(p.proacl) a WHERE a.grantee = 0),
               pg_get_userbyid(p.proowner), p.prosecdef
        FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE 'core\\_%%'
        ORDER BY p.proname
        """,
        [roles.app],
    ).fetchall()
    defaults = conn.execute(
        "SELECT defaclobjtype, defaclacl::text FROM pg_default_acl WHERE defaclrole = to_regrole(%s) ORDER BY 1",
        [roles.owner],
    ).fetchall()
    return {"tables": table_privileges(conn, roles.app), "functions": functions, "defaults": defaults}


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_every_record_and_history_row(tmp_path, make_user, database_roles):
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
    restored_name = f"{connection.settings_dict['NAME']}_restored"
    admin = url_for("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{restored_name}"')
        conn.execute(f'CREATE DATABASE "{restored_name}" OWNER "{database_roles.owner}"')
    with database_roles.connect(database_roles.admin) as conn:
        source_rights = rights(conn, database_roles)
    try:
        archive = tmp_path / "cate.dump"
        subprocess.run(
            ["bash", "scripts/backup.sh", str(archive)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            env={"DATABASE_URL": database_roles.url(database_roles.app), "PATH": "/usr/bin:/bin"},
        )
        restored = subprocess.run(
            ["bash", "scripts/restore.sh", str(archive), database_roles.url(database_roles.owner, restored_name)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            env={"DATABASE_URL": database_roles.url(database_roles.app, restored_name), "PATH": "/usr/bin:/bin"},
        )
        assert f"the application role {database_roles.app} is granted" in restored.stdout, restored.stderr
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
        with database_roles.connect(database_roles.admin, restored_name) as conn:
            assert rights(conn, database_roles) == source_rights
            assert owned_by(conn, database_roles.app) == []
            assert not conn.execute(
                "SELECT relname FROM pg_class "
                "WHERE relnamespace = 'public'::regnamespace AND relowner <> to_regrole(%s)",
                [database_roles.owner],
            ).fetchall()
        assert source_rights["tables"]["core_accesslog"] == {"SELECT", "INSERT"}
        assert ("core_erase_history_rows", True, True, database_roles.owner, True) in source_rights["functions"]
        assert ("core_grant_application_role", False, True, database_roles.owner, False) in source_rights["functions"]
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

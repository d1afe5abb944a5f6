"""The test database on two roles, as production runs (core/database_roles.py).

PostgreSQL roles belong to the whole cluster, while each test process has a database of its own
(test_cate, test_cate_gw0, ...) and other checkouts test on the same cluster: the roles are named
after the test database (`<database>_owner`, `<database>_app`), so no two processes make or alter
the same role. `setup_database_roles` creates them idempotently (and alters them when they exist);
they are left in place, owning nothing outside that test database, and are reused next time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
TABLE_KINDS = ("r", "p", "v", "m", "f")


@dataclass(frozen=True)
class Roles:
    database: str
    owner: str
    app: str
    host: str
    port: str
    admin: str

    def url(self, role: str, database: str | None = None) -> str:
        return f"postgresql://{role}:{role}-password@{self.host}:{self.port}/{database or self.database}"

    def connect(self, role: str, database: str | None = None, **kwargs):
        return psycopg.connect(self.url(role, database), **kwargs)


def roles_for(settings_dict: dict) -> Roles:
    name = settings_dict["NAME"]
    return Roles(
        database=name,
        owner=f"{name}_owner",
        app=f"{name}_app",
        host=settings_dict["HOST"] or "127.0.0.1",
        port=str(settings_dict["PORT"] or 5432),
        admin=settings_dict["USER"],
    )


def manage(roles: Roles, *args: str) -> subprocess.CompletedProcess:
    """manage.py as production runs it: DATABASE_URL the application role, DATABASE_OWNER_URL the owner."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=roles.url(roles.app),
        DATABASE_OWNER_URL=roles.url(roles.owner),
        DATABASE_ADMIN_URL=f"postgresql://{roles.admin}@{roles.host}:{roles.port}/postgres",
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def set_up(roles: Roles) -> None:
    """The set-up a production installation runs: the roles and the database's owner, then migrate
    (as the owner), whose post-migrate step grants the application role its privileges."""
    for args in (("setup_database_roles",), ("migrate", "--noinput", "-v", "0")):
        result = manage(roles, *args)
        assert result.returncode == 0, result.stdout + result.stderr


def table_privileges(conn, role: str) -> dict[str, frozenset[str]]:
    """Every table, view and sequence of the public schema -> the privileges `role` holds on it."""
    from core.database_roles import TABLE_PRIVILEGES

    rows = conn.execute(
        """
        SELECT c.relname, c.relkind, p.privilege
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        CROSS JOIN unnest(%s::text[]) AS p(privilege)
        WHERE n.nspname = 'public' AND c.relkind = ANY(%s::"char"[])
          AND has_table_privilege(%s, c.oid, p.privilege)
        UNION ALL
        SELECT c.relname, c.relkind, p.privilege
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        CROSS JOIN unnest(ARRAY['USAGE', 'SELECT', 'UPDATE']) AS p(privilege)
        WHERE n.nspname = 'public' AND c.relkind = 'S' AND has_sequence_privilege(%s, c.oid, p.privilege)
        """,
        [list(TABLE_PRIVILEGES), list(TABLE_KINDS), role, role],
    ).fetchall()
    privileges: dict[str, set[str]] = {
        name: set()
        for (name,) in conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = ANY(%s::\"char\"[])",
            [[*TABLE_KINDS, "S"]],
        )
    }
    for name, _kind, privilege in rows:
        privileges[name].add(privilege)
    return {name: frozenset(held) for name, held in privileges.items()}


def owned_by(conn, role: str) -> list[str]:
    """What `role` owns in the database: relations, functions, types, schemas."""
    return [
        row[0]
        for row in conn.execute(
            """
            SELECT 'relation ' || relname FROM pg_class WHERE relowner = to_regrole(%(r)s)
            UNION ALL SELECT 'function ' || proname FROM pg_proc WHERE proowner = to_regrole(%(r)s)
            UNION ALL SELECT 'type ' || typname FROM pg_type WHERE typowner = to_regrole(%(r)s)
            UNION ALL SELECT 'schema ' || nspname FROM pg_namespace WHERE nspowner = to_regrole(%(r)s)
            UNION ALL SELECT 'database ' || datname FROM pg_database WHERE datdba = to_regrole(%(r)s)
            """,
            {"r": role},
        )
    ]

"""Creates the database's two roles on PostgreSQL, and the database owned by the owner (idempotent).

Run once per installation, and again whenever a password changes, with a superuser's URL (or a
role with CREATEROLE and CREATEDB) in DATABASE_ADMIN_URL or --admin-url; then `migrate`, which
logs in as the owner and grants the application role its privileges (core/database_roles.py).
The roles, their passwords and the database are read from DATABASE_OWNER_URL and DATABASE_URL.
An installation that ran on one role is taken over: whatever the old role owned in the database
passes to the owner.
"""

import os

import environ
import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS
from psycopg import sql

from core.database_roles import owner_settings


def _connect(config: dict, dbname: str):
    return psycopg.connect(
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        dbname=dbname,
        autocommit=True,
    )


class Command(BaseCommand):
    help = "Create (or bring up to date) the database owner and the application role, and the database."

    def add_arguments(self, parser):
        parser.add_argument(
            "--admin-url",
            default=os.environ.get("DATABASE_ADMIN_URL", ""),
            help="A superuser's URL (default: DATABASE_ADMIN_URL). Its database is only connected to.",
        )

    def handle(self, *args, admin_url, **options):
        app = settings.DATABASES[DEFAULT_DB_ALIAS]
        owner = owner_settings()
        if app["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError("Database roles are PostgreSQL's: DATABASE_URL names another database.")
        if owner is None or owner["USER"] == app["USER"]:
            raise CommandError("Set DATABASE_OWNER_URL to the owner role, a different role from DATABASE_URL's.")
        if owner["NAME"] != app["NAME"]:
            raise CommandError("DATABASE_OWNER_URL and DATABASE_URL must name the same database.")
        if not admin_url:
            raise CommandError("Give a superuser's URL in DATABASE_ADMIN_URL or --admin-url.")
        admin = environ.Env.db_url_config(admin_url)
        if admin["USER"] in (owner["USER"], app["USER"]):
            raise CommandError("The administrator must be a third role, neither the owner nor the application.")
        database = app["NAME"]
        with _connect(admin, admin["NAME"] or "postgres") as conn:
            for config in (owner, app):
                self._role(conn, config["USER"], config.get("PASSWORD"))
            # The application is never a member of the owner (it would inherit its ownership).
            conn.execute(
                sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(owner["USER"]), sql.Identifier(app["USER"]))
            )
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
            verb = "ALTER DATABASE {} OWNER TO {}" if exists else "CREATE DATABASE {} OWNER {}"
            conn.execute(sql.SQL(verb).format(sql.Identifier(database), sql.Identifier(owner["USER"])))
        with _connect(admin, database) as conn:
            self._take_over(conn, owner["USER"])
            for statement in (
                "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
                "REVOKE ALL ON DATABASE {db} FROM PUBLIC",
                "GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {owner}",
                "GRANT CONNECT ON DATABASE {db} TO {app}",
                "GRANT USAGE, CREATE ON SCHEMA public TO {owner}",
                "GRANT USAGE ON SCHEMA public TO {app}",
            ):
                conn.execute(
                    sql.SQL(statement).format(
                        db=sql.Identifier(database),
                        owner=sql.Identifier(owner["USER"]),
                        app=sql.Identifier(app["USER"]),
                    )
                )
        self.stdout.write(
            f"Database {database}: owner {owner['USER']}, application role {app['USER']}. "
            "Now run migrate, which grants the application role its privileges."
        )

    def _role(self, conn, name: str, password: str | None):
        row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [name]).fetchone()
        if row and row[0]:
            raise CommandError(
                f"{name} is a superuser: choose another role name for DATABASE_URL and DATABASE_OWNER_URL."
            )
        attributes = sql.SQL("LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS")
        if password:
            attributes = sql.SQL("{} PASSWORD {}").format(attributes, sql.Literal(password))
        verb = "ALTER ROLE {} WITH {}" if row else "CREATE ROLE {} WITH {}"
        conn.execute(sql.SQL(verb).format(sql.Identifier(name), attributes))

    def _take_over(self, conn, owner: str):
        """Whatever another role owns in the public schema passes to the owner (a database that
        ran on one role, or was restored by another); extensions' own objects stay as they are."""
        relations = conn.execute(
            """
            SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
              AND pg_get_userbyid(c.relowner) <> %s
              AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.objid = c.oid AND e.deptype = 'e')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')
                              AND d.classid = 'pg_class'::regclass AND c.relkind = 'S')
            """,
            [owner],
        ).fetchall()
        kinds = {"v": "VIEW", "m": "MATERIALIZED VIEW", "f": "FOREIGN TABLE", "S": "SEQUENCE"}
        for name, kind in relations:
            statement = sql.SQL("ALTER {} public.{} OWNER TO {}").format(
                sql.SQL(kinds.get(kind, "TABLE")), sql.Identifier(name), sql.Identifier(owner)
            )
            conn.execute(statement)
        functions = conn.execute(
            """
            SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> %s
              AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.objid = p.oid AND e.deptype = 'e')
            """,
            [owner],
        ).fetchall()
        for (signature,) in functions:
            conn.execute(sql.SQL("ALTER FUNCTION {} OWNER TO {}").format(sql.SQL(signature), sql.Identifier(owner)))

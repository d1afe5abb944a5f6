"""The database's two roles on PostgreSQL: the owner and the application role.

The owner (`DATABASE_OWNER_URL`) runs `migrate` and owns every table, sequence and function. The
web app, the Celery worker and the scheduler connect as the application role (`DATABASE_URL`),
which owns nothing, so it can neither alter nor disable a trigger, and holds only these table
privileges (the rule, computed from the models, never listed by hand):

- the access log and every history table (django-simple-history's historical models, and any
  model marked `append_only`): SELECT and INSERT; UPDATE, DELETE and TRUNCATE are refused;
- every other model's table: SELECT, INSERT, UPDATE and DELETE (never TRUNCATE);
- any other table (django_migrations): SELECT.

After every `migrate` (post_migrate) the owner re-creates two functions from the models and
grants by the rule: `core_grant_application_role(role)` (re-run by scripts/restore.sh after a
restore) and `core_erase_history_rows(table, ids)`, the one sanctioned way to remove access-log or
history rows: SECURITY DEFINER, owned by the owner, deleting rows by primary key from those tables
only. Default privileges give tables made by later migrations SELECT and INSERT only (the safe
part of the rule) until the post-migrate step widens them.

When `DATABASE_OWNER_URL` is unset, `DATABASE_URL` serves both (one role: the functions exist but no
grant is made, and `check --deploy` warns). SQLite has no roles: nothing here runs there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import environ
from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

APPEND_ONLY = frozenset({"SELECT", "INSERT"})
ORDINARY = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE"})
OTHER = frozenset({"SELECT"})
# The privileges a table can carry (TRUNCATE, REFERENCES and TRIGGER are never granted).
TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")

# Set while `migrate` runs as the owner: the role the application connects as (DATABASE_URL's).
_application_role: ContextVar[str | None] = ContextVar("application_role", default=None)


def owner_settings() -> dict | None:
    """The owner's connection settings (DATABASE_OWNER_URL), or None when one role serves both."""
    url = getattr(settings, "DATABASE_OWNER_URL", "")
    return environ.Env.db_url_config(url) if url else None


def is_single_role(alias: str = DEFAULT_DB_ALIAS) -> bool:
    owner = owner_settings()
    return owner is None or owner.get("USER") == application_role(alias)


def application_role(alias: str = DEFAULT_DB_ALIAS) -> str:
    return _application_role.get() or settings.DATABASES[alias]["USER"]


@contextmanager
def as_owner(alias: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Inside, the connection `alias` logs in as the owner (when DATABASE_OWNER_URL is set and the
    database is PostgreSQL); the database itself (NAME) stays the one DATABASE_URL names."""
    owner = owner_settings()
    connection = connections[alias]
    if alias != DEFAULT_DB_ALIAS or owner is None or connection.vendor != "postgresql":
        yield
        return
    saved = {key: connection.settings_dict.get(key) for key in ("USER", "PASSWORD", "HOST", "PORT")}
    token = _application_role.set(saved["USER"])
    connection.close()
    connection.settings_dict.update({key: owner.get(key) or "" for key in saved})
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)
        _application_role.reset(token)


def append_only_models() -> list[type]:
    """The access log and every history table: models marked `append_only`, and every model
    django-simple-history made (the historical records and their many-to-many rows)."""
    from simple_history.models import HistoricalChanges

    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if issubclass(model, HistoricalChanges) or getattr(model, "append_only", False)
    ]


def privilege_rule() -> dict[str, frozenset[str]]:
    """Table name -> the privileges the application role holds on it, for every model's table.
    A table in the database that no model has (django_migrations) gets OTHER."""
    append_only = {model._meta.db_table for model in append_only_models()}
    rule = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            table = model._meta.db_table
            rule[table] = APPEND_ONLY if table in append_only else ORDINARY
    return rule


def _text_array(values) -> str:
    return "ARRAY[" + ", ".join(_literal(v) for v in sorted(values)) + "]::text[]" if values else "'{}'::text[]"


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def functions_sql() -> str:
    """The two functions, made from the models as they are now."""
    rule = privilege_rule()
    append_only = sorted(t for t, p in rule.items() if p == APPEND_ONLY)
    ordinary = sorted(t for t, p in rule.items() if p == ORDINARY)
    keys = {model._meta.db_table: model._meta.pk.column for model in append_only_models()}
    key_cases = "\n".join(f"        WHEN {_literal(t)} THEN {_literal(keys[t])}" for t in append_only)
    # Table and column names come from the models, quoted as literals.
    return f"""
CREATE OR REPLACE FUNCTION core_erase_history_rows(table_name text, row_ids bigint[]) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    key text;
    erased bigint;
BEGIN
    key := CASE table_name
{key_cases}
    END;
    IF key IS NULL THEN
        RAISE EXCEPTION '% is not the access log or a history table', table_name
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM set_config('cate.erasing_history', 'on', true);
    EXECUTE format('DELETE FROM public.%I WHERE %I = ANY($1)', table_name, key) USING row_ids;
    GET DIAGNOSTICS erased = ROW_COUNT;
    PERFORM set_config('cate.erasing_history', 'off', true);
    RETURN erased;
END
$fn$;
REVOKE ALL ON FUNCTION core_erase_history_rows(text, bigint[]) FROM PUBLIC;

CREATE OR REPLACE FUNCTION core_grant_application_role(app_role name) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $fn$
DECLARE
    append_only text[] := {_text_array(append_only)};
    ordinary text[] := {_text_array(ordinary)};
    t record;
BEGIN
    -- The owner's functions are no one else's to run unless granted (extensions' stay as they are).
    FOR t IN
        SELECT p.oid::regprocedure AS signature FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace AND pg_get_userbyid(p.proowner) = current_user
          AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.objid = p.oid AND e.deptype = 'e')
    LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', t.signature);
    END LOOP;
    EXECUTE 'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC';
    EXECUTE 'REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC';
    IF app_role IS NULL OR app_role = current_user THEN
        RETURN;  -- one role serves both: it owns everything
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', app_role);
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', app_role);
    EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM %I', app_role);
    FOR t IN
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
    LOOP
        EXECUTE format(
            'GRANT %s ON TABLE public.%I TO %I',
            CASE
                WHEN t.relname = ANY(append_only) THEN 'SELECT, INSERT'
                WHEN t.relname = ANY(ordinary) THEN 'SELECT, INSERT, UPDATE, DELETE'
                ELSE 'SELECT'
            END,
            t.relname, app_role
        );
    END LOOP;
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', app_role);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM %I', app_role);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT ON TABLES TO %I', app_role);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO %I', app_role);
    EXECUTE 'ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC';
    EXECUTE format('GRANT EXECUTE ON FUNCTION public.core_erase_history_rows(text, bigint[]) TO %I', app_role);
END
$fn$;
REVOKE ALL ON FUNCTION core_grant_application_role(name) FROM PUBLIC;
"""  # noqa: S608


def apply(using: str = DEFAULT_DB_ALIAS) -> None:
    """Re-create the functions and grant the application role its privileges (run as the owner)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    role = None if is_single_role(using) else application_role(using)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(functions_sql())
        cursor.execute("SELECT core_grant_application_role(%s)", [role])


def check_database_roles(app_configs=None, **kwargs):
    """`check --deploy`: on PostgreSQL, the application should not connect as the owner."""
    from django.core import checks

    if settings.DATABASES[DEFAULT_DB_ALIAS]["ENGINE"] != "django.db.backends.postgresql":
        return []
    owner = owner_settings()
    if owner is None or owner.get("USER") == settings.DATABASES[DEFAULT_DB_ALIAS].get("USER"):
        return [
            checks.Warning(
                "The application connects to the database as its owner, so it could rewrite or truncate "
                "the access log and the history tables.",
                hint="Set DATABASE_OWNER_URL to the owner role (it runs migrate) and DATABASE_URL to an "
                "application role that owns nothing: see docs/operations.md, 'Database roles'.",
                id="core.W201",
            )
        ]
    if owner.get("NAME") != settings.DATABASES[DEFAULT_DB_ALIAS].get("NAME"):
        return [
            checks.Error(
                "DATABASE_OWNER_URL and DATABASE_URL name different databases.",
                hint="Both URLs name the same database; only the role (and its password) differ.",
                id="core.E202",
            )
        ]
    return []

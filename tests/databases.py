"""Running a test on the SQLite database (the local run's) as well as on PostgreSQL.

config.settings.test declares a second database, `sqlite`, migrated like the first. Inside
`on_database("sqlite")` the router below sends every query of the ORM there (the application's
own code unchanged: it asks the router, as Django always does); outside it the router has no
opinion and everything goes to the default database. A test module uses it through the
`database` fixture of tests/conftest.py, parametrised over both.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_alias: ContextVar[str | None] = ContextVar("test_database", default=None)

BOTH = ("default", "sqlite")


class OnDatabase:
    def db_for_read(self, model, **hints):
        return _alias.get()

    def db_for_write(self, model, **hints):
        return _alias.get()

    def allow_relation(self, obj1, obj2, **hints):
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return None


@contextmanager
def on_database(alias: str) -> Iterator[str]:
    """Every ORM query inside goes to the database `alias`."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connections
    from guardian.shortcuts import clear_ct_cache

    token = _alias.set(None if alias == "default" else alias)
    # Content types are numbered differently on each database: none read on one (by Django's cache
    # or django-guardian's) is reused on the other.
    ContentType.objects.clear_cache()
    clear_ct_cache()
    try:
        yield connections[alias].vendor
    finally:
        _alias.reset(token)
        ContentType.objects.clear_cache()
        clear_ct_cache()

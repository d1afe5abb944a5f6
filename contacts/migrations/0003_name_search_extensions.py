"""Spelling-tolerant name search on PostgreSQL: pg_trgm (trigram similarity) and fuzzystrmatch
(double metaphone), with the indexes that serve them. On SQLite (the local run) these are skipped
and contacts.search falls back to plain matching."""

from django.contrib.postgres.operations import CreateExtension
from django.db import migrations

INDEXES = [
    ("contacts_child_first_trgm", "USING gin (lower(first_name) gin_trgm_ops)"),
    ("contacts_child_last_trgm", "USING gin (lower(last_name) gin_trgm_ops)"),
    ("contacts_child_known_trgm", "USING gin (lower(known_as) gin_trgm_ops)"),
    ("contacts_child_first_dmeta", "(dmetaphone(first_name))"),
    ("contacts_child_last_dmeta", "(dmetaphone(last_name))"),
    ("contacts_child_postcode_norm", "(upper(replace(postcode, ' ', '')))"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON contacts_child {definition}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0002_merge_assignment_referral_flags"),
    ]

    operations = [
        CreateExtension("pg_trgm"),
        CreateExtension("fuzzystrmatch"),
        migrations.RunPython(create_indexes, drop_indexes),
    ]

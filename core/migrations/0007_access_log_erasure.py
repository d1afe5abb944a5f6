"""The access log's trigger lets through the deletes of core_erase_history_rows (the one sanctioned
way to remove its rows, core/database_roles.py) and refuses every other UPDATE and DELETE."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION core_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('cate.erasing_history', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'core_accesslog is append-only: %% refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""
PREVIOUS = """
CREATE OR REPLACE FUNCTION core_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'core_accesslog is append-only: %% refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_user_second_factor_links")]
    operations = [migrations.RunPython(forwards, backwards)]

"""A trigram index on the very expression the name search matched then, so that
`word <% names_text` was an index scan, not a scan of the whole child index. PostgreSQL only, as
migration 0003. Migration 0012 drops it: the search now finds names by contacts.ChildNameKey."""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations
from django.db.models import CharField, Value
from django.db.models.functions import Concat, Lower

NAME = "contacts_child_names_trgm"


def _index():
    names_text = Lower(
        Concat("first_name", Value(" "), "last_name", Value(" "), "known_as", output_field=CharField())
    )
    return GinIndex(OpClass(names_text, name="gin_trgm_ops"), name=NAME)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    sql = str(_index().create_sql(apps.get_model("contacts", "Child"), schema_editor))
    # Django writes "USING gin ((expression opclass))"; PostgreSQL wants "USING gin ((expression) opclass)".
    sql = sql.replace(" gin_trgm_ops))", ") gin_trgm_ops)")
    schema_editor.execute(sql)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0004_merge_record_fields_may_be_empty"),
    ]

    operations = [migrations.RunPython(create_index, drop_index)]

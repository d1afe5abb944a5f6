"""The search keys of children's names (contacts.matching), by which every database finds a name with
plain indexed equality; filled for the children already in the index. The trigram and double-metaphone
indexes of migrations 0003 and 0005, which the search no longer uses, are dropped on PostgreSQL (the
postcode index of 0003 stays)."""

from importlib import import_module

import django.db.models.deletion
from django.db import migrations, models

OLD_INDEXES = [
    "contacts_child_names_trgm",
    "contacts_child_first_trgm",
    "contacts_child_last_trgm",
    "contacts_child_known_trgm",
    "contacts_child_first_dmeta",
    "contacts_child_last_dmeta",
]
BATCH = 2000


def fill_keys(apps, schema_editor):
    from contacts.matching import name_keys

    Child = apps.get_model("contacts", "Child")
    ChildNameKey = apps.get_model("contacts", "ChildNameKey")
    db = schema_editor.connection.alias
    rows = Child.objects.using(db).order_by("pk").values_list("pk", "first_name", "last_name", "known_as")
    batch = []
    for pk, first, last, known_as in rows.iterator(chunk_size=BATCH):
        batch += [ChildNameKey(child_id=pk, key=key) for key in sorted(name_keys(first, last, known_as))]
        if len(batch) >= BATCH:
            ChildNameKey.objects.using(db).bulk_create(batch, ignore_conflicts=True)
            batch = []
    ChildNameKey.objects.using(db).bulk_create(batch, ignore_conflicts=True)


def drop_old_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in OLD_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def restore_old_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    extensions = import_module("contacts.migrations.0003_name_search_extensions")
    for name, definition in extensions.INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON contacts_child {definition}")
    import_module("contacts.migrations.0005_child_names_trigram_index").create_index(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0011_gp_practice_register"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChildNameKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=40)),
                (
                    "child",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="contacts.child"
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["key", "child"], name="contacts_childnamekey_key_idx")],
                "constraints": [models.UniqueConstraint(fields=("child", "key"), name="contacts_childnamekey_unique")],
            },
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.RunPython(drop_old_indexes, restore_old_indexes),
    ]

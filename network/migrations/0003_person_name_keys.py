"""The search keys of persons of concern's names (network.matching), by which any database finds a
name or alias with plain indexed equality; filled for the persons already recorded."""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 2000


def fill_keys(apps, schema_editor):
    from network.matching import person_name_keys

    Person = apps.get_model("network", "Person")
    PersonNameKey = apps.get_model("network", "PersonNameKey")
    db = schema_editor.connection.alias
    rows = Person.objects.using(db).order_by("pk").values_list("pk", "first_name", "last_name", "aliases")
    batch = []
    for pk, first, last, aliases in rows.iterator(chunk_size=BATCH):
        batch += [PersonNameKey(person_id=pk, key=key) for key in sorted(person_name_keys(first, last, aliases))]
        if len(batch) >= BATCH:
            PersonNameKey.objects.using(db).bulk_create(batch, ignore_conflicts=True)
            batch = []
    PersonNameKey.objects.using(db).bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0002_mace_subject_removed"),
    ]

    operations = [
        migrations.CreateModel(
            name="PersonNameKey",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=40)),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="network.person"
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["key", "person"], name="network_personnamekey_key_idx")],
                "constraints": [models.UniqueConstraint(fields=("person", "key"), name="network_personnamekey_unique")],
            },
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]

"""The stored search keys of children's names follow the names through every service that writes
them, and the migration that brought them in filled them for the children already there."""

from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection

from contacts import matching, services
from contacts.models import Child, ChildNameKey
from contacts.search import ChildQuery
from contacts.selectors import child_search
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def stored(child) -> set[str]:
    return set(ChildNameKey.objects.filter(child=child).values_list("key", flat=True))


def test_adding_a_child_stores_the_keys_of_its_names(advisor):
    child = services.child_create(actor=advisor, data={"first_name": "Jayden", "last_name": "Smith", "known_as": "JJ"})
    assert stored(child) == matching.name_keys("Jayden", "Smith", "JJ")
    assert list(child_search(advisor, ChildQuery(name="Jaiden Smyth"))) == [child]


def test_changing_a_name_rewrites_the_keys_and_other_changes_leave_them(advisor, screener):
    child = services.child_create(actor=advisor, data={"first_name": "Jayden", "last_name": "Smith"})
    services.child_update(
        child=child, actor=screener, data={"last_name": "Brown"}, reason="Name", expected_version=None
    )
    assert stored(child) == matching.name_keys("Jayden", "Brown", "")
    assert "p:smi" not in stored(child)
    before = set(ChildNameKey.objects.filter(child=child).values_list("pk", flat=True))
    services.child_update(
        child=child, actor=screener, data={"school": "Demo Academy"}, reason="School", expected_version=None
    )
    assert set(ChildNameKey.objects.filter(child=child).values_list("pk", flat=True)) == before


def test_a_merge_that_fills_in_a_name_stores_its_keys(personas):
    manager = personas["fc_manager"]
    kept = ChildFactory(first_name="Jayden", last_name="Smith", known_as="")
    other = ChildFactory(first_name="Jayden", last_name="Smith", known_as="Jay Jay")
    services.child_merge(source=other, target=kept, actor=manager, reason="The same child")
    kept.refresh_from_db()
    assert kept.known_as == "Jay Jay"
    assert stored(kept) == matching.name_keys("Jayden", "Smith", "Jay Jay")


def test_the_migration_fills_the_keys_of_the_children_already_there():
    child = ChildFactory(first_name="Catherine", last_name="O'Neill", known_as="Kitty")
    ChildNameKey.objects.filter(child=child).delete()
    migration = import_module("contacts.migrations.0012_child_name_keys")
    with connection.schema_editor() as editor:
        migration.fill_keys(apps, editor)
    assert stored(child) == matching.name_keys("Catherine", "O'Neill", "Kitty")
    assert Child.objects.filter(pk=child.pk).exists()

"""The search keys of persons of concern's names (network.PersonNameKey): derived from the names and
aliases by the rule of network.matching, rewritten by every service that adds a person or changes
their names, in the same transaction, so that a person is found by name as soon as they are saved."""

from __future__ import annotations

from collections.abc import Iterable

from .. import matching
from ..models import Person, PersonNameKey

__all__ = ["NAME_FIELDS", "person_name_keys_refresh"]

# The fields the keys are made from: a change of one of them rewrites the person's keys.
NAME_FIELDS = frozenset({"first_name", "last_name", "aliases"})


def person_name_keys_refresh(persons: Iterable[Person]) -> None:
    """Make the stored keys of each person's names what their names give: missing keys are added and
    those of names the person no longer has are removed (they are an index, not a record)."""
    persons = list(persons)
    if not persons:
        return
    wanted = {
        (person.pk, key)
        for person in persons
        for key in matching.person_name_keys(person.first_name, person.last_name, person.aliases)
    }
    rows = PersonNameKey.objects.filter(person_id__in=[p.pk for p in persons]).only("pk", "person_id", "key")
    stored = {(row.person_id, row.key): row.pk for row in rows}
    stale = [pk for pair, pk in stored.items() if pair not in wanted]
    if stale:
        PersonNameKey.objects.filter(pk__in=stale).delete()
    missing = sorted(wanted - stored.keys())
    PersonNameKey.objects.bulk_create(
        [PersonNameKey(person_id=person_id, key=key) for person_id, key in missing], ignore_conflicts=True
    )

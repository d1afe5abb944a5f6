"""The search keys of children's names (contacts.ChildNameKey): derived from the names by the rule of
contacts.matching, rewritten by every service that adds a child or changes its names, in the same
transaction, so that a child is found by name on any database as soon as it is saved."""

from __future__ import annotations

from collections.abc import Iterable

from .. import matching
from ..models import Child, ChildNameKey

__all__ = ["NAME_FIELDS", "child_name_keys_refresh"]

# The fields the keys are made from: a change of one of them rewrites the child's keys.
NAME_FIELDS = frozenset({"first_name", "last_name", "known_as"})


def child_name_keys_refresh(children: Iterable[Child]) -> None:
    """Make the stored keys of each child's names what its names give: missing keys are added and
    those of names the child no longer has are removed (they are an index, not a record)."""
    children = list(children)
    if not children:
        return
    wanted = {
        (child.pk, key)
        for child in children
        for key in matching.name_keys(child.first_name, child.last_name, child.known_as)
    }
    rows = ChildNameKey.objects.filter(child_id__in=[child.pk for child in children]).only("pk", "child_id", "key")
    stored = {(row.child_id, row.key): row.pk for row in rows}
    stale = [pk for pair, pk in stored.items() if pair not in wanted]
    if stale:
        ChildNameKey.objects.filter(pk__in=stale).delete()
    missing = sorted(wanted - stored.keys())
    ChildNameKey.objects.bulk_create(
        [ChildNameKey(child_id=child_id, key=key) for child_id, key in missing], ignore_conflicts=True
    )

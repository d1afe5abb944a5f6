"""Reads of possible duplicate persons of concern and of their merges, for those who merge persons
(CATE team leaders and Family Connect managers, `merge_person`), as contacts/duplicate_selectors.py
is for children.

A pair or a merge is shown only to someone who may see both its records: never one with a person who
is a child whose record the reader may not see. A pair or merge the user may not see answers 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from contacts.visibility import hidden_children

from .choices import DuplicateStatus, NetworkStatus
from .models import Person, PersonDuplicate, PersonMerge
from .permissions import can_merge_persons


def _hidden_persons(user) -> QuerySet:
    return Person.objects.filter(child__in=hidden_children(user).values("pk")).values("pk")


def person_duplicates_visible_to(user) -> QuerySet[PersonDuplicate]:
    if not can_merge_persons(user):
        return PersonDuplicate.objects.none()
    hidden = _hidden_persons(user)
    return PersonDuplicate.objects.exclude(person__in=hidden).exclude(existing__in=hidden)


def person_duplicate_list_for_user(user, *, state: str = "open") -> QuerySet[PersonDuplicate]:
    """Open pairs of two current records, the oldest first (or the resolved ones, the latest first)."""
    pairs = person_duplicates_visible_to(user).select_related("person", "existing", "resolved_by", "found_by")
    if state == "resolved":
        return pairs.exclude(status=DuplicateStatus.OPEN).order_by("-resolved_at", "-id")
    return pairs.filter(
        status=DuplicateStatus.OPEN, person__status=NetworkStatus.ACTIVE, existing__status=NetworkStatus.ACTIVE
    ).order_by("found_at", "id")


def person_duplicate_get_for_user(user, pk: int) -> PersonDuplicate:
    related = ("person", "existing", "found_by", "resolved_by", "merge")
    return get_object_or_404(person_duplicates_visible_to(user).select_related(*related), pk=pk)


def person_merges_visible_to(user) -> QuerySet[PersonMerge]:
    if not can_merge_persons(user):
        return PersonMerge.objects.none()
    hidden = _hidden_persons(user)
    return PersonMerge.objects.exclude(source__in=hidden).exclude(target__in=hidden)


def person_merge_list_for_user(user) -> QuerySet[PersonMerge]:
    return person_merges_visible_to(user).select_related("source", "target", "merged_by", "reversed_by")


def person_merge_get_for_user(user, pk: int) -> PersonMerge:
    return get_object_or_404(person_merge_list_for_user(user), pk=pk)


def merges_of_person(user, person: Person) -> QuerySet[PersonMerge]:
    """The merges a person's record took part in, that `user` may see (the person's page lists them)."""
    return person_merge_list_for_user(user).filter(Q(source=person) | Q(target=person))


def person_record_counts(user, person: Person) -> dict[str, int]:
    """What a merge would move, as its reader may know it: the links they may read, the enquiries."""
    from .selectors import links_of

    return {
        "links": links_of(user, person).count(),
        "enquiries": person.mace_subjects.filter(removed_at__isnull=True).count(),
    }

"""Reads of the importer: the records imported before, by the previous system's keys."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from cate.choices import OpenTo
from cate.models import Allocation, Case, MissingEpisode, NrmReferral, StatutoryEpisode
from contacts.models import Child, Contact


def staff_by_key(keys) -> dict:
    return {u.legacy_key: u for u in get_user_model().objects.filter(legacy_key__in=keys)}


def staff_by_username(usernames) -> dict:
    return {u.username: u for u in get_user_model().objects.filter(username__in=usernames)}


def children_by_key(keys) -> dict[str, Child]:
    return {c.legacy_key: c for c in Child.objects.filter(legacy_key__in=keys)}


def contacts_by_key(keys) -> dict[str, Contact]:
    return {c.legacy_key: c for c in Contact.objects.filter(legacy_key__in=keys).select_related("child")}


def cases_by_key(keys) -> dict[str, Case]:
    return {c.legacy_key: c for c in Case.objects.filter(legacy_key__in=keys).select_related("child")}


def missing_episodes_by_key(keys) -> dict[str, MissingEpisode]:
    return {e.legacy_key: e for e in MissingEpisode.objects.filter(legacy_key__in=keys)}


def allocations_of_cases_by_key(case_keys) -> list[Allocation]:
    """The allocations of the cases imported before with these keys, with their case and worker."""
    return list(Allocation.objects.filter(case__legacy_key__in=list(case_keys)).select_related("case", "worker"))


def allocations_of_cases(case_ids) -> list[Allocation]:
    return list(Allocation.objects.filter(case_id__in=list(case_ids)))


def statutory_episodes_of_children(child_ids) -> list[StatutoryEpisode]:
    return list(StatutoryEpisode.objects.filter(child_id__in=child_ids))


def nrm_referrals_of_cases(case_ids) -> list[NrmReferral]:
    return list(NrmReferral.objects.filter(case_id__in=case_ids))


def cate_history_of_children(child_ids) -> dict[int, tuple[bool, bool]]:
    """For each child: whether a case open to CATE is open now, and whether one was open before."""
    flags: dict[int, list[bool]] = {pk: [False, False] for pk in child_ids}
    rows = Case.objects.filter(child_id__in=list(child_ids)).values_list("child_id", "closed_at", "open_to")
    for child_id, closed_at, open_to in rows:
        if open_to not in (OpenTo.CATE, OpenTo.BOTH):
            continue
        flags[child_id][0 if closed_at is None else 1] = True
    return {pk: (open_now, known_before) for pk, (open_now, known_before) in flags.items()}

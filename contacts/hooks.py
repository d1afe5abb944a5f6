"""What other apps know of a child, shown at the front door without contacts/ importing them.

The screening page shows the child's open cases. Cases live in apps that depend on contacts/
(cate/ and after it), so they tell the front door through a provider declared in their AppConfig
(the app contract of core.contract), as they do for due items:

    # cate/apps.py
    class CateConfig(AppContract, AppConfig):
        child_involvement_providers = ("cate.involvement.open_cases_of_children",)

A provider takes many children at once with a fixed number of queries and the user asking
(it must show only what that user may see):  provider(child_ids, *, user) -> {child_id: [Involvement]}
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from core import contract


@dataclass(frozen=True)
class Involvement:
    label: str  # e.g. "CATE case CATE-00012"
    status: str  # e.g. "Open", "Child protection plan"
    since: dt.date | dt.datetime | None = None
    url: str = ""  # only where the user may open it
    is_open: bool = True


InvolvementProvider = Callable[..., dict[int, list[Involvement]]]


def involvements_for_children(child_ids: Iterable[int], *, user) -> dict[int, list[Involvement]]:
    """Every provider's involvements of each child, the open ones first."""
    ids = [i for i in child_ids if i]
    result: dict[int, list[Involvement]] = defaultdict(list)
    if not ids:
        return result
    for provider in contract.contributions("child_involvement_providers"):
        for child_id, items in provider(ids, user=user).items():
            result[child_id].extend(items)
    for items in result.values():
        items.sort(key=lambda item: (not item.is_open, item.label))
    return result


# --- Who holds a child's records ----------------------------------------------------------------
#
# Restricting a child's record (contacts.services.child_restrict) must not silently take a case from
# the worker who holds it. Apps that allocate records declare who holds each child's
# (`child_holders_providers`):  provider(child_ids) -> {child_id: [Holder]}


@dataclass(frozen=True)
class Holder:
    user_id: int
    name: str
    what: str  # e.g. "holds CATE case CATE-00012"
    allocated: bool = False  # the worker allocated the child's case (not a team leader of theirs)


def holders_of_children(child_ids: Iterable[int]) -> dict[int, list[Holder]]:
    ids = [i for i in child_ids if i]
    result: dict[int, list[Holder]] = defaultdict(list)
    if ids:
        for provider in contract.contributions("child_holders_providers"):
            for child_id, holders in provider(ids).items():
                result[child_id].extend(holders)
    return result


def allocated_workers_of_children(child_ids: Iterable[int]) -> dict[int, tuple[int, ...]]:
    """child id -> the workers allocated a live case of the child (none when nobody holds one)."""
    return {
        child_id: tuple(dict.fromkeys(h.user_id for h in holders if h.allocated))
        for child_id, holders in holders_of_children(child_ids).items()
    }


def always_named(child_id: int) -> list[Holder]:
    """Who a restricted record of this child must always name: those who hold its records (the
    allocated worker and the team leaders of their team), each once, in the providers' order."""
    seen: set[int] = set()
    named = []
    for holder in holders_of_children([child_id]).get(child_id, []):
        if holder.user_id not in seen:
            seen.add(holder.user_id)
            named.append(holder)
    return named

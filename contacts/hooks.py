"""What other apps know of a child, shown at the front door without contacts/ importing them.

The screening page shows the child's open cases. Cases live in apps that depend on contacts/
(cate/ and after it), so they tell the front door through a provider registered at start-up,
as core.due does for due items:

    # cate/apps.py, in CateConfig.ready()
    from contacts.hooks import child_involvement_provider
    child_involvement_provider(cate.involvement.open_cases_of_children)

A provider takes many children at once with a fixed number of queries and the user asking
(it must show only what that user may see):  provider(child_ids, *, user) -> {child_id: [Involvement]}
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Involvement:
    label: str  # e.g. "CATE case CATE-00012"
    status: str  # e.g. "Open", "Child protection plan"
    since: dt.date | dt.datetime | None = None
    url: str = ""  # only where the user may open it
    is_open: bool = True


InvolvementProvider = Callable[..., dict[int, list[Involvement]]]
_providers: list[InvolvementProvider] = []


def child_involvement_provider(fn: InvolvementProvider) -> InvolvementProvider:
    """Register a provider of what an app knows of children (use as a decorator or call)."""
    if fn not in _providers:
        _providers.append(fn)
    return fn


def involvements_for_children(child_ids: Iterable[int], *, user) -> dict[int, list[Involvement]]:
    """Every provider's involvements of each child, the open ones first."""
    ids = [i for i in child_ids if i]
    result: dict[int, list[Involvement]] = defaultdict(list)
    if not ids:
        return result
    for provider in _providers:
        for child_id, items in provider(ids, user=user).items():
            result[child_id].extend(items)
    for items in result.values():
        items.sort(key=lambda item: (not item.is_open, item.label))
    return result


# --- Who holds a child's records ----------------------------------------------------------------
#
# Restricting a child's record (contacts.services.child_restrict) must not silently take a case from
# the worker who holds it. Apps that allocate records register who holds each child's:
#     provider(child_ids) -> {child_id: [Holder]}


@dataclass(frozen=True)
class Holder:
    user_id: int
    name: str
    what: str  # e.g. "holds CATE case CATE-00012"


_holder_providers: list[Callable[..., dict[int, list[Holder]]]] = []


def child_holders_provider(fn):
    if fn not in _holder_providers:
        _holder_providers.append(fn)
    return fn


def holders_of_children(child_ids: Iterable[int]) -> dict[int, list[Holder]]:
    ids = [i for i in child_ids if i]
    result: dict[int, list[Holder]] = defaultdict(list)
    if ids:
        for provider in _holder_providers:
            for child_id, holders in provider(ids).items():
                result[child_id].extend(holders)
    return result

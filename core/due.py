"""Due items: anything on a clock (an interview, a visit, a review), as pages show them.

Apps contribute due items for cases through the providers they declare in their AppConfig
(`case_due_providers`, the app contract of core.contract), so a page listing cases can show each
case's next due item without core or the casework app importing the apps that depend on them. Providers work on
many cases at once, with a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from . import contract
from .clock import DueState


@dataclass(frozen=True)
class DueItem:
    kind: str  # a stable code: "rhi", "visit", "nrm", "first_panel", ...
    label: str  # what is due, in the service's words
    due_at: datetime
    state: DueState
    url: str = ""
    case_id: int | None = None
    met_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return not self.state.is_met


# provider(case_ids, *, now, settings) -> {case_id: [DueItem, ...]}
CaseDueProvider = Callable[..., dict[int, list[DueItem]]]


def due_items_for_cases(case_ids: Iterable[int], *, now: datetime, settings) -> dict[int, list[DueItem]]:
    """Every open due item of each case, earliest first."""
    # A queryset of ids stays a subquery (the dashboard passes every open case): no list of thousands
    # of ids written into each provider's SQL.
    ids = case_ids if isinstance(case_ids, QuerySet) else list(case_ids)
    result: dict[int, list[DueItem]] = defaultdict(list)
    if isinstance(ids, list) and not ids:
        return result
    for provider in contract.contributions("case_due_providers"):
        for case_id, items in provider(ids, now=now, settings=settings).items():
            result[case_id].extend(item for item in items if item.is_open)
    for items in result.values():
        items.sort(key=lambda item: item.due_at)
    return result

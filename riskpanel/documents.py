"""The risk panel's records that hold documents (core.contract's `document_owners`): a panel, a
paper on its agenda, a strategy meeting and a safety plan, each seen as the record is. A paper's,
meeting's and plan's documents show on their case's document list too."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from documents.sections import section

from . import selectors
from .permissions import CHAIR_PANEL, can_record_strategy_meeting, can_write_safety_plan


def panels_visible(user):
    return selectors.panels_visible_to(user).values("pk")


def _items(user):
    return selectors._items_visible_to(user).filter(meeting__in=selectors.panels_visible_to(user).values("pk"))


def items_visible(user):
    return _items(user).values("pk")


def item_get(user, pk: int):
    return get_object_or_404(_items(user).select_related("meeting", "case"), pk=pk)


def meetings_visible(user):
    return selectors.strategy_meetings_visible_to(user).values("pk")


def plans_visible(user):
    return selectors.safety_plans_visible_to(user).values("pk")


def panel_attach(user, panel) -> bool:
    return user.has_perm(CHAIR_PANEL)


def item_attach(user, item) -> bool:
    return user.has_perm(CHAIR_PANEL)


def meeting_attach(user, meeting) -> bool:
    return can_record_strategy_meeting(user, meeting)


def plan_attach(user, plan) -> bool:
    return can_write_safety_plan(user, plan.case)


def paper_section(item, *, user):
    return section(item, user=user, key="panel-paper")

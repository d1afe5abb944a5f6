"""What the multi-agency work still has outstanding on a case when its closure is proposed (the
`closure_outstanding` hook of core.contract): no risk panel held since the case was opened while its
risk level needs one, multi-agency actions still open, and the agreed safety plan still in force."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from cate.choices import RiskLevel
from cate.models import Case
from core.contract import Outstanding

from . import rules
from .choices import ActionStatus, SafetyPlanStatus
from .models import Action, PanelDecision, SafetyPlan

NO_PANEL = "no_panel"


def _panel(case: Case, settings) -> list[Outstanding]:
    level = case.current_risk_level
    if not rules.needs_panel(level, settings):
        return []
    held = PanelDecision.objects.filter(item__case=case, decided_at__gte=case.live_since).exists()
    if held:
        return []
    since = "reopened" if case.last_reopened_at else "opened"
    return [
        Outstanding(
            NO_PANEL,
            f"The case is at {RiskLevel(level).label} risk and no risk panel has decided on it since it was {since}.",
            url=reverse("riskpanel:case_detail", args=[case.pk]),
            link_text="See the risk panels of the case",
        )
    ]


def _actions(case: Case) -> list[Outstanding]:
    actions = Action.objects.filter(case=case, status=ActionStatus.OPEN).select_related("owner_agency", "owner")
    return [
        Outstanding(
            f"action_open:{action.pk}",
            f"The action for {action.owner_agency.name} ({action.owner_label}), due {rules.date_text(action.due_on)}, "
            f"is still open: {action.description}",
            url=action.get_absolute_url(),
            link_text="See the action",
        )
        for action in actions.order_by("due_on", "id")
    ]


def _safety_plan(case: Case) -> list[Outstanding]:
    plan = SafetyPlan.objects.filter(case=case, status=SafetyPlanStatus.AGREED).first()
    if plan is None:
        return []
    review = f" (review due {rules.date_text(plan.review_due_on)})" if plan.review_due_on else ""
    return [
        Outstanding(
            f"safety_plan:{plan.pk}",
            f"Safety plan version {plan.number} is agreed and still in force{review}.",
            url=plan.get_absolute_url(),
            link_text="See the safety plan",
        )
    ]


def case_outstanding(case: Case, *, now: dt.datetime, settings) -> list[Outstanding]:
    """The risk panel's outstanding items on the case, as of `now`."""
    return [*_panel(case, settings), *_actions(case), *_safety_plan(case)]

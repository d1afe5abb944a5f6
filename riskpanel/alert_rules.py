"""Timescale alerts of the multi-agency work (core.alerts): first panels, panel reviews, strategy
meetings and their reviews, safety plan reviews, overdue actions.

The due items are the ones the caseload shows (riskpanel.due), so an alert and a page never
disagree about what is due."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from cate.choices import CaseStatus
from cate.models import Case
from core import clock
from core.alerts import AlertRule, Candidate, Stage
from core.clock import DueState
from core.selectors import ServiceSettings

from .choices import ActionStatus
from .due import riskpanel_due_items
from .models import Action

STAGES = {DueState.DUE_SOON: Stage.DUE_SOON, DueState.OVERDUE: Stage.OVERDUE}
TITLES = {
    "first_panel": "first risk panel",
    "panel_review": "risk panel review",
    "strategy_meeting": "strategy meeting",
    "strategy_meeting_review": "strategy meeting review",
    "safety_plan_review": "safety plan review",
}


def _case_candidates(kinds: set[str], now: datetime, settings: ServiceSettings) -> Iterable[Candidate]:
    cases = dict(Case.objects.exclude(status=CaseStatus.CLOSED).values_list("pk", "allocated_worker_id"))
    references = {}
    for case_id, items in riskpanel_due_items(list(cases), now=now, settings=settings).items():
        for item in items:
            stage = STAGES.get(item.state)
            if item.kind not in kinds or stage is None:
                continue
            if case_id not in references:
                references.update(Case.objects.filter(pk__in=cases).values_list("pk", "reference"))
            worker = cases.get(case_id)
            what = "due soon" if stage == Stage.DUE_SOON else "overdue"
            yield Candidate(
                record_key=f"{item.kind}:{item.url}",
                due_at=item.due_at,
                stage=stage,
                title=f"{references[case_id]}: {TITLES[item.kind]} {what}",
                url=item.url,
                owner_ids=(worker,) if worker else (),
            )


def first_panels(now: datetime, settings: ServiceSettings):
    return _case_candidates({"first_panel"}, now, settings)


def panel_reviews(now: datetime, settings: ServiceSettings):
    return _case_candidates({"panel_review"}, now, settings)


def strategy_meetings(now: datetime, settings: ServiceSettings):
    return _case_candidates({"strategy_meeting", "strategy_meeting_review"}, now, settings)


def safety_plan_reviews(now: datetime, settings: ServiceSettings):
    return _case_candidates({"safety_plan_review"}, now, settings)


def actions(now: datetime, settings: ServiceSettings):
    """Open actions past their due date: the person who owns it (when they have an account here)
    and the case's worker."""
    overdue = Action.objects.filter(status=ActionStatus.OPEN, due_on__lt=now.date()).select_related("case")
    for action in overdue:
        due = clock.end_of_local_day(action.due_on)
        if due >= now:
            continue
        owners = {action.owner_id, action.case.allocated_worker_id if action.case else None} - {None}
        label = action.case.reference if action.case else "Action"
        yield Candidate(
            record_key=f"riskpanel.action:{action.pk}",
            due_at=due,
            stage=Stage.OVERDUE,
            title=f"{label}: action overdue",
            url=action.get_absolute_url(),
            owner_ids=tuple(sorted(owners)),
        )


# Declared in the AppConfig (`alert_rules`, the app contract of core.contract).
RULES = (
    AlertRule("first_panel", "First risk panels", first_panels),
    AlertRule("panel_review", "Risk panel reviews", panel_reviews),
    AlertRule("strategy_meeting", "Strategy meetings and reviews", strategy_meetings),
    AlertRule("safety_plan_review", "Safety plan reviews", safety_plan_reviews),
    AlertRule("actions", "Multi-agency actions", actions),
)

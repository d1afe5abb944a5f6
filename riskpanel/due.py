"""What falls due on a case in the multi-agency part of the pathway, for pages listing cases
(the CATE caseload): first panel, panel review, strategy meeting, safety plan review, open actions.

Declared in RiskPanelConfig (`case_due_providers`, the app contract of core.contract). A fixed number of queries for any
number of cases.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Min, QuerySet
from django.urls import reverse_lazy

from cate.choices import CaseStatus
from cate.models import Allocation, Case
from core import clock
from core.due import DueItem

from .choices import AGENDA_EDITABLE, ActionStatus, SafetyPlanStatus
from .models import Action, AgendaItem, PanelDecision, SafetyPlan, StrategyMeeting


def riskpanel_due_items(case_ids, *, now: dt.datetime, settings) -> dict[int, list[DueItem]]:
    # The SQL below filters on this subquery (no list of thousands of ids in each query); `ids` is for Python.
    cases = case_ids if isinstance(case_ids, QuerySet) else list(case_ids)
    live_cases = Case.objects.filter(pk__in=cases).exclude(status=CaseStatus.CLOSED).values_list("pk", flat=True)
    ids = set(live_cases)
    result: dict[int, list[DueItem]] = defaultdict(list)
    if not ids:
        return result

    # First panel (from the first allocation) until the panel has decided; then the next review.
    latest: dict[int, dict] = {}
    decisions = (
        PanelDecision.objects.filter(item__case_id__in=live_cases)
        .order_by("item__case_id", "-decided_at", "-id")
        .values("item__case_id", "risk_level", "next_review_on")
    )
    for row in decisions:
        latest.setdefault(row["item__case_id"], row)
    listed: dict[int, dt.datetime] = {}
    waiting = (
        AgendaItem.objects.filter(
            case_id__in=live_cases,
            decision__isnull=True,
            withdrawn_at__isnull=True,
            meeting__status__in=AGENDA_EDITABLE,
        )
        .order_by("meeting__meets_at")
        .values_list("case_id", "meeting__meets_at")
    )
    for case_id, meets_at in waiting:
        listed.setdefault(case_id, meets_at)

    def on_agenda(case_id: int) -> str:
        meets_at = listed.get(case_id)
        return f" (on the agenda for {clock.local(meets_at):%-d %b %Y})" if meets_at else ""

    # Asked for every case (those with a decision are skipped below), so that the query runs, or not,
    # with the cases and not with whether every one of them has been to a panel yet.
    first_allocations = (
        Allocation.objects.filter(case_id__in=live_cases)
        .values("case_id")
        .annotate(first=Min("started_at"))
        .values_list("case_id", "first")
    )
    for case_id, first in first_allocations:
        if case_id in latest:
            continue
        due = settings.due("first_panel", first)
        result[case_id].append(
            DueItem(
                kind="first_panel",
                label="First risk panel" + on_agenda(case_id),
                due_at=due,
                state=settings.classify("first_panel", due, now=now),
                url=reverse_lazy("riskpanel:case_detail", args=[case_id]),  # lazy: counted more than shown
                case_id=case_id,
            )
        )
    for case_id, row in latest.items():
        if row["next_review_on"] is None:
            continue
        due = clock.end_of_local_day(row["next_review_on"])
        result[case_id].append(
            DueItem(
                kind="panel_review",
                label="Risk panel review" + on_agenda(case_id),
                due_at=due,
                state=settings.classify(f"panel_review_{row['risk_level']}", due, now=now),
                url=reverse_lazy("riskpanel:case_detail", args=[case_id]),  # lazy: counted more than shown
                case_id=case_id,
            )
        )

    for meeting in StrategyMeeting.objects.filter(case_id__in=live_cases, held_at__isnull=True).only(
        "pk", "case_id", "due_at", "is_review"
    ):
        key = "strategy_meeting_review" if meeting.is_review else "strategy_meeting"
        result[meeting.case_id].append(
            DueItem(
                kind=key,
                label=meeting.kind_label,
                due_at=meeting.due_at,
                state=settings.classify(key, meeting.due_at, now=now),
                url=meeting.get_absolute_url(),
                case_id=meeting.case_id,
            )
        )

    plans = SafetyPlan.objects.filter(
        case_id__in=live_cases, status=SafetyPlanStatus.AGREED, review_due_on__isnull=False
    )
    for plan in plans.only("pk", "case_id", "number", "review_due_on"):
        due = clock.end_of_local_day(plan.review_due_on)
        result[plan.case_id].append(
            DueItem(
                kind="safety_plan_review",
                label=f"Safety plan review (version {plan.number})",
                due_at=due,
                state=settings.classify("safety_plan_review", due, now=now),
                url=plan.get_absolute_url(),
                case_id=plan.case_id,
            )
        )

    actions = Action.objects.filter(case_id__in=live_cases, status=ActionStatus.OPEN).select_related("owner_agency")
    for action in actions.only("pk", "case_id", "description", "due_on", "owner_agency__name"):
        due = clock.end_of_local_day(action.due_on)
        result[action.case_id].append(
            DueItem(
                kind="action",
                label=f"Action ({action.owner_agency.name}): {action.description[:60]}",
                due_at=due,
                state=clock.classify(due, now=now),
                url=action.get_absolute_url(),
                case_id=action.case_id,
            )
        )
    return result

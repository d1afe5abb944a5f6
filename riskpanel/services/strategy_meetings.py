"""Strategy meetings: due after a red or amber panel decision, recorded by a team leader, reviewed
until the case reaches resolution with an exit plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cate.choices import ChronologyKind
from cate.services import chronology_record
from core import audit
from core.concurrency import check_version
from core.permissions import require
from core.selectors import ServiceSettings, service_settings

from ..models import PanelDecision, StrategyMeeting
from ..permissions import RECORD_STRATEGY_MEETING, require_record_strategy_meeting
from ..rules import day_text
from ._common import refuse


def strategy_meeting_make_due(
    decision: PanelDecision, *, actor, settings: ServiceSettings, now: dt.datetime
) -> StrategyMeeting:
    """A red or amber decision makes a strategy meeting due (`strategy_meeting` after it). A case
    has one strategy meeting due at a time: one already due later is brought forward. Called by
    the decision's service, inside its transaction."""
    case = decision.item.case
    due = settings.due("strategy_meeting", now)
    colour = decision.get_colour_display().lower()
    pending = StrategyMeeting.objects.select_for_update().filter(case=case, held_at__isnull=True).first()
    if pending is None:
        meeting = StrategyMeeting(case=case, decision=decision, is_review=False, due_at=due)
        audit.save(meeting, actor=actor, reason=f"Strategy meeting due after a {colour} panel decision")
        summary = f"Strategy meeting due by {day_text(due)} after the panel's {colour} decision"
    elif pending.due_at > due:
        meeting = pending
        meeting.due_at, meeting.decision, meeting.is_review = due, decision, False
        audit.save_change(
            meeting,
            actor=actor,
            reason=f"Strategy meeting brought forward after a {colour} panel decision",
            fields=["due_at", "decision", "is_review"],
        )
        summary = f"Strategy meeting brought forward to {day_text(due)} after the panel's {colour} decision"
    else:
        return pending
    chronology_record(case=case, kind=ChronologyKind.STRATEGY_MEETING, summary=summary, actor=actor, occurred_at=now)
    return meeting


def strategy_meeting_record(
    *,
    meeting: StrategyMeeting,
    actor,
    held_at: dt.datetime,
    attending_agencies: Iterable,
    attendees: str,
    discussion: str,
    support_for_parents: str,
    disruption_actions: str,
    resolution_reached: bool,
    exit_plan: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> StrategyMeeting:
    """Record a strategy meeting (or review). Until the case reaches resolution with an exit plan,
    the next review falls due `strategy_meeting_review` after it."""
    require(actor, RECORD_STRATEGY_MEETING, "Only a team leader can record strategy meetings.")
    now = now or timezone.now()
    agencies = list(attending_agencies)
    errors = {}
    if held_at is None:
        errors["held_at"] = "Enter the date and time the meeting was held"
    elif held_at > now:
        errors["held_at"] = "The meeting must have been held already"
    if not agencies:
        errors["attending_agencies"] = "Choose the agencies that attended"
    if not attendees.strip():
        errors["attendees"] = "Enter who attended, by agency"
    if not discussion.strip():
        errors["discussion"] = "Enter what was discussed"
    if not support_for_parents.strip():
        errors["support_for_parents"] = "Enter the support for parents or carers, or why there is none"
    if not disruption_actions.strip():
        errors["disruption_actions"] = "Enter the action against those exploiting the child, or why there is none"
    if resolution_reached and not exit_plan.strip():
        errors["exit_plan"] = "Enter the exit plan"
    refuse(errors)
    settings = service_settings()
    with transaction.atomic():
        meeting = StrategyMeeting.objects.select_for_update(of=("self",)).select_related("case").get(pk=meeting.pk)
        require_record_strategy_meeting(actor, meeting)
        check_version(meeting, expected_version)
        if meeting.held_at is not None:
            raise ValidationError("This meeting has already been recorded.")
        meeting.held_at = held_at
        meeting.attendees = attendees.strip()
        meeting.discussion = discussion.strip()
        meeting.support_for_parents = support_for_parents.strip()
        meeting.disruption_actions = disruption_actions.strip()
        meeting.resolution_reached = resolution_reached
        meeting.exit_plan = exit_plan.strip() if resolution_reached else ""
        meeting.recorded_by = actor
        audit.save_change(meeting, actor=actor, reason=f"{meeting.kind_label} recorded")
        meeting.attending_agencies.set(agencies)
        summary = f"{meeting.kind_label} held on {day_text(held_at)}"
        if resolution_reached:
            summary += ": resolution reached and exit plan agreed"
        else:
            review_due = settings.due("strategy_meeting_review", held_at)
            review = StrategyMeeting(case=meeting.case, decision=meeting.decision, is_review=True, due_at=review_due)
            audit.save(review, actor=actor, reason="Strategy meeting review due")
            summary += f"; review due by {day_text(review_due)}"
        chronology_record(
            case=meeting.case,
            kind=ChronologyKind.STRATEGY_MEETING,
            summary=summary,
            detail=meeting.discussion,
            actor=actor,
            occurred_at=held_at,
            significant=True,
        )
    return meeting

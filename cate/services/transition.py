"""The post-17 transition meeting (IITCSE Rec 11), planning the young person's move to adult services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from core import audit
from core.selectors import service_settings

from .. import rules
from ..choices import ChronologyKind
from ..models import Case, TransitionMeeting
from ..permissions import ADD_TRANSITION_MEETING, require_work_on_case
from ._common import day_start, lock_case, not_in_future, require_live
from .chronology import chronology_record


def transition_meeting_record(
    *,
    case: Case,
    held_on: dt.date,
    agencies: Iterable,
    attendees: str,
    decisions: str,
    onward_support_plan: str,
    actor,
) -> TransitionMeeting:
    """The post-17 transition meeting (IITCSE Rec 11): who came from which agency (adult social
    care among them), what was decided and the onward support plan."""
    require_work_on_case(actor, case, ADD_TRANSITION_MEETING)
    agencies = list(agencies)
    errors = {}
    if not agencies:
        errors["agencies"] = "Select the agencies that attended"
    if not decisions.strip():
        errors["decisions"] = "Enter the decisions"
    if not onward_support_plan.strip():
        errors["onward_support_plan"] = "Enter the onward support plan"
    if errors:
        raise ValidationError(errors)
    not_in_future(held_on, "The date of the meeting", "held_on")
    with transaction.atomic():
        case = lock_case(case)
        require_live(case)
        too_young = rules.transition_meeting_error(
            date_of_birth=case.child.date_of_birth, held_on=held_on, settings=service_settings()
        )
        if too_young:
            raise ValidationError({"held_on": too_young})
        meeting = TransitionMeeting(
            case=case,
            held_on=held_on,
            attendees=attendees.strip(),
            decisions=decisions.strip(),
            onward_support_plan=onward_support_plan.strip(),
            recorded_by=actor,
        )
        audit.save(meeting, actor=actor, reason="Post-17 transition meeting recorded")
        audit.attribute(meeting, actor=actor, reason="Attending agencies recorded")
        meeting.attending_agencies.set(agencies)
        chronology_record(
            case=case,
            kind=ChronologyKind.TRANSITION,
            actor=actor,
            occurred_at=day_start(held_on),
            summary="Post-17 transition meeting held with " + ", ".join(str(a) for a in agencies),
            detail=meeting.onward_support_plan,
        )
    return meeting

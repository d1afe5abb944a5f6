"""Multi-agency actions: from a panel decision, a strategy meeting or a case's safety planning,
with an owning agency and person and a due date; changed, done or cancelled while open. The owning
agency's partners record progress on it and complete it; each update goes into the case's chronology,
where the case's worker reads it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cate.models import Case
from cate.services import chronology_record
from core import audit, clock
from core.concurrency import check_version
from core.exceptions import TransitionNotAllowed
from core.permissions import require
from core.workflow import transition

from .. import selectors
from ..choices import ALLOWED_ACTION_TRANSITIONS, ActionStatus
from ..models import Action, ActionProgressNote, PanelDecision, StrategyMeeting
from ..permissions import (
    CHAIR_PANEL,
    RECORD_STRATEGY_MEETING,
    require_add_action,
    require_change_action,
    require_update_action,
)
from ..rules import action_chronology_kind, action_closed_message, action_errors, date_text
from ._common import refuse


def _owner_errors(owner, *, current_owner_id=None) -> dict:
    """A new owner must be someone who can sign in and own actions (the owner already on an action
    may stay while other details change)."""
    if owner is None or owner.pk == current_owner_id:
        return {}
    if selectors.action_owner_choices().filter(pk=owner.pk).exists():
        return {}
    return {"owner": f"{owner} cannot own actions here: choose someone who can sign in, or enter a name"}


def action_create(
    *,
    actor,
    description: str,
    owner_agency,
    due_on: dt.date,
    owner=None,
    owner_name: str = "",
    case: Case | None = None,
    decision: PanelDecision | None = None,
    strategy_meeting: StrategyMeeting | None = None,
    now: dt.datetime | None = None,
) -> Action:
    """An action with an owning agency and person and a due date: from a panel decision, a
    strategy meeting, or a case's safety planning."""
    if decision is not None:
        require(actor, CHAIR_PANEL, "Only the chair can add actions to a panel decision.")
        case = decision.item.case
    elif strategy_meeting is not None:
        require(actor, RECORD_STRATEGY_MEETING, "Only a team leader can add actions to a strategy meeting.")
        case = strategy_meeting.case
    require_add_action(actor, case)
    now = now or timezone.now()
    refuse(
        action_errors(
            description=description,
            owner_agency=owner_agency,
            owner=owner,
            owner_name=owner_name,
            due_on=due_on,
            today=clock.local_date(now),
        )
        or _owner_errors(owner)
    )
    with transaction.atomic():
        action = Action(
            case=case,
            decision=decision,
            strategy_meeting=strategy_meeting,
            description=description.strip(),
            owner_agency=owner_agency,
            owner=owner,
            owner_name="" if owner is not None else owner_name.strip(),
            due_on=due_on,
            created_by=actor,
        )
        audit.save(action, actor=actor, reason="Action agreed")
        if case is not None:
            who = f"{owner_agency} ({action.owner_label})"
            chronology_record(
                case=case,
                kind=action_chronology_kind(action),
                summary=f"Action for {who} due {date_text(due_on)}: {action.description}",
                actor=actor,
                occurred_at=now,
            )
    return action


def action_update(
    *,
    action: Action,
    actor,
    description: str,
    owner_agency,
    due_on: dt.date,
    owner=None,
    owner_name: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Action:
    """Change an open action: what, who or when."""
    require_change_action(actor, action)
    now = now or timezone.now()
    with transaction.atomic():
        action = Action.objects.select_for_update(of=("self",)).select_related("case").get(pk=action.pk)
        check_version(action, expected_version)
        if action.status != ActionStatus.OPEN:
            raise ValidationError("Only an open action can change.")
        errors = action_errors(
            description=description,
            owner_agency=owner_agency,
            owner=owner,
            owner_name=owner_name,
            due_on=due_on,
            today=min(clock.local_date(now), action.due_on),
        )
        refuse(errors or _owner_errors(owner, current_owner_id=action.owner_id))
        owner_name = "" if owner is not None else owner_name.strip()
        new = (description.strip(), owner_agency.pk, getattr(owner, "pk", None), owner_name, due_on)
        old = (action.description, action.owner_agency_id, action.owner_id, action.owner_name, action.due_on)
        if new == old:
            return action
        previous_due = action.due_on
        action.description, action.owner_agency, action.owner = description.strip(), owner_agency, owner
        action.owner_name, action.due_on = owner_name, due_on
        audit.save_change(action, actor=actor, reason="Action changed")
        if previous_due != due_on:
            moved = f"Action due date moved from {date_text(previous_due)} to {date_text(due_on)}"
            _in_chronology(action, f"{moved}: {action.description}", actor=actor, now=now)
    return action


def _action_close(
    *,
    action: Action,
    actor,
    target: str,
    note: str,
    expected_version: int | None,
    now: dt.datetime | None,
    checked: bool = False,
) -> Action:
    if checked:  # a register's action, closed by the register's own service (register_action_close)
        pass
    elif target == ActionStatus.DONE:  # the owning agency's partners complete their actions
        require_update_action(actor, action)
    else:  # only those who manage the case's actions cancel one
        require_change_action(actor, action)
    now = now or timezone.now()
    if not note.strip():
        if target == ActionStatus.DONE:
            raise ValidationError({"completion_note": "Enter what was done"})
        raise ValidationError({"reason": "Enter why the action is cancelled"})
    with transaction.atomic():
        action = Action.objects.select_for_update(of=("self",)).select_related("case", "owner_agency").get(pk=action.pk)
        check_version(action, expected_version)
        if action.status == target:
            return action
        try:
            transition(action.status, target, ALLOWED_ACTION_TRANSITIONS, "action")
        except TransitionNotAllowed:  # said in words that tell the user what to do
            raise TransitionNotAllowed(action_closed_message(action), code="transition") from None
        action.status, action.completed_at, action.completed_by = target, now, actor
        action.completion_note = note.strip()
        word = "done" if target == ActionStatus.DONE else "cancelled"
        audit.save_change(
            action,
            actor=actor,
            reason=f"Action {word}",
            fields=["status", "completed_at", "completed_by", "completion_note"],
        )
        summary = f"Action {word} ({action.owner_agency}): {action.description}"
        _in_chronology(action, summary, detail=action.completion_note, actor=actor, now=now)
    return action


def _in_chronology(action: Action, summary: str, *, actor, now, detail: str = "") -> None:
    """An action's event in its case's chronology (an action with no case has none)."""
    if action.case is not None:
        chronology_record(
            case=action.case,
            kind=action_chronology_kind(action),
            summary=summary,
            detail=detail,
            actor=actor,
            occurred_at=now,
        )


def action_progress_record(*, action: Action, actor, note: str, now: dt.datetime | None = None) -> ActionProgressNote:
    """Record progress on an open action (its agency's partners, or those who manage the actions
    of its case); the case's chronology says who recorded what."""
    require_update_action(actor, action)
    now = now or timezone.now()
    if not note.strip():
        raise ValidationError({"note": "Enter what has been done so far"})
    with transaction.atomic():
        action = Action.objects.select_for_update(of=("self",)).select_related("case", "owner_agency").get(pk=action.pk)
        if action.status != ActionStatus.OPEN:
            raise ValidationError(action_closed_message(action))
        progress = ActionProgressNote(action=action, note=note.strip(), recorded_at=now, recorded_by=actor)
        audit.save(progress, actor=actor, reason="Progress on an action recorded")
        summary = f"Progress on action ({action.owner_agency}): {action.description}"
        _in_chronology(action, summary, detail=progress.note, actor=actor, now=now)
    return progress


def action_complete(
    *, action: Action, actor, completion_note: str, expected_version: int | None = None, now=None
) -> Action:
    """Mark an open action done, saying what was done."""
    return _action_close(
        action=action,
        actor=actor,
        target=ActionStatus.DONE,
        note=completion_note,
        expected_version=expected_version,
        now=now,
    )


def action_cancel(*, action: Action, actor, reason: str, expected_version: int | None = None, now=None) -> Action:
    """Cancel an open action, saying why."""
    return _action_close(
        action=action,
        actor=actor,
        target=ActionStatus.CANCELLED,
        note=reason,
        expected_version=expected_version,
        now=now,
    )


# --- Actions a higher app's register keeps ---------------------------------------------------------


def register_action_create(
    *,
    actor,
    description: str,
    owner_agency,
    due_on: dt.date,
    owner=None,
    owner_name: str = "",
    now: dt.datetime | None = None,
) -> Action:
    """An action of no case that a register of a higher app keeps (a disruption of the network, say),
    on the multi-agency list of its owning agency, whose partners update and complete it as any other.
    The register's own service has checked that the actor may keep the register; the action is
    validated as any other."""
    now = now or timezone.now()
    refuse(
        action_errors(
            description=description,
            owner_agency=owner_agency,
            owner=owner,
            owner_name=owner_name,
            due_on=due_on,
            today=clock.local_date(now),
        )
        or _owner_errors(owner)
    )
    action = Action(
        description=description.strip(),
        owner_agency=owner_agency,
        owner=owner,
        owner_name="" if owner is not None else owner_name.strip(),
        due_on=due_on,
        created_by=actor,
    )
    return audit.save(action, actor=actor, reason="Action agreed")


def register_action_close(*, action: Action, actor, done: bool, note: str, now: dt.datetime | None = None) -> Action:
    """Done or cancel a register's action as its register's record was (the register checked the actor)."""
    if action.case_id is not None:
        raise ValueError("Only an action of no case belongs to a register")
    target = ActionStatus.DONE if done else ActionStatus.CANCELLED
    return _action_close(
        action=action, actor=actor, target=target, note=note, expected_version=None, now=now, checked=True
    )

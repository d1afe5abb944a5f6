"""Closure and reopening: the worker proposes, a team leader approves (the worker's access goes)
or returns it; a closed case is reopened with its history."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from contacts.models import Child
from core import audit, clock
from core.concurrency import check_version
from core.exceptions import TransitionNotAllowed
from core.selectors import service_settings
from core.workflow import transition

from .. import rules
from ..choices import (
    ALLOWED_CASE_TRANSITIONS,
    ALLOWED_CLOSURE_TRANSITIONS,
    LIVE_CASE_STATUSES,
    CaseStatus,
    ChronologyKind,
    ClosureStatus,
    StepDownDestination,
)
from ..models import Allocation, Case, CaseClosure
from ..permissions import CLOSE_CASE, PROPOSE_CLOSURE, require_work_on_case
from ._common import lock_case, set_child_markers
from .allocation import _take_access
from .chronology import case_change
from .nrm import nrm_referral_create_due

# What a closure proposal sets on the case (and returning it clears).
PROPOSAL_FIELDS = [
    "status",
    "closure_reason",
    "exit_plan",
    "step_down_destination",
    "closure_proposed_by",
    "closure_proposed_at",
]


def _set_case_status(case: Case, status: str) -> None:
    transition(case.status, status, ALLOWED_CASE_TRANSITIONS, "case")
    case.status = status


def _set_closure_status(closure: CaseClosure, status: str) -> None:
    transition(closure.status, status, ALLOWED_CLOSURE_TRANSITIONS, "closure")
    closure.status = status


def case_closure_propose(
    *,
    case: Case,
    reason: str,
    exit_plan: str,
    step_down_destination: str,
    step_down_detail: str = "",
    actor,
    expected_version: int | None = None,
) -> CaseClosure:
    """The worker proposes closing the case, with the reason, the exit plan and where it steps down to."""
    require_work_on_case(actor, case, PROPOSE_CLOSURE)
    errors = {}
    if not reason.strip():
        errors["reason"] = "Enter the reason for closing the case"
    if not exit_plan.strip():
        errors["exit_plan"] = "Enter the exit plan"
    if step_down_destination not in StepDownDestination.values:
        errors["step_down_destination"] = "Select where the case steps down to"
    elif step_down_destination == StepDownDestination.OTHER and not step_down_detail.strip():
        errors["step_down_detail"] = "Enter where the case steps down to"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = lock_case(case)
        check_version(case, expected_version)
        _set_case_status(case, CaseStatus.CLOSURE_PROPOSED)
        now = timezone.now()
        closure = CaseClosure(
            case=case,
            reason=reason.strip(),
            exit_plan=exit_plan.strip(),
            step_down_destination=step_down_destination,
            step_down_detail=step_down_detail.strip(),
            proposed_by=actor,
            proposed_at=now,
        )
        audit.save(closure, actor=actor, reason="Closure proposed")
        case.closure_reason, case.exit_plan, case.step_down_destination = (
            closure.reason,
            closure.exit_plan,
            step_down_destination,
        )
        case.closure_proposed_by, case.closure_proposed_at = actor, now
        case_change(
            case,
            actor=actor,
            reason="Closure proposed",
            fields=PROPOSAL_FIELDS,
            kind=ChronologyKind.CLOSURE,
            occurred_at=now,
            summary=f"Closure proposed: steps down to {closure.get_step_down_destination_display().lower()}",
            detail=closure.reason,
        )
    return closure


def _lock_proposal(case: Case) -> CaseClosure:
    closure = CaseClosure.objects.select_for_update().filter(case=case, status=ClosureStatus.PROPOSED).first()
    if closure is None:
        raise TransitionNotAllowed("No closure of this case is waiting for a decision.")
    return closure


def case_closure_approve(*, case: Case, actor, note: str = "", expected_version: int | None = None) -> Case:
    """A team leader approves the closure: the allocation ends, the worker's access goes, and the
    child keeps a "previously known to CATE" marker."""
    require_work_on_case(actor, case, CLOSE_CASE)
    with transaction.atomic():
        case = lock_case(case)
        check_version(case, expected_version)
        closure = _lock_proposal(case)
        if closure.proposed_by_id == actor.pk:
            raise ValidationError("Someone other than the person who proposed the closure must approve it.")
        _set_case_status(case, CaseStatus.CLOSED)
        _set_closure_status(closure, ClosureStatus.APPROVED)
        now = timezone.now()
        closure.decided_by, closure.decided_at, closure.decision_note = actor, now, note.strip()
        audit.save_change(closure, actor=actor, reason="Closure approved")
        current = Allocation.objects.select_for_update().filter(case=case, ended_at__isnull=True).first()
        if current is not None:
            current.ended_at = now
            audit.save(current, actor=actor, reason="Case closed")
            _take_access(case, current.worker, actor=actor, reason="Case closed", at=now)
        case.closed_at, case.closure_approved_by = now, actor
        case.allocated_worker, case.next_visit_due_at = None, None
        case_change(
            case,
            actor=actor,
            reason="Closure approved",
            fields=["status", "closed_at", "closure_approved_by", "allocated_worker", "next_visit_due_at"],
            kind=ChronologyKind.CLOSURE,
            occurred_at=now,
            summary="Case closed",
            detail=note.strip(),
        )
        set_child_markers(case, actor=actor, reason=f"CATE case {case.reference} closed")
    return case


def case_closure_return(*, case: Case, actor, note: str, expected_version: int | None = None) -> Case:
    """A team leader returns the proposed closure to the worker, saying why; the case stays open."""
    require_work_on_case(actor, case, CLOSE_CASE)
    if not note.strip():
        raise ValidationError({"note": "Enter why the closure is returned"})
    with transaction.atomic():
        case = lock_case(case)
        check_version(case, expected_version)
        closure = _lock_proposal(case)
        _set_case_status(case, CaseStatus.OPEN)
        _set_closure_status(closure, ClosureStatus.RETURNED)
        now = timezone.now()
        closure.decided_by, closure.decided_at, closure.decision_note = actor, now, note.strip()
        audit.save_change(closure, actor=actor, reason=f"Closure returned: {note.strip()}")
        case.closure_reason, case.exit_plan, case.step_down_destination = "", "", ""
        case.closure_proposed_by, case.closure_proposed_at = None, None
        case_change(
            case,
            actor=actor,
            reason="Closure returned to the worker",
            fields=PROPOSAL_FIELDS,
            kind=ChronologyKind.CLOSURE,
            occurred_at=now,
            summary="Closure returned to the worker",
            detail=note.strip(),
        )
    return case


def case_reopen(*, case: Case, reason: str, actor, expected_version: int | None = None) -> Case:
    """Reopen a closed case: its history stays, the allocation is due again, and the transition
    meeting is due anew (at opening, for a young person already past 17 and 3 months)."""
    require_work_on_case(actor, case, CLOSE_CASE)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the case is reopened"})
    with transaction.atomic():
        case = lock_case(case)
        check_version(case, expected_version)
        if case.status != CaseStatus.CLOSED:
            raise TransitionNotAllowed("Only a closed case can be reopened.")
        Child.objects.select_for_update().filter(pk=case.child_id).first()
        live = Case.objects.filter(child_id=case.child_id, status__in=LIVE_CASE_STATUSES).exclude(pk=case.pk).first()
        if live is not None:
            raise ValidationError(f"The child already has an open CATE case ({live.reference}).")
        closure = (
            CaseClosure.objects.select_for_update()
            .filter(case=case, status=ClosureStatus.APPROVED)
            .order_by("-decided_at")
            .first()
        )
        _set_case_status(case, CaseStatus.OPEN)
        now = timezone.now()
        if closure is not None:
            _set_closure_status(closure, ClosureStatus.REOPENED)
            closure.reopened_by, closure.reopened_at, closure.reopen_reason = actor, now, reason.strip()
            audit.save_change(closure, actor=actor, reason=f"Case reopened: {reason.strip()}")
        settings = service_settings()
        case.closed_at, case.last_reopened_at = None, now
        case.allocation_due_at = settings.due("allocation", now)
        case.closure_reason, case.exit_plan, case.step_down_destination = "", "", ""
        case.closure_proposed_by, case.closure_proposed_at, case.closure_approved_by = None, None, None
        case.transition_due_on = rules.transition_due_on(
            date_of_birth=case.child.date_of_birth, opened_on=clock.local_date(now), settings=settings
        )
        case_change(
            case,
            actor=actor,
            reason=f"Case reopened: {reason.strip()}",
            fields=[
                "status",
                "closed_at",
                "last_reopened_at",
                "allocation_due_at",
                "closure_reason",
                "exit_plan",
                "step_down_destination",
                "closure_proposed_by",
                "closure_proposed_at",
                "closure_approved_by",
                "transition_due_on",
            ],
            kind=ChronologyKind.OPENED,
            occurred_at=now,
            summary="Case reopened",
            detail=reason.strip(),
        )
        if case.is_open_to_cate and not case.nrm_referrals.exists():
            nrm_referral_create_due(case=case, actor=actor, settings=settings, start=now)
        set_child_markers(case, actor=actor, reason=f"CATE case {case.reference} reopened")
    return case

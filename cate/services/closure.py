"""Closure and reopening: the worker proposes, answering everything still outstanding on the case
with a reason; a team leader accepts or returns each reason and approves (the worker keeps read-only
access) or returns the proposal; a closed case is reopened with its history."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone

from contacts.models import Child
from core import audit, clock
from core.concurrency import check_version
from core.contract import Outstanding
from core.exceptions import TransitionNotAllowed
from core.selectors import service_settings
from core.workflow import transition

from .. import rules, selectors
from ..choices import (
    ALLOWED_CASE_TRANSITIONS,
    ALLOWED_CLOSURE_TRANSITIONS,
    LIVE_CASE_STATUSES,
    CaseStatus,
    ChronologyKind,
    ClosureItemDecision,
    ClosureStatus,
    StepDownDestination,
)
from ..models import Allocation, Case, CaseClosure, ClosureItem
from ..permissions import CLOSE_CASE, PROPOSE_CLOSURE, require_work_on_case
from ._common import lock_case, set_child_markers
from .allocation import _leave_read_access
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


def _outstanding_errors(items: list[Outstanding], reasons: Mapping[str, str]) -> dict[str, str]:
    """A reason is needed for each outstanding item (by its form field)."""
    return {
        rules.outstanding_field(item.code): f"Enter your reason to close the case all the same: {item.message}"
        for item in items
        if not reasons.get(item.code)
    }


def _blocked(items: list[Outstanding]) -> list[str]:
    return [item.message for item in items if not item.overridable]


def case_closure_propose(
    *,
    case: Case,
    reason: str,
    exit_plan: str,
    step_down_destination: str,
    step_down_detail: str = "",
    outstanding_reasons: Mapping[str, str] | None = None,
    actor,
    expected_version: int | None = None,
) -> CaseClosure:
    """The worker proposes closing the case, with the reason, the exit plan and where it steps down
    to, and a reason to go ahead with each thing still outstanding (`outstanding_reasons`, by the
    item's code; see `selectors.closure_outstanding`). A child missing now stops the proposal: no
    reason overrides it."""
    require_work_on_case(actor, case, PROPOSE_CLOSURE)
    reasons = {code: (text or "").strip() for code, text in (outstanding_reasons or {}).items()}
    errors = {}
    if not reason.strip():
        errors["reason"] = "Enter the reason for closing the case"
    if not exit_plan.strip():
        errors["exit_plan"] = "Enter the exit plan"
    if step_down_destination not in StepDownDestination.values:
        errors["step_down_destination"] = "Select where the case steps down to"
    elif step_down_destination == StepDownDestination.OTHER and not step_down_detail.strip():
        errors["step_down_detail"] = "Enter where the case steps down to"
    with transaction.atomic():
        case = lock_case(case)
        check_version(case, expected_version)
        _set_case_status(case, CaseStatus.CLOSURE_PROPOSED)
        now = timezone.now()
        items = selectors.closure_outstanding(case, now=now, settings=service_settings())
        if blocked := _blocked(items):
            raise ValidationError(blocked)
        errors.update(_outstanding_errors(items, reasons))
        if errors:
            raise ValidationError(errors)
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
        for item in items:
            audit.save(
                ClosureItem(
                    closure=closure, code=item.code, message=item.message, url=item.url, reason=reasons[item.code]
                ),
                actor=actor,
                reason="Outstanding when closure was proposed",
            )
        case.closure_reason, case.exit_plan, case.step_down_destination = (
            closure.reason,
            closure.exit_plan,
            step_down_destination,
        )
        case.closure_proposed_by, case.closure_proposed_at = actor, now
        outstanding = "".join(f"\n\nOutstanding: {item.message}\nReason: {reasons[item.code]}" for item in items)
        case_change(
            case,
            actor=actor,
            reason="Closure proposed",
            fields=PROPOSAL_FIELDS,
            kind=ChronologyKind.CLOSURE,
            occurred_at=now,
            summary=f"Closure proposed: steps down to {closure.get_step_down_destination_display().lower()}"
            + (f"; {len(items)} item{pluralize(len(items))} outstanding" if items else ""),
            detail=closure.reason + outstanding,
        )
    return closure


def _lock_proposal(case: Case) -> CaseClosure:
    closure = CaseClosure.objects.select_for_update().filter(case=case, status=ClosureStatus.PROPOSED).first()
    if closure is None:
        raise TransitionNotAllowed("No closure of this case is waiting for a decision.")
    return closure


def _item_decisions(items: list[ClosureItem], decisions: Mapping, *, required: bool) -> dict[int, str]:
    """The team leader's decision on each outstanding item (by the item's id): accepted or returned.
    When approving, each needs one."""
    chosen = {int(pk): value for pk, value in (decisions or {}).items() if value}
    errors = {}
    for item in items:
        value = chosen.get(item.pk)
        if value is None and required:
            errors[rules.closure_item_field(item.pk)] = f"Select whether you accept the reason given: {item.message}"
        elif value is not None and value not in ClosureItemDecision.values:
            errors[rules.closure_item_field(item.pk)] = f"Select accept or return: {item.message}"
    if errors:
        raise ValidationError(errors)
    return {pk: value for pk, value in chosen.items() if pk in {item.pk for item in items}}


def _record_item_decisions(items: list[ClosureItem], decisions: dict[int, str], *, actor, now) -> None:
    for item in items:
        value = decisions.get(item.pk, "")
        if value and value != item.decision:
            item.decision, item.decided_by, item.decided_at = value, actor, now
            audit.save_change(
                item,
                actor=actor,
                reason=f"Reason to go ahead {ClosureItemDecision(value).label.lower()}",
                fields=["decision", "decided_by", "decided_at"],
            )


def _return(case: Case, closure: CaseClosure, *, actor, note: str, now) -> Case:
    _set_case_status(case, CaseStatus.OPEN)
    _set_closure_status(closure, ClosureStatus.RETURNED)
    closure.decided_by, closure.decided_at, closure.decision_note = actor, now, note
    audit.save_change(closure, actor=actor, reason=f"Closure returned: {note}")
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
        detail=note,
    )
    return case


def _returned_note(note: str, returned: list[ClosureItem]) -> str:
    listed = "\n".join(f"- {item.message}" for item in returned)
    lead = f"The reason given was not accepted for {len(returned)} outstanding item{pluralize(len(returned))}:"
    return "\n".join(part for part in (note, lead, listed) if part)


def case_closure_approve(
    *,
    case: Case,
    actor,
    note: str = "",
    item_decisions: Mapping[int, str] | None = None,
    expected_version: int | None = None,
) -> Case:
    """A team leader approves the closure, accepting or returning the worker's reason for each thing
    outstanding (`item_decisions`, by item id). With any reason returned, the closure goes back to
    the worker. Otherwise the outstanding items are checked again: a child missing now, or anything
    outstanding since that the proposal does not answer, stops the closure. The case then closes:
    the allocation ends, the worker keeps read-only access, and the child keeps a "previously known
    to CATE" marker."""
    require_work_on_case(actor, case, CLOSE_CASE)
    note = note.strip()
    with transaction.atomic():
        case = lock_case(case)
        check_version(case, expected_version)
        closure = _lock_proposal(case)
        if closure.proposed_by_id == actor.pk:
            raise ValidationError("Someone other than the person who proposed the closure must approve it.")
        items = list(closure.items.select_for_update().order_by("id"))
        decisions = _item_decisions(items, item_decisions or {}, required=True)
        now = timezone.now()
        returned = [item for item in items if decisions.get(item.pk) == ClosureItemDecision.RETURNED]
        if returned:
            _record_item_decisions(items, decisions, actor=actor, now=now)
            return _return(case, closure, actor=actor, note=_returned_note(note, returned), now=now)
        current = selectors.closure_outstanding(case, now=now, settings=service_settings())
        answered = {item.code for item in items}
        new = [item.message for item in current if item.overridable and item.code not in answered]
        if blocked := _blocked(current):
            raise ValidationError(blocked)
        if new:
            raise ValidationError(
                [f"Outstanding since the closure was proposed: {message}" for message in new]
                + ["Return the closure to the worker so that they can deal with it or give a reason."]
            )
        _record_item_decisions(items, decisions, actor=actor, now=now)
        _set_case_status(case, CaseStatus.CLOSED)
        _set_closure_status(closure, ClosureStatus.APPROVED)
        closure.decided_by, closure.decided_at, closure.decision_note = actor, now, note
        audit.save_change(closure, actor=actor, reason="Closure approved")
        current_allocation = Allocation.objects.select_for_update().filter(case=case, ended_at__isnull=True).first()
        if current_allocation is not None:
            current_allocation.ended_at = now
            audit.save(current_allocation, actor=actor, reason="Case closed")
            _leave_read_access(case, current_allocation.worker, actor=actor, reason="Case closed", at=now)
        case.closed_at, case.closure_approved_by = now, actor
        case.allocated_worker, case.next_visit_due_at = None, None
        accepted = "".join(f"\n\nAccepted: {item.message}\nReason: {item.reason}" for item in items)
        case_change(
            case,
            actor=actor,
            reason="Closure approved",
            fields=["status", "closed_at", "closure_approved_by", "allocated_worker", "next_visit_due_at"],
            kind=ChronologyKind.CLOSURE,
            occurred_at=now,
            summary="Case closed",
            detail=(note + accepted).strip(),
        )
        set_child_markers(case, actor=actor, reason=f"CATE case {case.reference} closed")
    return case


def case_closure_return(
    *,
    case: Case,
    actor,
    note: str,
    item_decisions: Mapping[int, str] | None = None,
    expected_version: int | None = None,
) -> Case:
    """A team leader returns the proposed closure to the worker, saying why (and, where given, which
    reasons for outstanding items they accept or return); the case stays open."""
    require_work_on_case(actor, case, CLOSE_CASE)
    if not note.strip():
        raise ValidationError({"note": "Enter why the closure is returned"})
    with transaction.atomic():
        case = lock_case(case)
        check_version(case, expected_version)
        closure = _lock_proposal(case)
        items = list(closure.items.select_for_update().order_by("id"))
        now = timezone.now()
        _record_item_decisions(
            items, _item_decisions(items, item_decisions or {}, required=False), actor=actor, now=now
        )
        return _return(case, closure, actor=actor, note=note.strip(), now=now)


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

"""Closure: the worker proposes, a team leader approves or returns; reopening keeps history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from guardian.shortcuts import get_perms

from cate import selectors, services
from cate.choices import CaseStatus, ChronologyKind, ClosureStatus, StepDownDestination, VisitKind
from cate.models import Allocation, CaseClosure
from cate.permissions import can_work_on_case
from core.exceptions import TransitionNotAllowed
from tests.factories import approve_closure, propose_closure

from .helpers import assert_history

pytestmark = pytest.mark.django_db


def propose(case, actor):
    return propose_closure(
        case,
        actor,
        reason="Risk reduced over six months",
        exit_plan="Youth club key worker; school aware",
        step_down_destination=StepDownDestination.EARLY_HELP,
    )


def test_the_worker_proposes_and_the_team_leader_approves(case, worker, leader):
    closure = propose(case, worker)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSURE_PROPOSED
    assert (case.closure_reason, case.step_down_destination) == ("Risk reduced over six months", "early_help")
    assert_history(closure, worker, "Closure proposed")
    assert_history(case, worker, "Closure proposed")
    with pytest.raises(PermissionDenied):
        services.case_closure_approve(case=case, actor=worker)
    approve_closure(case, leader, note="Agreed")
    case.refresh_from_db()
    closure.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_at and case.closure_approved_by == leader
    assert closure.status == ClosureStatus.APPROVED and closure.decided_by == leader
    assert case.allocated_worker is None and case.next_visit_due_at is None
    assert Allocation.objects.get(case=case).ended_at == case.closed_at
    assert selectors.case_get_for_user(worker, case.pk) == case  # read-only access stays
    assert not can_work_on_case(worker, case)
    case.child.refresh_from_db()
    assert (case.child.open_to_cate, case.child.previously_known_to_cate) == (False, True)
    assert case.chronology.filter(kind=ChronologyKind.CLOSURE, summary="Case closed").exists()
    with pytest.raises(ValidationError):
        services.visit_record(
            case=case,
            visited_at=case.opened_at,
            kind=VisitKind.PHONE,
            location="",
            seen_alone=None,
            notes="",
            actor=leader,
        )


def test_the_team_leader_returns_the_closure_with_a_reason(case, worker, leader):
    closure = propose(case, worker)
    with pytest.raises(ValidationError):
        services.case_closure_return(case=case, actor=leader, note="")
    services.case_closure_return(case=case, actor=leader, note="Exit plan needs the school's agreement")
    case.refresh_from_db()
    closure.refresh_from_db()
    assert case.status == CaseStatus.OPEN and case.closure_reason == ""
    assert closure.status == ClosureStatus.RETURNED
    assert closure.decision_note == "Exit plan needs the school's agreement"
    assert_history(closure, leader, "Closure returned: Exit plan needs the school's agreement")
    second = propose(case, worker)
    assert CaseClosure.objects.filter(case=case).count() == 2 and second.status == ClosureStatus.PROPOSED


def test_the_proposer_cannot_approve_their_own_closure(case, leader, personas):
    propose(case, leader)
    with pytest.raises(ValidationError):
        services.case_closure_approve(case=case, actor=leader)
    approve_closure(case, personas["group_manager"])


def test_nothing_to_decide_without_a_proposal(case, leader):
    with pytest.raises(TransitionNotAllowed):
        services.case_closure_approve(case=case, actor=leader)
    with pytest.raises(TransitionNotAllowed):
        services.case_closure_return(case=case, actor=leader, note="x")


def test_a_closed_case_is_reopened_with_history(case, worker, leader):
    propose(case, worker)
    approve_closure(case, leader)
    with pytest.raises(TransitionNotAllowed):
        propose(case, leader)
    services.case_reopen(case=case, reason="Missing again; re-referred by police", actor=leader)
    case.refresh_from_db()
    closure = case.closures.get()
    assert case.status == CaseStatus.OPEN and case.closed_at is None and case.last_reopened_at
    assert case.allocated_worker is None and case.allocation_due_at > case.last_reopened_at
    assert (closure.status, closure.reopened_by) == (ClosureStatus.REOPENED, leader)
    case.child.refresh_from_db()
    assert (case.child.open_to_cate, case.child.previously_known_to_cate) == (True, True)
    assert case.history.filter(status=CaseStatus.CLOSED).exists()
    assert case.chronology.filter(summary="Case reopened").exists()
    services.case_allocate(case=case, worker=worker, actor=leader)
    assert case.gp_letters.count() == 2  # the first allocation of the new opening writes again
    with pytest.raises(TransitionNotAllowed):
        services.case_reopen(case=case, reason="again", actor=leader)


def test_closing_the_case_leaves_the_worker_read_only_access(case, worker, leader):
    propose(case, worker)
    approve_closure(case, leader, note="Agreed")
    kept = case.chronology.get(kind=ChronologyKind.ALLOCATION, summary=f"{worker} keeps read-only access to the case")
    assert (kept.recorded_by, kept.detail) == (leader, "Case closed")
    assert_history(kept, leader, f"{worker} keeps read-only access to the case")
    assert selectors.case_get_for_user(worker, case.pk) == case
    assert set(get_perms(worker, case)) == {"view_case"}
    assert not can_work_on_case(worker, case)

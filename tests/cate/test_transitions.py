"""Every transition pair of the case, closure, referral and interview states: the tables, and the
services that move a case along them."""

import itertools

import pytest
from django.core.exceptions import ValidationError

from cate import services
from cate.choices import (
    ALLOWED_CASE_TRANSITIONS,
    ALLOWED_CLOSURE_TRANSITIONS,
    ALLOWED_REFERRAL_TRANSITIONS,
    ALLOWED_RHI_TRANSITIONS,
    CaseStatus,
    ClosureStatus,
    ReferralStatus,
    RhiStatus,
)
from core.exceptions import TransitionNotAllowed
from core.workflow import transition
from tests.factories import approve_closure, propose_closure

EXPECTED = {
    "case": (
        CaseStatus,
        ALLOWED_CASE_TRANSITIONS,
        {
            (CaseStatus.OPEN, CaseStatus.CLOSURE_PROPOSED),
            (CaseStatus.CLOSURE_PROPOSED, CaseStatus.OPEN),
            (CaseStatus.CLOSURE_PROPOSED, CaseStatus.CLOSED),
            (CaseStatus.CLOSED, CaseStatus.OPEN),
        },
    ),
    "closure": (
        ClosureStatus,
        ALLOWED_CLOSURE_TRANSITIONS,
        {
            (ClosureStatus.PROPOSED, ClosureStatus.APPROVED),
            (ClosureStatus.PROPOSED, ClosureStatus.RETURNED),
            (ClosureStatus.APPROVED, ClosureStatus.REOPENED),
        },
    ),
    "referral": (
        ReferralStatus,
        ALLOWED_REFERRAL_TRANSITIONS,
        {
            (ReferralStatus.AWAITING_ASSESSMENT, ReferralStatus.ASSESSMENT_IN_PROGRESS),
            (ReferralStatus.ASSESSMENT_IN_PROGRESS, ReferralStatus.COMPLETED),
        },
    ),
    "return home interview": (
        RhiStatus,
        ALLOWED_RHI_TRANSITIONS,
        {
            (RhiStatus.OFFERED, RhiStatus.COMPLETED),
            (RhiStatus.OFFERED, RhiStatus.DECLINED),
            (RhiStatus.DECLINED, RhiStatus.COMPLETED),
        },
    ),
}
PAIRS = [(what, a, b) for what, (choices, _, _) in EXPECTED.items() for a, b in itertools.product(choices, choices)]


@pytest.mark.parametrize(("what", "current", "new"), PAIRS)
def test_every_pair_of_states(what, current, new):
    _, table, allowed = EXPECTED[what]
    assert set(table) == set(EXPECTED[what][0])
    if (current, new) in allowed:
        transition(current, new, table, what)
    else:
        with pytest.raises(TransitionNotAllowed):
            transition(current, new, table, what)


def _propose(case, actor):
    propose_closure(case, actor, reason="r", exit_plan="p")


ACTIONS = {
    "propose": lambda case, worker, leader: _propose(case, leader),
    "approve": lambda case, worker, leader: approve_closure(case, leader),
    "return": lambda case, worker, leader: services.case_closure_return(case=case, actor=leader, note="n"),
    "reopen": lambda case, worker, leader: services.case_reopen(case=case, reason="r", actor=leader),
}
# Which action succeeds from which case state (and the state it leaves the case in).
OUTCOMES = {
    (CaseStatus.OPEN, "propose"): CaseStatus.CLOSURE_PROPOSED,
    (CaseStatus.CLOSURE_PROPOSED, "approve"): CaseStatus.CLOSED,
    (CaseStatus.CLOSURE_PROPOSED, "return"): CaseStatus.OPEN,
    (CaseStatus.CLOSED, "reopen"): CaseStatus.OPEN,
}


def _bring_to(case, status, worker, leader):
    if status in (CaseStatus.CLOSURE_PROPOSED, CaseStatus.CLOSED):
        _propose(case, worker)
    if status == CaseStatus.CLOSED:
        approve_closure(case, leader)
    case.refresh_from_db()
    assert case.status == status


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "action"), list(itertools.product(CaseStatus, ACTIONS)))
def test_every_case_action_from_every_state(case, worker, leader, status, action):
    _bring_to(case, status, worker, leader)
    version = case.history.count()
    expected = OUTCOMES.get((status, action))
    if expected is None:
        with pytest.raises(ValidationError):  # TransitionNotAllowed is a ValidationError
            ACTIONS[action](case, worker, leader)
        case.refresh_from_db()
        assert case.status == status and case.history.count() == version
    else:
        ACTIONS[action](case, worker, leader)
        case.refresh_from_db()
        assert case.status == expected

"""Due items of cases, for the CATE caseload: first panel, panel review, strategy meeting,
safety plan review and open actions, with a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cate.choices import CaseStatus
from core.clock import LONDON, DueState
from core.due import due_items_for_cases
from core.selectors import ServiceSettings
from riskpanel.choices import ActionStatus, PanelStatus, SafetyPlanStatus
from riskpanel.due import riskpanel_due_items
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    AllocationFactory,
    CaseFactory,
    PanelDecisionFactory,
    PanelMeetingFactory,
    SafetyPlanFactory,
    StrategyMeetingFactory,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2030, 3, 1, 12, 0, tzinfo=LONDON)


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def items_of(case, settings=None):
    return riskpanel_due_items([case.pk], now=NOW, settings=settings or ServiceSettings(overrides={}))[case.pk]


def test_first_panel_is_due_42_days_after_the_first_allocation_until_a_decision():
    case = CaseFactory()
    AllocationFactory(case=case, started_at=london(2030, 1, 10, 9, 0), ended_at=london(2030, 1, 20, 9, 0))
    AllocationFactory(case=case, started_at=london(2030, 1, 20, 9, 0))
    (item,) = items_of(case)
    assert (item.kind, item.due_at, item.state) == ("first_panel", london(2030, 2, 21, 9, 0), DueState.OVERDUE)
    assert item.label == "First risk panel"
    AgendaItemFactory(case=case, meeting=PanelMeetingFactory(meets_at=london(2030, 3, 5, 10, 0)))
    (item,) = items_of(case)
    assert item.label == "First risk panel (on the agenda for 5 Mar 2030)"


def test_after_a_decision_the_review_is_due_by_the_end_of_its_day():
    case = CaseFactory()
    AllocationFactory(case=case, started_at=london(2030, 1, 10, 9, 0))
    closed = PanelMeetingFactory(meets_at=london(2030, 2, 1, 10, 0), status=PanelStatus.CLOSED)
    PanelDecisionFactory(
        item__case=case, item__meeting=closed, risk_level="high", next_review_on=dt.date(2030, 3, 1), decided_at=NOW
    )
    (item,) = items_of(case)
    assert (item.kind, item.due_at, item.state) == (
        "panel_review",
        london(2030, 3, 1, 23, 59, 59),
        DueState.DUE_SOON,
    )


def test_strategy_meetings_safety_plan_reviews_and_open_actions():
    case = CaseFactory()
    StrategyMeetingFactory(case=case, is_review=True, due_at=london(2030, 3, 20, 10, 0))
    StrategyMeetingFactory(case=case, due_at=london(2030, 2, 1, 10, 0), held_at=london(2030, 2, 1, 10, 0))
    SafetyPlanFactory(
        case=case, number=1, status=SafetyPlanStatus.AGREED, agreed_at=NOW, review_due_on=dt.date(2030, 5, 24)
    )
    SafetyPlanFactory(
        case=case, number=2, status=SafetyPlanStatus.SUPERSEDED, agreed_at=NOW, review_due_on=dt.date(2030, 1, 1)
    )
    ActionFactory(case=case, due_on=dt.date(2030, 2, 27), description="Check attendance")
    ActionFactory(case=case, due_on=dt.date(2030, 2, 1), status=ActionStatus.DONE, completed_at=NOW)
    got = {(i.kind, i.label, i.due_at, i.state) for i in items_of(case)}
    assert got == {
        ("strategy_meeting_review", "Strategy meeting review", london(2030, 3, 20, 10, 0), DueState.NOT_YET_DUE),
        ("safety_plan_review", "Safety plan review (version 1)", london(2030, 5, 24, 23, 59, 59), DueState.NOT_YET_DUE),
        ("action", "Action (Education): Check attendance", london(2030, 2, 27, 23, 59, 59), DueState.OVERDUE),
    }


def test_a_closed_case_has_nothing_due():
    case = CaseFactory(status=CaseStatus.CLOSED)
    AllocationFactory(case=case, started_at=london(2030, 1, 10, 9, 0))
    ActionFactory(case=case)
    assert riskpanel_due_items([case.pk], now=NOW, settings=ServiceSettings(overrides={})) == {}


def test_the_provider_is_registered_and_its_queries_do_not_grow_with_cases():
    def world(n):
        cases = []
        for _ in range(n):
            case = CaseFactory()
            AllocationFactory(case=case, started_at=london(2030, 1, 10, 9, 0))
            StrategyMeetingFactory(case=case)
            ActionFactory(case=case)
            SafetyPlanFactory(
                case=case, status=SafetyPlanStatus.AGREED, agreed_at=NOW, review_due_on=dt.date(2030, 5, 1)
            )
            cases.append(case.pk)
        return cases

    counts = []
    for n in (1, 20):
        ids = world(n)
        with CaptureQueriesContext(connection) as queries:
            result = due_items_for_cases(ids, now=NOW, settings=ServiceSettings(overrides={}))
        counts.append(len(queries))
        assert {i.kind for i in result[ids[0]]} >= {"first_panel", "strategy_meeting", "action", "safety_plan_review"}
    assert counts[0] == counts[1]

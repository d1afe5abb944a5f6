"""The panel's decision: risk level, colour from the mapping setting, the case's current risk
level, the GP letter, and the strategy meeting a red or amber decision makes due."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cate.choices import ChronologyKind, GpLetterTrigger, RiskSource
from cate.models import Case, GpLetter
from core.clock import LONDON
from riskpanel import services
from riskpanel.choices import PanelStatus, RagColour
from riskpanel.models import StrategyMeeting
from tests.factories import AgendaItemFactory, PanelMeetingFactory, StrategyMeetingFactory

from .test_rules import DEFAULT_COLOURS

pytestmark = pytest.mark.django_db


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


@pytest.fixture
def open_item(worker_case):
    meeting = PanelMeetingFactory(meets_at=london(2030, 3, 5, 10, 0), status=PanelStatus.OPEN)
    return AgendaItemFactory(meeting=meeting, case=worker_case)


@pytest.mark.parametrize(
    ("level", "colour", "strategy_meeting_due"),
    [(level, colour, colour != RagColour.GREEN) for level, colour in DEFAULT_COLOURS.items()],
)
def test_a_decision_sets_the_case_risk_level_and_red_or_amber_makes_a_strategy_meeting_due(
    leader, open_item, level, colour, strategy_meeting_due
):
    decided_at = london(2030, 3, 5, 11, 0)  # Tuesday: five working days later is Tuesday 12 March
    decision = services.panel_decision_record(
        item=open_item,
        actor=leader,
        risk_level=level,
        rationale="Agreed by all agencies",
        send_gp_letter=False,
        now=decided_at,
    )
    assert (decision.risk_level, decision.colour) == (level, colour)
    assert decision.next_review_on == dt.date(2030, 5, 28)  # 12 weeks by default
    case = Case.objects.get(pk=open_item.case_id)
    assert (case.current_risk_level, case.risk_level_source, case.risk_level_set_at) == (
        level,
        RiskSource.PANEL,
        decided_at,
    )
    meetings = list(StrategyMeeting.objects.filter(case=case))
    if strategy_meeting_due:
        (meeting,) = meetings
        assert (meeting.decision, meeting.is_review, meeting.held_at) == (decision, False, None)
        assert meeting.due_at == london(2030, 3, 12, 11, 0)
        assert case.chronology.filter(
            kind=ChronologyKind.STRATEGY_MEETING,
            summary=f"Strategy meeting due by 12 Mar 2030 after the panel's {colour} decision",
        ).exists()
    else:
        assert meetings == []


def test_the_strategy_meeting_deadline_skips_bank_holidays(leader, worker_case):
    meeting = PanelMeetingFactory(meets_at=london(2030, 4, 16, 10, 0), status=PanelStatus.OPEN)
    item = AgendaItemFactory(meeting=meeting, case=worker_case)
    # Tuesday 16 April 2030; Good Friday 19 April and Easter Monday 22 April are bank holidays.
    services.panel_decision_record(
        item=item,
        actor=leader,
        risk_level="high",
        rationale="x",
        send_gp_letter=False,
        now=london(2030, 4, 16, 11, 0),
    )
    assert StrategyMeeting.objects.get(case=worker_case).due_at == london(2030, 4, 25, 11, 0)


def test_the_decision_is_recorded_with_history_and_chronology(leader, open_item):
    decision = services.panel_decision_record(
        item=open_item,
        actor=leader,
        risk_level="medium_high",
        rationale="Intelligence about an address",
        next_review_on=dt.date(2030, 4, 2),
        send_gp_letter=False,
        now=london(2030, 3, 5, 11, 0),
    )
    record = decision.history.latest()
    assert (record.history_user, record.history_change_reason) == (leader, "Risk panel decision: Medium-High (amber)")
    assert decision.next_review_on == dt.date(2030, 4, 2)
    event = open_item.case.chronology.get(kind=ChronologyKind.PANEL)
    assert event.summary == "Risk panel on 5 Mar 2030 agreed Medium-High (amber); next review by 2 Apr 2030"
    assert event.detail == "Intelligence about an address" and event.significant
    case_record = Case.objects.get(pk=open_item.case_id).history.latest()
    assert (case_record.history_user, case_record.history_change_reason) == (
        leader,
        "Risk panel on 5 Mar 2030: Medium-High (amber)",
    )


def test_the_gp_letter_is_generated_when_asked_or_afterwards(leader, open_item, worker_case):
    decision = services.panel_decision_record(
        item=open_item, actor=leader, risk_level="low", rationale="x", send_gp_letter=True
    )
    letter = GpLetter.objects.get(case=worker_case)
    assert decision.gp_letter == letter and letter.trigger == GpLetterTrigger.PANEL
    assert letter.practice == "Riverside"

    other = AgendaItemFactory(meeting=open_item.meeting)
    decision = services.panel_decision_record(
        item=other, actor=leader, risk_level="low", rationale="x", send_gp_letter=False
    )
    assert decision.gp_letter is None and not GpLetter.objects.filter(case=other.case).exists()
    decision = services.panel_decision_send_gp_letter(decision=decision, actor=leader)
    assert decision.gp_letter.case == other.case
    assert decision.history.latest().history_change_reason == "GP letter generated after the panel"
    again = services.panel_decision_send_gp_letter(decision=decision, actor=leader)
    assert again.gp_letter == decision.gp_letter and GpLetter.objects.filter(case=other.case).count() == 1


def test_a_later_red_decision_brings_a_pending_review_forward(leader, open_item, worker_case):
    pending = StrategyMeetingFactory(case=worker_case, is_review=True, due_at=london(2030, 4, 9, 10, 0))
    decision = services.panel_decision_record(
        item=open_item,
        actor=leader,
        risk_level="high",
        rationale="x",
        send_gp_letter=False,
        now=london(2030, 3, 5, 11, 0),
    )
    pending.refresh_from_db()
    assert (pending.due_at, pending.decision, pending.is_review) == (london(2030, 3, 12, 11, 0), decision, False)
    assert StrategyMeeting.objects.filter(case=worker_case).count() == 1


def test_a_pending_meeting_due_sooner_stays_as_it_is(leader, open_item, worker_case):
    pending = StrategyMeetingFactory(case=worker_case, due_at=london(2030, 3, 7, 10, 0))
    services.panel_decision_record(
        item=open_item,
        actor=leader,
        risk_level="high",
        rationale="x",
        send_gp_letter=False,
        now=london(2030, 3, 5, 11, 0),
    )
    pending.refresh_from_db()
    assert pending.due_at == london(2030, 3, 7, 10, 0) and pending.decision is None


def test_decisions_are_refused_when_they_make_no_sense(leader, personas, open_item):
    with pytest.raises(ValidationError) as error:
        services.panel_decision_record(item=open_item, actor=leader, risk_level="purple", rationale=" ")
    assert set(error.value.error_dict) == {"risk_level", "rationale"}
    with pytest.raises(PermissionDenied):
        services.panel_decision_record(item=open_item, actor=personas["group_manager"], risk_level="low", rationale="x")
    scheduled = AgendaItemFactory(meeting=PanelMeetingFactory(status=PanelStatus.SCHEDULED))
    with pytest.raises(ValidationError, match="Open the panel"):
        services.panel_decision_record(item=scheduled, actor=leader, risk_level="low", rationale="x")
    services.panel_decision_record(item=open_item, actor=leader, risk_level="low", rationale="x", send_gp_letter=False)
    with pytest.raises(ValidationError, match="already been recorded"):
        services.panel_decision_record(item=open_item, actor=leader, risk_level="high", rationale="x")
    no_case = AgendaItemFactory(meeting=open_item.meeting, case=None, title="Placed young person")
    with pytest.raises(ValidationError, match="outcome"):
        services.panel_decision_record(item=no_case, actor=leader, risk_level="high", rationale="x")
    item = services.agenda_item_record_outcome(item=no_case, actor=leader, outcome="CATE to offer a service")
    assert item.outcome == "CATE to offer a service"


def test_an_item_carried_to_the_next_panel_is_decided_there_not_at_the_closed_panel(leader, open_item):
    PanelMeetingFactory(meets_at=london(2030, 3, 19, 10, 0))
    meeting = services.panel_close(
        meeting=open_item.meeting, actor=leader, reasons={open_item.pk: "Out of time"}, now=london(2030, 3, 5, 13, 0)
    )
    (carried,) = meeting.carried
    with pytest.raises(ValidationError, match="carried to the next panel"):
        services.panel_decision_record(item=carried, actor=leader, risk_level="medium", rationale="Late")
    services.panel_open(meeting=meeting.carried_to_meeting, actor=leader)
    decision = services.panel_decision_record(
        item=carried.carried_to, actor=leader, risk_level="medium", rationale="Discussed", send_gp_letter=False
    )
    assert decision.colour == RagColour.AMBER

"""Building the agenda from the records: first panels from allocation dates, reviews from the
last decision's review date, items added by hand, and the panel paper frozen on each item."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cate.choices import CaseStatus, ChronologyKind
from core.clock import LONDON
from riskpanel import services
from riskpanel.choices import ItemKind, PanelStatus
from riskpanel.models import AgendaItem
from riskpanel.papers import NO_ASSESSMENT
from tests.factories import (
    AgencyFactory,
    AgendaItemFactory,
    AllocationFactory,
    CaseFactory,
    PanelDecisionFactory,
    PanelMeetingFactory,
    RiskAssessmentFactory,
)

pytestmark = pytest.mark.django_db


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def allocated(started_at, **case_kwargs):
    case = CaseFactory(**case_kwargs)
    AllocationFactory(case=case, started_at=started_at)
    return case


def test_first_panels_come_from_the_first_allocation_and_late_ones_are_flagged(leader):
    meeting = PanelMeetingFactory(meets_at=london(2030, 2, 19, 10, 0))
    late = allocated(london(2030, 1, 7, 10, 0))  # due 18 Feb 10:00: the panel is after it
    on_time = allocated(london(2030, 1, 8, 10, 0))  # due 19 Feb 10:00: exactly when the panel meets
    reallocated = CaseFactory()
    AllocationFactory(case=reallocated, started_at=london(2030, 1, 20, 9, 0), ended_at=london(2030, 2, 1, 9, 0))
    AllocationFactory(case=reallocated, started_at=london(2030, 2, 1, 9, 0))
    allocated(london(2030, 2, 20, 9, 0))  # allocated after the panel
    CaseFactory()  # never allocated: the first-panel clock has not started
    allocated(london(2030, 1, 7, 10, 0), status=CaseStatus.CLOSED)

    items = services.agenda_build(meeting=meeting, actor=leader)

    assert [(i.case, i.kind) for i in items] == [
        (late, ItemKind.FIRST_PANEL),
        (on_time, ItemKind.FIRST_PANEL),
        (reallocated, ItemKind.FIRST_PANEL),
    ]
    by_case = {i.case: i for i in items}
    assert by_case[late].first_panel_due_at == london(2030, 2, 18, 10, 0)
    assert by_case[late].first_panel_deadline_missed is True
    assert by_case[on_time].first_panel_due_at == london(2030, 2, 19, 10, 0)
    assert by_case[on_time].first_panel_deadline_missed is False
    assert by_case[reallocated].first_panel_due_at == london(2030, 3, 3, 9, 0)  # from the first allocation
    assert [i.position for i in items] == [1, 2, 3]


def test_the_first_panel_deadline_keeps_the_wall_clock_across_daylight_saving(leader):
    # Allocated on 20 Feb 2030 (GMT); 42 days later is 3 April (BST), still 10:00 London time.
    meeting = PanelMeetingFactory(meets_at=london(2030, 4, 3, 10, 0))
    case = allocated(london(2030, 2, 20, 10, 0))
    (item,) = services.agenda_build(meeting=meeting, actor=leader)
    assert item.case == case
    assert item.first_panel_due_at == london(2030, 4, 3, 10, 0)
    assert item.first_panel_deadline_missed is False


def test_a_case_discussed_or_waiting_on_another_agenda_is_not_due_again(leader):
    meeting = PanelMeetingFactory(meets_at=london(2030, 3, 5, 10, 0))
    discussed = allocated(london(2030, 1, 7, 10, 0))
    PanelDecisionFactory(
        item__case=discussed,
        item__meeting=PanelMeetingFactory(meets_at=london(2030, 1, 22, 10, 0), status=PanelStatus.CLOSED),
        next_review_on=dt.date(2030, 6, 1),
    )
    waiting = allocated(london(2030, 1, 7, 10, 0))
    AgendaItemFactory(case=waiting, meeting=PanelMeetingFactory(meets_at=london(2030, 3, 19, 10, 0)))
    missed_at_closed_panel = allocated(london(2030, 1, 7, 10, 0))
    AgendaItemFactory(
        case=missed_at_closed_panel,
        meeting=PanelMeetingFactory(meets_at=london(2030, 2, 5, 10, 0), status=PanelStatus.CLOSED),
    )
    withdrawn = allocated(london(2030, 1, 7, 10, 0))
    AgendaItemFactory(
        case=withdrawn,
        meeting=PanelMeetingFactory(meets_at=london(2030, 2, 19, 10, 0)),
        withdrawn_at=london(2030, 2, 10, 9, 0),
    )

    items = services.agenda_build(meeting=meeting, actor=leader)

    assert {i.case for i in items} == {missed_at_closed_panel, withdrawn}
    assert services.agenda_build(meeting=meeting, actor=leader) == []  # building again adds nothing


def test_reviews_due_before_the_following_panel_are_on_this_agenda(leader):
    earlier = PanelMeetingFactory(meets_at=london(2030, 3, 5, 10, 0), status=PanelStatus.CLOSED)
    meeting = PanelMeetingFactory(meets_at=london(2030, 6, 4, 10, 0))
    PanelMeetingFactory(meets_at=london(2030, 6, 18, 10, 0))

    def reviewed(on):
        case = allocated(london(2030, 1, 7, 10, 0))
        PanelDecisionFactory(item__case=case, item__meeting=earlier, next_review_on=on)
        return case

    overdue = reviewed(dt.date(2030, 6, 1))
    day_before_next = reviewed(dt.date(2030, 6, 17))
    reviewed(dt.date(2030, 6, 18))  # due on the day of the following panel: reviewed there

    items = services.agenda_build(meeting=meeting, actor=leader)

    assert [(i.case, i.kind, i.review_due_on) for i in items] == [
        (overdue, ItemKind.REVIEW, dt.date(2030, 6, 1)),
        (day_before_next, ItemKind.REVIEW, dt.date(2030, 6, 17)),
    ]
    assert [i.review_late for i in items] == [True, False]


def test_without_a_following_panel_the_schedule_interval_sets_the_review_horizon(leader):
    earlier = PanelMeetingFactory(meets_at=london(2030, 3, 5, 10, 0), status=PanelStatus.CLOSED)
    meeting = PanelMeetingFactory(meets_at=london(2030, 6, 4, 10, 0))
    inside, outside = allocated(london(2030, 1, 7, 10, 0)), allocated(london(2030, 1, 7, 10, 0))
    PanelDecisionFactory(item__case=inside, item__meeting=earlier, next_review_on=dt.date(2030, 6, 17))
    PanelDecisionFactory(item__case=outside, item__meeting=earlier, next_review_on=dt.date(2030, 6, 18))
    assert [i.case for i in services.agenda_build(meeting=meeting, actor=leader)] == [inside]


def test_review_dates_follow_the_interval_of_the_risk_level_decided(leader, personas):
    from core.clock import Duration, Unit
    from core.services import setting_update

    setting_update(
        key="panel_review_high",
        value=Duration(4, Unit.WEEKS),
        actor=personas["group_manager"],
        reason="High risk reviewed monthly",
    )
    first = PanelMeetingFactory(meets_at=london(2030, 3, 5, 10, 0), status=PanelStatus.OPEN)
    high, low = allocated(london(2030, 1, 7, 10, 0)), allocated(london(2030, 1, 7, 10, 0))
    decided_at = london(2030, 3, 5, 11, 0)
    for case, level in ((high, "high"), (low, "low")):
        item = AgendaItemFactory(meeting=first, case=case)
        services.panel_decision_record(
            item=item, actor=leader, risk_level=level, rationale="Agreed", send_gp_letter=False, now=decided_at
        )
    next_month = PanelMeetingFactory(meets_at=london(2030, 4, 2, 10, 0))
    (item,) = services.agenda_build(meeting=next_month, actor=leader)
    assert (item.case, item.review_due_on) == (high, dt.date(2030, 4, 2))
    in_twelve_weeks = PanelMeetingFactory(meets_at=london(2030, 5, 28, 10, 0))
    (item,) = services.agenda_build(meeting=in_twelve_weeks, actor=leader)
    assert (item.case, item.review_due_on) == (low, dt.date(2030, 5, 28))


def test_each_item_carries_the_latest_risk_assessment_as_a_frozen_paper(leader):
    meeting = PanelMeetingFactory(meets_at=london(2030, 2, 19, 10, 0))
    case = allocated(london(2030, 1, 7, 10, 0))
    no_assessment = allocated(london(2030, 1, 8, 10, 0))
    RiskAssessmentFactory(case=case, assessed_at=london(2030, 1, 10, 10, 0), summary="Old summary")
    latest = RiskAssessmentFactory(case=case, assessed_at=london(2030, 2, 1, 10, 0), summary="Latest summary")

    item, other = services.agenda_build(meeting=meeting, actor=leader)

    assert item.paper_assessment == latest
    assert "Latest summary" in item.paper and "Old summary" not in item.paper
    assert "Running away/going missing: Complex. Missing three times in May." in item.paper
    assert "Says the friends look out for her." in item.paper
    assert other.case == no_assessment and other.paper == NO_ASSESSMENT

    latest.summary = "Changed after the agenda was built"
    latest.save()
    item.refresh_from_db()
    assert "Latest summary" in item.paper  # the paper is a snapshot

    newer = RiskAssessmentFactory(case=case, assessed_at=london(2030, 2, 10, 10, 0), summary="Newer summary")
    item = services.agenda_item_refresh_paper(item=item, actor=leader)
    assert item.paper_assessment == newer and "Newer summary" in item.paper
    assert item.history.latest().history_change_reason == "Paper taken again from the latest risk assessment"


def test_building_records_history_and_the_case_chronology(leader):
    meeting = PanelMeetingFactory(meets_at=london(2030, 2, 19, 10, 0))
    case = allocated(london(2030, 1, 7, 10, 0))
    (item,) = services.agenda_build(meeting=meeting, actor=leader)
    record = item.history.latest()
    assert (record.history_user, record.history_change_reason) == (
        leader,
        "Added to the agenda from the records (first panel)",
    )
    event = case.chronology.get(kind=ChronologyKind.PANEL)
    assert event.summary == (
        "Listed for the risk panel on 19 Feb 2030 (first panel): after the first-panel deadline of 18 Feb 2030"
    )
    assert event.recorded_by == leader


def test_only_a_team_leader_builds_an_agenda_and_never_of_a_closed_panel(personas, leader):
    meeting = PanelMeetingFactory()
    for name in ("cate_worker", "group_manager", "panel_member", "police"):
        with pytest.raises(PermissionDenied):
            services.agenda_build(meeting=meeting, actor=personas[name])
    meeting.status = PanelStatus.CLOSED
    meeting.save()
    with pytest.raises(ValidationError, match="closed panel"):
        services.agenda_build(meeting=meeting, actor=leader)


def test_a_restricted_child_is_left_to_the_staff_named_on_it(personas, leader):
    meeting = PanelMeetingFactory(meets_at=london(2030, 2, 19, 10, 0))
    case = allocated(london(2030, 1, 7, 10, 0))
    case.child.is_restricted = True
    case.child.save()
    assert services.agenda_build(meeting=meeting, actor=leader) == []
    case.child.restricted_to.add(leader)
    assert [i.case for i in services.agenda_build(meeting=meeting, actor=leader)] == [case]


def test_items_added_by_hand(leader, worker_case):
    meeting = PanelMeetingFactory()
    police = AgencyFactory(name="Police")
    request = services.agenda_item_add(
        meeting=meeting,
        kind=ItemKind.PLACING_AUTHORITY_REQUEST,
        actor=leader,
        title="Young person placed in a children's home here",
        placing_authority="A neighbouring council",
        details="Asks for CATE support while placed here.",
        paper="Their risk assessment of 2 March.",
    )
    assert (request.case, request.position, request.paper) == (None, 1, "Their risk assessment of 2 March.")
    RiskAssessmentFactory(case=worker_case, summary="Shared by the police")
    sharing = services.agenda_item_add(
        meeting=meeting,
        kind=ItemKind.INFORMATION_SHARING,
        actor=leader,
        case=worker_case,
        details="New intelligence about an address.",
        presenting_agency=police,
    )
    assert sharing.position == 2 and "Shared by the police" in sharing.paper
    assert worker_case.chronology.get(kind=ChronologyKind.PANEL).summary.startswith("Added to the risk panel on")
    assert sharing.history.latest().history_change_reason == "Added to the agenda by hand (information sharing)"

    with pytest.raises(ValidationError) as error:
        services.agenda_item_add(meeting=meeting, kind=ItemKind.PLACING_AUTHORITY_REQUEST, actor=leader, details="")
    assert set(error.value.error_dict) == {"title", "placing_authority", "details"}
    with pytest.raises(ValidationError, match="already on the agenda"):
        services.agenda_item_add(
            meeting=meeting, kind=ItemKind.INFORMATION_SHARING, actor=leader, case=worker_case, details="Again"
        )
    with pytest.raises(ValidationError):
        services.agenda_item_add(meeting=meeting, kind=ItemKind.REVIEW, actor=leader, title="x", details="x")


def test_withdrawing_an_item_makes_the_case_due_at_the_next_panel(leader):
    meeting = PanelMeetingFactory(meets_at=london(2030, 2, 19, 10, 0))
    case = allocated(london(2030, 1, 7, 10, 0))
    (item,) = services.agenda_build(meeting=meeting, actor=leader)
    with pytest.raises(ValidationError):
        services.agenda_item_withdraw(item=item, actor=leader, reason=" ")
    item = services.agenda_item_withdraw(item=item, actor=leader, reason="Worker on leave; paper not ready")
    assert item.is_withdrawn
    assert case.chronology.filter(summary="Withdrawn from the risk panel on 19 Feb 2030").exists()
    following = PanelMeetingFactory(meets_at=london(2030, 3, 5, 10, 0))
    assert [i.case for i in services.agenda_build(meeting=following, actor=leader)] == [case]
    assert AgendaItem.objects.filter(case=case).count() == 2

"""A panel has places (the `panel_capacity` setting, 12 by default): the chair picks from the cases
due, most urgent first, and the rest wait for the next panel. Closing a panel carries every item it
did not decide to the next panel, each with why; none is left behind silently."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cate.choices import ChronologyKind, RiskLevel
from core.clock import LONDON
from core.services import setting_update
from riskpanel import selectors, services
from riskpanel.choices import ItemKind, PanelStatus
from riskpanel.models import AgendaItem, PanelMeeting
from tests.factories import (
    AgendaItemFactory,
    AllocationFactory,
    CaseFactory,
    PanelDecisionFactory,
    PanelMeetingFactory,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2030, 3, 5, 9, 0, tzinfo=LONDON)


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def allocated(started_at, **case_kwargs):
    case = CaseFactory(**case_kwargs)
    AllocationFactory(case=case, started_at=started_at)
    return case


@pytest.fixture
def ninety_five_due(leader):
    """95 cases due at the panel of 19 March 2030: 80 first panels allocated over 80 days, and 15
    reviews whose last decisions (at a closed panel) fell due on 1 March at every risk level."""
    earlier = PanelMeetingFactory(meets_at=london(2029, 12, 4, 10, 0), status=PanelStatus.CLOSED)
    first = [allocated(london(2029, 11, 1, 10, 0) + dt.timedelta(days=n)) for n in range(80)]
    levels = [RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH]
    reviews = []
    for n in range(15):
        case = allocated(london(2029, 9, 1, 10, 0))
        PanelDecisionFactory(
            item__case=case, item__meeting=earlier, risk_level=levels[n % 3], next_review_on=dt.date(2030, 3, 1)
        )
        reviews.append(case)
    meeting = PanelMeetingFactory(meets_at=london(2030, 3, 19, 10, 0), chair=leader)
    return {"meeting": meeting, "first": first, "reviews": reviews}


def test_the_chair_picks_within_the_default_capacity_and_the_rest_wait_for_the_next_panel(leader, ninety_five_due):
    meeting = ninety_five_due["meeting"]
    due = selectors.agenda_candidates(meeting=meeting, user=leader, settings=services_settings())
    assert len(due) == 95

    with pytest.raises(ValidationError) as refused:
        services.agenda_build(meeting=meeting, actor=leader, cases=[c.case.pk for c in due[:13]])
    assert refused.value.message_dict["cases"] == [
        "You chose 13 cases but this panel has 12 places left: choose 12 or fewer, "
        "and the others wait for the next panel"
    ]
    assert not meeting.items.exists()

    chosen = [c.case.pk for c in due[20:32]]  # the chair's choice, not only the most urgent
    items = services.agenda_build(meeting=meeting, actor=leader, cases=chosen)
    assert sorted(i.case.pk for i in items) == sorted(chosen) and len(items) == 12

    left = selectors.agenda_candidates(meeting=meeting, user=leader, settings=services_settings())
    assert len(left) == 83 and not {c.case.pk for c in left} & set(chosen)
    with pytest.raises(ValidationError, match="The agenda is full \\(12 places\\)"):
        services.agenda_build(meeting=meeting, actor=leader, cases=[left[0].case.pk])

    # The next panel takes the most urgent of those left when the chair asks for them.
    following = PanelMeetingFactory(meets_at=london(2030, 4, 2, 10, 0))
    taken = services.agenda_build(meeting=following, actor=leader)
    assert [i.case.pk for i in taken] == [c.case.pk for c in left[:12]]


def test_the_capacity_is_a_setting_a_council_changes(personas, leader, ninety_five_due):
    setting_update(key="panel_capacity", value=20, actor=personas["group_manager"], reason="Longer panels")
    meeting = ninety_five_due["meeting"]
    AgendaItemFactory(meeting=meeting, case=None, title="Placed here by another council")  # takes a place
    items = services.agenda_build(meeting=meeting, actor=leader)
    assert len(items) == 19
    assert selectors.agenda_places_taken(meeting) == 20


def test_the_due_list_is_most_urgent_first_by_due_day_then_risk_with_the_last_decision(leader, ninety_five_due):
    meeting = ninety_five_due["meeting"]
    due = selectors.agenda_candidates(meeting=meeting, user=leader, settings=services_settings())
    days = [c.due_on for c in due]
    assert days == sorted(days)
    # The reviews all fell due on 1 March: the highest risk of the last decision first.
    on_first_march = [c for c in due if c.due_on == dt.date(2030, 3, 1)]
    reviews = [c for c in on_first_march if c.kind == ItemKind.REVIEW]
    assert len(reviews) == 15
    assert [c.last_risk_label for c in reviews] == ["High"] * 5 + ["Medium"] * 5 + ["Low"] * 5
    assert all(c.case.last_decided_at is not None and c.case.last_colour for c in reviews)
    firsts = [c for c in due if c.kind == ItemKind.FIRST_PANEL]
    assert all(c.last_risk_label == "" for c in firsts)


def services_settings():
    from core.selectors import service_settings

    return service_settings()


@pytest.fixture
def open_panel(leader):
    meeting = PanelMeetingFactory(meets_at=london(2030, 3, 5, 10, 0), status=PanelStatus.OPEN, chair=leader)
    items = [
        AgendaItemFactory(meeting=meeting, case=allocated(london(2030, 1, 7, 10, 0)), position=n) for n in range(1, 6)
    ]
    return meeting, items


def test_closing_with_undecided_items_asks_why_for_each_and_refuses_all_at_once(leader, open_panel):
    meeting, items = open_panel
    PanelMeetingFactory(meets_at=london(2030, 3, 19, 10, 0))
    services.panel_decision_record(item=items[0], actor=leader, risk_level="low", rationale="x", send_gp_letter=False)

    with pytest.raises(ValidationError) as refused:
        services.panel_close(meeting=meeting, actor=leader, reasons={items[1].pk: "Worker absent"}, now=NOW)
    errors = refused.value.message_dict
    assert sorted(errors) == sorted(f"reason_{i.pk}" for i in items[2:])
    for item in items[2:]:
        assert errors[f"reason_{item.pk}"] == [
            f"Enter why {item.case.child.full_name} was not decided, or a reason for all the items left"
        ]
    meeting.refresh_from_db()
    assert meeting.status == PanelStatus.OPEN and not AgendaItem.objects.filter(carried_to__isnull=False).exists()


def test_closing_carries_each_undecided_item_to_the_next_panel_with_its_reason(leader, open_panel):
    meeting, items = open_panel
    following = PanelMeetingFactory(meets_at=london(2030, 3, 19, 10, 0))
    later = PanelMeetingFactory(meets_at=london(2030, 4, 2, 10, 0))
    services.panel_decision_record(item=items[0], actor=leader, risk_level="low", rationale="x", send_gp_letter=False)
    services.agenda_item_withdraw(item=items[4], actor=leader, reason="Case moving area")
    already = AgendaItemFactory(meeting=following, case=items[3].case, kind=ItemKind.REVIEW)
    no_case = AgendaItemFactory(meeting=meeting, case=None, title="Hotel in the town centre", details="Concerns")

    closed = services.panel_close(
        meeting=meeting,
        actor=leader,
        reasons={items[1].pk: "The worker was absent"},
        reason_for_others="The panel ran out of time",
        now=NOW,
    )

    assert closed.status == PanelStatus.CLOSED and closed.carried_to_meeting == following
    assert [i.pk for i in closed.carried] == [items[1].pk, items[2].pk, items[3].pk, no_case.pk]
    for item, reason in [
        (items[1], "The worker was absent"),
        (items[2], "The panel ran out of time"),
        (items[3], "The panel ran out of time"),
        (no_case, "The panel ran out of time"),
    ]:
        item.refresh_from_db()
        assert item.carried_reason == reason and item.carried_to.meeting == following
        record = item.history.latest()
        assert record.history_user == leader
        assert record.history_change_reason == f"Not decided; carried to the panel of 19 Mar 2030: {reason}"
        if item.case_id:
            event = item.case.chronology.get(summary__startswith="Not decided")
            assert event.summary == "Not decided at the risk panel on 5 Mar 2030: carried to the panel on 19 Mar 2030"
            assert (event.detail, event.kind, event.recorded_by) == (reason, ChronologyKind.PANEL, leader)
    items[3].refresh_from_db()
    assert items[3].carried_to == already  # the case was already on the next agenda: not twice
    assert following.items.filter(case=items[3].case).count() == 1
    new = following.items.get(case=items[2].case)
    assert (
        new.history.earliest().history_change_reason
        == "Carried from the panel of 5 Mar 2030: The panel ran out of time"
    )
    assert following.items.get(case=None).title == "Hotel in the town centre"
    assert not later.items.exists()
    # Decided and withdrawn items stay where they were.
    items[0].refresh_from_db()
    items[4].refresh_from_db()
    assert items[0].carried_to is None and items[4].carried_to is None
    # The cases carried are waiting on the next agenda, so they are not due again elsewhere.
    due = selectors.agenda_candidates(meeting=later, user=leader, settings=services_settings())
    assert not {c.case.pk for c in due} & {i.case.pk for i in items[1:4]}


def test_with_no_next_panel_closing_schedules_one_at_the_interval_and_carries_to_it(personas, leader, open_panel):
    meeting, _ = open_panel
    meeting.members.set([personas["panel_member"]])
    assert PanelMeeting.objects.count() == 1
    closed = services.panel_close(meeting=meeting, actor=leader, reason_for_others="Ran out of time", now=NOW)
    following = closed.carried_to_meeting
    assert following.meets_at == london(2030, 3, 19, 10, 0)  # fortnightly by default
    assert following.status == PanelStatus.SCHEDULED and following.chair == leader
    assert list(following.members.all()) == [personas["panel_member"]]
    assert following.items.count() == 5
    assert meeting.history.latest().history_change_reason == "Risk panel closed: 5 items carried to 19 Mar 2030"


def test_closing_with_everything_decided_needs_no_reason_and_carries_nothing(leader, open_panel):
    meeting, items = open_panel
    for item in items:
        services.panel_decision_record(item=item, actor=leader, risk_level="low", rationale="x", send_gp_letter=False)
    closed = services.panel_close(meeting=meeting, actor=leader, now=NOW)
    assert closed.status == PanelStatus.CLOSED and closed.carried == []
    assert PanelMeeting.objects.count() == 1  # nothing to carry: no panel scheduled

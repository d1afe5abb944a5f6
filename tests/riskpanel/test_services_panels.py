"""The panel schedule: the next panels every `panel_schedule_interval` (fortnightly by default);
changing, opening and closing a panel."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.clock import LONDON, Duration, Unit
from core.exceptions import StaleRecord
from core.services import setting_update
from riskpanel import services
from riskpanel.choices import PanelStatus
from tests.factories import AgencyFactory, AgendaItemFactory, PanelMeetingFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2030, 1, 2, 9, 0, tzinfo=LONDON)


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def test_the_first_panels_are_fortnightly_at_the_same_local_time_across_the_clock_change(personas, leader):
    police = AgencyFactory(name="Police")
    meetings = services.panel_schedule(
        actor=leader,
        count=3,
        first_meets_at=london(2030, 3, 19, 10, 0),  # BST starts on 31 March 2030
        chair=leader,
        agencies=[police],
        members=[personas["panel_member"]],
        location="Civic offices",
        now=NOW,
    )
    assert [m.meets_at for m in meetings] == [
        london(2030, 3, 19, 10, 0),
        london(2030, 4, 2, 10, 0),
        london(2030, 4, 16, 10, 0),
    ]
    for meeting in meetings:
        assert (meeting.chair, meeting.location, meeting.status) == (leader, "Civic offices", PanelStatus.SCHEDULED)
        assert list(meeting.agencies.all()) == [police]
        assert list(meeting.members.all()) == [personas["panel_member"]]
        record = meeting.history.earliest()
        assert (record.history_user, record.history_change_reason) == (leader, "Risk panel scheduled")


def test_the_next_panels_follow_the_last_one_with_its_people_and_the_interval_setting(personas, leader):
    last = PanelMeetingFactory(meets_at=london(2030, 1, 15, 10, 0), chair=leader, members=[personas["panel_member"]])
    (following,) = services.panel_schedule(actor=leader, now=NOW)
    assert following.meets_at == london(2030, 1, 29, 10, 0)
    assert following.chair == leader and list(following.members.all()) == [personas["panel_member"]]

    setting_update(
        key="panel_schedule_interval",
        value=Duration(7, Unit.CALENDAR_DAYS),
        actor=personas["group_manager"],
        reason="Weekly panels",
    )
    (weekly,) = services.panel_schedule(actor=leader, now=NOW)
    assert weekly.meets_at == london(2030, 2, 5, 10, 0)
    assert last.meets_at < following.meets_at < weekly.meets_at


def test_after_a_gap_the_schedule_resumes_at_its_next_date_in_the_future(leader):
    PanelMeetingFactory(meets_at=london(2029, 11, 6, 10, 0))
    (meeting,) = services.panel_schedule(actor=leader, now=NOW)
    # 6 Nov, 20 Nov, 4 Dec, 18 Dec, 1 Jan (past at 09:00 on 2 Jan): next is 15 Jan.
    assert meeting.meets_at == london(2030, 1, 15, 10, 0)


def test_what_scheduling_refuses(personas, leader):
    with pytest.raises(ValidationError) as error:
        services.panel_schedule(actor=leader, now=NOW)
    assert "first_meets_at" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.panel_schedule(actor=leader, count=0, now=NOW)
    assert "count" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.panel_schedule(actor=leader, first_meets_at=london(2029, 12, 1, 10, 0), now=NOW)
    assert "first_meets_at" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        services.panel_schedule(
            actor=leader,
            first_meets_at=london(2030, 2, 1, 10, 0),
            chair=personas["cate_worker"],
            members=[personas["police"]],
            now=NOW,
        )
    assert set(error.value.error_dict) == {"chair", "members"}
    for name in ("cate_worker", "group_manager", "panel_member"):
        with pytest.raises(PermissionDenied):
            services.panel_schedule(actor=personas[name], first_meets_at=london(2030, 2, 1, 10, 0), now=NOW)


def test_moving_a_panel_flags_first_panels_against_the_new_date(leader):
    meeting = PanelMeetingFactory(meets_at=london(2030, 2, 12, 10, 0))
    item = AgendaItemFactory(meeting=meeting, first_panel_due_at=london(2030, 2, 14, 10, 0))
    meeting = services.panel_update(
        meeting=meeting,
        actor=leader,
        meets_at=london(2030, 2, 19, 10, 0),
        location="Room 1",
        chair=leader,
        agencies=[],
        members=[],
        expected_version=meeting.version,
    )
    item.refresh_from_db()
    assert item.first_panel_deadline_missed is True
    assert item.history.latest().history_change_reason == "Risk panel moved"
    with pytest.raises(StaleRecord):
        services.panel_update(
            meeting=meeting,
            actor=leader,
            meets_at=london(2030, 2, 12, 10, 0),
            location="Room 1",
            chair=leader,
            agencies=[],
            members=[],
            expected_version=meeting.version - 1,
        )
    other = PanelMeetingFactory(meets_at=london(2030, 3, 5, 10, 0))
    with pytest.raises(ValidationError, match="Another panel meets at that time"):
        services.panel_update(
            meeting=other, actor=leader, meets_at=meeting.meets_at, location="", chair=None, agencies=[], members=[]
        )


def test_panel_states_move_only_forward(leader):
    from core.exceptions import TransitionNotAllowed

    meeting = PanelMeetingFactory()
    with pytest.raises(TransitionNotAllowed):
        services.panel_close(meeting=meeting, actor=leader)
    meeting = services.panel_open(meeting=meeting, actor=leader)
    assert meeting.status == PanelStatus.OPEN and meeting.opened_at is not None
    assert meeting.history.latest().history_change_reason == "Risk panel opened"
    assert services.panel_open(meeting=meeting, actor=leader).version == meeting.version  # nothing changes
    meeting = services.panel_close(meeting=meeting, actor=leader)
    assert meeting.status == PanelStatus.CLOSED and meeting.closed_at is not None
    with pytest.raises(TransitionNotAllowed):
        services.panel_open(meeting=meeting, actor=leader)


def test_a_schedule_with_a_bad_count_and_a_past_date_names_both_at_once(leader):
    with pytest.raises(ValidationError) as exc:
        services.panel_schedule(actor=leader, count=0, first_meets_at=london(2029, 12, 1, 10, 0), now=NOW)
    assert exc.value.message_dict == {
        "count": ["Enter a number of panels from 1 to 26"],
        "first_meets_at": ["Enter a date and time in the future for the first panel"],
    }

"""Panel minutes: a draft saved with any part filled (showing who last changed it), checked for
completeness only when finalised (every gap named at once), then final and unchanged, each record
with its history."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.clock import LONDON
from core.exceptions import StaleRecord
from riskpanel import services
from riskpanel.choices import MinutesStatus, PanelStatus
from riskpanel.models import PanelMinutes
from tests.factories import AgencyFactory, AgendaItemFactory, PanelMeetingFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2030, 3, 5, 13, 0, tzinfo=LONDON)


@pytest.fixture
def panel(leader, worker_case):
    police, health = AgencyFactory(name="Police"), AgencyFactory(name="Health")
    meeting = PanelMeetingFactory(meets_at=dt.datetime(2030, 3, 5, 10, 0, tzinfo=LONDON), status=PanelStatus.OPEN)
    meeting.agencies.set([police, health])
    decided = AgendaItemFactory(meeting=meeting, case=worker_case, position=1)
    services.panel_decision_record(item=decided, actor=leader, risk_level="high", rationale="R", send_gp_letter=False)
    other = AgendaItemFactory(meeting=meeting, case=None, title="Hotel in the town centre", position=2)
    return {"meeting": meeting, "police": police, "health": health, "decided": decided, "other": other}


def test_a_draft_saves_with_any_part_filled_and_says_who_changed_it_last(personas, leader, panel):
    police = panel["police"]
    minutes = services.panel_minutes_save(
        meeting=panel["meeting"], actor=leader, attendance={police.pk: ("DC Example, CSE team", "")}, discussions={}
    )
    assert minutes.status == MinutesStatus.DRAFT and minutes.updated_by == leader
    assert minutes.history.latest().history_change_reason == "Minutes saved as a draft"
    (row,) = minutes.attendance.all()
    assert (row.agency, row.present, row.apologies) == (police, "DC Example, CSE team", "")
    assert (row.history.latest().history_user, row.history.latest().history_change_reason) == (
        leader,
        "Attendance recorded in the minutes",
    )

    other_chair = UserFactory()
    other_chair.groups.add(*leader.groups.all())
    minutes = services.panel_minutes_save(
        meeting=panel["meeting"],
        actor=other_chair,
        attendance={police.pk: ("DC Example, CSE team", "")},
        discussions={panel["decided"].pk: "New adult contact discussed."},
        expected_version=minutes.version,
    )
    assert minutes.updated_by == other_chair and minutes.version == 2
    entry = minutes.entries.get()
    assert entry.discussion == "New adult contact discussed."
    assert entry.history.latest().history_user == other_chair

    with pytest.raises(StaleRecord):  # opened before the last save
        services.panel_minutes_save(
            meeting=panel["meeting"], actor=leader, attendance={}, discussions={}, expected_version=1
        )


def test_finalising_checks_completeness_and_names_every_gap_at_once(leader, panel):
    meeting = panel["meeting"]
    with pytest.raises(ValidationError) as refused:
        services.panel_minutes_save(
            meeting=meeting, actor=leader, attendance={panel["police"].pk: ("", "")}, discussions={}, finalise=True
        )
    errors = refused.value.message_dict
    assert errors["__all__"] == [
        "Close the panel before finalising its minutes (closing carries the items not decided to the next panel)",
        "Enter who attended from at least one agency",
    ]
    assert errors[f"present_{panel['police'].pk}"] == ["Enter who attended from Police, or the apologies they sent"]
    assert errors[f"present_{panel['health'].pk}"] == ["Enter who attended from Health, or the apologies they sent"]
    name = panel["decided"].case.child.full_name
    assert errors[f"discussion_{panel['decided'].pk}"] == [f"Enter what the panel discussed about {name}"]
    assert errors[f"discussion_{panel['other'].pk}"] == [
        "Enter what the panel discussed about Hotel in the town centre"
    ]
    assert not PanelMinutes.objects.filter(meeting=meeting).exists()  # nothing saved


def test_final_minutes_are_complete_and_no_longer_change(personas, leader, panel):
    meeting = panel["meeting"]
    services.panel_close(meeting=meeting, actor=leader, reason_for_others="Ran out of time", now=NOW)
    carried = panel["other"]
    attendance = {panel["police"].pk: ("DC Example", ""), panel["health"].pk: ("", "School nurse")}
    minutes = services.panel_minutes_save(
        meeting=meeting,
        actor=leader,
        attendance=attendance,
        discussions={panel["decided"].pk: "Missing episodes continue."},  # the carried item needs none
        finalise=True,
        now=NOW,
    )
    assert minutes.status == MinutesStatus.FINAL and (minutes.finalised_by, minutes.finalised_at) == (leader, NOW)
    assert minutes.history.latest().history_change_reason == "Minutes finalised"
    carried.refresh_from_db()
    assert carried.carried_reason == "Ran out of time"
    with pytest.raises(ValidationError, match="final and no longer change"):
        services.panel_minutes_save(meeting=meeting, actor=leader, attendance=attendance, discussions={})


def test_only_the_chair_writes_minutes_and_only_once_the_panel_has_met(personas, leader, panel):
    with pytest.raises(PermissionDenied):
        services.panel_minutes_save(
            meeting=panel["meeting"], actor=personas["group_manager"], attendance={}, discussions={}
        )
    scheduled = PanelMeetingFactory()
    with pytest.raises(ValidationError, match="has not met yet"):
        services.panel_minutes_save(meeting=scheduled, actor=leader, attendance={}, discussions={})

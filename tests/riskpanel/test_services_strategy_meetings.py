"""Strategy meetings and their reviews, every `strategy_meeting_review` until resolution."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cate.choices import ChronologyKind
from core.clock import LONDON
from core.exceptions import StaleRecord
from riskpanel import services
from riskpanel.models import StrategyMeeting
from tests.factories import AgencyFactory, StrategyMeetingFactory

pytestmark = pytest.mark.django_db


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def record(meeting, actor, **overrides):
    values = {
        "held_at": london(2030, 3, 11, 14, 0),
        "attending_agencies": [AgencyFactory(name="Police"), AgencyFactory(name="Health")],
        "attendees": "Police: CSE team officer\nHealth: school nurse",
        "discussion": "Reviewed the missing episodes and the address of concern.",
        "support_for_parents": "Parenting support worker to visit weekly.",
        "disruption_actions": "Police to serve a child abduction warning notice.",
        "resolution_reached": False,
        "exit_plan": "",
        "now": london(2030, 3, 12, 9, 0),
    }
    values.update(overrides)
    return services.strategy_meeting_record(meeting=meeting, actor=actor, **values)


def test_a_meeting_without_resolution_makes_the_next_review_due(leader, worker_case):
    meeting = StrategyMeetingFactory(case=worker_case, due_at=london(2030, 3, 12, 11, 0))
    meeting = record(meeting, leader, expected_version=meeting.version)
    assert meeting.held_at == london(2030, 3, 11, 14, 0) and meeting.recorded_by == leader
    assert {a.name for a in meeting.attending_agencies.all()} == {"Police", "Health"}
    review = StrategyMeeting.objects.get(case=worker_case, held_at__isnull=True)
    assert review.is_review and review.due_at == london(2030, 4, 22, 14, 0)  # six weeks after it was held
    record_ = meeting.history.filter(history_change_reason="Strategy meeting recorded").latest()
    assert record_.history_user == leader
    event = worker_case.chronology.get(kind=ChronologyKind.STRATEGY_MEETING)
    assert event.summary == "Strategy meeting held on 11 Mar 2030; review due by 22 Apr 2030"

    # Reviews follow every six weeks until the case reaches resolution with an exit plan.
    second = record(review, leader, held_at=london(2030, 4, 20, 10, 0), now=london(2030, 4, 21, 9, 0))
    assert second.kind_label == "Strategy meeting review"
    third = StrategyMeeting.objects.get(case=worker_case, held_at__isnull=True)
    assert third.due_at == london(2030, 6, 1, 10, 0)
    record(
        third,
        leader,
        held_at=london(2030, 5, 30, 10, 0),
        resolution_reached=True,
        exit_plan="Step down to the school's pastoral support; CATE to close.",
        now=london(2030, 5, 30, 12, 0),
    )
    assert not StrategyMeeting.objects.filter(case=worker_case, held_at__isnull=True).exists()
    assert worker_case.chronology.filter(
        summary="Strategy meeting review held on 30 May 2030: resolution reached and exit plan agreed"
    ).exists()


def test_what_a_strategy_meeting_must_record(leader, worker_case):
    meeting = StrategyMeetingFactory(case=worker_case)
    with pytest.raises(ValidationError) as error:
        record(
            meeting,
            leader,
            held_at=london(2030, 3, 13, 9, 0),
            attending_agencies=[],
            attendees="",
            discussion=" ",
            support_for_parents="",
            disruption_actions="",
            resolution_reached=True,
        )
    assert set(error.value.error_dict) == {
        "held_at",
        "attending_agencies",
        "attendees",
        "discussion",
        "support_for_parents",
        "disruption_actions",
        "exit_plan",
    }
    record(meeting, leader)
    with pytest.raises(ValidationError, match="already been recorded"):
        record(meeting, leader)


def test_recording_is_refused_to_others_and_on_a_stale_form(personas, leader, worker_case):
    meeting = StrategyMeetingFactory(case=worker_case)
    for name in ("cate_worker", "group_manager", "panel_member"):
        with pytest.raises(PermissionDenied):
            record(meeting, personas[name])
    with pytest.raises(StaleRecord):
        record(meeting, leader, expected_version=meeting.version + 1)


def test_a_case_has_one_strategy_meeting_due_at_a_time(worker_case):
    from django.db import IntegrityError, transaction

    StrategyMeetingFactory(case=worker_case)
    with pytest.raises(IntegrityError), transaction.atomic():
        StrategyMeetingFactory(case=worker_case)

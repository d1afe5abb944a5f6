"""Missing episodes and return home interviews: 72 clock hours, back-to-back, late reasons."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cate import selectors, services
from cate.choices import ChronologyKind, RhiLateReason, RhiStatus
from core.clock import DueState
from core.exceptions import TransitionNotAllowed
from core.selectors import service_settings

from .helpers import assert_history

pytestmark = pytest.mark.django_db


def record(case, worker, missing_from, returned_at=None, **kwargs):
    defaults = {
        "reported_by": "Mother",
        "police_reference": "WMP-123",
        "where_found": "",
        "rhi_eligible": True,
        "rhi_ineligible_reason": "",
    }
    defaults.update(kwargs)
    return services.missing_episode_record(
        case=case, missing_from=missing_from, returned_at=returned_at, actor=worker, **defaults
    )


def test_the_interview_is_due_72_clock_hours_after_return(case, worker):
    now = timezone.now()
    episode = record(case, worker, now - dt.timedelta(days=2))
    assert episode.rhi_due_at is None
    assert_history(episode, worker, "Missing episode recorded")
    services.missing_episode_update(
        episode=episode,
        missing_from=episode.missing_from,
        returned_at=now - dt.timedelta(days=1),
        reported_by="Mother",
        police_reference="WMP-123",
        where_found="Town centre",
        rhi_eligible=True,
        rhi_ineligible_reason="",
        actor=worker,
        expected_version=episode.version,
    )
    episode.refresh_from_db()
    assert episode.rhi_due_at == now - dt.timedelta(days=1) + dt.timedelta(hours=72)
    assert_history(episode, worker, "Return recorded")
    assert case.chronology.filter(kind=ChronologyKind.MISSING, summary="Returned from missing: found at Town centre")
    assert selectors.episode_state(episode, now=now, settings=service_settings()) == DueState.NOT_YET_DUE


def test_an_episode_starting_before_the_previous_interview_is_due_is_back_to_back(case, worker):
    now = timezone.now()
    first = record(case, worker, now - dt.timedelta(days=8), now - dt.timedelta(days=7))  # interview due -4 d
    second = record(case, worker, now - dt.timedelta(days=5), now - dt.timedelta(hours=108))  # due -36 h
    third = record(case, worker, now - dt.timedelta(hours=10), now - dt.timedelta(hours=5))
    first.refresh_from_db()
    assert (first.back_to_back, second.back_to_back, third.back_to_back) == (False, True, False)
    assert_history(second, worker, "Back-to-back: started before the previous return home interview was due")


def test_episodes_of_a_child_cannot_overlap_and_returns_follow_departures(case, worker):
    now = timezone.now()
    record(case, worker, now - dt.timedelta(days=3))  # still missing
    with pytest.raises(ValidationError):
        record(case, worker, now - dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        record(case, worker, now - dt.timedelta(days=10), now - dt.timedelta(days=11))


def test_an_ineligible_episode_needs_a_reason_and_has_no_interview_due(case, worker):
    now = timezone.now()
    with pytest.raises(ValidationError):
        record(case, worker, now - dt.timedelta(days=2), now - dt.timedelta(days=1), rhi_eligible=False)
    episode = record(
        case,
        worker,
        now - dt.timedelta(days=2),
        now - dt.timedelta(days=1),
        rhi_eligible=False,
        rhi_ineligible_reason="Now 18: adult services",
    )
    assert episode.rhi_due_at is None
    with pytest.raises(ValidationError):
        services.rhi_record(episode=episode, status=RhiStatus.OFFERED, offered_at=now, actor=worker)


def test_interview_offered_then_completed_on_time(case, worker):
    now = timezone.now()
    episode = record(case, worker, now - dt.timedelta(days=2), now - dt.timedelta(days=1))
    interview = services.rhi_record(
        episode=episode, status=RhiStatus.OFFERED, offered_at=now - dt.timedelta(hours=20), actor=worker
    )
    assert_history(interview, worker, "Return home interview offered")
    assert selectors.episode_state(episode, now=now, settings=service_settings()) == DueState.NOT_YET_DUE
    interview = services.rhi_record(
        episode=episode,
        status=RhiStatus.COMPLETED,
        offered_at=interview.offered_at,
        completed_at=now - dt.timedelta(hours=2),
        conducted_by=worker,
        child_said="Stayed with a friend's older brother",
        support_identified="Sexual health appointment",
        actor=worker,
        expected_version=1,
    )
    episode.refresh_from_db()
    assert selectors.episode_state(episode, now=now, settings=service_settings()) == DueState.MET_ON_TIME
    assert interview.late_reason == ""
    assert case.chronology.filter(kind=ChronologyKind.RETURN_HOME_INTERVIEW, summary="Return home interview completed")
    with pytest.raises(TransitionNotAllowed):
        services.rhi_record(episode=episode, status=RhiStatus.DECLINED, declined_at=now, actor=worker)


def test_a_late_interview_needs_a_reason(case, worker):
    now = timezone.now()
    episode = record(case, worker, now - dt.timedelta(days=6), now - dt.timedelta(days=5))
    assert selectors.episode_state(episode, now=now, settings=service_settings()) == DueState.OVERDUE
    with pytest.raises(ValidationError) as exc:
        services.rhi_record(
            episode=episode,
            status=RhiStatus.COMPLETED,
            completed_at=now,
            conducted_by_other="Youth worker, Children's Society",
            child_said="Did not want to say",
            actor=worker,
        )
    assert "late_reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.rhi_record(
            episode=episode,
            status=RhiStatus.COMPLETED,
            completed_at=now,
            conducted_by_other="Youth worker",
            child_said="Did not want to say",
            late_reason=RhiLateReason.OTHER,
            actor=worker,
        )
    assert "late_reason_detail" in exc.value.message_dict
    interview = services.rhi_record(
        episode=episode,
        status=RhiStatus.COMPLETED,
        completed_at=now,
        conducted_by_other="Youth worker",
        child_said="Did not want to say",
        late_reason=RhiLateReason.CHILD_UNAVAILABLE,
        actor=worker,
    )
    assert interview.late_reason == RhiLateReason.CHILD_UNAVAILABLE
    episode.refresh_from_db()
    assert selectors.episode_state(episode, now=now, settings=service_settings()) == DueState.MET_LATE
    assert case.chronology.filter(summary="Return home interview completed, late (child unavailable)").exists()


def test_declined_stops_the_clock_and_needs_its_date(case, worker):
    now = timezone.now()
    episode = record(case, worker, now - dt.timedelta(days=2), now - dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.rhi_record(episode=episode, status=RhiStatus.DECLINED, actor=worker)
    services.rhi_record(episode=episode, status=RhiStatus.DECLINED, declined_at=now, actor=worker)
    episode.refresh_from_db()
    assert selectors.episode_state(episode, now=now, settings=service_settings()) == DueState.MET_ON_TIME


def test_a_completed_interview_records_who_and_what_the_child_said(case, worker):
    now = timezone.now()
    episode = record(case, worker, now - dt.timedelta(days=2), now - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        services.rhi_record(episode=episode, status=RhiStatus.COMPLETED, completed_at=now, actor=worker)
    assert {"conducted_by_other", "child_said"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError):
        services.rhi_record(
            episode=episode,
            status=RhiStatus.COMPLETED,
            completed_at=now - dt.timedelta(days=3),
            conducted_by=worker,
            child_said="x",
            actor=worker,
        )


def test_an_interview_due_over_easter_is_due_72_clock_hours_later_and_late_after(case, worker):
    """Returned on the Thursday before Easter 2024 at 18:00: due on Easter Sunday at 18:00 GMT (19:00
    BST, the clocks having gone forward), bank holidays or not; held on Easter Tuesday it is late."""
    returned = dt.datetime(2024, 3, 28, 18, 0, tzinfo=dt.UTC)
    episode = record(case, worker, returned - dt.timedelta(hours=20), returned)
    assert episode.rhi_due_at == dt.datetime(2024, 3, 31, 18, 0, tzinfo=dt.UTC)
    assert timezone.localtime(episode.rhi_due_at).strftime("%H:%M %Z") == "19:00 BST"
    settings = service_settings()
    just_before = dt.datetime(2024, 3, 31, 17, 0, tzinfo=dt.UTC)
    assert selectors.episode_state(episode, now=just_before, settings=settings) == DueState.DUE_SOON
    held = dt.datetime(2024, 4, 2, 10, 0, tzinfo=dt.UTC)
    with pytest.raises(ValidationError):
        services.rhi_record(
            episode=episode,
            status=RhiStatus.COMPLETED,
            completed_at=held,
            conducted_by=worker,
            child_said="x",
            actor=worker,
        )
    services.rhi_record(
        episode=episode,
        status=RhiStatus.COMPLETED,
        completed_at=held,
        conducted_by=worker,
        child_said="x",
        late_reason=RhiLateReason.BANK_HOLIDAY,
        actor=worker,
    )
    episode.refresh_from_db()
    assert selectors.episode_state(episode, now=timezone.now(), settings=settings) == DueState.MET_LATE

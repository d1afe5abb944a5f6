"""The post-17 transition meeting."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cate import services
from cate.choices import ChronologyKind
from core.choices import AgencyKind
from tests.factories import AgencyFactory

from .helpers import assert_history

pytestmark = pytest.mark.django_db


def test_transition_meeting_with_agencies(case, worker, personas):
    adults = AgencyFactory(name="Adult Social Care", kind=AgencyKind.ADULT_SOCIAL_CARE)
    meeting = services.transition_meeting_record(
        case=case,
        held_on=timezone.localdate(),
        agencies=[adults],
        attendees="Social worker (adult social care); young person; mother",
        decisions="Referral to adult social care accepted",
        onward_support_plan="Key worker from 18th birthday",
        actor=worker,
    )
    assert list(meeting.attending_agencies.all()) == [adults]
    assert_history(meeting, worker)
    assert case.chronology.filter(kind=ChronologyKind.TRANSITION).exists()
    with pytest.raises(ValidationError):
        services.transition_meeting_record(
            case=case,
            held_on=timezone.localdate(),
            agencies=[],
            attendees="",
            decisions="",
            onward_support_plan="",
            actor=worker,
        )
    with pytest.raises(PermissionDenied):
        services.transition_meeting_record(
            case=case,
            held_on=timezone.localdate(),
            agencies=[adults],
            attendees="",
            decisions="x",
            onward_support_plan="x",
            actor=personas["other_worker"],
        )

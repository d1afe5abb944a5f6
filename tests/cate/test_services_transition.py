"""The post-17 transition meeting."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cate import services
from cate.choices import ChronologyKind
from cate.models import Case, TransitionMeeting
from contacts.models import Child
from core import clock
from core import services as core_services
from core.choices import AgencyKind
from tests.factories import AgencyFactory

from .helpers import assert_history

pytestmark = pytest.mark.django_db


def test_transition_meeting_with_agencies(case, worker, personas):
    _set_dob(case, _on_birthday_minus(17, 1))
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


def _on_birthday_minus(years: int, months: int = 0, days: int = 0):
    """A date of birth such that today the young person is `years` old, plus `months` and `days`."""
    today = timezone.localdate()
    return clock.add_months_to_date(today, -(12 * years + months)) - dt.timedelta(days=days)


def _record(case, worker, **changes):
    data = {
        "case": case,
        "held_on": timezone.localdate(),
        "agencies": [AgencyFactory(kind=AgencyKind.ADULT_SOCIAL_CARE)],
        "attendees": "Young person",
        "decisions": "Refer to adult social care",
        "onward_support_plan": "Key worker",
        "actor": worker,
    }
    return services.transition_meeting_record(**{**data, **changes})


def _set_dob(case, date_of_birth):
    Child.objects.filter(pk=case.child_id).update(date_of_birth=date_of_birth)
    case.child.refresh_from_db()


@pytest.mark.parametrize(
    ("years", "months", "days", "allowed"),
    [
        (13, 0, 0, False),
        (16, 0, 0, False),
        (16, 8, 0, False),  # four months before the 17th birthday
        (16, 8, 27, False),  # a few days more than three months before
        (16, 9, 0, True),  # exactly three months before
        (16, 10, 0, True),
        (17, 0, 0, True),
        (17, 6, 0, True),
        (19, 0, 0, True),
    ],
)
def test_a_transition_meeting_is_for_young_people_aged_17_or_within_three_months_of_it(
    case, worker, years, months, days, allowed
):
    _set_dob(case, _on_birthday_minus(years, months, days))
    if allowed:
        assert _record(case, worker).pk
    else:
        with pytest.raises(ValidationError) as raised:
            _record(case, worker)
        message = raised.value.message_dict["held_on"][0]
        assert f"The young person was {years} on that date" in message
        assert "3 months before their 17th birthday" in message
        assert not TransitionMeeting.objects.filter(case=case).exists()


def test_the_date_of_the_meeting_decides_the_age_not_today(case, worker):
    _set_dob(case, _on_birthday_minus(17, 1))
    with pytest.raises(ValidationError, match="was 16 on that date"):
        _record(case, worker, held_on=timezone.localdate() - dt.timedelta(days=200))


def test_a_young_person_without_a_date_of_birth_gets_a_clear_error(case, worker):
    _set_dob(case, None)
    with pytest.raises(ValidationError, match="date of birth is not known"):
        _record(case, worker)


def test_the_council_sets_how_many_months_before_the_17th_birthday(case, worker, personas):
    _set_dob(case, _on_birthday_minus(16, 7))
    with pytest.raises(ValidationError):
        _record(case, worker)
    core_services.setting_update(
        key="post17_transition_earliest_months", value=6, actor=personas["group_manager"], reason="Earlier planning"
    )
    assert _record(case, worker).pk


def test_the_transition_page_refuses_a_13_year_old_and_keeps_what_was_typed(case, worker, client_for):
    _set_dob(case, _on_birthday_minus(13, 2))
    client = client_for(worker)
    url = reverse("cate:transition_meeting_add", args=[case.pk])
    page = client.get(url).content.decode()
    assert "can be held from 3 months before the 17th birthday" in page
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "held_on_day": today.day,
            "held_on_month": today.month,
            "held_on_year": today.year,
            "agencies": [AgencyFactory(kind=AgencyKind.ADULT_SOCIAL_CARE).pk],
            "decisions": "Decisions typed by the worker",
            "onward_support_plan": "Plan typed by the worker",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and "The young person was 13 on that date" in html
    assert "Decisions typed by the worker" in html and "Plan typed by the worker" in html
    assert not TransitionMeeting.objects.filter(case=case).exists()


def test_the_case_page_stops_showing_the_transition_as_due_once_the_meeting_is_held(case, worker, client_for):
    _set_dob(case, _on_birthday_minus(17, 2))
    Case.objects.filter(pk=case.pk).update(transition_due_on=timezone.localdate() + dt.timedelta(days=30))
    client = client_for(worker)
    before = client.get(case.get_absolute_url()).content.decode()
    assert "Due by" in before and 'href="' + reverse("cate:transition_meeting_add", args=[case.pk]) in before
    assert due_rows(before, "Post-17 transition meeting")
    _record(case, worker)
    after = client.get(case.get_absolute_url()).content.decode()
    summary = after.split("Post-17 transition meeting</dt>", 1)[1].split("</dd>", 1)[0]
    assert "Held on" in summary and "Due by" not in summary
    assert not due_rows(after, "Post-17 transition meeting")


def due_rows(html: str, label: str) -> list[str]:
    """The rows of the case page's table of what is due that name `label`."""
    if "What is due</caption>" not in html:
        return []
    table = html.split("What is due</caption>", 1)[1].split("</table>", 1)[0]
    return [row for row in table.split("<tr")[1:] if label in row]

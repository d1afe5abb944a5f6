"""Panel pages through the test client: schedule, agenda, items, decisions (PRG, form errors)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cate.models import Case, GpLetter
from core.clock import LONDON
from riskpanel.choices import ItemKind, PanelStatus
from riskpanel.models import AgendaItem, PanelDecision, PanelMeeting, StrategyMeeting
from tests.factories import AgencyFactory, AgendaItemFactory, PanelMeetingFactory

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def test_scheduling_the_first_panels_then_the_next_ones(personas, client_for):
    client = client_for(personas["team_leader"])
    url = reverse("riskpanel:panel_schedule")
    police = AgencyFactory(name="Police")
    response = client.post(url, {"count": "30", "first_meets_at_day": "31", "first_meets_at_month": "2"})
    page = html(response)
    assert response.status_code == 200 and "<title>Error:" in page
    assert "Enter a number from 1 to 26" in page
    assert 'name="first_meets_at_day" type="text" inputmode="numeric" maxlength="2" value="31"' in page

    year = timezone.localdate().year + 1
    response = client.post(
        url,
        {
            "count": "3",
            "first_meets_at_day": "5",
            "first_meets_at_month": "3",
            "first_meets_at_year": str(year),
            "first_meets_at_time": "10:00",
            "location": "Civic offices",
            "chair": str(personas["team_leader"].pk),
            "agencies": [str(police.pk)],
            "members": [str(personas["panel_member"].pk)],
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("riskpanel:panel_list")
    meetings = list(PanelMeeting.objects.order_by("meets_at"))
    assert [m.meets_at.astimezone(LONDON).date() for m in meetings] == [
        dt.date(year, 3, 5),
        dt.date(year, 3, 19),
        dt.date(year, 4, 2),
    ]
    assert all(m.meets_at.astimezone(LONDON).time() == dt.time(10, 0) for m in meetings)  # across the clock change
    assert list(meetings[2].members.all()) == [personas["panel_member"]]
    assert meetings[2].chair == personas["team_leader"] and meetings[2].location == "Civic offices"

    page = html(client.get(url))
    assert "The next panels follow the last one scheduled" in page and "first_meets_at" not in page
    client.post(url, {"count": "1"})
    last = PanelMeeting.objects.order_by("-meets_at").first()
    assert last.meets_at.astimezone(LONDON).date() == dt.date(year, 4, 16)
    assert list(last.agencies.all()) == [police]


def test_a_stale_panel_edit_is_refused_keeping_what_was_typed(personas, client_for):
    meeting = PanelMeetingFactory(meets_at=timezone.now() + dt.timedelta(days=20))
    client = client_for(personas["team_leader"])
    url = reverse("riskpanel:panel_edit", args=[meeting.pk])
    local = meeting.meets_at.astimezone(LONDON)
    data = {
        "meets_at_day": str(local.day),
        "meets_at_month": str(local.month),
        "meets_at_year": str(local.year),
        "meets_at_time": "14:00",
        "location": "Room 5",
        "version": str(meeting.version),
    }
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "location": "Room 9"})
    page = html(response)
    assert "Someone else changed this record" in page and 'value="Room 9"' in page
    meeting.refresh_from_db()
    assert meeting.location == "Room 5" and meeting.meets_at.astimezone(LONDON).time() == dt.time(14, 0)


def test_the_agenda_is_built_and_a_decision_recorded_through_the_pages(personas, client_for, worker_case):
    meeting = PanelMeetingFactory(meets_at=timezone.now() + dt.timedelta(days=50))
    client = client_for(personas["team_leader"])
    response = client.post(
        reverse("riskpanel:agenda_build", args=[meeting.pk]), {"cases": [worker_case.pk]}, follow=True
    )
    page = html(response)
    assert "1 case added to the agenda." in page and worker_case.child.full_name in page
    assert "past the first-panel deadline" in page  # allocated today, panel in 50 days
    item = AgendaItem.objects.get(meeting=meeting)

    url = reverse("riskpanel:decision_record", args=[meeting.pk, item.pk])
    response = client.post(
        url, {"risk_level": "high", "rationale": "Agreed", "send_gp_letter": "on", "version": item.version}
    )
    assert "Open the panel before recording its decisions." in html(response)
    client.post(reverse("riskpanel:panel_open", args=[meeting.pk]))

    response = client.post(
        url,
        {
            "version": item.version,
            "rationale": "Typed reasons",
            "next_review_on_day": "40",
            "next_review_on_month": "2",
            "next_review_on_year": "2031",
        },
    )
    page = html(response)
    assert "Choose the risk level the panel agreed" in page and "Typed reasons" in page
    assert "Next review by must be a real date" in page

    response = client.post(
        url, {"risk_level": "high", "rationale": "Agreed", "send_gp_letter": "on", "version": item.version}
    )
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    page = html(client.get(response["Location"]))
    assert "Decision recorded: High (red). A strategy meeting is now due." in page
    decision = PanelDecision.objects.get(item=item)
    assert decision.gp_letter == GpLetter.objects.get(case=worker_case)
    assert Case.objects.get(pk=worker_case.pk).current_risk_level == "high"
    assert client.get(url)["Location"] == item.get_absolute_url()  # decided: no second form
    assert StrategyMeeting.objects.filter(case=worker_case, decision=decision).exists()


def test_without_the_letter_the_item_page_prompts_for_it(personas, client_for, worker_case):
    meeting = PanelMeetingFactory(status=PanelStatus.OPEN)
    item = AgendaItemFactory(meeting=meeting, case=worker_case)
    client = client_for(personas["team_leader"])
    url = reverse("riskpanel:decision_record", args=[meeting.pk, item.pk])
    client.post(url, {"risk_level": "low", "rationale": "Agreed", "version": item.version})
    page = html(client.get(item.get_absolute_url()))
    assert "The child's GP should be told by letter" in page
    client.post(reverse("riskpanel:decision_gp_letter", args=[meeting.pk, item.pk]))
    assert PanelDecision.objects.get(item=item).gp_letter is not None
    assert "should be told by letter" not in html(client.get(item.get_absolute_url()))


def test_adding_an_item_by_hand_keeps_what_was_typed_on_error(personas, client_for, worker_case):
    meeting = PanelMeetingFactory()
    client = client_for(personas["team_leader"])
    url = reverse("riskpanel:item_add", args=[meeting.pk])
    response = client.post(
        url, {"kind": ItemKind.PLACING_AUTHORITY_REQUEST, "case_reference": "NOPE-1", "details": "Typed details"}
    )
    page = html(response)
    assert "There is no open case with that reference" in page and "Typed details" in page
    response = client.post(url, {"kind": ItemKind.PLACING_AUTHORITY_REQUEST, "details": "Typed details"})
    page = html(response)
    assert "Enter the placing authority" in page and "Enter what the item is about" in page
    response = client.post(
        url,
        {"kind": ItemKind.INFORMATION_SHARING, "case_reference": worker_case.reference.lower(), "details": "Intel"},
    )
    item = AgendaItem.objects.get(meeting=meeting)
    assert response.status_code == 302 and item.case == worker_case


def test_withdrawing_and_outcomes_through_the_pages(personas, client_for):
    meeting = PanelMeetingFactory()
    item = AgendaItemFactory(meeting=meeting)
    no_case = AgendaItemFactory(meeting=meeting, case=None, title="Placed young person")
    client = client_for(personas["team_leader"])
    response = client.post(
        reverse("riskpanel:item_withdraw", args=[meeting.pk, item.pk]), {"reason": "", "version": item.version}
    )
    assert "Enter why the item is withdrawn" in html(response)
    client.post(
        reverse("riskpanel:item_withdraw", args=[meeting.pk, item.pk]), {"reason": "Deferred", "version": item.version}
    )
    page = html(client.get(meeting.get_absolute_url()))
    assert "Withdrawn from the agenda" in page and "Deferred" in page

    outcome_url = reverse("riskpanel:item_outcome", args=[meeting.pk, no_case.pk])
    response = client.post(outcome_url, {"outcome": "Offer CATE", "version": str(no_case.version)})
    assert "Open the panel before recording what it agreed." in html(response)
    client.post(reverse("riskpanel:panel_open", args=[meeting.pk]))
    response = client.post(outcome_url, {"outcome": "Offer CATE", "version": str(no_case.version)})
    assert response.status_code == 302
    no_case.refresh_from_db()
    assert no_case.outcome == "Offer CATE"

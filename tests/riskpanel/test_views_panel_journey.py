"""The chair's pages for issue 16 point 1 through the test client: choosing from a long due list
within the panel's places, closing with the items not decided carried over with a reason, and the
minutes (draft, finalised, printable, PDF)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from riskpanel.choices import MinutesStatus, PanelStatus
from riskpanel.models import AgendaItem, PanelMeeting, PanelMinutes
from tests.factories import AgencyFactory, AllocationFactory, CaseFactory, PanelMeetingFactory

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def due_cases(n: int) -> list:
    cases = []
    for i in range(n):
        case = CaseFactory()
        AllocationFactory(case=case, started_at=timezone.now() - dt.timedelta(days=60 - i % 50))
        cases.append(case)
    return cases


@pytest.fixture
def chair(personas, client_for):
    return client_for(personas["team_leader"])


def test_the_chair_chooses_twelve_of_ninety_five_due_and_sees_the_rest_wait(chair):
    due_cases(95)
    meeting = PanelMeetingFactory(meets_at=timezone.now() + dt.timedelta(days=3))
    url = reverse("riskpanel:agenda_build", args=[meeting.pk])

    page = html(chair.get(url))
    assert "12 (0 taken, 12 left)" in page and '<dd class="govuk-summary-list__value" id="due-count">95</dd>' in page
    ticked = re.findall(r'name="cases" type="checkbox" value="(\d+)" checked', page)
    boxes = re.findall(r'name="cases" type="checkbox" value="(\d+)"', page)
    assert len(boxes) == 95 and len(ticked) == 12 and ticked == boxes[:12]  # the most urgent, to change

    response = chair.post(url, {"cases": boxes[:13]})
    page = html(response)
    assert response.status_code == 200 and "<title>Error:" in page
    assert "You chose 13 cases but this panel has 12 places left: choose 12 or fewer" in page
    assert len(re.findall(r'value="\d+" checked', page)) == 13  # the choice is kept
    response = chair.post(url, {})
    assert "Choose at least one case to add to the agenda" in html(response)
    assert not meeting.items.exists()

    response = chair.post(url, {"cases": boxes[3:15]}, follow=True)
    page = html(response)
    assert "12 cases added to the agenda. 83 cases still due wait for the next panel." in page
    assert "12 of 12 places taken. 83 cases due are not on this agenda" in page
    assert sorted(meeting.items.values_list("case_id", flat=True)) == sorted(int(b) for b in boxes[3:15])


def test_closing_asks_why_for_each_item_not_decided_and_carries_them(chair, personas):
    meeting = PanelMeetingFactory(meets_at=timezone.now() - dt.timedelta(hours=2), status=PanelStatus.OPEN)
    meeting.items.create(case=due_cases(1)[0], kind="first_panel", position=1)
    meeting.items.create(title="Hotel in the town centre", kind="information_sharing", position=2)
    url = reverse("riskpanel:panel_close", args=[meeting.pk])

    page = html(chair.get(url))
    assert "2 items have no decision." in page
    assert "No panel is scheduled after this one. Closing schedules the next panel for" in page

    response = chair.post(url, {})
    page = html(response)
    assert response.status_code == 200 and "<title>Error:" in page
    assert page.count("was not decided, or a reason for all the items left") == 4  # summary and field, each
    item, _ = meeting.items.order_by("position")
    response = chair.post(url, {f"reason_{item.pk}": "Worker absent", "reason_for_others": "Out of time"}, follow=True)
    page = html(response)
    following = PanelMeeting.objects.exclude(pk=meeting.pk).get()
    assert (
        f"2 items not decided were carried to the panel of {timezone.localtime(following.meets_at):%-d %B %Y}." in page
    )
    assert "Worker absent" in page and "Out of time" in page  # the reasons, on the closed agenda
    assert following.items.count() == 2
    item.refresh_from_db()
    assert item.carried_to.meeting == following
    item_page = html(chair.get(item.carried_to.get_absolute_url()))
    assert "Carried from the" in item_page and "Worker absent" in item_page
    assert chair.get(url).status_code == 302  # closed: nothing more to close


def test_minutes_draft_then_final_then_printed(chair, personas):
    police = AgencyFactory(name="Police")
    meeting = PanelMeetingFactory(meets_at=timezone.now() - dt.timedelta(hours=2), status=PanelStatus.OPEN)
    meeting.agencies.set([police])
    item = meeting.items.create(title="Hotel in the town centre", kind="information_sharing", position=1)
    edit = reverse("riskpanel:minutes_edit", args=[meeting.pk])

    assert "Who attended from Police" in html(chair.get(edit))
    response = chair.post(edit, {"version": "0", f"present_{police.pk}": "DC Example", "finalise": "no"})
    assert response.status_code == 302 and response["Location"] == edit
    page = html(chair.get(edit))
    assert "Minutes saved as a draft." in page and "Last changed by" in page and "DC Example" in page
    minutes = PanelMinutes.objects.get(meeting=meeting)

    response = chair.post(edit, {"version": str(minutes.version), f"present_{police.pk}": "", "finalise": "yes"})
    page = html(response)
    assert "<title>Error:" in page
    for message in (
        "Close the panel before finalising its minutes",
        "Enter who attended from at least one agency",
        "Enter who attended from Police, or the apologies they sent",
        "Enter what the panel discussed about Hotel in the town centre",
    ):
        assert message in page
    assert PanelMinutes.objects.get(meeting=meeting).status == MinutesStatus.DRAFT

    AgendaItem.objects.filter(pk=item.pk).update(outcome="CATE to visit the hotel")
    chair.post(reverse("riskpanel:panel_close", args=[meeting.pk]))
    response = chair.post(
        edit,
        {
            "version": str(minutes.version),
            f"present_{police.pk}": "DC Example",
            f"discussion_{item.pk}": "Staff training agreed.",
            "finalise": "yes",
        },
        follow=True,
    )
    page = html(response)
    assert "Minutes finalised." in page and "Final" in page and "Staff training agreed." in page
    assert "CATE to visit the hotel" in page and "DC Example" in page
    assert chair.get(edit).status_code == 302  # final: no more changes
    pdf = chair.get(reverse("riskpanel:minutes_pdf", args=[meeting.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"

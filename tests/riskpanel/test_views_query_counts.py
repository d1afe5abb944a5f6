"""Query-count guards: list pages cost the same number of queries with 1 row as with 50."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from riskpanel.choices import PanelStatus
from riskpanel.models import MinutesAttendance, MinutesEntry, PanelMinutes
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    AgendaItemFactory,
    AllocationFactory,
    CaseFactory,
    PanelDecisionFactory,
    PanelMeetingFactory,
    StrategyMeetingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def allocated_case():
    case = CaseFactory()
    AllocationFactory(case=case)
    return case


def agenda(n):
    meeting = PanelMeetingFactory(status=PanelStatus.OPEN)
    for i in range(n):
        item = AgendaItemFactory(meeting=meeting, case=allocated_case(), first_panel_due_at=timezone.now())
        if i % 2:
            PanelDecisionFactory(item=item)
    AgendaItemFactory(meeting=meeting, case=None, title="Placed here by another council")
    return reverse("riskpanel:panel_detail", args=[meeting.pk])


def actions(n):
    agencies = [AgencyFactory(name=f"Agency {i}") for i in range(3)]
    owners = [UserFactory(agency=agencies[0]) for _ in range(3)]
    for i in range(n):
        ActionFactory(
            case=allocated_case(),
            owner_agency=agencies[i % 3],
            owner=owners[i % 3] if i % 2 else None,
            due_on=timezone.localdate() + dt.timedelta(days=i - 5),
        )
    return reverse("riskpanel:action_list")


def actions_by_owner(n):
    actions(n)
    return reverse("riskpanel:action_list_by_owner")


def panels(n):
    for _ in range(n):
        AgendaItemFactory(meeting=PanelMeetingFactory())
    return reverse("riskpanel:panel_list")


def strategy_meetings(n):
    for _ in range(n):
        StrategyMeetingFactory(case=allocated_case())
    return reverse("riskpanel:strategy_meeting_list")


def cases(n):
    for _ in range(n):
        PanelDecisionFactory(item__case=allocated_case())
    return reverse("riskpanel:case_list")


def due_list(n):
    meeting = PanelMeetingFactory()
    for i in range(n):
        case = allocated_case()
        if i % 2:
            PanelDecisionFactory(item__case=case, item__meeting=PanelMeetingFactory(status=PanelStatus.CLOSED))
    return reverse("riskpanel:agenda_build", args=[meeting.pk])


def minutes(n):
    meeting = PanelMeetingFactory(status=PanelStatus.OPEN)
    record = PanelMinutes.objects.create(meeting=meeting, updated_by=UserFactory())
    for i in range(n):
        MinutesAttendance.objects.create(minutes=record, agency=AgencyFactory(name=f"Agency {i}"), present="Someone")
        item = AgendaItemFactory(meeting=meeting, case=allocated_case())
        MinutesEntry.objects.create(minutes=record, item=item, discussion="Discussed")
        ActionFactory(case=item.case, decision=PanelDecisionFactory(item=item), owner_agency=AgencyFactory())
    return reverse("riskpanel:minutes_detail", args=[meeting.pk])


PAGES = {
    "agenda": (agenda, 16),
    "actions by agency": (actions, 11),
    "actions by owner": (actions_by_owner, 10),
    "panels": (panels, 8),
    "strategy meetings": (strategy_meetings, 9),
    "cases": (cases, 8),
    "cases due, to choose from": (due_list, 16),
    "minutes": (minutes, 15),
}


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("page", PAGES)
def test_list_pages_make_a_fixed_number_of_queries(personas, client_for, django_assert_max_num_queries, page, rows):
    build, bound = PAGES[page]
    url = build(rows)
    client = client_for(personas["team_leader"])
    client.get(reverse("riskpanel:index"))  # the session's first save is not the page's cost
    with django_assert_max_num_queries(bound):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="govuk-table__row"') >= min(rows, 25)


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("show", ["open", "overdue", "done"])
def test_a_partners_list_of_their_agencys_actions_makes_a_fixed_number_of_queries(
    personas, client_for, django_assert_max_num_queries, rows, show
):
    police = personas["police"]
    worker = UserFactory(job_title="CATE worker")
    for i in range(rows):
        case = allocated_case()
        case.allocated_worker = worker if i % 2 else None
        case.save(update_fields=["allocated_worker"])
        done = show == "done"
        ActionFactory(
            case=case if i % 5 else None,
            owner_agency=police.agency,
            owner=police if i % 2 else None,
            due_on=timezone.localdate() + dt.timedelta(days=-1 if show == "overdue" else i),
            status="done" if done else "open",
            completed_at=timezone.now() if done else None,
            completion_note="Done" if done else "",
        )
        ActionFactory(case=case, owner_agency=personas["health"].agency)  # another agency's: not listed
    client = client_for(police)
    client.get(reverse("core:home"))  # the session's first save is not the page's cost
    with django_assert_max_num_queries(10):
        response = client.get(reverse("riskpanel:partner_actions") + f"?show={show}")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('href="/risk-panel/actions/') >= min(rows, 25)

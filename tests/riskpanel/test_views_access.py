"""Who reaches which page: the persona matrix, the panel member before, during and after a panel,
and the outsider who gets 404 exactly as for a record that does not exist."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from core.choices import AccessAction
from core.models import AccessLog
from riskpanel import services
from riskpanel.choices import PanelStatus
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    AllocationFactory,
    CaseFactory,
    PanelMeetingFactory,
    StrategyMeetingFactory,
)
from tests.personas import SIGNED_IN

pytestmark = pytest.mark.django_db

PERSONAS = SIGNED_IN
CASEWORK = {"cate_worker", "other_worker", "team_leader", "group_manager"}
PANEL_ROLES = {"team_leader", "group_manager", "panel_member"}
CASE_READERS = {"cate_worker", "team_leader", "group_manager"}


def expect(allowed: dict[str, int], otherwise: int) -> dict[str, int]:
    return {name: allowed.get(name, otherwise) for name in PERSONAS}


PAGES = {
    "index": expect(dict.fromkeys(CASEWORK | PANEL_ROLES, 200), 403),
    "panel_list": expect(dict.fromkeys(PANEL_ROLES, 200), 403),
    "panel_schedule": expect({"team_leader": 200}, 403),
    "panel_detail": expect(dict.fromkeys(PANEL_ROLES, 200), 404),
    "item_detail": expect(dict.fromkeys(PANEL_ROLES, 200), 404),
    "decision_record": expect({"team_leader": 200, "group_manager": 403, "panel_member": 403}, 404),
    "case_list": expect(dict.fromkeys(CASEWORK, 200), 403),
    "case_detail": expect(dict.fromkeys(CASE_READERS, 200), 404),
    "strategy_meeting_list": expect(dict.fromkeys(CASEWORK, 200), 403),
    "strategy_meeting_detail": expect(dict.fromkeys(CASE_READERS, 200), 404),
    "strategy_meeting_record": expect({"team_leader": 200, "group_manager": 403, "cate_worker": 403}, 404),
    "safety_plan_new": expect({"team_leader": 200, "cate_worker": 200, "group_manager": 403}, 404),
    "safety_plan_detail": expect(dict.fromkeys(CASE_READERS, 200), 404),
    "safety_plan_print": expect(dict.fromkeys(CASE_READERS, 200), 404),
    "safety_plan_pdf": expect(dict.fromkeys(CASE_READERS, 200), 404),
    "action_list": expect(dict.fromkeys(CASEWORK, 200), 403),
    "action_list_by_owner": expect(dict.fromkeys(CASEWORK, 200), 403),
    # The world's action is owned by the police: their partner opens and completes it; health's gets 404.
    "partner_actions": expect({"police": 200, "health": 200}, 403),
    "action_detail": expect(dict.fromkeys(CASE_READERS | {"police"}, 200), 404),
    "action_complete": expect({"team_leader": 200, "cate_worker": 200, "police": 200, "group_manager": 403}, 404),
    "action_progress_add": expect({"team_leader": 200, "cate_worker": 200, "police": 200, "group_manager": 403}, 404),
}


@pytest.fixture
def world(rich_world):
    """The pages of the one world's records (tests/world.py): its open panel with the member invited,
    the case (allocated to the persona worker) on the agenda, an undecided item, a strategy meeting,
    an agreed safety plan and an action owned by the police."""
    r = rich_world
    meeting, item, plan, action = r["meeting"], r["item"], r["agreed_plan"], r["action"]
    case, strategy = r["case"], r["strategy_meeting"]
    return {
        "index": reverse("riskpanel:index"),
        "panel_list": reverse("riskpanel:panel_list"),
        "panel_schedule": reverse("riskpanel:panel_schedule"),
        "panel_detail": reverse("riskpanel:panel_detail", args=[meeting.pk]),
        "item_detail": reverse("riskpanel:item_detail", args=[meeting.pk, item.pk]),
        "decision_record": reverse("riskpanel:decision_record", args=[meeting.pk, r["undecided"].pk]),
        "case_list": reverse("riskpanel:case_list"),
        "case_detail": reverse("riskpanel:case_detail", args=[case.pk]),
        "strategy_meeting_list": reverse("riskpanel:strategy_meeting_list"),
        "strategy_meeting_detail": reverse("riskpanel:strategy_meeting_detail", args=[strategy.pk]),
        "strategy_meeting_record": reverse("riskpanel:strategy_meeting_record", args=[strategy.pk]),
        "safety_plan_new": reverse("riskpanel:safety_plan_new", args=[plan.case_id]),
        "safety_plan_detail": reverse("riskpanel:safety_plan_detail", args=[plan.pk]),
        "safety_plan_print": reverse("riskpanel:safety_plan_print", args=[plan.pk]),
        "safety_plan_pdf": reverse("riskpanel:safety_plan_pdf", args=[plan.pk]),
        "action_list": reverse("riskpanel:action_list"),
        "action_list_by_owner": reverse("riskpanel:action_list_by_owner"),
        "action_detail": reverse("riskpanel:action_detail", args=[action.pk]),
        "action_complete": reverse("riskpanel:action_complete", args=[action.pk]),
        "partner_actions": reverse("riskpanel:partner_actions"),
        "action_progress_add": reverse("riskpanel:action_progress_add", args=[action.pk]),
        "_objects": {"meeting": meeting, "item": item, "plan": plan, "leader": r.personas["team_leader"]},
    }


def main_of(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


@pytest.mark.parametrize("page", PAGES)
def test_persona_matrix(personas, client_for, world, page):
    url = world[page]
    got = {name: client_for(personas[name]).get(url).status_code for name in PERSONAS}
    assert got == PAGES[page]
    response = client_for(None).get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:login"))


def test_a_panel_member_sees_the_panel_only_while_it_is_open_and_they_are_invited(personas, client_for, world):
    member = client_for(personas["panel_member"])
    meeting, item, leader = world["_objects"]["meeting"], world["_objects"]["item"], world["_objects"]["leader"]
    pages = [world["panel_detail"], world["item_detail"]]

    meeting.status = PanelStatus.SCHEDULED
    meeting.save()
    assert [member.get(url).status_code for url in pages] == [404, 404]  # before
    assert b"No panel is open to you" in member.get(world["panel_list"]).content

    services.panel_open(meeting=meeting, actor=leader)
    during = member.get(world["item_detail"])
    assert during.status_code == 200
    assert b"Paper summary for the panel" in during.content and item.case.child.full_name.encode() in during.content
    agenda = member.get(world["panel_detail"]).content.decode()
    assert item.case.child.full_name in agenda and "Choose the cases that are due" not in agenda
    assert member.get(world["case_detail"]).status_code == 404  # the agenda, not the case file

    services.panel_close(meeting=meeting, actor=leader, reason_for_others="Out of time")
    assert [member.get(url).status_code for url in pages] == [404, 404]  # after

    reopened_elsewhere = PanelMeetingFactory(status=PanelStatus.OPEN)  # open, but not invited
    AgendaItemFactory(meeting=reopened_elsewhere)
    assert member.get(reverse("riskpanel:panel_detail", args=[reopened_elsewhere.pk])).status_code == 404


def test_a_restricted_child_is_hidden_from_the_agenda(personas, client_for, world):
    item = world["_objects"]["item"]
    child = item.case.child
    child.is_restricted = True
    child.save()
    child.restricted_to.add(personas["cate_worker"])
    for name in ("panel_member", "team_leader", "group_manager"):
        client = client_for(personas[name])
        assert child.full_name not in client.get(world["panel_detail"]).content.decode(), name
        assert client.get(world["item_detail"]).status_code == 404, name


def test_outsider_gets_404(personas, client_for, world):
    """A record the user may not see answers exactly like one that does not exist."""
    outsider = client_for(personas["other_worker"])
    missing = reverse("riskpanel:case_detail", args=[999_999])
    assert outsider.get(world["case_detail"]).status_code == 404
    assert outsider.get(missing).status_code == 404
    assert main_of(outsider.get(world["case_detail"])) == main_of(outsider.get(missing))
    police = client_for(personas["police"])
    assert police.get(world["panel_detail"]).status_code == 404
    assert police.get(reverse("riskpanel:panel_detail", args=[999_999])).status_code == 404
    assert police.get(world["safety_plan_pdf"]).status_code == 404


def test_papers_and_plans_are_written_to_the_access_log(personas, client_for, world):
    member = personas["panel_member"]
    item, plan = world["_objects"]["item"], world["_objects"]["plan"]
    client_for(member).get(world["item_detail"])
    logged = AccessLog.objects.filter(user=member)
    assert {(row.content_type.model, row.object_id) for row in logged} == {
        ("agendaitem", str(item.pk)),
        ("case", str(item.case_id)),
    }
    worker = personas["cate_worker"]
    client = client_for(worker)
    client.get(world["safety_plan_print"])
    client.get(world["safety_plan_pdf"])
    plan_type = ContentType.objects.get_for_model(plan)
    actions = set(
        AccessLog.objects.filter(user=worker, content_type=plan_type, object_id=str(plan.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == {AccessAction.PRINT, AccessAction.EXPORT}


def test_a_worker_sees_only_their_own_cases_actions_and_meetings(personas, client_for, world):
    other_case = CaseFactory()
    AllocationFactory(case=other_case)
    ActionFactory(case=other_case, description="Someone else's action")
    StrategyMeetingFactory(case=other_case)
    worker = client_for(personas["cate_worker"])
    page = worker.get(world["action_list"]).content.decode()
    assert "Someone else&#x27;s action" not in page and "Check school attendance" in page
    meetings = worker.get(world["strategy_meeting_list"]).content.decode()
    assert other_case.reference not in meetings
    leader_page = client_for(personas["team_leader"]).get(world["action_list"]).content.decode()
    assert "Someone else&#x27;s action" in leader_page

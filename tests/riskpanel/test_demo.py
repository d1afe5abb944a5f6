import datetime as dt
import io

import pytest
from django.core.management import call_command

from core.demo import seed_organisation
from riskpanel.demo import PANELS_AHEAD, seed_demo
from riskpanel.models import AgendaItem, PanelMeeting
from tests.factories import AllocationFactory, CaseFactory

pytestmark = pytest.mark.django_db


def test_the_demo_schedules_the_next_panels_once_and_tolerates_no_cases():
    seed_organisation(password="demo-password-for-tests")
    out = io.StringIO()
    seed_demo(out)
    meetings = list(PanelMeeting.objects.order_by("meets_at"))
    assert len(meetings) == PANELS_AHEAD
    assert meetings[0].chair.username == "teamleader"
    assert [m.username for m in meetings[0].members.all()] == ["panelmember"]
    assert {a.name for a in meetings[0].agencies.all()} >= {"Police", "Health"}
    assert not AgendaItem.objects.exists()

    case = CaseFactory()
    AllocationFactory(case=case)
    seed_demo(out)
    seed_demo(out)
    assert PanelMeeting.objects.count() == PANELS_AHEAD
    assert list(AgendaItem.objects.values_list("case", "meeting")) == [(case.pk, meetings[0].pk)]


def test_the_demo_command_runs_the_hook_without_demo_users():
    out = io.StringIO()
    seed_demo(out)
    assert "none scheduled" in out.getvalue() and not PanelMeeting.objects.exists()


def test_seed_demo_command_calls_the_risk_panel_hook(settings):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "panels scheduled" in out.getvalue()
    assert PanelMeeting.objects.count() == PANELS_AHEAD


def test_the_demo_gives_the_police_and_health_practitioners_an_action_each_once():
    from django.contrib.auth import get_user_model

    from riskpanel.demo import DEMO_ACTIONS
    from riskpanel.models import Action
    from riskpanel.selectors import partner_action_list_for_user
    from tests.factories import allocated_case

    seed_organisation(password="demo-password-for-tests")
    users = {u.username: u for u in get_user_model().objects.all()}
    case = allocated_case(users["teamleader"], users["cateworker1"])
    seed_demo(io.StringIO())
    seed_demo(io.StringIO())
    assert Action.objects.count() == len(DEMO_ACTIONS)
    for username in ("police", "health"):
        (action,) = partner_action_list_for_user(users[username], show="open", today=dt.date.today())
        assert (action.case, action.owner, action.created_by) == (case, users[username], users["cateworker1"])
        assert case.chronology.filter(summary__contains=action.description).exists()

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

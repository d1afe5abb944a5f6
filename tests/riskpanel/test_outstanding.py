"""What the risk panel lists as outstanding when a case's closure is proposed: no panel decision
since opening where the risk level needs one, open actions, the agreed safety plan."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cate.choices import RiskLevel
from core.selectors import service_settings
from core.services import setting_update
from riskpanel import services
from riskpanel.choices import ActionStatus
from riskpanel.outstanding import case_outstanding
from riskpanel.rules import needs_panel
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    PanelDecisionFactory,
    SafetyPlanFactory,
)

pytestmark = pytest.mark.django_db


def outstanding(case):
    return {item.code: item for item in case_outstanding(case, now=timezone.now(), settings=service_settings())}


def at_level(case, level):
    case.current_risk_level = level
    case.save(update_fields=["current_risk_level"])
    return case


@pytest.mark.parametrize(
    ("level", "needed"),
    [
        ("", False),
        (RiskLevel.LOW, False),
        (RiskLevel.LOW_MEDIUM, False),
        (RiskLevel.MEDIUM, True),
        (RiskLevel.MEDIUM_HIGH, True),
        (RiskLevel.HIGH, True),
    ],
)
def test_red_and_amber_levels_need_a_panel_by_default(level, needed):
    assert needs_panel(level, service_settings()) is needed


def test_which_levels_need_a_panel_is_the_councils_setting(personas):
    mapping = {"high": "red", "medium_high": "green", "medium": "green", "low_medium": "green", "low": "amber"}
    setting_update(key="rag_mapping", value=mapping, actor=personas["group_manager"], reason="Local protocol")
    settings = service_settings()
    assert needs_panel(RiskLevel.LOW, settings) and not needs_panel(RiskLevel.MEDIUM_HIGH, settings)


def test_a_high_risk_case_no_panel_has_decided_on_is_outstanding(worker_case):
    at_level(worker_case, RiskLevel.HIGH)
    item = outstanding(worker_case)["no_panel"]
    assert item.overridable and "High risk" in item.message and "since it was opened" in item.message
    assert item.url == reverse("riskpanel:case_detail", args=[worker_case.pk])


def test_a_panel_decision_since_opening_answers_it(worker_case):
    at_level(worker_case, RiskLevel.HIGH)
    listed = AgendaItemFactory(case=worker_case)
    assert "no_panel" in outstanding(worker_case)  # on an agenda is not decided
    PanelDecisionFactory(item=listed, risk_level=RiskLevel.HIGH)
    assert "no_panel" not in outstanding(worker_case)


def test_a_panel_before_the_case_was_reopened_does_not_count(worker_case):
    at_level(worker_case, RiskLevel.HIGH)
    PanelDecisionFactory(item=AgendaItemFactory(case=worker_case), decided_at=timezone.now() - dt.timedelta(days=30))
    worker_case.last_reopened_at = timezone.now() - dt.timedelta(days=1)
    worker_case.save(update_fields=["last_reopened_at"])
    assert "since it was reopened" in outstanding(worker_case)["no_panel"].message


def test_a_low_risk_case_needs_no_panel_to_close(worker_case):
    at_level(worker_case, RiskLevel.LOW)
    assert "no_panel" not in outstanding(worker_case)


def test_each_open_action_is_outstanding(worker_case):
    first, second = ActionFactory(case=worker_case), ActionFactory(case=worker_case)
    ActionFactory(case=worker_case, status=ActionStatus.DONE, completed_at=timezone.now())
    found = outstanding(worker_case)
    assert {code for code in found if code.startswith("action_open:")} == {
        f"action_open:{first.pk}",
        f"action_open:{second.pk}",
    }
    assert first.description in found[f"action_open:{first.pk}"].message


def test_the_agreed_safety_plan_is_outstanding_and_a_draft_is_not(worker_case, personas):
    draft = SafetyPlanFactory(case=worker_case)
    assert not any(code.startswith("safety_plan:") for code in outstanding(worker_case))
    plan = services.safety_plan_agree(plan=draft, actor=personas["team_leader"])
    item = outstanding(worker_case)[f"safety_plan:{plan.pk}"]
    assert "version 1 is agreed and still in force" in item.message

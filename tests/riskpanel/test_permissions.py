"""The (user, obj) predicates of the risk panel: each check agrees with its refusal, per persona."""

import pytest
from django.core.exceptions import PermissionDenied

from riskpanel import permissions as p
from tests.factories import ActionFactory, SafetyPlanFactory, StrategyMeetingFactory

pytestmark = pytest.mark.django_db

# Who may do what on the case allocated to the `cate_worker` persona (its action owned by the police;
# the panel member works for the police too, but only partner practitioners act for their agency).
EXPECTED = {
    #                  chair  meeting  write  change  agree  add action  change action  update action
    "cate_worker": (False, False, True, True, False, True, True, True),
    "other_worker": (False, False, False, False, False, False, False, False),
    "team_leader": (True, True, True, True, True, True, True, True),
    "group_manager": (False, False, False, False, False, False, False, False),
    "panel_member": (False, False, False, False, False, False, False, False),
    "police": (False, False, False, False, False, False, False, True),
    "health": (False, False, False, False, False, False, False, False),
}


@pytest.mark.parametrize("persona", EXPECTED)
def test_each_check_agrees_with_its_refusal(personas, worker_case, persona):
    user = personas[persona]
    meeting = StrategyMeetingFactory(case=worker_case)
    plan = SafetyPlanFactory(case=worker_case)
    action = ActionFactory(case=worker_case, owner_agency=personas["police"].agency)
    pairs = [
        (p.can_chair_case, p.require_chair_case, worker_case),
        (p.can_record_strategy_meeting, p.require_record_strategy_meeting, meeting),
        (p.can_write_safety_plan, p.require_write_safety_plan, worker_case),
        (p.can_change_safety_plan, p.require_change_safety_plan, plan),
        (p.can_agree_safety_plan, p.require_agree_safety_plan, plan),
        (p.can_add_action, p.require_add_action, worker_case),
        (p.can_change_action, p.require_change_action, action),
        (p.can_update_action, p.require_update_action, action),
    ]
    for (check, require, obj), expected in zip(pairs, EXPECTED[persona], strict=True):
        assert check(user, obj) is expected, check.__name__
        if expected:
            require(user, obj)
        else:
            with pytest.raises(PermissionDenied):
                require(user, obj)


def test_actions_without_a_case_are_the_chairs(personas):
    action = ActionFactory(case=None)
    assert p.can_change_action(personas["team_leader"], action)
    assert p.can_add_action(personas["team_leader"], None)
    for persona in ("cate_worker", "group_manager"):
        assert not p.can_change_action(personas[persona], action)
        with pytest.raises(PermissionDenied, match="Only a team leader"):
            p.require_add_action(personas[persona], None)

"""Multi-agency actions: owner agency and person, due date, status and completion note."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cate.choices import ChronologyKind
from core.exceptions import StaleRecord, TransitionNotAllowed
from core.roles import Role
from riskpanel import services
from riskpanel.choices import ActionStatus, PanelStatus
from tests.factories import (
    AgencyFactory,
    AgendaItemFactory,
    PanelDecisionFactory,
    PanelMeetingFactory,
    StrategyMeetingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def police():
    return AgencyFactory(name="Police")


def test_an_action_from_casework_with_history_and_chronology(personas, worker_case, police):
    worker = personas["cate_worker"]
    due = timezone.localdate() + dt.timedelta(days=7)
    action = services.action_create(
        actor=worker,
        case=worker_case,
        description="Visit the address of concern",
        owner_agency=police,
        owner_name="Neighbourhood officer",
        due_on=due,
    )
    assert (action.status, action.created_by, action.owner_label) == (
        ActionStatus.OPEN,
        worker,
        "Neighbourhood officer",
    )
    assert action.history.latest().history_user == worker
    event = worker_case.chronology.get(kind=ChronologyKind.OTHER)
    assert (
        event.summary == f"Action for Police (Neighbourhood officer) due {due:%-d %b %Y}: Visit the address of concern"
    )

    done = services.action_complete(
        action=action, actor=worker, completion_note="Visited; nobody home", expected_version=action.version
    )
    assert (done.status, done.completed_by, done.completion_note) == (ActionStatus.DONE, worker, "Visited; nobody home")
    assert done.completed_at is not None
    assert done.history.latest().history_change_reason == "Action done"
    assert worker_case.chronology.filter(summary="Action done (Police): Visit the address of concern").exists()
    with pytest.raises(TransitionNotAllowed):
        services.action_cancel(action=done, actor=worker, reason="x")


def test_actions_from_a_decision_and_a_strategy_meeting(leader, worker_case, police):
    meeting = PanelMeetingFactory(status=PanelStatus.OPEN)
    decision = PanelDecisionFactory(item=AgendaItemFactory(meeting=meeting, case=worker_case))
    owner = UserFactory(agency=police, role=Role.PARTNER)
    action = services.action_create(
        actor=leader,
        decision=decision,
        description="Share intelligence with the CSE team",
        owner_agency=police,
        owner=owner,
        due_on=timezone.localdate(),
    )
    assert (action.case, action.decision, action.owner_label) == (worker_case, decision, str(owner))
    assert worker_case.chronology.filter(kind=ChronologyKind.PANEL).exists()
    strategy = StrategyMeetingFactory(case=worker_case)
    action = services.action_create(
        actor=leader,
        strategy_meeting=strategy,
        description="Serve a warning notice",
        owner_agency=police,
        owner_name="CSE team",
        due_on=timezone.localdate(),
    )
    assert action.case == worker_case
    assert worker_case.chronology.filter(kind=ChronologyKind.STRATEGY_MEETING).exists()


def test_what_an_action_needs(leader, worker_case, police):
    education = AgencyFactory(name="Education")
    with pytest.raises(ValidationError) as error:
        services.action_create(
            actor=leader,
            case=worker_case,
            description=" ",
            owner_agency=education,
            owner=UserFactory(agency=police),
            due_on=timezone.localdate() - dt.timedelta(days=1),
        )
    assert set(error.value.error_dict) == {"description", "owner", "due_on"}
    with pytest.raises(ValidationError) as error:
        services.action_create(
            actor=leader, case=worker_case, description="x", owner_agency=police, due_on=timezone.localdate()
        )
    assert set(error.value.error_dict) == {"owner"}


def test_changing_and_cancelling_an_action(personas, worker_case, police):
    worker = personas["cate_worker"]
    action = services.action_create(
        actor=worker,
        case=worker_case,
        description="Ask school about attendance",
        owner_agency=police,
        owner_name="School",
        due_on=timezone.localdate() + dt.timedelta(days=3),
    )
    new_due = timezone.localdate() + dt.timedelta(days=10)
    changed = services.action_update(
        action=action,
        actor=worker,
        description=action.description,
        owner_agency=police,
        owner_name="School",
        due_on=new_due,
        expected_version=action.version,
    )
    assert changed.due_on == new_due
    assert worker_case.chronology.filter(summary__startswith="Action due date moved from").exists()
    with pytest.raises(StaleRecord):
        services.action_update(
            action=changed,
            actor=worker,
            description="x",
            owner_agency=police,
            owner_name="School",
            due_on=new_due,
            expected_version=action.version,
        )
    with pytest.raises(ValidationError):
        services.action_cancel(action=changed, actor=worker, reason=" ")
    cancelled = services.action_cancel(action=changed, actor=worker, reason="Duplicate of the school's own plan")
    assert cancelled.status == ActionStatus.CANCELLED and cancelled.completion_note.startswith("Duplicate")


def test_others_cannot_manage_the_actions_of_a_case(personas, worker_case, police):
    for name in ("other_worker", "group_manager", "panel_member", "police"):
        with pytest.raises(PermissionDenied):
            services.action_create(
                actor=personas[name],
                case=worker_case,
                description="x",
                owner_agency=police,
                owner_name="x",
                due_on=timezone.localdate(),
            )
    with pytest.raises(PermissionDenied):  # only a team leader adds actions that belong to no case
        services.action_create(
            actor=personas["cate_worker"],
            description="x",
            owner_agency=police,
            owner_name="x",
            due_on=timezone.localdate(),
        )
    action = services.action_create(
        actor=personas["team_leader"],
        description="Reply to the placing authority",
        owner_agency=police,
        owner_name="x",
        due_on=timezone.localdate(),
    )
    assert action.case is None

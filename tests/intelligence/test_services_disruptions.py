"""The disruption register: the action list, the police's agreement and the Abduction Warning Notice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.exceptions import TransitionNotAllowed
from intelligence import selectors, services
from intelligence.choices import DisruptionStatus, Tactic
from riskpanel.choices import ActionStatus
from riskpanel.selectors import partner_action_list_for_user
from tests.factories import LinkFactory, node_of

pytestmark = pytest.mark.django_db


def plan(actor, target, agency, **kwargs):
    today = timezone.localdate()
    fields = {
        "tactic": Tactic.PATROL,
        "description": "Patrols past the takeaway on Friday nights",
        "lead_agency": agency,
        "owner_name": "Sergeant on duty",
        "planned_on": today,
        "due_on": today + dt.timedelta(days=14),
    }
    return services.disruption_record(actor=actor, target=target, **{**fields, **kwargs})


def test_a_disruption_is_an_action_of_its_lead_agency(reviewer, place, police_agency, police_partner):
    disruption = plan(reviewer, place, police_agency)
    assert disruption.reference.startswith("DIS-") and disruption.status == DisruptionStatus.PLANNED
    action = disruption.action
    assert (action.owner_agency, action.status, action.case) == (police_agency, ActionStatus.OPEN, None)
    assert action in partner_action_list_for_user(police_partner, show="open", today=timezone.localdate())
    done = services.disruption_close(
        disruption=disruption,
        actor=reviewer,
        status=DisruptionStatus.DONE,
        outcome="Two stops",
        done_on=timezone.localdate(),
    )
    done.action.refresh_from_db()
    assert done.action.status == ActionStatus.DONE


def test_could_affect_an_investigation_waits_for_a_police_reviewer(reviewer, police_reviewer, place, police_agency):
    disruption = plan(reviewer, place, police_agency, could_affect_investigation=True)
    assert disruption.status == DisruptionStatus.AWAITING_AGREEMENT
    with pytest.raises(ValidationError):
        services.disruption_close(
            disruption=disruption,
            actor=reviewer,
            status=DisruptionStatus.DONE,
            outcome="x",
            done_on=timezone.localdate(),
        )
    with pytest.raises(PermissionDenied):  # not police
        services.disruption_agree(disruption=disruption, actor=reviewer, note="Fine")
    agreed = services.disruption_agree(disruption=disruption, actor=police_reviewer, note="Go ahead after the 12th")
    assert (agreed.status, agreed.agreed_by) == (DisruptionStatus.AGREED, police_reviewer)
    with pytest.raises(TransitionNotAllowed):
        services.disruption_agree(disruption=agreed, actor=police_reviewer, note="Again")
    services.disruption_close(
        disruption=agreed, actor=reviewer, status=DisruptionStatus.DONE, outcome="Closed", done_on=timezone.localdate()
    )


def test_a_cawn_done_here_is_written_on_the_person(reviewer, person, council):
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        plan(reviewer, person, council, tactic=Tactic.CAWN, awn_expires_on=today - dt.timedelta(days=1))
    disruption = plan(reviewer, person, council, tactic=Tactic.CAWN, awn_expires_on=today + dt.timedelta(days=365))
    services.disruption_close(
        disruption=disruption, actor=reviewer, status=DisruptionStatus.DONE, outcome="Served", done_on=today
    )
    person.refresh_from_db()
    assert (person.awn_issued_on, person.awn_expires_on, person.awn_issued_by) == (
        today,
        today + dt.timedelta(days=365),
        str(council),
    )
    assert person.history.latest().history_user == reviewer


def test_a_cawn_is_served_on_a_person_only(reviewer, place, council):
    with pytest.raises(ValidationError) as caught:
        plan(reviewer, place, council, tactic=Tactic.CAWN)
    assert "tactic" in caught.value.message_dict


def test_who_records_disruption(health_partner, police_partner, worker, place, council):
    with pytest.raises(PermissionDenied):
        plan(health_partner, place, council)
    with pytest.raises(PermissionDenied):
        plan(worker, place, council)
    assert plan(police_partner, place, council).created_by == police_partner


def test_a_disruption_shows_around_the_linked_child(reviewer, person, council, child, worker, leader):
    LinkFactory(a=node_of(child), b=node_of(person), created_by=reviewer)
    disruption = plan(reviewer, person, council)
    assert selectors.disruptions_around_child(leader, child) == [disruption]
    assert selectors.disruptions_of(leader, person) == [disruption]


def test_bad_dates_every_fault_at_once(reviewer, place, council):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as caught:
        plan(reviewer, place, None, due_on=today - dt.timedelta(days=1), description="", owner_name="")
    assert set(caught.value.message_dict) == {"due_on", "description", "lead_agency", "owner_name"}

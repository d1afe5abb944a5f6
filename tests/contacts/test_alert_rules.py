"""The front door's overdue items escalate to the Family Connect managers, not CATE's team leaders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from contacts.alert_rules import RULES
from core import alerts
from core.models import Notification
from core.roles import Role
from core.selectors import service_settings
from tests.factories import ContactFactory, EarlyHelpFollowUpFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def front_door(make_user, council, cate_team):
    team = TeamFactory(name="Family Connect", agency=council)
    return {
        "screener": make_user(Role.SCREENER, team=team),
        "fc_manager": make_user(Role.FC_MANAGER, team=team),
        "other_fc_manager": make_user(Role.FC_MANAGER),  # not of the screener's team
        "team_leader": make_user(Role.TEAM_LEADER, team=cate_team),
        "group_manager": make_user(Role.GROUP_MANAGER),
    }


def told(rule: str) -> dict[int, list[str]]:
    sent: dict[int, list[str]] = {}
    for recipient, title in Notification.objects.filter(key__startswith=f"{rule}:").values_list(
        "recipient_id", "title"
    ):
        sent.setdefault(recipient, []).append(title)
    return sent


def test_every_front_door_rule_escalates_to_the_family_connect_managers():
    assert {rule.name: rule.escalate_to for rule in RULES} == {
        "contact_decision": Role.FC_MANAGER,
        "mace_response": Role.FC_MANAGER,
        "early_help_follow_up": Role.FC_MANAGER,
        "missing_from_home": Role.FC_MANAGER,
        "missing_cse_link": Role.FC_MANAGER,
        "threshold_review": Role.FC_MANAGER,
    }


def test_an_overdue_contact_decision_escalates_to_the_screeners_fc_manager_not_the_team_leader(
    front_door, django_capture_on_commit_callbacks
):
    people = front_door
    now = dt.datetime.now(dt.UTC)
    contact = ContactFactory(decision_due_at=now - dt.timedelta(days=5), assigned_to=people["screener"])
    with django_capture_on_commit_callbacks(execute=True):
        alerts.run_rule("contact_decision", now=now)
    sent = told("contact_decision")
    assert sent[people["screener"].pk] == [f"Contact {contact.reference}: decision overdue"]
    assert sent[people["fc_manager"].pk] == [f"Escalated: Contact {contact.reference}: decision overdue"]
    assert set(sent) == {people["screener"].pk, people["fc_manager"].pk}  # not the team leader, nor the other team
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people["screener"].email, people["fc_manager"].email])


def test_without_a_manager_in_the_team_every_fc_manager_is_told(make_user):
    screener = make_user(Role.SCREENER)  # in no team
    managers = {make_user(Role.FC_MANAGER).pk, make_user(Role.FC_MANAGER).pk}
    leader = make_user(Role.TEAM_LEADER)
    now = dt.datetime.now(dt.UTC)
    follow_up = EarlyHelpFollowUpFactory(due_at=now - dt.timedelta(days=5))
    follow_up.contact.decided_by = screener
    follow_up.contact.save()
    alerts.run_rule("early_help_follow_up", now=now)
    sent = told("early_help_follow_up")
    escalated = {who for who, titles in sent.items() if all(t.startswith("Escalated: ") for t in titles)}
    assert escalated == managers and leader.pk not in sent


def test_with_no_fc_manager_at_all_the_group_managers_are_told(front_door):
    people = front_door
    for key in ("fc_manager", "other_fc_manager"):
        people[key].is_active = False
        people[key].save()
    now = dt.datetime.now(dt.UTC)
    ContactFactory(decision_due_at=now - dt.timedelta(days=5), assigned_to=people["screener"])
    alerts.run_rule("contact_decision", now=now)
    sent = told("contact_decision")
    assert set(sent) == {people["screener"].pk, people["group_manager"].pk}


def test_cate_items_still_escalate_to_the_team_leader(front_door, make_user, cate_team):
    people = front_door
    worker = make_user(Role.CATE_WORKER, team=cate_team)
    now = dt.datetime.now(dt.UTC)
    candidates = [
        alerts.Candidate(
            record_key="cate.case:1",
            due_at=now - dt.timedelta(days=5),
            stage=alerts.Stage.OVERDUE,
            title="Allocation overdue",
            url="",
            owner_ids=(worker.pk,),
        )
    ]
    rule = alerts.AlertRule("cate_like", "CATE items", lambda now, settings: candidates)
    planned = alerts.plan(rule, now=now, current=service_settings())
    escalated = {recipient for recipient, key, *_ in planned if key.endswith(":escalated")}
    assert escalated == {people["team_leader"].pk}
    assert not escalated & {people["fc_manager"].pk, people["other_fc_manager"].pk}

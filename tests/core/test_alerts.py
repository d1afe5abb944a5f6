"""The alert runner: exactly once per recipient and stage, escalation after the grace period."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection

from core import alerts, contract
from core.alerts import AlertRule, Candidate, Stage
from core.models import Notification
from core.roles import Role

NOW = datetime(2024, 6, 12, 10, 0, tzinfo=UTC)  # a Wednesday


@pytest.fixture
def rule():
    """A rule whose candidates the test controls."""
    items: list[Candidate] = []
    with contract.override("alert_rules", [AlertRule("test_rule", "Test items", lambda now, settings: list(items))]):
        yield items


@pytest.fixture
def people(make_user, cate_team):
    worker = make_user(Role.CATE_WORKER, team=cate_team)
    leader = make_user(Role.TEAM_LEADER, team=cate_team)
    other_leader = make_user(Role.TEAM_LEADER)
    manager = make_user(Role.GROUP_MANAGER)
    return worker, leader, other_leader, manager


def candidate(owner, *, due=NOW + timedelta(hours=5), stage=Stage.DUE_SOON, key="item:1"):
    return Candidate(record_key=key, due_at=due, stage=stage, title=f"Item {stage}", url="/x/", owner_ids=(owner.pk,))


@pytest.mark.django_db
def test_running_twice_alerts_once(rule, people, django_capture_on_commit_callbacks):
    worker, *_ = people
    rule.append(candidate(worker))
    with django_capture_on_commit_callbacks(execute=True):
        first = alerts.run_rule("test_rule", now=NOW)
        second = alerts.run_rule("test_rule", now=NOW)
    assert (first.sent, second.sent, second.already_sent) == (1, 0, 1)
    assert Notification.objects.filter(recipient=worker).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_overdue_escalates_to_the_team_leader_once_after_the_grace_period(rule, people):
    worker, leader, other_leader, _ = people
    due = datetime(2024, 6, 11, 10, 0, tzinfo=UTC)  # grace: 1 working day → escalate after 12 June 10:00
    rule.append(candidate(worker, due=due, stage=Stage.OVERDUE))
    alerts.run_rule("test_rule", now=datetime(2024, 6, 12, 9, 59, tzinfo=UTC))
    assert not Notification.objects.filter(recipient=leader).exists()
    alerts.run_rule("test_rule", now=datetime(2024, 6, 12, 10, 1, tzinfo=UTC))
    alerts.run_rule("test_rule", now=datetime(2024, 6, 12, 11, 0, tzinfo=UTC))
    assert Notification.objects.filter(recipient=leader, title__startswith="Escalated").count() == 1
    assert not Notification.objects.filter(recipient=other_leader).exists()  # not this worker's team leader
    assert Notification.objects.filter(recipient=worker).count() == 1


@pytest.mark.django_db
def test_grace_counts_working_days_over_a_bank_holiday(rule, people):
    worker, leader, *_ = people
    # Due Thursday 28 March 2024 10:00 GMT; one working day later is Tuesday 2 April 10:00 BST (09:00 UTC):
    # Good Friday and Easter Monday do not count, and the clocks went forward in between.
    due = datetime(2024, 3, 28, 10, 0, tzinfo=UTC)
    rule.append(candidate(worker, due=due, stage=Stage.OVERDUE))
    alerts.run_rule("test_rule", now=datetime(2024, 4, 1, 12, 0, tzinfo=UTC))
    alerts.run_rule("test_rule", now=datetime(2024, 4, 2, 8, 59, tzinfo=UTC))
    assert not Notification.objects.filter(recipient=leader).exists()
    alerts.run_rule("test_rule", now=datetime(2024, 4, 2, 9, 1, tzinfo=UTC))
    assert Notification.objects.filter(recipient=leader).count() == 1


@pytest.mark.django_db
def test_a_changed_due_time_alerts_anew_and_a_met_item_no_more(rule, people):
    worker, *_ = people
    rule.append(candidate(worker))
    alerts.run_rule("test_rule", now=NOW)
    rule[0] = candidate(worker, due=NOW + timedelta(hours=6))
    alerts.run_rule("test_rule", now=NOW)
    assert Notification.objects.filter(recipient=worker).count() == 2
    rule.clear()  # met: the rule no longer finds it
    assert alerts.run_rule("test_rule", now=NOW).sent == 0


@pytest.mark.django_db
def test_an_unowned_item_goes_to_team_leaders(rule, people):
    _, leader, other_leader, _ = people
    rule.append(
        Candidate(record_key="case:9", due_at=NOW, stage=Stage.DUE_SOON, title="Allocation due", url="", owner_ids=())
    )
    alerts.run_rule("test_rule", now=NOW)
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == {leader.pk, other_leader.pk}


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_nothing_twice(rule, people):
    worker, *_ = people
    for i in range(20):
        rule.append(candidate(worker, key=f"item:{i}"))
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            alerts.run_rule("test_rule", now=NOW)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert Notification.objects.filter(recipient=worker).count() == 20
    assert len(mail.outbox) == 20


@pytest.mark.django_db
def test_the_digest_reaches_each_group_manager_once_a_day(rule, people):
    worker, _, _, manager = people
    rule.append(candidate(worker, stage=Stage.OVERDUE, due=NOW - timedelta(hours=1)))
    assert alerts.send_digest(now=NOW) == 1
    assert alerts.send_digest(now=NOW + timedelta(hours=3)) == 0
    note = Notification.objects.get(recipient=manager)
    assert "Test items: 1 overdue" in note.body
    assert alerts.send_digest(now=NOW + timedelta(days=1)) == 1


@pytest.mark.django_db
def test_a_run_stopped_half_way_completes_the_rest_when_run_again(rule, people, monkeypatch):
    worker, *_ = people
    for i in range(6):
        rule.append(candidate(worker, key=f"item:{i}"))
    real_send = alerts.notification_send
    calls = {"n": 0}

    def send_then_crash(**kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise ConnectionError("worker lost its database connection")
        return real_send(**kwargs)

    monkeypatch.setattr(alerts, "notification_send", send_then_crash)
    with pytest.raises(ConnectionError):
        alerts.run_rule("test_rule", now=NOW)
    assert Notification.objects.filter(recipient=worker).count() == 3  # each alert is committed as it is sent
    monkeypatch.setattr(alerts, "notification_send", real_send)
    result = alerts.run_rule("test_rule", now=NOW)
    assert (result.sent, result.already_sent) == (3, 3)
    assert Notification.objects.filter(recipient=worker).count() == 6

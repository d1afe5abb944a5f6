"""The alert jobs on a real Redis broker with a real Celery worker (issue 6).

Each test starts a worker in a thread on a queue of its own; results travel back through Redis so
a test knows when both of two concurrent runs have finished."""

from __future__ import annotations

import datetime as dt
import socket
import time
import uuid

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bench.services import PrivateRedis
from cate.choices import RhiStatus
from cate.models import ReturnHomeInterview
from config.celery import app
from core.models import Notification
from core.roles import Role
from tests.factories import CaseFactory, MissingEpisodeFactory, grant_case_access

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_on_redis(monkeypatch):
    """The project's Celery app on the test Redis, with a two-thread worker and a result backend."""
    queue = f"test-{uuid.uuid4().hex}"
    broker = app.conf.broker_url
    monkeypatch.setitem(app.conf, "task_default_queue", queue)
    monkeypatch.setitem(app.conf, "result_backend", broker)
    monkeypatch.setitem(app.conf, "task_ignore_result", False)
    with start_worker(
        app,
        queues=[queue],
        pool="threads",
        concurrency=2,
        perform_ping_check=False,
        loglevel="WARNING",
        shutdown_timeout=20,
    ):
        yield app


def run_twice_at_once(celery_app):
    first = celery_app.send_task("core.tasks.run_alert_rule", args=("rhi",))
    second = celery_app.send_task("core.tasks.run_alert_rule", args=("rhi",))
    return first.get(timeout=60), second.get(timeout=60)


def episode_due_in(worker, hours: float):
    """A returned child whose interview falls due `hours` from now (negative: overdue)."""
    case = CaseFactory(allocated_worker=worker)
    grant_case_access(case, worker)
    returned = timezone.now() - dt.timedelta(hours=72 - hours)
    return MissingEpisodeFactory(
        case=case,
        missing_from=returned - dt.timedelta(hours=12),
        returned_at=returned,
        rhi_due_at=returned + dt.timedelta(hours=72),
        recorded_by=worker,
    )


def test_an_interview_due_soon_alerts_the_worker_once_even_when_the_job_runs_twice_at_once(
    worker_on_redis, make_user, mailoutbox
):
    worker = make_user(Role.CATE_WORKER)
    episode = episode_due_in(worker, hours=20)
    results = run_twice_at_once(worker_on_redis)
    assert sum(r["sent"] for r in results) == 1
    notes = Notification.objects.filter(recipient=worker)
    assert notes.count() == 1
    note = notes.get()
    assert note.title == f"{episode.case.reference}: return home interview due soon"
    assert note.url == reverse("cate:missing_episode_detail", args=[episode.case_id, episode.pk])
    assert [m.to for m in mailoutbox] == [[worker.email]]
    assert "/notifications/" in mailoutbox[0].body


def test_overdue_past_the_grace_period_escalates_to_the_team_leader_once(
    worker_on_redis, make_user, cate_team, mailoutbox
):
    worker = make_user(Role.CATE_WORKER, team=cate_team)
    leader = make_user(Role.TEAM_LEADER, team=cate_team)
    episode_due_in(worker, hours=-24 * 5)  # five days overdue: well past one working day of grace
    run_twice_at_once(worker_on_redis)
    run_twice_at_once(worker_on_redis)
    assert Notification.objects.filter(recipient=worker, title__endswith="overdue").count() == 1
    escalated = Notification.objects.filter(recipient=leader)
    assert escalated.count() == 1 and escalated.get().title.startswith("Escalated: ")
    assert sorted(m.to[0] for m in mailoutbox) == sorted([worker.email, leader.email])


def test_a_completed_interview_stops_the_alerts(worker_on_redis, make_user):
    worker = make_user(Role.CATE_WORKER)
    episode = episode_due_in(worker, hours=20)
    run_twice_at_once(worker_on_redis)
    assert Notification.objects.filter(recipient=worker).count() == 1
    ReturnHomeInterview.objects.create(episode=episode, status=RhiStatus.COMPLETED, completed_at=timezone.now())
    episode.rhi_due_at = timezone.now() - dt.timedelta(days=3)  # time passes: it would now be overdue
    episode.save()
    results = run_twice_at_once(worker_on_redis)
    assert sum(r["sent"] for r in results) == 0
    assert Notification.objects.filter(recipient=worker).count() == 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_with_the_broker_down_pages_still_show_what_is_due_and_the_next_run_catches_up(
    monkeypatch, make_user, client_for
):
    """A Redis of the test's own is stopped and started again: while it is down the web app keeps
    working and shows due states from the records; once it is back the next run sends every alert."""
    redis = PrivateRedis(port=free_port())
    redis.start()
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    outage_app = Celery("cate-outage", set_as_current=False)
    outage_app.config_from_object("django.conf:settings", namespace="CELERY")
    outage_app.conf.update(
        broker_url=redis.url,
        result_backend=redis.url,
        task_ignore_result=False,
        broker_connection_retry=True,
        broker_connection_max_retries=None,
        broker_transport_options={"max_retries": 1},
    )
    outage_app.loader.import_default_modules()
    worker = make_user(Role.CATE_WORKER)
    try:
        with start_worker(
            outage_app, pool="threads", concurrency=1, perform_ping_check=False, loglevel="ERROR", shutdown_timeout=20
        ):
            redis.stop()
            first = episode_due_in(worker, hours=10)
            second = episode_due_in(worker, hours=-2)
            with pytest.raises(Exception):  # noqa: B017,PT011 - kombu raises its own OperationalError
                outage_app.send_task("core.tasks.run_alert_rule", args=("rhi",), retry=False)
            page = client_for(worker).get(reverse("cate:missing_episode_detail", args=[first.case_id, first.pk]))
            assert page.status_code == 200 and b"Due soon" in page.content
            page = client_for(worker).get(reverse("cate:missing_episode_detail", args=[second.case_id, second.pk]))
            assert page.status_code == 200 and b"Overdue" in page.content
            assert not Notification.objects.exists()

            redis.start()
            deadline = time.monotonic() + 60
            result = None
            while result is None and time.monotonic() < deadline:
                try:
                    result = outage_app.send_task("core.tasks.run_alert_rule", args=("rhi",)).get(timeout=30)
                except Exception:  # the worker may still be reconnecting
                    time.sleep(1)
            assert result is not None and result["sent"] == 2
    finally:
        redis.stop()
    assert set(Notification.objects.filter(recipient=worker).values_list("title", flat=True)) == {
        f"{first.case.reference}: return home interview due soon",
        f"{second.case.reference}: return home interview overdue",
    }
    assert len(mail.outbox) == 2

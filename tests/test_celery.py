"""Celery: the beat schedule names real tasks, and a task crosses a real Redis broker to a real worker."""

import time
import uuid

import pytest
from django.conf import settings

from config.celery import app
from core.models import Notification
from core.roles import Role


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    assert settings.CELERY_BEAT_SCHEDULE
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, f"beat entry {name} names unknown task {entry['task']}"


def test_the_broker_is_redis_in_tests():
    assert app.conf.broker_url.startswith("redis://")


@pytest.fixture
def redis_worker(transactional_db):
    """A real Celery worker consuming a queue of its own on the test Redis broker."""
    from celery.contrib.testing.worker import start_worker

    queue = f"test-{uuid.uuid4().hex}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        with start_worker(
            app, queues=[queue], pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10
        ):
            yield app
    finally:
        app.conf.task_default_queue = previous


def wait_for(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.celery_worker
def test_a_task_sent_through_redis_runs_on_a_worker(redis_worker, make_user, mailoutbox):
    worker_user = make_user(Role.CATE_WORKER)
    note = Notification.objects.create(recipient=worker_user, title="Owed an e-mail", email_wanted=True)
    from core.tasks import retry_notification_emails

    retry_notification_emails.delay()
    assert wait_for(lambda: Notification.objects.get(pk=note.pk).emailed_at is not None)
    assert [m.subject for m in mailoutbox] == ["CATE pathway: Owed an e-mail"]


def test_every_alert_rule_is_scheduled_and_every_alert_job_names_a_rule():
    from core.alerts import REGISTRY

    assert set(settings.ALERT_JOB_MINUTES) == set(REGISTRY)
    for name in REGISTRY:
        entry = settings.CELERY_BEAT_SCHEDULE[f"alerts-{name}"]
        assert entry["task"] == "core.tasks.run_alert_rule" and entry["args"] == (name,)
    assert settings.ALERT_JOB_MINUTES["rhi"] <= 15

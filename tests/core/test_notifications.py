import pytest
from django.core import mail
from django.urls import reverse

from core import services
from core.models import Notification
from core.roles import Role

pytestmark = pytest.mark.django_db


def test_a_notification_appears_in_the_app_and_is_emailed(make_user, client_for, django_capture_on_commit_callbacks):
    worker = make_user(Role.CATE_WORKER)
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_send(
            recipient=worker, title="Return home interview due soon", body="Due by 14:00 tomorrow.", url="/cate/"
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [worker.email]
    assert "Return home interview due soon" in mail.outbox[0].subject
    assert "/notifications/" in mail.outbox[0].body
    note = Notification.objects.get(recipient=worker)
    assert note.emailed_at is not None

    client = client_for(worker)
    home = client.get(reverse("core:home")).content.decode()
    assert 'class="app-count">1<' in home
    listing = client.get(reverse("core:notification_list"))
    assert b"Return home interview due soon" in listing.content
    response = client.get(reverse("core:notification_open", args=[note.pk]))
    assert response["Location"] == "/cate/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'class="app-count"' not in client.get(reverse("core:home")).content.decode()


def test_the_same_alert_key_reaches_a_recipient_once(make_user, django_capture_on_commit_callbacks):
    worker = make_user(Role.CATE_WORKER)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.notification_send(recipient=worker, title="Due", key="rhi:1:due_soon")
        second = services.notification_send(recipient=worker, title="Due", key="rhi:1:due_soon")
    assert first is not None and second is None
    assert Notification.objects.filter(recipient=worker).count() == 1
    assert len(mail.outbox) == 1


def test_failed_emails_are_retried_by_the_job(make_user, settings, django_capture_on_commit_callbacks):
    worker = make_user(Role.CATE_WORKER)
    settings.EMAIL_BACKEND = "tests.core.test_notifications.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_send(recipient=worker, title="Overdue")
    note = Notification.objects.get()
    assert note.emailed_at is None and note.email_attempts == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.notification_emails_retry() == 1
    assert services.notification_emails_retry() == 0
    assert len(mail.outbox) == 1


def test_someone_elses_notification_answers_404(make_user, client_for):
    note = services.notification_send(recipient=make_user(Role.CATE_WORKER), title="Private")
    other = client_for(make_user(Role.CATE_WORKER))
    assert other.get(reverse("core:notification_open", args=[note.pk])).status_code == 404


def test_an_external_link_is_not_followed(make_user, client_for):
    worker = make_user(Role.CATE_WORKER)
    note = services.notification_send(recipient=worker, title="x", url="https://evil.example/")
    response = client_for(worker).get(reverse("core:notification_open", args=[note.pk]))
    assert response["Location"] == reverse("core:notification_list")


def test_mark_all_read(make_user, client_for):
    worker = make_user(Role.CATE_WORKER)
    for i in range(3):
        services.notification_send(recipient=worker, title=f"n{i}")
    client_for(worker).post(reverse("core:notification_mark_all_read"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


@pytest.mark.parametrize("rows", [1, 50])
def test_notification_list_queries_do_not_grow(make_user, client_for, django_assert_max_num_queries, rows):
    worker = make_user(Role.CATE_WORKER)
    for i in range(rows):
        services.notification_send(recipient=worker, title=f"n{i}", email=False)
    client = client_for(worker)
    with django_assert_max_num_queries(11):
        assert client.get(reverse("core:notification_list")).status_code == 200


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")

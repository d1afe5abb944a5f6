from celery import shared_task
from django.core.management import call_command

from . import services


@shared_task(name="core.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    call_command("clearsessions")


@shared_task(name="core.tasks.retry_notification_emails")
def retry_notification_emails() -> int:
    return services.notification_emails_retry()

"""Celery tasks of the front door: thin, ids in, a service called."""

from celery import shared_task


@shared_task(name="contacts.tasks.send_referrer_messages")
def send_referrer_messages() -> int:
    """Every acknowledgement and outcome still owed to a referrer (after a mail-server outage)."""
    from .services import referrer_messages_retry

    return referrer_messages_retry()

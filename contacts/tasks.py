"""Celery tasks of the front door: thin, ids in, a service called."""

from celery import shared_task


@shared_task(name="contacts.tasks.send_referrer_messages")
def send_referrer_messages() -> int:
    """Every acknowledgement and outcome still owed to a referrer (after a mail-server outage)."""
    from .services import referrer_messages_retry

    return referrer_messages_retry()


@shared_task(name="contacts.tasks.record_same_name_sets")
def record_same_name_sets() -> int:
    """Every set of child records sharing a name not yet recorded (imports and merges included)."""
    from core.audit import system_user

    from .services import same_name_sets_record

    return len(same_name_sets_record(actor=system_user()))

from celery import shared_task
from django.core.management import call_command

from . import services


@shared_task(name="core.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    from .sso import sso_sessions_forget_ended

    call_command("clearsessions")
    sso_sessions_forget_ended()


@shared_task(name="core.tasks.retry_notification_emails")
def retry_notification_emails() -> int:
    """Every e-mail still owed: notifications' and account e-mails' (links, notices)."""
    from .accounts import account_emails_retry

    return services.notification_emails_retry() + account_emails_retry()


@shared_task(name="core.tasks.run_alert_rule", acks_late=True)
def run_alert_rule(rule: str) -> dict:
    """Run one timescale alert rule (idempotent: safe to retry and to run on several workers)."""
    from .alerts import run_rule

    result = run_rule(rule)
    return {"rule": rule, "sent": result.sent, "already_sent": result.already_sent, "locked": result.skipped_locked}


@shared_task(name="core.tasks.send_alert_digest")
def send_alert_digest() -> int:
    from .alerts import send_digest

    return send_digest()

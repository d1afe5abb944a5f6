"""Writes of the shared kernel: settings and notifications."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import audit
from .concurrency import check_version
from .exceptions import StaleRecord
from .models import Notification, ServiceSetting
from .permissions import CHANGE_SETTINGS, UNLOCK_ANY_ACCOUNT, can_unlock_account
from .timescales import RAG_COLOURS, RISK_LEVELS, Kind, definition

logger = logging.getLogger(__name__)
MAX_EMAIL_ATTEMPTS = 5


def _validate_setting_value(key: str, value: Any) -> Any:
    spec = definition(key)
    if spec.kind is Kind.DURATION:
        if value.amount < 1:
            raise ValidationError({"amount": "Enter a number of 1 or more"})
        if value.amount > 1000:
            raise ValidationError({"amount": "Enter a number of 1000 or less"})
    elif spec.kind is Kind.FREQUENCY:
        errors = {}
        if not 1 <= value.visits <= 14:
            errors["visits"] = "Enter a number of visits from 1 to 14"
        if not 1 <= value.per_days <= 366:
            errors["per_days"] = "Enter a number of days from 1 to 366"
        if errors:
            raise ValidationError(errors)
    elif spec.kind is Kind.INTEGER:
        if not 1 <= value <= 100:
            raise ValidationError({"value": "Enter a whole number from 1 to 100"})
    elif spec.kind is Kind.ROLE:
        from .roles import Role

        if value not in Role.values:
            raise ValidationError({"value": "Choose a role"})
    elif spec.kind is Kind.RAG_MAPPING:
        colours = {c for c, _ in RAG_COLOURS}
        if set(value) != {level for level, _ in RISK_LEVELS} or not set(value.values()) <= colours:
            raise ValidationError("Choose red, amber or green for every risk level")
    return spec.to_json(value)


def setting_update(*, key: str, value: Any, actor, reason: str, expected_version: int | None = None) -> ServiceSetting:
    """Change one setting of the registry (group managers), with history."""
    if not actor.has_perm(CHANGE_SETTINGS):
        raise PermissionDenied("Only a group manager can change settings.")
    stored = _validate_setting_value(key, value)
    with transaction.atomic():
        row = ServiceSetting.objects.select_for_update().filter(key=key).first()
        if row is None:
            row = ServiceSetting(key=key, value=stored, version=0)
            if expected_version not in (None, 0, 1):
                raise ValidationError("This setting has changed since you opened it.")
        else:
            try:
                check_version(row, expected_version)
            except StaleRecord as exc:
                # The version seen may be the default, which has no history row to compare with.
                raise StaleRecord(row, exc.changes or [definition(key).label]) from None
            if row.value == stored:
                return row
            row.value = stored
        audit.save_change(row, actor=actor, reason=reason)
    return row


def notification_send(
    *, recipient, title: str, body: str = "", url: str = "", key: str = "", email: bool = True
) -> Notification | None:
    """Create an in-app notification and e-mail it after commit.

    With a `key`, the same alert reaches a recipient once only, whoever sends it and however
    often: a second call with the same key returns None.
    """
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                key=key,
                title=title[:200],
                body=body,
                url=url[:500],
                email_wanted=email and bool(recipient.email),
            )
    except IntegrityError:
        if not key:
            raise
        return None
    if notification.email_wanted:
        transaction.on_commit(lambda: notification_email_deliver(notification_id=notification.pk))
    return notification


def notification_email_deliver(*, notification_id: int) -> bool:
    """Send one notification's e-mail once. Returns whether it was sent now."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .select_related("recipient")
            .filter(pk=notification_id, email_wanted=True, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        link = f"{settings.SITE_URL.rstrip('/')}{notification.get_absolute_url()}"
        message = f"{notification.body}\n\nOpen it in {settings.SERVICE_NAME}: {link}\n".lstrip()
        try:
            send_mail(
                subject=f"{settings.SERVICE_NAME}: {notification.title}",
                message=message,
                from_email=None,
                recipient_list=[notification.recipient.email],
            )
        except Exception:
            logger.exception("E-mail for notification %s failed; it will be retried", notification_id)
            notification.email_attempts += 1
            if notification.email_attempts >= MAX_EMAIL_ATTEMPTS:
                notification.email_wanted = False
            notification.save(update_fields=["email_attempts", "email_wanted"])
            return False
        notification.emailed_at = timezone.now()
        notification.email_attempts += 1
        notification.save(update_fields=["emailed_at", "email_attempts"])
        return True


def notification_emails_retry() -> int:
    """Send every e-mail still owed (after a mail-server outage, say). Returns how many were sent."""
    pending = Notification.objects.filter(email_wanted=True, emailed_at__isnull=True).values_list("pk", flat=True)
    return sum(notification_email_deliver(notification_id=pk) for pk in list(pending[:500]))


def notification_mark_read(*, notification: Notification, actor) -> Notification:
    if notification.recipient_id != actor.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


# --- Sign-in lockouts ----------------------------------------------------------------------

UNLOCK_ACCOUNTS = UNLOCK_ANY_ACCOUNT


@transaction.atomic
def account_unlock(*, username: str, actor, reason: str) -> int:
    """Lift the sign-in lockout of `username`, from every address; the account's history says who
    lifted it and why. Administrators lift any; a team leader, Family Connect manager or group
    manager those of their own staff (core.permissions.can_unlock_account).

    Returns how many recorded failures were cleared (0 when the account was not locked).
    """
    from axes.utils import reset
    from django.contrib.auth import get_user_model

    account = get_user_model().objects.filter(username=username).first()
    if not can_unlock_account(actor, account):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the account is being unlocked"})
    cleared = reset(username=username)
    if account is not None and cleared:
        audit.save(account, actor=actor, reason=f"Sign-in lockout lifted: {reason}", update_fields=["is_active"])
    return cleared


# --- Two-factor authentication -------------------------------------------------------------

OTP_APP_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"


def otp_app_start(*, actor, grant: dict | None = None):
    """The authenticator app `actor` is setting up: the one begun before and not yet confirmed,
    or a new one (its secret is shown as a QR code until a code from the app confirms it).

    Only with a set-up grant (core.accounts: the e-mailed link or an administrator's code): a
    password alone does not enrol an authenticator."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .accounts import require_enrolment_grant

    require_enrolment_grant(actor, grant)
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=OTP_APP_NAME, confirmed=False)
    return device


def otp_app_confirm(*, device, token: str, actor, grant: dict | None = None) -> list[str]:
    """Confirm `actor`'s authenticator app with a code it shows, and issue new recovery codes
    (returned, to be shown once). The account's history records the set-up, which ends the
    set-up grant (a link or a code is used once).

    A wrong code raises ValidationError; the device's throttling of wrong codes is kept (checked
    outside the transaction, so a refusal is not rolled back)."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from .accounts import require_enrolment_grant

    if device.user_id != actor.pk:
        raise PermissionDenied
    require_enrolment_grant(actor, grant)
    if not device.verify_token(token):
        raise ValidationError({"token": "The security code is not right. Check the time on your phone and try again"})
    with transaction.atomic():
        # The grant is checked again on the locked account: two confirmations with one link cannot both pass.
        from django.contrib.auth import get_user_model

        require_enrolment_grant(get_user_model().objects.select_for_update().get(pk=actor.pk), grant)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        static, _ = StaticDevice.objects.get_or_create(user=actor, name=RECOVERY_CODES_NAME)
        static.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(settings.OTP_RECOVERY_CODE_COUNT)]
        for code in codes:
            static.token_set.create(token=code)
        actor.second_factor_changed_at = timezone.now()
        actor.enrolment_code, actor.enrolment_code_expires_at = "", None
        reason = "Authenticator app set up; recovery codes issued"
        fields = ["second_factor_changed_at", "enrolment_code", "enrolment_code_expires_at"]
        audit.save(actor, actor=actor, reason=reason, update_fields=fields)
    return codes

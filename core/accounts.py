"""Staff accounts: what an administrator does to an account, and the links by which each person sets
their own password and their own authenticator.

The administrator manages accounts and never acts as someone else: they create and switch off
accounts, give roles and teams, and force a password reset or a two-factor reset, but never see or
set a password, an authenticator's secret or a recovery code. A password is set by its owner through
a link to their work e-mail (Django's password reset tokens: used once, because the password they
set changes the token; valid for PASSWORD_RESET_TIMEOUT). An authenticator is set up only with a
set-up link to the work e-mail or a set-up code an administrator issued (shown to them once): a
password alone no longer enrols one. Once an administrator changes someone's e-mail address, the
old address is told and no link goes out, nor works, for ACCOUNT_EMAIL_CHANGE_HOLD_HOURS, so an
administrator cannot send a person's links to themselves.

Every change here is saved with history attributed to the acting administrator (or the person) with
a reason, and the person is told of changes to their password, two-factor sign-in, e-mail address
and roles.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from . import audit
from .choices import AccountEmailKind
from .clock import LONDON
from .models import AccountEmail
from .permissions import require

logger = logging.getLogger(__name__)

ADD_ACCOUNTS = "core.add_user"
CHANGE_ACCOUNTS = "core.change_user"
MAX_EMAIL_ATTEMPTS = 5
LINK_REQUEST_INTERVAL = timedelta(minutes=1)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
CODE_LENGTH = 12
ENROLMENT_GRANT = "enrolment_grant"  # the session key of a set-up allowed by a link or a code


# --- Links ---------------------------------------------------------------------------------


def link_hold_ends(account) -> datetime | None:
    """When links to `account` may go out again after an administrator changed its e-mail address
    (None when they are not held)."""
    if account.email_changed_at is None:
        return None
    ends = account.email_changed_at + timedelta(hours=settings.ACCOUNT_EMAIL_CHANGE_HOLD_HOURS)
    return ends if timezone.now() < ends else None


def _held_message(ends: datetime) -> str:
    return (
        "The e-mail address of this account was changed by an administrator, so no link is sent to it "
        f"until {timezone.localtime(ends, LONDON):%-d %B %Y at %H:%M}"
    )


class _HeldLinkTokens(PasswordResetTokenGenerator):
    """A link of Django's password reset kind that does not work for a switched-off account, nor
    while links are held after an administrator changed the account's e-mail address."""

    def check_token(self, user, token):
        if user is None or not user.is_active or user.is_system or link_hold_ends(user) is not None:
            return False
        return super().check_token(user, token)


class PasswordLinkTokens(_HeldLinkTokens):
    """Sets a password once: the token covers the password (and the e-mail address), so setting
    one, or another reset, ends every earlier link."""

    key_salt = "core.accounts.PasswordLinkTokens"


class EnrolmentLinkTokens(_HeldLinkTokens):
    """Sets up an authenticator once: the token covers when the account's second factor last
    changed, which its set-up (and any reset) moves on, and the e-mail address."""

    key_salt = "core.accounts.EnrolmentLinkTokens"

    def _make_hash_value(self, user, timestamp):
        changed = user.second_factor_changed_at.isoformat() if user.second_factor_changed_at else ""
        return f"{user.pk}{user.email}{changed}{user.is_active}{timestamp}"


password_link_tokens = PasswordLinkTokens()
enrolment_link_tokens = EnrolmentLinkTokens()


def uid_of(account) -> str:
    return urlsafe_base64_encode(force_bytes(account.pk))


def account_from_uid(uidb64: str):
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    return get_user_model().objects.filter(pk=pk, is_system=False).first()


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def password_link(account) -> str:
    token = password_link_tokens.make_token(account)
    return _absolute(reverse("core:password_link", args=[uid_of(account), token]))


def enrolment_link(account) -> str:
    token = enrolment_link_tokens.make_token(account)
    return _absolute(reverse("core:enrolment_link", args=[uid_of(account), token]))


# --- The set-up grant: a link or a code, bound to the account's second factor as it is --------


def _stamp(account) -> str:
    return account.second_factor_changed_at.isoformat() if account.second_factor_changed_at else ""


def enrolment_grant_from_link(uidb64: str, token: str) -> dict | None:
    """The grant a set-up link gives (to keep in the session), or None if it is not a working link."""
    account = account_from_uid(uidb64)
    if account is None or not enrolment_link_tokens.check_token(account, token):
        return None
    return {"uid": account.pk, "via": "link", "token": token, "stamp": _stamp(account)}


def enrolment_grant_valid(account, grant) -> bool:
    """Whether `grant` lets `account` set up an authenticator now: it is theirs, their second factor
    has not changed since (a set-up or a reset ends it), and a link's token still works."""
    if not isinstance(grant, dict) or grant.get("uid") != account.pk or grant.get("stamp") != _stamp(account):
        return False
    if grant.get("via") == "link":
        return enrolment_link_tokens.check_token(account, grant.get("token") or "")
    if grant.get("via") == "code":
        granted = datetime.fromisoformat(grant.get("at", "1970-01-01T00:00:00+00:00"))
        return timezone.now() - granted < timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT) and account.is_active
    return False


def require_enrolment_grant(account, grant) -> None:
    if not enrolment_grant_valid(account, grant):
        raise PermissionDenied(
            "Setting up an authenticator needs the set-up link e-mailed to you or a code from your administrator."
        )


def enrolment_code_redeem(*, code: str, actor) -> dict:
    """Use the set-up code an administrator issued to `actor` (once, before it expires): returns the
    grant to keep in the session."""
    code = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    with transaction.atomic():
        account = get_user_model().objects.select_for_update().get(pk=actor.pk)
        expires = account.enrolment_code_expires_at
        if not account.enrolment_code or not check_password(code, account.enrolment_code):
            raise ValidationError({"code": "The code is not right. Check it and try again"})
        if expires is None or expires <= timezone.now():
            expired = "This code has expired. Ask your administrator for a new one"
            raise ValidationError({"code": expired})
        account.enrolment_code, account.enrolment_code_expires_at = "", None
        audit.save(
            account,
            actor=actor,
            reason="Two-factor set-up code used",
            update_fields=["enrolment_code", "enrolment_code_expires_at"],
        )
    return {"uid": account.pk, "via": "code", "at": timezone.now().isoformat(), "stamp": _stamp(account)}


def enrolment_link_request(*, actor) -> AccountEmail:
    """`actor` (signed in with their password, no authenticator yet) asks for a set-up link to
    their work e-mail address."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
        raise ValidationError("You already have an authenticator app. Ask your administrator to reset it")
    if not actor.email:
        raise ValidationError("Your account has no work e-mail address. Ask your administrator to add it")
    ends = link_hold_ends(actor)
    if ends is not None:
        raise ValidationError(_held_message(ends))
    recent = AccountEmail.objects.filter(
        user=actor, kind=AccountEmailKind.ENROLMENT_LINK, created_at__gte=timezone.now() - LINK_REQUEST_INTERVAL
    )
    if recent.exists():
        raise ValidationError("We sent you a link less than a minute ago. Check your e-mail, then try again")
    return account_email_queue(account=actor, kind=AccountEmailKind.ENROLMENT_LINK)


# --- What an administrator does --------------------------------------------------------------


def _require_manageable(actor, account, perm: str = CHANGE_ACCOUNTS) -> None:
    require(actor, perm, "Only an administrator manages accounts.")
    if account.is_system:
        raise PermissionDenied("The system account is not managed here.")


def _tell(account, *, title: str, body: str) -> None:
    from .services import notification_send

    notification_send(recipient=account, title=title, body=body, url=reverse("core:account"))


def account_create(*, account, actor):
    """Create `account` (built from the administrator's form): it has no password until its owner
    sets one through the link e-mailed to them, with the link to set up their authenticator."""
    _require_manageable(actor, account, ADD_ACCOUNTS)
    if not account.email:
        raise ValidationError({"email": "Enter the person's work e-mail address"})
    with transaction.atomic():
        account.set_unusable_password()
        audit.save(account, actor=actor, reason="Account created; links to set a password and an authenticator sent")
        account_email_queue(account=account, kind=AccountEmailKind.WELCOME)
    return account


_FIELD_LABELS = {"is_active": "active", "is_staff": "administration site access", "email": "e-mail address"}


def account_change(*, account, changed: list[str], actor):
    """Save an administrator's change of `account` (the fields in `changed`). A new e-mail address
    holds links for a while and is told to the old address; the person is told of it."""
    _require_manageable(actor, account)
    with transaction.atomic():
        before = get_user_model().objects.select_for_update().get(pk=account.pk)
        labels = [_FIELD_LABELS.get(name, name.replace("_", " ")) for name in changed]
        email_changed = before.email.strip().lower() != account.email.strip().lower()
        if not changed and not email_changed:
            return account  # saved unchanged (the roles, if any, are set on their own)
        if email_changed:
            account.email_changed_at = timezone.now()
        if before.is_active and not account.is_active:
            reason = "Account switched off"
        else:
            reason = "Account changed: " + (", ".join(labels) or "nothing")
        audit.save(account, actor=actor, reason=reason)
        if email_changed:
            if before.email:
                account_email_queue(account=account, kind=AccountEmailKind.EMAIL_CHANGED, address=before.email)
            _tell(
                account,
                title="The e-mail address of your account was changed",
                body=(
                    f"An administrator changed it from {before.email or '(none)'} to {account.email}. No link to "
                    f"set a password or an authenticator is sent for {settings.ACCOUNT_EMAIL_CHANGE_HOLD_HOURS} "
                    "hours. If you did not ask for this, tell your manager."
                ),
            )
    return account


def account_roles_set(*, account, groups, actor) -> tuple[list[str], list[str]]:
    """Give `account` exactly the roles `groups`; returns the names added and removed. Nobody
    changes their own roles; the person is told of the change."""
    _require_manageable(actor, account)
    if account.pk == actor.pk:
        raise PermissionDenied("Another administrator changes an administrator's own roles.")
    if account.external_identities.exists():
        raise ValidationError(
            f"{account} signs in through their organisation: their roles come from its groups (the group mapping)."
        )
    with transaction.atomic():
        before = set(account.groups.values_list("name", flat=True))
        after = {group.name for group in groups}
        added, removed = sorted(after - before), sorted(before - after)
        if not added and not removed:
            return [], []
        account.groups.set(list(groups))
        parts = [f"added {', '.join(added)}"] if added else []
        parts += [f"removed {', '.join(removed)}"] if removed else []
        audit.save(account, actor=actor, reason=f"Roles changed: {'; '.join(parts)}", update_fields=["is_active"])
        account.__dict__.pop("_cate_roles", None)
        _tell(
            account,
            title="Your roles were changed",
            body=f"An administrator changed your roles: {'; '.join(parts)}. If this is not right, tell your manager.",
        )
    return added, removed


def _require_links_can_go(account) -> None:
    if not account.email:
        raise ValidationError(f"{account} has no work e-mail address: add it first")
    ends = link_hold_ends(account)
    if ends is not None:
        raise ValidationError(_held_message(ends))


def account_password_reset(*, account, actor):
    """Force `account` to set a new password: the one they have stops working (and signs out
    every session of theirs) and a link to set their own goes to their work e-mail."""
    _require_manageable(actor, account)
    _require_links_can_go(account)
    with transaction.atomic():
        account.set_unusable_password()
        audit.save(
            account,
            actor=actor,
            reason="Password reset by an administrator; a link to set a new one sent to the work e-mail",
            update_fields=["password"],
        )
        account_email_queue(account=account, kind=AccountEmailKind.PASSWORD_LINK)
        _tell(
            account,
            title="Your password was reset",
            body="An administrator reset your password. We have e-mailed you a link to set a new one.",
        )
    return account


def account_second_factor_reset(*, account, actor):
    """Remove `account`'s authenticator and recovery codes: they set up a new one with the link
    e-mailed to them (or a set-up code from an administrator)."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _require_manageable(actor, account)
    held = link_hold_ends(account) is not None or not account.email
    with transaction.atomic():
        TOTPDevice.objects.filter(user=account).delete()
        StaticDevice.objects.filter(user=account).delete()
        account.second_factor_changed_at = timezone.now()
        account.enrolment_code, account.enrolment_code_expires_at = "", None
        link = "" if held else "; a set-up link sent to the work e-mail"
        audit.save(
            account,
            actor=actor,
            reason=f"Two-factor sign-in reset by an administrator{link}",
            update_fields=["second_factor_changed_at", "enrolment_code", "enrolment_code_expires_at"],
        )
        if not held:
            account_email_queue(account=account, kind=AccountEmailKind.ENROLMENT_LINK)
        _tell(
            account,
            title="Your two-factor sign-in was reset",
            body="An administrator removed your authenticator app and recovery codes. "
            + ("Ask them for a set-up code." if held else "We have e-mailed you a link to set up a new one."),
        )
    return account


def enrolment_code_issue(*, account, actor) -> str:
    """A set-up code for `account`, who has no authenticator: returned to be shown once to the
    administrator (kept only hashed), it works once within PASSWORD_RESET_TIMEOUT."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _require_manageable(actor, account)
    if not account.is_active:
        raise ValidationError(f"{account}'s account is switched off")
    if TOTPDevice.objects.filter(user=account, confirmed=True).exists():
        raise ValidationError(f"{account} has an authenticator app: reset their two-factor sign-in first")
    code = get_random_string(CODE_LENGTH, allowed_chars=CODE_ALPHABET)
    with transaction.atomic():
        account.enrolment_code = make_password(code)
        account.enrolment_code_expires_at = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
        audit.save(
            account,
            actor=actor,
            reason="Two-factor set-up code issued by an administrator",
            update_fields=["enrolment_code", "enrolment_code_expires_at"],
        )
        _tell(
            account,
            title="A code to set up two-factor sign-in was issued",
            body="An administrator issued you a code to set up your authenticator app. If you did not ask for one, "
            "tell your manager.",
        )
    return "-".join(code[i : i + 4] for i in range(0, CODE_LENGTH, 4))


# --- What a person does to their own account ---------------------------------------------------


def password_set_from_link(*, account, password: str):
    """`account`'s owner sets their password through the e-mailed link (already checked)."""
    with transaction.atomic():
        account.set_password(password)
        audit.save(account, actor=account, reason="Password set through the e-mailed link", update_fields=["password"])
    return account


def recovery_codes_regenerate(*, actor, token: str) -> list[str]:
    """New recovery codes for `actor` (the old ones stop working), confirmed with a code from
    their authenticator app; returned to be shown once."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=actor, confirmed=True).first()
    if device is None:
        raise ValidationError("Set up an authenticator app first")
    if not device.verify_token(token):
        raise ValidationError({"token": "The security code is not right. Check your app and try again"})
    with transaction.atomic():
        static, _ = StaticDevice.objects.get_or_create(user=actor, name="Recovery codes")
        static.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(settings.OTP_RECOVERY_CODE_COUNT)]
        for code in codes:
            static.token_set.create(token=code)
        audit.save(actor, actor=actor, reason="Recovery codes issued again", update_fields=["is_active"])
    return codes


# --- The e-mails -----------------------------------------------------------------------------


def account_email_queue(*, account, kind: str, address: str = "") -> AccountEmail:
    email = AccountEmail.objects.create(user=account, kind=kind, address=address)
    transaction.on_commit(lambda: account_email_deliver(email_id=email.pk))
    return email


def _hours() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)


def _message(email: AccountEmail) -> tuple[str, str] | None:
    """Subject and text of `email`, links made now; None when it must no longer go."""
    account, name = email.user, settings.SERVICE_NAME
    kind = email.kind
    if kind == AccountEmailKind.EMAIL_CHANGED:
        at = timezone.localtime(email.created_at, LONDON)
        return (
            f"{name}: the e-mail address of your account was changed",
            f"An administrator changed the e-mail address of your {name} account ({account.username}) "
            f"on {at:%-d %B %Y at %H:%M} to {account.email}.\n\nNo link to set a password or an authenticator "
            f"is sent for {settings.ACCOUNT_EMAIL_CHANGE_HOLD_HOURS} hours. If you did not ask for this, tell "
            "your manager now.\n",
        )
    if not account.is_active or not account.email or link_hold_ends(account) is not None:
        return None
    hours = f"It works once, within {_hours()} hours."
    if kind == AccountEmailKind.WELCOME:
        return (
            f"{name}: your new account",
            f"An account has been made for you in {name}. Your username is {account.username}.\n\n"
            f"1. Set your password: {password_link(account)}\n\n"
            f"2. Then set up two-factor sign-in with an authenticator app: {enrolment_link(account)}\n\n"
            f"Each link works once, within {_hours()} hours. If you were not expecting this, tell your manager.\n",
        )
    if kind == AccountEmailKind.PASSWORD_LINK:
        return (
            f"{name}: set your password",
            f"Your {name} password was reset by an administrator. Set a new one here: {password_link(account)}\n\n"
            f"{hours} If you did not expect this, tell your manager.\n",
        )
    return (
        f"{name}: set up two-factor sign-in",
        f"Set up an authenticator app for your {name} account ({account.username}): {enrolment_link(account)}\n\n"
        f"{hours} If you did not ask for this, tell your manager.\n",
    )


def account_email_deliver(*, email_id: int) -> bool:
    """Send one account e-mail once. Returns whether it was sent now."""
    with transaction.atomic():
        email = (
            AccountEmail.objects.select_for_update(skip_locked=True)
            .select_related("user")
            .filter(pk=email_id, wanted=True, sent_at__isnull=True)
            .first()
        )
        if email is None:
            return False
        message = _message(email)
        if message is None:
            email.wanted = False
            email.save(update_fields=["wanted"])
            return False
        email.attempts += 1
        try:
            send_mail(
                subject=message[0],
                message=message[1],
                from_email=None,
                recipient_list=[email.address or email.user.email],
            )
        except Exception:
            logger.exception("Account e-mail %s failed; it will be retried", email_id)
            email.wanted = email.attempts < MAX_EMAIL_ATTEMPTS
            email.save(update_fields=["attempts", "wanted"])
            return False
        email.sent_at = timezone.now()
        email.save(update_fields=["sent_at", "attempts"])
        return True


def account_emails_retry() -> int:
    """Send every account e-mail still owed. Returns how many were sent."""
    pending = AccountEmail.objects.filter(wanted=True, sent_at__isnull=True).values_list("pk", flat=True)
    return sum(account_email_deliver(email_id=pk) for pk in list(pending[:500]))

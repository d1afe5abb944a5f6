"""Single sign-on: who a provider's user is here and what they may do (core/oidc.py speaks the protocol).

- A person is matched by the provider's issuer and subject (`ExternalIdentity`), never by e-mail
  alone. At a first sign-in, an existing local account is linked only when an administrator invited
  that person for that provider (`SingleSignOnInvitation`, matched on the address the provider gives,
  used once); otherwise an account is made only for a member of a mapped group. A linked account
  loses its local password (core/backends.py refuses one), so a leaver cannot come back with it.
- Roles, team and agency come from the provider's groups through the group mapping, read again at
  every sign-in and every OIDC_RECHECK_MINUTES during a session (a refresh of the tokens and the
  user's claims): a removed group, or a person the provider no longer vouches for, loses access
  then. Administrators do not give roles by hand to a provider's users (core.accounts refuses).
- The mapping changes only when a group manager approves an administrator's proposal
  (`GroupMappingChange`: both recorded), so an administrator cannot give themselves case access.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import audit
from .choices import MappingChangeAction, MappingChangeStatus
from .models import (
    Agency,
    ExternalIdentity,
    GroupMapping,
    GroupMappingChange,
    SingleSignOnInvitation,
    SingleSignOnLogoutToken,
    SingleSignOnSession,
    Team,
)
from .oidc import Provider, SignInRefused, provider_or_none
from .permissions import DECIDE_MAPPING, INVITE_TO_SSO, PROPOSE_MAPPING, require
from .roles import STAFF_SITE_ROLES, Role, role_of_group

logger = logging.getLogger(__name__)

SESSION_KEY = "sso"  # {"provider", "issuer", "subject", "sid", "token": {...}, "checked_at", "mfa"}
BACKEND = "core.backends.SingleSignOnBackend"
INVITATION_DAYS = 14
NO_ACCESS = (
    "Your organisation's account is not in any group that gives access to this service. "
    "Ask your manager to request access for you."
)


# --- The mapping ---------------------------------------------------------------------------


@dataclass
class Grants:
    """What a provider's groups give: roles, a team and an agency."""

    roles: list[Group] = field(default_factory=list)
    team: Team | None = None
    agency: Agency | None = None


def groups_of(provider: Provider, claims: dict) -> list[str]:
    value = claims.get(provider.groups_claim) or []
    if isinstance(value, str):
        value = [value]
    return [str(group) for group in value if isinstance(group, str | int)]


def grants_for(provider: Provider, groups: list[str]) -> Grants:
    mappings = list(
        GroupMapping.objects.filter(provider=provider.key, group__in=groups)
        .select_related("role", "team__agency", "agency")
        .order_by("id")
    )
    grants = Grants()
    for mapping in mappings:
        if mapping.role not in grants.roles:
            grants.roles.append(mapping.role)
        if grants.team is None and mapping.team is not None:
            grants.team = mapping.team
        if grants.agency is None and mapping.agency is not None:
            grants.agency = mapping.agency
    if grants.team is not None and grants.agency is None:
        grants.agency = grants.team.agency
    if grants.agency is None and provider.agency:
        grants.agency = Agency.objects.filter(name=provider.agency).first()
    return grants


def _apply(account, provider: Provider, grants: Grants) -> None:
    """Give `account` exactly what the provider's groups give (history as the system, with why)."""
    before = set(account.groups.values_list("name", flat=True))
    after = {group.name for group in grants.roles}
    added, removed = sorted(after - before), sorted(before - after)
    roles = {role_of_group(name) for name in after}
    is_staff = bool(roles & STAFF_SITE_ROLES)
    changed = []
    if account.team_id != (grants.team.pk if grants.team else None):
        account.team = grants.team
        changed.append("team")
    if grants.agency is not None and account.agency_id != grants.agency.pk:
        account.agency = grants.agency
        changed.append("agency")
    if account.is_staff != is_staff:
        account.is_staff = is_staff
        changed.append("is_staff")
    if not (added or removed or changed):
        return
    if added or removed:
        account.groups.set(grants.roles)
        account.__dict__.pop("_cate_roles", None)
    parts = [f"added {', '.join(added)}"] if added else []
    parts += [f"removed {', '.join(removed)}"] if removed else []
    parts += [f"{name.replace('_', ' ')} changed" for name in changed]
    audit.save(
        account,
        actor=audit.system_user(),
        reason=f"Access from {provider.label} groups: {'; '.join(parts)}",
        update_fields=changed or ["is_active"],
        clean=False,
    )


# --- Signing in ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignInResult:
    user: object | None
    refusal: str = ""


def _username_for(claims: dict, provider: Provider) -> str:
    User = get_user_model()
    base = claims.get("preferred_username") or claims.get("email") or f"{provider.key}-{claims['sub']}"
    base = re.sub(r"[^\w.@+-]", "-", str(base))[:140] or provider.key
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _open_invitation(provider: Provider, claims: dict):
    email = (claims.get("email") or "").strip()
    if not email or claims.get("email_verified") is False:
        return None
    return (
        SingleSignOnInvitation.objects.select_for_update()
        .filter(provider=provider.key, email__iexact=email, used_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("user")
        .order_by("-created_at")
        .first()
    )


def sign_in_resolve(*, provider: Provider, claims: dict) -> SignInResult:
    """The account of the person the provider vouched for (validated claims), its access read
    again from their groups; or why they may not sign in. Changes are kept even when refused (a
    removed group takes the role away)."""
    issuer, subject = claims["iss"], claims["sub"]
    system = audit.system_user()
    with transaction.atomic():
        identity = (
            ExternalIdentity.objects.select_for_update()
            .select_related("user")
            .filter(issuer=issuer, subject=subject)
            .first()
        )
        grants = grants_for(provider, groups_of(provider, claims))
        if identity is None:
            invitation = _open_invitation(provider, claims)
            if invitation is not None:
                account = invitation.user
                if account.external_identities.filter(provider=provider.key).exists():
                    return SignInResult(
                        None, "This account is already linked to another sign-in. Ask your administrator."
                    )
                invitation.used_at = timezone.now()
                audit.save(invitation, actor=system, reason="Invitation used at the first sign-in", clean=False)
                account.set_unusable_password()
                audit.save(
                    account,
                    actor=system,
                    reason=f"Linked to {provider.label} at the first sign-in (invited); the local password stops",
                    update_fields=["password"],
                    clean=False,
                )
            elif grants.roles:
                User = get_user_model()
                account = User(
                    username=_username_for(claims, provider),
                    first_name=str(claims.get("given_name") or "")[:150],
                    last_name=str(claims.get("family_name") or "")[:150],
                    email=str(claims.get("email") or "")[:254],
                    agency=grants.agency,
                )
                account.set_unusable_password()
                audit.save(
                    account,
                    actor=system,
                    reason=f"Account made at the first sign-in through {provider.label}",
                    clean=False,
                )
            else:
                return SignInResult(None, NO_ACCESS)
            try:
                with transaction.atomic():
                    identity = ExternalIdentity(user=account, provider=provider.key, issuer=issuer, subject=subject)
                    audit.save(identity, actor=system, reason=f"First sign-in through {provider.label}", clean=False)
            except IntegrityError:
                return SignInResult(None, "This sign-in could not be linked. Start again.")
        account = identity.user
        if not account.is_active or account.is_system:
            return SignInResult(None, "Your account in this service is switched off. Ask your administrator.")
        _apply(account, provider, grants)
        identity.last_sign_in_at = timezone.now()
        identity.save(update_fields=["last_sign_in_at"])
    if not grants.roles:
        return SignInResult(None, NO_ACCESS)
    return SignInResult(account)


def sign_in(request, *, provider: Provider, account, claims: dict, token: dict) -> None:
    """Log `account` in as the provider's user: the session remembers the provider, the tokens (to
    ask again during the session) and whether the provider asserted a second factor."""
    django_login(request, account, backend=BACKEND)
    request.session[SESSION_KEY] = {
        "provider": provider.key,
        "issuer": claims["iss"],
        "subject": claims["sub"],
        "sid": str(claims.get("sid") or ""),
        "token": token,
        "checked_at": int(time.time()),
        "mfa": provider.asserts_mfa(claims),
    }
    request.session.save()
    SingleSignOnSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": account,
            "provider": provider.key,
            "subject": claims["sub"],
            "sid": str(claims.get("sid") or ""),
        },
    )


def session_of(request) -> dict | None:
    data = request.session.get(SESSION_KEY)
    return data if isinstance(data, dict) and data.get("provider") else None


def provider_mfa(request) -> bool:
    """Whether this session's provider asserted the sign-in's second factor."""
    data = session_of(request)
    return bool(data and data.get("mfa"))


def sign_out(request) -> dict | None:
    """End the local session; returns what the provider's logout needs (or None)."""
    data = session_of(request)
    key = request.session.session_key
    django_logout(request)
    if key:
        SingleSignOnSession.objects.filter(session_key=key).delete()
    return data


def recheck_due(request) -> bool:
    data = session_of(request)
    return bool(data) and time.time() - data.get("checked_at", 0) >= settings.OIDC_RECHECK_MINUTES * 60


def session_recheck(request) -> str:
    """Ask the provider again about the signed-in person and read their groups again; returns
    why they lose access (the session is ended), or "" when they keep it."""
    from .oidc import ProviderUnavailable, current_claims

    data = session_of(request)
    provider = provider_or_none(data["provider"])
    if provider is None:
        refusal = "Sign-in through this provider is no longer offered. Sign in again."
    else:
        try:
            claims, token = current_claims(provider, data.get("token") or {}, subject=data["subject"])
        except SignInRefused as exc:
            refusal = str(exc)
        except ProviderUnavailable:
            logger.warning("Single sign-on recheck: %s could not be reached", provider.key)
            refusal = f"We could not check your account with {provider.label}. Sign in again."
        else:
            claims = {**claims, "iss": data["issuer"], "sub": data["subject"]}
            result = sign_in_resolve(provider=provider, claims=claims)
            if result.user is not None and result.user.pk == request.user.pk:
                data["token"], data["checked_at"] = token, int(time.time())
                request.session[SESSION_KEY] = data
                return ""
            refusal = result.refusal or "Your access has changed. Sign in again."
    sign_out(request)
    return refusal


def backchannel_logout(*, provider: Provider, claims: dict, session_store: type[SessionBase]) -> int:
    """End every session the provider's logout token names (its `sid`, or every session of its
    `sub`), through `session_store` (the configured engine's). Returns how many were ended. A token
    whose `jti` was already acted on is refused (SignInRefused): a replay ends nothing."""
    try:
        with transaction.atomic():
            SingleSignOnLogoutToken.objects.create(provider=provider.key, jti=claims["jti"][:255])
    except IntegrityError:
        raise SignInRefused("This logout token was already used") from None
    named = SingleSignOnSession.objects.filter(provider=provider.key)
    if claims.get("sid"):
        named = named.filter(sid=claims["sid"])
    if claims.get("sub"):
        named = named.filter(subject=claims["sub"])
    keys = list(named.values_list("session_key", flat=True))
    for session_key in keys:
        session_store(session_key=session_key).delete()
    SingleSignOnSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def sso_sessions_forget_ended() -> int:
    """Forget the provider sessions whose session has ended (run with the sessions' clearing job)."""
    from django.contrib.sessions.models import Session

    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return 0
    live = Session.objects.values("session_key")
    SingleSignOnLogoutToken.objects.filter(received_at__lt=timezone.now() - timedelta(days=1)).delete()
    return SingleSignOnSession.objects.exclude(session_key__in=live).delete()[0]


def is_provider_user(account) -> bool:
    return account.pk is not None and account.external_identities.exists()


# --- Invitations -----------------------------------------------------------------------------


def sso_invitation_create(*, account, provider_key: str, email: str, actor) -> SingleSignOnInvitation:
    """Invite `account`'s owner to link their provider's account at their first sign-in there."""
    require(actor, INVITE_TO_SSO, "Only an administrator invites an account to single sign-on.")
    provider = provider_or_none(provider_key)
    errors = {}
    if provider is None:
        errors["provider"] = "Choose a sign-in provider this service offers"
    if account.is_system or not account.is_active:
        errors["user"] = "Choose an active member of staff"
    elif provider is not None and account.external_identities.filter(provider=provider_key).exists():
        errors["user"] = f"{account} already signs in through {provider.label}"
    if not email:
        errors["email"] = "Enter the address the provider gives for this person"
    if errors:
        raise ValidationError(errors)
    invitation = SingleSignOnInvitation(
        user=account,
        provider=provider_key,
        email=email.strip(),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    audit.save(invitation, actor=actor, reason=f"Invited to sign in through {provider.label}")
    return invitation


# --- Changing the mapping ---------------------------------------------------------------------


def group_mapping_propose(
    *, provider_key: str, action: str, group: str, role: Group, team=None, agency=None, reason: str, actor
) -> GroupMappingChange:
    """An administrator proposes mapping a provider's group to a role (or no longer mapping it);
    nothing changes until a group manager approves."""
    require(actor, PROPOSE_MAPPING, "Only an administrator proposes a change of the group mapping.")
    errors = {}
    if provider_or_none(provider_key) is None:
        errors["provider"] = "Choose a sign-in provider this service offers"
    if not (group or "").strip():
        errors["group"] = "Enter the group's identifier as the provider sends it"
    if role_of_group(role.name) is None:
        errors["role"] = "Choose a role"
    if team is not None and agency is not None and team.agency_id != agency.pk:
        errors["team"] = "Choose a team of the agency chosen"
    if not (reason or "").strip():
        errors["reason"] = "Say why the mapping should change"
    exists = GroupMapping.objects.filter(provider=provider_key, group=(group or "").strip(), role=role).exists()
    if action == MappingChangeAction.ADD and exists:
        errors["group"] = "This group already gives this role"
    if action == MappingChangeAction.REMOVE and not exists:
        errors["group"] = "This group does not give this role"
    if errors:
        raise ValidationError(errors)
    change = GroupMappingChange(
        provider=provider_key,
        action=action,
        group=group.strip(),
        role=role,
        team=team,
        agency=agency,
        reason=reason.strip(),
        proposed_by=actor,
    )
    audit.save(change, actor=actor, reason=f"Proposed: {change}")
    return change


def group_mapping_decide(*, change: GroupMappingChange, approve: bool, reason: str, actor, expected_version=None):
    """A group manager approves (the mapping changes now) or rejects a proposed change. Nobody
    decides their own proposal."""
    require(actor, DECIDE_MAPPING, "Only a group manager approves a change of the group mapping.")
    with transaction.atomic():
        change = GroupMappingChange.objects.select_for_update().get(pk=change.pk)
        if change.proposed_by_id == actor.pk:
            raise PermissionDenied("Someone other than the person who proposed it decides a change.")
        if expected_version is not None and change.version != expected_version:
            raise ValidationError("Someone else changed this record while you were editing it")
        if change.status != MappingChangeStatus.PROPOSED:
            raise ValidationError("This change has already been decided")
        if not approve and not (reason or "").strip():
            raise ValidationError({"reason": "Say why the change is rejected"})
        change.status = MappingChangeStatus.APPROVED if approve else MappingChangeStatus.REJECTED
        change.decided_by, change.decided_at, change.decision_reason = actor, timezone.now(), (reason or "").strip()
        audit.save_change(change, actor=actor, reason=f"{change.get_status_display()}: {change}")
        if approve and change.action == MappingChangeAction.ADD:
            if not GroupMapping.objects.filter(provider=change.provider, group=change.group, role=change.role).exists():
                mapping = GroupMapping(
                    provider=change.provider,
                    group=change.group,
                    role=change.role,
                    team=change.team,
                    agency=change.agency,
                )
                audit.save(mapping, actor=actor, reason=f"Approved change {change.pk}")
        elif approve:
            for mapping in GroupMapping.objects.filter(provider=change.provider, group=change.group, role=change.role):
                audit.attribute(mapping, actor=actor, reason=f"Approved change {change.pk}")
                mapping.delete()
    return change


def role_choices() -> list[Group]:
    return list(Group.objects.filter(name__in=[role.label for role in Role]).order_by("name"))

"""Reads of the shared kernel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from . import clock
from .clock import DueState, Duration
from .models import AccessLog, Notification, ServiceSetting
from .roles import Role
from .timescales import DEFINITIONS, REGISTRY, RISK_LEVELS, Frequency, Kind, SettingDefinition


@dataclass(frozen=True)
class SettingValue:
    definition: SettingDefinition
    value: Any
    is_default: bool
    version: int

    @property
    def display(self) -> str:
        return setting_value_display(self.definition, self.value)

    @property
    def default_display(self) -> str:
        return setting_value_display(self.definition, self.definition.default)


class ServiceSettings:
    """Every setting's current value, read with one query. Make one per request or job run."""

    def __init__(self, overrides: dict[str, tuple[Any, int]] | None = None):
        if overrides is None:
            overrides = {row.key: (row.value, row.version) for row in ServiceSetting.objects.all()}
        self._values: dict[str, SettingValue] = {}
        for spec in DEFINITIONS:
            if spec.key in overrides:
                raw, version = overrides[spec.key]
                self._values[spec.key] = SettingValue(spec, spec.from_json(raw), False, version)
            else:
                self._values[spec.key] = SettingValue(spec, spec.default, True, 0)

    def __getitem__(self, key: str) -> Any:
        return self._values[key].value

    def entry(self, key: str) -> SettingValue:
        return self._values[key]

    def entries(self) -> list[SettingValue]:
        return list(self._values.values())

    def duration(self, key: str) -> Duration:
        value = self[key]
        if not isinstance(value, Duration):
            raise TypeError(f"{key} is not a timescale")
        return value

    def frequency(self, key: str) -> Frequency:
        value = self[key]
        if not isinstance(value, Frequency):
            raise TypeError(f"{key} is not a frequency")
        return value

    def due(self, key: str, start: datetime) -> datetime:
        """When an item on the `key` clock that started at `start` falls due."""
        return clock.add(start, self.duration(key))

    def classify(self, key: str, due: datetime, *, now: datetime, met_at: datetime | None = None) -> DueState:
        return clock.classify(due, now=now, met_at=met_at, soon=REGISTRY[key].soon)


def service_settings() -> ServiceSettings:
    return ServiceSettings()


def setting_value_display(spec: SettingDefinition, value: Any) -> str:
    """A setting's value in words, as the settings pages show it."""
    if spec.kind is Kind.RAG_MAPPING:
        return "; ".join(f"{label}: {str(value.get(level, '')).capitalize()}" for level, label in RISK_LEVELS)
    if spec.kind is Kind.ROLE:
        from .roles import Role

        return Role(value).label if value in Role.values else str(value)
    return str(value)


@dataclass(frozen=True)
class SettingChange:
    """One change of a setting: what it became, who changed it, when and why."""

    definition: SettingDefinition
    value: str
    changed_at: datetime
    changed_by: Any
    reason: str


def setting_changes(*, key: str | None = None) -> QuerySet:
    """The history of every setting (or of one), newest first: read with describe_setting_changes."""
    rows = ServiceSetting.history.select_related("history_user").order_by("-history_date", "-history_id")
    if key is not None:
        rows = rows.filter(key=key)
    return rows.filter(key__in=list(REGISTRY))


def describe_setting_changes(rows) -> list[SettingChange]:
    changes = []
    for row in rows:
        spec = REGISTRY[row.key]
        changes.append(
            SettingChange(
                definition=spec,
                value=setting_value_display(spec, spec.from_json(row.value)),
                changed_at=row.history_date,
                changed_by=row.history_user,
                reason=row.history_change_reason or "",
            )
        )
    return changes


def notifications_for_user(user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def notifications_unread_for_user(user, *, limit: int) -> list[Notification]:
    """The newest unread notifications of `user` (the home page shows a few)."""
    return list(notifications_for_user(user).filter(read_at__isnull=True)[:limit])


def unread_notification_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notification_get_for_user(user, pk: int) -> Notification:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Notification, pk=pk, recipient=user)


def access_log_for_object(obj: models.Model) -> QuerySet[AccessLog]:
    return AccessLog.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("user", "content_type")


def access_log_list(
    *,
    user_id: int | None = None,
    content_type_id: int | None = None,
    object_id: str | None = None,
    child_number: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AccessLog]:
    rows = AccessLog.objects.select_related("user", "content_type")
    if date_from:
        rows = rows.filter(at__gte=clock.start_of_local_day(date_from))
    if date_to:
        rows = rows.filter(at__lt=clock.start_of_local_day(date_to + timedelta(days=1)))
    if user_id:
        rows = rows.filter(user_id=user_id)
    if child_number:
        rows = rows.filter(child_number=child_number)
    if content_type_id:
        rows = rows.filter(content_type_id=content_type_id)
    if object_id:
        rows = rows.filter(object_id=object_id)
    return rows.order_by("-at", "-id")


def access_log_object_types() -> list[tuple[str, str]]:
    """The kinds of record the access log holds, as (content type id, name) choices."""
    types = ContentType.objects.filter(pk__in=AccessLog.objects.values("content_type").distinct()).order_by("model")
    return [(str(t.pk), t.name.capitalize()) for t in types]


# Roles that hold no casework: they are never offered to hold a case, an action, a panel or a
# restricted record, whatever other role they also hold.
NO_CASEWORK_ROLES = (Role.ADMINISTRATOR, Role.AUDITOR)


def staff_able_to_sign_in() -> QuerySet:
    """People who can sign in to hold work: active accounts in post today with a password that can
    be used. Never the system account, django-guardian's anonymous user, a superuser, or anyone
    holding a role without casework (the administrator, the auditor)."""
    today = timezone.localdate()
    people = (
        get_user_model()
        .objects.filter(is_active=True, is_system=False, is_superuser=False)
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .exclude(password="")
        .exclude(groups__name__in=[role.label for role in NO_CASEWORK_ROLES])
        .filter(models.Q(active_from__isnull=True) | models.Q(active_from__lte=today))
        .filter(models.Q(active_to__isnull=True) | models.Q(active_to__gte=today))
    )
    anonymous = getattr(settings, "ANONYMOUS_USER_NAME", "AnonymousUser")
    if anonymous:
        people = people.exclude(username=anonymous)
    return people


def staff_who_can_hold(*, roles=(), permission: str = "", also: models.Q | None = None) -> QuerySet:
    """The people a picker offers for a kind of work: able to sign in (staff_able_to_sign_in) and
    holding one of `roles`, or `permission` through a role, or matching `also`; by name."""
    wanted = models.Q(pk__in=[])
    if roles:
        wanted |= models.Q(groups__name__in=[Role(role).label for role in roles])
    if permission:
        app_label, codename = permission.split(".")
        wanted |= models.Q(
            groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label
        )
    if also is not None:
        wanted |= also
    matching = get_user_model().objects.filter(wanted).values("pk")
    return (
        staff_able_to_sign_in()
        .filter(pk__in=matching)
        .select_related("agency", "team")
        .order_by("first_name", "last_name", "username", "pk")
    )


def staff_list() -> QuerySet:
    return get_user_model().objects.filter(is_system=False).select_related("agency", "team")


@dataclass(frozen=True)
class LockedAccount:
    username: str
    ip_address: str
    failures: int
    last_failure: datetime
    unlocks_at: datetime
    full_name: str = ""


@dataclass(frozen=True)
class ThrottledAddress:
    ip_address: str
    usernames: int
    limit: int
    unthrottles_at: datetime


def locked_accounts_for_user(actor, *, now: datetime | None = None) -> list[LockedAccount]:
    """The usernames locked out of sign-in now, one row per address they are locked from, that
    `actor` may unlock (core.permissions.can_unlock_account): all of them for an administrator."""
    from axes.models import AccessAttempt

    from .lockout import cool_off_for
    from .permissions import UNLOCK_ANY_ACCOUNT, can_unlock_account

    now = now or timezone.now()
    rows = (
        AccessAttempt.objects.filter(attempt_time__gt=now - settings.AXES_COOLOFF_TIME)
        .values("username", "ip_address")
        .annotate(failures=models.Sum("failures_since_start"), last_failure=models.Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_failure")
    )
    locked = [row for row in rows if row["last_failure"] + cool_off_for(row["failures"]) > now]
    accounts = get_user_model().objects.in_bulk([row["username"] for row in locked], field_name="username")
    if not actor.has_perm(UNLOCK_ANY_ACCOUNT):
        locked = [row for row in locked if can_unlock_account(actor, accounts.get(row["username"]))]
    return [
        LockedAccount(
            username=row["username"] or "",
            ip_address=row["ip_address"] or "",
            failures=row["failures"],
            last_failure=row["last_failure"],
            unlocks_at=row["last_failure"] + cool_off_for(row["failures"]),
            full_name=accounts[row["username"]].get_full_name() if row["username"] in accounts else "",
        )
        for row in locked
    ]


def throttled_addresses(*, now: datetime | None = None) -> list[ThrottledAddress]:
    """Addresses held back from signing in for everyone, because many usernames failed from them."""
    from axes.models import AccessAttempt

    from .lockout import address_hold, address_username_limit

    now = now or timezone.now()
    fewest = min(settings.SIGNIN_ADDRESS_USERNAME_LIMIT, settings.SIGNIN_TRUSTED_NETWORK_USERNAME_LIMIT)
    candidates = (
        AccessAttempt.objects.filter(attempt_time__gt=now - settings.SIGNIN_ADDRESS_WINDOW, username__isnull=False)
        .values("ip_address")
        .annotate(usernames=models.Count("username", distinct=True))
        .filter(usernames__gte=fewest)
        .values_list("ip_address", flat=True)
    )
    found = []
    for ip_address in candidates:
        hold = address_hold(ip_address, now=now)
        if hold is not None:
            found.append(ThrottledAddress(ip_address, hold.failures, address_username_limit(ip_address), hold.until))
    return sorted(found, key=lambda address: address.unthrottles_at, reverse=True)


# --- Two-factor authentication ---------------------------------------------------------------


def otp_app_confirmed(user) -> bool:
    """Whether `user` has set up an authenticator app (a confirmed TOTP device)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def otp_recovery_codes_left(device) -> int:
    """How many unused recovery codes a recovery-code device still holds."""
    return device.token_set.count()


@dataclass(frozen=True)
class AccountSecurity:
    """What a person sees of their own sign-in: their authenticator, recovery codes left, recent sign-ins."""

    authenticator: object | None
    recovery_codes_left: int
    sign_ins: list


RECENT_SIGN_INS = 10


def account_security(user) -> AccountSecurity:
    from axes.models import AccessLog as SignIn
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    authenticator = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-created_at").first()
    codes = StaticDevice.objects.filter(user=user).aggregate(left=models.Count("token_set"))["left"] or 0
    sign_ins = list(
        SignIn.objects.filter(username=user.get_username())
        .only("attempt_time", "ip_address", "user_agent")
        .order_by("-attempt_time")[:RECENT_SIGN_INS]
    )
    return AccountSecurity(authenticator=authenticator, recovery_codes_left=codes, sign_ins=sign_ins)


def history_of(record, *, limit: int | None = None) -> list:
    """A record's history (django-simple-history), the latest change first, with who made each change."""
    return list(record.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit])


# --- Single sign-on: the group mapping ---------------------------------------------------------


def group_mappings_for_user(user) -> QuerySet:
    from .models import GroupMapping
    from .permissions import VIEW_MAPPING

    if not user.has_perm(VIEW_MAPPING):
        return GroupMapping.objects.none()
    return GroupMapping.objects.select_related("role", "team", "agency").order_by("provider", "group", "id")


def group_mapping_changes_for_user(user) -> QuerySet:
    from .models import GroupMappingChange
    from .permissions import VIEW_MAPPING

    if not user.has_perm(VIEW_MAPPING):
        return GroupMappingChange.objects.none()
    return GroupMappingChange.objects.select_related("role", "team", "agency", "proposed_by", "decided_by").order_by(
        "-proposed_at", "-id"
    )


def group_mapping_change_get_for_user(user, pk: int):
    return get_object_or_404(group_mapping_changes_for_user(user), pk=pk)


def group_mapping_choices() -> dict[str, QuerySet]:
    """What a group can be mapped to: the roles, and the active teams and agencies."""
    from django.contrib.auth.models import Group

    from .models import Agency, Team

    return {
        "roles": Group.objects.filter(name__in=[role.label for role in Role]).order_by("name"),
        "teams": Team.objects.filter(is_active=True).select_related("agency").order_by("name"),
        "agencies": Agency.objects.filter(is_active=True).order_by("name"),
    }

"""Timescale alerts: rules find items due soon or overdue; the runner tells each owner once.

Each app lists its rules (AlertRule) in `<app>/alert_rules.py` and declares them in its AppConfig
(`alert_rules`, the app contract of core.contract). A rule only reads the records and yields
Candidates; `run_rule` decides who is told and sends in-app notifications and e-mails through
core.services.notification_send.

Exactly once: every alert has a key (rule, record, due time, stage) and a notification is unique per
(recipient, key) in the database, so running a job twice, or on two workers at once, sends nothing
twice; a run stopped half-way and run again sends the rest; a met item is no longer a candidate; a
changed due time is a new key and alerts anew. Rules look at the records as they are, so the first
run after an outage (broker or worker down) catches up with everything missed.
"""

from __future__ import annotations

import enum
import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from . import clock, contract
from .models import Notification
from .roles import Role
from .selectors import ServiceSettings, service_settings
from .services import notification_send

logger = logging.getLogger(__name__)


class Stage(enum.StrEnum):
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    ESCALATED = "escalated"


@dataclass(frozen=True)
class Candidate:
    """One item a rule found: what is due, when, and who owns it."""

    record_key: str  # e.g. "cate.missingepisode:42"
    due_at: datetime
    stage: Stage  # DUE_SOON or OVERDUE
    title: str  # e.g. "Return home interview overdue"
    url: str
    owner_ids: tuple[int, ...]
    body: str = ""
    escalate: bool = True


@dataclass(frozen=True)
class AlertRule:
    """`escalate_to`: the managers an overdue item escalates to (those of the owners' team first,
    then all of them, then the group managers); CATE team leaders unless the rule says otherwise
    (the front door's rules escalate to the Family Connect managers). An item nobody holds goes to them."""

    name: str
    label: str
    find: Callable[[datetime, ServiceSettings], Iterable[Candidate]]
    escalate_to: Role = Role.TEAM_LEADER


class _Rules(Mapping):
    """Every app's alert rules by name, as the apps declare them (read through core.contract)."""

    def _by_name(self) -> dict[str, AlertRule]:
        by_name: dict[str, AlertRule] = {}
        for rule in contract.contributions("alert_rules"):
            if rule.name in by_name:
                raise ImproperlyConfigured(f"Two alert rules are named {rule.name!r}")
            by_name[rule.name] = rule
        return by_name

    def __getitem__(self, name: str) -> AlertRule:
        return self._by_name()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name())

    def __len__(self) -> int:
        return len(self._by_name())


REGISTRY: Mapping[str, AlertRule] = _Rules()


@dataclass
class RunResult:
    rule: str
    candidates: int = 0
    sent: int = 0
    escalated: int = 0
    already_sent: int = 0
    skipped_locked: bool = False
    by_stage: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def alert_key(rule: str, candidate: Candidate, stage: Stage) -> str:
    return f"{rule}:{candidate.record_key}:{candidate.due_at.astimezone(clock.UTC):%Y%m%dT%H%M%S}:{stage}"


def _active_users_with_role(role: Role):
    User = get_user_model()
    return User.objects.filter(groups__name=role.label, is_active=True, is_system=False)


class _Recipients:
    """Who is told: read once per run (each escalation role's members when first needed)."""

    def __init__(self):
        self.User = get_user_model()
        self.by_team: dict[Role, dict[int | None, set[int]]] = {}
        self.managers = set(_active_users_with_role(Role.GROUP_MANAGER).values_list("pk", flat=True))
        self.team_of: dict[int, int | None] = {}

    def remember_teams(self, user_ids: set[int]) -> None:
        missing = user_ids - self.team_of.keys()
        if missing:
            self.team_of.update(self.User.objects.filter(pk__in=missing).values_list("pk", "team_id"))

    def _members_by_team(self, role: Role) -> dict[int | None, set[int]]:
        if role not in self.by_team:
            members: dict[int | None, set[int]] = defaultdict(set)
            for user_id, team_id in _active_users_with_role(role).values_list("pk", "team_id"):
                members[team_id].add(user_id)
            self.by_team[role] = members
        return self.by_team[role]

    def escalation_for(self, owner_ids: tuple[int, ...], role: Role = Role.TEAM_LEADER) -> set[int]:
        """The `role` members of the owners' teams; else every `role` member; else the group managers."""
        members = self._members_by_team(role)
        leaders = set()
        for owner in owner_ids:
            leaders |= members.get(self.team_of.get(owner), set())
        leaders -= set(owner_ids)
        if leaders:
            return leaders
        everyone = set().union(*members.values()) if members else set()
        return (everyone - set(owner_ids)) or (self.managers - set(owner_ids))


def _advisory_lock_id(name: str) -> int:
    return int.from_bytes(hashlib.sha256(f"cate-alert-rule:{name}".encode()).digest()[:8], "big", signed=True)


class _RuleLock:
    """One run of a rule at a time across workers (PostgreSQL advisory lock; no-op elsewhere).
    Correctness never depends on it (the unique notification key does that): it saves work."""

    def __init__(self, name: str):
        self.lock_id = _advisory_lock_id(name)
        self.held = False

    def __enter__(self) -> bool:
        if connection.vendor != "postgresql":
            self.held = True
            return True
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [self.lock_id])
            self.held = bool(cursor.fetchone()[0])
        return self.held

    def __exit__(self, *exc) -> None:
        if self.held and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [self.lock_id])


def plan(
    rule: AlertRule, *, now: datetime, current: ServiceSettings, recipients: _Recipients | None = None
) -> list[tuple[int, str, str, str, str]]:
    """Every (recipient id, key, title, body, url) the rule calls for now, sent or not."""
    recipients = recipients or _Recipients()
    grace = current.duration("alert_escalation_grace")
    candidates = list(rule.find(now, current))
    recipients.remember_teams({owner for c in candidates for owner in c.owner_ids})
    planned = []
    for candidate in candidates:
        owners = candidate.owner_ids or tuple(sorted(recipients.escalation_for((), rule.escalate_to)))
        key = alert_key(rule.name, candidate, candidate.stage)
        for owner in owners:
            planned.append((owner, key, candidate.title, candidate.body, candidate.url))
        if candidate.stage == Stage.OVERDUE and candidate.escalate and now > clock.add(candidate.due_at, grace):
            key = alert_key(rule.name, candidate, Stage.ESCALATED)
            for leader in sorted(recipients.escalation_for(candidate.owner_ids, rule.escalate_to)):
                planned.append((leader, key, f"Escalated: {candidate.title}", candidate.body, candidate.url))
    return planned


def run_rule(name: str, *, now: datetime | None = None) -> RunResult:
    """Find a rule's candidates and notify everyone not yet told. Idempotent."""
    rule = REGISTRY[name]
    now = now or timezone.now()
    result = RunResult(rule=name)
    with _RuleLock(name) as held:
        if not held:
            result.skipped_locked = True
            return result
        planned = plan(rule, now=now, current=service_settings())
        result.candidates = len({key for _, key, *_ in planned})
        done = set(
            Notification.objects.filter(key__in={key for _, key, *_ in planned}).values_list("recipient_id", "key")
        )
        users = get_user_model().objects.in_bulk({recipient for recipient, *_ in planned})
        for recipient_id, key, title, body, url in planned:
            if (recipient_id, key) in done:
                result.already_sent += 1
                continue
            sent = notification_send(recipient=users[recipient_id], title=title, body=body, url=url, key=key)
            if sent is None:
                result.already_sent += 1
                continue
            result.sent += 1
            stage = key.rsplit(":", 1)[1]
            result.by_stage[stage] += 1
            if stage == Stage.ESCALATED:
                result.escalated += 1
    logger.info("Alert rule %s: %s sent, %s already sent", name, result.sent, result.already_sent)
    return result


def send_digest(*, now: datetime | None = None) -> int:
    """The group managers' daily digest: how many items of each kind are overdue. Once a day each."""
    now = now or timezone.now()
    current = service_settings()
    lines = []
    for rule in sorted(REGISTRY.values(), key=lambda r: r.label):
        overdue = sum(1 for c in rule.find(now, current) if c.stage == Stage.OVERDUE)
        if overdue:
            lines.append(f"{rule.label}: {overdue} overdue")
    body = "\n".join(lines) if lines else "Nothing is overdue."
    key = f"digest:{clock.local_date(now):%Y-%m-%d}"
    digest_url = contract.first("digest_url")  # the reports page, where an app declares one
    sent = 0
    for manager in _active_users_with_role(Role.GROUP_MANAGER):
        url = reverse(digest_url) if digest_url else ""
        if (
            notification_send(
                recipient=manager,
                key=key,
                title=f"Daily summary for {clock.local_date(now):%-d %B %Y}",
                body=body,
                url=url,
            )
            is not None
        ):
            sent += 1
    return sent

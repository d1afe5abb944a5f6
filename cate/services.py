"""Writes of CATE casework. Every service takes the acting user, checks permission, records
history with a reason and keeps the case chronology."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from core import audit
from core.selectors import service_settings

from .choices import ChronologyKind, GpLetterTrigger, RiskLevel, RiskSource
from .models import Case, ChronologyEvent, GpLetter
from .permissions import CASE_WORKER_OBJECT_PERMISSIONS, VIEW_ALL_CASES


def user_can_work_on_case(user, case: Case) -> bool:
    return user.has_perm(VIEW_ALL_CASES) or user.has_perm("cate.change_case", case)


def chronology_record(
    *,
    case: Case,
    kind: str,
    summary: str,
    actor,
    occurred_at: dt.datetime | None = None,
    detail: str = "",
    significant: bool = False,
) -> ChronologyEvent:
    """Add an event to a case's chronology (every service that changes a case calls this)."""
    event = ChronologyEvent(
        case=case,
        kind=kind,
        summary=summary[:300],
        detail=detail,
        significant=significant,
        occurred_at=occurred_at or timezone.now(),
        recorded_by=actor,
    )
    return audit.save(event, actor=actor, reason=summary[:300])


def case_grant_worker_access(*, case: Case, worker) -> None:
    for codename in CASE_WORKER_OBJECT_PERMISSIONS:
        assign_perm(codename, worker, case)


def case_revoke_worker_access(*, case: Case, worker) -> None:
    for codename in CASE_WORKER_OBJECT_PERMISSIONS:
        remove_perm(codename, worker, case)


def case_set_risk_level(
    *, case: Case, level: str, source: str, actor, reason: str, at: dt.datetime | None = None
) -> Case:
    """Set the case's current risk level. A panel decision outranks the worker's assessment:
    the current level is the latest panel decision where there is one, else the latest assessment."""
    if not user_can_work_on_case(actor, case) and not actor.has_perm("riskpanel.chair_panel"):
        raise PermissionDenied("You cannot change this case.")
    level, source = RiskLevel(level), RiskSource(source)
    at = at or timezone.now()
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if source == RiskSource.ASSESSMENT and case.risk_level_source == RiskSource.PANEL:
            return case  # the panel's decision stands until the next panel
        if case.current_risk_level == level and case.risk_level_source == source:
            return case
        previous = case.get_current_risk_level_display() or "none"
        case.current_risk_level, case.risk_level_source, case.risk_level_set_at = level, source, at
        case.version += 1
        audit.save(
            case,
            actor=actor,
            reason=reason,
            update_fields=["current_risk_level", "risk_level_source", "risk_level_set_at"],
        )
        chronology_record(
            case=case,
            kind=ChronologyKind.RISK_LEVEL,
            actor=actor,
            occurred_at=at,
            summary=f"Risk level {previous} → {level.label} ({source.label.lower()})",
            detail=reason,
        )
    return case


def gp_letter_create(*, case: Case, trigger: str, actor) -> GpLetter:
    """Generate the letter to the child's GP practice (on allocation; on discussion at panel)."""
    if not user_can_work_on_case(actor, case) and not actor.has_perm("riskpanel.chair_panel"):
        raise PermissionDenied("You cannot write to this case.")
    trigger = GpLetterTrigger(trigger)
    now = timezone.now()
    with transaction.atomic():
        letter = GpLetter(
            case=case,
            trigger=trigger,
            practice=case.child.gp_practice,
            generated_at=now,
            generated_by=actor,
            due_at=service_settings().due("gp_letter", now),
            body=render_to_string("cate/gp_letter_body.txt", {"case": case, "child": case.child, "trigger": trigger}),
        )
        audit.save(letter, actor=actor, reason=f"GP letter generated ({trigger.label.lower()})")
        chronology_record(
            case=case,
            kind=ChronologyKind.GP_LETTER,
            actor=actor,
            occurred_at=now,
            summary=f"GP letter generated ({trigger.label.lower()})",
        )
    return letter

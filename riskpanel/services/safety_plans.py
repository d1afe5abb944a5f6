"""Safety plans: versions drafted by the worker, agreed by a team leader, superseded by the next."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from cate.choices import ChronologyKind
from cate.models import Case
from cate.services import chronology_record
from core import audit, clock
from core.concurrency import check_version
from core.selectors import service_settings
from core.workflow import transition

from ..choices import ALLOWED_SAFETY_PLAN_TRANSITIONS, SafetyPlanStatus
from ..models import SafetyPlan
from ..permissions import require_agree_safety_plan, require_change_safety_plan, require_write_safety_plan
from ..rules import (
    SAFETY_PLAN_FIELDS,
    date_text,
    default_safety_plan_review_on,
    safety_plan_missing,
    safety_plan_sections,
)


def safety_plan_start(*, case: Case, actor, now: dt.datetime | None = None, **fields) -> SafetyPlan:
    """Draft the next version of a case's safety plan (one draft at a time), with any sections
    written so far: completeness is checked when the plan is agreed."""
    require_write_safety_plan(actor, case)
    now = now or timezone.now()
    fields = safety_plan_sections(fields)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()  # one new version at a time per case
        draft = SafetyPlan.objects.filter(case=case, status=SafetyPlanStatus.DRAFT).first()
        if draft is not None:
            raise ValidationError(f"Version {draft.number} of this safety plan is already a draft: change that.")
        number = (SafetyPlan.objects.filter(case=case).aggregate(last=Max("number"))["last"] or 0) + 1
        plan = SafetyPlan(case=case, number=number, author=actor, status=SafetyPlanStatus.DRAFT, **fields)
        try:
            with transaction.atomic():
                audit.save(plan, actor=actor, reason=f"Safety plan version {number} drafted")
        except IntegrityError:
            raise ValidationError(
                "Someone else started a new version of this safety plan at the same time. "
                "Open the case again and change their draft."
            ) from None
        chronology_record(
            case=case,
            kind=ChronologyKind.SAFETY_PLAN,
            summary=f"Safety plan version {number} drafted",
            actor=actor,
            occurred_at=now,
        )
    return plan


def safety_plan_update(*, plan: SafetyPlan, actor, expected_version: int | None = None, **fields) -> SafetyPlan:
    """Change a draft (any sections may stay empty). An agreed plan never changes: a new version
    replaces it."""
    require_change_safety_plan(actor, plan)
    fields = safety_plan_sections(fields)
    with transaction.atomic():
        plan = SafetyPlan.objects.select_for_update().get(pk=plan.pk)
        check_version(plan, expected_version)
        if plan.status != SafetyPlanStatus.DRAFT:
            raise ValidationError("An agreed safety plan cannot change: start a new version instead.")
        if all(getattr(plan, k) == v for k, v in fields.items()):
            return plan
        for key, value in fields.items():
            setattr(plan, key, value)
        audit.save_change(plan, actor=actor, reason=f"Safety plan version {plan.number} draft changed")
    return plan


def safety_plan_agree(
    *,
    plan: SafetyPlan,
    actor,
    expected_version: int | None = None,
    review_due_on: dt.date | None = None,
    sections: dict | None = None,
    now: dt.datetime | None = None,
) -> SafetyPlan:
    """Agree a draft: it becomes the case's safety plan, the one agreed before is superseded, and
    its review falls due `safety_plan_review` later (or earlier, when the team leader says so).
    `sections`, when given, are the draft's last changes, saved with the agreement. A plan with
    sections still empty is refused with every one of them named at once."""
    require_agree_safety_plan(actor, plan)
    if sections is not None:
        require_change_safety_plan(actor, plan)
        sections = safety_plan_sections(sections)
    now = now or timezone.now()
    settings = service_settings()
    latest_review = default_safety_plan_review_on(now, settings)
    errors = {}
    if review_due_on is not None and not clock.local_date(now) < review_due_on <= latest_review:
        errors["review_due_on"] = (
            f"Enter a review date after today and no later than {date_text(latest_review)}, "
            "or leave it empty to use the usual interval"
        )
    with transaction.atomic():
        plans = {p.pk: p for p in SafetyPlan.objects.select_for_update().filter(case_id=plan.case_id)}
        plan = plans[plan.pk]
        check_version(plan, expected_version)
        transition(plan.status, SafetyPlanStatus.AGREED, ALLOWED_SAFETY_PLAN_TRANSITIONS, "safety plan")
        changed = [name for name, value in (sections or {}).items() if getattr(plan, name) != value]
        for name in changed:
            setattr(plan, name, sections[name])
        errors.update(safety_plan_missing({name: getattr(plan, name) for name in SAFETY_PLAN_FIELDS}))
        if errors:
            raise ValidationError(errors)
        superseded = [p for p in plans.values() if p.status == SafetyPlanStatus.AGREED]
        for old in superseded:
            transition(old.status, SafetyPlanStatus.SUPERSEDED, ALLOWED_SAFETY_PLAN_TRANSITIONS, "safety plan")
            old.status, old.superseded_at = SafetyPlanStatus.SUPERSEDED, now
            audit.save_change(
                old,
                actor=actor,
                reason=f"Superseded by version {plan.number}",
                fields=["status", "superseded_at"],
            )
        plan.status, plan.agreed_at, plan.agreed_by = SafetyPlanStatus.AGREED, now, actor
        plan.review_due_on = review_due_on or latest_review
        audit.save_change(
            plan,
            actor=actor,
            reason=f"Safety plan version {plan.number} agreed",
            fields=["status", "agreed_at", "agreed_by", "review_due_on", *changed],
        )
        summary = f"Safety plan version {plan.number} agreed; review due by {date_text(plan.review_due_on)}"
        if superseded:
            summary += f" (replaces version {superseded[0].number})"
        chronology_record(
            case=plan.case,
            kind=ChronologyKind.SAFETY_PLAN,
            summary=summary,
            actor=actor,
            occurred_at=now,
            significant=True,
        )
    return plan

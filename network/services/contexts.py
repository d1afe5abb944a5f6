"""Contexts as subjects (issue 19): a contact linked to a place or peer group; context assessments
(drafts, completion, withdrawal, the children they affect); context plans with riskpanel's actions,
reviews until closed with an outcome.

Each service checks the permission, locks what changes, validates every fault at once, saves with
history attributed to the actor and a reason. Nothing is deleted."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from contacts.choices import ContactStatus
from contacts.models import Contact
from contacts.visibility import children_visible_to, contacts_visible_to
from core import audit, clock
from core.concurrency import check_version
from core.selectors import service_settings
from core.workflow import transition
from riskpanel.permissions import can_add_action
from riskpanel.services import action_create

from .. import context_rules as rules
from ..choices import (
    ALLOWED_CONTEXT_ASSESSMENT_TRANSITIONS,
    ALLOWED_CONTEXT_PLAN_TRANSITIONS,
    ContextAssessmentStatus,
    ContextPlanOutcome,
    ContextPlanStatus,
    ContextReviewDecision,
    NodeKind,
)
from ..models import (
    ContextAssessment,
    ContextAssessmentChild,
    ContextPlan,
    ContextPlanAction,
    ContextPlanReview,
    ContextReferral,
    Node,
)
from ..permissions import (
    require_assess_context,
    require_plan_context,
    require_refer_context,
)
from ._common import node_for, refuse

CONTEXT_KINDS = (NodeKind.PLACE, NodeKind.PEER_GROUP)


def _context_node(target) -> Node:
    """The node of a place or peer group (made on first use)."""
    node = target if isinstance(target, Node) else node_for(target)
    if node.kind not in CONTEXT_KINDS:
        raise ValidationError("Only a place (a school, an online space) or a peer group can be a context.")
    if node.target.status != "active":
        raise ValidationError("This record was merged or entered in error: choose the one in use.")
    return node


def _require_contact_readable(actor, contact: Contact) -> None:
    if not contacts_visible_to(actor).filter(pk=contact.pk).exists():
        raise PermissionDenied("You cannot read this contact.")


# --- Referrals --------------------------------------------------------------------------------


def context_referral_add(*, contact: Contact, context, actor, now: dt.datetime | None = None) -> ContextReferral:
    """Say that a contact is about a place, peer group, school or online space (as well as, or
    instead of, a child)."""
    require_refer_context(actor)
    _require_contact_readable(actor, contact)
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        if contact.status == ContactStatus.ENTERED_IN_ERROR:
            raise ValidationError("This contact was entered in error: it cannot be about a place or group.")
        node = _context_node(context)
        existing = ContextReferral.objects.filter(contact=contact, node=node, removed_at__isnull=True).first()
        if existing is not None:
            return existing
        referral = ContextReferral(contact=contact, node=node, added_by=actor, added_at=now or timezone.now())
        audit.save(referral, actor=actor, reason=f"Contact {contact.reference} is about {node.target}")
    return referral


def context_referral_remove(*, referral: ContextReferral, actor, reason: str, now=None) -> ContextReferral:
    """Take a context off a contact (linked in error), with the reason."""
    require_refer_context(actor)
    _require_contact_readable(actor, referral.contact)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the place or group is taken off the contact"})
    with transaction.atomic():
        referral = ContextReferral.objects.select_for_update().get(pk=referral.pk)
        if referral.removed_at is not None:
            return referral
        referral.removed_at, referral.removed_by, referral.removed_reason = now or timezone.now(), actor, reason.strip()
        audit.save(referral, actor=actor, reason=f"Taken off the contact: {reason.strip()}")
    return referral


# --- Assessments ------------------------------------------------------------------------------


def context_assessment_open(
    *, context, actor, contact: Contact | None = None, assessor=None, now: dt.datetime | None = None
) -> ContextAssessment:
    """Open a context assessment (a draft), of the kind the context takes, due `context_assessment`
    later (default 35 working days). From screening, the contact must be about the context."""
    require_assess_context(actor)
    now = now or timezone.now()
    with transaction.atomic():
        node = Node.objects.select_for_update().get(pk=_context_node(context).pk)
        if contact is not None:
            _require_contact_readable(actor, contact)
            if not ContextReferral.objects.filter(contact=contact, node=node, removed_at__isnull=True).exists():
                raise ValidationError("Link the contact to this place or group before assessing it from the contact.")
        if ContextAssessment.objects.filter(node=node, status=ContextAssessmentStatus.DRAFT).exists():
            raise ValidationError("An assessment of this place or group is already in progress: carry on with it.")
        place_kind = node.place.kind if node.kind == NodeKind.PLACE else ""
        assessment = ContextAssessment(
            node=node,
            kind=rules.kind_for(node.kind, place_kind),
            contact=contact,
            opened_at=now,
            opened_by=actor,
            assessor=assessor or actor,
            due_on=rules.assessment_due_on(now, service_settings()),
        )
        audit.save(assessment, actor=actor, reason=f"{assessment.get_kind_display()} opened")
    return assessment


def _lock_assessment(assessment, expected_version) -> ContextAssessment:
    assessment = ContextAssessment.objects.select_for_update().get(pk=assessment.pk)
    check_version(assessment, expected_version)
    return assessment


def context_assessment_save(
    *,
    assessment: ContextAssessment,
    actor,
    domains: dict,
    partners_consulted=(),
    partners_detail: str = "",
    young_people_views: str = "",
    community_views: str = "",
    strengths: str = "",
    harms: str = "",
    judgement: str = "",
    judgement_reason: str = "",
    finalise: bool = False,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ContextAssessment:
    """Save a draft assessment, or complete it (every fault of the completeness rule at once)."""
    require_assess_context(actor)
    texts = {
        "partners_detail": partners_detail,
        "young_people_views": young_people_views,
        "community_views": community_views,
        "strengths": strengths,
        "harms": harms,
        "judgement_reason": judgement_reason,
    }
    partners = list(partners_consulted or ())
    with transaction.atomic():
        assessment = _lock_assessment(assessment, expected_version)
        if assessment.status != ContextAssessmentStatus.DRAFT:
            raise ValidationError("Only a draft assessment can change.")
        clean, errors = rules.assessment_errors(
            kind=assessment.kind,
            domains=domains,
            texts=texts,
            judgement=judgement,
            partner_count=len(partners),
            complete=finalise,
        )
        refuse(errors)
        if finalise:
            transition(
                assessment.status,
                ContextAssessmentStatus.COMPLETE,
                ALLOWED_CONTEXT_ASSESSMENT_TRANSITIONS,
                "context assessment",
            )
        assessment.domains = clean
        for name, value in texts.items():
            setattr(assessment, name, (value or "").strip())
        assessment.judgement = judgement
        if finalise:
            assessment.status = ContextAssessmentStatus.COMPLETE
            assessment.completed_at, assessment.completed_by = now or timezone.now(), actor
        audit.save_change(assessment, actor=actor, reason="Assessment completed" if finalise else "Draft saved")
        if {p.pk for p in partners} != set(assessment.partners_consulted.values_list("pk", flat=True)):
            assessment.partners_consulted.set(partners)
    return assessment


def context_assessment_withdraw(
    *, assessment: ContextAssessment, actor, reason: str, expected_version: int | None = None
) -> ContextAssessment:
    """Withdraw a draft assessment (opened in error, or no longer needed), with the reason."""
    require_assess_context(actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the assessment is withdrawn"})
    with transaction.atomic():
        assessment = _lock_assessment(assessment, expected_version)
        transition(
            assessment.status,
            ContextAssessmentStatus.WITHDRAWN,
            ALLOWED_CONTEXT_ASSESSMENT_TRANSITIONS,
            "context assessment",
        )
        assessment.status, assessment.withdrawn_reason = ContextAssessmentStatus.WITHDRAWN, reason.strip()
        audit.save_change(assessment, actor=actor, reason=f"Withdrawn: {reason.strip()}")
    return assessment


def context_assessment_child_add(
    *, assessment: ContextAssessment, child, actor, now: dt.datetime | None = None
) -> ContextAssessmentChild:
    """Name a child the assessment affects (a child the actor may know of)."""
    require_assess_context(actor)
    if not children_visible_to(actor).filter(pk=child.pk).exists():
        raise PermissionDenied("You cannot see this child.")
    with transaction.atomic():
        assessment = ContextAssessment.objects.select_for_update().get(pk=assessment.pk)
        if assessment.status != ContextAssessmentStatus.DRAFT:
            raise ValidationError("Children are named while the assessment is a draft.")
        found = ContextAssessmentChild.objects.filter(
            assessment=assessment, child=child, removed_at__isnull=True
        ).first()
        if found is not None:
            return found
        row = ContextAssessmentChild(assessment=assessment, child=child, added_by=actor, added_at=now or timezone.now())
        audit.save(row, actor=actor, reason="Child named as affected by the context")
    return row


def context_assessment_child_remove(
    *, row: ContextAssessmentChild, actor, reason: str, now: dt.datetime | None = None
) -> ContextAssessmentChild:
    require_assess_context(actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the child is taken off the assessment"})
    with transaction.atomic():
        row = ContextAssessmentChild.objects.select_for_update().get(pk=row.pk)
        if row.removed_at is not None:
            return row
        row.removed_at, row.removed_by, row.removed_reason = now or timezone.now(), actor, reason.strip()
        audit.save(row, actor=actor, reason=f"Child taken off the assessment: {reason.strip()}")
    return row


# --- Plans ------------------------------------------------------------------------------------


def context_plan_open(
    *,
    context,
    actor,
    intended_change: str,
    assessment: ContextAssessment | None = None,
    lead=None,
    next_review_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> ContextPlan:
    """Agree a plan for the context: the change it intends, reviewed `context_plan_review` later
    (default 12 weeks) unless an earlier first review is set. One open plan per context."""
    require_plan_context(actor)
    now = now or timezone.now()
    refuse(
        rules.plan_errors(intended_change=intended_change, next_review_on=next_review_on, today=clock.local_date(now))
    )
    with transaction.atomic():
        node = Node.objects.select_for_update().get(pk=_context_node(context).pk)
        if assessment is not None and assessment.node_id != node.pk:
            raise ValidationError({"assessment": "That assessment is of another place or group"})
        if ContextPlan.objects.filter(node=node, status=ContextPlanStatus.OPEN).exists():
            raise ValidationError("This place or group already has an open plan: review or close it first.")
        plan = ContextPlan(
            node=node,
            assessment=assessment,
            intended_change=intended_change.strip(),
            opened_at=now,
            opened_by=actor,
            lead=lead or actor,
            next_review_on=next_review_on or rules.plan_review_due_on(now, service_settings()),
        )
        audit.save(plan, actor=actor, reason="Context plan agreed")
    return plan


def _lock_plan(plan, expected_version=None) -> ContextPlan:
    plan = ContextPlan.objects.select_for_update().get(pk=plan.pk)
    check_version(plan, expected_version)
    return plan


def context_plan_update(
    *, plan: ContextPlan, actor, intended_change: str, lead=None, expected_version: int | None = None
) -> ContextPlan:
    require_plan_context(actor)
    refuse(rules.plan_errors(intended_change=intended_change, next_review_on=None, today=dt.date.min))
    with transaction.atomic():
        plan = _lock_plan(plan, expected_version)
        if plan.status != ContextPlanStatus.OPEN:
            raise ValidationError("Only an open plan can change.")
        lead = lead or plan.lead
        if (plan.intended_change, plan.lead_id) == (intended_change.strip(), getattr(lead, "pk", None)):
            return plan
        plan.intended_change, plan.lead = intended_change.strip(), lead
        audit.save_change(plan, actor=actor, reason="Context plan changed")
    return plan


def context_plan_action_add(
    *,
    plan: ContextPlan,
    actor,
    description: str,
    owner_agency,
    due_on: dt.date,
    owner=None,
    owner_name: str = "",
    now: dt.datetime | None = None,
) -> ContextPlanAction:
    """An action of the plan: riskpanel's action (owning agency and person, due date; the agency's
    partners update and complete it on riskpanel's pages), which belongs to no case."""
    require_plan_context(actor)
    if not can_add_action(actor, None):
        raise PermissionDenied("Only the panel's chair (a team leader) can add multi-agency actions.")
    now = now or timezone.now()
    with transaction.atomic():
        plan = _lock_plan(plan)
        if plan.status != ContextPlanStatus.OPEN:
            raise ValidationError("Actions are added to an open plan.")
        action = action_create(
            actor=actor,
            description=description,
            owner_agency=owner_agency,
            due_on=due_on,
            owner=owner,
            owner_name=owner_name,
            now=now,
        )
        link = ContextPlanAction(plan=plan, action=action, added_by=actor, added_at=now)
        audit.save(link, actor=actor, reason=f"Action added to context plan {plan.pk}")
    return link


def context_plan_review_record(
    *,
    plan: ContextPlan,
    actor,
    reviewed_on: dt.date | None,
    progress: str,
    decision: str,
    next_review_on: dt.date | None = None,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ContextPlanReview:
    """Review an open plan: what has changed, the decision, and the next review (by default
    `context_plan_review` after this one; none when the review recommends closing)."""
    require_plan_context(actor)
    now = now or timezone.now()
    refuse(
        rules.review_errors(
            reviewed_on=reviewed_on,
            progress=progress,
            decision=decision,
            next_review_on=next_review_on,
            today=clock.local_date(now),
        )
    )
    with transaction.atomic():
        plan = _lock_plan(plan, expected_version)
        if plan.status != ContextPlanStatus.OPEN:
            raise ValidationError("Only an open plan is reviewed.")
        if decision == ContextReviewDecision.CLOSE:
            following = None
        else:
            start = clock.at_local(reviewed_on, dt.time(12))
            following = next_review_on or rules.plan_review_due_on(start, service_settings())
        review = ContextPlanReview(
            plan=plan,
            reviewed_on=reviewed_on,
            progress=progress.strip(),
            decision=decision,
            next_review_on=following,
            recorded_by=actor,
            recorded_at=now,
        )
        audit.save(review, actor=actor, reason="Context plan reviewed")
        if following is not None and following != plan.next_review_on:
            plan.next_review_on = following
            audit.save_change(plan, actor=actor, reason="Next review set by the review", fields=["next_review_on"])
        elif following is None:  # the version moves on: a form opened before the review is refused
            audit.save_change(plan, actor=actor, reason="Reviewed: closing recommended", fields=[])
    return review


def context_plan_close(
    *,
    plan: ContextPlan,
    actor,
    outcome: str,
    outcome_detail: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> ContextPlan:
    """Close the plan with its outcome."""
    require_plan_context(actor)
    errors = {}
    if outcome not in ContextPlanOutcome.values:
        errors["outcome"] = "Choose the plan's outcome"
    if not (outcome_detail or "").strip():
        errors["outcome_detail"] = "Say what changed, or why the plan closes"
    elif len(outcome_detail) > rules.MAX_TEXT:
        errors["outcome_detail"] = f"This must be {rules.MAX_TEXT} characters or fewer"
    refuse(errors)
    with transaction.atomic():
        plan = _lock_plan(plan, expected_version)
        transition(plan.status, ContextPlanStatus.CLOSED, ALLOWED_CONTEXT_PLAN_TRANSITIONS, "context plan")
        plan.status, plan.outcome, plan.outcome_detail = ContextPlanStatus.CLOSED, outcome, outcome_detail.strip()
        plan.closed_at, plan.closed_by = now or timezone.now(), actor
        audit.save_change(plan, actor=actor, reason=f"Context plan closed: {plan.get_outcome_display()}")
    return plan

"""Contexts as subjects (issue 19, Contextual Safeguarding): a place (a park, a takeaway, a school, an
online space) or a peer group referred to the front door, assessed, and planned for.

A context is a network `Node` of kind place or peer group: the network already knows it, its links
to children and persons, and who may see them. The front door never imports the network: the network
holds the link from a contact to the context (`ContextReferral`), as it holds a MACE's persons of
concern. A plan's actions are riskpanel's actions (owners, due dates, partner updates): the network
holds the link (`ContextPlanAction`), riskpanel never names it.

Nothing here is deleted: a referral is taken off with a reason, an assessment withdrawn with a
reason, a plan closed with an outcome.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.models import Agency, VersionedModel

from ..choices import (
    ContextAssessmentKind,
    ContextAssessmentStatus,
    ContextJudgement,
    ContextPlanOutcome,
    ContextPlanStatus,
    ContextReviewDecision,
)
from .records import Node


class ContextReferral(models.Model):
    """A front-door contact is about this context (as well as, or instead of, a child). Taken off
    the contact, never deleted: kept with who took it off and why."""

    contact = models.ForeignKey("contacts.Contact", on_delete=models.PROTECT, related_name="+")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="context_referrals")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-added_at", "-id"]
        permissions = [
            ("refer_context", "Can say a contact is about a place, peer group, school or online space"),
            ("assess_context", "Can assess a place, peer group, school or online space"),
            ("plan_context", "Can plan for and review a place, peer group, school or online space"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "node"],
                condition=models.Q(removed_at__isnull=True),
                name="network_context_referral_once",
            ),
            models.CheckConstraint(
                condition=models.Q(removed_at__isnull=True) | ~models.Q(removed_reason=""),
                name="network_context_referral_removed_has_a_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["node", "added_at"], condition=models.Q(removed_at__isnull=True), name="network_ctxref_node_idx"
            )
        ]

    def __str__(self) -> str:
        return f"Contact {self.contact_id} about {self.node}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class ContextAssessment(VersionedModel):
    """A location, school, online-space or peer-group assessment: the domains of the context
    assessment triangle for its kind (`domains`: {domain code: what was found}, the codes and their
    guidance in network.rules), the children it affects, the partners consulted, the young people's
    and the community's views, strengths, harms and a judgement. A draft until completed; due a
    `context_assessment` timescale after it was opened (default 35 working days)."""

    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="context_assessments")
    kind = models.CharField(max_length=20, choices=ContextAssessmentKind.choices)
    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The front-door contact it was opened from, if any.",
    )
    status = models.CharField(
        max_length=10, choices=ContextAssessmentStatus.choices, default=ContextAssessmentStatus.DRAFT, db_index=True
    )
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(db_index=True)
    domains = models.JSONField(default=dict, blank=True)
    partners_consulted = models.ManyToManyField(Agency, blank=True, related_name="+")
    partners_detail = models.TextField("who was consulted and what they said", blank=True)
    young_people_views = models.TextField("young people's views", blank=True)
    community_views = models.TextField("the community's views", blank=True)
    strengths = models.TextField(blank=True)
    harms = models.TextField("harms found", blank=True)
    judgement = models.CharField(max_length=20, choices=ContextJudgement.choices, blank=True)
    judgement_reason = models.TextField("reasons for the judgement", blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)
    legacy_key = models.CharField(max_length=64, blank=True)
    history = HistoricalRecords(m2m_fields=[partners_consulted])

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="complete")
                | (models.Q(completed_at__isnull=False) & ~models.Q(judgement="")),
                name="network_context_assessment_complete_has_judgement",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="withdrawn") | ~models.Q(withdrawn_reason=""),
                name="network_context_assessment_withdrawn_has_a_reason",
            ),
            models.UniqueConstraint(
                fields=["legacy_key"],
                condition=~models.Q(legacy_key=""),
                name="network_context_assessment_unique_legacy_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("network:context_assessment_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == ContextAssessmentStatus.DRAFT


class ContextAssessmentChild(models.Model):
    """A child the assessment affects. Shown only to those who may know of the child (a restricted
    child to its named staff alone). Taken off with a reason, never deleted."""

    assessment = models.ForeignKey(ContextAssessment, on_delete=models.PROTECT, related_name="children")
    child = models.ForeignKey("contacts.Child", on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "child"],
                condition=models.Q(removed_at__isnull=True),
                name="network_context_assessment_child_once",
            ),
            models.CheckConstraint(
                condition=models.Q(removed_at__isnull=True) | ~models.Q(removed_reason=""),
                name="network_context_assessment_child_removed_has_a_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Child {self.child_id} in context assessment {self.assessment_id}"


class ContextPlan(VersionedModel):
    """A plan that targets the context: the change intended, actions (riskpanel's, through
    `ContextPlanAction`), and reviews every `context_plan_review` (default 12 weeks) until it is
    closed with an outcome. One open plan per context."""

    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="context_plans")
    assessment = models.ForeignKey(
        ContextAssessment, null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    intended_change = models.TextField("the change the plan intends")
    status = models.CharField(
        max_length=10, choices=ContextPlanStatus.choices, default=ContextPlanStatus.OPEN, db_index=True
    )
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    next_review_on = models.DateField(null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=ContextPlanOutcome.choices, blank=True)
    outcome_detail = models.TextField(blank=True)
    legacy_key = models.CharField(max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["node"], condition=models.Q(status="open"), name="network_context_plan_one_open"
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | (models.Q(closed_at__isnull=False) & ~models.Q(outcome="")),
                name="network_context_plan_closed_with_outcome",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="open") | models.Q(next_review_on__isnull=False),
                name="network_context_plan_open_has_review_date",
            ),
            models.UniqueConstraint(
                fields=["legacy_key"], condition=~models.Q(legacy_key=""), name="network_context_plan_unique_legacy_key"
            ),
        ]

    def __str__(self) -> str:
        return f"Context plan {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("network:context_plan_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == ContextPlanStatus.OPEN


class ContextPlanAction(models.Model):
    """An action of a context plan: riskpanel's `Action` (owning agency and person, due date, the
    agency's progress notes, completion), which belongs to no case. The network holds the link."""

    plan = models.ForeignKey(ContextPlan, on_delete=models.PROTECT, related_name="plan_actions")
    action = models.OneToOneField("riskpanel.Action", on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return f"Action {self.action_id} of context plan {self.plan_id}"


class ContextPlanReview(models.Model):
    """A review of a context plan: what has changed, the decision, and when it is reviewed next
    (none when the review recommends closing). Written once, never changed."""

    plan = models.ForeignKey(ContextPlan, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField()
    progress = models.TextField("what has changed in the context")
    decision = models.CharField(max_length=10, choices=ContextReviewDecision.choices)
    next_review_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(progress=""), name="network_context_review_says_progress"),
            models.CheckConstraint(
                condition=models.Q(decision="close") | models.Q(next_review_on__isnull=False),
                name="network_context_review_next_date_unless_closing",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of context plan {self.plan_id} on {self.reviewed_on}"

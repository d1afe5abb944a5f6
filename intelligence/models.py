"""Soft intelligence from partners and the public, graded, matched to the network and shared; and the
register of disruption against persons, places and vehicles (issue 20; seed 001 L1448-1452,
L1554-1557, L1832-1835).

A submission holds what its submitter wrote, in their words: partners never browse the child index,
so the children, adults, places, vehicles and numbers it is about are free text until a reviewer
matches them (`IntelligenceSubject`, a network node). The network holds its own records; this app
holds the foreign keys to them, never the other way round."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.models import VersionedModel

from .choices import (
    Audience,
    DisruptionStatus,
    HandlingCode,
    IntelligenceAssessment,
    IntelligenceStatus,
    Outcome,
    SourceEvaluation,
    SourceType,
    SubjectKind,
    Tactic,
)


class IntelligenceReport(VersionedModel):
    """One piece of intelligence: what the submitter saw, and what a reviewer made of it."""

    reference = models.CharField(max_length=20, unique=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(db_index=True)
    source_type = models.CharField(max_length=20, choices=SourceType.choices)
    source_detail = models.CharField("about the source", max_length=200, blank=True)
    seen_at = models.DateTimeField("when it was seen", null=True, blank=True)
    seen_where = models.CharField("where it was seen", max_length=300, blank=True)
    what_seen = models.TextField("what was seen")
    about_children = models.TextField(
        "children it is about",
        blank=True,
        help_text="Names, ages or dates of birth, schools, as the submitter knows them.",
    )
    about_adults = models.TextField("adults it is about", blank=True)
    about_places = models.TextField("places", blank=True)
    about_vehicles = models.TextField("vehicles and registration marks", blank=True)
    about_identifiers = models.TextField("phone numbers and handles", blank=True)
    status = models.CharField(
        max_length=12, choices=IntelligenceStatus.choices, default=IntelligenceStatus.SUBMITTED, db_index=True
    )
    feedback_due_at = models.DateTimeField(db_index=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_evaluation = models.CharField(max_length=1, choices=SourceEvaluation.choices, blank=True)
    assessment = models.CharField(
        "intelligence assessment", max_length=1, choices=IntelligenceAssessment.choices, blank=True
    )
    handling_code = models.CharField(max_length=1, choices=HandlingCode.choices, blank=True)
    conditions = models.TextField("handling conditions", blank=True)
    original_readers = models.JSONField(
        default=list,
        blank=True,
        help_text="Under code C: who the conditions let read the original (the rest: the sanitised version).",
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    sanitised = models.TextField("sanitised version", blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    review_on = models.DateField("review by", null=True, blank=True)
    feedback = models.TextField("feedback to the submitter", blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True, db_index=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = "piece of intelligence"
        verbose_name_plural = "intelligence"
        permissions = [
            ("submit_intelligence", "Can submit intelligence"),
            ("review_intelligence", "Can grade, match, share and give feedback on intelligence"),
            ("record_disruption", "Can record disruption"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(handling_code="C") | ~models.Q(conditions=""),
                name="intelligence_code_c_has_conditions",
            ),
            models.CheckConstraint(
                condition=models.Q(feedback_at__isnull=True) | ~models.Q(feedback=""),
                name="intelligence_feedback_has_text",
            ),
        ]
        indexes = [models.Index(fields=["submitted_by", "-submitted_at"], name="intelligence_submitter_idx")]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("intelligence:report_detail", args=[self.pk])

    def get_own_url(self) -> str:
        """The submitter's own view of it."""
        return reverse("intelligence:own_detail", args=[self.pk])

    @property
    def grade(self) -> str:
        """The 3x5x2 grade as the police write it ("2/B/P"), or "" until graded."""
        if not (self.source_evaluation and self.assessment and self.handling_code):
            return ""
        return f"{self.source_evaluation}/{self.assessment}/{self.handling_code}"


class IntelligenceSubject(models.Model):
    """A child or network record a reviewer matched the submitter's words to. Taken off with a reason,
    never deleted."""

    report = models.ForeignKey(IntelligenceReport, on_delete=models.PROTECT, related_name="subjects")
    kind = models.CharField(max_length=20, choices=SubjectKind.choices)
    node = models.ForeignKey("network.Node", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("contacts.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    matched_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    matched_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removed_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "node"], condition=models.Q(removed_at__isnull=True), name="intelligence_subject_once"
            ),
            models.CheckConstraint(
                condition=models.Q(removed_at__isnull=True) | ~models.Q(removed_reason=""),
                name="intelligence_subject_removed_has_a_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="child") | models.Q(child__isnull=False),
                name="intelligence_subject_child_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.report_id}"


class IntelligenceShare(models.Model):
    """Who a piece of intelligence was shared with, which version, by whom and when."""

    report = models.ForeignKey(IntelligenceReport, on_delete=models.PROTECT, related_name="shares")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    note = models.CharField(max_length=300, blank=True)
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["shared_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "audience"], name="intelligence_share_once_per_audience"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} shared with {self.get_audience_display()}"


class Disruption(VersionedModel):
    """Planned or done disruption against a person, place or vehicle of the network (001 L1832-1835).
    One that could affect an investigation waits for a police reviewer's agreement before it is done.
    Each is an action on the multi-agency action list (`action`)."""

    reference = models.CharField(max_length=20, unique=True)
    target = models.ForeignKey("network.Node", on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(
        IntelligenceReport, null=True, blank=True, on_delete=models.PROTECT, related_name="disruptions"
    )
    tactic = models.CharField(max_length=20, choices=Tactic.choices)
    description = models.TextField("what is planned")
    lead_agency = models.ForeignKey("core.Agency", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_name = models.CharField(max_length=200, blank=True)
    planned_on = models.DateField("planned for")
    due_on = models.DateField("due by")
    done_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=DisruptionStatus.choices, default=DisruptionStatus.PLANNED, db_index=True
    )
    outcome = models.TextField(blank=True)
    could_affect_investigation = models.BooleanField("could affect an investigation", default=False)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreement_note = models.TextField(blank=True)
    awn_expires_on = models.DateField("Abduction Warning Notice expires", null=True, blank=True)
    action = models.OneToOneField(
        "riskpanel.Action", null=True, blank=True, on_delete=models.PROTECT, related_name="disruption"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner__isnull=False) | ~models.Q(owner_name=""), name="intelligence_disruption_owner"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done") | models.Q(done_on__isnull=False),
                name="intelligence_disruption_done_has_a_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="done")
                | models.Q(could_affect_investigation=False)
                | models.Q(agreed_at__isnull=False),
                name="intelligence_disruption_investigation_agreed_before_done",
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("planned_on")), name="intelligence_disruption_due_after_planned"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.get_tactic_display()}"

    def get_absolute_url(self) -> str:
        return reverse("intelligence:disruption_detail", args=[self.pk])

    @property
    def owner_label(self) -> str:
        return str(self.owner) if self.owner_id else self.owner_name

    @property
    def is_open(self) -> bool:
        return self.status in (DisruptionStatus.PLANNED, DisruptionStatus.AWAITING_AGREEMENT, DisruptionStatus.AGREED)

"""Risk panels, strategy meetings, safety plans and multi-agency actions."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from cate.choices import RiskLevel
from cate.models import Case
from core.models import Agency, VersionedModel

from .choices import ActionStatus, ItemKind, PanelStatus, RagColour, SafetyPlanStatus

User = settings.AUTH_USER_MODEL


class PanelMeeting(VersionedModel):
    """A meeting of the multi-agency risk panel (fortnightly by default)."""

    meets_at = models.DateTimeField(db_index=True)
    chair = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agencies = models.ManyToManyField(Agency, blank=True, related_name="+")
    members = models.ManyToManyField(
        User,
        blank=True,
        related_name="panel_meetings",
        help_text="Panel members who may see the agenda and papers while it is open.",
    )
    status = models.CharField(max_length=10, choices=PanelStatus.choices, default=PanelStatus.SCHEDULED)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[agencies, members])

    class Meta:
        ordering = ["-meets_at"]
        permissions = [("chair_panel", "Can schedule, open, close and record decisions of risk panels")]

    def __str__(self) -> str:
        return f"Risk panel {self.meets_at:%-d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("riskpanel:panel_detail", args=[self.pk])


class AgendaItem(VersionedModel):
    meeting = models.ForeignKey(PanelMeeting, on_delete=models.PROTECT, related_name="items")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="panel_items")
    kind = models.CharField(max_length=30, choices=ItemKind.choices)
    title = models.CharField(max_length=200, blank=True, help_text="For items without a case.")
    presenting_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    paper = models.TextField(blank=True, help_text="The worker's latest risk assessment summary, as at the agenda.")
    first_panel_due_at = models.DateTimeField(null=True, blank=True)
    first_panel_deadline_missed = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "case"],
                condition=models.Q(case__isnull=False),
                name="riskpanel_item_case_once_per_meeting",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()}: {self.case}"


class PanelDecision(VersionedModel):
    item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="decision")
    risk_level = models.CharField(max_length=12, choices=RiskLevel.choices)
    colour = models.CharField(max_length=5, choices=RagColour.choices)
    rationale = models.TextField()
    next_review_on = models.DateField(null=True, blank=True)
    decided_at = models.DateTimeField()
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Decision on {self.item}"


class StrategyMeeting(VersionedModel):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="strategy_meetings")
    decision = models.ForeignKey(PanelDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    is_review = models.BooleanField(default=False)
    due_at = models.DateTimeField(db_index=True)
    held_at = models.DateTimeField(null=True, blank=True)
    attending_agencies = models.ManyToManyField(Agency, blank=True, related_name="+")
    attendees = models.TextField(blank=True)
    discussion = models.TextField(blank=True)
    support_for_parents = models.TextField(blank=True)
    disruption_actions = models.TextField("disruption of those exploiting the child", blank=True)
    resolution_reached = models.BooleanField(default=False)
    exit_plan = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(m2m_fields=[attending_agencies])

    class Meta:
        ordering = ["-due_at"]

    def __str__(self) -> str:
        return f"Strategy meeting{' review' if self.is_review else ''} for {self.case}"


class SafetyPlan(VersionedModel):
    """A versioned safety plan: draft, agreed, superseded (scrutiny Recs 11 and 13)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="safety_plans")
    number = models.PositiveSmallIntegerField(help_text="Version number of the plan for this case.")
    status = models.CharField(max_length=12, choices=SafetyPlanStatus.choices, default=SafetyPlanStatus.DRAFT)
    risks = models.TextField("the risks")
    keeping_safe = models.TextField("what keeps the young person safe")
    who_does_what = models.TextField("who will do what, by when")
    key_worker = models.CharField(max_length=200)
    key_worker_contact = models.CharField(max_length=200, blank=True)
    out_of_hours_contacts = models.TextField("out-of-hours numbers")
    other_contacts = models.TextField(blank=True)
    young_person_involvement = models.TextField("how the young person was involved")
    young_person_said = models.TextField("what the young person said")
    family_involvement = models.TextField("how parents or carers were involved")
    family_said = models.TextField("what parents or carers said")
    on_child_protection_plan = models.BooleanField(default=False)
    review_due_on = models.DateField(null=True, blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="riskpanel_safety_plan_unique_number"),
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="agreed"), name="riskpanel_safety_plan_one_agreed"
            ),
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="draft"), name="riskpanel_safety_plan_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"Safety plan v{self.number} for {self.case}"


class Action(VersionedModel):
    """A multi-agency action from a panel decision, a strategy meeting or a safety plan."""

    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    decision = models.ForeignKey(PanelDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="actions")
    strategy_meeting = models.ForeignKey(
        StrategyMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    description = models.TextField()
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    owner_name = models.CharField(max_length=200, blank=True, help_text="When the owner has no account here.")
    due_on = models.DateField(db_index=True)
    status = models.CharField(max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completion_note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description[:80]

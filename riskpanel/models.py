"""Risk panels, strategy meetings, safety plans and multi-agency actions."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from cate.choices import RiskLevel
from cate.models import Case, GpLetter, RiskAssessment
from core.models import Agency, VersionedModel

from .choices import (
    STRATEGY_MEETING_COLOURS,
    ActionStatus,
    ItemKind,
    MinutesStatus,
    PanelStatus,
    RagColour,
    SafetyPlanStatus,
)

User = settings.AUTH_USER_MODEL


class PanelMeeting(VersionedModel):
    """A meeting of the multi-agency risk panel (fortnightly by default)."""

    meets_at = models.DateTimeField(db_index=True)
    location = models.CharField(max_length=200, blank=True)
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
        constraints = [
            models.UniqueConstraint(fields=["meets_at"], name="riskpanel_one_panel_at_a_time"),
        ]

    def __str__(self) -> str:
        return f"Risk panel {timezone.localtime(self.meets_at):%-d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("riskpanel:panel_detail", args=[self.pk])


class AgendaItem(VersionedModel):
    meeting = models.ForeignKey(PanelMeeting, on_delete=models.PROTECT, related_name="items")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="panel_items")
    kind = models.CharField(max_length=30, choices=ItemKind.choices)
    title = models.CharField(max_length=200, blank=True, help_text="For items without a case.")
    presenting_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    placing_authority = models.CharField(max_length=200, blank=True)
    details = models.TextField("what the panel is asked to consider", blank=True)
    paper = models.TextField(blank=True, help_text="The worker's latest risk assessment summary, as at the agenda.")
    paper_assessment = models.ForeignKey(
        RiskAssessment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paper_taken_at = models.DateTimeField(null=True, blank=True)
    first_panel_due_at = models.DateTimeField(null=True, blank=True)
    first_panel_deadline_missed = models.BooleanField(default=False)
    review_due_on = models.DateField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    outcome = models.TextField(blank=True, help_text="What the panel agreed, for an item without a case.")
    added_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    carried_to = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carried_from",
        help_text="Not decided when the panel closed: the item on the next panel's agenda.",
    )
    carried_reason = models.TextField("why it was not decided", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "case"],
                condition=models.Q(case__isnull=False),
                name="riskpanel_item_case_once_per_meeting",
            ),
            models.CheckConstraint(
                condition=models.Q(case__isnull=False) | ~models.Q(title=""),
                name="riskpanel_item_case_or_title",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()}: {self.case}"

    def get_absolute_url(self) -> str:
        return reverse("riskpanel:item_detail", args=[self.meeting_id, self.pk])

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_carried(self) -> bool:
        return self.carried_to_id is not None

    @property
    def review_late(self) -> bool:
        """A review listed at a panel that meets after the review date."""
        if self.review_due_on is None:
            return False
        return timezone.localtime(self.meeting.meets_at).date() > self.review_due_on


class PanelDecision(VersionedModel):
    item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="decision")
    risk_level = models.CharField(max_length=12, choices=RiskLevel.choices)
    colour = models.CharField(max_length=5, choices=RagColour.choices)
    rationale = models.TextField()
    next_review_on = models.DateField(
        null=True, blank=True, help_text="The case's next panel review is that of its latest decision."
    )
    decided_at = models.DateTimeField()
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    gp_letter = models.ForeignKey(GpLetter, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"Decision on {self.item}"

    @property
    def needs_strategy_meeting(self) -> bool:
        return self.colour in STRATEGY_MEETING_COLOURS


class PanelMinutes(VersionedModel):
    """The minutes of a panel: a draft anyone chairing can save with any part filled, then final
    (complete, and no longer changed)."""

    meeting = models.OneToOneField(PanelMeeting, on_delete=models.PROTECT, related_name="minutes")
    status = models.CharField(max_length=5, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT)
    other_business = models.TextField(blank=True)
    updated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "panel minutes"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(finalised_at__isnull=False),
                name="riskpanel_minutes_final_with_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Minutes of the {self.meeting}"

    def get_absolute_url(self) -> str:
        return reverse("riskpanel:minutes_detail", args=[self.meeting_id])

    @property
    def is_final(self) -> bool:
        return self.status == MinutesStatus.FINAL


class MinutesAttendance(models.Model):
    """Who came from one agency, and who sent apologies."""

    minutes = models.ForeignKey(PanelMinutes, on_delete=models.PROTECT, related_name="attendance")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    present = models.TextField("who attended", blank=True)
    apologies = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "agency"], name="riskpanel_minutes_agency_once"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} at {self.minutes}"


class MinutesEntry(models.Model):
    """What the panel discussed on one item of its agenda (the decision and actions are their own records)."""

    minutes = models.ForeignKey(PanelMinutes, on_delete=models.PROTECT, related_name="entries")
    item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="minutes_entry")
    discussion = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "minutes entries"

    def __str__(self) -> str:
        return f"Minutes on {self.item}"


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
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(held_at__isnull=True), name="riskpanel_one_strategy_meeting_due"
            ),
            models.CheckConstraint(
                condition=models.Q(resolution_reached=False) | ~models.Q(exit_plan=""),
                name="riskpanel_resolution_has_exit_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"Strategy meeting{' review' if self.is_review else ''} for {self.case}"

    def get_absolute_url(self) -> str:
        return reverse("riskpanel:strategy_meeting_detail", args=[self.pk])

    @property
    def kind_label(self) -> str:
        return "Strategy meeting review" if self.is_review else "Strategy meeting"


class SafetyPlan(VersionedModel):
    """A versioned safety plan: draft, agreed, superseded (scrutiny Recs 11 and 13)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="safety_plans")
    number = models.PositiveSmallIntegerField(help_text="Version number of the plan for this case.")
    status = models.CharField(max_length=12, choices=SafetyPlanStatus.choices, default=SafetyPlanStatus.DRAFT)
    # A draft may leave any section empty; agreeing needs every one in rules.SAFETY_PLAN_NEEDED.
    risks = models.TextField("the risks", blank=True)
    keeping_safe = models.TextField("what keeps the young person safe", blank=True)
    who_does_what = models.TextField("who will do what, by when", blank=True)
    key_worker = models.CharField(max_length=200, blank=True)
    key_worker_contact = models.CharField(max_length=200, blank=True)
    out_of_hours_contacts = models.TextField("out-of-hours numbers", blank=True)
    other_contacts = models.TextField(blank=True)
    young_person_involvement = models.TextField("how the young person was involved", blank=True)
    young_person_said = models.TextField("what the young person said", blank=True)
    family_involvement = models.TextField("how parents or carers were involved", blank=True)
    family_said = models.TextField("what parents or carers said", blank=True)
    on_child_protection_plan = models.BooleanField(
        null=True, blank=True, help_text="Not answered yet (null) only while the plan is a draft."
    )
    review_due_on = models.DateField(
        null=True, blank=True, help_text="Set when the plan is agreed; due only while the plan is the agreed one."
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    superseded_at = models.DateTimeField(null=True, blank=True)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-number"]
        permissions = [("agree_safetyplan", "Can agree safety plans")]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="riskpanel_safety_plan_unique_number"),
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="agreed"), name="riskpanel_safety_plan_one_agreed"
            ),
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="draft"), name="riskpanel_safety_plan_one_draft"
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(agreed_at__isnull=False),
                name="riskpanel_safety_plan_agreed_with_a_time",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(on_child_protection_plan__isnull=False),
                name="riskpanel_safety_plan_agreed_says_whether_on_cp_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"Safety plan v{self.number} for {self.case}"

    def get_absolute_url(self) -> str:
        return reverse("riskpanel:safety_plan_detail", args=[self.pk])


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
    completed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    completion_note = models.TextField(blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        permissions = [("work_agency_actions", "Can see, update and complete the actions its agency owns")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(owner__isnull=False) | ~models.Q(owner_name=""),
                name="riskpanel_action_has_an_owner",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(completed_at__isnull=False),
                name="riskpanel_action_closed_with_a_time",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:80]

    def get_absolute_url(self) -> str:
        return reverse("riskpanel:action_detail", args=[self.pk])

    @property
    def owner_label(self) -> str:
        return str(self.owner) if self.owner_id else self.owner_name


class ActionProgressNote(VersionedModel):
    """What has been done so far on an open action, by the owning agency or the case's workers.
    Written once, never changed (the action's completion says what was done in the end)."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="progress_notes")
    note = models.TextField("progress so far")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(note=""), name="riskpanel_progress_note_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Progress on {self.action}"

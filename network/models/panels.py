"""The context panel (a "contextual MACE"): a multi-agency meeting about places, peer groups,
schools and online spaces, with the partners who hold them (police, licensing, housing, transport,
schools, youth services).

The network holds its own meeting records: riskpanel's panels are about children's cases and
riskpanel never reads these. A context panel has an agenda of contexts (each a place or peer group's
`Node`), the attendance of each agency, what the panel decided on each item, the actions agreed
(riskpanel's `Action`, linked from here), and minutes. Invited members (partners of any agency and
panel members) see the agenda and papers only while the panel is open: its access window.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.models import Agency, VersionedModel
from riskpanel.choices import MinutesStatus, PanelStatus

from ..choices import ContextItemKind

User = settings.AUTH_USER_MODEL


class ContextPanel(VersionedModel):
    meets_at = models.DateTimeField(db_index=True)
    location = models.CharField(max_length=200, blank=True)
    chair = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agencies = models.ManyToManyField(Agency, blank=True, related_name="+")
    members = models.ManyToManyField(
        User,
        blank=True,
        related_name="context_panels",
        help_text="Partners and panel members who may see the agenda and papers while it is open.",
    )
    status = models.CharField(max_length=10, choices=PanelStatus.choices, default=PanelStatus.SCHEDULED)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    minutes_status = models.CharField(max_length=5, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT)
    other_business = models.TextField(blank=True)
    minutes_finalised_at = models.DateTimeField(null=True, blank=True)
    minutes_finalised_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    attendance_recorded_at = models.DateTimeField("attendance last recorded", null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(m2m_fields=[agencies, members])

    class Meta:
        ordering = ["-meets_at", "-id"]
        permissions = [
            ("chair_context_panel", "Can schedule, open, close and record the decisions of context panels"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["meets_at"], name="network_one_context_panel_at_a_time"),
            models.CheckConstraint(
                condition=models.Q(minutes_status="draft") | models.Q(minutes_finalised_at__isnull=False),
                name="network_context_minutes_final_with_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Context panel {timezone.localtime(self.meets_at):%-d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("network:context_panel_detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == PanelStatus.CLOSED

    @property
    def minutes_final(self) -> bool:
        return self.minutes_status == MinutesStatus.FINAL


class ContextPanelItem(VersionedModel):
    """A context on a panel's agenda: why it is there, the paper (frozen when listed), and what
    the panel decided and discussed."""

    panel = models.ForeignKey(ContextPanel, on_delete=models.PROTECT, related_name="items")
    node = models.ForeignKey("network.Node", on_delete=models.PROTECT, related_name="context_panel_items")
    kind = models.CharField(max_length=20, choices=ContextItemKind.choices)
    presenting_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    details = models.TextField("what the panel is asked to consider", blank=True)
    paper = models.TextField(blank=True, help_text="The context's summary, as at the agenda.")
    paper_taken_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    decision = models.TextField("what the panel agreed", blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    discussion = models.TextField("what the panel discussed", blank=True)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "node"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="network_context_item_once_per_panel",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_at__isnull=True) | ~models.Q(decision=""),
                name="network_context_item_decided_with_a_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at the {self.panel}"

    def get_absolute_url(self) -> str:
        return reverse("network:context_item_detail", args=[self.panel_id, self.pk])

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None


class ContextPanelAttendance(models.Model):
    """Who came from one agency, and who sent apologies."""

    panel = models.ForeignKey(ContextPanel, on_delete=models.PROTECT, related_name="attendance")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    present = models.TextField("who attended", blank=True)
    apologies = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "agency"], name="network_context_attendance_agency_once"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} at the {self.panel}"


class ContextPanelAction(models.Model):
    """An action the panel agreed on an item: the multi-agency action itself is riskpanel's (its
    owning agency updates and completes it there); this says which context and panel it is for."""

    item = models.ForeignKey(ContextPanelItem, on_delete=models.PROTECT, related_name="actions")
    action = models.OneToOneField("riskpanel.Action", on_delete=models.PROTECT, related_name="context_item")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Action on {self.item}"

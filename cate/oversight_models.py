"""What closes the loops of issue 24: caseload breaches, supervision, the children-in-care CSE
review and the monthly audits. Imported by cate.models (the app's models module)."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from contacts.models import Contact
from core.models import VersionedModel

from .choices import AuditJudgement, AuditKind, RiskLevel

User = settings.AUTH_USER_MODEL


class CaseloadBreach(models.Model):
    """A case holder's weighted caseload over the limit (scrutiny Rec 28): from when to when, and its
    peak. Opened, raised and ended by cate.services.caseload_breaches_refresh; never deleted."""

    worker = models.ForeignKey(User, on_delete=models.PROTECT, related_name="caseload_breaches")
    started_at = models.DateTimeField(db_index=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    limit = models.PositiveIntegerField(help_text="The limit when the breach began.")
    peak = models.DecimalField("peak weighted caseload", max_digits=7, decimal_places=2)
    peak_cases = models.PositiveIntegerField("open cases at the peak")
    peak_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"], condition=models.Q(ended_at__isnull=True), name="cate_breach_one_open_per_worker"
            ),
        ]

    def __str__(self) -> str:
        return f"Caseload of {self.worker} past the limit from {self.started_at:%Y-%m-%d}"


class Supervision(VersionedModel):
    """A CATE worker's supervision (scrutiny Rec 33): when, by whom, the cases discussed and the
    actions agreed."""

    worker = models.ForeignKey(User, on_delete=models.PROTECT, related_name="supervisions")
    supervisor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(db_index=True)
    cases = models.ManyToManyField("cate.Case", blank=True, related_name="supervisions")
    actions_agreed = models.TextField()
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(m2m_fields=[cases])

    class Meta:
        ordering = ["-held_on", "-id"]
        permissions = [("record_supervision", "Can record the supervision of CATE workers")]

    def __str__(self) -> str:
        return f"Supervision of {self.worker} on {self.held_on:%Y-%m-%d}"


class ChildInCareReview(VersionedModel):
    """The Independent Reviewing Officer's six-monthly CSE risk review of a child in care (Rec 6)."""

    episode = models.ForeignKey("cate.StatutoryEpisode", on_delete=models.PROTECT, related_name="cse_reviews")
    reviewed_on = models.DateField()
    risk_level = models.CharField(max_length=12, choices=RiskLevel.choices)
    notes = models.TextField()
    reviewer = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        verbose_name = "CSE risk review of a child in care"
        permissions = [("record_cic_review", "Can record the CSE risk review of a child in care")]

    def __str__(self) -> str:
        return f"CSE risk review on {self.reviewed_on:%Y-%m-%d}"


class AuditSample(models.Model):
    """One month's random sample of one kind of closed work (scrutiny Rec 23). The seed and the
    population (ids in order) are kept, so that the draw can be made again and gives the same."""

    month = models.DateField(help_text="The first day of the month sampled.")
    kind = models.CharField(max_length=15, choices=AuditKind.choices)
    percent = models.PositiveSmallIntegerField()
    seed = models.BigIntegerField()
    population = models.JSONField(default=list, blank=True, help_text="The ids the sample was drawn from, in order.")
    drawn_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-month", "kind"]
        constraints = [models.UniqueConstraint(fields=["month", "kind"], name="cate_audit_sample_once_a_month")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: sample of {self.month:%B %Y}"


class AuditItem(VersionedModel):
    """One closed contact or case drawn for audit, and the team leader's judgement of it."""

    sample = models.ForeignKey(AuditSample, on_delete=models.PROTECT, related_name="items")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cate.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="audits")
    judgement = models.CharField(max_length=15, choices=AuditJudgement.choices, blank=True)
    reason = models.TextField("why the auditor disagrees", blank=True)
    action = models.TextField("the action needed", blank=True)
    judged_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    judged_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sample", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contact__isnull=False, case__isnull=True)
                | models.Q(contact__isnull=True, case__isnull=False),
                name="cate_audit_item_one_record",
            ),
        ]
        permissions = [("audit_closed_work", "Can audit the monthly sample of closed contacts and cases")]

    def __str__(self) -> str:
        return f"Audit of {self.contact or self.case}"

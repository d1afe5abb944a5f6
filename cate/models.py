"""CATE referrals and cases, from the front door's referral to closure."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from contacts.models import Child, Contact
from core.models import Agency, VersionedModel

from .choices import (
    AssessmentOutcome,
    AssessmentType,
    CaseStatus,
    ChronologyKind,
    Classification,
    ClosureItemDecision,
    ClosureStatus,
    GpLetterTrigger,
    NrmDecision,
    OpenTo,
    ReferralStatus,
    RhiLateReason,
    RhiStatus,
    RiskLevel,
    RiskSource,
    StatutoryKind,
    StepDownDestination,
    SupportService,
    SupportStatus,
    VisitKind,
)

User = settings.AUTH_USER_MODEL


class Referral(VersionedModel):
    """A child referred to CATE by Family Connect, awaiting the detailed assessment."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cate_referrals")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="cate_referrals")
    referred_at = models.DateTimeField(db_index=True)
    referred_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    assessment_due_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=25, choices=ReferralStatus.choices, default=ReferralStatus.AWAITING_ASSESSMENT)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessment_due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact"], condition=models.Q(contact__isnull=False), name="cate_referral_once_per_contact"
            ),
        ]

    def __str__(self) -> str:
        return f"Referral {self.pk} of {self.child}"

    def get_absolute_url(self) -> str:
        return reverse("cate:referral_detail", args=[self.pk])


class DetailedAssessment(VersionedModel):
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="assessment")
    assessment_type = models.CharField(max_length=20, choices=AssessmentType.choices)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    cse_is_factor = models.BooleanField(null=True, blank=True)
    outcome = models.CharField(max_length=30, choices=AssessmentOutcome.choices, blank=True)
    summary = models.TextField(blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Detailed assessment of {self.referral.child}"


class Case(VersionedModel):
    """A child's CATE case (an episode: a reopened child gets their case reopened, with history)."""

    reference = models.CharField(max_length=20, unique=True)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cate_cases")
    referral = models.OneToOneField(Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="case")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(db_index=True)
    opened_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_reopened_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN, db_index=True)
    open_to = models.CharField(max_length=10, choices=OpenTo.choices, default=OpenTo.CATE)
    cse = models.BooleanField("child sexual exploitation (CSE)", default=False)
    cce = models.BooleanField("child criminal exploitation (CCE)", default=False)
    other_exploitation = models.BooleanField("other exploitation", default=False)
    classification = models.CharField(max_length=10, choices=Classification.choices, blank=True)
    classified_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    classified_at = models.DateTimeField(null=True, blank=True)
    allocated_worker = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="allocated_cases"
    )
    allocation_due_at = models.DateTimeField(null=True, blank=True)
    current_risk_level = models.CharField(max_length=12, choices=RiskLevel.choices, blank=True)
    risk_level_source = models.CharField(max_length=12, choices=RiskSource.choices, blank=True)
    risk_level_set_at = models.DateTimeField(null=True, blank=True)
    next_visit_due_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="From the last visit seeing the child and the risk level."
    )
    worker_likely_witness = models.BooleanField(default=False)
    transition_due_on = models.DateField(null=True, blank=True)
    closure_reason = models.TextField(blank=True)
    exit_plan = models.TextField(blank=True)
    step_down_destination = models.CharField(max_length=200, choices=StepDownDestination.choices, blank=True)
    closure_proposed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closure_proposed_at = models.DateTimeField(null=True, blank=True)
    closure_approved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    legacy_key = models.CharField(max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["legacy_key"], condition=~models.Q(legacy_key=""), name="cate_case_unique_legacy_key"
            ),
            models.UniqueConstraint(
                fields=["child"], condition=~models.Q(status="closed"), name="cate_case_one_live_case_per_child"
            ),
        ]
        indexes = [models.Index(fields=["allocated_worker", "status"], name="cate_case_caseload_idx")]
        permissions = [
            ("allocate_case", "Can allocate and reallocate cases"),
            ("close_case", "Can approve the closure of cases"),
            ("view_all_cases", "Can see every CATE case (not only those allocated)"),
            ("record_panel_outcome", "Can set the risk level and write the GP letter of a case a risk panel decides"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.child.full_name})"

    def get_absolute_url(self) -> str:
        return reverse("cate:case_detail", args=[self.pk])

    @property
    def exploitation_types(self) -> list[str]:
        labels = [("CSE", self.cse), ("CCE", self.cce), ("Other", self.other_exploitation)]
        return [label for label, present in labels if present]

    @property
    def live_since(self):
        """The start of the current opening: first opened, or last reopened."""
        return self.last_reopened_at or self.opened_at

    @property
    def is_live(self) -> bool:
        return self.status != CaseStatus.CLOSED

    @property
    def is_open_to_cate(self) -> bool:
        return self.open_to in (OpenTo.CATE, OpenTo.BOTH)


class Allocation(models.Model):
    """Who held a case and when; the current allocation has no end."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="allocations")
    worker = models.ForeignKey(User, on_delete=models.PROTECT, related_name="allocations")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    allocated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    over_limit_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(ended_at__isnull=True), name="cate_allocation_one_current_per_case"
            ),
        ]
        indexes = [models.Index(fields=["worker", "ended_at"], name="cate_allocation_worker_idx")]

    def __str__(self) -> str:
        return f"{self.case} to {self.worker}"


class StatutoryEpisode(VersionedModel):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="statutory_episodes")
    kind = models.CharField(max_length=5, choices=StatutoryKind.choices)
    start = models.DateField()
    end = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="cate_statutory_episode_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.start}"


class ChronologyEvent(models.Model):
    """The case's chronology: every event the services record, and significant events added by hand."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="chronology")
    occurred_at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=20, choices=ChronologyKind.choices)
    summary = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    significant = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    entered_in_error = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["case", "-occurred_at"], name="cate_chronology_case_idx")]

    def __str__(self) -> str:
        return self.summary


class Visit(VersionedModel):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="visits")
    visited_at = models.DateTimeField()
    kind = models.CharField(max_length=15, choices=VisitKind.choices)
    location = models.CharField("where", max_length=200, blank=True)
    seen_alone = models.BooleanField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-visited_at", "-id"]
        indexes = [models.Index(fields=["case", "-visited_at"], name="cate_visit_case_idx")]

    def __str__(self) -> str:
        return f"Visit to {self.case} on {self.visited_at:%Y-%m-%d}"


class RiskAssessment(VersionedModel):
    """The worker's risk assessment: the ten factors, an overall level and the views of child and family."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="risk_assessments")
    assessed_at = models.DateTimeField()
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # {factor code: {"level": contacts.FactorLevel, "evidence": str}}, as the threshold assessment.
    factors = models.JSONField(default=dict)
    overall_level = models.CharField(max_length=12, choices=RiskLevel.choices)
    summary = models.TextField(blank=True)
    young_person_views = models.TextField("the young person's views")
    family_views = models.TextField("the family's views")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-assessed_at", "-id"]

    def __str__(self) -> str:
        return f"Risk assessment of {self.case} on {self.assessed_at:%Y-%m-%d}"


class MissingEpisode(VersionedModel):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="missing_episodes")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="missing_episodes")
    missing_from = models.DateTimeField()
    returned_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reported_by = models.CharField(max_length=200, blank=True)
    police_reference = models.CharField(max_length=50, blank=True)
    where_found = models.CharField(max_length=300, blank=True)
    rhi_eligible = models.BooleanField("eligible for a return home interview", default=True)
    rhi_ineligible_reason = models.TextField("why no return home interview is due", blank=True)
    rhi_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    back_to_back = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    legacy_key = models.CharField(max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-missing_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["legacy_key"], condition=~models.Q(legacy_key=""), name="cate_missing_unique_legacy_key"
            ),
            models.CheckConstraint(
                condition=models.Q(returned_at__isnull=True) | models.Q(returned_at__gte=models.F("missing_from")),
                name="cate_missing_returns_after_going_missing",
            ),
        ]

    def __str__(self) -> str:
        return f"Missing episode of {self.child} from {self.missing_from:%Y-%m-%d %H:%M}"


class ReturnHomeInterview(VersionedModel):
    episode = models.OneToOneField(MissingEpisode, on_delete=models.PROTECT, related_name="interview")
    status = models.CharField(max_length=10, choices=RhiStatus.choices)
    offered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    conducted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    conducted_by_other = models.CharField(max_length=200, blank=True)
    child_said = models.TextField("what the child said", blank=True)
    support_identified = models.TextField(blank=True)
    late_reason = models.CharField(max_length=20, choices=RhiLateReason.choices, blank=True)
    late_reason_detail = models.TextField(blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Return home interview for {self.episode}"

    @property
    def met_at(self):
        """When the interview stopped the clock: held, or declined by the child."""
        if self.status == RhiStatus.COMPLETED:
            return self.completed_at
        if self.status == RhiStatus.DECLINED:
            return self.declined_at
        return None


class NrmReferral(VersionedModel):
    """National Referral Mechanism referral: due for every open CATE case (000:L154)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="nrm_referrals")
    due_at = models.DateTimeField(null=True, blank=True)
    referred_on = models.DateField(null=True, blank=True, db_index=True)
    referred_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reasonable_grounds = models.CharField(max_length=10, choices=NrmDecision.choices, blank=True)
    reasonable_grounds_on = models.DateField(null=True, blank=True)
    conclusive_grounds = models.CharField(max_length=10, choices=NrmDecision.choices, blank=True)
    conclusive_grounds_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = "NRM referral"

    def __str__(self) -> str:
        return f"NRM referral for {self.case}"


class GpLetter(VersionedModel):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="gp_letters")
    trigger = models.CharField(max_length=12, choices=GpLetterTrigger.choices)
    practice = models.CharField(max_length=200, blank=True)
    # The practice's code and postal address as the register held them when the letter was written
    # (empty for a practice known by name only).
    practice_code = models.CharField("practice's ODS code", max_length=10, blank=True)
    practice_address = models.TextField(blank=True)
    # Who the letter is from: the case's allocated worker when it was written, else its writer.
    sender = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    due_at = models.DateTimeField(null=True, blank=True)
    generated_at = models.DateTimeField()
    generated_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField(null=True, blank=True)
    sent_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-generated_at", "-id"]
        verbose_name = "GP letter"

    def __str__(self) -> str:
        return f"GP letter for {self.case}"


class SupportReferral(VersionedModel):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="support_referrals")
    service = models.CharField(max_length=20, choices=SupportService.choices)
    service_other = models.CharField(max_length=200, blank=True)
    referred_on = models.DateField()
    status = models.CharField(max_length=20, choices=SupportStatus.choices, default=SupportStatus.REFERRED)
    first_appointment_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    follow_up_on = models.DateField(null=True, blank=True)
    sessions_offered = models.PositiveSmallIntegerField(default=0)
    sessions_attended = models.PositiveSmallIntegerField(default=0)
    # Declined or not engaging: offered again by this day (SCR Rec 8), done when a new referral to
    # the same service is made.
    reoffer_due_on = models.DateField(null=True, blank=True)
    reoffered_on = models.DateField(null=True, blank=True)
    referred_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-referred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sessions_attended__lte=models.F("sessions_offered")),
                name="cate_support_attended_within_offered",
            ),
        ]
        indexes = [
            models.Index(
                fields=["reoffer_due_on"],
                condition=models.Q(reoffer_due_on__isnull=False, reoffered_on__isnull=True),
                name="cate_support_reoffer_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} referral for {self.case}"


class Disclosure(VersionedModel):
    """A disclosure of abuse by the child. Made to the CATE worker, it makes them a likely witness
    (001:L2312-2315): support at interview and in court then comes from the ISVA service."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="disclosures")
    disclosed_on = models.DateField()
    made_to_worker = models.BooleanField("made to the CATE worker")
    worker = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    made_to_other = models.CharField("made to (name and role)", max_length=200, blank=True)
    summary = models.TextField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-disclosed_on", "-id"]

    def __str__(self) -> str:
        return f"Disclosure on {self.disclosed_on:%Y-%m-%d} ({self.case})"


class TransitionMeeting(VersionedModel):
    """The post-17 transition meeting (IITCSE Rec 11)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transition_meetings")
    held_on = models.DateField()
    attending_agencies = models.ManyToManyField(Agency, related_name="+")
    attendees = models.TextField(blank=True)
    decisions = models.TextField()
    onward_support_plan = models.TextField()
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(m2m_fields=[attending_agencies])

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Post-17 transition meeting for {self.case}"


class CaseClosure(VersionedModel):
    """One closure of a case: proposed by the worker, approved or returned by a team leader, and
    (once approved) possibly undone by reopening. Every proposal is kept."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="closures")
    status = models.CharField(max_length=10, choices=ClosureStatus.choices, default=ClosureStatus.PROPOSED)
    reason = models.TextField("reason for closing")
    exit_plan = models.TextField()
    step_down_destination = models.CharField(max_length=20, choices=StepDownDestination.choices)
    step_down_detail = models.CharField(max_length=200, blank=True)
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, help_text="Why it was returned, or a note on the approval.")
    reopened_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status="proposed"), name="cate_closure_one_proposal_per_case"
            ),
        ]

    def __str__(self) -> str:
        return f"Closure of {self.case} proposed {self.proposed_at:%Y-%m-%d}"


class ClosureItem(models.Model):
    """Something outstanding on the case when its closure was proposed: what it was, the worker's
    reason to go ahead all the same, and the team leader's answer (accepted, or returned)."""

    closure = models.ForeignKey(CaseClosure, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(max_length=60)
    message = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    reason = models.TextField("the worker's reason to go ahead")
    decision = models.CharField(max_length=10, choices=ClosureItemDecision.choices, blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["closure", "code"], name="cate_closure_item_once_per_closure"),
        ]

    def __str__(self) -> str:
        return f"{self.message[:80]} ({self.closure})"


class CaseUserObjectPermission(UserObjectPermissionBase):
    """Who may see and work on which case (django-guardian, direct foreign key for speed)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "case permission of a user"


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "case permission of a group"

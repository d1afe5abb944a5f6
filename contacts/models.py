"""The front door: the child index, contacts, threshold assessments, MACE and follow-ups."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.models import Agency, VersionedModel

from .choices import (
    Channel,
    ContactKind,
    ContactStatus,
    DuplicateFoundWhen,
    DuplicateStatus,
    Ethnicity,
    Gender,
    MaceStatus,
    Outcome,
    PracticeStatus,
    RecordStatus,
    ReferrerOutcomeChoice,
    SendStatus,
    Source,
    ThresholdLevel,
    ThresholdStatus,
)
from .validators import validate_nhs_number


class GpPractice(models.Model):
    """A GP practice of NHS England's register (ODS `epraccur`), imported by
    `manage.py import_gp_practices`; a child's record points to its practice by the ODS code."""

    code = models.CharField("ODS code", max_length=10, unique=True)
    name = models.CharField(max_length=200)
    address_line_1 = models.CharField(max_length=100, blank=True)
    address_line_2 = models.CharField(max_length=100, blank=True)
    address_line_3 = models.CharField(max_length=100, blank=True)
    address_line_4 = models.CharField(max_length=100, blank=True)
    address_line_5 = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    telephone = models.CharField(max_length=30, blank=True)
    status = models.CharField(max_length=1, choices=PracticeStatus.choices, default=PracticeStatus.ACTIVE)
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "code"]
        verbose_name = "GP practice"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def address_lines(self) -> list[str]:
        """The postal address, line by line, ending with the postcode (empty lines left out)."""
        lines = [
            self.address_line_1,
            self.address_line_2,
            self.address_line_3,
            self.address_line_4,
            self.address_line_5,
            self.postcode,
        ]
        return [line for line in lines if line]


class Child(VersionedModel):
    """A child or young person in the index. Never deleted: merged or marked entered in error."""

    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    known_as = models.CharField(
        "known-as names",
        max_length=200,
        blank=True,
        help_text="Nicknames and other names the child is known by, separated by commas.",
    )
    date_of_birth = models.DateField(null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(25)],
        help_text="When the date of birth is not known.",
    )
    gender = models.CharField(max_length=10, choices=Gender.choices, default=Gender.NOT_KNOWN)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    school = models.CharField(max_length=200, blank=True)
    gp_practice = models.CharField(
        "GP practice", max_length=200, blank=True, help_text="The practice's name, when it is not in the register."
    )
    registered_practice = models.ForeignKey(
        GpPractice,
        to_field="code",
        db_column="gp_practice_code",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="GP practice (register)",
    )
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, validators=[validate_nhs_number])
    send_status = models.CharField("SEND", max_length=12, choices=SendStatus.choices, default=SendStatus.NOT_KNOWN)
    receiving_education = models.BooleanField(null=True, blank=True)
    attendance_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    attendance_recorded_on = models.DateField(null=True, blank=True)
    in_care = models.BooleanField("child in care", default=False)
    placing_authority = models.CharField(
        max_length=200, blank=True, help_text="When placed here by another local authority."
    )
    open_to_cate = models.BooleanField(default=False, editable=False)
    previously_known_to_cate = models.BooleanField(default=False, editable=False)
    is_restricted = models.BooleanField(default=False, help_text="Visible only to the staff named on the record.")
    restricted_to = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    status = models.CharField(max_length=20, choices=RecordStatus.choices, default=RecordStatus.ACTIVE)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    legacy_key = models.CharField(max_length=64, blank=True)
    history = HistoricalRecords(m2m_fields=[restricted_to])

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name_plural = "children"
        constraints = [
            # Among the records everyone may see: a restricted record stays unknown to those not named
            # on it, so a second record of the same child can be made; the pair is then a possible
            # duplicate for the restricted record's staff to merge (contacts.services.duplicates).
            models.UniqueConstraint(
                fields=["nhs_number"],
                condition=~models.Q(nhs_number="") & models.Q(status="active") & models.Q(is_restricted=False),
                name="contacts_child_unique_active_open_nhs_number",
            ),
            models.UniqueConstraint(
                fields=["legacy_key"], condition=~models.Q(legacy_key=""), name="contacts_child_unique_legacy_key"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="merged") | models.Q(merged_into__isnull=False),
                name="contacts_child_merged_has_target",
            ),
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="contacts_child_name_idx"),
            models.Index(fields=["date_of_birth"], name="contacts_child_dob_idx"),
            # The few restricted children: every list leaves out those not naming the user.
            models.Index(fields=["id"], condition=models.Q(is_restricted=True), name="contacts_child_restricted_idx"),
            # The few merged children: reports count a merged child as the one it was merged into.
            models.Index(
                fields=["id"],
                include=["merged_into"],
                condition=models.Q(merged_into__isnull=False),
                name="contacts_child_merged_idx",
            ),
        ]
        permissions = [
            ("merge_child", "Can merge duplicate child records"),
            ("reverse_child_merge", "Can reverse a merge of child records"),
            ("restrict_child", "Can restrict a child's record to named staff"),
            ("set_cate_markers", "Can set the CATE markers on a child's record"),
        ]

    def __str__(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip() or self.known_as or "Name not known"
        return f"{name} (child {self.pk})" if self.pk else name

    def get_absolute_url(self) -> str:
        return reverse("contacts:child_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            errors["date_of_birth"] = "Date of birth must be today or in the past"
        if self.date_of_birth and self.estimated_age is not None:
            errors["estimated_age"] = "Leave the estimated age empty when you know the date of birth"
        if self.attendance_percent is not None and not self.attendance_recorded_on:
            errors["attendance_recorded_on"] = "Enter the date of the attendance figure"
        if self.placing_authority and not self.in_care:
            errors["placing_authority"] = "Leave the placing authority empty, or say that the child is in care"
        if errors:
            raise ValidationError(errors)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.known_as or "Name not known"

    @property
    def is_active(self) -> bool:
        return self.status == RecordStatus.ACTIVE


class ChildNameKey(models.Model):
    """A search key of a word of a child's names (contacts.matching.name_keys): the child index's own
    index for finding a name, the same on every database. Derived from the child's names and rewritten
    by the services that change them; no history of its own (the names have theirs)."""

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["child", "key"], name="contacts_childnamekey_unique")]
        indexes = [models.Index(fields=["key", "child"], name="contacts_childnamekey_key_idx")]

    def __str__(self) -> str:
        return f"{self.key} (child {self.child_id})"


class Contact(VersionedModel):
    """A concern reaching Family Connect, from receipt to the screener's decision."""

    reference = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=30, choices=ContactKind.choices, default=ContactKind.CONCERN)
    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.PROTECT, related_name="contacts")
    received_at = models.DateTimeField(db_index=True)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    source = models.CharField(max_length=20, choices=Source.choices)
    is_anonymous = models.BooleanField(default=False)
    referrer_organisation = models.CharField(max_length=200, blank=True)
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_role = models.CharField(max_length=200, blank=True)
    referrer_contact_details = models.CharField("how to reach the referrer", max_length=300, blank=True)
    referrer_email = models.EmailField(
        "referrer's e-mail address", blank=True, help_text="The acknowledgement and the outcome go here."
    )
    # What an anonymous reporter (or a referrer who cannot name the child) knows of the child.
    reported_child_name = models.CharField("name or nickname", max_length=200, blank=True)
    reported_child_age = models.CharField("age", max_length=50, blank=True)
    reported_locations = models.TextField("where the child is seen", blank=True)
    reported_school = models.CharField("school", max_length=200, blank=True)
    about_context = models.BooleanField(
        "about a place, group, school or online space",
        default=False,
        help_text="The concern is about a context (as well as, or instead of, a child); which one is linked later.",
    )
    concern = models.TextField("the concern, in the referrer's words")
    cse_concern = models.BooleanField("child sexual exploitation (CSE)", default=False)
    cce_concern = models.BooleanField("child criminal exploitation (CCE)", default=False)
    other_exploitation_concern = models.BooleanField("other exploitation", default=False)
    referrer_view_of_level = models.CharField(max_length=12, choices=ThresholdLevel.choices, blank=True)
    # A missing-from-home report (the police's, or anyone's): when the child went missing, and the
    # screener's assessment of its links to CSE, due after `missing_cse_assessment` (001:L1376-1378).
    missing_since = models.DateTimeField("missing since", null=True, blank=True)
    cse_link_due_at = models.DateTimeField(null=True, blank=True)
    cse_link_assessed_at = models.DateTimeField(null=True, blank=True)
    cse_link_assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cse_link_found = models.BooleanField("linked to CSE", null=True, blank=True)
    cse_link_notes = models.TextField(blank=True)
    # A missing-from-education report (a school's): the school days missed by its own count, and
    # the threshold in force when it was recorded (`missing_education_days`).
    school_days_missed = models.PositiveSmallIntegerField(null=True, blank=True)
    school_days_threshold = models.PositiveSmallIntegerField(null=True, blank=True)
    enquiry_on_open_case = models.BooleanField(
        default=False,
        help_text="An enquiry about a case already open: not counted as a referral (002:L478).",
    )
    status = models.CharField(
        max_length=20, choices=ContactStatus.choices, default=ContactStatus.AWAITING_SCREENING, db_index=True
    )
    decision_due_at = models.DateTimeField(db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    outcome_detail = models.TextField(blank=True, help_text="What was given, or why this outcome.")
    early_help_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    early_help_service = models.CharField(max_length=200, blank=True)
    refer_to_cate = models.BooleanField("referred to CATE", default=False)
    refer_to_statutory = models.BooleanField("referred to statutory safeguarding", default=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    late_decision_reason = models.TextField(blank=True)
    # A parent, relative or member of the public may be connected to the harm: the screener decides
    # whether they are told the outcome (issue 24), and the decision is kept with its reason.
    referrer_outcome = models.CharField(max_length=10, choices=ReferrerOutcomeChoice.choices, blank=True)
    referrer_outcome_reason = models.TextField(blank=True)
    entered_in_error_reason = models.TextField(blank=True)
    legacy_key = models.CharField(max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["legacy_key"], condition=~models.Q(legacy_key=""), name="contacts_contact_unique_legacy_key"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="decided") | ~models.Q(outcome=""),
                name="contacts_contact_decided_has_outcome",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="missing_from_home") | models.Q(missing_since__isnull=False),
                name="contacts_contact_missing_has_since",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="missing_from_education") | models.Q(school_days_missed__isnull=False),
                name="contacts_contact_education_has_days",
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="cate_or_statutory")
                | models.Q(refer_to_cate=True)
                | models.Q(refer_to_statutory=True),
                name="contacts_contact_referral_names_destination",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "decision_due_at"], name="contacts_contact_queue_idx"),
            models.Index(
                fields=["cse_link_due_at"],
                condition=models.Q(kind="missing_from_home", cse_link_assessed_at__isnull=True),
                name="contacts_contact_cse_link_idx",
            ),
            # Decisions by month on the dashboard: the last twelve months of decided contacts.
            models.Index(
                fields=["decided_at"],
                include=["decision_due_at", "id"],
                condition=models.Q(status="decided"),
                name="contacts_contact_decided_idx",
            ),
        ]
        permissions = [
            ("screen_contact", "Can screen contacts and assess the threshold level"),
            ("decide_contact", "Can decide the outcome of a contact"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("contacts:contact_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in (ContactStatus.AWAITING_SCREENING, ContactStatus.IN_SCREENING)

    @property
    def child_description(self) -> str:
        """The child as the record names them, or as the referrer described them."""
        if self.child_id:
            return self.child.full_name
        if not self.reported_child_name and self.about_context:
            return "No child named: about a place or group"
        return self.reported_child_name or "Child not identified"


class ThresholdAssessment(VersionedModel):
    """The screener's threshold assessment of a contact: ten factors and an overall level."""

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="threshold_assessment")
    status = models.CharField(max_length=10, choices=ThresholdStatus.choices, default=ThresholdStatus.COMPLETE)
    # {factor code: {"level": FactorLevel, "evidence": str}} for the ten ExploitationFactor codes
    # (a draft's level may be "", not chosen yet).
    factors = models.JSONField(default=dict)
    overall_level = models.CharField(max_length=12, choices=ThresholdLevel.choices, blank=True)
    reason_differs_from_highest = models.TextField(blank=True)
    # Who last saved it and when; for a complete assessment, who completed (or revised) it.
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | ~models.Q(overall_level=""),
                name="contacts_threshold_complete_has_a_level",
            ),
        ]

    @property
    def is_draft(self) -> bool:
        return self.status == ThresholdStatus.DRAFT

    def __str__(self) -> str:
        return f"Threshold assessment of {self.contact}"


class MaceRequest(VersionedModel):
    """A multi-agency child enquiry: the screener asks chosen agencies what they know of a child."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="mace_requests")
    question = models.TextField()
    agencies = models.ManyToManyField(Agency, through="MaceRecipient", related_name="mace_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=MaceStatus.choices, default=MaceStatus.OPEN)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = "multi-agency child enquiry"

    def __str__(self) -> str:
        return f"MACE {self.pk} on {self.contact}"

    def get_absolute_url(self) -> str:
        return reverse("contacts:mace_detail", args=[self.pk])


class MaceRecipient(models.Model):
    request = models.ForeignKey(MaceRequest, on_delete=models.PROTECT, related_name="recipients")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "agency"], name="contacts_mace_recipient_once")]

    def __str__(self) -> str:
        return f"{self.agency} on {self.request}"


class MaceEntry(models.Model):
    """One agency's information in a MACE. Partners see only their own agency's entries."""

    request = models.ForeignKey(MaceRequest, on_delete=models.PROTECT, related_name="entries")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    systems_checked = models.CharField(max_length=300, blank=True)
    information = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "MACE entries"
        indexes = [models.Index(fields=["request", "agency"], name="contacts_mace_entry_agency_idx")]
        permissions = [("view_all_mace_entries", "Can see every agency's entries in a MACE")]

    def __str__(self) -> str:
        return f"{self.agency} entry on {self.request}"


class EarlyHelpFollowUp(VersionedModel):
    """Closing the loop on an early-help referral to another agency (scrutiny Rec 23)."""

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="follow_up")
    due_at = models.DateTimeField(db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action_taken = models.BooleanField(null=True, blank=True, help_text="Did the agency take action?")
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Follow-up of {self.contact}"

    @property
    def is_done(self) -> bool:
        return self.completed_at is not None


class ChildMerge(models.Model):
    """Two child records found to be one child: every record linked to `source` moved to `target`.

    `moved` lists what moved ([{"model": "app_label.model", "field": "child", "pks": [...]}]) and
    `filled_fields` the details of the kept record that were empty and were filled from the other,
    so that an administrator can reverse the merge exactly.
    """

    source = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField()
    reason = models.TextField()
    moved = models.JSONField(default=list, blank=True)
    filled_fields = models.JSONField(default=dict, blank=True)
    target_markers_before = models.JSONField(default=dict, blank=True)
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reversal_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(source=models.F("target")), name="contacts_merge_two_records"),
            models.UniqueConstraint(
                fields=["source"], condition=models.Q(reversed_at__isnull=True), name="contacts_merge_source_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Merge {self.pk}: child {self.source_id} into child {self.target_id}"

    def get_absolute_url(self) -> str:
        return reverse("contacts:merge_detail", args=[self.pk])

    @property
    def moved_count(self) -> int:
        return sum(len(group["pks"]) for group in self.moved)


class PossibleDuplicate(VersionedModel):
    """Two child records that may be the same child, found when `child` was added or changed and
    matched `existing` (by the rule of selectors.likely_duplicates, or the same NHS number).

    When `existing` was hidden from the one who added or changed `child` (a restricted record not
    naming them), they were told nothing; the restricted record's named staff were alerted at once,
    and only they see the pair. The pair is merged (into the restricted record, which keeps its
    restriction) or marked as two different children, with a reason.
    """

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    existing = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    matched_on = models.CharField(max_length=200)
    found_when = models.CharField(max_length=10, choices=DuplicateFoundWhen.choices)
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    found_at = models.DateTimeField()
    existing_was_hidden = models.BooleanField(
        default=False, help_text="The one who added or changed the record could not see the record it matched."
    )
    status = models.CharField(max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_reason = models.TextField(blank=True)
    merge = models.ForeignKey(ChildMerge, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["found_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(child=models.F("existing")), name="contacts_duplicate_two"),
            # One pair however it was found (either record first).
            models.UniqueConstraint(
                Least("child", "existing"), Greatest("child", "existing"), name="contacts_duplicate_pair_once"
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(resolved_at__isnull=False),
                name="contacts_duplicate_resolved_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["found_at"], condition=models.Q(status="open"), name="contacts_duplicate_open_idx")
        ]

    def __str__(self) -> str:
        return f"Possible duplicate {self.pk}: child {self.child_id} and child {self.existing_id}"

    def get_absolute_url(self) -> str:
        return reverse("contacts:duplicate_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == DuplicateStatus.OPEN

    @property
    def kept_and_merged(self) -> tuple[Child, Child]:
        """(kept, merged) if the two are one child: the restricted record is kept, else the older one."""
        if self.child.is_restricted and not self.existing.is_restricted:
            return self.child, self.existing
        return self.existing, self.child


class AnonymousFormAttempt(models.Model):
    """One sending of the public form, for the per-address limit. The address is kept only as a
    keyed hash (HMAC with the secret key), so the reporter stays anonymous; old rows are pruned."""

    address_hash = models.CharField(max_length=64)
    at = models.DateTimeField()
    accepted = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["address_hash", "at"], name="contacts_anon_attempt_idx")]

    def __str__(self) -> str:
        return f"Attempt at {self.at:%Y-%m-%d %H:%M}"


from .loop_models import ReferrerMessage, SameNameSet, ThresholdReview  # noqa: E402, F401  (registered with the app)

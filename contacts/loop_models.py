"""The front door's loops (issue 24): the safeguarding advisors' review of a Complex or Acute
contact, and the messages that tell a referrer their contact arrived and what was decided.

Imported by contacts.models, so Django registers them with the app."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.models import VersionedModel

from .choices import ReferrerMessageKind, SameNameOutcome, ThresholdLevel, ThresholdReviewOutcome


class ThresholdReview(VersionedModel):
    """A contact assessed Complex or Acute, on the safeguarding advisors' review list until one of
    them records the review's outcome (001:L1369-1371)."""

    contact = models.OneToOneField("contacts.Contact", on_delete=models.PROTECT, related_name="threshold_review")
    level = models.CharField(max_length=12, choices=ThresholdLevel.choices)
    raised_at = models.DateTimeField(db_index=True)
    outcome = models.CharField(max_length=12, choices=ThresholdReviewOutcome.choices, blank=True)
    notes = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["raised_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome="") | models.Q(reviewed_at__isnull=False),
                name="contacts_threshold_review_outcome_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["raised_at"], condition=models.Q(outcome=""), name="contacts_threshold_review_open")
        ]

    def __str__(self) -> str:
        return f"Threshold review of {self.contact}"

    def get_absolute_url(self) -> str:
        return reverse("contacts:threshold_review_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return not self.outcome


class ReferrerMessage(models.Model):
    """An e-mail to a contact's referrer: the acknowledgement with the reference, or the outcome in
    words fit for a referrer. Once per contact and kind; it carries no names and no case content."""

    contact = models.ForeignKey("contacts.Contact", on_delete=models.PROTECT, related_name="referrer_messages")
    kind = models.CharField(max_length=20, choices=ReferrerMessageKind.choices)
    address = models.EmailField(max_length=254)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    gave_up = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "kind"], name="contacts_referrer_message_once"),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True, gave_up=False),
                name="contacts_referrer_msg_owed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to the referrer of {self.contact}"


class SameNameSet(VersionedModel):
    """Child records that share a name (the same phonetic key of first and last name, contacts.
    matching.same_name_key), as many as the `same_name_records_alert` setting or more: the Family
    Connect managers look at why and record the review (001:L1372-1374). A set with a restricted
    record is seen and reviewed only by the staff named on every restricted record in it."""

    key = models.CharField(max_length=40)
    members_key = models.CharField(max_length=2000, help_text="The records' numbers, sorted, comma-separated.")
    children = models.ManyToManyField("contacts.Child", related_name="+")
    found_at = models.DateTimeField(db_index=True)
    outcome = models.CharField(max_length=12, choices=SameNameOutcome.choices, blank=True)
    notes = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[children])

    class Meta:
        ordering = ["found_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["key", "members_key"], name="contacts_same_name_set_once"),
            models.CheckConstraint(
                condition=models.Q(outcome="") | models.Q(reviewed_at__isnull=False),
                name="contacts_same_name_outcome_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Child records sharing a name: set {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("contacts:same_name_set_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return not self.outcome

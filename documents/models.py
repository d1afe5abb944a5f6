"""A document held on a record of any app that declares it (core.contract.DocumentOwner), and its
versions. The document names its record generically (content type and id): the documents app reads
no app above core, and asks the record's own declaration who may see it."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.models import Agency, VersionedModel

from .choices import ScanStatus, Sensitivity
from .storage import document_storage


def document_types() -> list[tuple[str, str]]:
    """The kinds of document (settings.DOCUMENT_TYPES: a configurable list of (code, label))."""
    return [tuple(pair) for pair in settings.DOCUMENT_TYPES]


class Document(VersionedModel):
    owner_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    owner_id = models.PositiveBigIntegerField()
    # The child the record is about, as a number (core names no child model): the access log and
    # subject access find a child's documents by it.
    child_number = models.BigIntegerField(null=True, blank=True, editable=False)
    title = models.CharField(max_length=200)
    kind = models.CharField("type of document", max_length=40, choices=document_types)
    document_date = models.DateField("date of the document", help_text="The date the document itself bears.")
    source_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="from agency"
    )
    sensitivity = models.CharField(max_length=10, choices=Sensitivity.choices, default=Sensitivity.NORMAL)
    current = models.ForeignKey(
        "DocumentVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    withdrawn_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-document_date", "-id"]
        indexes = [
            models.Index(fields=["owner_type", "owner_id", "-document_date"], name="documents_owner_idx"),
            models.Index(fields=["child_number"], name="documents_child_idx"),
        ]
        permissions = [("withdraw_document", "Can withdraw a document with a reason")]

    def __str__(self) -> str:
        return f"Document {self.pk}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("documents:detail", args=[self.pk])

    @property
    def child_id(self) -> int | None:
        """For core.audit.child_number_of: the child this document is about."""
        return self.child_number

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


def _upload_to(version: DocumentVersion, filename: str) -> str:
    return filename  # the service names the file itself (documents.services.uploads.storage_name)


class DocumentVersion(models.Model):
    """One upload of a document; a new version replaces the document's current one, the old ones
    are kept. The file is stored under a random name with the extension of its detected type; the
    name it is downloaded under is the uploaded one, cleaned, with that extension."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=_upload_to, storage=document_storage, max_length=200)
    file_name = models.CharField(max_length=150)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    scan = models.CharField(max_length=10, choices=ScanStatus.choices)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()
    note = models.CharField("what changed", max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="documents_version_number_once")]

    def __str__(self) -> str:
        return f"Version {self.number} of document {self.document_id}"

    @property
    def child_id(self) -> int | None:
        return self.document.child_number

    @property
    def previewable(self) -> bool:
        return self.content_type in PREVIEWABLE


PREVIEWABLE = frozenset({"application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp"})

"""Documents for test set-up: made straight on a record (the upload service's checks have their own
tests), with a small stored file."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.utils import timezone

from core import audit
from documents import owners
from documents.choices import ScanStatus, Sensitivity
from documents.models import Document, DocumentVersion
from documents.storage import document_storage

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def document_on(
    record,
    key: str,
    *,
    actor,
    title: str = "Police report",
    kind: str = "police_report",
    sensitivity: str = Sensitivity.NORMAL,
    document_date: dt.date | None = None,
    data: bytes = PDF,
    withdrawn: bool = False,
) -> Document:
    owner = owners.owner_by_key(key)
    document = Document(
        owner_type=owners.content_type(owner),
        owner_id=record.pk,
        child_number=owners.child_number(owner, record),
        title=title,
        kind=kind,
        document_date=document_date or dt.date(2026, 3, 2),
        sensitivity=sensitivity,
        added_by=actor,
    )
    audit.save(document, actor=actor, reason="Test document")
    name = document_storage().save(f"test/{document.pk}.pdf", ContentFile(data))
    version = DocumentVersion(
        document=document,
        number=1,
        file_name=f"{title}.pdf",
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        scan=ScanStatus.UNSCANNED,
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    version.file.name = name
    audit.save(version, actor=actor, reason="Test document")
    document.current = version
    if withdrawn:
        document.withdrawn_at = timezone.now()
        document.withdrawn_by = actor
        document.withdrawn_reason = "Wrong child"
    audit.save_change(document, actor=actor, reason="Test document", clean=False)
    return document

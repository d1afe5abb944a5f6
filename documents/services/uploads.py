"""Adding documents and their versions, and withdrawing them.

An upload is checked before anything is stored: its size (settings.DOCUMENTS_MAX_UPLOAD_BYTES),
its type read from its bytes (documents.content: a program or a macro-enabled Office file is
refused whatever its name; the type must be one settings.DOCUMENTS_ALLOWED_TYPES allows), and
malware (documents.scanning: clamd when settings.CLAMAV_URL names it; an infected file is refused
and the attempt logged). An image loses its metadata (EXIF, GPS). The file is stored under a random
name with its detected type's extension; the name it downloads as is the uploaded one, cleaned,
with that same extension (a PDF named .exe downloads as .pdf)."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core import audit
from core.concurrency import check_version

from .. import content, images, owners, scanning
from ..choices import Sensitivity
from ..models import Document, DocumentVersion
from ..permissions import require_attach, require_withdraw
from ..storage import document_storage

logger = logging.getLogger("documents.uploads")


@dataclass(frozen=True)
class Checked:
    data: bytes
    kind: content.Kind
    file_name: str
    sha256: str
    scan: str


def megabytes(size: int) -> str:
    """A size as people read it: "25 MB", "2.5 MB", "300 KB"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"


def clean_name(name: str, extension: str) -> str:
    """The uploaded name made safe to send back (letters, digits, spaces, dots, dashes and
    underscores; no path; at most 100 characters) with the detected type's extension."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    stem = re.sub(r"[^A-Za-z0-9 ._-]+", "_", stem).strip(" ._-")
    stem = re.sub(r"[ ]{2,}", " ", stem)[:100] or "document"
    return stem + extension


def check_upload(upload, *, actor, record_label: str = "") -> Checked:
    """Read and check an uploaded file (Django's UploadedFile), or raise ValidationError on `file`."""
    limit = settings.DOCUMENTS_MAX_UPLOAD_BYTES
    if upload is None:
        raise ValidationError({"file": "Choose a file to upload"})
    if upload.size > limit:
        raise ValidationError(
            {"file": f"The file is {megabytes(upload.size)}: it must be {megabytes(limit)} or smaller"}
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError({"file": f"The file must be {megabytes(limit)} or smaller"})
    try:
        kind = content.detect(data)
        if kind.code not in settings.DOCUMENTS_ALLOWED_TYPES:
            raise content.Refused(f"{kind.label} files are not accepted here.")
        if kind.code in content.IMAGES:
            data = images.without_metadata(data, kind.code)
    except content.Refused as exc:
        logger.info("Upload refused for user %s (%s): %s", actor.pk, record_label, exc)
        raise ValidationError({"file": str(exc)}) from exc
    try:
        result = scanning.scan(data)
    except scanning.ScannerDown as exc:
        logger.error("The virus scanner did not answer: upload refused for user %s: %s", actor.pk, exc)
        raise ValidationError(
            {"file": "The virus scanner is not answering, so the file cannot be stored: try again later"}
        ) from exc
    if result.infected:
        logger.warning(
            "Infected upload refused: user %s, %s, file %r, %s", actor.pk, record_label, upload.name, result.signature
        )
        raise ValidationError({"file": f"The file contains malware ({result.signature}), so it was not stored"})
    return Checked(
        data=data,
        kind=kind,
        file_name=clean_name(upload.name, kind.extension),
        sha256=hashlib.sha256(data).hexdigest(),
        scan=result.status,
    )


def _store(document: Document, number: int, checked: Checked, *, actor, note: str = "") -> DocumentVersion:
    now = timezone.now()
    version = DocumentVersion(
        document=document,
        number=number,
        file_name=checked.file_name,
        content_type=checked.kind.mime,
        size=len(checked.data),
        sha256=checked.sha256,
        scan=checked.scan,
        uploaded_by=actor,
        uploaded_at=now,
        note=note,
    )
    name = f"{now:%Y/%m}/{uuid.uuid4().hex}{checked.kind.extension}"
    stored = document_storage().save(name, ContentFile(checked.data))
    version.file.name = stored
    try:
        audit.save(version, actor=actor, reason=f"Version {number} uploaded")
    except Exception:
        document_storage().delete(stored)  # never a file without its records
        raise
    return version


def document_add(
    *,
    owner,
    record,
    title: str,
    kind: str,
    document_date,
    source_agency,
    sensitivity: str,
    file,
    actor,
) -> Document:
    """Add a document to a record the actor may attach documents to."""
    require_attach(actor, owner, record)
    checked = check_upload(file, actor=actor, record_label=f"{owner.key} {record.pk}")
    with transaction.atomic():
        document = Document(
            owner_type=owners.content_type(owner),
            owner_id=record.pk,
            child_number=owners.child_number(owner, record),
            title=title,
            kind=kind,
            document_date=document_date,
            source_agency=source_agency,
            sensitivity=sensitivity or Sensitivity.NORMAL,
            added_by=actor,
        )
        audit.save(document, actor=actor, reason="Document added")
        document.current = _store(document, 1, checked, actor=actor)
        audit.save(document, actor=actor, reason="Version 1 uploaded", update_fields=["current"], clean=False)
    return document


def _lock(document: Document) -> Document:
    return Document.objects.select_for_update().get(pk=document.pk)


def document_new_version(*, document, owner, record, file, note: str = "", actor, expected_version=None) -> Document:
    """Replace a document's current version by a new upload; the earlier versions are kept."""
    require_attach(actor, owner, record)
    checked = check_upload(file, actor=actor, record_label=f"{owner.key} {record.pk}")
    with transaction.atomic():
        locked = _lock(document)
        check_version(locked, expected_version)
        if locked.withdrawn_at is not None:
            raise ValidationError("This document has been withdrawn")
        number = (locked.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        locked.current = _store(locked, number, checked, actor=actor, note=note)
        audit.save_change(locked, actor=actor, reason=f"Version {number} uploaded", fields=["current"], clean=False)
    return locked


def document_withdraw(*, document, owner, record, reason: str, actor, expected_version=None) -> Document:
    """Withdraw a document with a reason: it is kept (with every version) and hidden everywhere."""
    require_withdraw(actor, owner, record, document)
    if not (reason or "").strip():
        raise ValidationError({"reason": "Enter why the document is withdrawn"})
    with transaction.atomic():
        locked = _lock(document)
        check_version(locked, expected_version)
        if locked.withdrawn_at is not None:
            raise ValidationError("This document has already been withdrawn")
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = actor
        locked.withdrawn_reason = reason.strip()
        audit.save_change(
            locked,
            actor=actor,
            reason=f"Withdrawn: {reason.strip()}"[:100],
            fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"],
            clean=False,
        )
    return locked

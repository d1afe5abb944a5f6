"""The documents of the generated cases (a part of Generator): about three a case (police reports,
health letters, school reports, minutes), on the case and on its child, each with one small stored
file, through the documents' storage like an upload (metadata and a file, no content checks)."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db.models import Exists, OuterRef

from cate.models import Case
from contacts.models import Child
from documents.choices import ScanStatus, Sensitivity
from documents.models import Document, DocumentVersion
from documents.storage import document_storage

KINDS = (
    ("police_report", "Police report", "Police"),
    ("health_letter", "Health letter", "Health"),
    ("school_report", "School report", "Education"),
    ("minutes", "Minutes of the multi-agency meeting", "Police"),
    ("assessment", "Assessment", ""),
)


def small_file(title: str, reference: str) -> bytes:
    return f"{title}\nCase {reference}\nGenerated test document: no real person is named.\n".encode()


class DocumentsMixin:
    def documents(self) -> None:
        rng = self.rng
        case_type = ContentType.objects.get_for_model(Case)
        child_type = ContentType.objects.get_for_model(Child)
        documented = Document.objects.filter(owner_type=case_type, owner_id=OuterRef("pk"))
        cases = list(
            Case.objects.filter(~Exists(documented)).values_list("pk", "child_id", "reference", "opened_at", "status")
        )
        staff = self.workers or self.leaders
        docs, dates, files = [], [], []
        for pk, child_id, reference, opened_at, _status in cases:
            for index in range(rng.choice((2, 3, 3, 4))):
                kind, title, agency = rng.choice(KINDS)
                on_child = index == 0 and rng.random() < 0.4
                at = min(self.now, opened_at + dt.timedelta(days=rng.randint(0, 200)))
                docs.append(
                    Document(
                        owner_type=child_type if on_child else case_type,
                        owner_id=child_id if on_child else pk,
                        child_number=child_id,
                        title=f"{title} {index + 1}",
                        kind=kind,
                        document_date=at.date() - dt.timedelta(days=rng.randint(0, 10)),
                        source_agency=self.agencies.get(agency),
                        sensitivity=Sensitivity.SENSITIVE if rng.random() < 0.1 else Sensitivity.NORMAL,
                        added_by=rng.choice(staff),
                    )
                )
                dates.append(at)
                files.append(small_file(title, reference))
        docs = self.writer.insert(Document, docs, dates)
        storage = document_storage()
        versions = []
        for document, at, data in zip(docs, dates, files, strict=True):
            version = DocumentVersion(
                document=document,
                number=1,
                file_name=f"{document.title}.txt",
                content_type="text/plain",
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                scan=ScanStatus.UNSCANNED,
                uploaded_by=document.added_by,
                uploaded_at=at,
            )
            version.file.name = storage.save(f"generated/{at:%Y/%m}/{document.pk}.txt", ContentFile(data))
            versions.append(version)
        versions = self.writer.insert(DocumentVersion, versions, dates)
        for document, version in zip(docs, versions, strict=True):
            document.current = version
        Document.objects.bulk_update(docs, ["current"], batch_size=1000)
        self.say(f"{len(docs)} documents on {len(cases)} cases")

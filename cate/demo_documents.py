"""Demo documents on the demo cases (the local run): a police report (PDF), a school report (text)
and a photograph (PNG) on each allocated case, uploaded through the documents' service as its worker,
so they pass the same checks as any upload. Idempotent: a case with documents is left alone."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from core.models import Agency
from documents import owners, services
from documents.models import Document

from .models import Case


def _pdf(title: str) -> bytes:
    text = title.replace("(", "").replace(")", "")
    stream = f"BT /F1 14 Tf 40 150 Td ({text}) Tj ET".encode()
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 400 200]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
        + f"4 0 obj<</Length {len(stream)}>>stream\n".encode()
        + stream
        + b"\nendstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (180, 200, 220)).save(out, format="PNG")
    return out.getvalue()


def _files(case: Case) -> list[tuple[str, str, str, str, bytes]]:
    name = case.child.first_name
    return [
        ("police_report", f"Police report: {name} missing overnight", "Police", "police-report.pdf", _pdf(f"Police report on {case.reference}")),  # noqa: E501
        ("school_report", "School attendance summary", "Education", "attendance.txt", f"Attendance of {name}: 71% this term.\n".encode()),  # noqa: E501
        ("photograph", "Photograph of the car seen at the address", "Police", "car.png", _png()),
    ]  # fmt: skip


def seed_documents(cases) -> int:
    """Documents on each of these cases that has an allocated worker and no documents yet."""
    case_type = ContentType.objects.get_for_model(Case)
    owner = owners.owner_by_key("case")
    made = 0
    for case in cases:
        if case.allocated_worker is None or Document.objects.filter(owner_type=case_type, owner_id=case.pk).exists():
            continue
        for kind, title, agency, file_name, data in _files(case):
            services.document_add(
                owner=owner,
                record=case,
                title=title,
                kind=kind,
                document_date=timezone.localdate() - dt.timedelta(days=7 * (made % 5 + 1)),
                source_agency=Agency.objects.filter(name=agency).first(),
                sensitivity="normal",
                file=SimpleUploadedFile(file_name, data),
                actor=case.allocated_worker,
            )
            made += 1
    return made

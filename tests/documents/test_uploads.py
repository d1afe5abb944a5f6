"""Uploads are checked by their content, not their name: a PDF named .exe is stored as the PDF it
is, a program named .pdf is refused, a macro-enabled workbook is refused, an oversize file is
refused with its size, a photo loses its GPS and camera metadata, and (with clamd) the EICAR test
file is refused and logged. Everything refused leaves nothing stored."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.exceptions import StaleRecord
from core.roles import Role
from documents import owners, services
from documents.choices import ScanStatus, Sensitivity
from documents.images import metadata_of
from documents.models import Document
from tests.factories import allocated_case

from . import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(make_user, cate_team):
    leader = make_user(Role.TEAM_LEADER, team=cate_team)
    worker = make_user(Role.CATE_WORKER, team=cate_team)
    case = allocated_case(leader, worker)
    case.worker = worker
    case.leader = leader
    return case


def add(case, upload, *, actor=None, title="Police report", sensitivity=Sensitivity.NORMAL):
    return services.document_add(
        owner=owners.owner_by_key("case"),
        record=case,
        title=title,
        kind="police_report",
        document_date=dt.date(2026, 3, 2),
        source_agency=None,
        sensitivity=sensitivity,
        file=upload,
        actor=actor or case.worker,
    )


def stored_files(folder) -> list:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_a_pdf_named_exe_is_stored_as_the_pdf_it_is(case, upload, documents_folder):
    document = add(case, upload(samples.pdf(), "report from police.exe"))
    version = document.current
    assert version.content_type == "application/pdf"
    assert version.file_name == "report from police.pdf"
    assert version.file.name.endswith(".pdf") and "report" not in version.file.name  # a random stored name
    assert version.scan == ScanStatus.UNSCANNED
    assert version.number == 1 and document.child_number == case.child_id
    [path] = stored_files(documents_folder)
    assert path.read_bytes() == samples.pdf()


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (samples.windows_program(), "school report.pdf", "program"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "photo.jpg", "program"),
        (b"#!/bin/sh\nrm -rf /\n", "notes.txt", "program"),
        (samples.xlsm(), "attendance.xlsx", "macros"),
        (b"PK\x03\x04" + b"\x00" * 30, "minutes.docx", "not accepted"),
        (b"\x00\x01\x02\x03" * 50, "data.bin", "not accepted"),
        (b"", "empty.pdf", "empty"),
    ],
)
def test_a_file_that_is_not_an_accepted_document_is_refused_whatever_its_name(
    case, upload, documents_folder, data, name, says
):
    with pytest.raises(ValidationError) as refused:
        add(case, upload(data, name))
    assert says in str(refused.value.message_dict["file"]).lower()
    assert not Document.objects.exists()
    assert stored_files(documents_folder) == []


def test_an_oversize_file_is_refused_with_a_clear_error(case, upload, settings, documents_folder):
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as refused:
        add(case, upload(samples.pdf() + b"%" * 2000, "big.pdf"))
    assert refused.value.message_dict["file"] == ["The file is 2 KB: it must be 1 KB or smaller"]
    assert services.uploads.megabytes(30 * 1024 * 1024 + 1) == "30 MB"
    assert stored_files(documents_folder) == []


def test_the_default_size_limit_is_25_megabytes(settings):
    from django.conf import settings as live

    assert live.DOCUMENTS_MAX_UPLOAD_BYTES == 25 * 1024 * 1024


def test_a_type_the_setting_does_not_allow_is_refused(case, upload, settings):
    settings.DOCUMENTS_ALLOWED_TYPES = ["pdf"]
    with pytest.raises(ValidationError, match="Plain text files are not accepted"):
        add(case, upload(samples.text(), "notes.txt"))


def test_a_photo_loses_its_gps_and_camera_metadata(case, upload, documents_folder):
    photo = samples.jpeg_with_gps()
    before = metadata_of(photo)
    assert before["gps"] and before["exif"]  # the sample has them
    document = add(case, upload(photo, "IMG_0001.JPG"))
    [path] = stored_files(documents_folder)
    after = metadata_of(path.read_bytes())
    assert after["gps"] == {} and after["exif"] == {} and not after["xmp"]
    assert b"Phonemaker" not in path.read_bytes()
    assert document.current.content_type == "image/jpeg" and document.current.file_name == "IMG_0001.jpg"


@pytest.mark.parametrize(
    ("data", "name", "mime", "stored_as"),
    [
        (
            samples.xlsx(),
            "attendance",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "attendance.xlsx",
        ),
        (samples.png(), "bruise.png.exe", "image/png", "bruise.png.png"),
        (samples.eml(), "email from duty desk.txt", "message/rfc822", "email from duty desk.eml"),
        (samples.text(), "../../etc/passwd", "text/plain", "passwd.txt"),
        (samples.pdf(), 'a "quoted"; name\r\n.pdf', "application/pdf", "a _quoted_ name.pdf"),
    ],
)
def test_accepted_kinds_are_named_by_their_content(case, upload, data, name, mime, stored_as):
    version = add(case, upload(data, name)).current
    assert (version.content_type, version.file_name) == (mime, stored_as)


def test_a_new_version_replaces_the_current_one_and_the_old_is_kept(case, upload):
    document = add(case, upload(samples.pdf(), "plan.pdf"))
    first = document.current
    document = services.document_new_version(
        document=document,
        owner=owners.owner_by_key("case"),
        record=case,
        file=upload(samples.text(), "plan v2.txt"),
        note="Signed copy",
        actor=case.worker,
        expected_version=document.version,
    )
    assert document.current.number == 2 and document.current != first
    assert [v.number for v in document.versions.order_by("number")] == [1, 2]
    with pytest.raises(StaleRecord):  # a second upload from the page opened before the first
        services.document_new_version(
            document=document,
            owner=owners.owner_by_key("case"),
            record=case,
            file=upload(samples.text(), "plan v3.txt"),
            actor=case.worker,
            expected_version=document.version - 1,
        )


def test_withdrawing_needs_a_reason_keeps_the_document_and_refuses_a_stale_page(case, upload, make_user):
    document = add(case, upload(samples.pdf(), "plan.pdf"))
    owner = owners.owner_by_key("case")
    with pytest.raises(ValidationError):
        services.document_withdraw(document=document, owner=owner, record=case, reason=" ", actor=case.worker)
    withdrawn = services.document_withdraw(
        document=document, owner=owner, record=case, reason="Wrong child", actor=case.worker, expected_version=1
    )
    assert withdrawn.withdrawn_reason == "Wrong child" and withdrawn.withdrawn_by == case.worker
    assert Document.objects.filter(pk=document.pk).exists()  # kept, never deleted
    assert withdrawn.history.first().history_change_reason.startswith("Withdrawn")
    other = add(case, upload(samples.pdf(), "other.pdf"))
    with pytest.raises(StaleRecord):
        services.document_withdraw(
            document=other, owner=owner, record=case, reason="Duplicate", actor=case.leader, expected_version=0
        )


def test_only_those_who_may_attach_to_the_record_may_add(case, upload, make_user, cate_team):
    other_worker = make_user(Role.CATE_WORKER, team=cate_team)
    auditor = make_user(Role.AUDITOR)
    for actor in (other_worker, auditor):
        with pytest.raises(PermissionDenied):
            add(case, upload(samples.pdf()), actor=actor)
    assert add(case, upload(samples.pdf()), actor=case.leader).added_by == case.leader


def test_eicar_is_refused_and_logged_when_clamd_scans(case, upload, settings, clamd_url, caplog, documents_folder):
    settings.CLAMAV_URL = clamd_url
    with caplog.at_level(logging.WARNING, logger="documents.uploads"), pytest.raises(ValidationError) as refused:
        add(case, upload(samples.EICAR, "eicar.txt"))
    assert "malware" in refused.value.message_dict["file"][0]
    assert "Eicar-Test-Signature" in caplog.text and f"user {case.worker.pk}" in caplog.text
    assert stored_files(documents_folder) == [] and not Document.objects.exists()
    clean = add(case, upload(samples.pdf(), "report.pdf"))
    assert clean.current.scan == ScanStatus.CLEAN


def test_a_scanner_that_does_not_answer_refuses_the_upload(case, upload, settings, documents_folder):
    settings.CLAMAV_URL = "tcp://127.0.0.1:1"
    with pytest.raises(ValidationError, match="virus scanner is not answering"):
        add(case, upload(samples.pdf(), "report.pdf"))
    assert stored_files(documents_folder) == []

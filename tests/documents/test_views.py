"""The documents' pages: adding through the form (refusals on the form, nothing stored), the
download and preview (attachment, nosniff, the checked type, access-logged), 404 for everyone who
may not see the record (a partner, another worker, a withdrawn or sensitive document), a new version,
withdrawing, and the lists' filters and query counts."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.choices import AccessAction
from core.models import AccessLog
from core.roles import Role
from documents.choices import Sensitivity
from documents.models import Document
from tests.factories import allocated_case
from tests.factories.documents import PDF, document_on

from . import samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(make_user, cate_team):
    leader = make_user(Role.TEAM_LEADER, team=cate_team)
    worker = make_user(Role.CATE_WORKER, team=cate_team)
    case = allocated_case(leader, worker)
    case.worker, case.leader = worker, leader
    return case


def _form(**overrides) -> dict:
    data = {
        "title": "Police report of the missing episode",
        "kind": "police_report",
        "document_date_day": "2",
        "document_date_month": "3",
        "document_date_year": "2026",
        "sensitivity": "normal",
    }
    return {**data, **overrides}


def test_adding_a_document_through_the_form(case, client_for):
    client = client_for(case.worker)
    url = reverse("documents:add", args=["case", case.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {**_form(), "file": SimpleUploadedFile("report.exe", samples.pdf())})
    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert document.current.file_name == "report.pdf"
    page = client.get(reverse("documents:record_list", args=["case", case.pk]))
    assert "Police report of the missing episode" in page.content.decode()
    case_page = client.get(case.get_absolute_url())
    assert "Police report of the missing episode" in case_page.content.decode()


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (samples.windows_program(), "report.pdf", "is a program"),
        (samples.xlsm(), "attendance.xlsm", "contains macros"),
    ],
)
def test_a_refused_file_lands_on_the_form_with_everything_typed_kept(case, client_for, data, name, says):
    response = client_for(case.worker).post(
        reverse("documents:add", args=["case", case.pk]), {**_form(), "file": SimpleUploadedFile(name, data)}
    )
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page and says in page
    assert "Police report of the missing episode" in page  # the title typed is kept
    assert not Document.objects.exists()


def test_bad_input_is_refused_cleanly(case, client_for, settings):
    settings.DOCUMENTS_MAX_UPLOAD_BYTES = 100
    url = reverse("documents:add", args=["case", case.pk])
    client = client_for(case.worker)
    response = client.post(url, _form(kind="not-a-kind", document_date_day="31", document_date_month="2"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose a file to upload" in page and "must be a real date" in page
    response = client.post(url, {**_form(), "file": SimpleUploadedFile("big.pdf", samples.pdf() * 3)})
    assert "it must be 1 KB or smaller" in response.content.decode()


def test_a_download_is_an_attachment_of_the_checked_type_never_sniffed_and_logged(case, client_for):
    document = document_on(case, "case", actor=case.worker, title="Report")
    response = client_for(case.worker).get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Report.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF
    log = AccessLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Document), object_id=str(document.pk)
    ).get()
    assert log.action == AccessAction.EXPORT and log.user == case.worker and log.child_number == case.child_id
    preview = client_for(case.worker).get(reverse("documents:preview", args=[document.pk]))
    assert preview["Content-Disposition"].startswith("inline") and preview["X-Content-Type-Options"] == "nosniff"


def test_text_is_not_previewed_inline(case, client_for):
    document = document_on(case, "case", actor=case.worker, data=b"plain words")
    document.current.content_type = "text/plain"
    document.current.save()
    assert client_for(case.worker).get(reverse("documents:preview", args=[document.pk])).status_code == 404


def test_who_may_not_see_the_record_gets_404_as_for_a_missing_one(case, client_for, make_user, cate_team):
    document = document_on(case, "case", actor=case.worker)
    sensitive = document_on(case, "case", actor=case.worker, sensitivity=Sensitivity.SENSITIVE)
    withdrawn = document_on(case, "case", actor=case.worker, withdrawn=True)
    other_worker = make_user(Role.CATE_WORKER, team=cate_team)
    partner = make_user(Role.PARTNER)
    screener = make_user(Role.SCREENER)
    for user, hidden in (
        (other_worker, [document, sensitive, withdrawn]),
        (partner, [document, sensitive, withdrawn]),
        (screener, [document, sensitive, withdrawn]),
        (case.worker, [withdrawn]),
    ):
        client = client_for(user)
        for item in hidden:
            for name in ("detail", "download", "preview", "new_version", "withdraw"):
                assert client.get(reverse(f"documents:{name}", args=[item.pk])).status_code == 404, (user, name)
    missing = reverse("documents:download", args=[999999])
    assert client_for(case.worker).get(missing).status_code == 404
    assert (
        client_for(case.worker).get(reverse("documents:download", args=[document.pk]) + "?version=7").status_code == 404
    )
    assert (
        client_for(case.worker).get(reverse("documents:download", args=[document.pk]) + "?version=x").status_code == 404
    )
    assert client_for(case.leader).get(reverse("documents:detail", args=[sensitive.pk])).status_code == 200


def test_a_new_version_and_withdrawing_through_the_pages(case, client_for):
    document = document_on(case, "case", actor=case.worker, title="Plan")
    client = client_for(case.worker)
    response = client.post(
        reverse("documents:new_version", args=[document.pk]),
        {"version": document.version, "note": "Signed", "file": SimpleUploadedFile("plan.pdf", samples.pdf())},
    )
    assert response.status_code == 302
    stale = client.post(
        reverse("documents:new_version", args=[document.pk]),
        {"version": document.version, "file": SimpleUploadedFile("plan.pdf", samples.pdf())},
    )
    assert "Someone else changed this record" in stale.content.decode()
    document.refresh_from_db()
    assert document.current.number == 2 and document.versions.count() == 2
    old = client.get(reverse("documents:download", args=[document.pk]) + "?version=1")
    assert b"".join(old.streaming_content) == PDF
    response = client.post(
        reverse("documents:withdraw", args=[document.pk]), {"version": document.version, "reason": "Wrong child"}
    )
    assert response.status_code == 302
    assert client.get(reverse("documents:detail", args=[document.pk])).status_code == 404
    assert Document.objects.get(pk=document.pk).withdrawn_reason == "Wrong child"


def test_the_case_list_filters_by_type_and_date(case, client_for):
    import datetime as dt

    document_on(case, "case", actor=case.worker, title="Old police", document_date=dt.date(2025, 1, 5))
    document_on(case, "case", actor=case.worker, title="New court", kind="court", document_date=dt.date(2026, 2, 1))
    client = client_for(case.worker)
    url = reverse("documents:record_list", args=["case", case.pk])
    page = client.get(url, {"kind": "court"}).content.decode()
    assert "New court" in page and "Old police" not in page
    page = client.get(url, {"since_day": "1", "since_month": "1", "since_year": "2026"}).content.decode()
    assert "New court" in page and "Old police" not in page
    page = client.get(url, {"until_day": "1", "until_month": "1", "until_year": "2026", "page": "99"}).content.decode()
    assert "Old police" in page and "New court" not in page
    assert client.get(url, {"since_day": "x", "kind": "<script>"}).status_code == 200


@pytest.mark.parametrize("count", [1, 30])
def test_the_case_list_and_the_case_page_make_the_same_queries_for_1_and_30(
    case, client_for, count, django_assert_max_num_queries
):
    for number in range(count):
        document_on(case, "case", actor=case.worker, title=f"Report {number}")
    client = client_for(case.worker)
    client.get(case.get_absolute_url())  # sessions and caches warm
    with django_assert_max_num_queries(16):
        assert client.get(reverse("documents:record_list", args=["case", case.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("documents:download", args=[Document.objects.first().pk])).status_code == 200

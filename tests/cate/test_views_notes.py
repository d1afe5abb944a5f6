"""Case notes through their pages: writing, drafting, finalising, addenda, the case page's
management oversight, and the chronology filtered and printed."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cate import services
from cate.choices import NoteKind, NoteStatus
from cate.models import CaseNote

pytestmark = pytest.mark.django_db


def when(moment: dt.datetime) -> dict:
    local = timezone.localtime(moment)
    return {
        "occurred_at_day": str(local.day),
        "occurred_at_month": str(local.month),
        "occurred_at_year": str(local.year),
        "occurred_at_time": local.strftime("%H:%M"),
    }


def test_a_worker_writes_a_draft_then_finalises_it(case, worker, client_for):
    client = client_for(worker)
    add = reverse("cate:note_add", args=[case.pk])
    page = client.get(add)
    assert page.status_code == 200
    assert b'value="oversight"' not in page.content  # not a team leader
    response = client.post(add, {"intent": "draft", "involved": "Aunt", "text": "Half written"})
    note = CaseNote.objects.get(case=case, involved="Aunt")
    assert response.status_code == 302 and note.status == NoteStatus.DRAFT
    edit = reverse("cate:note_edit", args=[case.pk, note.pk])
    refused = client.post(edit, {"intent": "finalise", "version": note.version, "text": "Typed <b>again</b>"})
    assert refused.status_code == 200
    assert b"Enter when it happened" in refused.content and b"Select the type of note" in refused.content
    assert b"Typed &lt;b&gt;again&lt;/b&gt;" in refused.content  # kept, escaped
    done = client.post(
        edit,
        {
            "intent": "finalise",
            "version": note.version,
            "kind": NoteKind.HOME_OR_SCHOOL,
            "involved": "Aunt",
            "text": "Saw her at school reception",
            **when(timezone.now() - dt.timedelta(hours=2)),
        },
    )
    assert done.status_code == 302
    note.refresh_from_db()
    assert note.status == NoteStatus.FINAL
    # A finalised note cannot be edited any more, only added to.
    assert client.get(edit).status_code == 403
    detail = client.get(note.get_absolute_url())
    assert b"Add an addendum" in detail.content and b"Change or finalise" not in detail.content


def test_a_team_leader_records_oversight_shown_on_the_case_page_with_its_date(case, leader, worker, client_for):
    client = client_for(leader)
    form = client.get(reverse("cate:note_add", args=[case.pk]) + "?kind=oversight")
    assert b'value="oversight" checked' in form.content or b'value="oversight"\n' in form.content
    moment = timezone.now() - dt.timedelta(days=1)
    response = client.post(
        reverse("cate:note_add", args=[case.pk]),
        {"intent": "finalise", "kind": "oversight", "text": "Reviewed plan: proportionate", **when(moment)},
    )
    assert response.status_code == 302
    page = client_for(worker).get(case.get_absolute_url())
    assert b"Management oversight" in page.content and b"Reviewed plan: proportionate" in page.content
    assert timezone.localtime(moment).strftime("%-d %b %Y").encode() in page.content


def test_a_worker_posting_oversight_is_refused_on_the_form(case, worker, client_for):
    response = client_for(worker).post(
        reverse("cate:note_add", args=[case.pk]),
        {"intent": "finalise", "kind": "oversight", "text": "Pretending", **when(timezone.now())},
    )
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert not CaseNote.objects.filter(case=case).exists()


def test_an_addendum_through_its_page(case, worker, leader, client_for):
    note = services.case_note_create(
        case=case, occurred_at=timezone.now(), kind="phone_call", involved="Mother", text="Call", finalise=True,
        actor=worker,
    )  # fmt: skip
    url = reverse("cate:note_addendum_add", args=[case.pk, note.pk])
    client = client_for(leader)
    assert b"Enter the addendum" in client.post(url, {"text": ""}).content
    assert client.post(url, {"text": "Correction: it was the father"}).status_code == 302
    page = client.get(note.get_absolute_url())
    assert b"Correction: it was the father" in page.content and str(leader).encode() in page.content


def test_someone_elses_draft_is_not_found(case, worker, leader, client_for):
    draft = services.case_note_create(
        case=case, occurred_at=None, kind="", involved="", text="Private draft", finalise=False, actor=worker
    )
    client = client_for(leader)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("cate:note_edit", args=[case.pk, draft.pk])).status_code == 404
    assert b"Private draft" not in client.get(reverse("cate:note_list", args=[case.pk])).content


@pytest.mark.parametrize("persona", ["police", "health", "panel_member", "other_worker", "advisor"])
def test_partners_and_outsiders_never_reach_a_cases_notes(case, personas, client_for, persona):
    client = client_for(personas[persona])
    assert client.get(reverse("cate:note_list", args=[case.pk])).status_code == 404
    assert client.post(reverse("cate:note_add", args=[case.pk]), {"text": "x"}).status_code == 404


def test_the_chronology_filtered_by_type_and_printed(case, worker, client_for):
    services.case_note_create(
        case=case, occurred_at=timezone.now(), kind="meeting", involved="School", text="Meeting note", finalise=True,
        actor=worker,
    )  # fmt: skip
    services.visit_record(
        case=case, visited_at=timezone.now(), kind="face_to_face", location="Home", seen_alone=True, notes="",
        actor=worker,
    )  # fmt: skip
    client = client_for(worker)
    url = reverse("cate:chronology", args=[case.pk])
    every = client.get(url).content
    assert b"Meeting (School)" in every and b"Visit:</span>" in every
    meetings = client.get(url + "?kind=note:meeting").content
    assert b"Meeting (School)" in meetings and b"Visit:</span>" not in meetings
    printed = client.get(url + "?print=1&kind=note:meeting")
    assert printed.status_code == 200 and b"Case note: Meeting" in printed.content
    assert b"Meeting note" in printed.content
    assert client.get(url + "?kind=<script>").status_code == 200  # an unknown kind shows every event

"""Case notes: drafts their author's alone, finalising into the chronology, addenda the only
correction, management oversight the team leaders' own kind; as each persona."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cate import note_selectors, services
from cate.choices import ChronologyKind, NoteKind, NoteStatus
from cate.models import CaseNote
from core.exceptions import StaleRecord
from tests.factories import approve_closure, propose_closure

from .helpers import assert_history

pytestmark = pytest.mark.django_db


def write(case, actor, *, finalise=True, kind=NoteKind.PHONE_CALL, text="Spoke to mother about curfew", **kw):
    values = {"occurred_at": timezone.now() - dt.timedelta(hours=1), "involved": "Mother", **kw}
    return services.case_note_create(case=case, kind=kind, text=text, finalise=finalise, actor=actor, **values)


def test_a_finalised_note_is_in_the_chronology_with_its_type_and_history(case, worker):
    note = write(case, worker)
    assert note.status == NoteStatus.FINAL and note.finalised_at is not None
    assert_history(note, worker, "Case note finalised")
    event = case.chronology.get(note=note)
    assert event.kind == ChronologyKind.CASE_NOTE
    assert event.summary == "Phone call (Mother)" and event.detail == "Spoke to mother about curfew"
    assert event.recorded_by == worker


def test_a_draft_keeps_what_is_filled_in_stays_out_of_the_chronology_and_is_its_authors(case, worker, leader):
    draft = write(case, worker, finalise=False, kind="", text="", occurred_at=None)
    assert draft.status == NoteStatus.DRAFT
    assert not case.chronology.filter(note=draft).exists()
    # Only the author reads it and changes it.
    assert note_selectors.notes_of(case, worker).filter(pk=draft.pk).exists()
    assert not note_selectors.notes_of(case, leader).filter(pk=draft.pk).exists()
    with pytest.raises(PermissionDenied):
        services.case_note_update(
            note=draft, occurred_at=None, kind="", involved="", text="x", finalise=False, actor=leader
        )
    # Finalising asks for everything at once.
    with pytest.raises(ValidationError) as refused:
        services.case_note_update(
            note=draft, occurred_at=None, kind="", involved="", text="", finalise=True, actor=worker
        )
    assert set(refused.value.message_dict) == {"occurred_at", "kind", "text"}
    note = services.case_note_update(
        note=draft,
        occurred_at=timezone.now(),
        kind=NoteKind.MEETING,
        involved="School",
        text="Met the head of year",
        finalise=True,
        actor=worker,
        expected_version=draft.version,
    )
    assert note.status == NoteStatus.FINAL
    assert case.chronology.filter(note=note, kind=ChronologyKind.CASE_NOTE).count() == 1
    reasons = list(note.history.order_by("history_date").values_list("history_change_reason", flat=True))
    assert reasons == ["Case note drafted", "Draft case note changed", "Case note finalised"]


def test_a_stale_draft_is_refused(case, worker):
    draft = write(case, worker, finalise=False)
    services.case_note_update(
        note=draft, occurred_at=None, kind="", involved="", text="First", finalise=False, actor=worker,
        expected_version=draft.version,
    )  # fmt: skip
    with pytest.raises(StaleRecord):
        services.case_note_update(
            note=draft, occurred_at=None, kind="", involved="", text="Second", finalise=False, actor=worker,
            expected_version=draft.version,
        )  # fmt: skip
    assert CaseNote.objects.get(pk=draft.pk).text == "First"


def test_a_finalised_note_is_corrected_only_by_an_addendum(case, worker, leader):
    note = write(case, worker)
    with pytest.raises(ValidationError):
        services.case_note_update(
            note=note, occurred_at=None, kind="", involved="", text="Rewritten", finalise=False, actor=worker
        )
    addendum = services.case_note_add_addendum(note=note, text="It was the father, not the mother", actor=leader)
    note.refresh_from_db()
    assert note.text == "Spoke to mother about curfew"
    assert addendum.written_by == leader
    assert_history(addendum, leader, "Addendum to a case note")
    event = case.chronology.filter(note=note).order_by("-id").first()
    assert event.summary.startswith("Addendum to the phone call note of") and event.recorded_by == leader
    with pytest.raises(ValidationError):
        services.case_note_add_addendum(note=note, text="   ", actor=worker)


def test_an_addendum_to_a_draft_is_refused(case, worker):
    with pytest.raises(ValidationError):
        services.case_note_add_addendum(note=write(case, worker, finalise=False), text="x", actor=worker)


def test_management_oversight_is_the_team_leaders_own(case, worker, leader, personas):
    with pytest.raises(ValidationError) as refused:
        write(case, worker, kind=NoteKind.OVERSIGHT)
    assert "kind" in refused.value.message_dict
    with pytest.raises(ValidationError):
        write(case, personas["group_manager"], kind=NoteKind.OVERSIGHT)
    note = write(case, leader, kind=NoteKind.OVERSIGHT, text="Agreed the plan; review in four weeks")
    assert case.chronology.get(note=note).kind == ChronologyKind.OVERSIGHT
    assert list(note_selectors.oversight_of(case)) == [note]
    # A worker may not add to the team leader's oversight either.
    with pytest.raises(ValidationError):
        services.case_note_add_addendum(note=note, text="x", actor=worker)


@pytest.mark.parametrize(
    "persona",
    [
        "other_worker",
        "police",
        "health",
        "panel_member",
        "fc_manager",
        "screener",
        "advisor",
        "auditor",
        "administrator",
    ],
)
def test_nobody_off_the_case_writes_a_note(case, personas, persona):
    with pytest.raises(PermissionDenied):
        write(case, personas[persona])


def test_a_group_manager_writes_an_ordinary_note(case, personas):
    assert write(case, personas["group_manager"]).status == NoteStatus.FINAL


def test_bad_input_is_refused_with_every_fault(case, worker):
    with pytest.raises(ValidationError) as refused:
        services.case_note_create(
            case=case,
            occurred_at=timezone.now() + dt.timedelta(days=2),
            kind="visit",
            involved="x" * 301,
            text="",
            finalise=True,
            actor=worker,
        )
    assert set(refused.value.message_dict) == {"occurred_at", "kind", "involved", "text"}


def test_a_closed_case_takes_no_note(case, worker, leader):
    note = write(case, worker)
    propose_closure(case, worker)
    approve_closure(case, leader)
    with pytest.raises(PermissionDenied):  # the worker no longer works on it
        write(case, worker)
    with pytest.raises(ValidationError):
        write(case, leader)
    with pytest.raises(ValidationError):
        services.case_note_add_addendum(note=note, text="Late", actor=leader)


def test_the_chronology_filters_by_type_and_shows_visits_beside_notes(case, worker, leader):
    call = write(case, worker)
    meeting = write(case, worker, kind=NoteKind.MEETING)
    oversight = write(case, leader, kind=NoteKind.OVERSIGHT)
    services.visit_record(
        case=case, visited_at=timezone.now(), kind="face_to_face", location="", seen_alone=True, notes="", actor=worker
    )
    every = note_selectors.chronology_filtered(case)
    assert {ChronologyKind.VISIT, ChronologyKind.CASE_NOTE, ChronologyKind.OVERSIGHT} <= set(
        every.values_list("kind", flat=True)
    )
    calls = note_selectors.chronology_filtered(case, kind="note:phone_call")
    assert [e.note_id for e in calls] == [call.pk]
    notes = note_selectors.chronology_filtered(case, kind="case_note")
    assert {e.note_id for e in notes} == {call.pk, meeting.pk}
    assert [e.note_id for e in note_selectors.chronology_filtered(case, kind="oversight")] == [oversight.pk]
    assert set(note_selectors.chronology_filtered(case, kind="visit").values_list("kind", flat=True)) == {"visit"}

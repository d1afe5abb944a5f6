"""Case notes: drafts their author may change until finalised, then part of the record and the
chronology, corrected only by an addendum (the note itself never changes again). Management
oversight notes are the team leaders' own kind."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit, clock
from core.concurrency import check_version

from .. import rules
from ..choices import ChronologyKind, NoteKind, NoteStatus
from ..models import Case, CaseNote, CaseNoteAddendum
from ..permissions import ADD_CASE_NOTE, ADD_NOTE_ADDENDUM, ADD_OVERSIGHT_NOTE, require_work_on_case
from ._common import future_errors, lock_case, require_live
from .chronology import chronology_record

ONLY_TEAM_LEADERS = "Only a team leader can write a management oversight note"


def _chronology_kind(kind: str) -> str:
    return ChronologyKind.OVERSIGHT if kind == NoteKind.OVERSIGHT else ChronologyKind.CASE_NOTE


def _check(*, actor, occurred_at, kind: str, involved: str, text: str, finalise: bool) -> None:
    """Every fault at once: a kind not on the list, oversight by anyone but a team leader, a moment in
    the future, and on finalising whatever a finished note lacks."""
    errors = future_errors(("occurred_at", "When it happened", occurred_at))
    if kind and kind not in NoteKind.values:
        errors["kind"] = "Select the type of note"
    elif kind == NoteKind.OVERSIGHT and not actor.has_perm(ADD_OVERSIGHT_NOTE):
        errors["kind"] = ONLY_TEAM_LEADERS
    if len(involved) > 300:
        errors["involved"] = "Who was involved must be 300 characters or fewer"
    if finalise:
        for field, message in rules.note_completeness_errors(occurred_at=occurred_at, kind=kind, text=text).items():
            errors.setdefault(field, message)
    if errors:
        raise ValidationError(errors)


def _finalise(note: CaseNote, case: Case, *, actor) -> None:
    note.status = NoteStatus.FINAL
    note.finalised_at = timezone.now()
    audit.save_change(note, actor=actor, reason="Case note finalised")
    who = f" ({note.involved})" if note.involved else ""
    chronology_record(
        case=case,
        kind=_chronology_kind(note.kind),
        actor=actor,
        occurred_at=note.occurred_at,
        summary=f"{note.get_kind_display()}{who}",
        detail=note.text,
        note=note,
    )


def case_note_create(
    *,
    case: Case,
    occurred_at: dt.datetime | None,
    kind: str,
    involved: str,
    text: str,
    finalise: bool,
    actor,
) -> CaseNote:
    """Write a case note on a case the actor works on: a draft, or finalised at once."""
    require_work_on_case(actor, case, ADD_CASE_NOTE)
    involved, text = involved.strip(), text.strip()
    _check(actor=actor, occurred_at=occurred_at, kind=kind, involved=involved, text=text, finalise=finalise)
    with transaction.atomic():
        case = lock_case(case)
        require_live(case)
        note = CaseNote(case=case, occurred_at=occurred_at, kind=kind, involved=involved, text=text, author=actor)
        audit.save(note, actor=actor, reason="Case note drafted")
        if finalise:
            _finalise(note, case, actor=actor)
    return note


def case_note_update(
    *,
    note: CaseNote,
    occurred_at: dt.datetime | None,
    kind: str,
    involved: str,
    text: str,
    finalise: bool,
    actor,
    expected_version: int | None = None,
) -> CaseNote:
    """Change a draft (its author only), and finalise it if asked. A finalised note is refused: it is
    corrected by an addendum."""
    case = note.case
    require_work_on_case(actor, case, ADD_CASE_NOTE)
    involved, text = involved.strip(), text.strip()
    with transaction.atomic():
        case = lock_case(case)
        note = CaseNote.objects.select_for_update().get(pk=note.pk)
        if note.author_id != actor.pk:
            raise PermissionDenied("Only the author changes a draft case note.")
        check_version(note, expected_version)
        require_live(case)
        if not note.is_draft:
            raise ValidationError("This note has been finalised: add an addendum to correct it.")
        _check(actor=actor, occurred_at=occurred_at, kind=kind, involved=involved, text=text, finalise=finalise)
        new = (occurred_at, kind, involved, text)
        if new != (note.occurred_at, note.kind, note.involved, note.text):
            note.occurred_at, note.kind, note.involved, note.text = new
            audit.save_change(note, actor=actor, reason="Draft case note changed")
        if finalise:
            _finalise(note, case, actor=actor)
    return note


def case_note_add_addendum(*, note: CaseNote, text: str, actor) -> CaseNoteAddendum:
    """Correct or add to a finalised note: the addendum is kept beside it and in the chronology."""
    case = note.case
    require_work_on_case(actor, case, ADD_NOTE_ADDENDUM)
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Enter the addendum"})
    with transaction.atomic():
        case = lock_case(case)
        note = CaseNote.objects.select_for_update().get(pk=note.pk)
        require_live(case)
        if note.is_draft:
            raise ValidationError("A draft is changed, not given an addendum: finalise it first.")
        if note.kind == NoteKind.OVERSIGHT and not actor.has_perm(ADD_OVERSIGHT_NOTE):
            raise ValidationError({"text": "Only a team leader adds to a management oversight note"})
        day = f"{clock.local(note.occurred_at):%-d %B %Y}"
        addendum = CaseNoteAddendum(note=note, text=text, written_by=actor, written_at=timezone.now())
        audit.save(addendum, actor=actor, reason="Addendum to a case note")
        chronology_record(
            case=case,
            kind=_chronology_kind(note.kind),
            actor=actor,
            summary=f"Addendum to the {note.get_kind_display().lower()} note of {day}",
            detail=text,
            note=note,
        )
    return addendum

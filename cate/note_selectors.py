"""Reads of case notes and of the chronology they appear in (the case already read through
`case_get_for_user`, so whoever reads these may open the case). A draft is its author's alone."""

from __future__ import annotations

from django.db.models import F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from .choices import ChronologyKind, NoteKind, NoteStatus
from .models import Case, CaseNote, CaseNoteAddendum, ChronologyEvent

# The chronology's filter: each kind of event, case notes by their type.
NOTE_FILTER_PREFIX = "note:"


def chronology_kinds() -> list[tuple[str, str]]:
    kinds = [(k.value, k.label) for k in ChronologyKind if k not in (ChronologyKind.CASE_NOTE, ChronologyKind.OTHER)]
    notes = [(f"{NOTE_FILTER_PREFIX}{k.value}", f"Case note: {k.label}") for k in NoteKind if k != NoteKind.OVERSIGHT]
    return [*kinds, (ChronologyKind.CASE_NOTE.value, "Case notes (every type)"), *notes, ("other", "Other")]


def chronology_filtered(case: Case, *, kind: str = "", significant_only: bool = False) -> QuerySet[ChronologyEvent]:
    """The case's chronology, newest first, of one kind (a chronology kind, or `note:<type>` for the
    case notes of one type) or every kind."""
    rows = case.chronology.select_related("recorded_by")
    if significant_only:
        rows = rows.filter(significant=True)
    if kind.startswith(NOTE_FILTER_PREFIX):
        rows = rows.filter(kind=ChronologyKind.CASE_NOTE, note__kind=kind.removeprefix(NOTE_FILTER_PREFIX))
    elif kind:
        rows = rows.filter(kind=kind)
    return rows


def _readable(case: Case, user) -> QuerySet[CaseNote]:
    return case.notes.filter(Q(status=NoteStatus.FINAL) | Q(author_id=user.pk))


def notes_of(case: Case, user) -> QuerySet[CaseNote]:
    """The case's finalised notes and the reader's own drafts, drafts first, then newest first."""
    return (
        _readable(case, user)
        .select_related("author")
        .prefetch_related(Prefetch("addenda", queryset=CaseNoteAddendum.objects.select_related("written_by")))
        .order_by("status", F("occurred_at").desc(nulls_first=True), "-id")
    )


def oversight_of(case: Case) -> QuerySet[CaseNote]:
    """The case's management oversight notes, newest first."""
    return case.notes.filter(status=NoteStatus.FINAL, kind=NoteKind.OVERSIGHT).select_related("author")


def note_get_on_case(case: Case, pk: int, user) -> CaseNote:
    """A note of the case: finalised, or a draft of the reader's own (404 otherwise)."""
    return get_object_or_404(_readable(case, user).select_related("author"), pk=pk)


def note_addenda(note: CaseNote) -> list[CaseNoteAddendum]:
    return list(note.addenda.select_related("written_by"))


def note_history(note: CaseNote):
    """Every saved state of the note, newest first, with who saved it and why."""
    return note.history.select_related("history_user").order_by("-history_date", "-history_id")

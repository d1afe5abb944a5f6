"""Forms of case notes: a draft keeps whatever is filled in; finalising asks for everything."""

from __future__ import annotations

from django import forms

from core.forms import DraftFormMixin, GovukDateTimeField, GovukForm, VersionedFormMixin

from . import rules
from .choices import NoteKind
from .forms import text


class CaseNoteForm(DraftFormMixin, VersionedFormMixin, GovukForm):
    occurred_at = GovukDateTimeField(label="When it happened", past_only=True, required=False)
    kind = forms.ChoiceField(label="Type of note", choices=NoteKind.choices, required=False, widget=forms.RadioSelect)
    involved = text("Who was involved", max_length=300, help_text="For example: the young person, mother, school")
    text = text("The note", rows=8)

    def __init__(self, *args, can_oversee: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_oversee:  # management oversight is the team leaders' own kind of note
            self.fields["kind"].choices = [c for c in NoteKind.choices if c[0] != NoteKind.OVERSIGHT]

    def completeness_errors(self, data: dict) -> dict[str, str]:
        return rules.note_completeness_errors(
            occurred_at=data.get("occurred_at"), kind=data.get("kind") or "", text=data.get("text") or ""
        )

    @staticmethod
    def initial_from(note) -> dict:
        return {
            "version": note.version,
            "occurred_at": note.occurred_at,
            "kind": note.kind,
            "involved": note.involved,
            "text": note.text,
        }


class AddendumForm(GovukForm):
    text = text("The addendum", required=True, rows=6, message="Enter the addendum")


class ChronologyFilterForm(forms.Form):
    """The chronology's filter: one kind of event, or every kind."""

    kind = forms.ChoiceField(label="Type of event", required=False)

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Every type"), *kinds]

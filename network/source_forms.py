"""Forms of the pages that link from where the information appears (network.views.sources): pick
a person, child or place from what a search found, or add a new one, and say how sure.

The choices of `pick` are the records the reader's search found (carried in `q`), as "person-12",
"child-5", "place-3", or "new"; `chosen` gives the record picked (None for a new one)."""

from __future__ import annotations

from django import forms

from core.forms import GovukForm, ReasonField

from .choices import Confidence, LinkKind, PersonKind, PlaceKind, Relationship
from .services.sources import ANSWER_PERSON_KINDS, EPISODE_PLACE_KINDS

NEW = "new"


def _text(label, max_length, *, hint=""):
    return forms.CharField(label=label, max_length=max_length, required=False, help_text=hint)


def _area(label, max_length, *, hint=""):
    return forms.CharField(
        label=label, max_length=max_length, required=False, help_text=hint, widget=forms.Textarea(attrs={"rows": 3})
    )


class SearchForm(GovukForm):
    q = forms.CharField(label="Search by name, nickname or description", max_length=200, required=False)


class _PickForm(GovukForm):
    """Pick one of the records found, or a new one."""

    new_label = "None of these: add a new one"
    pick_label = "Which one?"
    pick_required = "Select one, or add a new one"

    # What the search was (the search form above the picker has its own `q`: another id).
    q = forms.CharField(widget=forms.HiddenInput(attrs={"id": "id_pick_q"}), max_length=200, required=False)
    pick = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(self, *args, found=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.found = {self.key_of(record): record for record in found}
        field = self.fields["pick"]
        field.label = self.pick_label
        field.error_messages["required"] = self.pick_required
        field.error_messages["invalid_choice"] = self.pick_required
        field.choices = [*((key, self.label_of(record)) for key, record in self.found.items()), (NEW, self.new_label)]

    @staticmethod
    def key_of(record) -> str:
        return f"{record._meta.model_name}-{record.pk}"

    @staticmethod
    def label_of(record) -> str:
        return str(record)

    def chosen(self, data):
        return self.found.get(data["pick"])

    def is_new(self, data) -> bool:
        return data["pick"] == NEW


class PersonPickForm(_PickForm):
    """A person of concern found, or a new one (an unknown person needs a description)."""

    new_label = "None of these: add a new person of concern"
    pick_label = "Who is it?"
    pick_required = "Select a person, or add a new person of concern"

    first_name = _text("First name", 100)
    last_name = _text("Last name", 100)
    aliases = _text("Aliases and nicknames", 300, hint="Separated by commas.")
    description = _area("Description", 2000, hint="What they look like, where they are seen, how they act.")

    @staticmethod
    def label_of(record) -> str:
        if record._meta.model_name == "child":
            return f"{record.full_name} (a child in the index)"
        extra = f", known as {record.aliases}" if record.aliases and record.identity_known else ""
        return f"{record.display_name}{extra} (person of concern)"

    def new_person(self, data) -> dict | None:
        if not self.is_new(data):
            return None
        return {name: data[name] for name in ("first_name", "last_name", "aliases", "description")}

    def picked(self, data) -> dict:
        """The service's arguments: the person (or child) picked, or the new person typed."""
        record = self.chosen(data)
        if record is not None and record._meta.model_name == "child":
            return {"child": record}
        return {"person": record, "new_person": self.new_person(data)}


def _confidence():
    return forms.ChoiceField(
        label="How sure is it?",
        choices=Confidence.choices,
        initial=Confidence.REPORTED,
        widget=forms.RadioSelect,
    )


class EpisodePersonForm(PersonPickForm):
    confidence = _confidence()
    notes = _area("Notes", 2000)


class AnswerPersonForm(PersonPickForm):
    kind = forms.ChoiceField(
        label="How is the person linked to the child?",
        choices=[(kind.value, kind.label) for kind in ANSWER_PERSON_KINDS],
        widget=forms.RadioSelect,
    )
    relationship = forms.ChoiceField(
        label="Relationship to the child", choices=[("", "Not known"), *Relationship.choices], required=False
    )
    confidence = _confidence()
    notes = _area("Notes", 2000)

    def picked(self, data) -> dict:
        return {"person": self.chosen(data), "new_person": self.new_person(data)}


class MaceSubjectForm(PersonPickForm):
    def picked(self, data) -> dict:
        return {"person": self.chosen(data), "new_person": self.new_person(data)}


class EpisodePlaceForm(_PickForm):
    new_label = "None of these: add a new place"
    pick_label = "Which place?"
    pick_required = "Select a place, or add a new place"

    place_kind = forms.ChoiceField(label="Kind of place", choices=[("", "Select"), *PlaceKind.choices], required=False)
    name = _text("Name", 200, hint="The premises' name, or a short description.")
    address = _area("Address", 1000)
    postcode = _text("Postcode", 10)
    kind = forms.ChoiceField(
        label="How is the place linked to the child?",
        choices=[(kind.value, kind.label) for kind in EPISODE_PLACE_KINDS],
        initial=LinkKind.FOUND_AT,
        widget=forms.RadioSelect,
    )
    confidence = _confidence()
    notes = _area("Notes", 2000)

    def clean(self):
        data = super().clean()
        if data.get("pick") == NEW and not data.get("place_kind"):
            self.add_error("place_kind", "Select the kind of place")
        return data

    def picked(self, data) -> dict:
        if not self.is_new(data):
            return {"place": self.chosen(data)}
        new = {name: data[name] for name in ("name", "address", "postcode")}
        return {"place": None, "new_place": {"kind": data["place_kind"], **new}}


class MaceSubjectRemoveForm(GovukForm):
    subject = forms.ChoiceField(label="Who is taken off the enquiry?", widget=forms.RadioSelect)
    reason = ReasonField(
        label="Why are they taken off?",
        error_messages={"required": "Enter why the person is taken off the enquiry"},
    )

    def __init__(self, *args, subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = {str(subject.pk): subject for subject in subjects}
        self.fields["subject"].choices = [(key, s.person.display_name) for key, s in self.subjects.items()]
        self.fields["subject"].error_messages["invalid_choice"] = "Select a person on the enquiry"


class FamilyConcernForm(GovukForm):
    """A member of a child's family recorded as a person of concern."""

    kind = forms.ChoiceField(
        label="What kind of person of concern are they?",
        choices=PersonKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of person of concern they are"},
    )

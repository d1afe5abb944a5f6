"""The forms of finding, merging and un-merging persons of concern (network/views/merge.py)."""

from __future__ import annotations

from django import forms

from core.forms import GovukForm, ReasonField, VersionedFormMixin


def _label(person) -> str:
    return f"{person.display_name} (person {person.pk})"


class PersonMergeSearchForm(GovukForm):
    name = forms.CharField(
        label="Name, alias or nickname",
        max_length=100,
        required=False,
        help_text="Spelt as it sounds will do",
        error_messages={"max_length": "Enter the name in 100 characters or fewer"},
    )


class PersonMergeForm(GovukForm):
    keep = forms.ChoiceField(
        label="Which record should be kept?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the record to keep", "invalid_choice": "Choose the record to keep"},
    )
    reason = ReasonField(
        label="Why are these records the same person?",
        error_messages={"required": "Enter why these records are the same person"},
    )

    def __init__(self, *args, person, other, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [(str(p.pk), f"Keep {_label(p)}") for p in (person, other)]


class PersonMergeReverseForm(GovukForm):
    reason = ReasonField(
        label="Why is the merge being reversed?", error_messages={"required": "Enter why the merge is being reversed"}
    )


class PersonDuplicateResolveForm(VersionedFormMixin, GovukForm):
    decision = forms.ChoiceField(
        label="Are these records the same person?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether these records are the same person",
            "invalid_choice": "Choose whether these records are the same person",
        },
    )
    reason = ReasonField(label="How do you know?", error_messages={"required": "Enter how you know"})

    def __init__(self, *args, pair, **kwargs):
        super().__init__(*args, **kwargs)
        first, second = pair.existing, pair.person
        self.fields["decision"].choices = [
            (f"keep-{first.pk}", f"Yes, the same person: keep {_label(first)} and merge the other into it"),
            (f"keep-{second.pk}", f"Yes, the same person: keep {_label(second)} and merge the other into it"),
            ("different", "No, they are different people"),
        ]

    def service_arguments(self) -> dict:
        """The decision as the service takes it: same (keeping one record) or different."""
        decision = self.cleaned_data["decision"]
        if decision == "different":
            return {"decision": "different", "reason": self.cleaned_data["reason"]}
        return {"decision": "same", "keep": int(decision.removeprefix("keep-")), "reason": self.cleaned_data["reason"]}

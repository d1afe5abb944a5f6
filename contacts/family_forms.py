"""Forms of a child's family and household: they shape input; the family services check it."""

from __future__ import annotations

from django import forms

from core.forms import GovukDateField, GovukForm, VersionedFormMixin

from .choices import FamilyRelationship, FamilyTieKind, Gender
from .forms import _area, _text

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(label: str, message: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        empty_value=False,
        widget=forms.RadioSelect,
        error_messages={"required": message},
    )


class FamilyMemberForm(VersionedFormMixin, GovukForm):
    """A person in the child's family and what they are to the child. A child of the index is linked
    by their record number, and their details are read from their record."""

    index_child = forms.IntegerField(
        label="Record number in the child index (for a brother, sister or other child already in the index)",
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="Leave empty for anyone else. A child of the index is linked, not copied: the family is shared.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
        error_messages={"invalid": "Enter the record number as a whole number"},
    )
    first_name = _text("First name", max_length=100)
    last_name = _text("Last name", max_length=100)
    gender = forms.ChoiceField(
        label="Gender", choices=Gender.choices, widget=forms.RadioSelect, initial=Gender.NOT_KNOWN
    )
    date_of_birth = GovukDateField(label="Date of birth", required=False, past_only=True)
    age = forms.IntegerField(
        label="Age, if the date of birth is not known",
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
        error_messages={"invalid": "Enter the age as a whole number of years"},
    )
    address = _area("Address", max_length=500, rows=3)
    do_not_disclose_address = forms.BooleanField(
        label="Do not disclose this address",
        required=False,
        help_text="The address is then kept off every page, letter, paper and export.",
    )
    relationship = forms.ChoiceField(
        label="Relationship to the child",
        choices=[("", "Select a relationship"), *FamilyRelationship.choices],
        error_messages={"required": "Select the person's relationship to the child"},
    )
    relationship_other = _text("If other, describe the relationship", max_length=100)
    parental_responsibility = _yes_no(
        "Parental responsibility for the child?", "Select yes or no: parental responsibility"
    )
    lives_with_child = _yes_no("Lives with the child?", "Select yes or no: lives with the child")
    contact_arrangements = _area("Contact arrangements", max_length=2000, rows=3)

    def __init__(self, *args, linked: bool = False, adding: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not adding:
            del self.fields["index_child"]
        if linked:  # a child of the index: their details are on their own record
            for name in (
                "first_name",
                "last_name",
                "gender",
                "date_of_birth",
                "age",
                "address",
                "do_not_disclose_address",
            ):
                del self.fields[name]
        else:
            self.fields["gender"].required = False

    def person(self) -> dict:
        data = self.cleaned_data
        names = ("first_name", "last_name", "gender", "date_of_birth", "age", "address", "do_not_disclose_address")
        return {name: data[name] for name in names if name in self.fields}

    def relationship_values(self) -> dict:
        data = self.cleaned_data
        return {
            "relationship": data["relationship"],
            "relationship_other": data["relationship_other"].strip(),
            "parental_responsibility": data["parental_responsibility"],
            "lives_with_child": data["lives_with_child"],
            "contact_arrangements": data["contact_arrangements"].strip(),
        }

    @staticmethod
    def initial_for(member, relationship) -> dict:
        initial = {
            "version": member.version,
            "first_name": member.first_name,
            "last_name": member.last_name,
            "gender": member.gender,
            "date_of_birth": member.date_of_birth,
            "age": member.age,
            "address": member.address,
            "do_not_disclose_address": member.do_not_disclose_address,
        }
        if relationship is not None:
            initial.update(
                relationship=relationship.relationship,
                relationship_other=relationship.relationship_other,
                parental_responsibility="yes" if relationship.parental_responsibility else "no",
                lives_with_child="yes" if relationship.lives_with_child else "no",
                contact_arrangements=relationship.contact_arrangements,
            )
        return initial


class FamilyTieForm(GovukForm):
    """How two people of the family are related to each other."""

    a = forms.TypedChoiceField(label="First person", coerce=int, error_messages={"required": "Select the first person"})
    kind = forms.ChoiceField(
        label="Is",
        choices=FamilyTieKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how they are related"},
    )
    b = forms.TypedChoiceField(
        label="Second person", coerce=int, error_messages={"required": "Select the second person"}
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Select a person"), *((p.pk, f"{p.name} ({p.relationship_label})") for p in people)]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("a") is not None and data.get("a") == data.get("b"):
            self.add_error("b", "Select two different people")
        return data


class WithdrawForm(GovukForm):
    reason = _area("Why is this withdrawn?", max_length=500, required=True, required_message="Enter the reason")

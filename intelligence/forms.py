"""Forms of intelligence and disruption: they shape and validate input; the services check again."""

from __future__ import annotations

from django import forms

from core.forms import GovukDateField, GovukDateTimeField, GovukForm, VersionedFormMixin
from core.models import Agency
from network.choices import LinkKind

from .choices import (
    Audience,
    DisruptionStatus,
    HandlingCode,
    IntelligenceAssessment,
    Outcome,
    SourceEvaluation,
    SourceType,
    SubjectKind,
    Tactic,
)
from .selectors import QueueShow


def _text(label, *, max_length=200, required=False, hint=""):
    return forms.CharField(label=label, max_length=max_length, required=required, help_text=hint)


def _area(label, *, max_length=5000, required=False, hint="", rows=3, required_message=""):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required_message} if required_message else {},
    )


def _radios(label, choices, *, required_message, required=True):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
    )


class SubmitForm(GovukForm):
    source_type = _radios("Who is the intelligence from?", SourceType.choices, required_message="Select who it is from")
    source_detail = _text("About the source", hint="For example, the team or the premises (optional).")
    seen_at = GovukDateTimeField(
        label="When was it seen", required=False, past_only=True, help_text="For example, 27 3 2026 and 22:30"
    )
    seen_where = _text("Where was it seen", max_length=300)
    what_seen = _area("What was seen or heard", required=True, rows=6, required_message="Enter what was seen or heard")
    about_children = _area(
        "Children it is about",
        hint="Names, ages or dates of birth, schools: whatever you know. You do not need to look them up.",
    )
    about_adults = _area("Adults it is about", hint="Names, nicknames, or what they look like.")
    about_places = _area("Places", hint="Addresses, premises, hotels, takeaways, parks.")
    about_vehicles = _area("Vehicles", hint="Registration marks, make, colour, taxi plate numbers.")
    about_identifiers = _area("Phone numbers and handles", hint="Phone numbers, social media or messaging handles.")


class GradeForm(VersionedFormMixin, GovukForm):
    source_evaluation = _radios(
        "Source evaluation", SourceEvaluation.choices, required_message="Select the source evaluation (1 to 3)"
    )
    assessment = _radios(
        "Intelligence assessment",
        IntelligenceAssessment.choices,
        required_message="Select the intelligence assessment (A to E)",
    )
    handling_code = _radios("Handling code", HandlingCode.choices, required_message="Select the handling code (P or C)")
    conditions = _area("Conditions (code C)", hint="For example, police only; not to be disclosed to the subject.")
    original_readers = forms.MultipleChoiceField(
        label="Under code C, who may read the original",
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The others it is shared with read the sanitised version.",
    )
    sanitised = _area("Sanitised version for wider sharing", rows=5)
    review_on = GovukDateField(label="Review by", required=True, future_only=True)

    def clean(self):
        data = super().clean()
        if data.get("handling_code") == HandlingCode.C and not (data.get("conditions") or "").strip():
            self.add_error("conditions", "Enter the conditions it may be shared under")
        return data


class ShareForm(GovukForm):
    audience = _radios("Shared with", Audience.choices, required_message="Select who it was shared with")
    note = _text("Note", max_length=300, hint="For example, who received it (optional).")


class FeedbackForm(VersionedFormMixin, GovukForm):
    outcome = _radios("Outcome", Outcome.choices, required_message="Select the outcome")
    feedback = _area(
        "Feedback to the person who submitted it",
        required=True,
        rows=5,
        hint="They read this and nothing else you recorded: keep to what the conditions allow.",
        required_message="Enter the feedback for the person who submitted it",
    )
    close = forms.BooleanField(label="Close the intelligence", required=False)


class FindForm(GovukForm):
    kind = forms.ChoiceField(label="What it is", choices=SubjectKind.choices, required=False)
    q = _text("Search", max_length=100)


class MatchForm(GovukForm):
    kind = forms.ChoiceField(label="What it is", choices=SubjectKind.choices)
    record = forms.IntegerField(label="Record", min_value=1, max_value=2**31 - 1)


class SubjectRemoveForm(GovukForm):
    subject = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    reason = _area("Why the match is wrong", required=True, required_message="Enter why the match is wrong")


class SubjectsLinkForm(GovukForm):
    a = forms.TypedChoiceField(label="From", coerce=int, error_messages={"required": "Select what the link is from"})
    kind = forms.ChoiceField(label="Link", choices=LinkKind.choices)
    b = forms.TypedChoiceField(label="To", coerce=int, error_messages={"required": "Select what the link is to"})
    notes = _area("Notes")

    def __init__(self, *args, subjects=(), **kwargs):
        super().__init__(*args, **kwargs)
        options = [("", "Choose")] + [(s.pk, f"{s.get_kind_display()}: {s.node.target}") for s in subjects]
        self.fields["a"].choices = options
        self.fields["b"].choices = options


class QueueFilterForm(GovukForm):
    show = forms.ChoiceField(label="Show", choices=QueueShow.CHOICES, required=False)
    source_type = forms.ChoiceField(label="Source", choices=[("", "Any"), *SourceType.choices], required=False)

    def value(self, name: str) -> str:
        return self.cleaned_data.get(name, "") if self.is_valid() else ""


class DisruptionForm(GovukForm):
    tactic = _radios("Tactic", Tactic.choices, required_message="Select the tactic")
    description = _area("What is planned", required=True, required_message="Enter what is planned")
    lead_agency = forms.ModelChoiceField(
        label="Lead agency",
        queryset=Agency.objects.filter(is_active=True),
        error_messages={"required": "Select the lead agency"},
    )
    owner_name = _text("Owner", hint="The person in the lead agency who owns it.")
    planned_on = GovukDateField(label="Planned for", required=True)
    due_on = GovukDateField(label="Due by", required=True)
    could_affect_investigation = forms.BooleanField(
        label="It could affect an investigation (a police reviewer must agree before it is done)", required=False
    )
    awn_expires_on = GovukDateField(label="Notice expires (Child Abduction Warning Notice)", required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("owner_name") or "").strip() and "owner_name" not in self.errors:
            self.add_error("owner_name", "Enter the owner's name")
        return data


class AgreeForm(VersionedFormMixin, GovukForm):
    note = _area("What the police agree", required=True, required_message="Enter what the police agreed")


class DisruptionCloseForm(VersionedFormMixin, GovukForm):
    status = _radios(
        "Status",
        [(DisruptionStatus.DONE, "Done"), (DisruptionStatus.CANCELLED, "Cancelled")],
        required_message="Select done or cancelled",
    )
    outcome = _area("Outcome, or why it was cancelled", required=True, required_message="Enter the outcome")
    done_on = GovukDateField(label="Done on", required=False, past_only=True)

"""Forms of the front door's loops (issue 24): the advisors' review and the CSE-link assessment."""

from __future__ import annotations

from django import forms

from core.forms import GovukForm, VersionedFormMixin

from .choices import SameNameOutcome, ThresholdReviewOutcome
from .forms import _area


class ThresholdReviewForm(VersionedFormMixin, GovukForm):
    outcome = forms.ChoiceField(
        label="Outcome of the review",
        choices=ThresholdReviewOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome of the review"},
    )
    notes = _area("Notes", max_length=5000, rows=4, hint="Needed for advice given or an escalation")


class CseLinkForm(VersionedFormMixin, GovukForm):
    linked = forms.ChoiceField(
        label="Is the missing episode linked to child sexual exploitation?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the missing episode is linked to CSE"},
    )
    notes = _area(
        "What the assessment rests on",
        max_length=5000,
        required=True,
        rows=4,
        required_message="Enter what the assessment rests on",
    )


class SameNameReviewForm(VersionedFormMixin, GovukForm):
    outcome = forms.ChoiceField(
        label="Outcome of the review",
        choices=SameNameOutcome.choices,
        widget=forms.RadioSelect,
        help_text="Merge the records first (from a record's page) when they are one child",
        error_messages={"required": "Choose the outcome of the review"},
    )
    notes = _area("Notes", max_length=5000, rows=4, hint="Needed for an escalation")

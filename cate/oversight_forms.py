"""Forms of issue 24's oversight pages: supervision, the CSE risk review of a child in care, and the
judgement of an audited item."""

from __future__ import annotations

from django import forms

from core.forms import GovukDateField, GovukForm, VersionedFormMixin

from .choices import AuditJudgement, RiskLevel
from .forms import radios, text


class SupervisionForm(GovukForm):
    held_on = GovukDateField(
        label="Date of the supervision",
        past_only=True,
        error_messages={"required": "Enter the date of the supervision"},
    )
    cases = forms.ModelMultipleChoiceField(
        queryset=None,
        label="Cases discussed",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose only cases the worker holds",
            "invalid_pk_value": "Choose only cases the worker holds",
        },
    )
    actions_agreed = text("Actions agreed", required=True, rows=5, message="Enter the actions agreed")
    notes = text("Notes (optional)", rows=4)

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases
        self.fields["cases"].label_from_instance = lambda case: f"{case.reference} – {case.child.full_name}"


class CicReviewForm(GovukForm):
    reviewed_on = GovukDateField(
        label="Date of the review", past_only=True, error_messages={"required": "Enter the date of the review"}
    )
    risk_level = radios(RiskLevel.choices, "Risk of child sexual exploitation", "Select the risk level")
    notes = text("Notes of the review", required=True, rows=6, message="Enter the notes of the review")


class AuditJudgementForm(VersionedFormMixin, GovukForm):
    judgement = radios(AuditJudgement.choices, "Your judgement", "Select your judgement")
    reason = text("Why you disagree (if you do)", rows=3)
    action = text("The action needed (if any)", rows=3)

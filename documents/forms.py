"""The documents' forms: adding one to a record, a new version, withdrawing, and a list's filters."""

from __future__ import annotations

from django import forms

from core.forms import GovukDateField, GovukForm, ReasonField, VersionedFormMixin
from core.models import Agency

from .choices import Sensitivity
from .models import document_types


class DocumentForm(GovukForm):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter the document's title"})
    kind = forms.ChoiceField(label="Type of document", error_messages={"required": "Choose the type of document"})
    document_date = GovukDateField(
        label="Date of the document",
        past_only=True,
        help_text="The date the document itself bears. For example, 27 3 2026",
        error_messages={"required": "Enter the date of the document"},
    )
    source_agency = forms.ModelChoiceField(
        label="From agency (optional)", queryset=Agency.objects.none(), required=False, empty_label="Not from an agency"
    )
    sensitivity = forms.ChoiceField(
        label="Sensitivity",
        choices=Sensitivity.choices,
        initial=Sensitivity.NORMAL,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the document is sensitive"},
    )
    file = forms.FileField(
        label="File",
        help_text="A PDF, an Office document, an image, plain text or an e-mail.",
        error_messages={"required": "Choose a file to upload", "empty": "The file is empty"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Choose the type"), *document_types()]
        self.fields["source_agency"].queryset = Agency.objects.filter(is_active=True).order_by("name")


class VersionForm(VersionedFormMixin, GovukForm):
    file = forms.FileField(
        label="File of the new version",
        error_messages={"required": "Choose a file to upload", "empty": "The file is empty"},
    )
    note = forms.CharField(label="What changed (optional)", max_length=300, required=False)


class WithdrawForm(VersionedFormMixin, GovukForm):
    reason = ReasonField(label="Why is the document withdrawn?", error_messages={"required": "Enter the reason"})


class FilterForm(GovukForm):
    kind = forms.ChoiceField(label="Type", required=False)
    since = GovukDateField(label="Dated on or after", required=False)
    until = GovukDateField(label="Dated on or before", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "All types"), *document_types()]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}

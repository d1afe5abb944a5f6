"""Forms of the context panel. They shape and validate input; services do the writing."""

from __future__ import annotations

from django import forms

from core.forms import GovukDateTimeField, GovukForm, VersionedFormMixin
from riskpanel.forms import ActionForm, StaffChoiceField, active_agencies

from . import panel_selectors
from .choices import ContextItemKind


def _textarea(rows: int = 5):
    return forms.Textarea(attrs={"rows": rows})


class ContextPanelForm(VersionedFormMixin, GovukForm):
    meets_at = GovukDateTimeField(
        label="Date and time",
        help_text="For example, 27 3 2026 and 10:00.",
        error_messages={"required": "Enter the date and time the panel meets"},
    )
    location = forms.CharField(
        label="Where the panel meets", required=False, max_length=200, help_text="A room, or how to join online."
    )
    chair = StaffChoiceField(
        label="Chair", queryset=None, required=False, empty_label="Not decided yet", widget=forms.Select
    )
    agencies = forms.ModelMultipleChoiceField(
        label="Agencies expected",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For example police, licensing, housing, transport, schools and youth services.",
    )
    members = forms.ModelMultipleChoiceField(
        label="Partners and panel members invited",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They see the agenda and the papers of the contexts on it while the panel is open, and only then.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = panel_selectors.context_panel_chair_choices()
        self.fields["agencies"].queryset = active_agencies()
        members = panel_selectors.context_panel_member_choices()
        self.fields["members"].queryset = members
        self.fields["members"].label_from_instance = lambda user: (
            f"{user} ({user.agency})" if user.agency_id else str(user)
        )


class ContextItemAddForm(GovukForm):
    """Choosing the context among the places and peer groups found for the words searched."""

    context = forms.ChoiceField(
        label="Which place or peer group?",
        choices=(),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the place or peer group the panel is to consider"},
    )
    kind = forms.ChoiceField(
        label="Why is it on the agenda?",
        choices=ContextItemKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the context is on the agenda"},
    )
    presenting_agency = forms.ModelChoiceField(
        label="Agency presenting", queryset=None, required=False, empty_label="Not decided yet"
    )
    details = forms.CharField(label="What the panel is asked to consider", required=False, widget=_textarea(4))

    def __init__(self, *args, user, found: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["presenting_agency"].queryset = active_agencies()
        self.fields["context"].choices = found
        if not found:
            self.fields["context"].error_messages["required"] = "Search for the place or peer group, then choose it"
        self.fields["context"].error_messages["invalid_choice"] = "Choose one of the places or peer groups found"

    def clean_context(self):
        context = panel_selectors.context_from_choice(self.user, self.cleaned_data["context"])
        if context is None:
            raise forms.ValidationError("Choose one of the places or peer groups found")
        return context


class ContextSearchForm(GovukForm):
    q = forms.CharField(
        label="Find a place or peer group",
        required=False,
        max_length=100,
        help_text="Part of its name, address or postcode.",
    )


class ContextItemWithdrawForm(VersionedFormMixin, GovukForm):
    reason = forms.CharField(
        label="Why is the item withdrawn?",
        widget=_textarea(3),
        error_messages={"required": "Enter why the item is withdrawn"},
    )


class ContextDecisionForm(VersionedFormMixin, GovukForm):
    decision = forms.CharField(
        label="What the panel agreed",
        widget=_textarea(5),
        error_messages={"required": "Enter what the panel agreed"},
    )
    discussion = forms.CharField(label="What the panel discussed", required=False, widget=_textarea(6))


class ContextActionForm(ActionForm):
    """An action agreed on a context: riskpanel's action form, for a new action."""


class ContextAttendanceForm(VersionedFormMixin, GovukForm):
    agency = forms.ModelChoiceField(
        label="Agency", queryset=None, empty_label="Choose an agency", error_messages={"required": "Choose the agency"}
    )
    present = forms.CharField(label="Who attended", required=False, widget=_textarea(2))
    apologies = forms.CharField(label="Apologies", required=False, widget=_textarea(2))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = active_agencies()

    def clean(self):
        data = super().clean()
        if not (data.get("present") or "").strip() and not (data.get("apologies") or "").strip():
            self.add_error("present", "Enter who attended, or who sent apologies")
        return data


class ContextMinutesForm(VersionedFormMixin, GovukForm):
    other_business = forms.CharField(label="Other business", required=False, widget=_textarea(6))
    finalise = forms.BooleanField(
        label="The minutes are complete: make them final",
        required=False,
        help_text="Final minutes, decisions and attendance no longer change.",
    )

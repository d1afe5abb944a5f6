"""Forms of the exploitation network's pages."""

from __future__ import annotations

from django import forms

from core.forms import GovukDateField, GovukForm

from .choices import Confidence, LinkKind
from .graph import DEFAULT_STEPS, HUB_CAPS, MAX_STEPS, MapFilters


class MapFilterForm(GovukForm):
    """The network map's filters, sent by GET: steps, link kinds, confidence, dates last seen, and how
    many links of each large hub to show. Anything not given is the default (all kinds, all
    confidences, any date, two steps, the smallest cap)."""

    steps = forms.TypedChoiceField(
        label="Steps from the centre",
        choices=[(n, str(n)) for n in range(1, MAX_STEPS + 1)],
        coerce=int,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline govuk-radios--small"}),
        error_messages={"invalid_choice": "Select 1, 2 or 3 steps"},
    )
    kinds = forms.MultipleChoiceField(
        label="Kinds of link",
        help_text="Leave all unticked to show every kind.",
        choices=LinkKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes--small"}),
        error_messages={"invalid_choice": "Select kinds of link from the list"},
    )
    confidence = forms.MultipleChoiceField(
        label="Confidence",
        help_text="Leave all unticked to show every link.",
        choices=Confidence.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes--small"}),
        error_messages={"invalid_choice": "Select confidences from the list"},
    )
    seen_from = GovukDateField(
        label="Last seen on or after", required=False, help_text="Links with no date last seen are then left out."
    )
    seen_to = GovukDateField(label="Last seen on or before", required=False, help_text="For example, 31 3 2026")
    cap = forms.TypedChoiceField(
        label="Links shown of each large hub",
        choices=[(cap, f"The strongest {cap}") for cap in HUB_CAPS],
        coerce=int,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios--small"}),
        error_messages={"invalid_choice": "Select how many links of each hub to show"},
    )

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:  # a map opened with some filters only: the rest as by default
            data = data.copy()
            for name, default in (("steps", DEFAULT_STEPS), ("cap", HUB_CAPS[0])):
                if not data.get(name):
                    data[name] = str(default)
        super().__init__(data, *args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("seen_from") and data.get("seen_to") and data["seen_to"] < data["seen_from"]:
            self.add_error("seen_to", "Last seen on or before must be the same as or after last seen on or after")
        return data

    def filters(self) -> MapFilters:
        """The filters asked for; the defaults when the form has errors (the page shows them)."""
        if not self.is_valid():
            return MapFilters()
        data = self.cleaned_data
        return MapFilters(
            steps=data.get("steps") or DEFAULT_STEPS,
            kinds=tuple(sorted(data.get("kinds") or ())),
            confidence=tuple(sorted(data.get("confidence") or ())),
            seen_from=data.get("seen_from"),
            seen_to=data.get("seen_to"),
            cap=data.get("cap") or HUB_CAPS[0],
        )

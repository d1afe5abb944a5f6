"""The filters of the hotspot list and the cohort's profile: a period (both days included) and what
the children are linked to."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from core.forms import GovukDateField, GovukForm

from .hotspots import LINKED_TO, Period

MAX_PERIOD_YEARS = 10


def default_period(today: dt.date) -> Period:
    """The last 365 days, today included."""
    return Period(today - dt.timedelta(days=364), today)


class PeriodForm(GovukForm):
    start = GovukDateField(label="From", help_text="For example, 1 4 2026", required=False)
    end = GovukDateField(label="To", help_text="For example, 31 3 2027. Both days are included.", required=False)

    def __init__(self, data=None, *, today: dt.date, **kwargs):
        self.default = default_period(today)
        super().__init__(data, initial={"start": self.default.start, "end": self.default.end}, **kwargs)

    def clean(self):
        data = super().clean()
        start, end = data.get("start") or self.default.start, data.get("end") or self.default.end
        if "start" in data and "end" in data:
            if end < start:
                self.add_error("end", ValidationError("The end date must be the same as or after the start date"))
            elif (end - start).days > 366 * MAX_PERIOD_YEARS:
                self.add_error("end", ValidationError(f"Choose a period of {MAX_PERIOD_YEARS} years or less"))
        data["period"] = Period(start, end)
        return data

    @property
    def period(self) -> Period:
        """The period asked for, or the last twelve months while the form is not valid."""
        return self.cleaned_data["period"] if self.is_bound and self.is_valid() else self.default


class HotspotFilterForm(PeriodForm):
    hotspots_only = forms.BooleanField(label="Only places flagged as hotspots", required=False)


class ProfileFilterForm(PeriodForm):
    linked_to = forms.ChoiceField(
        label="Children linked to",
        choices=[(key, label.capitalize()) for key, (label, _) in LINKED_TO.items()],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select what the children are linked to"},
    )

    def clean_linked_to(self):
        return self.cleaned_data.get("linked_to") or "any"

from django import forms
from django.core.exceptions import ValidationError

from core.forms import GovukDateField, GovukForm

from .presentation import RENDERERS

MAX_PERIOD_YEARS = 10


class AnnualReportPeriodForm(GovukForm):
    start = GovukDateField(
        label="From",
        help_text="For example, 1 4 2023",
        error_messages={"required": "Enter the first day of the period"},
    )
    end = GovukDateField(
        label="To",
        help_text="For example, 31 3 2024. Both days are included.",
        error_messages={"required": "Enter the last day of the period"},
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", ValidationError("The end date must be the same as or after the start date"))
            elif (end - start).days > 366 * MAX_PERIOD_YEARS:
                self.add_error("end", ValidationError(f"Choose a period of {MAX_PERIOD_YEARS} years or less"))
        return data


class AnnualReportDownloadForm(AnnualReportPeriodForm):
    file_format = forms.ChoiceField(
        label="Format",
        choices=[(name, name.upper()) for name in RENDERERS],
        error_messages={"required": "Choose a format", "invalid_choice": "Choose CSV, XLSX, JSON or HTML"},
    )

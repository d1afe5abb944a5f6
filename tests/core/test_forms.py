"""GOV.UK date fields and form rendering."""

import datetime as dt

import pytest
from django import forms
from django.utils import timezone

from core.forms import GovukDateField, GovukDateTimeField, GovukForm
from core.templatetags.govuk import govuk_error_summary, govuk_field


class ExampleForm(GovukForm):
    name = forms.CharField(label="Name", max_length=20, help_text="As the child is known")
    date_of_birth = GovukDateField(label="Date of birth", past_only=True)
    returned_at = GovukDateTimeField(label="Returned at", required=False)
    level = forms.ChoiceField(label="Level", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)


def dob(day="", month="", year=""):
    return {"date_of_birth_day": day, "date_of_birth_month": month, "date_of_birth_year": year}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (dob(), "Enter date of birth"),
        (dob("12", "", "2010"), "Date of birth must include a month"),
        (dob("", "", "2010"), "Date of birth must include a day and a month"),
        (dob("31", "2", "2010"), "Date of birth must be a real date"),
        (dob("1", "13", "2010"), "Date of birth must be a real date"),
        (dob("aa", "1", "2010"), "Date of birth must be a real date"),
        (dob("1", "1", "10"), "Year must include 4 numbers"),
        (dob("1", "1", "1066"), "Date of birth must be after 1900"),
        (dob("1", "1", str(timezone.localdate().year + 1)), "Date of birth must be today or in the past"),
    ],
)
def test_date_field_messages(data, message):
    form = ExampleForm(data={"name": "x", "level": "a", **data})
    assert not form.is_valid()
    assert form.errors["date_of_birth"] == [message]


def test_a_valid_date():
    form = ExampleForm(data={"name": "x", "level": "a", **dob("29", "2", "2012")})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["date_of_birth"] == dt.date(2012, 2, 29)


@pytest.mark.parametrize(
    ("time", "valid"),
    [
        ("09:30", True),
        ("9.30", True),
        ("23:59", True),
        ("24:00", False),
        ("12:60", False),
        ("noon", False),
        ("", False),
    ],
)
def test_datetime_field_is_read_as_london_time(time, valid):
    data = {
        "name": "x",
        "level": "a",
        **dob("1", "1", "2010"),
        "returned_at_day": "1",
        "returned_at_month": "7",
        "returned_at_year": "2024",
        "returned_at_time": time,
    }
    form = ExampleForm(data=data)
    assert form.is_valid() is valid
    if valid and time == "09:30":
        assert form.cleaned_data["returned_at"] == dt.datetime(2024, 7, 1, 8, 30, tzinfo=dt.UTC)


def test_rendering_keeps_what_was_typed_and_links_errors():
    form = ExampleForm(data={"name": "<script>alert(1)</script>", **dob("31", "2", "2010")})
    assert not form.is_valid()
    html = "".join(govuk_field(form[name]) for name in ("name", "date_of_birth", "level"))
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in html and "<script>" not in html
    assert 'name="date_of_birth_day" type="text" inputmode="numeric" maxlength="2" value="31"' in html
    assert "govuk-form-group--error" in html and 'aria-describedby="id_name-hint id_name-error"' in html
    assert 'maxlength="20"' in html
    summary = govuk_error_summary(form)["items"]
    assert {"text": "Date of birth must be a real date", "href": "#id_date_of_birth_day"} in summary
    assert {"text": "Select level", "href": "#id_level_0"} in summary

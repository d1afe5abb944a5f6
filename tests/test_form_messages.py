"""Every error a form can show says what to do, GOV.UK style ("Enter the date of the referral",
"Select the outcome", "<Field> must be 200 characters or fewer"), never Django's "This field is
required." or "Ensure this value has at most ...". Checked on every form of every app, as a new
form is declared, and on the pure rules the services apply."""

import copy
import importlib
import inspect
import re

import pytest
from django import forms

from cate.rules import nrm_errors
from contacts.rules import threshold_check
from core.forms import GovukDateField, GovukForm, govuk_messages
from riskpanel.rules import safety_plan_missing

FORM_MODULES = ("core.forms", "contacts.forms", "cate.forms", "riskpanel.forms", "reporting.forms")

# A message says what to do: it starts with an instruction, or says what the answer must be.
ACTIONABLE = re.compile(
    r"^(Enter|Select|Choose|Say|Give|Explain|Tell|Leave|Link|Complete|Record|Write|Keep|Add|Open)\b|\bmust\b"
)


def declared_forms():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module_name and cls.base_fields:
                yield pytest.param(cls, id=f"{module_name}.{name}")


def messages_of(field: forms.Field) -> dict[str, str]:
    field = govuk_messages(copy.deepcopy(field))
    shown = {}
    if field.required:
        shown["required"] = (
            field.required_message() if isinstance(field, GovukDateField) else field.error_messages["required"]
        )
    if getattr(field, "max_length", None):
        shown["max_length"] = field.error_messages["max_length"]
    return {code: str(message) for code, message in shown.items()}


@pytest.mark.parametrize("form_class", list(declared_forms()))
def test_every_message_of_every_form_says_what_to_do(form_class):
    vague = {}
    for name, field in form_class.base_fields.items():
        if field.widget.is_hidden:
            continue
        for code, message in messages_of(field).items():
            if not ACTIONABLE.search(message) or message.startswith(("This field", "Ensure")):
                vague[f"{name} ({code})"] = message
    assert not vague, f"Messages that do not say what to do: {vague}"


def test_a_field_given_no_messages_gets_ones_that_name_it():
    field = govuk_messages(forms.CharField(label="Name of the school", max_length=20))
    assert field.error_messages["required"] == "Enter name of the school"
    assert field.error_messages["max_length"] == "Name of the school must be 20 characters or fewer"
    choice = govuk_messages(forms.ChoiceField(label="Gender", choices=[("f", "Female")]))
    assert choice.error_messages["required"] == "Select gender"
    kept = govuk_messages(forms.CharField(label="X", error_messages={"required": "Enter the child's name"}))
    assert kept.error_messages["required"] == "Enter the child's name"


def test_a_form_too_long_and_empty_shows_both_errors_with_the_govuk_words():
    class Notes(GovukForm):
        title = forms.CharField(label="Title of the note", max_length=5)
        body = forms.CharField(label="The note")

    form = Notes({"title": "Much too long", "body": ""})
    assert not form.is_valid()
    assert form.errors == {
        "title": ["Title of the note must be 5 characters or fewer"],
        "body": ["Enter the note"],
    }


@pytest.mark.parametrize(
    "errors",
    [
        pytest.param(safety_plan_missing({}), id="safety plan"),
        pytest.param(threshold_check({}, "", "", complete=True)[1], id="threshold assessment"),
        pytest.param(
            nrm_errors(
                referred_on=None,
                reasonable_grounds="negative",
                reasonable_grounds_on=None,
                conclusive_grounds="positive",
                conclusive_grounds_on=None,
            ),
            id="NRM referral",
        ),
    ],
)
def test_the_rules_of_long_forms_say_what_to_do(errors):
    assert errors
    vague = [message for message in errors.values() if not ACTIONABLE.search(message)]
    assert not vague

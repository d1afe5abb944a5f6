"""GOV.UK form rendering and the date fields of the GOV.UK Design System."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils import timezone


class GovukFormRenderer(TemplatesSetting):
    """`{{ form }}` and `{{ field.as_field_group }}` render GOV.UK markup."""

    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"


# Django's own messages, which say what is wrong but not what to do.
_DJANGO_REQUIRED = str(forms.Field.default_error_messages["required"])


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def govuk_messages(field: forms.Field) -> forms.Field:
    """Give a field the GOV.UK messages it was not given: "Enter <label>" or "Select <label>" when
    it is required, "<Label> must be N characters or fewer" when too long, so that every message
    says what to do and names the field."""
    label = str(field.label or "This").rstrip("?:")
    messages = field.error_messages
    if str(messages.get("required")) == _DJANGO_REQUIRED:
        verb = "Select" if isinstance(field, forms.ChoiceField | forms.ModelChoiceField) else "Enter"
        messages["required"] = f"{verb} {_lower_first(label)}"
    max_length = getattr(field, "max_length", None)
    if max_length and "max_length" not in messages:
        messages["max_length"] = f"{label} must be {max_length} characters or fewer"
    return field


class GovukForm(forms.Form):
    """Base form: no HTML `required` attributes (GOV.UK validates on the server), and every field
    with messages that say what to do (`govuk_messages`). Every error is collected in one pass:
    a `clean()` adds its errors with `add_error` and never stops at the first one."""

    use_required_attribute = False

    def full_clean(self):
        for field in self.fields.values():
            govuk_messages(field)
        super().full_clean()


class VersionedFormMixin(forms.Form):
    """Carries the version of the record being edited (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.initial.get("version"):  # 0: the record does not exist yet
            # Editing a record: a save that does not say which version it was made from could
            # overwrite someone else's change unseen, so it is refused.
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = (
                "This page is out of date. Open the record again, then make your changes."
            )


class DraftFormMixin(forms.Form):
    """A long form that saves as a draft with any fields filled and is checked in full only when
    finalised (agreed, shared, completed). The button pressed says which: `name="intent"` with
    `value="draft"` or `value="finalise"` (templates/includes/draft_buttons.html).

    The fields a finished record needs are declared `required=False`; the form's
    `completeness_errors(cleaned_data)` (the app's pure rules, the same ones its finalising service
    applies) says what is missing, and on finalising every missing field is added to the errors at
    once, beside any error of format, so one submission shows them all. The view passes
    `form.finalising` on to the service (`draft=not form.finalising`, or the finalising service)."""

    INTENT_DRAFT, INTENT_FINALISE = "draft", "finalise"
    # What a submission that names no intent means (a client that presses no button).
    default_intent = INTENT_DRAFT

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        intent = self.data.get("intent") or self.default_intent if self.is_bound else None
        self.finalising = intent == self.INTENT_FINALISE

    def completeness_errors(self, data: dict) -> dict[str, str]:
        """What a finished record still lacks, by field: {field: what to do}."""
        raise NotImplementedError

    def clean(self):
        data = super().clean()
        if self.finalising:
            for field, message in self.completeness_errors(data).items():
                if field not in self.errors:
                    self.add_error(field if field in self.fields else None, message)
        return data


def for_a_new_record(form: forms.Form) -> forms.Form:
    """A form shared by a record's edit and create pages, on the create page: a record not yet made
    has no version to check against, so the form carries none (and `core.pages.submit` passes
    none to the creating service)."""
    form.fields.pop("version", None)
    return form


class GovukDateWidget(forms.MultiWidget):
    parts = ("day", "month", "year")

    def __init__(self, attrs=None):
        super().__init__(widgets=dict.fromkeys(self.parts, forms.TextInput), attrs=attrs)

    def decompress(self, value):
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]


class GovukDateTimeWidget(forms.MultiWidget):
    parts = ("day", "month", "year", "time")

    def __init__(self, attrs=None):
        super().__init__(widgets=dict.fromkeys(self.parts, forms.TextInput), attrs=attrs)

    def decompress(self, value):
        if isinstance(value, dt.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return [str(value.day), str(value.month), str(value.year), value.strftime("%H:%M")]
        return [None, None, None, None]


_TIME_RE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def _label(field: forms.Field) -> str:
    return str(field.label or "Date")


class GovukDateField(forms.Field):
    """A date entered as day, month and year, validated with the GOV.UK messages."""

    widget = GovukDateWidget

    def __init__(
        self, *, past_only: bool = False, future_only: bool = False, min_date: dt.date | None = None, **kwargs
    ):
        self.past_only = past_only
        self.future_only = future_only
        self.min_date = min_date
        super().__init__(**kwargs)

    def _parts(self, value) -> list[str]:
        if isinstance(value, (list, tuple)):
            return [(str(v).strip() if v is not None else "") for v in value]
        return []

    def to_python(self, value):
        if isinstance(value, dt.date):
            return value
        parts = self._parts(value)
        if not parts or not any(parts[:3]):
            return None
        label = _label(self)
        day, month, year = parts[:3]
        missing = [name for name, v in zip(("day", "month", "year"), (day, month, year), strict=True) if not v]
        if missing:
            raise ValidationError(f"{label} must include a {' and a '.join(missing)}", code="incomplete")
        if not all(part.isascii() and part.isdigit() for part in (day, month, year)):
            raise ValidationError(f"{label} must be a real date", code="invalid")
        if len(year) != 4:
            raise ValidationError("Year must include 4 numbers", code="invalid_year")
        try:
            value = dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{label} must be a real date", code="invalid") from None
        if value.year < 1900:
            raise ValidationError(f"{label} must be after 1900", code="too_early")
        return value

    def required_message(self) -> str:
        given = str(self.error_messages.get("required", ""))
        if given and given != _DJANGO_REQUIRED:
            return given
        return f"Enter {_lower_first(_label(self))}"

    def validate(self, value):
        if value in self.empty_values and self.required:
            raise ValidationError(self.required_message(), code="required")
        if value is None:
            return
        today = timezone.localdate()
        if self.past_only and value > today:
            raise ValidationError(f"{_label(self)} must be today or in the past", code="future")
        if self.future_only and value < today:
            raise ValidationError(f"{_label(self)} must be today or in the future", code="past")
        if self.min_date and value < self.min_date:
            raise ValidationError(f"{_label(self)} must be on or after {self.min_date:%-d %B %Y}", code="too_early")


class GovukDateTimeField(GovukDateField):
    """A date and a 24-hour time, interpreted in Europe/London and returned aware."""

    widget = GovukDateTimeWidget

    def to_python(self, value):
        if isinstance(value, dt.datetime):
            return value
        parts = self._parts(value)
        if not parts or not any(parts):
            return None
        day_value = super().to_python(parts[:3]) if any(parts[:3]) else None
        label = _label(self)
        time_text = parts[3] if len(parts) > 3 else ""
        if day_value is None:
            raise ValidationError(f"{label} must include a date", code="incomplete")
        if not time_text:
            raise ValidationError(f"{label} must include a time", code="incomplete")
        match = _TIME_RE.match(time_text)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValidationError(f"{label} must include a real time, like 09:30 or 17:45", code="invalid_time")
        naive = dt.datetime.combine(day_value, dt.time(int(match[1]), int(match[2])))
        return timezone.make_aware(naive, timezone.get_current_timezone())

    def validate(self, value):
        if value in self.empty_values and self.required:
            raise ValidationError(self.required_message(), code="required")
        if value is None:
            return
        if self.past_only and value > timezone.now() + dt.timedelta(minutes=5):
            raise ValidationError(f"{_label(self)} must be in the past", code="future")
        if self.min_date and timezone.localtime(value).date() < self.min_date:
            raise ValidationError(f"{_label(self)} must be on or after {self.min_date:%-d %B %Y}", code="too_early")


class ReasonField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Reason for the change")
        kwargs.setdefault("max_length", 500)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        super().__init__(**kwargs)
        self.error_messages.setdefault("max_length", f"Enter the reason in {self.max_length} characters or fewer")


# --- Sign-in -------------------------------------------------------------------------------

from django.contrib.auth.forms import AuthenticationForm  # noqa: E402


class SignInForm(AuthenticationForm):
    use_required_attribute = False
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask an administrator.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class OtpTokenForm(GovukForm):
    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        max_length=16,
        error_messages={"required": "Enter the security code"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "class": "govuk-input--width-10"}
        ),
    )

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "").strip()


class EnrolmentCodeForm(GovukForm):
    code = forms.CharField(
        label="Set-up code from your administrator",
        help_text="12 letters and numbers, for example ABCD-EFGH-JKLM.",
        max_length=20,
        error_messages={"required": "Enter the set-up code your administrator gave you"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "class": "govuk-input--width-20"}),
    )


class PasswordSetForm(GovukForm, SetPasswordForm):
    """Django's set-a-password form (validators, the two fields match) with GOV.UK messages."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].label = "Confirm the new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"


class ReauthForm(GovukForm):
    """Confirm it's you: the password again, and a current security code when the user has an app."""

    password = forms.CharField(
        label="Password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        max_length=16,
        error_messages={"required": "Enter the security code"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "class": "govuk-input--width-10"}
        ),
    )

    def __init__(self, *args, needs_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_code:
            del self.fields["token"]

    def clean_token(self):
        return self.cleaned_data["token"].replace(" ", "").strip()


class SettingDurationForm(VersionedFormMixin, GovukForm):
    amount = forms.IntegerField(
        label="Amount",
        min_value=1,
        max_value=1000,
        error_messages={"required": "Enter an amount", "invalid": "Enter a whole number"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )
    unit = forms.ChoiceField(label="Unit", error_messages={"required": "Choose a unit"})
    reason = ReasonField(error_messages={"required": "Enter the reason for the change"})

    def __init__(self, *args, **kwargs):
        from .clock import Unit

        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.value, u.label.capitalize()) for u in Unit]


class SettingIntegerForm(VersionedFormMixin, GovukForm):
    value = forms.IntegerField(
        label="Value",
        min_value=1,
        max_value=100,
        error_messages={"required": "Enter a number", "invalid": "Enter a whole number"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )
    reason = ReasonField(error_messages={"required": "Enter the reason for the change"})


class SettingRoleForm(VersionedFormMixin, GovukForm):
    value = forms.ChoiceField(
        label="Role",
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a role", "invalid_choice": "Choose a role"},
    )
    reason = ReasonField(error_messages={"required": "Enter the reason for the change"})

    def __init__(self, *args, **kwargs):
        from .roles import Role

        super().__init__(*args, **kwargs)
        self.fields["value"].choices = Role.choices


class SettingFrequencyForm(VersionedFormMixin, GovukForm):
    visits = forms.IntegerField(
        label="Number of visits",
        min_value=1,
        max_value=14,
        error_messages={"required": "Enter the number of visits", "invalid": "Enter a whole number"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )
    per_days = forms.IntegerField(
        label="Every how many days",
        min_value=1,
        max_value=366,
        error_messages={"required": "Enter the number of days", "invalid": "Enter a whole number"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )
    reason = ReasonField(error_messages={"required": "Enter the reason for the change"})


class SettingRagForm(VersionedFormMixin, GovukForm):
    reason = ReasonField(error_messages={"required": "Enter the reason for the change"})

    def __init__(self, *args, **kwargs):
        from .timescales import RAG_COLOURS, RISK_LEVELS

        super().__init__(*args, **kwargs)
        reason = self.fields.pop("reason")
        for level, label in reversed(RISK_LEVELS):
            self.fields[level] = forms.ChoiceField(
                label=label,
                choices=RAG_COLOURS,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose a colour for {label}"},
            )
        self.fields["reason"] = reason


class AccountUnlockForm(GovukForm):
    username = forms.CharField(max_length=150, widget=forms.HiddenInput)
    reason = ReasonField(
        label="Why are you unlocking this account?",
        help_text="For example, the member of staff phoned and their identity was checked.",
        error_messages={"required": "Enter why you are unlocking this account"},
    )


class AccessLogFilterForm(GovukForm):
    user = forms.ModelChoiceField(queryset=None, required=False, label="Member of staff")
    child = forms.IntegerField(
        required=False,
        min_value=1,
        label="Child record number",
        help_text="Everything seen of this child: the child, their contacts, cases, panel papers and plans.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
        error_messages={"invalid": "Enter the child record number in digits"},
    )
    object_type = forms.ChoiceField(required=False, label="Type of record")
    object_id = forms.CharField(
        required=False,
        max_length=64,
        label="Record number",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )

    date_from = GovukDateField(required=False, label="From", help_text="For example, 1 4 2025")
    date_to = GovukDateField(required=False, label="To", help_text="For example, 31 3 2026")

    def __init__(self, *args, object_types=(), users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["user"].empty_label = "Anyone"
        self.fields["object_type"].choices = [("", "Any"), *object_types]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "To must be the same as or after From")
        return data


def refuse_if_stale(form: forms.Form, record) -> bool:
    """Refuse a POST made from a page opened at an older version of `record` (someone else has
    saved it since, perhaps moving it on so that this page no longer applies): the form keeps
    what was typed and the error summary says what changed. False when the version is current."""
    from .concurrency import changed_fields_since
    from .exceptions import StaleRecord

    if not form.is_bound:
        return False
    raw = str(form.data.get("version") or "").strip()
    seen = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
    if seen == record.version:
        return False
    form.is_valid()  # what was typed is checked and shown as usual
    add_service_errors(form, StaleRecord(record, changed_fields_since(record, seen) if seen is not None else []))
    return True


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError (or StaleRecord) on the form, by field where it names one."""
    from .exceptions import StaleRecord

    if isinstance(exc, StaleRecord):
        message = exc.messages[0]
        if exc.changes:
            message += " Changed since you opened it: " + ", ".join(exc.changes) + "."
        form.add_error(None, message)
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- Single sign-on: the group mapping ---------------------------------------------------------


class GroupMappingProposeForm(GovukForm):
    """An administrator proposes mapping a provider's group to a role (a group manager approves)."""

    provider = forms.ChoiceField(label="Sign-in provider", error_messages={"required": "Choose a sign-in provider"})
    action = forms.ChoiceField(
        label="Change",
        choices=(("add", "Map the group to the role"), ("remove", "Stop mapping the group to the role")),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to map the group or stop mapping it"},
    )
    group = forms.CharField(
        label="Group",
        max_length=255,
        help_text="The group's identifier as the provider sends it in the groups claim (in Entra ID, its object ID).",
        error_messages={"required": "Enter the group's identifier"},
    )
    role = forms.ModelChoiceField(queryset=None, label="Role", error_messages={"required": "Choose a role"})
    team = forms.ModelChoiceField(queryset=None, required=False, label="Team (optional)")
    agency = forms.ModelChoiceField(
        queryset=None, required=False, label="Agency (optional)", help_text="Empty: the provider's own organisation."
    )
    reason = ReasonField(
        label="Why should the mapping change?", error_messages={"required": "Say why the mapping should change"}
    )

    def __init__(self, *args, providers, roles, teams, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", "Choose a provider")] + [(p.key, p.label) for p in providers]
        self.fields["role"].queryset = roles
        self.fields["team"].queryset = teams
        self.fields["agency"].queryset = agencies


class GroupMappingDecideForm(GovukForm):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=(("approve", "Approve: the mapping changes now"), ("reject", "Reject")),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve or reject the change"},
    )
    reason = ReasonField(label="Reason (needed to reject)", required=False)

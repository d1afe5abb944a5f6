"""The public anonymous referral form (IITCSE Rec 21), apart from the staff's forms."""

from __future__ import annotations

import time

from django import forms
from django.core import signing

from core.forms import GovukForm

from . import limits
from .forms import _area, _text

# --- The anonymous online form -------------------------------------------------------------

_TIMESTAMP_SALT = "contacts.anonymous-form.started"


def form_started_token(now: float | None = None) -> str:
    return signing.dumps(now if now is not None else time.time(), salt=_TIMESTAMP_SALT)


class AnonymousReferralForm(GovukForm):
    """The public form: what the reporter knows of the child and the concern; nothing about them."""

    reported_child_name = _text(
        "The child's name or nickname",
        max_length=limits.MAX_NAME,
        hint="If you know it. A nickname or first name is fine",
    )
    reported_child_age = _text(
        "How old are they?",
        max_length=limits.MAX_AGE,
        width="govuk-input--width-10",
        hint="If you do not know, give your best guess, like 'about 14'",
    )
    reported_locations = _area(
        "Where are they seen?",
        max_length=limits.MAX_LOCATIONS,
        rows=3,
        hint="Places, streets, addresses, times of day",
    )
    reported_school = _text("Which school or college do they go to?", max_length=limits.MAX_SCHOOL, hint="If you know")
    concern = _area(
        "What are you worried about?",
        max_length=limits.MAX_CONCERN,
        required=True,
        rows=8,
        hint="Tell us what you have seen or heard, when, and who else is involved",
        required_message="Enter what you are worried about",
    )

    # Spam protection with no third party: a field people never see (HONEYPOT), and the time since
    # the form was shown (STARTED, signed). The template renders both itself, always afresh.
    HONEYPOT = "website"
    STARTED = "started"
    VISIBLE_FIELDS = ("reported_child_name", "reported_child_age", "reported_locations", "reported_school", "concern")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.spam_reason = ""

    def clean(self):
        data = super().clean()
        described = any(
            (data.get(k) or "").strip()
            for k in ("reported_child_name", "reported_child_age", "reported_locations", "reported_school")
        )
        if not described and "reported_child_name" not in self.errors:
            self.add_error(
                "reported_child_name",
                "Tell us something about the child: a name or nickname, their age, where they are seen or their school",
            )
        if self.data.get(self.HONEYPOT):
            self.spam_reason = "honeypot"
        else:
            try:
                started = float(signing.loads(self.data.get(self.STARTED) or "", salt=_TIMESTAMP_SALT))
            except (signing.BadSignature, TypeError, ValueError):
                self.spam_reason = "no_timestamp"
            else:
                elapsed = time.time() - started
                if elapsed < limits.anonymous_form_min_seconds():
                    self.spam_reason = "too_fast"
                elif elapsed > limits.anonymous_form_max_age().total_seconds():
                    self.spam_reason = "expired"
        if self.spam_reason:
            raise forms.ValidationError(
                "We could not send your report. Check your answers, then select 'Send report' again.",
                code="not_sent",
            )
        return data

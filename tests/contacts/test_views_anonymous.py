"""The public anonymous online referral form (IITCSE Rec 21): no sign-in, nothing about the
reporter, a reference and what happens next, limits per address, spam protection, field lengths."""

import re
import time

import pytest
from django.urls import reverse

from contacts import forms, limits
from contacts.choices import Channel, ContactStatus, Source
from contacts.models import AnonymousFormAttempt, Contact
from core import audit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/front-door/report-a-concern/"


def answers(**overrides):
    data = {
        "reported_child_name": "Kayla",
        "reported_child_age": "about 14",
        "reported_locations": "Bus station after 9pm, with older men in a silver car",
        "reported_school": "",
        "concern": "She gets into a car with men much older than her and comes back with new phones.",
        "website": "",
        "started": forms.form_started_token(time.time() - 60),
    }
    data.update(overrides)
    return data


@pytest.fixture
def public(client):
    return client


def test_the_form_needs_no_sign_in_and_asks_nothing_about_the_reporter(public):
    assert reverse("contacts:anonymous_referral") == URL
    page = public.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tell us about a child you are worried about" in html and "call 999" in html
    labels = " ".join(f.label for f in forms.AnonymousReferralForm().fields.values()).lower()
    for asked_of_reporter in ("your name", "e-mail", "email", "phone", "your address", "relationship"):
        assert asked_of_reporter not in labels


def test_a_report_lands_in_the_screening_queue_with_a_reference_and_what_happens_next(public, personas, client_for):
    response = public.post(URL, answers(), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302 and response["Location"] == reverse("contacts:anonymous_referral_sent")
    contact = Contact.objects.get()
    assert (contact.channel, contact.source, contact.is_anonymous, contact.status) == (
        Channel.ANONYMOUS_FORM,
        Source.ANONYMOUS,
        True,
        ContactStatus.AWAITING_SCREENING,
    )
    assert (contact.reported_child_name, contact.child, contact.recorded_by) == ("Kayla", None, audit.system_user())
    assert (contact.referrer_name, contact.referrer_contact_details) == ("", "")
    assert contact.history.get().history_change_reason == "Sent through the anonymous online form"
    sent = public.get(response["Location"]).content.decode()
    assert contact.reference in sent and "What happens next" in sent and "1 working day" in sent
    queue = client_for(personas["screener"]).get(reverse("contacts:queue")).content.decode()
    assert contact.reference in queue and "Kayla" in queue


def test_the_sending_address_is_kept_only_as_a_keyed_hash(public):
    public.post(URL, answers(), REMOTE_ADDR="203.0.113.7")
    attempt = AnonymousFormAttempt.objects.get()
    assert "203.0.113.7" not in attempt.address_hash and len(attempt.address_hash) == 64
    assert not any("203.0.113.7" in str(v) for v in Contact.objects.values().get().values())


def test_it_says_what_is_missing_and_keeps_what_was_typed(public):
    response = public.post(
        URL,
        answers(
            reported_child_name="", reported_child_age="", reported_locations="", concern="", reported_school="Oak"
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in html
    assert "Enter what you are worried about" in html
    assert 'value="Oak"' in html
    response = public.post(URL, answers(reported_child_name="", reported_child_age="", reported_locations=""))
    assert "Tell us something about the child" in response.content.decode() and not Contact.objects.exists()


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("reported_child_name", limits.MAX_NAME),
        ("reported_child_age", limits.MAX_AGE),
        ("reported_locations", limits.MAX_LOCATIONS),
        ("reported_school", limits.MAX_SCHOOL),
        ("concern", limits.MAX_CONCERN),
    ],
)
def test_field_lengths_are_limited(public, field, limit):
    at_limit = public.post(URL, answers(**{field: "x" * limit}), REMOTE_ADDR="198.51.100.1")
    assert at_limit.status_code == 302
    over = public.post(URL, answers(**{field: "x" * (limit + 1)}), REMOTE_ADDR="198.51.100.2")
    assert over.status_code == 200
    assert "characters or fewer" in over.content.decode()
    assert Contact.objects.count() == 1
    assert f'maxlength="{limit}"' in public.get(URL).content.decode()


@pytest.mark.parametrize(
    "spam",
    [
        lambda: {"website": "http://cheap-pills.example"},  # the field people never see
        lambda: {"started": forms.form_started_token(time.time())},  # sent in under a few seconds
        lambda: {"started": "forged"},  # no genuine timestamp
        lambda: {"started": forms.form_started_token(time.time() - 13 * 3600)},  # shown over 12 hours ago
    ],
    ids=["honeypot", "too_fast", "forged", "expired"],
)
def test_spam_is_refused_without_a_third_party_and_a_person_can_send_again(public, spam):
    spam = spam()
    response = public.post(URL, answers(**spam), REMOTE_ADDR="192.0.2.10")
    html = response.content.decode()
    assert response.status_code == 200 and not Contact.objects.exists()
    assert "We could not send your report" in html
    assert "Bus station after 9pm" in html  # what was typed is still there
    assert 'name="website" value=""' in html  # the hidden field is offered empty again
    assert AnonymousFormAttempt.objects.filter(accepted=False).count() == 1
    fresh = re.search(r'name="started" value="([^"]+)"', html)[1]
    assert fresh != spam.get("started")
    # A person who sends the same answers again a few seconds later gets through.
    assert (
        public.post(
            URL, answers(started=forms.form_started_token(time.time() - 5)), REMOTE_ADDR="192.0.2.10"
        ).status_code
        == 302
    )


def test_reports_are_limited_per_address_with_a_clear_message(public, settings):
    settings.ANONYMOUS_FORM_LIMIT = 3
    for _ in range(3):
        assert public.post(URL, answers(), REMOTE_ADDR="192.0.2.20").status_code == 302
    refused = public.post(URL, answers(concern="A fourth report"), REMOTE_ADDR="192.0.2.20")
    html = refused.content.decode()
    assert refused.status_code == 429
    assert "Too many reports have been sent from this connection" in html and "A fourth report" in html
    assert "You can send it in 60 minutes" in html
    assert Contact.objects.count() == 3
    assert public.post(URL, answers(), REMOTE_ADDR="192.0.2.21").status_code == 302  # another address


def test_spam_counts_towards_the_limit(public, settings):
    settings.ANONYMOUS_FORM_LIMIT = 2
    for _ in range(2):
        public.post(URL, answers(website="spam"), REMOTE_ADDR="192.0.2.30")
    assert public.post(URL, answers(), REMOTE_ADDR="192.0.2.30").status_code == 429


def test_the_limit_lifts_when_the_window_has_passed(public, settings):
    import datetime as dt

    from django.utils import timezone

    settings.ANONYMOUS_FORM_LIMIT = 1
    public.post(URL, answers(), REMOTE_ADDR="192.0.2.40")
    assert public.post(URL, answers(), REMOTE_ADDR="192.0.2.40").status_code == 429
    AnonymousFormAttempt.objects.update(at=timezone.now() - dt.timedelta(minutes=61))
    assert public.post(URL, answers(), REMOTE_ADDR="192.0.2.40").status_code == 302


def test_the_confirmation_is_only_for_the_person_who_sent_it(public, client):
    from django.test import Client

    assert public.get(reverse("contacts:anonymous_referral_sent")).status_code == 302
    public.post(URL, answers())
    reference = Contact.objects.get().reference
    assert reference in public.get(reverse("contacts:anonymous_referral_sent")).content.decode()
    assert Client().get(reverse("contacts:anonymous_referral_sent")).status_code == 302


def test_a_signed_in_member_of_staff_can_use_it_too(client_for):
    user = UserFactory()
    assert client_for(user).post(URL, answers()).status_code == 302

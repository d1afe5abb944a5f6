"""Issue 24, points 1 and 7 at the front door: a Complex or Acute contact tells the safeguarding
advisors at once (by reference only) and waits on their review list; every professional's contact
is acknowledged at once and told its outcome; a parent's, relative's or member of the public's only
when the screener decides so. Each alert and e-mail exactly once, however often the jobs run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from contacts import services
from contacts.choices import (
    Channel,
    FactorLevel,
    Outcome,
    ReferrerMessageKind,
    Source,
    ThresholdLevel,
    ThresholdReviewOutcome,
)
from contacts.models import ReferrerMessage, ThresholdReview
from contacts.tasks import send_referrer_messages
from core.alerts import run_rule
from core.exceptions import TransitionNotAllowed
from core.models import Notification
from core.roles import Role
from core.services import setting_update
from tests.factories import ChildFactory, ContactFactory, ThresholdAssessmentFactory, factor_levels

pytestmark = pytest.mark.django_db

CHILD_FIRST, CHILD_LAST = "Elowen", "Tregarthen"
REFERRER = "Morwenna Penhallow"
CONCERN = "Seen getting into a silver car outside the chip shop"


def _professional_data(**overrides) -> dict:
    data = {
        "received_at": timezone.now() - dt.timedelta(minutes=5),
        "channel": Channel.PHONE,
        "source": Source.SCHOOLS_COLLEGES,
        "referrer_name": REFERRER,
        "referrer_organisation": "Hill Top Academy",
        "referrer_email": "dsl@hilltop.example.org",
        "concern": CONCERN,
        "cse_concern": True,
    }
    data.update(overrides)
    return data


def _no_names(text: str) -> None:
    for word in (CHILD_FIRST, CHILD_LAST, REFERRER, "silver car", "chip shop"):
        assert word not in text


@pytest.fixture
def child():
    return ChildFactory(first_name=CHILD_FIRST, last_name=CHILD_LAST)


def _assess(contact, screener, level):
    return services.threshold_assess(
        contact=contact, actor=screener, factors=factor_levels(coercion=FactorLevel(level)), overall_level=level
    )


# --- Acknowledgement and outcome (point 7) --------------------------------------------------


def test_a_professionals_contact_is_acknowledged_at_once_with_the_reference_only(
    advisor, child, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        contact = services.contact_record(actor=advisor, data=_professional_data(), child=child)
    [message] = ReferrerMessage.objects.all()
    assert (message.contact, message.kind, message.address) == (contact, "acknowledgement", "dsl@hilltop.example.org")
    assert message.sent_at is not None and message.attempts == 1
    assert (message.history.earliest().history_user, message.history.earliest().history_change_reason) == (
        advisor,
        "Acknowledgement to the referrer written",
    )
    [email] = mail.outbox
    assert email.to == ["dsl@hilltop.example.org"]
    assert contact.reference in email.subject and contact.reference in email.body
    _no_names(email.subject + email.body)
    # The retry job and a second delivery send nothing more.
    assert send_referrer_messages() == 0
    assert services.referrer_message_deliver(message_id=message.pk) is False
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"source": Source.INDIVIDUAL},  # a parent, relative or member of the public: no acknowledgement
        {"source": Source.POLICE, "is_anonymous": True},
        {"source": Source.POLICE, "referrer_email": ""},  # nowhere to send it (the form asks for it)
    ],
)
def test_no_acknowledgement_unless_a_professional_with_an_address(
    advisor, child, overrides, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.contact_record(actor=advisor, data=_professional_data(**overrides), child=child)
    assert not ReferrerMessage.objects.exists() and mail.outbox == []


def test_a_failed_acknowledgement_is_sent_by_the_retry_job_once(
    advisor, child, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("contacts.services.referrer.send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        services.contact_record(actor=advisor, data=_professional_data(), child=child)
    message = ReferrerMessage.objects.get()
    assert message.sent_at is None and message.attempts == 1
    monkeypatch.undo()
    assert send_referrer_messages() == 1
    assert send_referrer_messages() == 0
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert message.sent_at is not None and message.history.latest().history_change_reason == "E-mailed to the referrer"


def test_a_bad_referrer_address_is_refused_with_nothing_saved(advisor, child):
    with pytest.raises(ValidationError) as caught:
        services.contact_record(actor=advisor, data=_professional_data(referrer_email="not an address"), child=child)
    assert "referrer_email" in caught.value.message_dict
    assert not ReferrerMessage.objects.exists()


def _decidable(**kwargs):
    contact = ContactFactory(decision_due_at=timezone.now() + dt.timedelta(hours=8), **kwargs)
    ThresholdAssessmentFactory(contact=contact)
    return contact


@pytest.mark.parametrize(
    ("outcome", "extra", "words"),
    [
        (Outcome.INFORMATION_ADVICE, {"outcome_detail": "Advice given"}, "did not need a referral"),
        (Outcome.CATE_OR_STATUTORY, {"refer_to_statutory": True}, "children's safeguarding services"),
    ],
)
def test_a_professional_is_told_the_outcome_in_referrer_words(
    screener, child, outcome, extra, words, django_capture_on_commit_callbacks
):
    contact = _decidable(child=child, source=Source.NHS, referrer_email="nurse@nhs.example.org", referrer_name=REFERRER)
    with django_capture_on_commit_callbacks(execute=True):
        services.contact_decide(contact=contact, actor=screener, outcome=outcome, **extra)
    [message] = ReferrerMessage.objects.filter(kind=ReferrerMessageKind.OUTCOME)
    [email] = mail.outbox
    assert email.to == ["nurse@nhs.example.org"] and words in email.body and contact.reference in email.body
    _no_names(email.subject + email.body)
    assert "Advice given" not in email.body  # the screener's own words stay in the record
    assert send_referrer_messages() == 0 and len(mail.outbox) == 1
    assert message.created_by == screener


def test_a_parents_outcome_waits_on_the_screeners_recorded_decision(
    screener, child, django_capture_on_commit_callbacks
):
    contact = _decidable(child=child, source=Source.INDIVIDUAL, referrer_email="parent@example.org")
    assert services.asks_screener_about_referrer(contact)
    with pytest.raises(ValidationError) as caught:
        services.contact_decide(contact=contact, actor=screener, outcome=Outcome.INFORMATION_ADVICE, outcome_detail="x")
    assert "referrer_outcome" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.contact_decide(
            contact=contact,
            actor=screener,
            outcome=Outcome.INFORMATION_ADVICE,
            outcome_detail="x",
            referrer_outcome="withhold",
        )
    assert "referrer_outcome_reason" in caught.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        contact = services.contact_decide(
            contact=contact,
            actor=screener,
            outcome=Outcome.INFORMATION_ADVICE,
            outcome_detail="x",
            referrer_outcome="withhold",
            referrer_outcome_reason="The referrer may be linked to the person of concern.",
        )
    assert (contact.referrer_outcome, contact.referrer_outcome_reason) == (
        "withhold",
        "The referrer may be linked to the person of concern.",
    )
    latest = contact.history.latest()
    assert latest.history_user == screener and latest.referrer_outcome == "withhold"
    assert not ReferrerMessage.objects.exists() and mail.outbox == []


def test_a_relative_the_screener_chooses_to_tell_hears_the_outcome_once(
    screener, child, django_capture_on_commit_callbacks
):
    contact = _decidable(child=child, source=Source.INDIVIDUAL, referrer_email="aunt@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.contact_decide(
            contact=contact,
            actor=screener,
            outcome=Outcome.INFORMATION_ADVICE,
            outcome_detail="x",
            referrer_outcome="send",
        )
    [email] = mail.outbox
    assert email.to == ["aunt@example.org"] and contact.reference in email.body
    _no_names(email.body)
    assert ReferrerMessage.objects.get().kind == ReferrerMessageKind.OUTCOME


# --- Complex and Acute: the safeguarding advisors' review (point 1) --------------------------


def test_a_complex_decision_tells_the_advisors_at_once_and_once(
    personas, make_user, child, django_capture_on_commit_callbacks
):
    screener, manager = personas["screener"], personas["fc_manager"]
    second = make_user(Role.FC_MANAGER)
    contact = ContactFactory(child=child)
    with django_capture_on_commit_callbacks(execute=True):
        _assess(contact, screener, ThresholdLevel.COMPLEX)
    review = ThresholdReview.objects.get(contact=contact)
    assert (review.level, review.outcome) == (ThresholdLevel.COMPLEX, "")
    assert review.history.get().history_user == screener
    told = Notification.objects.filter(key__startswith="threshold_review:")
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted([manager.pk, second.pk])
    assert sorted(e.to[0] for e in mail.outbox) == sorted([manager.email, second.email])
    for email in mail.outbox:
        assert contact.reference in email.subject
        _no_names(email.subject + email.body)
    # The job, twice, and a revision to Acute: nothing more.
    assert run_rule("threshold_review").sent == 0
    assert run_rule("threshold_review").sent == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.threshold_assess(
            contact=contact,
            actor=screener,
            factors=factor_levels(coercion=FactorLevel.ACUTE),
            overall_level=ThresholdLevel.ACUTE,
            revision_reason="More came in",
            expected_version=contact.threshold_assessment.version,
        )
    assert ThresholdReview.objects.count() == 1 and told.count() == 2 and len(mail.outbox) == 2


@pytest.mark.parametrize("level", [ThresholdLevel.UNIVERSAL, ThresholdLevel.VULNERABLE])
def test_lower_levels_raise_no_review(screener, child, level, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _assess(ContactFactory(child=child), screener, level)
    assert not ThresholdReview.objects.exists() and mail.outbox == []


def test_a_draft_raises_no_review_until_completed(screener, child):
    contact = ContactFactory(child=child)
    services.threshold_assess(
        contact=contact,
        actor=screener,
        factors=factor_levels(coercion=FactorLevel.ACUTE),
        overall_level=ThresholdLevel.ACUTE,
        draft=True,
    )
    assert not ThresholdReview.objects.exists()


def test_the_advisors_group_is_a_setting(personas, make_user, child, django_capture_on_commit_callbacks):
    leader = personas["team_leader"]
    screener, manager, group_manager = personas["screener"], personas["fc_manager"], personas["group_manager"]
    setting_update(key="safeguarding_advisors", value=Role.SCREENER.value, actor=group_manager, reason="MASH practice")
    with pytest.raises(ValidationError):
        setting_update(key="safeguarding_advisors", value="nobody", actor=group_manager, reason="x")
    with django_capture_on_commit_callbacks(execute=True):
        _assess(ContactFactory(child=child), screener, ThresholdLevel.ACUTE)
    recipients = set(
        Notification.objects.filter(key__startswith="threshold_review:").values_list("recipient", flat=True)
    )
    assert recipients == {screener.pk}
    assert manager.pk not in recipients and leader.pk not in recipients


def test_a_restricted_childs_review_reaches_only_advisors_named_on_it(
    personas, make_user, django_capture_on_commit_callbacks
):
    screener, manager = personas["screener"], personas["fc_manager"]
    other = make_user(Role.FC_MANAGER)
    child = ChildFactory(first_name=CHILD_FIRST, last_name=CHILD_LAST, is_restricted=True)
    child.restricted_to.set([screener, manager])
    with django_capture_on_commit_callbacks(execute=True):
        _assess(ContactFactory(child=child), screener, ThresholdLevel.COMPLEX)
    recipients = set(
        Notification.objects.filter(key__startswith="threshold_review:").values_list("recipient", flat=True)
    )
    assert recipients == {manager.pk}
    assert other.pk not in recipients
    from contacts.review_selectors import threshold_review_list_for_user

    assert threshold_review_list_for_user(other).count() == 0
    assert threshold_review_list_for_user(manager).count() == 1


def test_an_advisor_records_the_review_with_history(personas, child, django_capture_on_commit_callbacks):
    screener, manager = personas["screener"], personas["fc_manager"]
    with django_capture_on_commit_callbacks(execute=True):
        _assess(ContactFactory(child=child), screener, ThresholdLevel.COMPLEX)
    review = ThresholdReview.objects.get()
    with pytest.raises(PermissionDenied):
        services.threshold_review_record(review=review, outcome="agreed", notes="", actor=screener)
    with pytest.raises(ValidationError) as caught:
        services.threshold_review_record(review=review, outcome="bogus", notes="", actor=manager)
    assert "outcome" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.threshold_review_record(
            review=review, outcome=ThresholdReviewOutcome.ESCALATED, notes=" ", actor=manager
        )
    assert "notes" in caught.value.message_dict
    review = services.threshold_review_record(
        review=review, outcome=ThresholdReviewOutcome.ESCALATED, notes="To the group manager", actor=manager
    )
    assert (review.reviewed_by, review.outcome) == (manager, "escalated")
    latest = review.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (manager, "Review recorded: Escalated")
    with pytest.raises(TransitionNotAllowed):
        services.threshold_review_record(review=review, outcome="agreed", notes="", actor=manager)
    # A reviewed contact is no longer an alert candidate.
    assert run_rule("threshold_review").candidates == 0

"""The screener's decision on a contact and the follow-up of early help."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from contacts import services
from contacts.choices import ContactStatus, Outcome
from contacts.models import Contact, EarlyHelpFollowUp
from core import contract
from core.exceptions import TransitionNotAllowed
from core.models import Agency
from tests.factories import ContactFactory, ThresholdAssessmentFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def freeze(monkeypatch, moment):
    monkeypatch.setattr(timezone, "now", lambda: moment)


def assessed_contact(**kwargs):
    contact = ContactFactory(decision_due_at=timezone.now() + dt.timedelta(hours=8), **kwargs)
    ThresholdAssessmentFactory(contact=contact)
    return contact


def test_information_and_advice_records_what_was_given(screener):
    contact = assessed_contact()
    with pytest.raises(ValidationError) as caught:
        services.contact_decide(contact=contact, actor=screener, outcome=Outcome.INFORMATION_ADVICE)
    assert "outcome_detail" in caught.value.message_dict
    contact = services.contact_decide(
        contact=contact,
        actor=screener,
        outcome=Outcome.INFORMATION_ADVICE,
        outcome_detail="Advice to the school on the Explore More indicators.",
    )
    assert (contact.status, contact.decided_by, contact.late_decision_reason) == (ContactStatus.DECIDED, screener, "")
    latest = contact.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (screener, "Decided: Information, advice and support")
    assert not EarlyHelpFollowUp.objects.exists()
    with pytest.raises(TransitionNotAllowed):
        services.contact_decide(contact=contact, actor=screener, outcome=Outcome.INFORMATION_ADVICE, outcome_detail="x")


def test_early_help_names_agency_and_service_and_sets_a_follow_up(screener, monkeypatch):
    decided_at = dt.datetime(2026, 12, 17, 10, 0, tzinfo=LONDON)
    freeze(monkeypatch, decided_at)
    contact = ContactFactory(
        received_at=decided_at - dt.timedelta(hours=2), decision_due_at=decided_at + dt.timedelta(hours=1)
    )
    ThresholdAssessmentFactory(contact=contact)
    agency = Agency.objects.get(name="Children's Services")
    with pytest.raises(ValidationError) as caught:
        services.contact_decide(contact=contact, actor=screener, outcome=Outcome.EARLY_HELP)
    assert {"early_help_agency", "early_help_service"} <= set(caught.value.message_dict)
    contact = services.contact_decide(
        contact=contact,
        actor=screener,
        outcome=Outcome.EARLY_HELP,
        early_help_agency=agency,
        early_help_service="Strengthening Families",
    )
    follow_up = contact.follow_up
    # 10 working days over Christmas 2026: 25 Dec, the 28 Dec substitute and 1 Jan are bank holidays.
    assert follow_up.due_at == dt.datetime(2027, 1, 5, 10, 0, tzinfo=LONDON)
    created = follow_up.history.get()
    assert (created.history_user, created.history_change_reason) == (
        screener,
        "Follow-up of the early-help referral due",
    )


def test_the_follow_up_records_whether_the_agency_took_action(screener, personas):
    contact = assessed_contact()
    agency = Agency.objects.get(name="Police")
    services.contact_decide(
        contact=contact, actor=screener, outcome=Outcome.EARLY_HELP, early_help_agency=agency, early_help_service="PCSO"
    )
    follow_up = EarlyHelpFollowUp.objects.get(contact=contact)
    with pytest.raises(PermissionDenied):
        services.follow_up_complete(follow_up=follow_up, actor=personas["team_leader"], action_taken=True, notes="")
    with pytest.raises(ValidationError) as caught:
        services.follow_up_complete(follow_up=follow_up, actor=screener, action_taken=False, notes="")
    assert "notes" in caught.value.message_dict
    follow_up = services.follow_up_complete(
        follow_up=follow_up, actor=screener, action_taken=True, notes="Visited the family", expected_version=1
    )
    assert follow_up.action_taken is True and follow_up.completed_by == screener
    latest = follow_up.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        screener,
        "Follow-up recorded: the agency took action",
    )
    with pytest.raises(TransitionNotAllowed):
        services.follow_up_complete(follow_up=follow_up, actor=screener, action_taken=True, notes="")


def test_a_referral_to_cate_is_announced_inside_the_decision_transaction(screener):
    contact = assessed_contact()
    heard = []

    def receiver(*, contact, actor):
        heard.append((type(contact), contact.pk, contact.status, actor, transaction.get_connection().in_atomic_block))

    with contract.override("contact_referred_handlers", [receiver], add=True):
        with pytest.raises(ValidationError) as caught:
            services.contact_decide(contact=contact, actor=screener, outcome=Outcome.CATE_OR_STATUTORY)
        assert "refer_to" in caught.value.message_dict
        services.contact_decide(contact=contact, actor=screener, outcome=Outcome.CATE_OR_STATUTORY, refer_to_cate=True)
    assert heard == [(Contact, contact.pk, ContactStatus.DECIDED, screener, True)]
    contact.refresh_from_db()
    assert (contact.refer_to_cate, contact.refer_to_statutory) == (True, False)


def test_a_failing_subscriber_undoes_the_decision(screener):
    contact = assessed_contact()

    def broken(**kwargs):
        raise RuntimeError("CATE referral could not be created")

    with contract.override("contact_referred_handlers", [broken], add=True), pytest.raises(RuntimeError):
        services.contact_decide(
            contact=contact, actor=screener, outcome=Outcome.CATE_OR_STATUTORY, refer_to_statutory=True
        )
    contact.refresh_from_db()
    assert contact.status == ContactStatus.AWAITING_SCREENING


def test_a_late_decision_asks_for_the_reason(screener):
    contact = ContactFactory(decision_due_at=timezone.now() - dt.timedelta(minutes=1))
    ThresholdAssessmentFactory(contact=contact)
    with pytest.raises(ValidationError) as caught:
        services.contact_decide(contact=contact, actor=screener, outcome=Outcome.INFORMATION_ADVICE, outcome_detail="x")
    assert "late_decision_reason" in caught.value.message_dict
    contact = services.contact_decide(
        contact=contact,
        actor=screener,
        outcome=Outcome.INFORMATION_ADVICE,
        outcome_detail="Advice given",
        late_decision_reason="Waiting for the police answer",
    )
    assert contact.late_decision_reason == "Waiting for the police answer"


def test_only_a_screener_decides(personas):
    contact = assessed_contact()
    for name in ("advisor", "team_leader", "group_manager", "police", "cate_worker", "auditor", "administrator"):
        with pytest.raises(PermissionDenied):
            services.contact_decide(
                contact=contact, actor=personas[name], outcome=Outcome.INFORMATION_ADVICE, outcome_detail="x"
            )
    contact.refresh_from_db()
    assert contact.status == ContactStatus.AWAITING_SCREENING


def test_a_decision_needs_the_threshold_assessment_and_a_child_for_referrals(screener):
    contact = ContactFactory(
        child=None, reported_child_name="Jay", decision_due_at=timezone.now() + dt.timedelta(hours=1)
    )
    with pytest.raises(ValidationError) as caught:
        services.contact_decide(contact=contact, actor=screener, outcome=Outcome.INFORMATION_ADVICE, outcome_detail="x")
    assert "Complete the threshold assessment before deciding." in caught.value.messages
    ThresholdAssessmentFactory(contact=contact)
    with pytest.raises(ValidationError) as caught:
        services.contact_decide(contact=contact, actor=screener, outcome=Outcome.CATE_OR_STATUTORY, refer_to_cate=True)
    assert "Link the contact to a child before referring them on." in caught.value.messages
    services.contact_decide(contact=contact, actor=screener, outcome=Outcome.INFORMATION_ADVICE, outcome_detail="x")

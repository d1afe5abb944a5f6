"""Referral from Family Connect: the child joins the queue with the detailed assessment due."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cate import services
from cate.choices import (
    Classification,
    ReferralStatus,
)
from cate.models import Referral
from core import contract
from core.selectors import service_settings
from tests.factories import ContactFactory, open_case

from .helpers import assert_history

pytestmark = pytest.mark.django_db

OPENING = services.CaseOpening(cse=True, cce=True, other_exploitation=False, classification=Classification.VICTIM)


def test_the_screeners_referral_signal_puts_the_child_in_the_queue(personas):
    screener = personas["screener"]
    contact = ContactFactory(decided_at=timezone.now())
    contract.call("contact_referred_handlers", contact=contact, actor=screener)
    referral = Referral.objects.get(contact=contact)
    assert referral.child == contact.child
    assert referral.referred_by == screener
    assert referral.status == ReferralStatus.AWAITING_ASSESSMENT
    assert referral.assessment_due_at == service_settings().due("detailed_assessment", contact.decided_at)
    assert_history(referral, screener, f"Referred to CATE by Family Connect ({contact.reference})")
    # Sent twice (a retried decision), the child is still referred once.
    contract.call("contact_referred_handlers", contact=contact, actor=screener)
    assert Referral.objects.filter(contact=contact).count() == 1


def test_the_assessment_is_due_45_working_days_after_referral_skipping_bank_holidays(personas):
    referred = dt.datetime(2024, 3, 1, 10, 0, tzinfo=dt.UTC)  # a Friday, 10:00 in London (GMT)
    contact = ContactFactory(decided_at=referred)
    referral = services.referral_create_from_contact(contact=contact, actor=personas["screener"])
    # 45 working days: nine weeks of five days, plus Good Friday, Easter Monday and the early May
    # bank holiday; still 10:00 in London, now BST.
    assert referral.assessment_due_at == dt.datetime(2024, 5, 8, 9, 0, tzinfo=dt.UTC)


def test_only_a_screener_refers_and_only_a_known_child(personas):
    with pytest.raises(PermissionDenied):
        services.referral_create_from_contact(contact=ContactFactory(), actor=personas["cate_worker"])
    with pytest.raises(ValidationError):
        services.referral_create_from_contact(contact=ContactFactory(child=None), actor=personas["screener"])
    assert not Referral.objects.exists()


def test_a_new_referral_of_a_child_with_a_live_case_is_in_its_chronology(personas):
    case = open_case(personas["team_leader"])
    contact = ContactFactory(child=case.child)
    services.referral_create_from_contact(contact=contact, actor=personas["screener"])
    assert case.chronology.filter(summary__contains=contact.reference).exists()

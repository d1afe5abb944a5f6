"""Recording contacts, the queue's state changes and the screener's decision."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from contacts import services
from contacts.choices import Channel, ContactStatus, Outcome, Source
from contacts.models import Contact, EarlyHelpFollowUp
from core import contract
from core.exceptions import StaleRecord, TransitionNotAllowed
from core.models import Agency

from .factories import ChildFactory, ContactFactory, ThresholdAssessmentFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def contact_data(**overrides):
    data = {
        "received_at": timezone.now() - dt.timedelta(minutes=10),
        "channel": Channel.PHONE,
        "source": Source.SCHOOLS_COLLEGES,
        "is_anonymous": False,
        "referrer_organisation": "Riverside Academy",
        "referrer_name": "Designated safeguarding lead",
        "concern": "Seen with older men in cars after school.",
        "cse_concern": True,
    }
    data.update(overrides)
    return data


def freeze(monkeypatch, moment):
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_an_advisor_records_a_contact_with_history_and_a_due_time(advisor):
    child = ChildFactory()
    contact = services.contact_record(actor=advisor, data=contact_data(), child=child)
    assert contact.reference.startswith("FC-") and len(contact.reference) == 12
    assert (contact.status, contact.child, contact.recorded_by) == (ContactStatus.AWAITING_SCREENING, child, advisor)
    assert contact.decision_due_at > contact.received_at
    record = contact.history.get()
    assert (record.history_user, record.history_change_reason, record.history_type) == (
        advisor,
        "Contact recorded",
        "+",
    )


def test_references_do_not_repeat(advisor):
    references = {services.new_contact_reference() for _ in range(200)}
    assert len(references) == 200
    assert all(ref[:3] == "FC-" and "0" not in ref[3:] and "O" not in ref for ref in references)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # An ordinary Tuesday: the next working day at the same time.
        (dt.datetime(2026, 3, 10, 11, 0), dt.datetime(2026, 3, 11, 11, 0)),
        # Thursday before Easter: Good Friday and Easter Monday are skipped.
        (dt.datetime(2026, 4, 2, 10, 0), dt.datetime(2026, 4, 7, 10, 0)),
        # Christmas Eve 2026 (Thursday): Christmas Day, the weekend and the Boxing Day substitute skipped.
        (dt.datetime(2026, 12, 24, 14, 0), dt.datetime(2026, 12, 29, 14, 0)),
        # Friday before the clocks go forward: due Monday at the same local time (one hour less elapsed).
        (dt.datetime(2026, 3, 27, 10, 0), dt.datetime(2026, 3, 30, 10, 0)),
        # Received on a Saturday (out of hours): due on Monday.
        (dt.datetime(2026, 6, 13, 22, 30), dt.datetime(2026, 6, 15, 22, 30)),
        # Friday before the early May bank holiday: due on the Tuesday.
        (dt.datetime(2026, 5, 1, 16, 45), dt.datetime(2026, 5, 5, 16, 45)),
    ],
)
def test_the_decision_is_due_one_working_day_after_receipt(advisor, monkeypatch, received, due):
    received = received.replace(tzinfo=LONDON)
    freeze(monkeypatch, received + dt.timedelta(minutes=30))
    contact = services.contact_record(actor=advisor, data=contact_data(received_at=received), child=ChildFactory())
    assert contact.decision_due_at == due.replace(tzinfo=LONDON)
    assert contact.decision_due_at.utcoffset() == dt.timedelta(0)  # stored in UTC


def test_a_contact_needs_a_referrer_unless_anonymous_and_something_about_the_child(advisor):
    with pytest.raises(ValidationError) as caught:
        services.contact_record(
            actor=advisor, data=contact_data(referrer_name="", referrer_organisation="", concern="")
        )
    assert set(caught.value.message_dict) == {"referrer_name", "reported_child_name", "concern"}
    contact = services.contact_record(
        actor=advisor,
        data=contact_data(source=Source.ANONYMOUS, referrer_name="", referrer_organisation="", reported_child_age="15"),
    )
    assert contact.is_anonymous and contact.child is None


def test_only_front_door_staff_record_contacts(personas):
    for name in ("team_leader", "group_manager", "police", "cate_worker", "auditor", "administrator"):
        with pytest.raises(PermissionDenied):
            services.contact_record(actor=personas[name], data=contact_data(), child=ChildFactory())
    assert not Contact.objects.exists()


def test_assign_to_me_and_back_to_the_queue(screener, personas):
    contact = ContactFactory()
    contact = services.contact_assign(contact=contact, assignee=screener, actor=screener, expected_version=1)
    assert (contact.status, contact.assigned_to, contact.version) == (ContactStatus.IN_SCREENING, screener, 2)
    assert contact.history.latest().history_change_reason == f"Assigned to {screener}"
    with pytest.raises(StaleRecord):
        services.contact_release(contact=contact, actor=screener, expected_version=1)
    contact = services.contact_release(contact=contact, actor=screener, expected_version=2)
    assert (contact.status, contact.assigned_to) == (ContactStatus.AWAITING_SCREENING, None)
    latest = contact.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (screener, "Returned to the queue")
    with pytest.raises(PermissionDenied):
        services.contact_assign(contact=contact, assignee=personas["advisor"], actor=personas["advisor"])
    with pytest.raises(ValidationError):
        services.contact_assign(contact=contact, assignee=personas["advisor"], actor=screener)


def test_a_contact_entered_in_error_leaves_the_queue_with_its_reason(screener):
    contact = ContactFactory()
    services.contact_mark_entered_in_error(contact=contact, actor=screener, reason="Duplicate of another contact")
    contact.refresh_from_db()
    assert contact.status == ContactStatus.ENTERED_IN_ERROR
    assert contact.history.latest().history_change_reason == "Entered in error: Duplicate of another contact"
    with pytest.raises(TransitionNotAllowed):
        services.contact_mark_entered_in_error(contact=contact, actor=screener, reason="Again")


# --- The decision --------------------------------------------------------------------------


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
    assert "Record the threshold assessment before deciding." in caught.value.messages
    ThresholdAssessmentFactory(contact=contact)
    with pytest.raises(ValidationError) as caught:
        services.contact_decide(contact=contact, actor=screener, outcome=Outcome.CATE_OR_STATUTORY, refer_to_cate=True)
    assert "Link the contact to a child before referring them on." in caught.value.messages
    services.contact_decide(contact=contact, actor=screener, outcome=Outcome.INFORMATION_ADVICE, outcome_detail="x")


def test_link_a_child_to_an_anonymous_contact(screener):
    contact = ContactFactory(child=None, reported_child_name="Jay")
    child = ChildFactory()
    contact = services.contact_link_child(contact=contact, child=child, actor=screener, expected_version=1)
    assert contact.child == child
    assert contact.history.latest().history_change_reason == f"Contact linked to child {child.pk}"


def test_a_child_merged_meanwhile_cannot_be_given_a_contact(advisor, screener):
    child, kept = ChildFactory(), ChildFactory()
    stale = type(child).objects.get(pk=child.pk)  # read before the merge
    services.child_merge(source=child, target=kept, actor=screener, reason="Same child")
    with pytest.raises(ValidationError, match="has been merged"):
        services.contact_record(actor=advisor, data=contact_data(), child=stale)
    contact = ContactFactory(child=None, reported_child_name="Jay")
    with pytest.raises(ValidationError, match="has been merged"):
        services.contact_link_child(contact=contact, child=stale, actor=advisor)
    assert not Contact.objects.filter(child=child).exists()


def test_correcting_a_contact_recomputes_the_due_time_and_keeps_the_reason(advisor, monkeypatch):
    received = dt.datetime(2026, 4, 1, 9, 0, tzinfo=LONDON)  # Wednesday before Easter
    freeze(monkeypatch, received + dt.timedelta(days=1, hours=2))
    contact = services.contact_record(actor=advisor, data=contact_data(received_at=received), child=ChildFactory())
    assert contact.decision_due_at == dt.datetime(2026, 4, 2, 9, 0, tzinfo=LONDON)
    data = contact_data(received_at=received + dt.timedelta(days=1), concern="Corrected wording")
    contact = services.contact_update(
        contact=contact, actor=advisor, data=data, reason="Received a day later", expected_version=1
    )
    assert contact.decision_due_at == dt.datetime(2026, 4, 7, 9, 0, tzinfo=LONDON)  # over Easter
    latest = contact.history.latest()
    assert (latest.history_user, latest.history_change_reason, latest.concern) == (
        advisor,
        "Received a day later",
        "Corrected wording",
    )
    with pytest.raises(StaleRecord):
        services.contact_update(contact=contact, actor=advisor, data=data, reason="x", expected_version=1)

"""Recording contacts, the queue's state changes and the screener's decision."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from contacts import services
from contacts.choices import Channel, ContactStatus, Source
from contacts.models import Contact
from core.exceptions import StaleRecord, TransitionNotAllowed
from tests.factories import ChildFactory, ContactFactory

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

"""Multi-agency child enquiries: sending, due times, partners' answers."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from contacts import services
from contacts.choices import MaceStatus
from contacts.models import MaceRecipient
from core.exceptions import TransitionNotAllowed
from core.models import Agency, Notification
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def police(personas):
    return personas["police"]


@pytest.fixture
def health(personas):
    return personas["health"]


def send(contact, actor, *names, question="What do you know of this child?"):
    agencies = Agency.objects.filter(name__in=names)
    return services.mace_request_send(contact=contact, actor=actor, agencies=agencies, question=question)


def test_a_screener_asks_chosen_agencies_and_their_partners_are_told(
    screener, police, health, django_capture_on_commit_callbacks
):
    contact = ContactFactory()
    with django_capture_on_commit_callbacks(execute=True):
        request = send(contact, screener, "Police", "Health")
    assert set(request.agencies.values_list("name", flat=True)) == {"Police", "Health"}
    assert request.history.get().history_change_reason in (
        "Enquiry sent to Police, Health",
        "Enquiry sent to Health, Police",
    )
    assert MaceRecipient.history.filter(history_user=screener, history_change_reason="Agency asked").count() == 2
    told = Notification.objects.filter(key=f"mace-request:{request.pk}")
    assert set(told.values_list("recipient__username", flat=True)) == {"p_police", "p_health"}
    # The alert names the enquiry, never the child.
    assert all(contact.child.first_name not in n.title for n in told)


@pytest.mark.parametrize(
    ("sent", "due"),
    [
        # 4 working hours on an ordinary morning.
        (dt.datetime(2026, 3, 10, 9, 30), dt.datetime(2026, 3, 10, 13, 30)),
        # Thursday before Easter at 15:00: 2 hours that day, 2 on Easter Tuesday.
        (dt.datetime(2026, 4, 2, 15, 0), dt.datetime(2026, 4, 7, 11, 0)),
        # Friday afternoon: carries over the weekend.
        (dt.datetime(2026, 6, 12, 16, 0), dt.datetime(2026, 6, 15, 12, 0)),
        # Sent in the evening: the clock starts at 09:00 the next working day.
        (dt.datetime(2026, 6, 10, 19, 0), dt.datetime(2026, 6, 11, 13, 0)),
    ],
)
def test_answers_are_due_after_the_mace_response_timescale(screener, monkeypatch, sent, due):
    monkeypatch.setattr(timezone, "now", lambda: sent.replace(tzinfo=LONDON))
    request = send(ContactFactory(), screener, "Police")
    assert request.due_at == due.replace(tzinfo=LONDON)


def test_an_enquiry_needs_a_child_agencies_and_a_question(screener):
    with pytest.raises(ValidationError) as caught:
        services.mace_request_send(contact=ContactFactory(), actor=screener, agencies=[], question="")
    assert set(caught.value.message_dict) == {"agencies", "question"}
    with pytest.raises(ValidationError, match="Link the contact to a child"):
        send(ContactFactory(child=None, reported_child_name="Jay"), screener, "Police")


def test_partners_answer_only_enquiries_sent_to_their_agency(screener, police, health, make_user):
    request = send(ContactFactory(), screener, "Police")
    entry = services.mace_entry_add(
        request=request, actor=police, information="Two missing reports this year.", systems_checked="Niche"
    )
    assert (entry.agency.name, entry.author) == ("Police", police)
    assert entry.history.get().history_user == police
    recipient = request.recipients.get()
    assert recipient.responded_at == entry.created_at
    assert recipient.history.latest().history_change_reason == "Agency responded"
    with pytest.raises(PermissionDenied):
        services.mace_entry_add(request=request, actor=health, information="We know her.")
    with pytest.raises(PermissionDenied):
        services.mace_entry_add(request=request, actor=screener, information="I know her.")
    with pytest.raises(ValidationError):
        services.mace_entry_add(request=request, actor=police, information="  ")
    services.mace_request_close(request=request, actor=screener)
    request.refresh_from_db()
    assert request.status == MaceStatus.CLOSED
    with pytest.raises(TransitionNotAllowed):
        services.mace_entry_add(request=request, actor=police, information="More")

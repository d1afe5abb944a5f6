"""An enquiry about a person of concern as well as the child (001 L1387-1388), held by the network and
shown on the enquiry's page through the contract: the partners it was sent to read the person's name
and description, nothing else of the network. An agency's answer that names an adult: a recorder
links the person to the child from it (source: MACE answer)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from contacts import services as contact_services
from contacts.choices import MaceStatus
from core.models import Agency
from network import services
from network.choices import LinkKind, LinkSource
from network.models import Link, MaceSubject
from tests.factories import ChildFactory, ContactFactory, LinkFactory, PersonFactory, PlaceFactory

pytestmark = pytest.mark.django_db

DESCRIPTION = "Tall, red jacket, drives a silver car"
HIDDEN_PLACE = "Secret flat above the takeaway"


def enquiry(personas, *, agencies=("police", "health")):
    contact = ContactFactory(child=ChildFactory(), recorded_by=personas["screener"])
    sent_to = Agency.objects.filter(pk__in=[personas[name].agency_id for name in agencies])
    return contact_services.mace_request_send(
        contact=contact, actor=personas["screener"], agencies=sent_to, question="What do you know?"
    )


def person_of_concern():
    person = PersonFactory(first_name="Darren", last_name="Example", aliases="DJ", description=DESCRIPTION)
    LinkFactory(a=person, b=PlaceFactory(name=HIDDEN_PLACE))
    return person


def test_a_screener_adds_a_person_with_history(personas):
    screener = personas["screener"]
    mace, person = enquiry(personas), person_of_concern()
    subject = services.mace_subject_add(actor=screener, mace=mace, person=person)
    assert subject.history.get().history_user == screener
    with pytest.raises(ValidationError, match="already on the enquiry"):
        services.mace_subject_add(actor=screener, mace=mace, person=person)


def test_a_new_person_is_made_from_what_was_typed(personas):
    mace = enquiry(personas)
    with pytest.raises(ValidationError) as refused:
        services.mace_subject_add(actor=personas["screener"], mace=mace, new_person={"first_name": ""})
    assert "first_name" in refused.value.message_dict
    subject = services.mace_subject_add(
        actor=personas["screener"], mace=mace, new_person={"aliases": "Big Man", "description": DESCRIPTION}
    )
    assert subject.person.aliases == "Big Man" and subject.person.created_by == personas["screener"]


@pytest.mark.parametrize("persona", ["health", "police", "advisor", "cate_worker", "group_manager"])
def test_only_those_who_ask_enquiries_and_record_the_network_add_a_person(personas, persona):
    with pytest.raises(PermissionDenied):
        services.mace_subject_add(actor=personas[persona], mace=enquiry(personas), person=person_of_concern())


def test_a_closed_enquiry_takes_no_one(personas):
    mace = enquiry(personas)
    contact_services.mace_request_close(request=mace, actor=personas["screener"])
    with pytest.raises(ValidationError, match="closed"):
        services.mace_subject_add(actor=personas["screener"], mace=mace, person=person_of_concern())


def test_the_partners_asked_see_the_name_and_description_and_nothing_else(personas, client_for):
    mace, person = enquiry(personas), person_of_concern()
    services.mace_subject_add(actor=personas["screener"], mace=mace, person=person)
    url = reverse("contacts:mace_detail", args=[mace.pk])
    for partner in ("health", "police"):
        html = client_for(personas[partner]).get(url).content.decode()
        assert "Darren Example" in html and DESCRIPTION in html
        assert HIDDEN_PLACE not in html
        assert "Add a person of concern" not in html
    health = client_for(personas["health"]).get(url).content.decode()
    assert "Link a person of concern" not in health  # not a recorder of the network
    screener = client_for(personas["screener"]).get(url).content.decode()
    assert "Add a person of concern to this enquiry" in screener
    # An enquiry not sent to health is not theirs to read at all.
    other = enquiry(personas, agencies=("police",))
    assert client_for(personas["health"]).get(reverse("contacts:mace_detail", args=[other.pk])).status_code == 404


def test_a_person_who_is_a_restricted_child_is_shown_only_to_those_named(personas):
    screener = personas["screener"]
    mace = enquiry(personas)
    hidden = ChildFactory(first_name="Hiddenpeer", is_restricted=True)
    hidden.restricted_to.add(screener)
    peer = services.person_create(actor=screener, child=hidden, first_name="Hiddenpeer")
    services.mace_subject_add(actor=screener, mace=mace, person=peer)
    from network.selectors import mace_subjects_for

    assert mace_subjects_for(screener, mace).count() == 1
    assert mace_subjects_for(personas["health"], mace).count() == 0


def test_taking_a_person_off_keeps_the_record(personas, client_for):
    screener = personas["screener"]
    mace, person = enquiry(personas), person_of_concern()
    subject = services.mace_subject_add(actor=screener, mace=mace, person=person)
    client = client_for(screener)
    url = reverse("network:mace_subject_remove", args=[mace.pk])
    refused = client.post(url, {"subject": str(subject.pk), "reason": ""})
    assert refused.status_code == 200 and "Enter why the person is taken off the enquiry" in refused.content.decode()
    response = client.post(url, {"subject": str(subject.pk), "reason": "Wrong person"})
    assert response.status_code == 302
    subject.refresh_from_db()
    assert subject.removed_by == screener and subject.removed_reason == "Wrong person"
    assert subject.history.latest().history_user == screener
    assert "Darren Example" not in client.get(reverse("contacts:mace_detail", args=[mace.pk])).content.decode()
    services.mace_subject_add(actor=screener, mace=mace, person=person)  # again, after taking them off
    assert MaceSubject.objects.filter(request=mace, person=person).count() == 2


def test_adding_through_the_page(personas, client_for):
    mace, person = enquiry(personas), person_of_concern()
    client = client_for(personas["screener"])
    url = reverse("network:mace_subject_add", args=[mace.pk])
    page = client.get(url, {"q": "darren"}).content.decode()
    assert f'value="person-{person.pk}"' in page
    assert client.post(url, {"q": "darren", "pick": "person-999999"}).status_code == 200  # not among those found
    response = client.post(url, {"q": "darren", "pick": f"person-{person.pk}"})
    assert response.status_code == 302 and MaceSubject.objects.get(request=mace).person == person
    mace.status = MaceStatus.CLOSED
    mace.save()
    assert client.get(url).status_code == 302  # back to the enquiry: it is closed


# --- An answer that names an adult ------------------------------------------------------------


def test_a_recorder_links_a_person_named_in_an_answer(personas, client_for):
    mace = enquiry(personas)
    entry = contact_services.mace_entry_add(request=mace, actor=personas["police"], information="Seen with 'DJ'")
    person = person_of_concern()
    client = client_for(personas["screener"])
    url = reverse("network:mace_answer_link", args=[entry.pk])
    assert url in client.get(reverse("contacts:mace_detail", args=[mace.pk])).content.decode()
    response = client.post(
        url,
        {"q": "DJ", "pick": f"person-{person.pk}", "kind": LinkKind.SEEN_WITH, "confidence": "reported", "notes": ""},
    )
    assert response.status_code == 302
    link = Link.objects.get(source=LinkSource.MACE)
    assert link.source_record == entry.pk and link.reported_by == personas["police"].agency.name
    assert link.a.child == mace.contact.child and link.b.person == person
    assert link.history.get().history_user == personas["screener"]
    page = client.get(reverse("contacts:mace_detail", args=[mace.pk])).content.decode()
    assert "Darren Example" in page


def test_a_partner_links_only_from_their_own_agencys_answer(personas, client_for):
    mace = enquiry(personas)
    police_entry = contact_services.mace_entry_add(request=mace, actor=personas["police"], information="Known")
    health_entry = contact_services.mace_entry_add(request=mace, actor=personas["health"], information="Known")
    police = client_for(personas["police"])
    assert police.get(reverse("network:mace_answer_link", args=[police_entry.pk])).status_code == 200
    assert police.get(reverse("network:mace_answer_link", args=[health_entry.pk])).status_code == 404
    health = client_for(personas["health"])
    assert health.get(reverse("network:mace_answer_link", args=[health_entry.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.mace_answer_link_person(
            actor=personas["police"], entry=health_entry, kind=LinkKind.SEEN_WITH, person=person_of_concern()
        )


def test_the_enquiry_page_makes_as_many_queries_with_many_persons_and_links_as_with_one(personas, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    screener = personas["screener"]
    mace = enquiry(personas)
    entry = contact_services.mace_entry_add(request=mace, actor=personas["police"], information="Known")
    client = client_for(screener)
    url = reverse("contacts:mace_detail", args=[mace.pk])

    def add(n):
        for _ in range(n):
            person = PersonFactory()
            services.mace_subject_add(actor=screener, mace=mace, person=person)
            LinkFactory(a=mace.contact.child, b=person, source=LinkSource.MACE, source_record=entry.pk)

    add(1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    add(15)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert len(many.captured_queries) == len(one.captured_queries)
    subjects = MaceSubject.objects.filter(request=mace).select_related("person")
    assert len(subjects) == 16 and all(subject.person.display_name in html for subject in subjects)

"""The link pages: adding a link from a record's page (the other end found among what the reader may
see; a phone number typed finds or adds the number), a peer group's members and places, changing,
ending and withdrawing a link with a reason."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cate.choices import ChronologyKind
from cate.models import ChronologyEvent
from network import services
from network.choices import IdentifierKind, LinkKind, LinkStatus, NodeKind
from network.models import Identifier, Link
from network.rules import display_phone
from tests.factories import (
    ChildFactory,
    IdentifierFactory,
    LinkFactory,
    PeerGroupFactory,
    PersonFactory,
    PlaceFactory,
    allocated_case,
)
from tests.security.forms import error_summary

pytestmark = pytest.mark.django_db


def _date(name: str, day: dt.date) -> dict:
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def _choices(response) -> list[tuple[str, str]]:
    form = response.context["form"]
    return [] if form is None else list(form.fields["other"].choices)


def test_a_police_partner_links_a_person_to_a_child_found_by_name_and_the_case_chronology_says_so(personas, client_for):
    case = allocated_case(personas["team_leader"], personas["cate_worker"], first_name="Jayden", last_name="Smith")
    person = PersonFactory(first_name="Marcus")
    client = client_for(personas["police"])
    url = reverse("network:person_link_add", args=[person.pk])
    assert client.get(url).status_code == 200
    found = client.get(url, {"other_kind": NodeKind.CHILD, "q": "Jaiden Smyth"})
    choices = _choices(found)
    assert [value for value, _ in choices] == [str(case.child.pk)]
    assert "Jayden Smith" in choices[0][1]
    data = {
        "other_kind": NodeKind.CHILD,
        "q": "Jaiden Smyth",
        "other": str(case.child.pk),
        "kind": LinkKind.SEEN_WITH,
        "relationship": "stranger",
        "source": "intelligence",
        "confidence": "reported",
        "reported_by": "PC Jones",
        **_date("first_seen", timezone.localdate() - dt.timedelta(days=3)),
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
    link = Link.objects.get()
    assert link.a.person == person and link.b.child == case.child
    assert link.relationship == "stranger" and link.reported_by == "PC Jones"
    assert link.history.get().history_user == personas["police"]
    event = ChronologyEvent.objects.get(case=case, kind=ChronologyKind.NETWORK)
    assert "seen with person of concern Marcus" in event.summary
    page = client.get(person.get_absolute_url()).content.decode()
    assert "Jayden Smith" in page and "Seen with" in page


def test_a_restricted_child_is_found_only_by_those_named_on_it(personas, client_for):
    worker = personas["cate_worker"]
    hidden = ChildFactory(first_name="Zebedee", last_name="Quist", is_restricted=True)
    hidden.restricted_to.add(worker)
    person = PersonFactory()
    url = reverse("network:person_link_add", args=[person.pk])
    query = {"other_kind": NodeKind.CHILD, "q": "Zebedee Quist"}
    assert [v for v, _ in _choices(client_for(worker).get(url, query))] == [str(hidden.pk)]
    for name in ("team_leader", "police", "screener"):
        response = client_for(personas[name]).get(url, query)
        assert _choices(response) == [] and f"(child {hidden.pk})" not in response.content.decode(), name
    # A forged choice of the hidden child is refused, and nothing is linked.
    data = {**query, "other": str(hidden.pk), "kind": LinkKind.SEEN_WITH, "source": "casework"}
    data["confidence"] = "reported"
    refused = client_for(personas["team_leader"]).post(url, data)
    assert refused.status_code == 200 and "Select one of the records found" in error_summary(refused.content.decode())
    assert not Link.objects.exists()


def test_typing_a_phone_number_finds_the_recorded_one_or_adds_it(personas, client_for):
    client = client_for(personas["screener"])
    child = ChildFactory()
    url = reverse("network:child_link_add", args=[child.pk])
    known = IdentifierFactory(value="+447700900222")
    found = _choices(client.get(url, {"other_kind": NodeKind.IDENTIFIER, "q": "07700 900222"}))
    assert found == [(str(known.pk), f"{display_phone(known.value)} (phone number)")]
    query = {"other_kind": NodeKind.IDENTIFIER, "q": "07700900333"}
    offered = _choices(client.get(url, query))
    assert offered == [("new", f"{display_phone('+447700900333')}: not yet recorded, add it")]
    data = {**query, "other": "new", "kind": LinkKind.USES_NUMBER, "source": "casework", "confidence": "confirmed"}
    response = client.post(url, data)
    assert response.status_code == 302, error_summary(response.content.decode())
    number = Identifier.objects.get(value="+447700900333")
    assert number.kind == IdentifierKind.PHONE and number.created_by == personas["screener"]
    link = Link.objects.get()
    assert {link.a.child_id, link.b.identifier_id} == {child.pk, number.pk}


def test_link_add_refuses_bad_input_with_the_error_summary(personas, client_for):
    client = client_for(personas["cate_worker"])
    person = PersonFactory()
    url = reverse("network:person_link_add", args=[person.pk])
    response = client.post(url, {})
    assert response.status_code == 200 and "Select what it is linked to" in error_summary(response.content.decode())
    PlaceFactory(name="Bus station")
    response = client.post(url, {"other_kind": NodeKind.PLACE, "q": "bus station", "kind": "nonsense"})
    summary = error_summary(response.content.decode())
    assert "Select which one it is linked to" in summary and "Select a valid choice" in summary
    assert not Link.objects.exists()


def test_a_peer_groups_members_and_places_with_their_dates(personas, client_for):
    worker = personas["cate_worker"]
    client = client_for(worker)
    group = PeerGroupFactory(name="Park lads")
    child = ChildFactory(first_name="Membera")
    joined = timezone.localdate() - dt.timedelta(days=60)
    url = reverse("network:peer_group_member_add", args=[group.pk])
    kinds = [value for value, _ in client.get(url).context["find"].fields["other_kind"].choices]
    assert kinds == [NodeKind.CHILD, NodeKind.PERSON]
    query = {"other_kind": NodeKind.CHILD, "q": "Membera"}
    data = {**query, "other": str(child.pk), "kind": LinkKind.MEMBER_OF, "source": "casework"}
    data.update({"confidence": "reported", **_date("first_seen", joined)})
    assert client.post(url, data).status_code == 302
    membership = Link.objects.get(kind=LinkKind.MEMBER_OF)
    assert membership.a.child == child and membership.b.peer_group == group and membership.first_seen == joined
    place = PlaceFactory(name="Skate park")
    url = reverse("network:peer_group_place_add", args=[group.pk])
    data = {"other_kind": NodeKind.PLACE, "q": "skate", "other": str(place.pk), "source": "casework"}
    data.update({"kind": LinkKind.USES_PLACE, "confidence": "suspected"})
    assert client.post(url, data).status_code == 302
    page = client.get(group.get_absolute_url())
    assert [row.label for row in page.context["members"]] == [child.full_name]
    assert [row.label for row in page.context["places"]] == [str(place)]
    # The membership ends: the date it ended is its last seen.
    ended = timezone.localdate() - dt.timedelta(days=5)
    end_url = reverse("network:link_end", args=[membership.pk])
    response = client.post(end_url, {"version": membership.version, **_date("last_seen", ended)})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.last_seen == ended and membership.first_seen == joined
    before = client.post(end_url, {"version": membership.version, **_date("last_seen", joined - dt.timedelta(days=1))})
    assert "must be the same as or after the date first seen" in error_summary(before.content.decode())


def test_withdrawing_a_link_needs_a_reason_and_keeps_it(personas, client_for):
    leader = personas["team_leader"]
    person, place = PersonFactory(), PlaceFactory(name="Hotel")
    link = services.link_add(actor=leader, a=person, b=place, kind=LinkKind.FREQUENTS)
    client = client_for(personas["police"])
    url = reverse("network:link_withdraw", args=[link.pk]) + f"?next={person.get_absolute_url()}"
    assert "Enter why the link is withdrawn" in error_summary(client.post(url, {"version": 1}).content.decode())
    response = client.post(url, {"version": link.version, "reason": "Wrong hotel"})
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
    link.refresh_from_db()
    assert link.status == LinkStatus.WITHDRAWN and link.withdrawn_reason == "Wrong hotel"
    assert link.withdrawn_by == personas["police"]
    page = client.get(person.get_absolute_url()).content.decode()
    assert "Withdrawn" in page and "Wrong hotel" in page
    assert client.get(reverse("network:link_edit", args=[link.pk])).status_code == 302


def test_a_link_to_a_hidden_end_is_404_and_other_partners_see_no_link_page(personas, client_for):
    worker = personas["cate_worker"]
    hidden = ChildFactory(is_restricted=True)
    hidden.restricted_to.add(worker)
    link = LinkFactory(a=hidden, b=PersonFactory())
    for page in ("link_edit", "link_end", "link_withdraw"):
        url = reverse(f"network:{page}", args=[link.pk])
        assert client_for(worker).get(url).status_code == 200
        assert client_for(personas["team_leader"]).get(url).status_code == 404
        assert client_for(personas["health"]).get(url).status_code == 404


def test_changing_a_link_keeps_its_ends_and_kind(personas, client_for):
    client = client_for(personas["cate_worker"])
    link = LinkFactory(a=PersonFactory(), b=PlaceFactory(), kind=LinkKind.LIVES_AT, notes="old")
    url = reverse("network:link_edit", args=[link.pk])
    data = {"version": link.version, "confidence": "confirmed", "notes": "Seen again", "kind": "drives"}
    response = client.post(url, data)
    assert response.status_code == 302, error_summary(response.content.decode())
    link.refresh_from_db()
    assert link.kind == LinkKind.LIVES_AT and link.confidence == "confirmed" and link.notes == "Seen again"
    assert link.history.latest().history_user == personas["cate_worker"]

"""The network's demo records: made once through the services by the demo staff, with history and
the cases' chronologies, and a restricted child nobody else sees in the network."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q

from cate.choices import ChronologyKind
from cate.demo import seed_demo as seed_cate
from cate.models import ChronologyEvent
from contacts.demo import seed_demo as seed_contacts
from contacts.models import Child
from core.demo import seed_organisation
from network import selectors
from network.choices import CustodyStatus, IdentifierKind, LinkKind, PlaceKind, Platform, VehicleKind
from network.demo import CHILDREN, LINKS, RESTRICTED_CHILD, seed_demo
from network.models import Identifier, Link, Node, PeerGroup, Person, Place, Vehicle

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    seed_organisation(password="demo-password-for-tests-2026")
    with django_capture_on_commit_callbacks(execute=True):
        seed_contacts(io.StringIO())
        seed_cate(io.StringIO())
        out = io.StringIO()
        seed_demo(out)
    users = {u.username: u for u in get_user_model().objects.filter(email__endswith="@cate-demo.invalid")}
    return {"users": users, "out": out.getvalue()}


def _counts():
    return tuple(
        model.objects.count() for model in (Person, Place, Vehicle, Identifier, PeerGroup, Node, Link, ChronologyEvent)
    )


def test_the_demo_network_is_made_once(demo, django_capture_on_commit_callbacks):
    counts = _counts()
    assert counts[6] == len(LINKS)
    with django_capture_on_commit_callbacks(execute=True):
        out = io.StringIO()
        seed_demo(out)
    assert _counts() == counts
    assert "; 0 new)" in out.getvalue() and f"{len(LINKS)} links (0 new)" in out.getvalue()
    assert f"{len(LINKS)} links ({len(LINKS)} new)" in demo["out"]


def test_the_demo_has_each_kind_of_record_the_issue_names(demo):
    unknown = Person.objects.get(first_name="", last_name="")
    assert unknown.display_name == "Unknown (known as Dee)" and unknown.description
    assert Person.objects.filter(staff_safety_warning=True).exclude(staff_safety_reason="").count() == 1
    assert Person.objects.filter(custody_status=CustodyStatus.ON_LICENCE, release_date__isnull=False).count() == 1
    assert Person.objects.filter(awn_issued_on__isnull=False, awn_expires_on__isnull=False).exclude(awn_issued_by="")
    hotspot = Place.objects.get(is_hotspot=True)
    assert hotspot.kind == PlaceKind.TAKEAWAY and hotspot.hotspot_reason and hotspot.hotspot_review_on
    assert {PlaceKind.HOTEL, PlaceKind.PARK} <= set(Place.objects.values_list("kind", flat=True))
    hire = Vehicle.objects.get(kind=VehicleKind.PRIVATE_HIRE)
    assert hire.plate_number and hire.registration == "DM21PHV"
    assert Vehicle.objects.filter(kind=VehicleKind.PRIVATE).exists()
    assert Identifier.objects.filter(kind=IdentifierKind.PHONE, value__startswith="+44").count() == 2
    assert Identifier.objects.get(kind=IdentifierKind.HANDLE).platform == Platform.SNAPCHAT
    group = PeerGroup.objects.get()
    members = Link.objects.filter(b__peer_group=group, kind=LinkKind.MEMBER_OF)
    assert members.filter(a__child__isnull=False).count() >= 3
    linked_children = Node.objects.filter(child__isnull=False)
    assert set(linked_children.values_list("child__legacy_key", flat=True)) == set(CHILDREN)


def test_the_demo_is_recorded_by_the_demo_staff_with_history_and_chronology(demo):
    users = demo["users"]
    dee = Person.objects.get(aliases__startswith="Dee")
    assert dee.created_by == users["police"]
    assert dee.history.earliest().history_user == users["police"]
    found_with = Link.objects.get(kind=LinkKind.FOUND_WITH)
    assert found_with.created_by == users["cateworker1"] and found_with.source_record is not None
    assert found_with.history.get().history_user == users["cateworker1"]
    ash = Child.objects.get(legacy_key="demo-cate-1")
    events = ChronologyEvent.objects.filter(case__child=ash, kind=ChronologyKind.NETWORK)
    assert events.count() == Link.objects.filter(Q(a__child=ash) | Q(b__child=ash)).count() > 0


def test_the_restricted_child_is_cut_from_readers_not_named_on_it(demo):
    users = demo["users"]
    cedar = Child.objects.get(legacy_key=RESTRICTED_CHILD)
    assert cedar.is_restricted
    assert set(cedar.restricted_to.values_list("username", flat=True)) == {"cateworker2", "teamleader"}
    group = PeerGroup.objects.get()
    cedars = Q(a__child=cedar) | Q(b__child=cedar)
    assert Link.objects.filter(cedars).count() == 4
    for username in ("cateworker2", "teamleader"):
        reader = users[username]
        assert selectors.links_of(reader, cedar).count() == 4
        assert selectors.links_of(reader, group).filter(cedars).exists()
    for username in ("cateworker1", "police", "manager", "screener", "fcmanager"):
        reader = users[username]
        assert not selectors.links_visible_to(reader).filter(cedars).exists(), username
        assert not selectors.nodes_visible_to(reader).filter(child=cedar).exists(), username
        assert not selectors.links_of(reader, cedar).exists(), username
        assert selectors.links_of(reader, group).filter(kind=LinkKind.MEMBER_OF).count() == 3, username
    assert not selectors.links_visible_to(users["health"]).exists()


def test_the_demo_is_skipped_without_the_demo_children():
    seed_organisation(password="demo-password-for-tests-2026")
    out = io.StringIO()
    seed_demo(out)
    assert "skipped" in out.getvalue() and not Person.objects.exists()

"""Links between children, persons, places and cases: recorded through the service with history and
the case chronology, withdrawn never deleted, and never read past a child the reader may not see."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cate.choices import ChronologyKind
from cate.models import ChronologyEvent
from network import selectors, services
from network.choices import LinkKind, LinkStatus, PlaceKind
from tests.factories import CaseFactory, ChildFactory, LinkFactory, PersonFactory, PlaceFactory

pytestmark = pytest.mark.django_db


def test_a_link_is_recorded_with_history_and_the_case_chronology(personas):
    worker = personas["team_leader"]
    case = CaseFactory()
    person = services.person_create(actor=worker, first_name="Example", aliases="Big Man")
    link = services.link_add(
        actor=worker, a=case.child, b=person, kind=LinkKind.SEEN_WITH, first_seen=dt.date(2026, 11, 1)
    )
    assert link.last_seen == dt.date(2026, 11, 1)
    assert link.history.get().history_user == worker
    event = ChronologyEvent.objects.get(case=case, kind=ChronologyKind.NETWORK)
    assert "seen with person of concern Example" in event.summary


def test_the_chronology_never_names_another_child(personas):
    case = CaseFactory()
    other = ChildFactory(first_name="Othername")
    services.link_add(actor=personas["team_leader"], a=case.child, b=other, kind=LinkKind.ASSOCIATES_WITH)
    summary = ChronologyEvent.objects.get(case=case, kind=ChronologyKind.NETWORK).summary
    assert "Othername" not in summary and "another child" in summary


def test_the_same_link_twice_is_refused_and_a_withdrawn_link_is_kept(personas):
    leader = personas["team_leader"]
    child, place = ChildFactory(), PlaceFactory(kind=PlaceKind.HOTEL)
    link = services.link_add(actor=leader, a=child, b=place, kind=LinkKind.GOES_MISSING_TO)
    with pytest.raises(ValidationError) as refused:
        services.link_add(actor=leader, a=place, b=child, kind=LinkKind.GOES_MISSING_TO)
    assert "already linked" in str(refused.value)
    services.link_withdraw(link=link, actor=leader, reason="Wrong hotel", expected_version=link.version)
    link.refresh_from_db()
    assert link.status == LinkStatus.WITHDRAWN and link.withdrawn_by == leader
    assert not selectors.links_of(leader, child).exists()
    assert selectors.links_of(leader, child, include_withdrawn=True).get() == link
    services.link_add(actor=leader, a=child, b=place, kind=LinkKind.GOES_MISSING_TO)  # again, after withdrawing


def test_bad_dates_are_refused_together(personas):
    with pytest.raises(ValidationError) as refused:
        services.link_add(
            actor=personas["team_leader"],
            a=ChildFactory(),
            b=PersonFactory(),
            kind="not-a-kind",
            first_seen=dt.date(2026, 5, 2),
            last_seen=dt.date(2026, 5, 1),
        )
    assert set(refused.value.message_dict) == {"kind", "last_seen"}


@pytest.mark.parametrize("persona", ["advisor", "health", "auditor", "administrator", "group_manager"])
def test_only_those_who_record_the_network_add_links(personas, persona):
    with pytest.raises(PermissionDenied):
        services.link_add(actor=personas[persona], a=ChildFactory(), b=PersonFactory(), kind=LinkKind.SEEN_WITH)


def test_a_police_partner_records_and_reads_the_network(personas):
    police = personas["police"]
    child, person = ChildFactory(), PersonFactory()
    services.link_add(actor=police, a=child, b=person, kind=LinkKind.SEEN_WITH)
    assert selectors.links_of(police, person).count() == 1
    assert not selectors.links_of(personas["health"], person).exists()


def test_a_restricted_child_is_cut_from_every_reader_not_named_on_it(personas):
    leader, worker = personas["team_leader"], personas["cate_worker"]
    person = PersonFactory()
    hidden = ChildFactory(is_restricted=True)
    hidden.restricted_to.add(worker)
    LinkFactory(a=hidden, b=person)
    LinkFactory(a=ChildFactory(), b=person)
    assert selectors.links_of(worker, person).count() == 2
    assert selectors.links_of(leader, person).count() == 1
    assert selectors.links_of(personas["police"], person).count() == 1
    with pytest.raises(ValidationError):
        services.link_add(actor=leader, a=hidden, b=PlaceFactory(), kind=LinkKind.FREQUENTS)


def test_a_person_of_concern_who_is_a_restricted_child_is_hidden_with_the_child(personas):
    worker, leader = personas["cate_worker"], personas["team_leader"]
    child = ChildFactory(is_restricted=True)
    child.restricted_to.add(worker)
    person = services.person_create(actor=worker, child=child, first_name="Peer")
    assert person.is_juvenile
    assert selectors.persons_visible_to(worker).filter(pk=person.pk).exists()
    assert not selectors.persons_visible_to(leader).filter(pk=person.pk).exists()
    LinkFactory(a=person, b=PlaceFactory())
    assert selectors.links_of(leader, PlaceFactory._meta.model.objects.get()).count() == 0


def test_a_child_is_a_person_of_concern_once(personas):
    leader = personas["team_leader"]
    child = ChildFactory()
    services.person_create(actor=leader, child=child, first_name="Peer")
    with pytest.raises(ValidationError) as refused:
        services.person_create(actor=leader, child=child, first_name="Peer again")
    assert "already a person of concern" in str(refused.value)

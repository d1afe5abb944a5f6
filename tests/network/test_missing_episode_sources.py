"""A missing episode gains "found with" beside its free-text "where found": the case page lists the
episodes with the people and places linked from each, and the network's page of the episode links
the place (found or new) and the people (a person of concern found or new, or another child), each
link remembering the episode and written to the case's chronology."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cate import services as cate_services
from cate.choices import ChronologyKind
from cate.models import ChronologyEvent
from network import sections, services
from network.choices import LinkKind, LinkSource, PlaceKind
from network.models import Link, Person, Place
from tests.factories import ChildFactory, PersonFactory, PlaceFactory, allocated_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(personas):
    case = allocated_case(personas["team_leader"], personas["cate_worker"])
    now = timezone.now()
    return cate_services.missing_episode_record(
        case=case,
        missing_from=now - dt.timedelta(days=2),
        returned_at=now - dt.timedelta(days=1),
        reported_by="Mother",
        police_reference="",
        where_found="Kebab shop on the high street",
        rhi_eligible=True,
        rhi_ineligible_reason="",
        actor=personas["cate_worker"],
    )


def url(name, episode):
    return reverse(f"network:{name}", args=[episode.pk])


def test_the_worker_links_a_new_place_from_the_episode(personas, client_for, episode):
    client = client_for(personas["cate_worker"])
    page = client.get(url("missing_episode_place", episode)).content.decode()
    assert 'value="Kebab shop on the high street"' in page  # the search starts from where found
    refused = client.post(url("missing_episode_place", episode), {"pick": "new", "kind": "found_at"})
    assert refused.status_code == 200 and "Select the kind of place" in refused.content.decode()
    response = client.post(
        url("missing_episode_place", episode),
        {
            "pick": "new",
            "place_kind": PlaceKind.TAKEAWAY,
            "name": "Kebab shop",
            "postcode": "tf1 1aa",
            "kind": LinkKind.FOUND_AT,
            "confidence": "confirmed",
        },
    )
    assert response.status_code == 302 and response["Location"] == url("missing_episode", episode)
    place = Place.objects.get(name="Kebab shop")
    link = Link.objects.get(source=LinkSource.MISSING_EPISODE)
    assert (link.source_record, link.kind, link.b.place, link.a.child) == (
        episode.pk,
        LinkKind.FOUND_AT,
        place,
        episode.child,
    )
    assert link.last_seen == timezone.localdate(episode.returned_at) and link.reported_by == "Mother"
    assert ChronologyEvent.objects.filter(case=episode.case, kind=ChronologyKind.NETWORK).exists()
    assert "Kebab shop" in client.get(url("missing_episode", episode)).content.decode()


def test_an_existing_place_is_found_and_linked(personas, client_for, episode):
    place = PlaceFactory(name="Kebab shop central")
    client = client_for(personas["cate_worker"])
    page = client.get(url("missing_episode_place", episode), {"q": "kebab"}).content.decode()
    assert f'value="place-{place.pk}"' in page
    response = client.post(
        url("missing_episode_place", episode),
        {"q": "kebab", "pick": f"place-{place.pk}", "kind": LinkKind.GOES_MISSING_TO, "confidence": "reported"},
    )
    assert response.status_code == 302
    assert Link.objects.get(kind=LinkKind.GOES_MISSING_TO).b.place == place


def test_the_people_found_with_a_person_new_or_found_and_a_child(personas, client_for, episode):
    worker = personas["cate_worker"]
    client = client_for(worker)
    known = PersonFactory(first_name="Known", last_name="Adult")
    friend = ChildFactory(first_name="Friendchild", last_name="Example")
    hidden = ChildFactory(first_name="Friendchild", last_name="Hidden", is_restricted=True)
    page = client.get(url("missing_episode_person", episode), {"q": "Friendchild"}).content.decode()
    assert f'value="child-{friend.pk}"' in page and f"child-{hidden.pk}" not in page
    for data in (
        {"q": "Friendchild", "pick": f"child-{friend.pk}"},
        {"q": "known", "pick": f"person-{known.pk}"},
        {"pick": "new", "aliases": "Little T", "description": "Short, about 20"},
    ):
        response = client.post(url("missing_episode_person", episode), {**data, "confidence": "reported"})
        assert response.status_code == 302, response.content.decode()
    new = Person.objects.get(aliases="Little T")
    links = Link.objects.filter(source=LinkSource.MISSING_EPISODE, source_record=episode.pk, kind=LinkKind.FOUND_WITH)
    assert {link.b.target for link in links} == {friend, known, new}
    # The chronology of the episode's case never names the other child.
    summaries = " ".join(ChronologyEvent.objects.filter(case=episode.case).values_list("summary", flat=True))
    assert "Friendchild" not in summaries and "another child" in summaries
    # The case page's section lists the episode with its companions.
    section = sections.case_missing_section(episode.case, user=worker)
    (row,) = section.context["rows"]
    assert {end.label for end in row.people} == {"Friendchild Example", "Known Adult", new.display_name}
    case_page = client.get(episode.case.get_absolute_url()).content.decode()
    assert "Known Adult" in case_page and url("missing_episode", episode) in case_page


def test_a_restricted_child_found_with_is_shown_only_to_those_named(personas, episode):
    worker, leader = personas["cate_worker"], personas["team_leader"]
    hidden = ChildFactory(first_name="Hiddenfriend", is_restricted=True)
    hidden.restricted_to.add(worker)
    services.episode_link_person(actor=worker, episode=episode, child=hidden)
    (row,) = sections.case_missing_section(episode.case, user=leader).context["rows"]
    assert row.people == []
    (row,) = sections.case_missing_section(episode.case, user=worker).context["rows"]
    assert [end.label for end in row.people] == [hidden.full_name]


def test_who_may_open_the_episodes_pages(personas, client_for, episode):
    for persona, page, expected in (
        ("cate_worker", "missing_episode", 200),
        ("group_manager", "missing_episode", 200),
        ("group_manager", "missing_episode_place", 403),
        ("other_worker", "missing_episode", 404),
        ("police", "missing_episode", 404),  # reads the network, not the case
        ("health", "missing_episode", 404),
        ("screener", "missing_episode_person", 404),
    ):
        assert client_for(personas[persona]).get(url(page, episode)).status_code == expected, (persona, page)
    assert (
        "Link the place"
        not in client_for(personas["group_manager"]).get(url("missing_episode", episode)).content.decode()
    )


def test_the_service_refuses_an_episode_the_actor_may_not_see(personas, episode):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.episode_link_place(
            actor=personas["other_worker"], episode=episode, kind=LinkKind.FOUND_AT, place=PlaceFactory()
        )
    with pytest.raises(PermissionDenied):
        services.episode_link_person(actor=personas["police"], episode=episode, person=PersonFactory())


def test_the_picker_pages_have_no_duplicate_ids(personas, client_for, episode):
    import re

    client = client_for(personas["cate_worker"])
    for page in ("missing_episode_place", "missing_episode_person"):
        html = client.get(url(page, episode), {"q": "x"}).content.decode()
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), page

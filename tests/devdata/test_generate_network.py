"""The generated exploitation network at the tiny scale: its size per child, records the services
would accept, nodes and links as the services make them, history, power-law degrees, reproducible."""

import random
import statistics
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q

from cate.models import MissingEpisode
from devdata.generator import SCALES
from devdata.generator.network import pareto_degree
from network import selectors, services
from network.choices import LinkKind, LinkSource, LinkStatus, NodeKind
from network.matching import person_name_keys
from network.models import Identifier, Link, Node, PeerGroup, Person, PersonNameKey, Place, Vehicle
from network.rules import normalise_identifier, normalise_registration
from network.services.records import person_problems, place_problems

pytestmark = pytest.mark.django_db

AS_AT = "2026-11-30"
TINY = SCALES["tiny"]


class _Null:
    def write(self, *_args, **_kwargs):
        pass

    def flush(self):
        pass


def _generate(seed: int = 7, *extra: str) -> None:
    call_command("generate_data", "--scale", "tiny", "--seed", str(seed), "--as-at", AS_AT, *extra, stdout=_Null())


def _degrees() -> list[int]:
    ends = Counter()
    for a, b in Link.objects.filter(status=LinkStatus.ACTIVE).values_list("a_id", "b_id"):
        ends[a] += 1
        ends[b] += 1
    return sorted(ends.values())


def test_the_scales_have_about_a_third_of_a_person_and_half_a_place_per_child():
    for scale in SCALES.values():
        assert scale.persons == round(0.3 * scale.children)
        assert scale.places == round(0.5 * scale.children)
        assert 0 < scale.vehicles < scale.identifiers < scale.persons
        assert scale.peer_groups >= 1
    assert (SCALES["large"].persons, SCALES["large"].places) == (60_000, 100_000)


def test_pareto_degrees_are_mostly_one_or_two_with_a_few_hubs():
    rng = random.Random(3)
    draws = [pareto_degree(rng, 2.5, 500) for _ in range(20_000)]
    share_small = sum(1 for d in draws if d <= 2) / len(draws)
    assert 0.7 < share_small < 0.9
    assert min(draws) == 1 and 50 <= max(draws) <= 500
    assert max(pareto_degree(rng, 2.5, 10) for _ in range(5000)) == 10  # the cap holds


def test_the_generated_network_is_what_the_services_would_have_written():
    _generate()
    _check_counts_nodes_and_history()
    _check_records()
    _check_links()


def _check_counts_nodes_and_history():
    assert (Person.objects.count(), Place.objects.count(), Vehicle.objects.count()) == (
        TINY.persons,
        TINY.places,
        TINY.vehicles,
    )
    assert (Identifier.objects.count(), PeerGroup.objects.count()) == (TINY.identifiers, TINY.peer_groups)
    for model, field in (
        (Person, "person"),
        (Place, "place"),
        (Vehicle, "vehicle"),
        (Identifier, "identifier"),
        (PeerGroup, "peer_group"),
    ):
        assert Node.objects.filter(**{f"{field}__isnull": False}).count() == model.objects.count(), model
        record = model.objects.order_by("pk").first()
        assert services.node_for(record).pk == Node.objects.get(**{field: record}).pk  # found, not made again
    for model in (Person, Place, Vehicle, Identifier, PeerGroup, Node, Link):
        assert model.history.count() == model.objects.count() > 0, model
        assert set(model.history.values_list("history_change_reason", flat=True)) == {"Generated data"}
    # A child has a node once linked, and only then.
    child_nodes = Node.objects.filter(kind=NodeKind.CHILD)
    assert child_nodes.exists()
    assert not child_nodes.exclude(Q(links_from__isnull=False) | Q(links_to__isnull=False)).exists()


def _check_records():
    """The records are ones the services would accept."""
    for person in Person.objects.all():
        assert person_problems(person) == {}, person.pk
        assert not person.child_id or person.is_juvenile
        stored = set(PersonNameKey.objects.filter(person=person).values_list("key", flat=True))
        assert stored == person_name_keys(person.first_name, person.last_name, person.aliases), person.pk
    assert Person.objects.filter(first_name="", last_name="").count() >= TINY.persons // 5  # unknown identity
    for place in Place.objects.all():
        assert place_problems(place) == {}, place.pk
    for vehicle in Vehicle.objects.all():
        assert vehicle.registration == normalise_registration(vehicle.registration)
    for identifier in Identifier.objects.all():
        assert normalise_identifier(identifier.kind, identifier.value)[0] == identifier.value, identifier.value
        assert bool(identifier.platform) == (identifier.kind == "handle")
    hotspots = Place.objects.filter(is_hotspot=True)
    assert hotspots.exists() and not hotspots.filter(Q(hotspot_reason="") | Q(hotspot_review_on=None)).exists()


def _check_links():
    links = Link.objects.all()
    assert links.count() > TINY.children  # well over a link per child at this size
    # No pair linked twice, whichever way round.
    pairs = Counter(tuple(sorted(pair)) for pair in links.values_list("a_id", "b_id"))
    assert max(pairs.values()) == 1
    assert not links.filter(last_seen__lt=F("first_seen")).exists()
    assert not links.filter(last_seen__gt=AS_AT).exists()
    assert not links.filter(status=LinkStatus.WITHDRAWN, withdrawn_reason="").exists()
    assert not links.filter(a__kind=NodeKind.PEER_GROUP).exclude(kind=LinkKind.USES_PLACE).exists()
    assert set(links.filter(b__kind=NodeKind.PEER_GROUP).values_list("kind", flat=True)) == {LinkKind.MEMBER_OF}
    assert set(links.filter(b__kind=NodeKind.VEHICLE, a__kind=NodeKind.PERSON).values_list("kind", flat=True)) <= {
        LinkKind.DRIVES
    }
    # A link from a missing episode names one of the child's episodes.
    from_episodes = links.filter(source__in=[LinkSource.MISSING_EPISODE, LinkSource.RHI])
    for link in from_episodes.select_related("a"):
        assert MissingEpisode.objects.filter(pk=link.source_record, child_id=link.a.child_id).exists()
    # A group has members and uses places.
    groups = PeerGroup.objects.annotate(members=Count("node__links_to", filter=Q(node__links_to__kind="member_of")))
    assert all(group.members >= 2 for group in groups)


def test_degrees_follow_a_power_law_and_the_selectors_read_the_network(personas):
    _generate(7, "--force")  # alongside the personas
    degrees = _degrees()
    assert sum(1 for d in degrees if d <= 2) / len(degrees) > 0.6  # most nodes have one or two links
    assert degrees[-1] >= 4 * statistics.median(degrees)  # and a few hubs

    leader = personas["team_leader"]
    place = Place.objects.annotate(n=Count("node__links_to")).order_by("-n").first()
    assert (
        selectors.links_of(leader, place).count()
        == Link.objects.filter(Q(a__place=place) | Q(b__place=place), status=LinkStatus.ACTIVE).count()
    )
    assert not selectors.links_visible_to(personas["health"]).exists()

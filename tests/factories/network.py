"""Factories of the exploitation network (network/). Links are made through the service in tests
that check behaviour; these make records for lists, walks and query counts."""

from __future__ import annotations

import factory

from network.choices import Confidence, IdentifierKind, LinkKind, NodeKind, PlaceKind
from network.models import Identifier, Link, Node, PeerGroup, Person, Place, Vehicle
from network.services.name_keys import person_name_keys_refresh

from .core import UserFactory

__all__ = [
    "IdentifierFactory",
    "LinkFactory",
    "PeerGroupFactory",
    "PersonFactory",
    "PlaceFactory",
    "VehicleFactory",
    "node_of",
]


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    first_name = factory.Sequence(lambda n: f"Suspect{n}")
    last_name = "Example"
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def name_keys(self, create, extracted, **kwargs):
        """The search keys of the names, as the services that add a person write them."""
        if create:
            person_name_keys_refresh([self])


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    kind = PlaceKind.TAKEAWAY
    name = factory.Sequence(lambda n: f"Example takeaway {n}")
    postcode = "TF1 1AA"
    created_by = factory.SubFactory(UserFactory)


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    registration = factory.Sequence(lambda n: f"AB{n % 100:02d}C{n:02d}"[:8])
    make = "Ford"
    colour = "Silver"
    created_by = factory.SubFactory(UserFactory)


class IdentifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Identifier

    kind = IdentifierKind.PHONE
    value = factory.Sequence(lambda n: f"+447700900{n % 1000:03d}")
    created_by = factory.SubFactory(UserFactory)


class PeerGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PeerGroup

    name = factory.Sequence(lambda n: f"Example group {n}")
    created_by = factory.SubFactory(UserFactory)


_FIELD = {
    "Child": NodeKind.CHILD,
    "Case": NodeKind.CASE,
    "Person": NodeKind.PERSON,
    "Place": NodeKind.PLACE,
    "Vehicle": NodeKind.VEHICLE,
    "Identifier": NodeKind.IDENTIFIER,
    "PeerGroup": NodeKind.PEER_GROUP,
}


def node_of(obj) -> Node:
    kind = _FIELD[type(obj).__name__]
    node, _ = Node.objects.get_or_create(**{Node.FIELD_OF_KIND[kind]: obj}, defaults={"kind": kind})
    return node


class LinkFactory(factory.django.DjangoModelFactory):
    """LinkFactory(a=child, b=person): the ends are records; their nodes are made on the way."""

    class Meta:
        model = Link

    kind = LinkKind.SEEN_WITH
    confidence = Confidence.REPORTED
    created_by = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        for end in ("a", "b"):
            if not isinstance(kwargs.get(end), Node):
                kwargs[end] = node_of(kwargs[end])
        return super()._create(model_class, *args, **kwargs)

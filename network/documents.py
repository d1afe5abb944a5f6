"""A person of concern holds documents (core.contract's `document_owners`), seen by the readers of
the network who may see the person."""

from __future__ import annotations

from . import selectors
from .permissions import can_record_network


def persons_visible(user):
    return selectors.persons_visible_to(user).values("pk")


def person_attach(user, person) -> bool:
    return can_record_network(user)

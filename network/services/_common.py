"""What the network's services share."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from ..models import Identifier, Node, PeerGroup, Person, Place, Vehicle

_FIELD_OF_MODEL = {
    "contacts.Child": "child",
    "cate.Case": "case",
    "network.Person": "person",
    "network.Place": "place",
    "network.Vehicle": "vehicle",
    "network.Identifier": "identifier",
    "network.PeerGroup": "peer_group",
}
_KIND_OF_FIELD = {field: kind for kind, field in Node.FIELD_OF_KIND.items()}
OWN_MODELS = (Person, Place, Vehicle, Identifier, PeerGroup)


def refuse(errors: dict) -> None:
    """Raise the errors found, by field, if there are any."""
    if errors:
        raise ValidationError(errors)


def node_for(obj) -> Node:
    """The node of a child, case or network record, made on first use (inside the caller's
    transaction; two writers making the same node at once meet on the one-to-one constraint)."""
    try:
        field = _FIELD_OF_MODEL[obj._meta.label]
    except KeyError:
        raise TypeError(f"{obj._meta.label} is not something the network links") from None
    node, _ = Node.objects.get_or_create(**{field: obj}, defaults={"kind": _KIND_OF_FIELD[field]})
    return node


def apply(record, fields: dict) -> list[str]:
    """Set the given fields on a record; the names of those that changed."""
    changed = []
    for name, value in fields.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    return changed

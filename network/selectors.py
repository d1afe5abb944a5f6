"""Every read of the network, permission-filtered.

Visibility (network.permissions): the network is read by the roles that work on exploitation; for
them, every person, place, vehicle, identifier and peer group that is current, and every child and
case they may know of. A node they may not see (a restricted child not naming them, a person of
concern who is such a child, a case they may not open) is cut: no link to it is read, so a walk
never passes through it and nothing counts it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from cate import selectors as cate_selectors
from cate.selectors import cases_visible_to
from contacts import selectors as contact_selectors
from contacts.choices import RecordStatus
from contacts.search import filter_by_name
from contacts.visibility import children_visible_to, hidden_children

from .choices import LinkStatus, NetworkStatus, NodeKind
from .models import Identifier, Link, MaceSubject, Node, PeerGroup, Person, Place, Vehicle
from .permissions import can_read_network

# --- Nodes ------------------------------------------------------------------------------------


def hidden_node_condition(user) -> Q:
    """The nodes `user` may not see (on Node): a restricted child not naming them (and a person of
    concern who is that child), a case they may not open, a child or record no longer current
    (merged, entered in error)."""
    hidden = hidden_children(user).values("pk")
    condition = Q(child__in=hidden) | Q(person__child__in=hidden)
    condition |= Q(kind=NodeKind.CHILD) & ~Q(child__status=RecordStatus.ACTIVE)
    condition |= Q(kind=NodeKind.CASE) & ~Q(case__in=cases_visible_to(user).values("pk"))
    for kind, field in Node.FIELD_OF_KIND.items():
        if kind not in (NodeKind.CHILD, NodeKind.CASE):
            condition |= Q(kind=kind) & ~Q(**{f"{field}__status": NetworkStatus.ACTIVE})
    return condition


def nodes_visible_to(user) -> QuerySet[Node]:
    if not can_read_network(user):
        return Node.objects.none()
    return Node.objects.exclude(hidden_node_condition(user))


def hidden_nodes(user) -> QuerySet[Node]:
    """The nodes `user` may not see (a subquery for excluding links)."""
    if not can_read_network(user):
        return Node.objects.all()
    return Node.objects.filter(hidden_node_condition(user))


def links_visible_to(user, *, include_withdrawn: bool = False) -> QuerySet[Link]:
    """The links `user` may read: both ends visible. Withdrawn links only when asked (a record's
    history of links)."""
    if not can_read_network(user):
        return Link.objects.none()
    hidden = hidden_nodes(user).values("pk")
    links = Link.objects.exclude(a__in=hidden).exclude(b__in=hidden)
    return links if include_withdrawn else links.filter(status=LinkStatus.ACTIVE)


def node_of(obj) -> Node | None:
    """The node of a child, case or network record, or None when it was never linked."""
    field = _field_of(obj)
    return Node.objects.filter(**{field: obj}).first()


def _field_of(obj) -> str:
    label = obj._meta.label
    fields = {
        "contacts.Child": "child",
        "cate.Case": "case",
        "network.Person": "person",
        "network.Place": "place",
        "network.Vehicle": "vehicle",
        "network.Identifier": "identifier",
        "network.PeerGroup": "peer_group",
    }
    try:
        return fields[label]
    except KeyError:
        raise TypeError(f"{label} is not something the network links") from None


def links_of(user, obj, *, include_withdrawn: bool = False) -> QuerySet[Link]:
    """The links of one child, case or record that `user` may read, with both ends loaded."""
    node = node_of(obj)
    if node is None:
        return Link.objects.none()
    return (
        links_visible_to(user, include_withdrawn=include_withdrawn)
        .filter(Q(a=node) | Q(b=node))
        .select_related(*_ENDS, "created_by", "withdrawn_by")
    )


_TARGETS = ("child", "case", "case__child", "person", "place", "vehicle", "identifier", "peer_group")
_ENDS = tuple(f"{end}__{target}" for end in ("a", "b") for target in _TARGETS)


def with_ends(links: QuerySet[Link]) -> QuerySet[Link]:
    """Links with both ends and what they point at loaded (one query)."""
    return links.select_related(*_ENDS)


# --- Records ----------------------------------------------------------------------------------


def persons_visible_to(user) -> QuerySet[Person]:
    """Persons of concern `user` may read: none without the network; never one who is a child they
    may not know of."""
    if not can_read_network(user):
        return Person.objects.none()
    return Person.objects.exclude(child__in=hidden_children(user).values("pk"))


def places_visible_to(user) -> QuerySet[Place]:
    return Place.objects.all() if can_read_network(user) else Place.objects.none()


def vehicles_visible_to(user) -> QuerySet[Vehicle]:
    return Vehicle.objects.all() if can_read_network(user) else Vehicle.objects.none()


def identifiers_visible_to(user) -> QuerySet[Identifier]:
    return Identifier.objects.all() if can_read_network(user) else Identifier.objects.none()


def peer_groups_visible_to(user) -> QuerySet[PeerGroup]:
    return PeerGroup.objects.all() if can_read_network(user) else PeerGroup.objects.none()


def person_get_for_user(user, pk: int) -> Person:
    return get_object_or_404(persons_visible_to(user).select_related("child", "merged_into"), pk=pk)


def place_get_for_user(user, pk: int) -> Place:
    return get_object_or_404(places_visible_to(user), pk=pk)


def vehicle_get_for_user(user, pk: int) -> Vehicle:
    return get_object_or_404(vehicles_visible_to(user), pk=pk)


def identifier_get_for_user(user, pk: int) -> Identifier:
    return get_object_or_404(identifiers_visible_to(user), pk=pk)


def peer_group_get_for_user(user, pk: int) -> PeerGroup:
    return get_object_or_404(peer_groups_visible_to(user), pk=pk)


def link_get_for_user(user, pk: int) -> Link:
    return get_object_or_404(with_ends(links_visible_to(user, include_withdrawn=True)), pk=pk)


def current(records: QuerySet) -> QuerySet:
    """Records still in use (not merged, not entered in error)."""
    return records.filter(status=NetworkStatus.ACTIVE)


# --- Where the information appears (network.sections, network.views.sources) --------------------


def links_around(user, *, children=(), cases=()) -> QuerySet[Link]:
    """The current links of these children and cases that `user` may read, both ends loaded, the
    most recently seen first (one query; none without the network)."""
    touching = Q(pk__in=[])
    if children:
        touching |= Q(a__child_id__in=children) | Q(b__child_id__in=children)
    if cases:
        touching |= Q(a__case_id__in=cases) | Q(b__case_id__in=cases)
    return with_ends(links_visible_to(user).filter(touching))


def links_from_sources(user, source: str, records) -> QuerySet[Link]:
    """The current links `user` may read that were made from these records of a source (a missing
    episode, a MACE answer), both ends loaded."""
    return with_ends(links_visible_to(user).filter(source=source, source_record__in=list(records)))


def mace_subjects_for(user, request) -> QuerySet[MaceSubject]:
    """The persons of concern an enquiry asks about, as whoever reads the enquiry sees them (its
    page checks that): current records only, never one who is a child the reader may not know of."""
    return (
        MaceSubject.objects.filter(request=request, removed_at__isnull=True, person__status=NetworkStatus.ACTIVE)
        .exclude(person__child__in=hidden_children(user).values("pk"))
        .select_related("person", "added_by")
    )


def _each_word(text: str, fields: tuple[str, ...]) -> Q | None:
    words = [word for word in (text or "").split() if word.isprintable()][:5]
    if not words:
        return None
    condition = Q()
    for word in words:
        one = Q()
        for field in fields:
            one |= Q(**{f"{field}__icontains": word[:100]})
        condition &= one
    return condition


def persons_matching(user, text: str, *, limit: int = 20) -> list[Person]:
    """Current persons of concern `user` may read whose names, aliases or description hold every
    word typed (a picker's short list)."""
    condition = _each_word(text, ("first_name", "last_name", "aliases", "description"))
    if condition is None:
        return []
    return list(current(persons_visible_to(user)).filter(condition)[:limit])


def places_matching(user, text: str, *, limit: int = 20) -> list[Place]:
    """Current places whose name, address, postcode or description hold every word typed."""
    condition = _each_word(text, ("name", "address", "postcode", "description"))
    if condition is None:
        return []
    return list(current(places_visible_to(user)).filter(condition)[:limit])


def children_matching(user, text: str, *, limit: int = 10) -> list:
    """Children of the index `user` may see whose names match (best first), for "found with"."""
    if not can_read_network(user) or not (text or "").strip():
        return []
    return list(filter_by_name(children_visible_to(user), text[:200]).order_by("name_rank", "pk")[:limit])


def missing_episode_get_for_user(user, pk: int):
    """A missing episode of a case `user` may open, for a reader of the network (404 otherwise)."""
    if not can_read_network(user):
        raise Http404
    return cate_selectors.missing_episode_get_for_user(user, pk)


def mace_request_get_for_user(user, pk: int):
    """An enquiry `user` may read at the front door (404 otherwise)."""
    return contact_selectors.mace_request_get_for_user(user, pk)


def mace_entry_get_for_user(user, pk: int):
    """An agency's answer to an enquiry that `user` may read, for a reader of the network (404
    otherwise: a partner reads their own agency's answers only)."""
    if not can_read_network(user):
        raise Http404
    return get_object_or_404(
        contact_selectors.mace_entries_visible_to(user).select_related("agency", "author", "request__contact__child"),
        pk=pk,
    )

"""Every read of the network, permission-filtered.

Visibility (network.permissions): the network is read by the roles that work on exploitation; for
them, every person, place, vehicle, identifier and peer group that is current, and every child and
case they may know of. A node they may not see (a restricted child not naming them, a person of
concern who is such a child, a case they may not open) is cut: no link to it is read, so a walk
never passes through it and nothing counts it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cate import selectors as cate_selectors
from cate.selectors import cases_visible_to
from contacts import selectors as contact_selectors
from contacts.choices import RecordStatus
from contacts.models import Child
from contacts.search import filter_by_name
from contacts.visibility import children_visible_to, hidden_children
from core.clock import local_date

from . import matching
from .choices import LinkStatus, NetworkStatus, NodeKind
from .models import Identifier, Link, MaceSubject, Node, PeerGroup, Person, PersonNameKey, Place, Vehicle
from .permissions import can_read_network

# --- Nodes ------------------------------------------------------------------------------------


def hidden_node_condition(user) -> Q:
    """The nodes `user` may not see (on Node): a restricted child not naming them (and a person of
    concern who is that child), a case they may not open, a child or record no longer current
    (merged, entered in error).

    Each part is a subquery on one indexed foreign key of the node, never a join to the records: the
    planner hashes each small set once and checks every node against them, whatever the size of the
    network (a join to every record table made a whole-network scan on each step of a walk)."""
    hidden = hidden_children(user).values("pk")
    condition = Q(child_id__in=hidden)
    condition |= Q(person_id__in=Person.objects.filter(child_id__in=hidden).values("pk"))
    condition |= Q(child_id__in=Child.objects.exclude(status=RecordStatus.ACTIVE).values("pk"))
    condition |= Q(case_id__isnull=False) & ~Q(case_id__in=cases_visible_to(user).values("pk"))
    for model, field in ((Person, "person"), (Place, "place"), (Vehicle, "vehicle"), (Identifier, "identifier")):
        condition |= Q(**{f"{field}_id__in": model.objects.exclude(status=NetworkStatus.ACTIVE).values("pk")})
    condition |= Q(peer_group_id__in=PeerGroup.objects.exclude(status=NetworkStatus.ACTIVE).values("pk"))
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


# --- Finding persons of concern by name, and likely duplicates (network.matching) -------------

# The most persons whose names are scored for one name (those with the lowest record numbers, so the
# same on every database), and the most matches a search gives, the best first (as contacts.search).
MAX_CANDIDATES = 5000
MAX_NAME_MATCHES = 500


def _name_candidates(persons: QuerySet[Person], words: list[str]) -> QuerySet[Person]:
    """The persons among `persons` sharing a stored key with every typed word, lowest number first."""
    for word in words:
        keys = PersonNameKey.objects.filter(key__in=sorted(matching.typed_keys(word))).values("person_id")
        persons = persons.filter(pk__in=keys)
    return persons.order_by("pk")


def person_name_matches(persons: QuerySet[Person], text: str) -> list[tuple[int, float]]:
    """[(person id, score)] of the persons among `persons` whose names or aliases match `text`, the
    best first (one query: the candidates with their names; network.matching scores them)."""
    words = matching.typed_words(text)
    if not words:
        return []
    candidates = _name_candidates(persons, words).values_list("pk", "first_name", "last_name", "aliases")
    return matching.rank(words, candidates[:MAX_CANDIDATES])[:MAX_NAME_MATCHES]


def person_search(user, text: str) -> QuerySet[Person]:
    """Current persons of concern `user` may see whose names, aliases or nicknames match `text` by the
    child index's rule (spelling and sound tolerant), the best first, then by last name, first name
    and number; annotated with `name_rank` (0 the best). None for a text without a name in it; never
    a person who is a child the reader may not know of."""
    words = matching.typed_words(text)
    if not words:
        return Person.objects.none()
    persons = current(persons_visible_to(user))
    ranked = [pk for pk, _ in person_name_matches(persons, text)]
    place = Case(
        *(When(pk=pk, then=Value(i)) for i, pk in enumerate(ranked)),
        default=Value(len(ranked)),
        output_field=IntegerField(),
    )
    return persons.filter(pk__in=ranked).annotate(name_rank=place).order_by("name_rank")


def person_search_too_broad(user, text: str) -> bool:
    """Whether more persons share the name's keys than one search scores (the page asks for more of
    the name rather than leave the rest out unsaid)."""
    words = matching.typed_words(text)
    if not words:
        return False
    candidates = _name_candidates(current(persons_visible_to(user)), words)
    return candidates.values("pk")[: MAX_CANDIDATES + 1].count() > MAX_CANDIDATES


@dataclass
class PersonMatch:
    """A person of concern who is probably the one being recorded, and why."""

    person: Person
    reasons: list[str] = dataclass_field(default_factory=list)


def person_likely_duplicates(
    user,
    *,
    first_name: str = "",
    last_name: str = "",
    aliases: str = "",
    date_of_birth: dt.date | None = None,
    age_band: str = "",
    exclude_pk: int | None = None,
    limit: int = 10,
    **_other,
) -> list[PersonMatch]:
    """Current persons of concern `user` may see who are probably the person being recorded (their
    details as keyword arguments, the add form's cleaned data as it is): a name or an alias matching
    (network.matching), unless their ages disagree; with the reasons to show. What the add page shows
    before a new person is saved, and the first step of a merge."""
    persons = current(persons_visible_to(user))
    return likely_duplicates_among(
        persons,
        first_name=first_name,
        last_name=last_name,
        aliases=aliases,
        date_of_birth=date_of_birth,
        age_band=age_band,
        exclude_pk=exclude_pk,
        limit=limit,
    )


def likely_duplicates_among(
    persons: QuerySet[Person],
    *,
    first_name: str = "",
    last_name: str = "",
    aliases: str = "",
    date_of_birth: dt.date | None = None,
    age_band: str = "",
    exclude_pk: int | None = None,
    limit: int = 10,
) -> list[PersonMatch]:
    """The rule of person_likely_duplicates among `persons` (the services use it among all of them,
    to record the pairs for those who merge)."""
    if exclude_pk:
        persons = persons.exclude(pk=exclude_pk)
    today = local_date(timezone.now())
    found: dict[int, dict] = {}  # person id -> the person, the names matched, the age's agreement, best place
    for name, label in matching.names_to_try(first_name, last_name, aliases):
        ranked = person_name_matches(persons, name)[: limit * 3]
        loaded = persons.in_bulk([pk for pk, _ in ranked])
        for place, (pk, _) in enumerate(ranked):
            person = loaded[pk]
            agreement = matching.age_agreement(
                (date_of_birth, age_band), (person.date_of_birth, person.age_band), today=today
            )
            if agreement is False:
                continue
            entry = found.setdefault(pk, {"person": person, "names": [], "age": agreement, "place": place})
            if label not in entry["names"]:
                entry["names"].append(label)
            entry["place"] = min(entry["place"], place)
    matches = [
        (PersonMatch(e["person"], [*e["names"], *([e["age"]] if e["age"] else [])]), e["place"]) for e in found.values()
    ]
    matches.sort(key=lambda pair: (-len(pair[0].reasons), pair[1], pair[0].person.pk))
    return [match for match, _ in matches][:limit]


# --- The records' pages (network/views/records.py, network/views/links.py) ----------------------


def _words(text: str) -> list[str]:
    return [word for word in (text or "").split() if word][:6]


def _each_word_in(records: QuerySet, text: str, fields: tuple[str, ...]) -> QuerySet:
    """Records in which every typed word appears in one of `fields` (case-insensitive)."""
    for word in _words(text):
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": word})
        records = records.filter(condition)
    return records


def person_text_search(user, text: str) -> QuerySet[Person]:
    """Persons of concern `user` may read whose name, aliases or description hold every typed word."""
    fields = ("first_name", "last_name", "aliases", "description")
    return _each_word_in(current(persons_visible_to(user)), text, fields)


def person_list_for_user(
    user, *, text: str = "", kind: str = "", police_status: str = "", staff_safety: bool | None = None
) -> QuerySet[Person]:
    persons = current(persons_visible_to(user))
    if text:  # by name the child index's way, or any typed word in a name, an alias or the description
        found = Q(pk__in=person_search(user, text).values("pk")) | Q(pk__in=person_text_search(user, text).values("pk"))
        persons = persons.filter(found)
    if kind:
        persons = persons.filter(kind=kind)
    if police_status:
        persons = persons.filter(police_status=police_status)
    if staff_safety is not None:
        persons = persons.filter(staff_safety_warning=staff_safety)
    return persons.order_by("last_name", "first_name", "id")


def place_list_for_user(user, *, text: str = "", kind: str = "", hotspot: bool | None = None) -> QuerySet[Place]:
    places = current(places_visible_to(user))
    if text:
        from contacts.search import normalise_postcode

        wanted = normalise_postcode(text)
        by_words = _each_word_in(places, text, ("name", "address", "postcode", "description", "owner"))
        places = places.filter(Q(pk__in=by_words.values("pk")) | Q(postcode__istartswith=wanted))
    if kind:
        places = places.filter(kind=kind)
    if hotspot is not None:
        places = places.filter(is_hotspot=hotspot)
    return places.order_by("name", "postcode", "id")


def vehicle_list_for_user(user, *, text: str = "", kind: str = "") -> QuerySet[Vehicle]:
    from .rules import normalise_registration

    vehicles = current(vehicles_visible_to(user))
    if text:
        registration = normalise_registration(text)
        by_words = _each_word_in(vehicles, text, ("make", "model", "colour", "plate_number", "description"))
        condition = Q(pk__in=by_words.values("pk"))
        if registration:
            condition |= Q(registration__contains=registration)
        vehicles = vehicles.filter(condition)
    if kind:
        vehicles = vehicles.filter(kind=kind)
    return vehicles.order_by("registration", "id")


def identifier_list_for_user(user, *, text: str = "", kind: str = "") -> QuerySet[Identifier]:
    from .rules import normalise_phone

    identifiers = current(identifiers_visible_to(user))
    text = (text or "").strip()
    if text:
        condition = Q(value__icontains=text.lstrip("@").lower()) | Q(description__icontains=text)
        number = normalise_phone(text) if any(c.isdigit() for c in text) else None
        if number:
            condition |= Q(kind="phone", value=number)
        identifiers = identifiers.filter(condition)
    if kind:
        identifiers = identifiers.filter(kind=kind)
    return identifiers.order_by("kind", "value", "id")


def peer_group_list_for_user(user, *, text: str = "") -> QuerySet[PeerGroup]:
    groups = current(peer_groups_visible_to(user))
    if text:
        groups = _each_word_in(groups, text, ("name", "description"))
    return groups.order_by("name", "id")


def history_of(record, *, limit: int = 100) -> list:
    """The record's changes, newest first, with who made them."""
    return list(record.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit])


# The most links a record's page lists (the network view shows them all).
LINKS_SHOWN = 200


@dataclass(frozen=True)
class LinkRow:
    """One link of a record as its page shows it: the other end's name, and its page only when the
    reader may open it."""

    link: Link
    other: Node
    label: str
    url: str | None
    marker: str = ""  # "staff safety" or "hotspot"

    @property
    def other_kind(self) -> str:
        return self.other.get_kind_display()


def _label_of(node: Node) -> str:
    target = node.target
    if node.kind == NodeKind.CHILD:
        return target.full_name
    if node.kind == NodeKind.CASE:
        return f"{target.reference} ({target.child.full_name})"
    return str(target)


def _marker_of(node: Node) -> str:
    if node.kind == NodeKind.PERSON and node.person.staff_safety_warning:
        return "Staff safety"
    if node.kind == NodeKind.PLACE and node.place.is_hotspot:
        return "Hotspot"
    return ""


def link_rows(user, obj, *, include_withdrawn: bool = False) -> list[LinkRow]:
    """The links of a child, case or record that `user` may read, as its page lists them (most
    recently seen first, at most LINKS_SHOWN): a fixed number of queries however many."""
    from contacts.visibility import child_list_for_user

    node = node_of(obj)
    if node is None:
        return []
    links = list(
        links_visible_to(user, include_withdrawn=include_withdrawn)
        .filter(Q(a=node) | Q(b=node))
        .select_related(*_ENDS, "created_by", "withdrawn_by")
        .order_by("status", "-last_seen", "-created_at", "-id")[:LINKS_SHOWN]
    )
    others = [link.b if link.a_id == node.pk else link.a for link in links]
    child_ids = {other.child_id for other in others if other.kind == NodeKind.CHILD}
    readable = set()
    if child_ids:
        readable = set(child_list_for_user(user).filter(pk__in=child_ids).values_list("pk", flat=True))
    rows = []
    for link, other in zip(links, others, strict=True):
        if other.kind == NodeKind.CHILD:
            url = other.target.get_absolute_url() if other.child_id in readable else None
        else:
            url = other.target.get_absolute_url()
        rows.append(LinkRow(link=link, other=other, label=_label_of(other), url=url, marker=_marker_of(other)))
    return rows


def children_to_link(user, text: str) -> QuerySet:
    """Children `user` may know of whose names match `text` (contacts' search), for a link's other end."""
    from contacts.search import ChildQuery, apply_query
    from contacts.visibility import children_visible_to

    if not can_read_network(user) or not (text or "").strip():
        from contacts.models import Child

        return Child.objects.none()
    return apply_query(children_visible_to(user).filter(status=RecordStatus.ACTIVE), ChildQuery(name=text))


def child_to_link(user, pk: int):
    """The child of this number `user` may know of, or None."""
    from contacts.visibility import children_visible_to

    if not can_read_network(user):
        return None
    return children_visible_to(user).filter(status=RecordStatus.ACTIVE, pk=pk).first()


def records_to_link(user, kind: str, text: str) -> QuerySet:
    """The records of a kind `user` may read matching `text` (a link's other end)."""
    if kind == NodeKind.CHILD:
        return children_to_link(user, text)
    search = {
        NodeKind.PERSON: person_list_for_user,
        NodeKind.PLACE: place_list_for_user,
        NodeKind.VEHICLE: vehicle_list_for_user,
        NodeKind.IDENTIFIER: identifier_list_for_user,
        NodeKind.PEER_GROUP: peer_group_list_for_user,
    }[kind]
    return search(user, text=text)


def record_to_link(user, kind: str, pk: int):
    """The record of a kind and number `user` may link to, or None."""
    if kind == NodeKind.CHILD:
        return child_to_link(user, pk)
    visible = {
        NodeKind.PERSON: persons_visible_to,
        NodeKind.PLACE: places_visible_to,
        NodeKind.VEHICLE: vehicles_visible_to,
        NodeKind.IDENTIFIER: identifiers_visible_to,
        NodeKind.PEER_GROUP: peer_groups_visible_to,
    }[kind]
    return current(visible(user)).filter(pk=pk).first()


def identifier_of_value(kind: str, value: str) -> Identifier | None:
    """The current identifier of this stored value, or None."""
    return current(Identifier.objects.filter(kind=kind, platform="", value=value)).first()


def children_visible_for_person(user) -> QuerySet:
    """The child records a person of concern may be (their own record in the index)."""
    from contacts.visibility import children_visible_to

    return children_visible_to(user).filter(status=RecordStatus.ACTIVE)


def person_child_readable(user, person: Person) -> bool:
    """Whether `user` may open the child record of a person of concern who is a child in the index."""
    from contacts.visibility import child_list_for_user

    return bool(person.child_id) and child_list_for_user(user).filter(pk=person.child_id).exists()


def child_get_for_linking(user, pk: int):
    """A child `user` may know of, to link from (404 otherwise, and to anyone not reading the network)."""
    from contacts.models import Child
    from contacts.visibility import children_visible_to

    children = children_visible_to(user) if can_read_network(user) else Child.objects.none()
    return get_object_or_404(children.filter(status=RecordStatus.ACTIVE), pk=pk)


def case_get_for_linking(user, pk: int):
    """A case `user` may open, to link from (404 otherwise, and to anyone not reading the network)."""
    from cate.models import Case

    cases = cases_visible_to(user) if can_read_network(user) else Case.objects.none()
    return get_object_or_404(cases.select_related("child"), pk=pk)


def link_candidates(user, kind: str, text: str, *, exclude=None, limit: int = 20) -> list[tuple[str, str]]:
    """(value, label) of the records of a kind `user` may link to matching `text`, the record the
    link is from left out; for a phone number or e-mail address not yet recorded, ("new", ...)."""
    from .rules import display_phone, identifier_typed

    records = records_to_link(user, kind, text)
    if exclude is not None and isinstance(exclude, records.model):
        records = records.exclude(pk=exclude.pk)
    if kind == NodeKind.PERSON:
        records = records.select_related("child")
    choices = [(str(record.pk), _candidate_label(kind, record)) for record in records[:limit]]
    if kind == NodeKind.IDENTIFIER:
        typed = identifier_typed(text)
        if typed is not None and identifier_of_value(*typed) is None:
            shown = display_phone(typed[1]) if typed[0] == "phone" else typed[1]
            choices.append(("new", f"{shown}: not yet recorded, add it"))
    return choices


def _candidate_label(kind: str, record) -> str:
    if kind == NodeKind.CHILD:
        born = f", born {record.date_of_birth:%-d %B %Y}" if record.date_of_birth else ""
        return f"{record.full_name}{born} (child {record.pk})"
    if kind == NodeKind.PERSON:
        known = f", known as {record.aliases}" if record.aliases and record.identity_known else ""
        return f"{record.display_name}{known} ({record.get_kind_display().lower()})"
    if kind == NodeKind.IDENTIFIER and record.kind == "phone":
        from .rules import display_phone

        return f"{display_phone(record.value)} (phone number)"
    return str(record)


def link_ends(user, link: Link) -> list[dict]:
    """A link's two ends as its pages name them: the page of each only when `user` may open it."""
    from contacts.visibility import child_list_for_user

    ends = []
    for node in (link.a, link.b):
        if node.kind == NodeKind.CHILD:
            readable = child_list_for_user(user).filter(pk=node.child_id).exists()
            url = node.target.get_absolute_url() if readable else None
        else:
            url = node.target.get_absolute_url()
        ends.append({"kind": node.get_kind_display(), "label": _label_of(node), "url": url, "marker": _marker_of(node)})
    return ends


def persons_of_family_members(user, member_ids: list[int]) -> dict[int, Person]:
    """The persons of concern the reader may see that these family members are, by member (one query)."""
    persons = persons_visible_to(user).filter(family_member_id__in=member_ids)
    return {person.family_member_id: person for person in persons}

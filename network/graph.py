"""The network map: everything linked to one thing within N steps (seed 001 L1432-1437), as the reader
may see it.

The walk reads only `selectors.links_visible_to(reader)`: a link with an end the reader may not see
(a restricted child not naming them, a case they may not open, a record merged or entered in error)
is never read, so the walk stops there: nothing past it, no placeholder, no count. Each step is one
query, whatever the size of the network: the links of every thing on the walk's edge at once, the
strongest of each large hub only (confirmed, then reported, then suspected; the most recently seen
first), filtered by kind, date last seen and confidence. Then one query loads what the things are,
one the risk of the children's cases and one which children's pages the reader may open.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, Q, Value, When, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse

from cate.choices import LIVE_CASE_STATUSES, RISK_ORDER, RiskLevel
from cate.selectors import cases_visible_to
from contacts.choices import RecordStatus
from contacts.visibility import child_list_for_user, children_visible_to

from . import selectors
from .choices import Confidence, LinkKind, LinkSource, NodeKind, Relationship
from .models import Node
from .permissions import can_read_network

DEFAULT_STEPS, MAX_STEPS = 2, 3
# The links shown of each large hub: the first is the default, "show more" moves to the next.
HUB_CAPS = (150, 500, 1500)
# However the caps are set, a walk stops growing at this many links (the table says so).
MAX_LINKS = 2000

# The URL's name of each kind of thing (`map/<kind>/<pk>/`), and back.
SEGMENTS = {
    NodeKind.CHILD: "child",
    NodeKind.CASE: "case",
    NodeKind.PERSON: "person",
    NodeKind.PLACE: "place",
    NodeKind.VEHICLE: "vehicle",
    NodeKind.IDENTIFIER: "identifier",
    NodeKind.PEER_GROUP: "peer-group",
}
KIND_OF_SEGMENT = {segment: kind for kind, segment in SEGMENTS.items()}

CONFIDENCE_ORDER = (Confidence.CONFIRMED, Confidence.REPORTED, Confidence.SUSPECTED)
STRENGTH = Case(
    *(When(confidence=value, then=Value(rank)) for rank, value in enumerate(CONFIDENCE_ORDER)),
    default=Value(len(CONFIDENCE_ORDER)),
    output_field=IntegerField(),
)
_STRONGEST_FIRST = (F("strength").asc(), F("last_seen").desc(nulls_last=True), F("pk").desc())
_TARGETS = ("child", "case", "case__child", "person", "place", "vehicle", "identifier", "peer_group")


@dataclass(frozen=True)
class MapFilters:
    """What the reader narrowed the map to. Empty kinds or confidences: all of them."""

    steps: int = DEFAULT_STEPS
    kinds: tuple[str, ...] = ()
    confidence: tuple[str, ...] = ()
    seen_from: dt.date | None = None
    seen_to: dt.date | None = None
    cap: int = HUB_CAPS[0]

    def apply(self, links):
        if self.kinds:
            links = links.filter(kind__in=self.kinds)
        if self.confidence:
            links = links.filter(confidence__in=self.confidence)
        if self.seen_from:
            links = links.filter(last_seen__gte=self.seen_from)
        if self.seen_to:
            links = links.filter(last_seen__lte=self.seen_to)
        return links

    @property
    def more_cap(self) -> int | None:
        """The next cap up ("show more"), or None at the largest."""
        larger = [cap for cap in HUB_CAPS if cap > self.cap]
        return larger[0] if larger else None

    def describe(self) -> dict:
        """The filters as the access log keeps them."""
        return {
            "steps": self.steps,
            "kinds": list(self.kinds),
            "confidence": list(self.confidence),
            "seen_from": self.seen_from.isoformat() if self.seen_from else None,
            "seen_to": self.seen_to.isoformat() if self.seen_to else None,
            "cap": self.cap,
        }


@dataclass
class MapNode:
    """One thing on the map, described for the drawing and the table."""

    pk: int
    kind: str
    target: object
    label: str
    steps: int
    page_url: str
    map_url: str
    risk: str = ""  # what the colour says, in words: "High risk", "Staff-safety warning", "Hotspot"
    tone: str = ""  # the colour of the risk: "high", "medium", "low" or ""
    is_centre: bool = False
    child_id: int | None = None  # the child a child, case or person-who-is-a-child node stands for
    links_total: int = 0  # a capped hub's links in all (those the reader may see)

    @property
    def kind_label(self) -> str:
        return NodeKind(self.kind).label

    @property
    def capped(self) -> bool:
        return self.links_total > 0

    @property
    def text(self) -> str:
        """The thing in words: what a screen reader and the table say of it."""
        described = f"{self.kind_label}: {self.label}"
        return f"{described} ({self.risk})" if self.risk else described


@dataclass
class MapEdge:
    """A link between two things on the map (`pk` None: two records of the same young person)."""

    pk: int | None
    near: MapNode
    far: MapNode
    kind_label: str
    confidence: str = ""
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None
    source_label: str = ""
    relationship_label: str = ""

    @property
    def confidence_label(self) -> str:
        return Confidence(self.confidence).label if self.confidence else "Same young person"

    @property
    def steps(self) -> int:
        return self.far.steps

    @property
    def text(self) -> str:
        return f"{self.near.label} – {self.kind_label.lower()} – {self.far.label}"


@dataclass
class NetworkMap:
    subject: object
    kind: str
    filters: MapFilters
    nodes: dict[int, MapNode] = field(default_factory=dict)
    edges: list[MapEdge] = field(default_factory=list)
    truncated: bool = False  # stopped at MAX_LINKS

    @property
    def centre(self) -> list[MapNode]:
        return [node for node in self.nodes.values() if node.is_centre]

    @property
    def capped(self) -> list[MapNode]:
        return sorted((n for n in self.nodes.values() if n.capped), key=lambda n: (n.steps, n.label))

    @property
    def children(self) -> list[MapNode]:
        return [node for node in self.nodes.values() if node.kind == NodeKind.CHILD]

    @property
    def child_ids(self) -> set[int]:
        return {node.child_id for node in self.nodes.values() if node.child_id}

    def child_records(self, *, besides=None) -> list:
        """The records on the map that stand for a child (a child, a case, a child as a person of
        concern), other than `besides`: what the access log writes down."""
        return [node.target for node in self.nodes.values() if node.child_id and node.target != besides]


# --- The thing a map is of ------------------------------------------------------------------


def _subjects(user, kind: str):
    if kind == NodeKind.CHILD:
        return children_visible_to(user).filter(status=RecordStatus.ACTIVE)
    if kind == NodeKind.CASE:
        return cases_visible_to(user).filter(child__status=RecordStatus.ACTIVE).select_related("child")
    records = {
        NodeKind.PERSON: selectors.persons_visible_to,
        NodeKind.PLACE: selectors.places_visible_to,
        NodeKind.VEHICLE: selectors.vehicles_visible_to,
        NodeKind.IDENTIFIER: selectors.identifiers_visible_to,
        NodeKind.PEER_GROUP: selectors.peer_groups_visible_to,
    }
    return selectors.current(records[kind](user))


def map_subject_get_for_user(user, segment: str, pk: int):
    """The child, case or record whose map the reader asks for; 404 when the reader may not read the
    network, may not see it, or it is no longer current (merged, entered in error)."""
    kind = KIND_OF_SEGMENT.get(segment)
    if kind is None or not can_read_network(user):
        raise Http404
    return get_object_or_404(_subjects(user, kind), pk=pk)


_KIND_OF_LABEL = {
    "contacts.Child": NodeKind.CHILD,
    "cate.Case": NodeKind.CASE,
    "network.Person": NodeKind.PERSON,
    "network.Place": NodeKind.PLACE,
    "network.Vehicle": NodeKind.VEHICLE,
    "network.Identifier": NodeKind.IDENTIFIER,
    "network.PeerGroup": NodeKind.PEER_GROUP,
}


def kind_of(subject) -> str:
    """The kind of node a child, case or network record is."""
    return _KIND_OF_LABEL[subject._meta.label]


def map_url(kind: str, pk: int) -> str:
    return reverse("network:map", args=[SEGMENTS[kind], pk])


def _own_child_id(subject, kind: str) -> int | None:
    """The child a subject stands for: a child, a case's child, a person of concern who is a child."""
    if kind == NodeKind.CHILD:
        return subject.pk
    if kind in (NodeKind.CASE, NodeKind.PERSON):
        return subject.child_id
    return None


def centre_of(user, subject, kind: str) -> list[int]:
    """The nodes the map starts from: the subject's own, and for a child every record of the same
    young person the reader may see (the child, their cases, the child as a person of concern)."""
    child_id = _own_child_id(subject, kind)
    if child_id is None:
        condition = Q(**{Node.FIELD_OF_KIND[kind]: subject})
    else:
        condition = Q(child_id=child_id) | Q(case__child_id=child_id) | Q(person__child_id=child_id)
    return list(selectors.nodes_visible_to(user).filter(condition).order_by("pk").values_list("pk", flat=True))


# --- The walk -------------------------------------------------------------------------------


_LINK_FIELDS = ("pk", "a_id", "b_id", "kind", "confidence", "first_seen", "last_seen", "source", "relationship")


def _step(links, frontier: list[int], *, cap: int, limit: int) -> list:
    """The links of every thing in the frontier, at most `cap` of each (the strongest), in one query."""
    hub = Case(When(a_id__in=frontier, then=F("a_id")), default=F("b_id"), output_field=IntegerField())
    return list(
        links.filter(Q(a_id__in=frontier) | Q(b_id__in=frontier))
        .annotate(hub=hub, strength=STRENGTH)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("hub")], order_by=list(_STRONGEST_FIRST)),
            hub_links=Window(Count("pk"), partition_by=[F("hub")]),
        )
        .filter(rank__lte=cap)
        .order_by(*_STRONGEST_FIRST)
        .values(*_LINK_FIELDS, "hub", "hub_links")[:limit]
    )


def walk(user, subject, filters: MapFilters) -> NetworkMap:
    """The map of `subject` as `user` may see it: the things within `filters.steps` steps and the
    links between them."""
    kind = kind_of(subject)
    network_map = NetworkMap(subject=subject, kind=kind, filters=filters)
    centre = centre_of(user, subject, kind)
    steps_of = dict.fromkeys(centre, 0)
    totals: dict[int, int] = {}
    links = filters.apply(selectors.links_visible_to(user))
    found: dict[int, dict] = {}
    frontier = list(centre)
    for step in range(1, filters.steps + 1):
        if not frontier:
            break
        budget = MAX_LINKS - len(found)
        rows = _step(links, frontier, cap=filters.cap, limit=budget)
        following = []
        for link in rows:
            if link["hub_links"] > filters.cap:
                totals[link["hub"]] = link["hub_links"]
            found.setdefault(link["pk"], link)
            for end in (link["a_id"], link["b_id"]):
                if end not in steps_of:
                    steps_of[end] = step
                    following.append(end)
        if len(rows) >= budget:
            network_map.truncated = True
            break
        frontier = following
    _describe(user, network_map, steps_of, centre, totals)
    _connect(network_map, found.values(), centre)
    return network_map


# --- What the things are --------------------------------------------------------------------


@functools.cache
def _has_pages(model) -> bool:
    """Whether the network's records of this kind have their own pages (they come in their own
    change; until then a thing links to its own map). Asked once: a failed reverse is slow."""
    try:
        model(pk=1).get_absolute_url()
    except NoReverseMatch:
        return False
    return True


def _record_page(record) -> str | None:
    return record.get_absolute_url() if _has_pages(type(record)) else None


def _describe(user, network_map: NetworkMap, steps_of: dict[int, int], centre: list[int], totals) -> None:
    nodes = Node.objects.filter(pk__in=list(steps_of)).select_related(*_TARGETS)
    nodes = sorted(nodes, key=lambda node: node.pk)
    child_ids = {n.child_id for n in nodes if n.kind == NodeKind.CHILD}
    child_ids |= {n.case.child_id for n in nodes if n.kind == NodeKind.CASE}
    risks = _case_risks(user, child_ids)
    readable = set()
    if child_ids:
        readable = set(child_list_for_user(user).filter(pk__in=child_ids).values_list("pk", flat=True))
    for node in nodes:
        target = node.target
        own_map = map_url(node.kind, target.pk)
        described = MapNode(
            pk=node.pk,
            kind=node.kind,
            target=target,
            label="",
            steps=steps_of[node.pk],
            page_url=own_map,
            map_url=own_map,
            is_centre=node.pk in centre,
            links_total=totals.get(node.pk, 0),
        )
        if node.kind == NodeKind.CHILD:
            described.label, described.child_id = target.full_name or f"Child {target.pk}", target.pk
            _risk(described, risks.get(target.pk, ""))
            if target.pk in readable:
                described.page_url = target.get_absolute_url()
        elif node.kind == NodeKind.CASE:
            described.label = f"{target.reference} ({target.child.full_name})"
            described.child_id = target.child_id
            described.page_url = target.get_absolute_url()
            _risk(described, target.current_risk_level if target.status in LIVE_CASE_STATUSES else "")
        else:
            described.label = str(target)
            described.page_url = _record_page(target) or own_map
            if node.kind == NodeKind.PERSON:
                described.child_id = target.child_id
                if target.staff_safety_warning:
                    described.risk, described.tone = "Staff-safety warning", "high"
            elif node.kind == NodeKind.PLACE and target.is_hotspot:
                described.risk, described.tone = "Hotspot", "high"
        network_map.nodes[node.pk] = described


def _case_risks(user, child_ids: set[int]) -> dict[int, str]:
    """The highest risk level of each child's live cases, of the cases the reader may open."""
    if not child_ids:
        return {}
    rows = (
        cases_visible_to(user)
        .filter(child_id__in=child_ids, status__in=LIVE_CASE_STATUSES)
        .exclude(current_risk_level="")
        .values_list("child_id", "current_risk_level")
    )
    risks: dict[int, str] = {}
    for child_id, level in rows:
        if child_id not in risks or RISK_ORDER.index(level) > RISK_ORDER.index(risks[child_id]):
            risks[child_id] = level
    return risks


_TONES = {
    RiskLevel.HIGH: "high",
    RiskLevel.MEDIUM_HIGH: "high",
    RiskLevel.MEDIUM: "medium",
    RiskLevel.LOW_MEDIUM: "low",
    RiskLevel.LOW: "low",
}


def _risk(node: MapNode, level: str) -> None:
    if level:
        node.risk, node.tone = f"{RiskLevel(level).label} risk", _TONES[RiskLevel(level)]


def _connect(network_map: NetworkMap, links, centre: list[int]) -> None:
    """The edges: each link from the end nearer the centre; the records of the same young person at
    the centre joined to the subject's own."""
    nodes = network_map.nodes
    for link in links:
        a, b = nodes[link["a_id"]], nodes[link["b_id"]]
        near, far = (a, b) if (a.steps, a.pk) <= (b.steps, b.pk) else (b, a)
        network_map.edges.append(
            MapEdge(
                pk=link["pk"],
                near=near,
                far=far,
                kind_label=LinkKind(link["kind"]).label,
                confidence=link["confidence"],
                first_seen=link["first_seen"],
                last_seen=link["last_seen"],
                source_label=LinkSource(link["source"]).label,
                relationship_label=Relationship(link["relationship"]).label if link["relationship"] else "",
            )
        )
    if len(centre) > 1:
        own = _subject_node(network_map, centre)
        for pk in centre:
            if pk != own.pk:
                other = nodes[pk]
                network_map.edges.append(MapEdge(pk=None, near=own, far=other, kind_label=_SAME[other.kind]))


_SAME = {
    NodeKind.CHILD: "The case's child",
    NodeKind.CASE: "Their CATE case",
    NodeKind.PERSON: "The same young person as a person of concern",
}


def _subject_node(network_map: NetworkMap, centre: list[int]) -> MapNode:
    for pk in centre:
        node = network_map.nodes[pk]
        if node.kind == network_map.kind and node.target.pk == network_map.subject.pk:
            return node
    return network_map.nodes[centre[0]]


# --- The table ------------------------------------------------------------------------------

SORTS = {
    "steps": lambda e: (e.steps, STRENGTH_OF.get(e.confidence, 3), e.near.label.lower(), e.far.label.lower()),
    "from": lambda e: (e.near.label.lower(), e.far.label.lower()),
    "kind": lambda e: (e.kind_label, e.near.label.lower(), e.far.label.lower()),
    "to": lambda e: (e.far.label.lower(), e.near.label.lower()),
    "confidence": lambda e: (STRENGTH_OF.get(e.confidence, 3), e.near.label.lower()),
    "first_seen": lambda e: (e.first_seen or dt.date.min, e.near.label.lower()),
    "last_seen": lambda e: (e.last_seen or dt.date.min, e.near.label.lower()),
    "source": lambda e: (e.source_label, e.near.label.lower()),
}
STRENGTH_OF = {value: rank for rank, value in enumerate(CONFIDENCE_ORDER)}
DEFAULT_SORT = "steps"


def sort_key(value: str | None) -> tuple[str, bool]:
    """(column, descending) from a `sort` query value such as "last_seen" or "-last_seen"; anything
    else gives the default order."""
    value = (value or "").strip()
    descending = value.startswith("-")
    column = value[1:] if descending else value
    return (column, descending) if column in SORTS else (DEFAULT_SORT, False)


def sorted_edges(network_map: NetworkMap, sort: str | None) -> list[MapEdge]:
    column, descending = sort_key(sort)
    return sorted(network_map.edges, key=SORTS[column], reverse=descending)

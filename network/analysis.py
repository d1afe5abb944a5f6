"""What the network map says beyond its drawing (seed 001 L1432-1437), with networkx: clusters of
linked children, the people and places with the most linked children, and who else may be at risk.

Clusters and the most linked are read from the map itself (what the reader sees, filtered as they
asked), so nothing they may not see is counted. "Who else may be at risk" on a child's map is every
child who shares a person of concern or a place with this child, read from the reader's visible
links whatever the filters; the children who share one that the reader may not see are found
separately (`children_at_risk_hidden_from`) for the alert to those who may see them, and never
returned to the page.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx
from django.db.models import Q

from contacts.choices import RecordStatus
from contacts.models import Child
from contacts.visibility import children_visible_to
from core.roles import Role
from core.selectors import staff_who_can_hold

from . import selectors
from .choices import Confidence, LinkStatus, NetworkStatus, NodeKind
from .graph import MapNode, NetworkMap, centre_of, map_url
from .models import Link, Node
from .permissions import VIEW_NETWORK

WEIGHTS = {Confidence.CONFIRMED: 3, Confidence.REPORTED: 2, Confidence.SUSPECTED: 1, "": 3}
SHARED_KINDS = (NodeKind.PERSON, NodeKind.PLACE)
CHILD_KINDS = (NodeKind.CHILD, NodeKind.CASE, NodeKind.PERSON)  # a person: a child as a person of concern
MOST_LINKED = 10
AT_RISK_SHOWN = 50
CLUSTER_SEED = 18  # louvain is randomised: a fixed seed gives the same clusters for the same map


@dataclass
class Cluster:
    children: list[MapNode]
    around: list[MapNode]  # the people, places and others that hold it together, most linked first


@dataclass
class Hub:
    node: MapNode
    children: int


@dataclass
class Analysis:
    clusters: list[Cluster] = field(default_factory=list)
    most_linked: list[Hub] = field(default_factory=list)


def as_graph(network_map: NetworkMap) -> nx.Graph:
    """The map as a networkx graph: things by node number, links weighted by confidence."""
    graph = nx.Graph()
    graph.add_nodes_from(sorted(network_map.nodes))
    for edge in network_map.edges:
        a, b = edge.near.pk, edge.far.pk
        weight = WEIGHTS.get(edge.confidence, 1)
        if graph.has_edge(a, b):
            graph[a][b]["weight"] += weight
        else:
            graph.add_edge(a, b, weight=weight)
    return graph


def analyse(network_map: NetworkMap) -> Analysis:
    graph = as_graph(network_map)
    nodes = network_map.nodes
    child_of = {pk: node.child_id for pk, node in nodes.items() if node.child_id}
    shown = _one_node_per_child(network_map)
    analysis = Analysis()
    if graph.number_of_edges():
        communities = nx.community.louvain_communities(graph, weight="weight", seed=CLUSTER_SEED)
        for community in communities:
            children = sorted({child_of[pk] for pk in community if pk in child_of})
            if len(children) < 2:
                continue
            around = sorted(
                (pk for pk in community if pk not in child_of),
                key=lambda pk: (-graph.degree(pk, weight="weight"), nodes[pk].label.lower(), pk),
            )
            analysis.clusters.append(
                Cluster(
                    children=sorted((shown[c] for c in children), key=lambda n: n.label.lower()),
                    around=[nodes[pk] for pk in around[:5]],
                )
            )
        analysis.clusters.sort(key=lambda c: (-len(c.children), c.children[0].label.lower()))
    hubs = []
    for pk, node in nodes.items():
        if node.kind not in SHARED_KINDS or pk in child_of:
            continue
        linked = {child_of[other] for other in graph.neighbors(pk) if other in child_of}
        if linked:
            hubs.append(Hub(node=node, children=len(linked)))
    hubs.sort(key=lambda hub: (-hub.children, hub.node.label.lower(), hub.node.pk))
    analysis.most_linked = hubs[:MOST_LINKED]
    return analysis


def _one_node_per_child(network_map: NetworkMap) -> dict[int, MapNode]:
    """The node that stands for each child on the map: the child's own, else a case, else the person."""
    preference = {NodeKind.CHILD: 0, NodeKind.CASE: 1, NodeKind.PERSON: 2}
    chosen: dict[int, MapNode] = {}
    for node in sorted(network_map.nodes.values(), key=lambda n: (preference.get(n.kind, 3), n.pk)):
        if node.child_id and node.child_id not in chosen:
            chosen[node.child_id] = node
    return chosen


# --- Who else may be at risk ----------------------------------------------------------------


@dataclass
class AtRisk:
    child: Child
    shared: list[str]  # what they share with this child, in words
    map_url: str


_CHILD_OF_END = ("child_id", "case__child_id", "person__child_id")


def _child_ends(links, ends: set[int]) -> dict[int, set[int]]:
    """{child number: the nodes of `ends` it is linked to} for links from `ends` to a child, a case or
    a child as a person of concern (one query)."""
    columns = [f"{end}__{path}" for end in ("a", "b") for path in _CHILD_OF_END]
    rows = links.filter(Q(a_id__in=ends) | Q(b_id__in=ends)).values_list("a_id", "b_id", *columns)
    found: dict[int, set[int]] = defaultdict(set)
    width = len(_CHILD_OF_END)
    for a, b, *children in rows:
        a_child = next((c for c in children[:width] if c), None)
        b_child = next((c for c in children[width:] if c), None)
        if a in ends and b_child:
            found[b_child].add(a)
        if b in ends and a_child:
            found[a_child].add(b)
    return found


def shared_with(user, child_id: int, centre: list[int]) -> list[int]:
    """The persons and places linked to this child's records that the reader sees."""
    if not centre:
        return []
    rows = (
        selectors.links_visible_to(user)
        .filter(Q(a_id__in=centre) | Q(b_id__in=centre))
        .values_list("a_id", "a__kind", "b_id", "b__kind")
    )
    shared = set()
    for a, a_kind, b, b_kind in rows:
        for this, other, kind in ((a, b, b_kind), (b, a, a_kind)):
            if this in centre and other not in centre and kind in SHARED_KINDS:
                shared.add(other)
    return sorted(shared)


def children_at_risk(user, child: Child) -> tuple[list[AtRisk], int]:
    """The children who share a person of concern or a place with `child` that the reader may see
    (the first AT_RISK_SHOWN, those sharing most first), and how many there are in all."""
    centre = centre_of(user, child, NodeKind.CHILD)
    shared = shared_with(user, child.pk, centre)
    if not shared:
        return [], 0
    found = _child_ends(selectors.links_visible_to(user), set(shared))
    found.pop(child.pk, None)
    if not found:
        return [], 0
    children = children_visible_to(user).filter(pk__in=list(found), status=RecordStatus.ACTIVE)
    children = {c.pk: c for c in children}
    names = _names(shared)
    ranked = sorted(children.values(), key=lambda c: (-len(found[c.pk]), c.full_name.lower(), c.pk))
    rows = [
        AtRisk(
            child=c,
            shared=sorted(names[pk] for pk in found[c.pk]),
            map_url=map_url(NodeKind.CHILD, c.pk),
        )
        for c in ranked[:AT_RISK_SHOWN]
    ]
    return rows, len(ranked)


def _names(pks: list[int]) -> dict[int, str]:
    nodes = Node.objects.filter(pk__in=pks).select_related("person", "place")
    return {node.pk: f"{node.get_kind_display().lower()} {node.target}" for node in nodes}


def _current_links():
    """Every active link between current records (what the network holds, whoever reads it)."""
    stale = Q(kind=NodeKind.CHILD) & ~Q(child__status=RecordStatus.ACTIVE)
    stale |= Q(kind=NodeKind.CASE) & ~Q(case__child__status=RecordStatus.ACTIVE)
    for kind, name in Node.FIELD_OF_KIND.items():
        if kind not in (NodeKind.CHILD, NodeKind.CASE):
            stale |= Q(kind=kind) & ~Q(**{f"{name}__status": NetworkStatus.ACTIVE})
    stale_nodes = Node.objects.filter(stale).values("pk")
    return Link.objects.filter(status=LinkStatus.ACTIVE).exclude(a__in=stale_nodes).exclude(b__in=stale_nodes)


def children_at_risk_hidden_from(user, child: Child) -> dict[int, bool]:
    """{child number: restricted} of the children who share a person or place the reader sees with
    `child`, but whom the reader may not see that way (a restricted child not naming them, a link
    through a case they may not open). For the alert to those who may see them: never shown."""
    centre = centre_of(user, child, NodeKind.CHILD)
    shared = set(shared_with(user, child.pk, centre))
    if not shared:
        return {}
    everyone = _child_ends(_current_links(), shared)
    seen = _child_ends(selectors.links_visible_to(user), shared)
    others = set(everyone) - set(seen) - {child.pk}
    if not others:
        return {}
    rows = Child.objects.filter(pk__in=others, status=RecordStatus.ACTIVE).values_list("pk", "is_restricted")
    return dict(rows)


def at_risk_recipients(hidden: dict[int, bool], *, exclude: int) -> dict[int, list]:
    """{child number: the staff to alert}: a restricted child's named staff who read the network,
    the CATE team leaders for any other child (two queries)."""
    restricted = [pk for pk, is_restricted in hidden.items() if is_restricted]
    recipients: dict[int, list] = {pk: [] for pk in hidden}
    if restricted:
        readers = staff_who_can_hold(permission=VIEW_NETWORK).values("pk")
        named = (
            Child.restricted_to.through.objects.filter(child_id__in=restricted, user_id__in=readers)
            .exclude(user_id=exclude)
            .select_related("user")
            .order_by("child_id", "user_id")
        )
        for pair in named:
            recipients[pair.child_id].append(pair.user)
    if len(restricted) < len(hidden):
        leaders = list(staff_who_can_hold(roles=[Role.TEAM_LEADER]).exclude(pk=exclude))
        for pk, is_restricted in hidden.items():
            if not is_restricted:
                recipients[pk] = leaders
    return recipients

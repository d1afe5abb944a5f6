"""The network map drawn on the server: Graphviz `dot` through the `graphviz` package, as an inline
SVG the page embeds (no script, no style attribute: the Content-Security-Policy allows neither).

Things are coloured and shaped by kind and outlined by risk (a child's case risk level, a person's
staff-safety warning, a hotspot), with the risk in words in the label too, so that colour is never
the only sign; links are labelled with their kind and drawn by confidence (bold when confirmed,
dashed when suspected); every thing is a link to its page. The SVG is an image (`role="img"`) named
by its `<title>` and described by its `<desc>`, and every thing and link carries its text
alternative in its own `<title>`; the table beneath the drawing holds the same content.

Without `dot` (the apt package graphviz; see the README), or for a map too large to draw, there is
no drawing and the page says why: the table still shows everything.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import graphviz
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from .choices import Confidence, NodeKind
from .graph import MapEdge, MapNode, NetworkMap

logger = logging.getLogger(__name__)

# A map with more things than this is not drawn (dot slows down and the drawing cannot be read).
DRAW_LIMIT = 300
DOT_TIMEOUT_SECONDS = 15
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
TITLE_ID, DESC_ID = "network-map-title", "network-map-desc"

# GOV.UK Design System colours (tints for fills, full colours for risk outlines).
FILLS = {
    NodeKind.CHILD: "#d2e2f1",
    NodeKind.CASE: "#bbd4ea",
    NodeKind.PERSON: "#f6d7d2",
    NodeKind.PLACE: "#cce2d8",
    NodeKind.VEHICLE: "#fff7bf",
    NodeKind.IDENTIFIER: "#e5e6e7",
    NodeKind.PEER_GROUP: "#dbd5e9",
}
SHAPES = {
    NodeKind.CHILD: "ellipse",
    NodeKind.CASE: "note",
    NodeKind.PERSON: "box",
    NodeKind.PLACE: "house",
    NodeKind.VEHICLE: "cds",
    NodeKind.IDENTIFIER: "parallelogram",
    NodeKind.PEER_GROUP: "doubleoctagon",
}
OUTLINES = {"high": "#d4351c", "medium": "#f47738", "low": "#00703c", "": "#505a5f"}
EDGE_STYLES = {
    Confidence.CONFIRMED: {"style": "bold", "color": "#0b0c0c"},
    Confidence.REPORTED: {"style": "solid", "color": "#505a5f"},
    Confidence.SUSPECTED: {"style": "dashed", "color": "#505a5f"},
    "": {"style": "dotted", "color": "#505a5f"},
}


@dataclass(frozen=True)
class Drawing:
    svg: SafeString | None
    why_not: str = ""  # when there is no drawing: "empty", "missing", "too_many", "failed"


def dot_binary() -> str | None:
    """The path of Graphviz's `dot` (settings.GRAPHVIZ_DOT, default "dot" on the PATH), or None."""
    return shutil.which(getattr(settings, "GRAPHVIZ_DOT", "dot"))


def _node_id(node: MapNode) -> str:
    return f"n{node.pk}"


def _label(*lines: str) -> str:
    return "\n".join(graphviz.escape(line) for line in lines if line)


def source(network_map: NetworkMap) -> graphviz.Graph:
    """The map in the DOT language: the centre first, each link from the end nearer the centre, so
    that dot ranks the things by their steps from it."""
    graph = graphviz.Graph(
        name="network",
        graph_attr={
            "id": "network-map-graph",
            "rankdir": "LR",
            "bgcolor": "transparent",
            "fontname": "Arial",
            "nodesep": "0.3",
            "ranksep": "1.1",
        },
        node_attr={"fontname": "Arial", "fontsize": "12", "style": "filled", "penwidth": "1.5", "margin": "0.15"},
        edge_attr={"fontname": "Arial", "fontsize": "10", "fontcolor": "#0b0c0c"},
    )
    for node in sorted(network_map.nodes.values(), key=lambda n: (n.steps, n.pk)):
        graph.node(
            _node_id(node),
            label=_label(node.label, node.kind_label, node.risk.upper() if node.risk else ""),
            tooltip=graphviz.escape(node.text),
            URL=node.page_url,
            id=f"map-node-{node.pk}",
            shape=SHAPES[node.kind],
            fillcolor=FILLS[node.kind],
            color=OUTLINES[node.tone],
            penwidth="3" if node.tone == "high" else "1.5",
            peripheries="2" if node.is_centre else "1",
        )
    for number, edge in enumerate(network_map.edges):
        graph.edge(
            _node_id(edge.near),
            _node_id(edge.far),
            label=_label(edge.kind_label),
            tooltip=graphviz.escape(edge.text),
            id=f"map-link-{edge.pk or f'same-{number}'}",
            constraint="true" if edge.near.steps != edge.far.steps else "false",
            **EDGE_STYLES[edge.confidence],
        )
    return graph


def draw(network_map: NetworkMap, *, title: str) -> Drawing:
    """The map as an inline SVG, or why there is none."""
    if not network_map.edges:
        return Drawing(None, "empty")
    if len(network_map.nodes) > DRAW_LIMIT:
        return Drawing(None, "too_many")
    dot = dot_binary()
    if dot is None:
        return Drawing(None, "missing")
    try:
        done = subprocess.run(  # noqa: S603 (a fixed program, the DOT source on its standard input)
            [dot, "-Tsvg"],
            input=source(network_map).source.encode("utf-8"),
            capture_output=True,
            timeout=DOT_TIMEOUT_SECONDS,
            check=True,
        )
    except (subprocess.SubprocessError, OSError):
        logger.exception("Graphviz could not draw the network map")
        return Drawing(None, "failed")
    return Drawing(mark_safe(accessible(done.stdout, network_map, title=title)))  # noqa: S308 (rebuilt below)


ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)
_UNSAFE = {f"{{{SVG_NS}}}{name}" for name in ("script", "foreignObject", "style")}


def _title(element, text: str) -> None:
    found = element.find(f"{{{SVG_NS}}}title")
    if found is None:
        found = ET.Element(f"{{{SVG_NS}}}title")
        element.insert(0, found)
    found.text = text


def accessible(svg: bytes, network_map: NetworkMap, *, title: str) -> str:
    """dot's SVG made fit to embed: no prolog or comments, nothing that runs or styles, an image
    named and described, each thing and link with its text alternative instead of dot's names."""
    # dot's own output from escaped labels (no entities declared); comments and the DOCTYPE are dropped.
    root = ET.fromstring(svg)  # noqa: S314
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in _UNSAFE:
                parent.remove(child)
        for name in list(parent.attrib):
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on") or local == "style":
                del parent.attrib[name]
    nodes = {f"map-node-{node.pk}": node for node in network_map.nodes.values()}
    edges = {f"map-link-{edge.pk or f'same-{n}'}": edge for n, edge in enumerate(network_map.edges)}
    for group in root.iter(f"{{{SVG_NS}}}g"):
        element_id = group.get("id", "")
        if element_id in nodes:
            _title(group, nodes[element_id].text)
        elif element_id in edges:
            edge: MapEdge = edges[element_id]
            _title(group, f"{edge.text} ({edge.confidence_label.lower()})")
        elif group.get("class") == "graph":
            for graph_title in group.findall(f"{{{SVG_NS}}}title"):
                group.remove(graph_title)
    description = ET.Element(f"{{{SVG_NS}}}desc", id=DESC_ID)
    description.text = describe(network_map)
    heading = ET.Element(f"{{{SVG_NS}}}title", id=TITLE_ID)
    heading.text = title
    root.insert(0, description)
    root.insert(0, heading)
    root.set("role", "img")
    root.set("aria-labelledby", f"{TITLE_ID} {DESC_ID}")
    root.set("class", "app-network-map__svg")
    return ET.tostring(root, encoding="unicode")


def describe(network_map: NetworkMap) -> str:
    """The drawing in a sentence, for its `<desc>`: what is at the centre and how much is around it."""
    things = len(network_map.nodes)
    links = sum(1 for edge in network_map.edges if edge.pk is not None)
    centre = ", ".join(node.text for node in network_map.centre) or "nothing linked yet"
    return (
        f"At the centre: {centre}. {things} thing{'s' if things != 1 else ''} and {links} "
        f"link{'s' if links != 1 else ''} within {network_map.filters.steps} "
        f"step{'s' if network_map.filters.steps != 1 else ''}. The table below the drawing lists every link."
    )

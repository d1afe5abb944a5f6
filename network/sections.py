"""What the network shows on the pages of the apps below it (core.contract's page sections): a
child's links on the child page, contact page and panel paper, a case's on the case page with its
missing episodes' places and companions, and the persons of concern an enquiry asks about on the
enquiry's page.

A section is None for a reader who may not read the network (a partner other than the police, a
panel member outside their window), except the enquiry's persons, whom the partners it was sent to
see by name and description only. Every read goes through network.selectors, so a child the
reader may not see is never shown, counted or hinted at. Each section makes a fixed number of
queries, however many links there are."""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from cate.selectors import missing_episodes_of
from contacts import family_selectors
from contacts.choices import MaceStatus
from contacts.selectors import mace_entries_for_request
from core.contract import Section

from . import selectors
from .choices import LinkKind, LinkSource, NodeKind
from .graph import SEGMENTS
from .permissions import can_read_network, can_record_network
from .services.sources import can_change_mace_subjects

SHORT = 10  # links in a page's short table; the rest on the network map
PANEL = 25  # links on a panel paper
EPISODES = 10  # a case's most recent missing episodes


def _url(name: str, **kwargs) -> str:
    """The URL, or "" while the page it names is not there yet."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


@functools.cache
def _has_pages(model) -> bool:
    """Whether the network's records of this kind have their own pages yet (asked once: a failed
    reverse is slow)."""
    try:
        model(pk=1).get_absolute_url()
    except NoReverseMatch:
        return False
    return True


def map_url(kind: str, pk: int) -> str:
    """The network map around a thing (kind as NodeKind or its URL segment)."""
    return _url("network:map", kind=SEGMENTS.get(kind, kind), pk=pk)


@dataclass(frozen=True)
class End:
    """The other end of a link as a section shows it."""

    kind: str
    label: str
    url: str
    node_id: int


def end_of(node) -> End:
    """A child or case links to its network map (every reader of a section may open it, not always
    the child's own page); a record to its page, or its map while records have no pages."""
    target = node.target
    if node.kind == NodeKind.CHILD:
        label = target.full_name
    elif node.kind == NodeKind.CASE:
        label = f"{target.reference} ({target.child.full_name})"
    else:
        label = str(target)
        if _has_pages(type(target)):
            return End(node.get_kind_display(), label, target.get_absolute_url(), node.pk)
    return End(node.get_kind_display(), label, map_url(node.kind, target.pk), node.pk)


def record_url(record) -> str:
    return record.get_absolute_url() if _has_pages(type(record)) else ""


@dataclass(frozen=True)
class Row:
    link: object
    other: End


def rows_of(links, *, own_nodes: set[int] | None = None, children=(), cases=()) -> list[Row]:
    """Each link with its end away from these children and cases (the child's own case when a link
    joins the two)."""
    rows = []
    for link in links:
        a_own = _is_own(link.a, own_nodes, children, cases)
        other = link.a if not a_own else link.b
        rows.append(Row(link, end_of(other)))
    return rows


def _is_own(node, own_nodes, children, cases) -> bool:
    if own_nodes is not None and node.pk in own_nodes:
        return True
    return (node.kind == NodeKind.CHILD and node.child_id in children) or (
        node.kind == NodeKind.CASE and node.case_id in cases
    )


def _links_section(title: str, *, user, children=(), cases=(), limit=SHORT, map_kind="", map_pk=None, intro=""):
    links = list(selectors.links_around(user, children=children, cases=cases)[: limit + 1])
    rows = rows_of(links[:limit], children=children, cases=cases)
    return Section(
        title,
        "network/sections/links.html",
        {
            "rows": rows,
            "more": len(links) > limit,
            "map_url": map_url(map_kind, map_pk) if map_kind else "",
            "intro": intro,
        },
    )


# --- The child, the contact, the case ---------------------------------------------------------


def child_section(child, *, user) -> Section | None:
    if not can_read_network(user):
        return None
    return _links_section("Exploitation network", user=user, children=[child.pk], map_kind="child", map_pk=child.pk)


def contact_section(contact, *, user) -> Section | None:
    if not can_read_network(user) or contact.child_id is None:
        return None
    return _links_section(
        "Exploitation network",
        user=user,
        children=[contact.child_id],
        map_kind="child",
        map_pk=contact.child_id,
        intro="The child's links to people, places, vehicles, numbers and groups.",
    )


def case_section(case, *, user) -> Section | None:
    if not can_read_network(user):
        return None
    return _links_section(
        "Exploitation network", user=user, children=[case.child_id], cases=[case.pk], map_kind="case", map_pk=case.pk
    )


@dataclass(frozen=True)
class EpisodeRow:
    episode: object
    people: list[End]
    places: list[tuple[str, End]]
    url: str


def case_missing_section(case, *, user) -> Section | None:
    """The case's recent missing episodes with where the child was found, who with and the places
    linked from each; a recorder links the place and the people on the network's page."""
    if not can_read_network(user):
        return None
    episodes = list(missing_episodes_of(case)[:EPISODES])
    if not episodes:
        return None
    links = selectors.links_from_sources(user, LinkSource.MISSING_EPISODE, [e.pk for e in episodes])
    people: dict[int, list[End]] = {}
    places: dict[int, list[tuple[str, End]]] = {}
    for row in rows_of(links, children=[case.child_id], cases=[case.pk]):
        if row.link.kind == LinkKind.FOUND_WITH:
            people.setdefault(row.link.source_record, []).append(row.other)
        else:
            places.setdefault(row.link.source_record, []).append((row.link.get_kind_display(), row.other))
    rows = [
        EpisodeRow(e, people.get(e.pk, []), places.get(e.pk, []), _url("network:missing_episode", pk=e.pk))
        for e in episodes
    ]
    return Section(
        "Missing episodes: where found and who with",
        "network/sections/missing_episodes.html",
        {"rows": rows, "can_record": can_record_network(user)},
    )


# --- The child's family ----------------------------------------------------------------------


@dataclass(frozen=True)
class FamilyRow:
    person: object  # contacts.family_selectors.Person
    concern: object | None  # the network's Person, when they are of concern
    record_url: str  # where a recorder records them as a person of concern


def family_section(child, *, user) -> Section | None:
    """Which members of the child's family (as the reader may see it: a restricted relative is not
    in it) are persons of concern, each with their record; to recorders, the way to record one."""
    if not can_read_network(user):
        return None
    picture = family_selectors.family_of(child, user)
    if not picture.others:
        return None
    concern = selectors.persons_of_family_members(user, [p.pk for p in picture.others])
    recorder = can_record_network(user)
    rows = [
        FamilyRow(
            p,
            concern.get(p.pk),
            _url("network:family_member_concern", pk=child.pk, item=p.pk) if recorder else "",
        )
        for p in picture.others
    ]
    if not recorder and not concern:
        return None
    return Section("Persons of concern in the family", "network/sections/family.html", {"rows": rows})


# --- The panel paper --------------------------------------------------------------------------


def panel_paper_section(item, *, user) -> Section | None:
    """The child's network summary for the panel: what kinds of thing the child is linked to, and
    the most recent links (panel members see it while they are invited to an open panel)."""
    if item.case_id is None or not can_read_network(user):
        return None
    case = item.case
    links = list(selectors.links_around(user, children=[case.child_id], cases=[case.pk])[: PANEL + 1])
    rows = rows_of(links[:PANEL], children=[case.child_id], cases=[case.pk])
    counts = Counter(row.other.kind for row in rows)
    return Section(
        "The child's exploitation network",
        "network/sections/links.html",
        {
            "rows": rows,
            "more": len(links) > PANEL,
            "counts": sorted(counts.items()),
            "map_url": map_url("case", case.pk),
            "intro": "",
        },
    )


# --- The enquiry ------------------------------------------------------------------------------


def mace_section(mace, *, user) -> Section | None:
    """The persons of concern the enquiry asks about: name, aliases and description for everyone
    who reads the enquiry (the partners it was sent to included), never their links; for network
    recorders, each answer they read with the persons linked from it and the offer to link one."""
    subjects = list(selectors.mace_subjects_for(user, mace))
    reader = can_read_network(user)
    may_change = can_change_mace_subjects(user) and mace.status == MaceStatus.OPEN
    answers = []
    if can_record_network(user):
        entries = list(mace_entries_for_request(user, mace))
        linked: dict[int, list[End]] = {}
        links = selectors.links_from_sources(user, LinkSource.MACE, [entry.pk for entry in entries])
        for row in rows_of(links, children=[mace.contact.child_id]):
            linked.setdefault(row.link.source_record, []).append(row.other)
        answers = [
            (entry, linked.get(entry.pk, []), _url("network:mace_answer_link", pk=entry.pk)) for entry in entries
        ]
    if not (subjects or may_change or answers):
        return None
    return Section(
        "Persons of concern",
        "network/sections/mace.html",
        {
            "subjects": [(s, record_url(s.person) if reader else "") for s in subjects],
            "may_change": may_change,
            "add_url": _url("network:mace_subject_add", pk=mace.pk),
            "remove_url": _url("network:mace_subject_remove", pk=mace.pk),
            "answers": answers,
        },
    )

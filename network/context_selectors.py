"""Every read of contexts as subjects (issue 19), permission-filtered.

A context (a place or a peer group, a network node) and its assessments, plans, reviews and referrals
are read by those who read the network (network.permissions.can_read_network). The children an
assessment affects are read through the same cut as the network's (a restricted child only by its
named staff); the contacts about a context through the front door's need to know
(contacts.visibility.contacts_visible_to); the plan's actions through riskpanel's
(`actions_visible_to`). So a count or a list on a context never includes what its reader may not see.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from contacts.models import Child, Contact
from contacts.visibility import children_visible_to, contacts_visible_to, hidden_children
from riskpanel.selectors import actions_visible_to

from .choices import ContextAssessmentStatus, ContextPlanStatus, NodeKind
from .models import (
    ContextAssessment,
    ContextAssessmentChild,
    ContextPlan,
    ContextPlanAction,
    ContextPlanReview,
    ContextReferral,
    Node,
)
from .permissions import can_read_network
from .selectors import hidden_node_condition, links_visible_to

CONTEXT_KINDS = (NodeKind.PLACE, NodeKind.PEER_GROUP)
SIGNAL_DAYS = 30  # "this month": contacts in the last 30 days naming the same place or group
SIGNAL_LEAST = 2  # the number of contacts that makes it worth telling the screener


# --- Contexts ---------------------------------------------------------------------------------


def contexts_visible_to(user) -> QuerySet[Node]:
    """The places and peer groups `user` may read as contexts (current records only)."""
    if not can_read_network(user):
        return Node.objects.none()
    return (
        Node.objects.filter(kind__in=CONTEXT_KINDS)
        .exclude(hidden_node_condition(user))
        .select_related("place", "peer_group")
    )


def context_get_for_user(user, pk: int) -> Node:
    return get_object_or_404(contexts_visible_to(user), pk=pk)


def context_label(node: Node) -> str:
    target = node.target
    if node.kind == NodeKind.PLACE:
        return f"{target} ({target.get_kind_display().lower()})"
    return f"{target} (peer group)"


def context_choices(text: str = "", *, limit: int = 50) -> list[tuple[str, str]]:
    """Places and peer groups to link a contact to, by name: what a referrer may name (a place's
    or group's name and kind, never who is linked to it). For those who refer contexts."""
    from .models import PeerGroup, Place

    places = Place.objects.filter(status="active")
    groups = PeerGroup.objects.filter(status="active")
    for word in text.split():
        places = places.filter(Q(name__icontains=word) | Q(address__icontains=word) | Q(postcode__icontains=word))
        groups = groups.filter(name__icontains=word)
    found = [(f"place-{p.pk}", f"{p} ({p.get_kind_display().lower()})") for p in places.order_by("name")[:limit]]
    found += [(f"peer_group-{g.pk}", f"{g} (peer group)") for g in groups.order_by("name")[:limit]]
    return sorted(found, key=lambda pair: pair[1].lower())[:limit]


def context_target(choice: str):
    """The place or peer group a choice of `context_choices` names (404 when it names none)."""
    from core.pages import record_id

    from .models import PeerGroup, Place

    kind, _, pk = (choice or "").partition("-")
    model = {"place": Place, "peer_group": PeerGroup}.get(kind)
    number = record_id(pk)
    if model is None or number is None:
        raise Http404
    return get_object_or_404(model.objects.filter(status="active"), pk=number)


# --- Referrals ---------------------------------------------------------------------------------


def referrals_of_contact(user, contact) -> QuerySet[ContextReferral]:
    """The contexts a contact is about (the contact is one the user reads: its page checked it)."""
    if not can_read_network(user) and not user.has_perm("network.refer_context"):
        return ContextReferral.objects.none()
    return (
        ContextReferral.objects.filter(contact=contact, removed_at__isnull=True)
        .exclude(node__in=Node.objects.filter(hidden_node_condition(user)).values("pk"))
        .select_related("node__place", "node__peer_group", "added_by")
    )


def referral_get_for_user(user, pk: int) -> ContextReferral:
    return get_object_or_404(
        ContextReferral.objects.filter(
            removed_at__isnull=True, contact__in=contacts_visible_to(user).values("pk")
        ).select_related("contact", "node__place", "node__peer_group"),
        pk=pk,
    )


def contacts_about(user, node: Node) -> QuerySet[Contact]:
    """The front-door contacts about a context that `user` may read: those referred about it, and
    those about a child linked to it (through a link the user may read)."""
    referred = ContextReferral.objects.filter(node=node, removed_at__isnull=True).values("contact_id")
    children = _children_linked_to(user, [node.pk]).values("child_id")
    return (
        contacts_visible_to(user)
        .filter(Q(pk__in=referred) | Q(child_id__in=children))
        .select_related("child")
        .order_by("-received_at", "-id")
    )


def _children_linked_to(user, node_ids) -> QuerySet[Node]:
    """The child nodes linked (actively, visibly) to these context nodes."""
    links = links_visible_to(user).filter(Q(a_id__in=node_ids) | Q(b_id__in=node_ids))
    ends = links.values("a_id").union(links.values("b_id"))
    return Node.objects.filter(kind=NodeKind.CHILD, pk__in=ends)


@dataclass(frozen=True)
class ContextSignal:
    """A context a contact names (referred about it, or its child is linked to it), with how many
    contacts the reader may read named it in the last SIGNAL_DAYS days."""

    node_id: int
    label: str
    url: str
    referred: bool
    recent: int

    @property
    def note(self) -> str:
        about = "About" if self.referred else "Child linked to"
        text = f"{about} {self.label}"
        if self.recent >= SIGNAL_LEAST:
            text += f": {self.recent} contacts in the last {SIGNAL_DAYS} days name this {self._noun}"
        return text

    @property
    def _noun(self) -> str:
        return "group" if self.label.endswith("(peer group)") else "place"


def context_signals(user, contacts, *, now: dt.datetime) -> dict[int, list[ContextSignal]]:
    """For each contact, the contexts it names and how many recent contacts name each: a fixed
    number of queries whatever the contacts. Counts read only contacts the user may read, children
    the user may know of and links the user may read: a restricted child is never counted."""
    contacts = list(contacts)
    if not contacts or not can_read_network(user):
        return {}
    ids = [c.pk for c in contacts]
    children = {c.pk: c.child_id for c in contacts if c.child_id}
    named: dict[int, dict[int, bool]] = defaultdict(dict)  # contact -> {node: referred}
    for contact_id, node_id in (
        ContextReferral.objects.filter(contact_id__in=ids, removed_at__isnull=True)
        .exclude(node__in=Node.objects.filter(hidden_node_condition(user)).values("pk"))
        .values_list("contact_id", "node_id")
    ):
        named[contact_id][node_id] = True
    by_child: dict[int, set[int]] = defaultdict(set)
    for child_id, node_id in _child_context_pairs(user, list(children.values()) or [0]):
        by_child[child_id].add(node_id)
    for contact_id, child_id in children.items():
        for node_id in by_child.get(child_id, ()):
            named[contact_id].setdefault(node_id, False)
    node_ids = {node_id for found in named.values() for node_id in found}
    if not node_ids:
        return {}
    since = now - dt.timedelta(days=SIGNAL_DAYS)
    recent = contacts_visible_to(user).filter(received_at__gte=since)
    per_node: dict[int, set[int]] = defaultdict(set)
    for contact_id, node_id in ContextReferral.objects.filter(
        node_id__in=node_ids, removed_at__isnull=True, contact__in=recent.values("pk")
    ).values_list("contact_id", "node_id"):
        per_node[node_id].add(contact_id)
    linked_children: dict[int, set[int]] = defaultdict(set)  # child -> context nodes
    for child_id, node_id in _context_child_pairs(user, node_ids):
        linked_children[child_id].add(node_id)
    # Always one query (`or [0]`: an empty list would skip it, and the page's queries would vary).
    for contact_id, child_id in recent.filter(child_id__in=list(linked_children) or [0]).values_list("pk", "child_id"):
        for node_id in linked_children[child_id]:
            per_node[node_id].add(contact_id)
    nodes = {n.pk: n for n in Node.objects.filter(pk__in=node_ids).select_related("place", "peer_group")}
    from django.urls import reverse

    result: dict[int, list[ContextSignal]] = {}
    for contact_id, found in named.items():
        signals = [
            ContextSignal(
                node_id,
                context_label(nodes[node_id]),
                reverse("network:context_detail", args=[node_id]),
                referred,
                len(per_node.get(node_id, ())),
            )
            for node_id, referred in found.items()
            if node_id in nodes
        ]
        result[contact_id] = sorted(signals, key=lambda s: (not s.referred, -s.recent, s.label))
    return result


def _child_context_pairs(user, child_ids) -> list[tuple[int, int]]:
    """(child, context node) for the active links the user may read between these children and
    places or peer groups (one query)."""
    links = links_visible_to(user).filter(
        (Q(a__child_id__in=list(child_ids)) & Q(b__kind__in=CONTEXT_KINDS))
        | (Q(b__child_id__in=list(child_ids)) & Q(a__kind__in=CONTEXT_KINDS))
    )
    pairs = []
    for a_child, a_id, b_child, b_id in links.values_list("a__child_id", "a_id", "b__child_id", "b_id"):
        pairs.append((a_child, b_id) if a_child else (b_child, a_id))
    return pairs


def _context_child_pairs(user, node_ids) -> list[tuple[int, int]]:
    """(child, context node) for the active links the user may read between these contexts and
    children (one query)."""
    links = links_visible_to(user).filter(
        (Q(a_id__in=node_ids) & Q(b__kind=NodeKind.CHILD)) | (Q(b_id__in=node_ids) & Q(a__kind=NodeKind.CHILD))
    )
    pairs = []
    for a_id, a_child, b_id, b_child in links.values_list("a_id", "a__child_id", "b_id", "b__child_id"):
        pairs.append((b_child, a_id) if a_id in node_ids else (a_child, b_id))
    return pairs


# --- Assessments, plans, reviews ----------------------------------------------------------------


def assessments_visible_to(user) -> QuerySet[ContextAssessment]:
    if not can_read_network(user):
        return ContextAssessment.objects.none()
    return ContextAssessment.objects.filter(node__in=contexts_visible_to(user).values("pk"))


def assessment_get_for_user(user, pk: int) -> ContextAssessment:
    return get_object_or_404(
        assessments_visible_to(user).select_related(
            "node__place", "node__peer_group", "opened_by", "assessor", "completed_by", "contact"
        ),
        pk=pk,
    )


def assessments_of(user, node: Node) -> QuerySet[ContextAssessment]:
    return assessments_visible_to(user).filter(node=node).select_related("assessor", "opened_by")


def assessment_list_for_user(user, *, status: str = "", overdue_on: dt.date | None = None):
    rows = assessments_visible_to(user).select_related("node__place", "node__peer_group", "assessor")
    if status:
        rows = rows.filter(status=status)
    if overdue_on is not None:
        rows = rows.filter(status=ContextAssessmentStatus.DRAFT, due_on__lt=overdue_on)
    return rows.order_by("due_on", "id")


def affected_children(user, assessment) -> QuerySet[ContextAssessmentChild]:
    """The children the assessment affects that `user` may know of (restricted children cut, as the
    network cuts them)."""
    if not can_read_network(user):
        return ContextAssessmentChild.objects.none()
    return (
        ContextAssessmentChild.objects.filter(assessment=assessment, removed_at__isnull=True)
        .exclude(child__in=hidden_children(user).values("pk"))
        .select_related("child")
    )


def affected_child_get_for_user(user, assessment, pk: int) -> ContextAssessmentChild:
    return get_object_or_404(affected_children(user, assessment), pk=pk)


def children_to_add(user, text: str, *, limit: int = 20) -> list[Child]:
    """Children the user may know of, by name, to add to an assessment."""
    from contacts.search import filter_by_name

    if not text.strip():
        return []
    return list(filter_by_name(children_visible_to(user).filter(status="active"), text)[:limit])


def child_to_add(user, pk: int) -> Child:
    return get_object_or_404(children_visible_to(user).filter(status="active"), pk=pk)


def plans_visible_to(user) -> QuerySet[ContextPlan]:
    if not can_read_network(user):
        return ContextPlan.objects.none()
    return ContextPlan.objects.filter(node__in=contexts_visible_to(user).values("pk"))


def plan_get_for_user(user, pk: int) -> ContextPlan:
    return get_object_or_404(
        plans_visible_to(user).select_related(
            "node__place", "node__peer_group", "assessment", "opened_by", "lead", "closed_by"
        ),
        pk=pk,
    )


def plans_of(user, node: Node) -> QuerySet[ContextPlan]:
    return plans_visible_to(user).filter(node=node).select_related("lead")


def plan_list_for_user(user, *, status: str = ContextPlanStatus.OPEN, review_overdue_on: dt.date | None = None):
    rows = plans_visible_to(user).select_related("node__place", "node__peer_group", "lead")
    if status:
        rows = rows.filter(status=status)
    if review_overdue_on is not None:
        rows = rows.filter(status=ContextPlanStatus.OPEN, next_review_on__lt=review_overdue_on)
    return rows.order_by("next_review_on", "id")


def reviews_of(plan) -> QuerySet[ContextPlanReview]:
    return ContextPlanReview.objects.filter(plan=plan).select_related("recorded_by")


def plan_actions(user, plans) -> QuerySet:
    """The riskpanel actions of these plans (which belong to no case and name no child), for those who
    read the context; each with `context_plan_id` and `openable`: whether riskpanel lets the user open
    it (its owning agency, those who manage actions). One query."""
    from django.db.models import Exists, OuterRef, Subquery

    from riskpanel.models import Action

    if not can_read_network(user):
        return Action.objects.none()
    visible = plans_visible_to(user).values("pk")
    links = ContextPlanAction.objects.filter(plan__in=plans).filter(plan__in=visible)
    plan_of = ContextPlanAction.objects.filter(action=OuterRef("pk")).values("plan_id")[:1]
    return (
        Action.objects.filter(pk__in=links.values("action_id"))
        .annotate(
            context_plan_id=Subquery(plan_of),
            openable=Exists(actions_visible_to(user).filter(pk=OuterRef("pk"))),
        )
        .select_related("owner_agency", "owner")
        .order_by("due_on", "id")
    )


def open_plan_of(node: Node) -> ContextPlan | None:
    return ContextPlan.objects.filter(node=node, status=ContextPlanStatus.OPEN).first()


def context_history(assessments, plans, *, limit: int = 50) -> list[tuple]:
    """What happened to a context's assessments and plans, newest first: (history row, record),
    two queries whatever the records."""
    rows = []
    for model, records in ((ContextAssessment, assessments), (ContextPlan, plans)):
        by_pk = {record.pk: record for record in records}
        if not by_pk:
            continue
        found = model.history.filter(id__in=list(by_pk)).select_related("history_user")
        rows += [(row, by_pk[row.id]) for row in found.order_by("-history_date", "-history_id")[:limit]]
    rows.sort(key=lambda pair: pair[0].history_date, reverse=True)
    return rows[:limit]

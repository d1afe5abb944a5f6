"""Reads of the context panel, filtered by what the user may see (network.panel_permissions).

Panels: team leaders, group managers and Family Connect managers see every context panel; an
invited partner or panel member sees a panel only while it is open; nobody else sees any. The
children linked to a context are read through the network's own visibility
(network.selectors.links_visible_to): a restricted child not naming the reader, a case they may not
open, never show; a reader who may not read the network sees no child through a context at all.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core import selectors as core_selectors
from riskpanel.choices import PanelStatus

from . import selectors
from .choices import ContextAssessmentStatus, ContextPlanStatus, NetworkStatus, NodeKind
from .models import ContextAssessment, ContextPlan, Node, PeerGroup, Place
from .models.panels import ContextPanel, ContextPanelAction, ContextPanelAttendance, ContextPanelItem
from .panel_permissions import CHAIR_CONTEXT_PANEL, MEMBER_ROLES, may_be_invited, sees_every_context_panel

SEARCH_LIMIT = 20

# --- Panels -----------------------------------------------------------------------------------


def context_panels_visible_to(user) -> QuerySet[ContextPanel]:
    """Every context panel for those who see them all; for an invited member, the open panels they
    are invited to (their access window: before and after, nothing)."""
    if not getattr(user, "is_authenticated", False):
        return ContextPanel.objects.none()
    if sees_every_context_panel(user):
        return ContextPanel.objects.all()
    if may_be_invited(user):
        return ContextPanel.objects.filter(status=PanelStatus.OPEN, members=user)
    return ContextPanel.objects.none()


def context_panel_list_for_user(user) -> QuerySet[ContextPanel]:
    return (
        context_panels_visible_to(user)
        .select_related("chair")
        .annotate(item_count=Count("items", filter=Q(items__withdrawn_at__isnull=True), distinct=True))
        .order_by("-meets_at", "-id")
    )


def context_panel_get_for_user(user, pk: int) -> ContextPanel:
    """One context panel with its chair, agencies and members, or 404 (missing and forbidden alike)."""
    return get_object_or_404(
        context_panels_visible_to(user)
        .select_related("chair", "minutes_finalised_by")
        .prefetch_related("agencies", "members"),
        pk=pk,
    )


def context_panel_latest() -> ContextPanel | None:
    return ContextPanel.objects.order_by("-meets_at").first()


_ITEM_RELATED = ("node__place", "node__peer_group", "presenting_agency", "decided_by", "panel")


def context_items(panel: ContextPanel, *, include_withdrawn: bool = False) -> list[ContextPanelItem]:
    """The agenda of a panel (the contexts on it are not children: everyone who sees the panel sees
    its agenda), each with its actions (`actions_agreed`): two queries whatever its length."""
    items = ContextPanelItem.objects.filter(panel=panel).select_related(*_ITEM_RELATED)
    if not include_withdrawn:
        items = items.filter(withdrawn_at__isnull=True)
    actions = ContextPanelAction.objects.select_related("action__owner_agency", "action__owner").order_by(
        "action__due_on", "action__id"
    )
    return list(items.prefetch_related(Prefetch("actions", queryset=actions, to_attr="actions_agreed")))


def context_item_get_for_user(user, pk: int, item_pk: int) -> ContextPanelItem:
    """One item of a panel the user may see, or 404."""
    panel = context_panel_get_for_user(user, pk)
    actions = ContextPanelAction.objects.select_related("action__owner_agency", "action__owner").order_by(
        "action__due_on", "action__id"
    )
    item = get_object_or_404(
        ContextPanelItem.objects.select_related(*_ITEM_RELATED, "added_by").prefetch_related(
            Prefetch("actions", queryset=actions, to_attr="actions_agreed")
        ),
        panel=panel,
        pk=item_pk,
    )
    item.panel = panel
    return item


def context_attendance(panel: ContextPanel) -> list[ContextPanelAttendance]:
    return list(ContextPanelAttendance.objects.filter(panel=panel).select_related("agency").order_by("agency__name"))


# --- The contexts ------------------------------------------------------------------------------


def context_of(node: Node):
    """The place or peer group a node stands for (loaded with the node)."""
    return node.place if node.kind == NodeKind.PLACE else node.peer_group


def children_through_context(user, node: Node) -> list:
    """The children linked to a context (directly, or through one of their cases) that `user` may
    see through the network: none for a reader who may not read it; never a restricted child not
    naming them, nor a case they may not open. One query."""
    links = selectors.with_ends(selectors.links_visible_to(user).filter(Q(a=node) | Q(b=node)))
    seen, children = set(), []
    for link in links:
        other = link.b if link.a_id == node.pk else link.a
        child = (
            other.child if other.kind == NodeKind.CHILD else (other.case.child if other.kind == NodeKind.CASE else None)
        )
        if child is not None and child.pk not in seen:
            seen.add(child.pk)
            children.append(child)
    return sorted(children, key=lambda child: (child.last_name, child.first_name, child.pk))


def contexts_matching(user, text: str) -> list[tuple[str, str]]:
    """Places and peer groups in use whose name, address or postcode holds `text`, as choices for
    the agenda (value `place-<id>` or `peer_group-<id>`): at most SEARCH_LIMIT of each."""
    text = (text or "").strip()
    if len(text) < 2:
        return []
    places = (
        selectors.places_visible_to(user)
        .filter(status=NetworkStatus.ACTIVE)
        .filter(Q(name__icontains=text) | Q(address__icontains=text) | Q(postcode__icontains=text))
        .order_by("name", "id")[:SEARCH_LIMIT]
    )
    groups = (
        selectors.peer_groups_visible_to(user)
        .filter(status=NetworkStatus.ACTIVE, name__icontains=text)
        .order_by("name", "id")[:SEARCH_LIMIT]
    )
    found = [
        (f"place-{place.pk}", f"{place.name or place.get_kind_display()} ({place.get_kind_display()})")
        for place in places
    ]
    found += [(f"peer_group-{group.pk}", f"{group.name} (peer group)") for group in groups]
    return found


def context_from_choice(user, value: str):
    """The place or peer group a choice of `contexts_matching` names, if the user may see it."""
    kind, _, number = (value or "").partition("-")
    if not number.isdigit():
        return None
    model = {"place": Place, "peer_group": PeerGroup}.get(kind)
    if model is None:
        return None
    records = selectors.places_visible_to(user) if model is Place else selectors.peer_groups_visible_to(user)
    return records.filter(pk=int(number), status=NetworkStatus.ACTIVE).first()


# --- Pickers ------------------------------------------------------------------------------------


def context_panel_chair_choices() -> QuerySet:
    return core_selectors.staff_who_can_hold(permission=CHAIR_CONTEXT_PANEL)


def context_panel_member_choices() -> QuerySet:
    """Partners of every agency and panel members who can sign in."""
    return core_selectors.staff_who_can_hold(roles=MEMBER_ROLES)


def context_panels_open_for(user, *, now: dt.datetime | None = None) -> QuerySet[ContextPanel]:
    """The open panels a member is invited to (their work tray)."""
    return ContextPanel.objects.filter(status=PanelStatus.OPEN, members=user).order_by("meets_at")


# --- What is due at a panel (contexts' assessments and plans, network.models.contexts) -----------

DUE_LIMIT = 50


def context_agenda_due(panel: ContextPanel) -> list[tuple[str, str]]:
    """The contexts due at this panel, as choices for its agenda (most overdue first, at most
    DUE_LIMIT): an assessment in draft due by the panel's day, an assessment completed and not yet
    taken to a context panel since, and an open plan whose review is due by the panel's day; never a
    context already on this agenda, nor one no longer in use. Three queries."""
    day = timezone.localtime(panel.meets_at).date()
    listed = ContextPanelItem.objects.filter(panel=panel, withdrawn_at__isnull=True).values("node_id")
    taken_since = ContextPanelItem.objects.filter(
        node_id=OuterRef("node_id"), withdrawn_at__isnull=True, panel__meets_at__gte=OuterRef("completed_at")
    )
    related = ("node__place", "node__peer_group")
    drafts = ContextAssessment.objects.filter(status=ContextAssessmentStatus.DRAFT, due_on__lte=day)
    complete = ContextAssessment.objects.filter(status=ContextAssessmentStatus.COMPLETE).exclude(Exists(taken_since))
    assessments = (
        (drafts | complete).exclude(node_id__in=listed).select_related(*related).order_by("due_on", "id")[:DUE_LIMIT]
    )
    plans = (
        ContextPlan.objects.filter(status=ContextPlanStatus.OPEN, next_review_on__lte=day)
        .exclude(node_id__in=listed)
        .select_related(*related)
        .order_by("next_review_on", "id")[:DUE_LIMIT]
    )
    due, seen = [], set()
    rows = [(a.due_on, a.node, f"{a.get_kind_display()} {'due' if a.is_draft else 'completed'}") for a in assessments]
    rows += [(p.next_review_on, p.node, "plan review due") for p in plans]
    for when, node, why in sorted(rows, key=lambda row: row[0]):
        context = context_of(node)
        if node.pk in seen or context is None or context.status != NetworkStatus.ACTIVE:
            continue
        seen.add(node.pk)
        field = "place" if node.kind == NodeKind.PLACE else "peer_group"
        name = getattr(context, "name", "") or str(context)
        due.append((f"{field}-{context.pk}", f"{name}: {why} {when:%-d %b %Y}"))
    return due[:DUE_LIMIT]

"""Links between two things of the network: recording, changing and withdrawing them.

A link to a child with an open CATE case (or to the case itself) is written to the case's
chronology. The chronology never names another child: what it says of the other end is its kind
and, for the network's own records, their name."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cate.choices import LIVE_CASE_STATUSES, ChronologyKind
from cate.models import Case
from cate.selectors import cases_visible_to
from cate.services.chronology import chronology_record
from contacts.visibility import children_visible_to
from core import audit
from core.clock import local_date
from core.concurrency import check_version

from ..choices import Confidence, LinkKind, LinkSource, LinkStatus, NetworkStatus, NodeKind
from ..models import Link, Node
from ..permissions import require_record_network
from ._common import node_for, refuse


def _visible_end(actor, obj) -> bool:
    label = obj._meta.label
    if label == "contacts.Child":
        return children_visible_to(actor).filter(pk=obj.pk).exists()
    if label == "cate.Case":
        return cases_visible_to(actor).filter(pk=obj.pk).exists()
    if obj.status != NetworkStatus.ACTIVE:
        return False
    if label == "network.Person" and obj.child_id:
        return children_visible_to(actor).filter(pk=obj.child_id).exists()
    return True


def link_problems(*, a, b, kind, first_seen, last_seen, today: dt.date) -> dict:
    errors: dict[str, list[str]] = {}
    if a is None:
        errors.setdefault("a", []).append("Select what the link is from")
    if b is None:
        errors.setdefault("b", []).append("Select what the link is to")
    if a is not None and b is not None and a._meta.label == b._meta.label and a.pk == b.pk:
        errors.setdefault("b", []).append("A link needs two different things")
    if kind not in LinkKind.values:
        errors.setdefault("kind", []).append("Select the kind of link")
    if first_seen and first_seen > today:
        errors.setdefault("first_seen", []).append("The date first seen must be today or in the past")
    if last_seen and last_seen > today:
        errors.setdefault("last_seen", []).append("The date last seen must be today or in the past")
    if first_seen and last_seen and last_seen < first_seen:
        errors.setdefault("last_seen", []).append("The date last seen must be the same as or after the date first seen")
    return errors


def link_add(
    *,
    actor,
    a,
    b,
    kind: str,
    source: str = LinkSource.CASEWORK,
    source_record: int | None = None,
    relationship: str = "",
    reported_by: str = "",
    first_seen: dt.date | None = None,
    last_seen: dt.date | None = None,
    confidence: str = Confidence.REPORTED,
    notes: str = "",
) -> Link:
    """Link two things (children, cases, persons, places, vehicles, identifiers, peer groups) the
    actor may see. The same two things linked the same way again are refused (change the link)."""
    require_record_network(actor)
    refuse(
        link_problems(a=a, b=b, kind=kind, first_seen=first_seen, last_seen=last_seen, today=local_date(timezone.now()))
    )
    for end, obj in (("a", a), ("b", b)):
        if not _visible_end(actor, obj):
            raise ValidationError({end: ["Select a record you can see"]})
    with transaction.atomic():
        node_a, node_b = node_for(a), node_for(b)
        same = Link.objects.filter(
            Q(a=node_a, b=node_b) | Q(a=node_b, b=node_a), kind=kind, status=LinkStatus.ACTIVE
        ).select_for_update()
        if same.exists():
            raise ValidationError({"kind": [f"These are already linked as “{LinkKind(kind).label}”: change that link"]})
        link = Link(
            a=node_a,
            b=node_b,
            kind=kind,
            source=source,
            source_record=source_record,
            relationship=relationship,
            reported_by=reported_by,
            first_seen=first_seen,
            last_seen=last_seen or first_seen,
            confidence=confidence,
            notes=notes,
            created_by=actor,
        )
        audit.save(link, actor=actor, reason=f"Link added: {LinkKind(kind).label}")
        _write_chronology(link, actor=actor, verb="added")
    return link


def link_add_to_value(*, actor, a, identifier_kind: str, value: str, **details) -> Link:
    """Link a record to the phone number or e-mail address typed: the one recorded when it is known,
    a new one otherwise, in one transaction (nothing is left half done)."""
    from .records import identifier_find_or_create

    require_record_network(actor)
    with transaction.atomic():
        identifier = identifier_find_or_create(actor=actor, kind=identifier_kind, value=value)
        return link_add(actor=actor, a=a, b=identifier, **details)


def link_update(
    *,
    link: Link,
    actor,
    expected_version: int | None = None,
    relationship: str = "",
    reported_by: str = "",
    first_seen: dt.date | None = None,
    last_seen: dt.date | None = None,
    confidence: str = Confidence.REPORTED,
    notes: str = "",
    offer_sti_screening: bool | None = None,
) -> Link:
    """Change what is known of a link (seen again, surer, a note); its two ends and kind stay.
    `offer_sti_screening` (None: unchanged) on a link of a person of concern and a child asks the
    child's worker to offer STI screening (the `network_sti_screening` alert)."""
    require_record_network(actor)
    with transaction.atomic():
        link = Link.objects.select_for_update().get(pk=link.pk)
        check_version(link, expected_version)
        if link.status != LinkStatus.ACTIVE:
            raise ValidationError("This link was withdrawn: it cannot be changed")
        errors = link_problems(
            a=link.a,
            b=link.b,
            kind=link.kind,
            first_seen=first_seen,
            last_seen=last_seen,
            today=local_date(timezone.now()),
        )
        reason = "Link changed"
        if offer_sti_screening is not None and bool(offer_sti_screening) != link.offer_sti_screening:
            kinds = {link.a.kind, link.b.kind}
            if offer_sti_screening and not (NodeKind.PERSON in kinds and kinds & {NodeKind.CHILD, NodeKind.CASE}):
                errors["offer_sti_screening"] = [
                    "Only a link of a person of concern and a child asks for STI screening"
                ]
            link.offer_sti_screening = bool(offer_sti_screening)
            link.sti_screening_flagged_at = timezone.now() if offer_sti_screening else None
            reason = (
                "STI screening to be offered to the child" if offer_sti_screening else "STI screening no longer asked"
            )
        refuse(errors)
        link.relationship, link.reported_by, link.confidence, link.notes = relationship, reported_by, confidence, notes
        link.first_seen, link.last_seen = first_seen, last_seen or first_seen
        audit.save_change(link, actor=actor, reason=reason)
    return link


def link_withdraw(*, link: Link, actor, reason: str, expected_version: int | None = None) -> Link:
    """A link entered in error: kept with the reason, no longer part of the network."""
    require_record_network(actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Enter why the link is withdrawn"]})
    with transaction.atomic():
        link = Link.objects.select_for_update().get(pk=link.pk)
        check_version(link, expected_version)
        if link.status != LinkStatus.ACTIVE:
            raise ValidationError("This link was already withdrawn")
        link.status = LinkStatus.WITHDRAWN
        link.withdrawn_reason = reason.strip()
        link.withdrawn_at = timezone.now()
        link.withdrawn_by = actor
        audit.save_change(link, actor=actor, reason=f"Link withdrawn: {reason.strip()}"[:100])
        _write_chronology(link, actor=actor, verb="withdrawn")
    return link


def _described(node: Node) -> str:
    """The other end of a link as a case chronology may name it: never another child's name."""
    if node.kind in (NodeKind.CHILD, NodeKind.CASE):
        return "another child in the index"
    return f"{node.get_kind_display().lower()} {node.target}"


def _write_chronology(link: Link, *, actor, verb: str) -> None:
    nodes = Node.objects.select_related(*Node.FIELD_OF_KIND.values()).in_bulk([link.a_id, link.b_id])
    for this, other in ((nodes[link.a_id], nodes[link.b_id]), (nodes[link.b_id], nodes[link.a_id])):
        if this.kind == NodeKind.CHILD:
            cases = Case.objects.filter(child_id=this.child_id, status__in=LIVE_CASE_STATUSES)
        elif this.kind == NodeKind.CASE:
            cases = Case.objects.filter(pk=this.case_id, status__in=LIVE_CASE_STATUSES)
        else:
            continue
        summary = f"Network link {verb}: {link.get_kind_display().lower()} {_described(other)}"
        for case in cases:
            chronology_record(
                case=case, kind=ChronologyKind.NETWORK, summary=summary, actor=actor, detail=link.notes[:2000]
            )

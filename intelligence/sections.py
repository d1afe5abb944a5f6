"""What intelligence adds to other apps' pages (core.contract): the intelligence about a child and the
disruption around it on the child's and the case's pages, each piece in the version the reader may
read (the sanitised one unless they may read the original); the disruption of a person, place or
vehicle on its network page. Each section makes the same few queries whatever the records, and shows
nothing to a reader of neither intelligence nor the network."""

from __future__ import annotations

from django.urls import reverse

from core.contract import Section

from . import selectors
from .permissions import audiences_of, can_record_disruption, is_reviewer

LIMIT = 5
_TARGET_KINDS = {"network.Person": "person", "network.Place": "place", "network.Vehicle": "vehicle"}


def _child_context(child, user) -> dict | None:
    reads_intelligence = is_reviewer(user) or bool(audiences_of(user))
    reports = list(selectors.reports_about_child(user, child)[: LIMIT + 1]) if reads_intelligence else []
    disruptions = selectors.disruptions_around_child(user, child) if selectors.can_read_disruptions(user) else []
    if not reports and not disruptions:
        return None
    return {
        "rows": selectors.report_rows(user, reports[:LIMIT]),
        "more": len(reports) > LIMIT,
        "list_url": reverse("intelligence:child_reports", args=[child.pk]),
        "disruptions": disruptions,
    }


def child_section(child, *, user) -> Section | None:
    context = _child_context(child, user)
    return Section("Intelligence and disruption", "intelligence/sections/child.html", context) if context else None


def case_section(case, *, user) -> Section | None:
    context = _child_context(case.child, user)
    return Section("Intelligence and disruption", "intelligence/sections/child.html", context) if context else None


def record_section(record, *, user) -> Section | None:
    """The disruption of a person, place or vehicle, and the way to plan one."""
    kind = _TARGET_KINDS.get(record._meta.label)
    if kind is None or not selectors.can_read_disruptions(user):
        return None
    can_plan = can_record_disruption(user) and record.status == "active"
    context = {
        "disruptions": selectors.disruptions_of(user, record),
        "add_url": reverse("intelligence:disruption_add", args=[kind, record.pk]) if can_plan else "",
    }
    return Section("Disruption", "intelligence/sections/record.html", context)

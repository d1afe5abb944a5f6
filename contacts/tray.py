"""The front door's parts of the work tray on the home page (core.contract `work_tray`).

An advisor sees the contacts they logged, by status, and the anonymous form's submissions waiting;
a screener the screening queue with its clocks; a Family Connect manager the front door's overdue
decisions, the possible duplicates and what escalates to them; a partner their agency's enquiries
awaiting an answer. Each count reads the queryset of the list it links to, filtered the same way.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from core.contract import TrayCount, TraySection
from core.roles import Role, has_role
from core.selectors import service_settings

from . import duplicate_selectors, review_selectors, selectors
from .choices import ContactStatus
from .permissions import is_partner


def _url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}" if params else reverse(name)


def advisor_section(user, *, now: datetime) -> TraySection:
    mine = selectors.contact_list_for_user(user, recorded_by=user).order_by()
    by_status = dict(mine.values_list("status").annotate(n=Count("pk")))
    waiting = selectors.QueueFilters(origin="anonymous")
    anonymous = selectors.screening_queue(user, now=now, settings=service_settings(), filters=waiting).count()
    counts = [
        TrayCount(
            f"Contacts you logged: {label.lower()}",
            by_status[status],
            _url("contacts:contact_list", recorded="me", status=status),
        )
        for status, label in ContactStatus.choices
        if by_status.get(status)
    ]
    return TraySection(
        "Contacts you logged",
        (
            *counts,
            TrayCount(
                "Anonymous form submissions waiting for a decision",
                anonymous,
                _url("contacts:queue", origin="anonymous"),
            ),
        ),
        order=10,
    )


def screener_section(user, *, now: datetime) -> TraySection:
    counts = selectors.screening_queue_counts(user, now=now)
    queue = "contacts:queue"
    return TraySection(
        "Screening queue",
        (
            TrayCount("Contacts waiting for a decision", counts["total"], _url(queue)),
            TrayCount("Decisions overdue", counts["overdue"], _url(queue, due="overdue"), urgent=True),
            TrayCount("Decisions due soon", counts["due_soon"], _url(queue, due="due_soon")),
            TrayCount("Not assigned to anyone", counts["unassigned"], _url(queue, assigned="unassigned")),
            TrayCount("Assigned to you", counts["mine"], _url(queue, assigned="me")),
        ),
        order=11,
    )


def manager_section(user, *, now: datetime) -> TraySection:
    overdue = selectors.screening_queue_counts(user, now=now)["overdue"]
    duplicates = duplicate_selectors.possible_duplicate_list_for_user(user, state="open").count()
    follow_ups = selectors.overdue_follow_up_count(user, now=now)
    answers = selectors.mace_request_list_for_user(user, state="overdue").count()
    return TraySection(
        "The front door",
        (
            TrayCount("Decisions overdue", overdue, _url("contacts:queue", due="overdue"), urgent=True),
            TrayCount("Possible duplicate children to resolve", duplicates, _url("contacts:duplicate_list")),
            TrayCount(
                "Child records sharing a name to review",
                review_selectors.same_name_set_list_for_user(user, state="open").count(),
                _url("contacts:same_name_set_list", state="open"),
            ),
            TrayCount(
                "Escalated: enquiries with an agency's answer overdue",
                answers,
                _url("contacts:mace_list", state="overdue"),
                urgent=True,
            ),
            TrayCount(
                "Escalated: early-help follow-ups overdue",
                follow_ups,
                _url("contacts:follow_up_list", state="overdue"),
                urgent=True,
            ),
        ),
        order=12,
    )


def partner_section(user, *, now: datetime) -> TraySection:
    awaiting = selectors.mace_request_list_for_user(user, state="awaiting").count()
    return TraySection(
        f"{user.agency}: multi-agency child enquiries" if user.agency_id else "Multi-agency child enquiries",
        (TrayCount("Enquiries awaiting your agency's answer", awaiting, _url("contacts:mace_list", state="awaiting")),),
        order=13,
    )


def advisor_review_section(user, *, now: datetime) -> TraySection:
    waiting = review_selectors.threshold_review_list_for_user(user, state="open").count()
    return TraySection(
        "Safeguarding advisors",
        (
            TrayCount(
                "Complex and Acute contacts to review",
                waiting,
                _url("contacts:threshold_review_list", state="open"),
                urgent=True,
            ),
        ),
        order=14,
    )


def work_tray(user, *, now: datetime) -> list[TraySection]:
    sections = []
    if review_selectors.is_safeguarding_advisor(user):
        sections.append(advisor_review_section(user, now=now))
    if has_role(user, Role.ADVISOR):
        sections.append(advisor_section(user, now=now))
    if has_role(user, Role.SCREENER):
        sections.append(screener_section(user, now=now))
    if has_role(user, Role.FC_MANAGER):
        sections.append(manager_section(user, now=now))
    if has_role(user, Role.PARTNER) and is_partner(user):
        sections.append(partner_section(user, now=now))
    return sections

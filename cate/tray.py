"""CATE's parts of the work tray on the home page (core.contract `work_tray`).

A CATE worker sees their cases and what is due or overdue on them; a team leader the referrals nobody has
taken, the cases nobody holds, the case holders past the caseload limit and what is overdue across
the team. Each count is one aggregate over the same queryset as the list it links to, filtered the
same way, so the count is what the list shows.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from core.clock import DueState
from core.contract import PageAction, TrayCount, TraySection
from core.roles import Role, has_role
from core.selectors import service_settings

from . import caseload_weights, oversight_selectors, selectors
from .choices import LIVE_CASE_STATUSES, ReferralStatus


def case_list_url(**params) -> str:
    return f"{reverse('cate:case_list')}?{urlencode(params)}"


def _due_counts(cases, *, now: datetime, keys: tuple[str, ...]) -> dict[str, int]:
    return cases.aggregate(
        **{key: Count("pk", filter=Q(selectors.CASE_DUE_FILTERS[key][1](now))) for key in keys},
        held=Count("pk", filter=Q(status__in=LIVE_CASE_STATUSES)),
    )


def worker_section(user, *, now: datetime) -> TraySection:
    mine = selectors.cases_visible_to(user).filter(allocated_worker=user)
    counts = _due_counts(mine, now=now, keys=("visit", "visit_soon", "rhi", "rhi_soon"))
    settings = service_settings()
    load = caseload_weights.load_of(user, settings)
    weighted = f"Your caseload weighted by risk: {load.weighted_text} of {settings['caseload_limit']}"
    return TraySection(
        "Your cases",
        (
            TrayCount("Cases you hold", counts["held"], reverse("cate:my_caseload")),
            TrayCount(
                "Visits overdue",
                counts["visit"],
                case_list_url(view="all", worker=user.pk, due="visit"),
                urgent=True,
            ),
            TrayCount(
                "Visits due within a day",
                counts["visit_soon"],
                case_list_url(view="all", worker=user.pk, due="visit_soon"),
            ),
            TrayCount(
                "Return home interviews overdue",
                counts["rhi"],
                case_list_url(view="all", worker=user.pk, due="rhi"),
                urgent=True,
            ),
            TrayCount(
                "Return home interviews due soon",
                counts["rhi_soon"],
                case_list_url(view="all", worker=user.pk, due="rhi_soon"),
            ),
        ),
        links=(PageAction(weighted, reverse("cate:my_caseload")),),
        order=20,
    )


def team_section(user, *, now: datetime) -> TraySection:
    cases = selectors.cases_visible_to(user)
    counts = _due_counts(cases, now=now, keys=("allocation", "visit", "rhi"))
    unallocated = cases.filter(selectors.CASE_LIST_VIEWS["unallocated"][1]()).count()
    waiting = selectors.referral_queue(user, status=ReferralStatus.AWAITING_ASSESSMENT).count()
    settings = service_settings()
    limit = settings["caseload_limit"]
    return TraySection(
        "Your team",
        (
            TrayCount(
                "Referrals no one has taken to assess",
                waiting,
                f"{reverse('cate:referral_list')}?status={ReferralStatus.AWAITING_ASSESSMENT}",
            ),
            TrayCount("Cases not allocated", unallocated, case_list_url(view="unallocated")),
            TrayCount(
                "Allocations overdue", counts["allocation"], case_list_url(view="all", due="allocation"), urgent=True
            ),
            TrayCount(
                f"Case holders past the caseload limit of {limit}",
                selectors.case_holders_past_limit_count(limit, settings),
                f"{reverse('cate:caseload_list')}?over=limit",
                urgent=True,
            ),
            TrayCount("Visits overdue", counts["visit"], case_list_url(view="all", due="visit"), urgent=True),
            TrayCount(
                "Return home interviews overdue", counts["rhi"], case_list_url(view="all", due="rhi"), urgent=True
            ),
        ),
        order=25,
    )


def oversight_section(user, *, now: datetime) -> TraySection:
    """A team leader's supervision and audits (issue 24)."""
    settings = service_settings()
    overdue = oversight_selectors.supervision_rows_for_user(user, now=now, settings=settings, state="overdue")
    awaiting = oversight_selectors.audit_items_for_user(user, "awaiting").count()
    return TraySection(
        "Supervision and audits",
        (
            TrayCount(
                "Supervision overdue", len(overdue), f"{reverse('cate:supervision_list')}?state=overdue", urgent=True
            ),
            TrayCount("Audits waiting for your judgement", awaiting, f"{reverse('cate:audit_list')}?state=awaiting"),
        ),
        order=26,
    )


def iro_section(user, *, now: datetime) -> TraySection:
    """The Independent Reviewing Officer's children in care (issue 24)."""
    settings = service_settings()
    rows = oversight_selectors.cic_rows_for_user(user, now=now, settings=settings)
    overdue = sum(1 for row in rows if row.state == DueState.OVERDUE)
    soon = sum(1 for row in rows if row.state == DueState.DUE_SOON)
    url = reverse("cate:cic_review_list")
    return TraySection(
        "Children in care",
        (
            TrayCount("Children in care", len(rows), url),
            TrayCount("CSE risk reviews overdue", overdue, f"{url}?state=overdue", urgent=True),
            TrayCount("CSE risk reviews due soon", soon, f"{url}?state=due_soon"),
        ),
        order=27,
    )


def work_tray(user, *, now: datetime) -> list[TraySection]:
    sections = []
    if has_role(user, Role.CATE_WORKER):
        sections.append(worker_section(user, now=now))
    if has_role(user, Role.TEAM_LEADER):
        sections.append(team_section(user, now=now))
        sections.append(oversight_section(user, now=now))
    if has_role(user, Role.IRO):
        sections.append(iro_section(user, now=now))
    return sections

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

from core.contract import TrayCount, TraySection
from core.roles import Role, has_role
from core.selectors import service_settings

from . import selectors
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
    counts = _due_counts(mine, now=now, keys=("visit", "visit_soon", "rhi", "rhi_soon", "reoffer", "sexual_health"))
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
            TrayCount(
                "Cases with support to offer again",
                counts["reoffer"],
                case_list_url(view="all", worker=user.pk, due="reoffer"),
            ),
            TrayCount(
                "CSE cases needing a sexual health check",
                counts["sexual_health"],
                case_list_url(view="all", worker=user.pk, due="sexual_health"),
            ),
        ),
        order=20,
    )


def team_section(user, *, now: datetime) -> TraySection:
    cases = selectors.cases_visible_to(user)
    counts = _due_counts(cases, now=now, keys=("allocation", "visit", "rhi"))
    unallocated = cases.filter(selectors.CASE_LIST_VIEWS["unallocated"][1]()).count()
    waiting = selectors.referral_queue(user, status=ReferralStatus.AWAITING_ASSESSMENT).count()
    limit = service_settings()["caseload_limit"]
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
                selectors.case_holders_past_limit_count(limit),
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


def work_tray(user, *, now: datetime) -> list[TraySection]:
    sections = []
    if has_role(user, Role.CATE_WORKER):
        sections.append(worker_section(user, now=now))
    if has_role(user, Role.TEAM_LEADER):
        sections.append(team_section(user, now=now))
    return sections

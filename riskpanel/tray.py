"""The risk panel's parts of the work tray on the home page (core.contract `work_tray`).

A CATE worker and a team leader see the multi-agency actions and the panel reviews overdue on the
cases they see (their own, or all); a panel member the panels they are invited to and the papers on
them; a partner their agency's open and overdue actions. Each count reads the queryset of the list it links to.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse

from core import clock
from core.contract import TrayCount, TraySection
from core.roles import Role, has_role

from . import selectors
from .choices import AgencyActionsShown
from .models import AgendaItem


def _url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}" if params else reverse(name)


def casework_counts(user, *, now: datetime) -> tuple[TrayCount, ...]:
    today = clock.local_date(now)
    actions = selectors.action_list_for_user(user, overdue_on=today).count()
    reviews = selectors.case_list_for_user(user, review_overdue_on=today).count()
    return (
        TrayCount("Risk panel reviews overdue", reviews, _url("riskpanel:case_list", review="overdue"), urgent=True),
        TrayCount("Multi-agency actions overdue", actions, _url("riskpanel:action_list", overdue="on"), urgent=True),
    )


def panel_member_section(user) -> TraySection:
    panels = selectors.panels_visible_to(user)
    papers = AgendaItem.objects.filter(meeting__in=panels.values("pk"), withdrawn_at__isnull=True).count()
    return TraySection(
        "Risk panels",
        (
            TrayCount("Panels you are invited to", panels.count(), reverse("riskpanel:panel_list")),
            TrayCount("Papers of the children on them", papers, reverse("riskpanel:panel_list")),
        ),
        order=30,
    )


def partner_section(user, *, now: datetime) -> TraySection:
    """The partner's open and overdue actions, counted as their own list (riskpanel:partner_actions)
    counts them."""
    counts = selectors.partner_action_counts(user, today=clock.local_date(now))
    return TraySection(
        "Your agency's actions",
        (
            TrayCount(
                "Open multi-agency actions your agency owns",
                counts[AgencyActionsShown.OPEN],
                _url("riskpanel:partner_actions", show=AgencyActionsShown.OPEN),
            ),
            TrayCount(
                "Overdue actions your agency owns",
                counts[AgencyActionsShown.OVERDUE],
                _url("riskpanel:partner_actions", show=AgencyActionsShown.OVERDUE),
                urgent=True,
            ),
        ),
        order=14,
    )


def work_tray(user, *, now: datetime) -> list[TraySection]:
    sections = []
    if has_role(user, Role.CATE_WORKER, Role.TEAM_LEADER):
        title = "Your team's risk panel work" if has_role(user, Role.TEAM_LEADER) else "Risk panel work on your cases"
        sections.append(TraySection(title, casework_counts(user, now=now), order=26))
    if has_role(user, Role.PANEL_MEMBER):
        sections.append(panel_member_section(user))
    if has_role(user, Role.PARTNER) and user.agency_id:
        sections.append(partner_section(user, now=now))
    return sections

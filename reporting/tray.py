"""Reporting's part of the work tray on the home page (core.contract `work_tray`): the group
manager's home is the dashboard, with the headline counts that lead into its lists."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from cate.selectors import case_list_for_user
from core import clock
from core.contract import PageAction, TrayCount, TraySection
from core.roles import Role, has_role

from .overdue import KIND_BY_CODE
from .permissions import VIEW_ANNUAL_REPORT


def dashboard_section(user, *, now: datetime) -> TraySection:
    queue = KIND_BY_CODE["front_door_queue"].rows_for(user, now=now, today=clock.local_date(now)).count()
    return TraySection(
        "The service",
        (
            TrayCount(
                "Open CATE cases", case_list_for_user(user, "open").count(), f"{reverse('cate:case_list')}?view=open"
            ),
            TrayCount(
                "Cases not allocated",
                case_list_for_user(user, "unallocated").count(),
                f"{reverse('cate:case_list')}?view=unallocated",
            ),
            TrayCount(
                "Contacts waiting for a decision",
                queue,
                reverse("reporting:item_list", args=["front_door_queue"]),
            ),
        ),
        links=(
            PageAction(
                "Caseload dashboard: caseloads, risk levels and every kind of overdue item", reverse("reporting:index")
            ),
            *(
                (PageAction("Annual report", reverse("reporting:annual_report")),)
                if user.has_perm(VIEW_ANNUAL_REPORT)
                else ()
            ),
        ),
        order=5,
    )


def work_tray(user, *, now: datetime) -> list[TraySection]:
    return [dashboard_section(user, now=now)] if has_role(user, Role.GROUP_MANAGER) else []

"""Intelligence's part of the work tray on the home page (core.contract `work_tray`): the reviewer's
queue (waiting for feedback, overdue, due for review), counted in one query by the queue's own
filters; and, for everyone else with an account, the way to submit intelligence."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from core import clock
from core.contract import PageAction, TrayCount, TraySection
from core.roles import Role, has_role

from . import selectors


def work_tray(user, *, now: datetime) -> list[TraySection]:
    if not has_role(user, Role.INTELLIGENCE_REVIEWER):
        return []
    counts = selectors.queue_counts(user, now=now, today=clock.local_date(now))
    queue = reverse("intelligence:queue")
    return [
        TraySection(
            "Intelligence to review",
            (
                TrayCount("Waiting for feedback", counts["open"], queue),
                TrayCount("Overdue for feedback", counts["overdue"], f"{queue}?show=overdue", urgent=True),
                TrayCount("Due for review", counts["review_due"], f"{queue}?show=review_due"),
            ),
            links=(
                PageAction("Disruption register", reverse("intelligence:disruption_list")),
                PageAction("Submit intelligence", reverse("intelligence:report_submit")),
            ),
            order=8,
        )
    ]

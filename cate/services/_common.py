"""Helpers the CATE services share (private to the package)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Max, Min
from django.utils import timezone

from contacts.services import child_set_cate_markers
from core import audit, clock
from core.selectors import ServiceSettings, service_settings
from core.workflow import transition

from .. import rules
from ..choices import ALLOWED_REFERRAL_TRANSITIONS, VISIT_KINDS_SEEING_THE_CHILD, CaseStatus
from ..models import Case, Referral

CASE_CLOSED = "This case is closed. It must be reopened before anything more is recorded on it."


def require_live(case: Case) -> None:
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(CASE_CLOSED)


def lock_case(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("child").get(pk=case.pk)


def future_errors(*checks: tuple[str, str, object]) -> dict[str, str]:
    """Every date or moment among `checks` ((field, label, value), value None when not given) that
    lies in the future, by field, so that a service names them with its other errors at once."""
    errors = {}
    for field, label, value in checks:
        if value is None:
            continue
        if isinstance(value, dt.datetime):
            if value > timezone.now() + dt.timedelta(minutes=5):
                errors[field] = f"{label} must be in the past"
        elif value > timezone.localdate():
            errors[field] = f"{label} must be today or in the past"
    return errors


def not_in_future(value, label: str, field: str) -> None:
    errors = future_errors((field, label, value))
    if errors:
        raise ValidationError(errors)


def day_start(day: dt.date) -> dt.datetime:
    return clock.start_of_local_day(day).astimezone(clock.UTC)


def next_visit_due(case: Case, settings: ServiceSettings) -> dt.datetime | None:
    """When the next visit is due: from the last time the child was seen in this opening (or the
    first allocation of this opening) at the frequency of the case's current risk level."""
    if case.status == CaseStatus.CLOSED or case.allocated_worker_id is None:
        return None
    since = case.live_since
    allocated_at = case.allocations.filter(started_at__gte=since).aggregate(first=Min("started_at"))["first"]
    last_seen = case.visits.filter(kind__in=VISIT_KINDS_SEEING_THE_CHILD, visited_at__gte=since).aggregate(
        last=Max("visited_at")
    )["last"]
    return rules.next_visit_due(
        last_seen_at=last_seen,
        allocated_at=allocated_at,
        frequency=rules.visit_frequency(case.current_risk_level, settings),
    )


def refresh_next_visit_due(case: Case, *, actor, reason: str, settings: ServiceSettings | None = None) -> None:
    """Store the next visit's due time on the (locked) case when it has moved."""
    due = next_visit_due(case, settings or service_settings())
    if due != case.next_visit_due_at:
        case.next_visit_due_at = due
        audit.save_change(case, actor=actor, reason=reason, fields=["next_visit_due_at"])


def set_child_markers(case: Case, *, actor, reason: str) -> None:
    """The child's record says whether they are open to CATE, and keeps "previously known" for good."""
    child = case.child
    if case.status == CaseStatus.CLOSED:
        open_to_cate, previously_known = False, True
    else:
        open_to_cate = case.is_open_to_cate
        previously_known = child.previously_known_to_cate or bool(case.last_reopened_at)
    child_set_cate_markers(
        child=child, open_to_cate=open_to_cate, previously_known=previously_known, actor=actor, reason=reason
    )


def set_referral_status(referral: Referral, status: str, *, actor, reason: str) -> None:
    transition(referral.status, status, ALLOWED_REFERRAL_TRANSITIONS, "referral")
    referral.status = status
    audit.save_change(referral, actor=actor, reason=reason, fields=["status"])

"""Every read of intelligence and disruption, permission-filtered (issue 20).

A reviewer reads every submission; a partner reads what was shared with them (the police, Family
Connect, or the CATE worker of a linked child, who may open that child's case); the submitter reads
their own submissions through their own view only. A restricted child never shows to anyone not
named on it: a submission matched to one is cut from every partner's list, and the match itself
from every reviewer's view. A disruption is read by those who record disruption, the readers of the
network and the lead agency's partners."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from cate.choices import CaseStatus
from cate.selectors import cases_visible_to
from contacts.visibility import children_visible_to, hidden_children
from network.permissions import can_read_network
from network.selectors import hidden_node_condition, links_visible_to, node_of, records_to_link

from .choices import Audience, DisruptionStatus, IntelligenceStatus, SubjectKind
from .models import Disruption, IntelligenceReport, IntelligenceShare, IntelligenceSubject
from .permissions import audiences_of, can_record_disruption, is_reviewer, reads_original

# --- Intelligence ------------------------------------------------------------------------------


def _live_subjects(**filters) -> QuerySet[IntelligenceSubject]:
    return IntelligenceSubject.objects.filter(removed_at__isnull=True, **filters)


def reports_visible_to(user) -> QuerySet[IntelligenceReport]:
    """The submissions `user` reads as a reviewer or a partner it was shared with (not their own view)."""
    if not getattr(user, "is_authenticated", False):
        return IntelligenceReport.objects.none()
    if is_reviewer(user):
        return IntelligenceReport.objects.all()
    audiences = audiences_of(user)
    if not audiences:
        return IntelligenceReport.objects.none()
    shared = Q(shares__audience__in=[a for a in audiences if a != Audience.CATE])
    if Audience.CATE in audiences:
        children = cases_visible_to(user).filter(status__in=(CaseStatus.OPEN, CaseStatus.CLOSURE_PROPOSED))
        shared |= Q(
            Exists(IntelligenceShare.objects.filter(report=OuterRef("pk"), audience=Audience.CATE)),
            Exists(_live_subjects(report=OuterRef("pk"), child__in=children.values("child_id"))),
        )
    hidden = _live_subjects(report=OuterRef("pk"), child__in=hidden_children(user).values("pk"))
    ids = IntelligenceReport.objects.filter(shared).values("pk")
    return IntelligenceReport.objects.filter(pk__in=ids).exclude(Exists(hidden))


def report_get_for_user(user, pk: int) -> IntelligenceReport:
    return get_object_or_404(reports_visible_to(user).select_related("submitted_by", "reviewer", "feedback_by"), pk=pk)


def shares_of(report) -> list[IntelligenceShare]:
    return list(report.shares.select_related("shared_by"))


def shared_with(report) -> frozenset[str]:
    return frozenset(report.shares.values_list("audience", flat=True))


def own_reports(user) -> QuerySet[IntelligenceReport]:
    """What `user` submitted, newest first (their own view)."""
    if not getattr(user, "is_authenticated", False):
        return IntelligenceReport.objects.none()
    return IntelligenceReport.objects.filter(submitted_by=user).order_by("-submitted_at", "-id")


def own_report_get(user, pk: int) -> IntelligenceReport:
    return get_object_or_404(own_reports(user), pk=pk)


class QueueShow:
    OPEN = "open"
    OVERDUE = "overdue"
    REVIEW_DUE = "review_due"
    ALL = "all"
    CHOICES = (
        (OPEN, "Waiting for feedback"),
        (OVERDUE, "Overdue for feedback"),
        (REVIEW_DUE, "Due for review"),
        (ALL, "All"),
    )


def review_queue(user, *, show: str, now: dt.datetime, today: dt.date, source_type: str = "") -> QuerySet:
    """The reviewer's queue: submissions without feedback (oldest first), those past the feedback
    timescale, those due for review, or all (newest first)."""
    if not is_reviewer(user):
        return IntelligenceReport.objects.none()
    rows = IntelligenceReport.objects.select_related("submitted_by", "reviewer")
    if source_type:
        rows = rows.filter(source_type=source_type)
    if show == QueueShow.OVERDUE:
        return rows.filter(feedback_at__isnull=True, feedback_due_at__lt=now).order_by("feedback_due_at", "id")
    if show == QueueShow.REVIEW_DUE:
        return rows.filter(review_on__lte=today).exclude(status=IntelligenceStatus.CLOSED).order_by("review_on", "id")
    if show == QueueShow.ALL:
        return rows.order_by("-submitted_at", "-id")
    return rows.filter(feedback_at__isnull=True).order_by("feedback_due_at", "id")


def queue_counts(user, *, now: dt.datetime, today: dt.date) -> dict[str, int]:
    """The queue's counts in one query (the same filters as `review_queue`)."""
    from django.db.models import Count

    if not is_reviewer(user):
        return {}
    no_feedback = Q(feedback_at__isnull=True)
    return IntelligenceReport.objects.aggregate(
        open=Count("pk", filter=no_feedback),
        overdue=Count("pk", filter=no_feedback & Q(feedback_due_at__lt=now)),
        review_due=Count("pk", filter=Q(review_on__lte=today) & ~Q(status=IntelligenceStatus.CLOSED)),
    )


def subjects_for(user, report) -> list[IntelligenceSubject]:
    """The live matches of a submission the user may see (a restricted child's only to its named staff)."""
    hidden = hidden_node_condition(user)
    from network.models import Node

    hidden_nodes = Node.objects.filter(hidden).values("pk")
    return list(
        _live_subjects(report=report)
        .exclude(node__in=hidden_nodes)
        .select_related("node__child", "node__person", "node__place", "node__vehicle", "node__identifier", "matched_by")
    )


def subject_get(user, report, pk: int) -> IntelligenceSubject:
    for subject in subjects_for(user, report):
        if subject.pk == pk:
            return subject
    raise Http404


def reports_about_child(user, child) -> QuerySet[IntelligenceReport]:
    """The submissions about a child (matched to it) that `user` reads."""
    return (
        reports_visible_to(user)
        .filter(Exists(_live_subjects(report=OuterRef("pk"), child=child)))
        .order_by("-submitted_at", "-id")
    )


@dataclass(frozen=True)
class ReportRow:
    """A submission as one reader may read it: the original, the sanitised version, or neither."""

    report: IntelligenceReport
    original: bool
    text: str


def report_rows(user, reports) -> list[ReportRow]:
    """Each submission in the version `user` may read (the shares read in one query)."""
    reports = list(reports)
    shares = shares_by_report([r.pk for r in reports])
    rows = []
    for report in reports:
        original = reads_original(user, report, shares.get(report.pk, frozenset()))
        rows.append(ReportRow(report, original, report.what_seen if original else report.sanitised))
    return rows


def child_get_for_intelligence(user, pk: int):
    """A child `user` may know of, for a reader of intelligence (a reviewer or a partner it is shared with)."""
    if not (is_reviewer(user) or audiences_of(user)):
        raise Http404
    return get_object_or_404(children_visible_to(user), pk=pk)


def candidates(user, kind: str, text: str) -> list:
    """Children or network records matching a reviewer's search (the network's selectors: what they may see)."""
    if not is_reviewer(user) or kind not in SubjectKind.values:
        return []
    return list(records_to_link(user, kind, text)[:20])


def shares_by_report(reports) -> dict[int, frozenset[str]]:
    """The audiences each of these submissions was shared with (one query)."""
    found: dict[int, set[str]] = {}
    for report_id, audience in IntelligenceShare.objects.filter(report__in=reports).values_list(
        "report_id", "audience"
    ):
        found.setdefault(report_id, set()).add(audience)
    return {key: frozenset(value) for key, value in found.items()}


# --- Disruption --------------------------------------------------------------------------------


def can_read_disruptions(user) -> bool:
    return getattr(user, "is_authenticated", False) and (
        can_record_disruption(user) or is_reviewer(user) or can_read_network(user)
    )


def report_for_disruption(user, value) -> IntelligenceReport | None:
    """The submission a disruption is planned from (`?report=`), when the reviewer reads it."""
    from core.pages import record_id

    pk = record_id(value)
    if pk is None or not is_reviewer(user):
        return None
    return reports_visible_to(user).filter(pk=pk).first()


def disruptions_visible_to(user) -> QuerySet[Disruption]:
    if not getattr(user, "is_authenticated", False):
        return Disruption.objects.none()
    if not can_read_disruptions(user):
        return Disruption.objects.none()
    rows = Disruption.objects.all()
    from network.models import Node

    return rows.exclude(target__in=Node.objects.filter(hidden_node_condition(user)).values("pk"))


def _with_target(rows: QuerySet[Disruption]) -> QuerySet[Disruption]:
    return rows.select_related(
        "target__person", "target__place", "target__vehicle", "lead_agency", "owner", "agreed_by", "action"
    )


def disruption_list_for_user(user, *, status: str = "", tactic: str = "") -> QuerySet[Disruption]:
    rows = disruptions_visible_to(user)
    if status:
        rows = rows.filter(status=status)
    if tactic:
        rows = rows.filter(tactic=tactic)
    return _with_target(rows).order_by("due_on", "id")


def disruptions_of_report(user, report) -> list[Disruption]:
    return list(_with_target(disruptions_visible_to(user).filter(report=report)).order_by("due_on", "id"))


def disruption_get_for_user(user, pk: int) -> Disruption:
    return get_object_or_404(_with_target(disruptions_visible_to(user)).select_related("report", "created_by"), pk=pk)


def disruptions_of(user, obj) -> list[Disruption]:
    """The disruptions against a person, place or vehicle `user` reads."""
    node = node_of(obj)
    if node is None:
        return []
    return list(_with_target(disruptions_visible_to(user).filter(target=node)).order_by("-due_on", "-id"))


def disruptions_around_child(user, child) -> list[Disruption]:
    """Disruptions against the persons, places and vehicles linked to a child (through the network,
    as the reader sees it): one query."""
    if not can_read_network(user):
        return []
    links = links_visible_to(user).filter(Q(a__child=child) | Q(b__child=child))
    rows = disruptions_visible_to(user).filter(Q(target__in=links.values("a")) | Q(target__in=links.values("b")))
    return list(_with_target(rows.exclude(target__child=child)).order_by("-due_on", "-id"))


def open_disruption_statuses() -> tuple[str, ...]:
    return (DisruptionStatus.PLANNED, DisruptionStatus.AWAITING_AGREEMENT, DisruptionStatus.AGREED)

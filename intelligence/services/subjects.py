"""Matching what a submitter wrote to the child index and the network (a reviewer's work: partners
never browse the index), and linking the matched things through the network's own services."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit, clock
from network.choices import LinkSource
from network.services import link_add, node_for

from ..choices import Audience, SubjectKind
from ..models import IntelligenceReport, IntelligenceSubject
from ..permissions import require_review
from .reports import write_to_chronologies

_KIND_OF_MODEL = {
    "contacts.Child": SubjectKind.CHILD,
    "network.Person": SubjectKind.PERSON,
    "network.Place": SubjectKind.PLACE,
    "network.Vehicle": SubjectKind.VEHICLE,
    "network.Identifier": SubjectKind.IDENTIFIER,
}


def subject_match(*, report: IntelligenceReport, actor, record, now: dt.datetime | None = None) -> IntelligenceSubject:
    """Match a submission to a child or a network record the reviewer found (read through the
    network's selectors, so only what they may see). Matched to a child after it was shared with the
    CATE workers, it goes on that child's open case's chronology too."""
    require_review(actor)
    now = now or timezone.now()
    if record is None:
        raise ValidationError({"record": ["Select the record it is about"]})
    kind = _KIND_OF_MODEL.get(record._meta.label)
    if kind is None:
        raise ValidationError({"record": ["Intelligence is matched to children, persons, places, vehicles or numbers"]})
    with transaction.atomic():
        report = IntelligenceReport.objects.select_for_update().get(pk=report.pk)
        node = node_for(record)
        if IntelligenceSubject.objects.filter(report=report, node=node, removed_at__isnull=True).exists():
            raise ValidationError({"record": ["It is already matched to this record"]})
        subject = IntelligenceSubject(
            report=report,
            kind=kind,
            node=node,
            child=record if kind == SubjectKind.CHILD else None,
            matched_by=actor,
            matched_at=now,
        )
        audit.save(subject, actor=actor, reason=f"Matched to a {kind.label.lower()}")
        if kind == SubjectKind.CHILD and report.shares.filter(audience=Audience.CATE).exists():
            from cate.choices import CaseStatus
            from cate.models import Case

            cases = Case.objects.filter(child=record, status__in=(CaseStatus.OPEN, CaseStatus.CLOSURE_PROPOSED))
            write_to_chronologies(report, actor=actor, now=now, cases=cases)
    return subject


def subject_remove(*, subject: IntelligenceSubject, actor, reason: str, now: dt.datetime | None = None) -> None:
    """Take a wrong match off, with a reason (kept, never deleted)."""
    require_review(actor)
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Enter why the match is wrong"]})
    with transaction.atomic():
        subject = IntelligenceSubject.objects.select_for_update().get(pk=subject.pk)
        if subject.removed_at is not None:
            return
        subject.removed_at, subject.removed_by, subject.removed_reason = now or timezone.now(), actor, reason.strip()
        audit.save(subject, actor=actor, reason="Match taken off")


def subjects_link(
    *,
    report: IntelligenceReport,
    actor,
    a: IntelligenceSubject,
    b: IntelligenceSubject,
    kind: str,
    notes: str = "",
    now: dt.datetime | None = None,
):
    """Link two things the submission is about (a child seen in a vehicle, a person at a place) in
    the network, with the submission as its source."""
    require_review(actor)
    now = now or timezone.now()
    for end, subject in (("a", a), ("b", b)):
        if subject is None or subject.report_id != report.pk or subject.removed_at is not None:
            raise ValidationError({end: ["Select one of the records the intelligence is matched to"]})
    seen = clock.local_date(report.seen_at) if report.seen_at else clock.local_date(report.submitted_at)
    return link_add(
        actor=actor,
        a=a.node.target,
        b=b.node.target,
        kind=kind,
        source=LinkSource.INTELLIGENCE,
        source_record=report.pk,
        reported_by=f"Intelligence {report.reference}",
        first_seen=seen,
        last_seen=seen,
        notes=notes,
    )

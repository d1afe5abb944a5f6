"""Generated intelligence and disruption (a part of Generator): submissions from every source type
(0.1 per child, at least one of each type), most graded and matched to a person, place or child of
the generated network, many answered with feedback (some late, some still waiting), a few shared; and
disruptions against the busiest persons and places, each an action of its lead agency."""

from __future__ import annotations

import datetime as dt

from core import clock
from intelligence.choices import (
    Audience,
    DisruptionStatus,
    HandlingCode,
    IntelligenceAssessment,
    IntelligenceStatus,
    Outcome,
    SourceEvaluation,
    SourceType,
    SubjectKind,
    Tactic,
)
from intelligence.models import Disruption, IntelligenceReport, IntelligenceShare, IntelligenceSubject
from network.choices import NodeKind
from network.models import Node
from riskpanel.choices import ActionStatus
from riskpanel.models import Action

from .vocabulary import POSTCODES

INTELLIGENCE_PER_CHILD = 0.1
DISRUPTIONS_PER_PERSON = 0.05
WHAT_SEEN = (
    "Two girls got into a grey saloon outside the takeaway late at night",
    "A boy in school uniform was handing over small packages at the bus station",
    "An older man buys food and vapes for a group of young people in the park",
    "A young person was collected from the hotel by a private hire car at 2am",
    "Several children leave a flat at odd hours with new phones and clothes",
)
SUBJECT_KINDS = {
    NodeKind.PERSON: SubjectKind.PERSON,
    NodeKind.PLACE: SubjectKind.PLACE,
    NodeKind.VEHICLE: SubjectKind.VEHICLE,
    NodeKind.CHILD: SubjectKind.CHILD,
}


class IntelligenceMixin:
    """Intelligence and disruption of the generated records (a part of Generator)."""

    def intelligence(self) -> None:
        rng = self.rng
        submitters = self.partners + self.workers + self.screeners + self.advisors or [self.actor]
        reviewers = self.by_role.get(self.intelligence_role, []) or self.leaders or [self.actor]
        nodes = list(
            Node.objects.filter(kind__in=list(SUBJECT_KINDS)).values_list("pk", "kind", "child_id").order_by("pk")
        )
        count = max(len(SourceType), round(self.scale.children * INTELLIGENCE_PER_CHILD))
        reports, dates, feedback_dates = [], [], []
        for index in range(count):
            source = (
                list(SourceType)[index % len(SourceType)] if index < len(SourceType) else rng.choice(list(SourceType))
            )
            at = self.moment(self.start, self.now)
            due = clock.add_working_days(at, 10)
            report = IntelligenceReport(
                reference=f"INT-{clock.local_date(at).year}-{index + 1:05d}-{self.tag}"[:20],
                submitted_by=rng.choice(submitters),
                submitted_at=at,
                source_type=source,
                seen_at=at - dt.timedelta(hours=rng.randint(1, 72)),
                seen_where=f"Near {rng.choice(POSTCODES)}",
                what_seen=rng.choice(WHAT_SEEN),
                about_children="A girl of about 14" if rng.random() < 0.6 else "",
                about_adults="A man in his twenties" if rng.random() < 0.5 else "",
                feedback_due_at=due,
            )
            waiting = at > self.now - dt.timedelta(days=20) and rng.random() < 0.5
            if not waiting:
                reviewer = rng.choice(reviewers)
                report.reviewer = reviewer
                report.source_evaluation = rng.choice(SourceEvaluation.values)
                report.assessment = rng.choice(IntelligenceAssessment.values)
                report.handling_code = HandlingCode.P if rng.random() < 0.8 else HandlingCode.C
                if report.handling_code == HandlingCode.C:
                    report.conditions = "Police only: not to be disclosed to the subject"
                    report.original_readers = [Audience.POLICE]
                report.graded_at = at + dt.timedelta(days=1)
                report.sanitised = "A child was seen with an adult of concern."
                report.outcome = rng.choice(Outcome.values)
                report.review_on = clock.local_date(at) + dt.timedelta(days=90)
                fed_back = min(self.now, at + dt.timedelta(days=rng.choice((2, 5, 9, 14, 25))))
                report.feedback, report.feedback_at, report.feedback_by = (
                    "Thank you: it was reviewed.",
                    fed_back,
                    reviewer,
                )
                report.status = IntelligenceStatus.CLOSED if rng.random() < 0.6 else IntelligenceStatus.GRADED
            reports.append(report)
            dates.append(at)
            feedback_dates.append(report.feedback_at)
        reports = self.writer.insert(IntelligenceReport, reports, dates)
        subjects, shares = [], []
        for report in reports:
            if not report.graded_at or not nodes:
                continue
            for pk, kind, child_id in rng.sample(nodes, k=min(len(nodes), rng.choice((1, 1, 2)))):
                subjects.append(
                    IntelligenceSubject(
                        report_id=report.pk,
                        kind=SUBJECT_KINDS[kind],
                        node_id=pk,
                        child_id=child_id,
                        matched_by=report.reviewer,
                        matched_at=report.graded_at,
                    )
                )
            if rng.random() < 0.4:
                shares.append(
                    IntelligenceShare(
                        report_id=report.pk,
                        audience=rng.choice(Audience.values),
                        shared_by=report.reviewer,
                        shared_at=report.graded_at,
                    )
                )
        self.writer.insert(IntelligenceSubject, subjects, [s.matched_at for s in subjects])
        self.writer.insert(IntelligenceShare, shares, [s.shared_at for s in shares])
        disruptions = self._disruptions(reviewers, nodes)
        self.say(
            f"intelligence: {len(reports)} submissions, {len(subjects)} matches, {len(shares)} shares, "
            f"{disruptions} disruptions"
        )

    def _disruptions(self, reviewers, nodes) -> int:
        rng = self.rng
        targets = [(pk, kind) for pk, kind, _ in nodes if kind in (NodeKind.PERSON, NodeKind.PLACE)]
        count = min(len(targets), max(1, round(self.scale.persons * DISRUPTIONS_PER_PERSON)))
        police = self.agencies["Police"]
        chosen = rng.sample(targets, k=count)
        actions, rows, dates = [], [], []
        for index, (pk, kind) in enumerate(chosen):
            tactic = rng.choice([t for t in Tactic.values if kind == NodeKind.PERSON or t != Tactic.CAWN])
            planned = clock.local_date(self.moment(self.start, self.now))
            due = planned + dt.timedelta(days=rng.choice((7, 14, 28)))
            done = due < clock.local_date(self.now) and rng.random() < 0.7
            investigation = rng.random() < 0.15
            status = (
                DisruptionStatus.DONE
                if done
                else (DisruptionStatus.AWAITING_AGREEMENT if investigation else DisruptionStatus.PLANNED)
            )
            by = rng.choice(reviewers)
            at = dt.datetime.combine(planned, dt.time(10), tzinfo=self.tz)
            actions.append(
                Action(
                    description=f"Disruption ({Tactic(tactic).label}) of a network record",
                    owner_agency=police,
                    owner_name="Neighbourhood sergeant",
                    due_on=due,
                    status=ActionStatus.DONE if done else ActionStatus.OPEN,
                    completed_at=at + dt.timedelta(days=7) if done else None,
                    completed_by=by if done else None,
                    completion_note="Done" if done else "",
                    created_by=by,
                )
            )
            rows.append(
                Disruption(
                    reference=f"DIS-{planned.year}-{index + 1:05d}-{self.tag}"[:20],
                    target_id=pk,
                    tactic=tactic,
                    description=f"{Tactic(tactic).label} planned by the partnership",
                    lead_agency=police,
                    owner_name="Neighbourhood sergeant",
                    planned_on=planned,
                    due_on=due,
                    done_on=due if done else None,
                    status=status,
                    outcome="Done as planned" if done else "",
                    could_affect_investigation=investigation,
                    agreed_by=by if investigation and done else None,
                    agreed_at=at if investigation and done else None,
                    agreement_note="Agreed" if investigation and done else "",
                    created_by=by,
                )
            )
            dates.append(at)
        actions = self.writer.insert(Action, actions, dates)
        for row, action in zip(rows, actions, strict=True):
            row.action_id = action.pk
        self.writer.insert(Disruption, rows, dates)
        return len(rows)

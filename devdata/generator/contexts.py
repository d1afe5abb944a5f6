"""Generated contexts as subjects (issue 19; a part of Generator): contacts about a place or peer
group with no child named, each linked to its context; location, school, online and peer-group
assessments of the busiest places and of peer groups (most complete, some in draft, a few
withdrawn), the children each affects; plans from the assessments that found harm, with riskpanel
actions that belong to no case, reviews every twelve weeks, and an outcome when closed.

About one contact in two hundred is about a context; one place in a hundred and one peer group in
four is assessed. Everything inside the generated period, never after the as-at date."""

from __future__ import annotations

import datetime as dt

from contacts.choices import Channel, ContactStatus, Outcome, Source
from contacts.models import Contact
from core import clock
from network.choices import (
    ContextAssessmentStatus,
    ContextJudgement,
    ContextPlanOutcome,
    ContextPlanStatus,
    ContextReviewDecision,
)
from network.context_rules import domains_of, kind_for
from network.models import (
    ContextAssessment,
    ContextAssessmentChild,
    ContextPlan,
    ContextPlanAction,
    ContextPlanReview,
    ContextReferral,
)
from riskpanel.choices import ActionStatus
from riskpanel.models import Action

REVIEW = dt.timedelta(weeks=12)


class ContextsMixin:
    """Contexts as subjects over the generated network (a part of Generator)."""

    def contexts(self) -> None:
        nodes = getattr(self, "context_nodes", None)
        if not nodes:
            return
        rng = self.rng
        places = [n for n in nodes if n[1] is not None]
        groups = [n for n in nodes if n[1] is None]
        # The busiest places first (hotspots), then the rest in order: most referrals name a few places.
        places.sort(key=lambda n: (not n[2], n[0]))
        referrals = self._ctx_referrals(places[: max(5, len(places) // 20)] + groups[: max(2, len(groups) // 5)])
        chosen = places[: max(2, len(places) // 100)] + rng.sample(groups, k=min(len(groups), max(1, len(groups) // 4)))
        assessments = self._ctx_assessments(chosen)
        plans = self._ctx_plans(assessments)
        self.say(
            f"contexts: {referrals} contacts about a place or group, {len(assessments)} assessments, {len(plans)} plans"
        )

    def _ctx_referrals(self, targets: list) -> int:
        rng = self.rng
        count = max(3, self.scale.contacts // 200)
        lo = max(self.start, self.now - dt.timedelta(days=730))
        contacts, dates = [], []
        for _ in range(count):
            received = self.moment(lo, self.now - dt.timedelta(hours=2))
            contact = Contact(
                reference=self.contact_reference(),
                child=None,
                received_at=received,
                channel=self.weighted([(Channel.PHONE, 60), (Channel.EMAIL, 40)]),
                source=self.weighted([(Source.POLICE, 40), (Source.INDIVIDUAL, 30), (Source.SCHOOLS_COLLEGES, 30)]),
                referrer_name="A resident",
                about_context=True,
                concern="Young people meet older males here in the evenings; some leave with them in cars.",
                cse_concern=rng.random() < 0.5,
                cce_concern=rng.random() < 0.6,
                decision_due_at=clock.add_working_days(received, 1),
                recorded_by=rng.choice(self.advisors),
            )
            if received < self.now - dt.timedelta(days=2):
                contact.status = ContactStatus.DECIDED
                contact.decided_at = received + dt.timedelta(hours=rng.uniform(1, 20))
                contact.decided_by = rng.choice(self.screeners)
                contact.assigned_to, contact.assigned_at = contact.decided_by, received + dt.timedelta(minutes=30)
                contact.outcome = Outcome.INFORMATION_ADVICE
                contact.outcome_detail = "A context assessment of the place or group is opened."
            contacts.append(contact)
            dates.append(received)
        created = self.writer.insert(Contact, contacts, dates)
        rows = [
            ContextReferral(
                contact_id=c.pk,
                node_id=rng.choice(targets)[0],
                added_by=c.recorded_by,
                added_at=c.received_at + dt.timedelta(minutes=20),
            )
            for c in created
        ]
        self.writer.insert(ContextReferral, rows, [r.added_at for r in rows])
        return len(rows)

    def _ctx_assessments(self, chosen: list) -> list[ContextAssessment]:
        rng = self.rng
        assessors = self.screeners + self.workers + self.leaders
        lo = max(self.start, self.now - dt.timedelta(days=900))
        rows = []
        for index, (node_id, place_kind, _hot) in enumerate(chosen):
            opened = self.moment(lo, self.now - dt.timedelta(days=90 if index == 0 else 1))
            kind = kind_for("place" if place_kind is not None else "peer_group", place_kind or "")
            by = rng.choice(assessors)
            due = clock.local_date(clock.add_working_days(opened, 35))
            row = ContextAssessment(node_id=node_id, kind=kind, opened_at=opened, opened_by=by, assessor=by, due_on=due)
            finished = opened + dt.timedelta(days=rng.randint(15, 60 if index else 30))
            roll = 0.5 if index == 0 else rng.random()  # the busiest place: assessed, with a plan
            row.domains = {d.code: f"{d.label}: what the partners and young people said." for d in domains_of(kind)}
            if roll < 0.05:
                row.status, row.withdrawn_reason = ContextAssessmentStatus.WITHDRAWN, "Opened twice in error."
            elif finished < self.now and roll < 0.85:
                row.status = ContextAssessmentStatus.COMPLETE
                row.completed_at, row.completed_by = finished, by
                row.partners_detail = "Police, licensing and the youth service."
                row.young_people_views = "They go there because there is nowhere else."
                row.community_views = "Residents see adults waiting in cars."
                row.strengths = "A youth worker knows the young people."
                row.harms = "Grooming, supply of drugs, lifts in cars."
                row.judgement = self.weighted(
                    [
                        (ContextJudgement.LOW, 20),
                        (ContextJudgement.MODERATE, 45),
                        (ContextJudgement.SIGNIFICANT, 30),
                        (ContextJudgement.NO_CONCERN, 5),
                    ]
                )
                if index == 0:
                    row.judgement = ContextJudgement.SIGNIFICANT
                row.judgement_reason = "Reports from several agencies over months."
            else:
                row.domains = dict(list(row.domains.items())[:1])
            rows.append(row)
        created = self.writer.insert(ContextAssessment, rows, [r.opened_at for r in rows])
        children = [
            ContextAssessmentChild(
                assessment_id=a.pk,
                child_id=self.child_ids[self._child_draws_for_contexts()],
                added_by_id=a.opened_by_id,
                added_at=a.opened_at + dt.timedelta(days=1),
            )
            for a in created
            for _ in range(rng.randint(0, 3))
        ]
        unique = {(c.assessment_id, c.child_id): c for c in children}
        self.writer.insert(ContextAssessmentChild, list(unique.values()), [c.added_at for c in unique.values()])
        return created

    def _child_draws_for_contexts(self) -> int:
        return self.rng.randrange(self.scale.children)

    def _ctx_plans(self, assessments: list[ContextAssessment]) -> list[ContextPlan]:
        rng = self.rng
        harmful = (ContextJudgement.MODERATE, ContextJudgement.SIGNIFICANT)
        plans, reviews, actions, links = [], [], [], []
        seen_nodes = set()
        for assessment in assessments:
            if assessment.status != ContextAssessmentStatus.COMPLETE or assessment.judgement not in harmful:
                continue
            if assessment.node_id in seen_nodes:
                continue
            seen_nodes.add(assessment.node_id)
            opened = assessment.completed_at + dt.timedelta(days=rng.randint(1, 14))
            if opened >= self.now:
                continue
            lead = rng.choice(self.leaders)
            plan = ContextPlan(
                node_id=assessment.node_id,
                assessment_id=assessment.pk,
                intended_change="Young people no longer meet adults of concern there.",
                opened_at=opened,
                opened_by=lead,
                lead=lead,
            )
            review_at = opened + REVIEW
            while review_at < self.now - dt.timedelta(days=7):
                reviews.append((plan, review_at))
                review_at += REVIEW
            plan.next_review_on = clock.local_date(review_at)
            if review_at - REVIEW > opened + dt.timedelta(weeks=30) and rng.random() < 0.5:
                plan.status = ContextPlanStatus.CLOSED
                plan.closed_at, plan.closed_by = review_at - REVIEW + dt.timedelta(days=1), lead
                plan.outcome = self.weighted(
                    [
                        (ContextPlanOutcome.HARM_REDUCED, 60),
                        (ContextPlanOutcome.NO_LONGER_USED, 25),
                        (ContextPlanOutcome.NO_CHANGE, 15),
                    ]
                )
                plan.outcome_detail = "Reviewed at the context panel."
            plans.append(plan)
        created = self.writer.insert(ContextPlan, plans, [p.opened_at for p in plans])
        review_rows = []
        for plan, at in reviews:
            closing = plan.status == ContextPlanStatus.CLOSED and plan.closed_at - at < dt.timedelta(days=2)
            review_rows.append(
                ContextPlanReview(
                    plan_id=plan.pk,
                    reviewed_on=clock.local_date(at),
                    progress="Fewer reports since the patrols began.",
                    decision=ContextReviewDecision.CLOSE if closing else ContextReviewDecision.CONTINUE,
                    next_review_on=None if closing else clock.local_date(at + REVIEW),
                    recorded_by=plan.lead,
                    recorded_at=at,
                )
            )
        self.writer.insert(ContextPlanReview, review_rows, [r.recorded_at for r in review_rows])
        for plan in created:
            for _ in range(rng.randint(1, 3)):
                due = clock.local_date(plan.opened_at + dt.timedelta(days=rng.randint(14, 90)))
                action = Action(
                    description="Patrols and licensing visits in the evenings.",
                    owner_agency=rng.choice(self.partner_agencies),
                    owner_name="Duty officer",
                    due_on=due,
                    created_by=plan.opened_by,
                )
                done_at = dt.datetime.combine(due, dt.time(15), tzinfo=self.tz)
                if done_at < self.now and rng.random() < 0.7:
                    action.status, action.completed_at = ActionStatus.DONE, done_at
                    action.completion_note = "Done."
                actions.append((plan, action))
        made = self.writer.insert(Action, [a for _, a in actions], [p.opened_at for p, _ in actions])
        for (plan, _), action in zip(actions, made, strict=True):
            links.append(
                ContextPlanAction(
                    plan_id=plan.pk, action_id=action.pk, added_by=plan.opened_by, added_at=plan.opened_at
                )
            )
        self.writer.insert(ContextPlanAction, links, [link.added_at for link in links])
        return created

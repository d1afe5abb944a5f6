"""Generated CATE cases with their referral, assessment, allocations, visits, risk assessments,
missing episodes, NRM referrals, panel items, strategy meetings, actions, closure and chronology."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Permission

from cate.choices import (
    AssessmentOutcome,
    AssessmentType,
    CaseStatus,
    ChronologyKind,
    Classification,
    ClosureStatus,
    NrmDecision,
    OpenTo,
    ReferralStatus,
    RhiLateReason,
    RhiStatus,
    RiskLevel,
    RiskSource,
    StatutoryKind,
    StepDownDestination,
    VisitKind,
)
from cate.models import (
    Allocation,
    Case,
    CaseClosure,
    CaseUserObjectPermission,
    ChronologyEvent,
    DetailedAssessment,
    MissingEpisode,
    NrmReferral,
    Referral,
    ReturnHomeInterview,
    RiskAssessment,
    StatutoryEpisode,
    Visit,
)
from cate.permissions import CASE_WORKER_OBJECT_PERMISSIONS
from core import clock
from riskpanel.choices import ActionStatus, ItemKind, PanelStatus, RagColour
from riskpanel.models import Action, AgendaItem, PanelDecision, StrategyMeeting

from .vocabulary import (
    BATCH,
    FACTOR_LEVELS,
    FACTORS,
    RISK_WEIGHTS,
    VISIT_EVERY_DAYS,
)


class CasesMixin:
    """The CATE cases of the generated records and everything recorded on them (a part of Generator)."""

    def cases(self) -> None:
        chunk = 1000
        for start in range(0, len(self.case_plan), chunk):
            self._case_chunk(self.case_plan[start : start + chunk], start)
            self.say(f"cases: {min(start + chunk, len(self.case_plan))}/{len(self.case_plan)}")

    def _case_chunk(self, plans, offset: int) -> None:
        rng = self.rng
        s = self.settings
        referrals, ref_dates = [], []
        for child_index, received, _opened, _closed in plans:
            contact_id, decided_at, decider = self.case_contact[child_index]
            referred = decided_at or received
            referrals.append(
                Referral(
                    child_id=self.child_ids[child_index],
                    contact_id=contact_id,
                    referred_at=referred,
                    referred_by_id=decider,
                    assessment_due_at=clock.add_working_days(referred, 45),
                    status=ReferralStatus.COMPLETED,
                )
            )
            ref_dates.append(referred)
        referrals = self.writer.insert(Referral, referrals, ref_dates)

        assessments, cases, case_dates = [], [], []
        leaders = self.leaders
        for _number, ((child_index, _received, opened, closed), referral) in enumerate(
            zip(plans, referrals, strict=True)
        ):
            author = rng.choice(leaders + self.workers[:5])
            started = referral.referred_at + dt.timedelta(hours=rng.randint(2, 48))
            if started > opened:
                started = referral.referred_at
            both = rng.random() < 0.2
            assessments.append(
                DetailedAssessment(
                    referral=referral,
                    assessment_type=AssessmentType.CATE,
                    author=author,
                    started_at=started,
                    completed_at=opened,
                    cse_is_factor=True,
                    outcome=AssessmentOutcome.OPENED_BOTH if both else AssessmentOutcome.OPENED_CATE,
                    summary="Exploitation risk confirmed; case opened.",
                )
            )
            year = clock.local_date(opened).year
            self._case_numbers[year] += 1
            case = Case(
                reference=f"CATE-{year}-{self._case_numbers[year]:05d}",
                child_id=referral.child_id,
                referral=referral,
                contact_id=referral.contact_id,
                opened_at=opened,
                opened_by=author,
                status=CaseStatus.CLOSED if closed else CaseStatus.OPEN,
                closed_at=closed,
                open_to=OpenTo.BOTH if both else OpenTo.CATE,
                cse=rng.random() < 0.7,
                cce=rng.random() < 0.4,
                classification=self.weighted([(Classification.VICTIM, 35), (Classification.AT_RISK, 65)]),
                classified_by=author,
                classified_at=opened,
                allocation_due_at=clock.add_working_days(opened, 1),
                transition_due_on=clock.add_months_to_date(clock.birthday(self.dob[child_index], 17), 3),
                legacy_key="",
            )
            if closed:
                case.closure_reason = "Risk reduced; the young person is engaging with universal services."
                case.exit_plan = "Youth service and school keep in touch; re-refer if missing again."
                case.step_down_destination = self.weighted(
                    [(StepDownDestination.UNIVERSAL, 50), (StepDownDestination.EARLY_HELP, 30), ("statutory", 20)]
                )
            cases.append(case)
            case_dates.append(opened)
        self.writer.insert(DetailedAssessment, assessments, [a.started_at for a in assessments])

        # Walk each case's life before inserting it, so that its current state is known.
        per_case = []
        for case in cases:
            end = case.closed_at or self.now
            life = {"allocs": [], "visits": [], "ras": [], "missing": [], "items": [], "chron": []}
            # Allocations: one to three, back to back, inside the case's dates.
            first = case.opened_at + dt.timedelta(hours=rng.randint(2, 30))
            first = min(first, end - dt.timedelta(minutes=1))
            spans = 1 if (end - first).days < 120 else rng.choice([1, 1, 2, 2, 3])
            cuts = sorted(self.moment(first, end) for _ in range(spans - 1))
            bounds = [first, *cuts, end]
            worker = None
            for i in range(spans):
                previous = worker
                while worker is None or (worker == previous and len(self.workers) > 1):
                    worker = rng.choice(self.workers)
                is_last = i == spans - 1
                life["allocs"].append((worker, bounds[i], None if (is_last and not case.closed_at) else bounds[i + 1]))
            # Risk assessments: a week or two after allocation, then every three months.
            level = self.weighted(RISK_WEIGHTS)
            when = first + dt.timedelta(days=rng.randint(5, 14))
            while when < end:
                level = self.weighted(RISK_WEIGHTS) if rng.random() < 0.4 else level
                life["ras"].append((when, level))
                when += dt.timedelta(days=rng.randint(80, 100))
            # Visits: at the frequency of the level of the time.
            level_now = life["ras"][0][1] if life["ras"] else RiskLevel.MEDIUM
            when = first + dt.timedelta(days=rng.randint(1, 5))
            ra_iter = iter(life["ras"])
            next_ra = next(ra_iter, None)
            while when < end:
                while next_ra and next_ra[0] <= when:
                    level_now = next_ra[1]
                    next_ra = next(ra_iter, None)
                life["visits"].append(when)
                gap = VISIT_EVERY_DAYS[level_now]
                when += dt.timedelta(days=rng.randint(max(2, gap - 2), gap + 4), hours=rng.randint(-3, 3))
            life["level"] = level_now
            # Panels: first panel within six weeks of allocation, then reviews about every 12 weeks.
            meeting_index = self.next_meeting_index(first + dt.timedelta(days=7))
            kind = ItemKind.FIRST_PANEL
            while meeting_index is not None and self.meeting_times[meeting_index] < end + dt.timedelta(days=28):
                if self.meeting_times[meeting_index] > end and case.closed_at:
                    break
                life["items"].append((meeting_index, kind))
                kind = ItemKind.REVIEW
                meeting_index += 6
                if meeting_index >= len(self.meeting_times):
                    break
            per_case.append(life)

        for case, life in zip(cases, per_case, strict=True):
            if not case.closed_at:
                case.allocated_worker = life["allocs"][-1][0]
                last_visit = life["visits"][-1] if life["visits"] else case.opened_at
                case.next_visit_due_at = last_visit + dt.timedelta(days=VISIT_EVERY_DAYS[life["level"]])
            if life["ras"]:
                case.current_risk_level = life["ras"][-1][1]
                case.risk_level_source = RiskSource.ASSESSMENT
                case.risk_level_set_at = life["ras"][-1][0]
            if case.closed_at:
                case.closure_proposed_by = life["allocs"][-1][0]
                case.closure_proposed_at = case.closed_at - dt.timedelta(days=rng.randint(1, 10))
                case.closure_approved_by = rng.choice(self.leaders)
        cases = self.writer.insert(Case, cases, case_dates)

        allocations, alloc_dates, perms = [], [], []
        visits, ras, closures, nrms, statutory = [], [], [], [], []
        episodes, chron = [], []
        notes, note_events, addenda = [], [], []
        perm_ids = self._case_permission_ids()

        def event(case, kind, at, summary, by):
            chron.append(ChronologyEvent(case=case, kind=kind, occurred_at=at, summary=summary[:300], recorded_by=by))

        for case, life in zip(cases, per_case, strict=True):
            event(case, ChronologyKind.REFERRAL, case.referral.referred_at, "Referred by Family Connect", self.actor)
            event(case, ChronologyKind.OPENED, case.opened_at, "Case opened", case.opened_by)
            for worker, started, ended in life["allocs"]:
                allocations.append(
                    Allocation(
                        case=case,
                        worker=worker,
                        started_at=started,
                        ended_at=ended,
                        allocated_by=rng.choice(self.leaders),
                        reason="Allocated by the team leader",
                    )
                )
                alloc_dates.append(started)
                event(case, ChronologyKind.ALLOCATION, started, f"Allocated to {worker.get_full_name()}", self.actor)
            if not case.closed_at:
                worker = life["allocs"][-1][0]
                perms += [
                    CaseUserObjectPermission(user_id=worker.pk, permission_id=pid, content_object=case)
                    for pid in perm_ids
                ]

            def holder(at, allocs=life["allocs"]):
                for worker, started, ended in allocs:
                    if started <= at and (ended is None or at <= ended):
                        return worker
                return allocs[-1][0]

            for when in life["visits"]:
                by = holder(when)
                visits.append(
                    Visit(
                        case=case,
                        visited_at=when,
                        kind=self.weighted([(VisitKind.FACE_TO_FACE, 80), (VisitKind.PHONE, 15), (VisitKind.VIDEO, 5)]),
                        location=rng.choice(["Home", "School", "Youth centre", "Café in town"]),
                        seen_alone=rng.random() < 0.7,
                        notes="Talked about friends, school and staying safe.",
                        recorded_by=by,
                    )
                )
                event(case, ChronologyKind.VISIT, when, "Visit: child seen", by)
            self._case_notes(case, holder, case.closed_at or self.now, notes, note_events, addenda)
            for when, level in life["ras"]:
                by = holder(when)
                ras.append(
                    RiskAssessment(
                        case=case,
                        assessed_at=when,
                        author=by,
                        factors={
                            f: {
                                "level": rng.choice(FACTOR_LEVELS),
                                "evidence": "Seen in the worker's visits and partner information.",
                            }
                            for f in FACTORS
                        },
                        overall_level=level,
                        summary=f"Overall risk {RiskLevel(level).label}.",
                        young_person_views="Says they are fine and want to be left alone.",
                        family_views="Worried about late nights and new friends.",
                    )
                )
                event(case, ChronologyKind.RISK_ASSESSMENT, when, f"Risk assessment: {RiskLevel(level).label}", by)
            nrm_due = clock.add_working_days(case.opened_at, 5)
            referred_on = clock.local_date(nrm_due) if rng.random() < 0.7 and nrm_due < self.now else None
            nrms.append(
                NrmReferral(
                    case=case,
                    due_at=nrm_due,
                    referred_on=referred_on,
                    referred_by=life["allocs"][0][0] if referred_on else None,
                    reasonable_grounds=rng.choice([NrmDecision.POSITIVE, NrmDecision.PENDING]) if referred_on else "",
                )
            )
            if referred_on:
                event(case, ChronologyKind.NRM, nrm_due, "NRM referral made", life["allocs"][0][0])
            if rng.random() < 0.15:
                start = clock.local_date(case.opened_at) - dt.timedelta(days=rng.randint(0, 200))
                end = clock.local_date(case.closed_at) if case.closed_at else None
                statutory.append(
                    StatutoryEpisode(
                        child_id=case.child_id, kind=rng.choice(StatutoryKind.values), start=start, end=end
                    )
                )
            if case.closed_at:
                closures.append(
                    CaseClosure(
                        case=case,
                        status=ClosureStatus.APPROVED,
                        reason=case.closure_reason,
                        exit_plan=case.exit_plan,
                        step_down_destination=case.step_down_destination,
                        proposed_by=case.closure_proposed_by,
                        proposed_at=case.closure_proposed_at,
                        decided_by=case.closure_approved_by,
                        decided_at=case.closed_at,
                    )
                )
                event(case, ChronologyKind.CLOSURE, case.closed_at, "Case closed", case.closure_approved_by)
            life["holder"] = holder

        # Missing episodes: this chunk's share of the total, at random among its cases.
        total = len(self.case_plan)
        share = self.scale.missing * (offset + len(cases)) // total - self.scale.missing * offset // total
        chosen = [rng.randrange(len(cases)) for _ in range(share)]
        for index in chosen:
            case, life = cases[index], per_case[index]
            end = case.closed_at or self.now
            went = self.moment(case.opened_at, end - dt.timedelta(hours=1))
            returned = went + dt.timedelta(hours=rng.randint(3, 72))
            if returned > self.now - dt.timedelta(minutes=30):
                returned = None
            episodes.append((case, life, went, returned))
        episodes.sort(key=lambda e: (e[0].pk, e[2]))
        missing = []
        last_due: dict[int, dt.datetime] = {}
        for case, life, went, returned in episodes:
            due = s.due("return_home_interview", returned) if returned else None
            back_to_back = case.pk in last_due and went < last_due[case.pk]
            if due:
                last_due[case.pk] = due
            by = life["holder"](went)
            missing.append(
                MissingEpisode(
                    child_id=case.child_id,
                    case=case,
                    missing_from=went,
                    returned_at=returned,
                    reported_by=rng.choice(["Parent", "Carer", "Children's home", "School"]),
                    police_reference=f"WMP-{rng.randint(100000, 999999)}",
                    where_found=rng.choice(["", "Friend's house", "Town centre", "Another town"]) if returned else "",
                    rhi_due_at=due,
                    back_to_back=back_to_back,
                    recorded_by=by,
                )
            )
            event(case, ChronologyKind.MISSING, went, "Missing episode", by)
        missing = self.writer.insert(MissingEpisode, missing, [m.missing_from for m in missing])
        interviews = []
        life_of = {case.pk: life for case, life in zip(cases, per_case, strict=True)}
        for episode in missing:
            if episode.returned_at is None:
                continue
            by = life_of[episode.case_id]["holder"](episode.returned_at)
            since = self.now - episode.returned_at
            roll = rng.random()
            rhi = ReturnHomeInterview(episode=episode, offered_at=episode.returned_at + dt.timedelta(hours=2))
            if since < dt.timedelta(days=4) and roll < 0.6:
                rhi.status = RhiStatus.OFFERED
            elif roll < 0.87 or since < dt.timedelta(days=4):
                done = episode.returned_at + dt.timedelta(hours=rng.randint(4, 100))
                if done > self.now:
                    done = self.now - dt.timedelta(minutes=5)
                rhi.status, rhi.completed_at, rhi.conducted_by = RhiStatus.COMPLETED, done, by
                rhi.child_said = "Stayed with friends; would not say who else was there."
                if done > episode.rhi_due_at:
                    rhi.late_reason = (
                        RhiLateReason.BACK_TO_BACK if episode.back_to_back else RhiLateReason.CHILD_UNAVAILABLE
                    )
                event(episode.case, ChronologyKind.RETURN_HOME_INTERVIEW, done, "Return home interview held", by)
            elif roll < 0.97:
                declined = episode.returned_at + dt.timedelta(hours=rng.randint(4, 60))
                rhi.status, rhi.declined_at = RhiStatus.DECLINED, min(declined, self.now - dt.timedelta(minutes=5))
            else:
                rhi.status = RhiStatus.OFFERED
            interviews.append(rhi)
        self.writer.insert(ReturnHomeInterview, interviews, [i.offered_at for i in interviews])

        # Panel items, decisions, strategy meetings and actions.
        items, item_dates, item_meta = [], [], []
        for case, life in zip(cases, per_case, strict=True):
            for meeting_index, kind in life["items"]:
                meeting = self.meetings[meeting_index]
                self.meeting_positions[meeting.pk] += 1
                added = meeting.meets_at - dt.timedelta(days=7)
                items.append(
                    AgendaItem(
                        meeting=meeting,
                        case=case,
                        kind=kind,
                        details="Review of risk and the plan.",
                        paper=f"Latest risk assessment: {RiskLevel(life['level']).label}.",
                        paper_taken_at=added,
                        position=self.meeting_positions[meeting.pk],
                        added_by=self.actor,
                        first_panel_due_at=(life["allocs"][0][1] + dt.timedelta(days=42))
                        if kind == ItemKind.FIRST_PANEL
                        else None,
                        review_due_on=clock.local_date(meeting.meets_at) if kind == ItemKind.REVIEW else None,
                    )
                )
                item_dates.append(added)
                item_meta.append((case, life, meeting))
        items = self.writer.insert(AgendaItem, items, item_dates)
        decisions, meta = [], []
        rag = s["rag_mapping"]
        for item, (case, life, meeting) in zip(items, item_meta, strict=True):
            if meeting.status != PanelStatus.CLOSED:
                continue
            level = self.weighted(RISK_WEIGHTS)
            decided = meeting.meets_at + dt.timedelta(minutes=10 * item.position % 170)
            decisions.append(
                PanelDecision(
                    item=item,
                    risk_level=level,
                    colour=RagColour(rag[RiskLevel(level)]),
                    rationale="The panel agreed the level on the information shared.",
                    next_review_on=clock.local_date(decided) + dt.timedelta(weeks=12),
                    decided_at=decided,
                    decided_by=meeting.chair,
                )
            )
            meta.append((case, life))
            event(case, ChronologyKind.PANEL, decided, f"Risk panel: {RiskLevel(level).label}", meeting.chair)
        decisions = self.writer.insert(PanelDecision, decisions, [d.decided_at for d in decisions])
        strategy, _s_meta, actions = [], [], []
        pending_strategy: set[int] = set()
        had_strategy: set[int] = set()
        for decision, (case, life) in zip(decisions, meta, strict=True):
            needs_meeting = decision.colour in (RagColour.RED, RagColour.AMBER) and case.pk not in pending_strategy
            due = clock.add_working_days(decision.decided_at, 5)
            held = due - dt.timedelta(days=rng.randint(0, 4))
            if needs_meeting and held >= (case.closed_at or self.now):
                held = None  # not held yet: the one strategy meeting due for the case (none once closed)
                needs_meeting = not case.closed_at
                if needs_meeting:
                    pending_strategy.add(case.pk)
            if needs_meeting:
                strategy.append(
                    StrategyMeeting(
                        case=case,
                        decision=decision,
                        is_review=case.pk in had_strategy,
                        due_at=due,
                        held_at=held,
                        attendees="Police, school, CATE worker, parent" if held else "",
                        discussion="Disruption and safety planning." if held else "",
                        recorded_by=life["holder"](held) if held else None,
                    )
                )
                had_strategy.add(case.pk)
                if held:
                    event(case, ChronologyKind.STRATEGY_MEETING, held, "Strategy meeting held", life["holder"](held))
            for _ in range(rng.choice([0, 1, 1, 2])):
                due_on = clock.local_date(decision.decided_at) + dt.timedelta(days=rng.randint(7, 42))
                done = due_on < clock.local_date(self.now) - dt.timedelta(days=3) and rng.random() < 0.92
                if case.closed_at and not done and clock.local_date(case.closed_at) > due_on:
                    done = True
                owner = rng.choice([*self.partners, life["holder"](decision.decided_at)])
                completed = None
                if done:
                    completed = dt.datetime.combine(due_on, dt.time(15), tzinfo=self.tz) - dt.timedelta(
                        days=rng.randint(0, 5)
                    )
                    completed = max(completed, decision.decided_at + dt.timedelta(hours=1))
                    if case.closed_at:
                        completed = min(completed, case.closed_at)
                actions.append(
                    Action(
                        case=case,
                        decision=decision,
                        description=rng.choice(
                            [
                                "Share the police intelligence with the school",
                                "Arrange a disruption visit to the address",
                                "Refer to CAMHS",
                                "Visit the child at home with a parent present",
                            ]
                        ),
                        owner_agency_id=owner.agency_id,
                        owner=owner,
                        due_on=due_on,
                        status=ActionStatus.DONE if done else ActionStatus.OPEN,
                        completed_at=completed,
                        completed_by=owner if done else None,
                        created_by=decision.decided_by,
                    )
                )
        self.writer.insert(StrategyMeeting, strategy, [sm.due_at - dt.timedelta(days=5) for sm in strategy])
        self.writer.insert(
            Action,
            actions,
            [dt.datetime.combine(a.due_on, dt.time(9), tzinfo=self.tz) - dt.timedelta(days=14) for a in actions],
        )
        self.writer.insert(Allocation, allocations, alloc_dates)
        CaseUserObjectPermission.objects.bulk_create(perms, batch_size=BATCH)
        self.writer.insert(Visit, visits, [v.visited_at for v in visits])
        self.writer.insert(RiskAssessment, ras, [r.assessed_at for r in ras])
        self.writer.insert(NrmReferral, nrms, [n.due_at for n in nrms])
        self.writer.insert(
            StatutoryEpisode, statutory, [dt.datetime.combine(e.start, dt.time(9), tzinfo=self.tz) for e in statutory]
        )
        self.writer.insert(CaseClosure, closures, [c.proposed_at for c in closures])
        chron.extend(self.write_notes(notes, note_events, addenda))
        chron.sort(key=lambda e: (e.case.pk, e.occurred_at))
        self.writer.insert(ChronologyEvent, chron, [e.occurred_at for e in chron])

    def _case_permission_ids(self) -> list[int]:
        if not hasattr(self, "_perm_ids"):
            self._perm_ids = list(
                Permission.objects.filter(
                    content_type__app_label="cate", codename__in=CASE_WORKER_OBJECT_PERMISSIONS
                ).values_list("pk", flat=True)
            )
        return self._perm_ids

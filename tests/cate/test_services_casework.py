"""Case details, statutory episodes, visits, the risk level and risk assessments."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cate import services
from cate.choices import ChronologyKind, Classification, OpenTo, RiskLevel, RiskSource, StatutoryKind, VisitKind
from cate.models import Case, NrmReferral
from contacts.choices import ExploitationFactor, FactorLevel
from core import clock
from core.exceptions import StaleRecord
from core.roles import Role
from core.selectors import service_settings
from tests.factories import CaseFactory, open_case

from .helpers import assert_history

pytestmark = pytest.mark.django_db


def factors(level=FactorLevel.COMPLEX, evidence="Seen with older males"):
    return {f.value: {"level": level, "evidence": evidence} for f in ExploitationFactor}


def test_a_manager_reclassifies_with_who_and_when(case, leader, worker):
    services.case_update(
        case=case,
        open_to=OpenTo.CATE,
        cse=True,
        cce=True,
        other_exploitation=False,
        classification=Classification.VICTIM,
        actor=leader,
        reason="Met the definition after disclosure",
        expected_version=case.version,
    )
    case.refresh_from_db()
    assert (case.classification, case.classified_by, case.cce) == (Classification.VICTIM, leader, True)
    assert_history(case, leader, "Met the definition after disclosure")
    assert case.chronology.filter(summary__startswith="Case details changed: classified as victim").exists()
    with pytest.raises(PermissionDenied):
        services.case_update(
            case=case,
            open_to=OpenTo.CATE,
            cse=True,
            cce=True,
            other_exploitation=False,
            classification=Classification.AT_RISK,
            actor=worker,
            reason="x",
        )
    with pytest.raises(StaleRecord):
        services.case_update(
            case=case,
            open_to=OpenTo.BOTH,
            cse=True,
            cce=True,
            other_exploitation=False,
            classification=Classification.VICTIM,
            actor=worker,
            reason="x",
            expected_version=1,
        )


def test_a_statutory_only_case_opened_to_cate_gets_its_nrm_referral(leader):
    case = open_case(leader, outcome="opened_statutory")
    assert not NrmReferral.objects.filter(case=case).exists()
    services.case_update(
        case=case,
        open_to=OpenTo.BOTH,
        cse=True,
        cce=False,
        other_exploitation=False,
        classification=case.classification,
        actor=leader,
        reason="Now also CATE",
    )
    assert NrmReferral.objects.filter(case=case).count() == 1
    case.child.refresh_from_db()
    assert case.child.open_to_cate


def test_statutory_episodes_with_dates_and_no_overlap(case, worker):
    start = timezone.localdate() - dt.timedelta(days=30)
    episode = services.statutory_episode_add(case=case, kind=StatutoryKind.CIN, start=start, end=None, actor=worker)
    assert_history(episode, worker, "Child in need recorded")
    assert case.chronology.filter(kind=ChronologyKind.STATUTORY).exists()
    with pytest.raises(ValidationError):
        services.statutory_episode_add(
            case=case, kind=StatutoryKind.CIN, start=start + dt.timedelta(days=3), end=None, actor=worker
        )
    services.statutory_episode_add(case=case, kind=StatutoryKind.CP, start=start, end=None, actor=worker)
    services.statutory_episode_update(
        episode=episode, case=case, start=start, end=timezone.localdate(), actor=worker, expected_version=1
    )
    episode.refresh_from_db()
    assert episode.end == timezone.localdate()
    assert_history(episode, worker, "Statutory episode ended")
    with pytest.raises(ValidationError):
        services.statutory_episode_update(
            episode=episode, case=case, start=start, end=start - dt.timedelta(days=1), actor=worker
        )


def test_visits_set_the_next_visit_due_from_the_risk_level(case, worker):
    settings = service_settings()
    allocated = case.allocations.get().started_at
    week = settings.frequency("visit_frequency_not_assessed").interval
    assert case.next_visit_due_at == allocated + week
    # A visit before the allocation does not move the clock; one after it does.
    services.visit_record(
        case=case,
        visited_at=allocated - dt.timedelta(seconds=1),
        kind=VisitKind.FACE_TO_FACE,
        location="",
        seen_alone=None,
        notes="",
        actor=worker,
    )
    case.refresh_from_db()
    assert case.next_visit_due_at == allocated + week
    seen = timezone.now()
    visit = services.visit_record(
        case=case,
        visited_at=seen,
        kind=VisitKind.FACE_TO_FACE,
        location="School",
        seen_alone=True,
        notes="",
        actor=worker,
    )
    assert_history(visit, worker, "Face to face visit recorded")
    case.refresh_from_db()
    assert case.next_visit_due_at == seen + week
    assert case.chronology.filter(kind=ChronologyKind.VISIT, summary="Face to face visit at School").exists()
    # A phone call does not count as seeing the child.
    services.visit_record(
        case=case, visited_at=timezone.now(), kind=VisitKind.PHONE, location="", seen_alone=None, notes="", actor=worker
    )
    case.refresh_from_db()
    assert case.next_visit_due_at == seen + week
    # High risk: twice a week, so every 3.5 days.
    services.case_set_risk_level(
        case=case, level=RiskLevel.HIGH, source=RiskSource.ASSESSMENT, actor=worker, reason="RA"
    )
    case.refresh_from_db()
    assert case.next_visit_due_at == seen + dt.timedelta(days=3, hours=12)
    services.case_set_risk_level(case=case, level=RiskLevel.LOW, source=RiskSource.PANEL, actor=worker, reason="Panel")
    case.refresh_from_db()
    assert case.next_visit_due_at == seen + dt.timedelta(days=14)


def test_a_visit_cannot_be_in_the_future_or_before_opening(case, worker):
    for when in (timezone.now() + dt.timedelta(days=1), case.opened_at - dt.timedelta(days=3)):
        with pytest.raises(ValidationError):
            services.visit_record(
                case=case,
                visited_at=when,
                kind=VisitKind.FACE_TO_FACE,
                location="",
                seen_alone=None,
                notes="",
                actor=worker,
            )


def test_correcting_a_visit_keeps_history(case, worker):
    visit = services.visit_record(
        case=case, visited_at=timezone.now(), kind=VisitKind.PHONE, location="", seen_alone=None, notes="", actor=worker
    )
    services.visit_update(
        visit=visit,
        visited_at=visit.visited_at,
        kind=VisitKind.FACE_TO_FACE,
        location="Home",
        seen_alone=False,
        notes="Mother present",
        actor=worker,
        expected_version=1,
    )
    visit.refresh_from_db()
    assert (visit.kind, visit.version) == (VisitKind.FACE_TO_FACE, 2)
    assert visit.history.count() == 2
    assert_history(visit, worker, "Visit corrected")


def test_risk_assessment_sets_the_case_risk_level_and_revisions_keep_history(case, worker):
    # At the moment the case was opened: three hours earlier would fall on the day before it opened
    # whenever the suite runs in the first three hours of a London day.
    assessed = case.opened_at
    assessment = services.risk_assessment_record(
        case=case,
        assessed_at=assessed,
        factors=factors(),
        overall_level=RiskLevel.MEDIUM_HIGH,
        summary="Escalating",
        young_person_views="Says the older friends look after them",
        family_views="Mother worried about late nights",
        actor=worker,
    )
    case.refresh_from_db()
    assert (case.current_risk_level, case.risk_level_source) == (RiskLevel.MEDIUM_HIGH, RiskSource.ASSESSMENT)
    assert_history(assessment, worker, "Risk assessment recorded")
    assert case.chronology.filter(kind=ChronologyKind.RISK_ASSESSMENT).exists()
    services.risk_assessment_revise(
        assessment=assessment,
        assessed_at=assessed,
        factors=factors(FactorLevel.ACUTE),
        overall_level=RiskLevel.HIGH,
        summary="Went missing twice",
        young_person_views="Does not want to talk",
        family_views="Mother wants help",
        reason="Reviewed after missing episodes",
        actor=worker,
        expected_version=1,
    )
    case.refresh_from_db()
    assert case.current_risk_level == RiskLevel.HIGH
    revisions = list(assessment.history.order_by("history_date").values_list("overall_level", "history_change_reason"))
    assert revisions == [
        (RiskLevel.MEDIUM_HIGH, "Risk assessment recorded"),
        (RiskLevel.HIGH, "Reviewed after missing episodes"),
    ]
    assert case.chronology.filter(summary__contains="revised (Medium-High → High)").exists()


def test_a_panel_decision_outranks_a_later_assessment(case, worker, leader):
    services.case_set_risk_level(case=case, level=RiskLevel.HIGH, source=RiskSource.PANEL, actor=leader, reason="Panel")
    services.risk_assessment_record(
        case=case,
        assessed_at=timezone.now(),
        factors=factors(FactorLevel.VULNERABLE),
        overall_level=RiskLevel.LOW,
        summary="",
        young_person_views="Fine",
        family_views="Fine",
        actor=worker,
    )
    case.refresh_from_db()
    assert (case.current_risk_level, case.risk_level_source) == (RiskLevel.HIGH, RiskSource.PANEL)


def test_an_older_assessment_entered_late_does_not_change_the_level(case, worker):
    common = {"summary": "", "young_person_views": "v", "family_views": "f", "actor": worker, "case": case}
    services.risk_assessment_record(
        assessed_at=timezone.now(), factors=factors(), overall_level=RiskLevel.MEDIUM, **common
    )
    services.risk_assessment_record(
        assessed_at=case.opened_at, factors=factors(), overall_level=RiskLevel.HIGH, **common
    )
    assert Case.objects.get(pk=case.pk).current_risk_level == RiskLevel.MEDIUM


def test_each_factor_needs_a_level_and_evidence_and_both_views_are_needed(case, worker):
    bad = factors()
    bad[ExploitationFactor.COERCION] = {"level": FactorLevel.ACUTE, "evidence": " "}
    del bad[ExploitationFactor.EDUCATION]
    bad[ExploitationFactor.HEALTH] = {"level": FactorLevel.NOT_PRESENT, "evidence": ""}
    with pytest.raises(ValidationError) as exc:
        services.risk_assessment_record(
            case=case,
            assessed_at=timezone.now(),
            factors=bad,
            overall_level="",
            summary="",
            young_person_views="",
            family_views="",
            actor=worker,
        )
    assert set(exc.value.message_dict) == {
        "coercion_evidence",
        "education_level",
        "overall_level",
        "young_person_views",
        "family_views",
    }


def test_the_next_visit_clock_starts_at_allocation_not_before(leader, worker):
    case = open_case(leader)
    assert case.next_visit_due_at is None  # unallocated: the allocation is what is due
    services.case_allocate(case=case, worker=worker, actor=leader)
    case.refresh_from_db()
    interval = service_settings().frequency("visit_frequency_not_assessed").interval
    assert case.next_visit_due_at == clock.add_clock_hours(
        case.allocations.get().started_at, interval.total_seconds() / 3600
    )


def test_the_panel_decision_outranks_the_workers_assessment(personas):
    case = CaseFactory()
    leader = personas["team_leader"]
    services.case_set_risk_level(case=case, level="medium", source=RiskSource.ASSESSMENT, actor=leader, reason="RA")
    services.case_set_risk_level(case=case, level="high", source=RiskSource.PANEL, actor=leader, reason="Panel")
    services.case_set_risk_level(case=case, level="low", source=RiskSource.ASSESSMENT, actor=leader, reason="RA 2")
    case = Case.objects.get(pk=case.pk)
    assert (case.current_risk_level, case.risk_level_source) == ("high", RiskSource.PANEL)
    latest = case.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (leader, "Panel")
    events = list(case.chronology.filter(kind=ChronologyKind.RISK_LEVEL).values_list("summary", flat=True))
    assert events == [
        "Risk level Medium → High (risk panel decision)",
        "Risk level none → Medium (worker's risk assessment)",
    ]


def test_a_worker_without_the_case_cannot_set_its_risk(personas):
    from django.core.exceptions import PermissionDenied

    case = CaseFactory()
    with pytest.raises(PermissionDenied):
        services.case_set_risk_level(
            case=case, level="high", source=RiskSource.ASSESSMENT, actor=personas["cate_worker"], reason="x"
        )
    assert personas["cate_worker"].has_perm("cate.add_visit")
    assert not personas["cate_worker"].has_perm("cate.view_all_cases")
    assert personas["screener"].groups.get().name == Role.SCREENER.label


def test_a_case_change_with_no_exploitation_type_and_no_classification_names_both_at_once(case, leader):
    with pytest.raises(ValidationError) as exc:
        services.case_update(
            case=case,
            open_to=OpenTo.CATE,
            cse=False,
            cce=False,
            other_exploitation=False,
            classification="",
            actor=leader,
            reason="x",
        )
    assert set(exc.value.message_dict) == {"exploitation_types", "classification"}

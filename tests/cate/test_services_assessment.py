"""The detailed assessment and its outcomes, opening a case."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cate import services
from cate.choices import (
    AssessmentOutcome,
    AssessmentType,
    CaseStatus,
    ChronologyKind,
    Classification,
    OpenTo,
    ReferralStatus,
)
from cate.models import Case, NrmReferral
from core.exceptions import TransitionNotAllowed
from core.selectors import service_settings
from tests.factories import ChildFactory, ContactFactory, ReferralFactory, open_case

from .helpers import assert_history

pytestmark = pytest.mark.django_db

OPENING = services.CaseOpening(cse=True, cce=True, other_exploitation=False, classification=Classification.VICTIM)


def test_starting_the_assessment_gives_it_to_its_author(personas):
    leader, worker = personas["team_leader"], personas["cate_worker"]
    referral = ReferralFactory()
    assessment = services.assessment_start(
        referral=referral, assessment_type=AssessmentType.CATE, author=worker, actor=leader
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ASSESSMENT_IN_PROGRESS
    assert assessment.author == worker
    assert_history(assessment, leader, f"CATE assessment started by {worker}")
    assert_history(referral, leader, "Detailed assessment started")
    with pytest.raises(TransitionNotAllowed):
        services.assessment_start(referral=referral, assessment_type=AssessmentType.CATE, author=worker, actor=leader)
    with pytest.raises(PermissionDenied):
        services.assessment_start(
            referral=ReferralFactory(), assessment_type=AssessmentType.CATE, author=worker, actor=worker
        )
    with pytest.raises(ValidationError):
        services.assessment_start(
            referral=ReferralFactory(), assessment_type=AssessmentType.CATE, author=personas["screener"], actor=leader
        )


def test_the_author_records_the_assessment_with_optimistic_locking(personas):
    from core.exceptions import StaleRecord

    leader, worker = personas["team_leader"], personas["cate_worker"]
    assessment = services.assessment_start(
        referral=ReferralFactory(), assessment_type=AssessmentType.CATE, author=worker, actor=leader
    )
    services.assessment_update(
        assessment=assessment,
        assessment_type=AssessmentType.CHILD_AND_FAMILY,
        author=worker,
        cse_is_factor=True,
        summary="Met the young person twice",
        actor=worker,
        expected_version=1,
    )
    assessment.refresh_from_db()
    assert (assessment.assessment_type, assessment.version) == (AssessmentType.CHILD_AND_FAMILY, 2)
    assert_history(assessment, worker, "Detailed assessment updated")
    with pytest.raises(StaleRecord):
        services.assessment_update(
            assessment=assessment,
            assessment_type=AssessmentType.CATE,
            author=worker,
            cse_is_factor=True,
            summary="Overwrite",
            actor=worker,
            expected_version=1,
        )
    with pytest.raises(PermissionDenied):
        services.assessment_update(
            assessment=assessment,
            assessment_type=AssessmentType.CATE,
            author=worker,
            cse_is_factor=True,
            summary="",
            actor=personas["other_worker"],
        )


@pytest.mark.parametrize(
    ("outcome", "open_to"),
    [
        (AssessmentOutcome.OPENED_CATE, OpenTo.CATE),
        (AssessmentOutcome.OPENED_STATUTORY, OpenTo.STATUTORY),
        (AssessmentOutcome.OPENED_BOTH, OpenTo.BOTH),
    ],
)
def test_an_opening_outcome_opens_the_case(personas, outcome, open_to):
    leader = personas["team_leader"]
    child = ChildFactory(date_of_birth=dt.date(2010, 5, 20))
    referral = ReferralFactory(child=child, contact=ContactFactory(child=child))
    assessment = services.assessment_start(
        referral=referral, assessment_type=AssessmentType.CATE, author=leader, actor=leader
    )
    before = timezone.now()
    assessment, case = services.assessment_record_outcome(
        assessment=assessment,
        outcome=outcome,
        cse_is_factor=True,
        completed_at=timezone.now(),
        summary="Exploitation confirmed",
        opening=OPENING,
        actor=leader,
    )
    assert case.status == CaseStatus.OPEN and case.open_to == open_to
    assert case.reference == f"CATE-{timezone.localdate().year}-00001"
    assert (case.cse, case.cce, case.other_exploitation) == (True, True, False)
    assert (case.classification, case.classified_by) == (Classification.VICTIM, leader)
    assert case.classified_at >= before
    assert case.allocation_due_at == service_settings().due("allocation", case.opened_at)
    assert case.transition_due_on == dt.date(2027, 8, 20)  # 17 years and 3 months
    assert_history(case, leader, f"Case opened: {outcome.label}")
    assert_history(assessment, leader, f"Outcome: {outcome.label}")
    kinds = list(case.chronology.order_by("occurred_at", "id").values_list("kind", flat=True))
    assert kinds == [ChronologyKind.REFERRAL, ChronologyKind.ASSESSMENT, ChronologyKind.OPENED]
    nrm = NrmReferral.objects.filter(case=case).first()
    child.refresh_from_db()
    if open_to == OpenTo.STATUTORY:
        assert nrm is None and not child.open_to_cate
    else:
        assert nrm.due_at == service_settings().due("nrm_referral", case.opened_at)
        assert child.open_to_cate and not child.previously_known_to_cate


@pytest.mark.parametrize(
    "outcome",
    [
        AssessmentOutcome.SINGLE_AGENCY_EARLY_HELP,
        AssessmentOutcome.EARLY_HELP_CSE_NOT_FACTOR,
        AssessmentOutcome.STATUTORY_CSE_NOT_FACTOR,
    ],
)
def test_a_not_opened_outcome_completes_the_referral_without_a_case(personas, outcome):
    leader = personas["team_leader"]
    referral = ReferralFactory()
    assessment = services.assessment_start(
        referral=referral, assessment_type=AssessmentType.CATE, author=leader, actor=leader
    )
    cse = outcome == AssessmentOutcome.SINGLE_AGENCY_EARLY_HELP
    _, case = services.assessment_record_outcome(
        assessment=assessment,
        outcome=outcome,
        cse_is_factor=cse,
        completed_at=timezone.now(),
        summary="Early help is enough",
        actor=leader,
    )
    referral.refresh_from_db()
    assert case is None and referral.status == ReferralStatus.COMPLETED
    assert not Case.objects.exists()


def test_outcomes_must_agree_with_the_assessment(personas):
    leader = personas["team_leader"]

    def outcome_errors(outcome, cse, kind=AssessmentType.CATE, opening=None):
        assessment = services.assessment_start(
            referral=ReferralFactory(), assessment_type=kind, author=leader, actor=leader
        )
        with pytest.raises(ValidationError) as exc:
            services.assessment_record_outcome(
                assessment=assessment,
                outcome=outcome,
                cse_is_factor=cse,
                completed_at=timezone.now(),
                summary="",
                opening=opening,
                actor=leader,
            )
        return exc.value.message_dict

    assert "outcome" in outcome_errors(AssessmentOutcome.EARLY_HELP_CSE_NOT_FACTOR, True)
    assert "outcome" in outcome_errors(AssessmentOutcome.EARLY_HELP_AFTER_CF, True)
    assert "cse_is_factor" in outcome_errors(AssessmentOutcome.OPENED_CATE, None, opening=OPENING)
    errors = outcome_errors(AssessmentOutcome.OPENED_CATE, True)
    assert {"exploitation_types", "classification"} <= set(errors)
    assert not Case.objects.exists()


def test_early_help_after_a_child_and_family_assessment(personas):
    leader = personas["team_leader"]
    assessment = services.assessment_start(
        referral=ReferralFactory(), assessment_type=AssessmentType.CHILD_AND_FAMILY, author=leader, actor=leader
    )
    assessment, case = services.assessment_record_outcome(
        assessment=assessment,
        outcome=AssessmentOutcome.EARLY_HELP_AFTER_CF,
        cse_is_factor=True,
        completed_at=timezone.now(),
        summary="Family support is enough",
        actor=leader,
    )
    assert case is None and assessment.outcome == AssessmentOutcome.EARLY_HELP_AFTER_CF


def test_a_worker_cannot_record_the_outcome(personas):
    leader, worker = personas["team_leader"], personas["cate_worker"]
    assessment = services.assessment_start(
        referral=ReferralFactory(), assessment_type=AssessmentType.CATE, author=worker, actor=leader
    )
    with pytest.raises(PermissionDenied):
        services.assessment_record_outcome(
            assessment=assessment,
            outcome=AssessmentOutcome.OPENED_CATE,
            cse_is_factor=True,
            completed_at=timezone.now(),
            summary="",
            opening=OPENING,
            actor=worker,
        )


def test_a_child_has_one_live_case(personas):
    leader = personas["team_leader"]
    case = open_case(leader)
    second = ReferralFactory(child=case.child)
    with pytest.raises(ValidationError, match="already has an open CATE case"):
        open_case(leader, referral=second)
    second.refresh_from_db()
    assert second.status == ReferralStatus.ASSESSMENT_IN_PROGRESS  # nothing of the outcome was kept


def test_an_older_young_person_has_the_transition_meeting_due_from_opening(personas):
    today = timezone.localdate()
    dob = today.replace(year=today.year - 17) - dt.timedelta(days=200)
    case = open_case(personas["team_leader"], date_of_birth=dob)
    from core.clock import add_months_to_date

    assert case.transition_due_on == add_months_to_date(today, 3)


def test_the_assessment_is_a_draft_until_completed_and_completing_names_every_gap_at_once(personas):
    leader, worker = personas["team_leader"], personas["cate_worker"]
    assessment = services.assessment_start(
        referral=ReferralFactory(), assessment_type=AssessmentType.CATE, author=worker, actor=leader
    )
    assessment = services.assessment_update(  # a draft: nothing of it is needed yet
        assessment=assessment,
        assessment_type=AssessmentType.CATE,
        author=worker,
        cse_is_factor=None,
        summary="",
        actor=worker,
    )
    with pytest.raises(ValidationError) as exc:
        services.assessment_record_outcome(
            assessment=assessment,
            outcome=AssessmentOutcome.OPENED_CATE,
            cse_is_factor=None,
            completed_at=timezone.now() + dt.timedelta(days=2),
            summary="  ",
            opening=None,
            actor=leader,
        )
    assert exc.value.message_dict == {
        "cse_is_factor": ["Select whether CSE is a factor"],
        "exploitation_types": ["Select the types of exploitation"],
        "classification": ["Select a classification"],
        "completed_on": ["The date completed must be today or in the past"],
        "summary": ["Enter the summary of the assessment"],
    }
    assessment.refresh_from_db()
    assert assessment.referral.status == ReferralStatus.ASSESSMENT_IN_PROGRESS and not assessment.outcome

    services.assessment_update(
        assessment=assessment,
        assessment_type=AssessmentType.CATE,
        author=worker,
        cse_is_factor=None,
        summary="Met her twice; she is frightened of an older man",
        actor=worker,
    )
    assessment, _ = services.assessment_record_outcome(  # the summary written in the draft counts
        assessment=assessment,
        outcome=AssessmentOutcome.SINGLE_AGENCY_EARLY_HELP,
        cse_is_factor=True,
        completed_at=timezone.now(),
        summary="",
        actor=leader,
    )
    assert assessment.summary == "Met her twice; she is frightened of an older man"

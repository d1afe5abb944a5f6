"""Submitting intelligence, grading, matching, sharing and feedback: the services (issue 20)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cate.models import ChronologyEvent
from core import clock
from core.exceptions import StaleRecord
from core.models import Notification
from intelligence import selectors, services
from intelligence.choices import Audience, IntelligenceStatus, Outcome, SourceType
from intelligence.models import IntelligenceReport
from network.choices import LinkKind, LinkSource
from network.models import Link
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def submit(user, **kwargs):
    fields = {"source_type": SourceType.STREET_PASTOR, "what_seen": "Two girls got into a silver car at 1am"}
    return services.report_submit(actor=user, **{**fields, **kwargs})


def grade(report, reviewer, **kwargs):
    fields = {
        "source_evaluation": "2",
        "assessment": "B",
        "handling_code": "P",
        "sanitised": "Children seen getting into a car late at night near the takeaway.",
        "review_on": timezone.localdate() + dt.timedelta(days=30),
    }
    return services.report_grade(report=report, actor=reviewer, **{**fields, **kwargs})


@pytest.mark.parametrize("source", list(SourceType))
def test_every_kind_of_partner_submits_with_a_reference_at_once(health_partner, source):
    report = submit(health_partner, source_type=source, about_children="Ellis, about 14, Riverside Academy")
    assert report.reference.startswith(f"INT-{clock.local_date(report.submitted_at).year}-")
    assert report.status == IntelligenceStatus.SUBMITTED
    row = report.history.latest()
    assert (row.history_user, row.history_change_reason) == (health_partner, "Intelligence submitted")


def test_references_follow_on_and_the_feedback_falls_due_in_ten_working_days(health_partner):
    first, second = submit(health_partner), submit(health_partner)
    assert int(second.reference[-5:]) == int(first.reference[-5:]) + 1
    assert first.feedback_due_at == clock.add_working_days(first.submitted_at, 10)


def test_a_submission_needs_what_was_seen_and_a_source_every_fault_at_once(health_partner):
    with pytest.raises(ValidationError) as caught:
        services.report_submit(actor=health_partner, source_type="astrologer", what_seen=" ")
    assert set(caught.value.message_dict) == {"source_type", "what_seen"}


def test_seen_in_the_future_is_refused(health_partner):
    with pytest.raises(ValidationError) as caught:
        submit(health_partner, seen_at=timezone.now() + dt.timedelta(days=1))
    assert "seen_at" in caught.value.message_dict


def test_grading_3x5x2_and_code_c_needs_conditions(reviewer, health_partner):
    report = submit(health_partner)
    with pytest.raises(ValidationError) as caught:
        grade(report, reviewer, handling_code="C", source_evaluation="4", assessment="F", review_on=None)
    assert set(caught.value.message_dict) == {"conditions", "source_evaluation", "assessment", "review_on"}
    report = grade(report, reviewer, handling_code="C", conditions="Police only", original_readers=[Audience.POLICE])
    assert report.grade == "2/B/C" and report.status == IntelligenceStatus.GRADED
    assert report.history.latest().history_change_reason == "Graded 2/B/C"


def test_only_reviewers_grade_share_and_give_feedback(health_partner, worker):
    report = submit(health_partner)
    with pytest.raises(PermissionDenied):
        grade(report, worker)
    with pytest.raises(PermissionDenied):
        services.report_feedback(report=report, actor=health_partner, outcome=Outcome.SHARED, feedback="Thanks")


def test_a_grade_from_an_old_page_is_refused(reviewer, health_partner):
    report = submit(health_partner)
    grade(report, reviewer)
    with pytest.raises(StaleRecord):
        grade(report, reviewer, assessment="A", expected_version=1)


def test_feedback_tells_the_submitter_and_their_view_shows_it(
    reviewer, health_partner, django_capture_on_commit_callbacks
):
    report = submit(health_partner)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_feedback(
            report=report, actor=reviewer, outcome=Outcome.SHARED, feedback="Passed to the police: thank you"
        )
    note = Notification.objects.get(recipient=health_partner)
    assert report.reference in note.title and "Passed to the police" not in note.title + note.body
    assert note.url == report.get_own_url()
    own = selectors.own_report_get(health_partner, report.pk)
    assert own.feedback == "Passed to the police: thank you" and own.status == IntelligenceStatus.IN_REVIEW


def test_the_feedback_clock_marks_the_queue_overdue(reviewer, health_partner):
    now = timezone.now()
    late = submit(health_partner, now=now - dt.timedelta(days=30))
    fresh = submit(health_partner, now=now)
    overdue = list(selectors.review_queue(reviewer, show="overdue", now=now, today=timezone.localdate()))
    assert overdue == [late]
    counts = selectors.queue_counts(reviewer, now=now, today=timezone.localdate())
    assert (counts["open"], counts["overdue"]) == (2, 1)
    services.report_feedback(report=late, actor=reviewer, outcome=Outcome.NO_FURTHER_ACTION, feedback="Noted")
    assert list(selectors.review_queue(reviewer, show="overdue", now=now, today=timezone.localdate())) == []
    assert fresh in selectors.review_queue(reviewer, show="open", now=now, today=timezone.localdate())


def test_matching_and_linking_go_through_the_network(reviewer, health_partner, child, person):
    report = submit(health_partner)
    on_child = services.subject_match(report=report, actor=reviewer, record=child)
    on_person = services.subject_match(report=report, actor=reviewer, record=person)
    with pytest.raises(ValidationError):
        services.subject_match(report=report, actor=reviewer, record=person)
    link = services.subjects_link(report=report, actor=reviewer, a=on_child, b=on_person, kind=LinkKind.SEEN_WITH)
    assert (link.source, link.source_record) == (LinkSource.INTELLIGENCE, report.pk)
    assert Link.objects.filter(pk=link.pk, created_by=reviewer).exists()
    services.subject_remove(subject=on_person, actor=reviewer, reason="Another man of that name")
    assert [s.pk for s in selectors.subjects_for(reviewer, report)] == [on_child.pk]


def test_sharing_with_cate_writes_the_sanitised_version_on_the_open_case(reviewer, health_partner, case, worker):
    report = submit(health_partner, what_seen="ORIGINAL WORDS naming the source")
    services.subject_match(report=report, actor=reviewer, record=case.child)
    with pytest.raises(ValidationError):  # not graded yet
        services.report_share(report=report, actor=reviewer, audience=Audience.CATE)
    grade(report, reviewer, handling_code="C", conditions="Police only", original_readers=[Audience.POLICE])
    services.report_share(report=report, actor=reviewer, audience=Audience.CATE)
    event = ChronologyEvent.objects.filter(case=case, summary__contains=report.reference).get()
    assert "Children seen getting into a car" in event.summary and "ORIGINAL" not in event.summary
    rows = selectors.report_rows(worker, selectors.reports_about_child(worker, case.child))
    assert [(r.report, r.original) for r in rows] == [(report, False)]
    with pytest.raises(ValidationError):
        services.report_share(report=report, actor=reviewer, audience=Audience.CATE)


def test_code_c_reaches_only_the_roles_it_names(reviewer, health_partner, police_partner, screener, worker, case):
    report = submit(health_partner)
    services.subject_match(report=report, actor=reviewer, record=case.child)
    grade(report, reviewer, handling_code="C", conditions="Police only", original_readers=[Audience.POLICE])
    for audience in (Audience.POLICE, Audience.FAMILY_CONNECT):
        services.report_share(report=report, actor=reviewer, audience=audience)
    by_reader = {
        user.username: selectors.report_rows(user, selectors.reports_visible_to(user))
        for user in (police_partner, screener, worker, health_partner)
    }
    assert [r.original for r in by_reader["pc"]] == [True]
    assert [r.original for r in by_reader["screener"]] == [False]
    assert by_reader["worker"] == [] and by_reader["nurse"] == []  # not shared with CATE; the submitter's own view only


def test_a_restricted_child_hides_the_intelligence_from_partners_not_named(reviewer, health_partner, police_partner):
    from contacts.models import Child

    child = ChildFactory()
    report = submit(health_partner)
    services.subject_match(report=report, actor=reviewer, record=child)
    grade(report, reviewer)
    services.report_share(report=report, actor=reviewer, audience=Audience.POLICE)
    assert list(selectors.reports_visible_to(police_partner)) == [report]
    Child.objects.filter(pk=child.pk).update(is_restricted=True)
    assert list(selectors.reports_visible_to(police_partner)) == []
    assert selectors.subjects_for(reviewer, report) == []  # the reviewer is not named either


def test_closed_intelligence_is_not_graded_again(reviewer, health_partner):
    report = grade(submit(health_partner), reviewer)
    services.report_feedback(report=report, actor=reviewer, outcome=Outcome.SHARED, feedback="Done", close=True)
    report.refresh_from_db()
    assert report.status == IntelligenceStatus.CLOSED
    with pytest.raises(ValidationError):
        grade(report, reviewer)
    assert IntelligenceReport.objects.count() == 1

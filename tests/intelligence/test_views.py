"""Pages of intelligence: submitting and the acknowledgement, the submitter's own view, the reviewer's
queue, what shared readers see, the sections on other pages, the access log and query-count guards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AccessLog
from intelligence import services
from intelligence.choices import Audience, Outcome, SourceType, Tactic
from intelligence.models import IntelligenceReport
from tests.factories import LinkFactory, node_of

pytestmark = pytest.mark.django_db

ORIGINAL = "Seen: a girl got into a black car, the driver called her by name"
SANITISED = "A child was seen getting into a car late at night."


def submit(user, **kwargs):
    fields = {"source_type": SourceType.PCSO, "what_seen": ORIGINAL}
    return services.report_submit(actor=user, **{**fields, **kwargs})


def graded(report, reviewer, **kwargs):
    fields = {
        "source_evaluation": "1",
        "assessment": "A",
        "handling_code": "C",
        "conditions": "Police only: not to be disclosed to the subject",
        "original_readers": [Audience.POLICE],
        "sanitised": SANITISED,
        "review_on": timezone.localdate() + dt.timedelta(days=30),
    }
    return services.report_grade(report=report, actor=reviewer, **{**fields, **kwargs})


def test_submitting_shows_the_reference_at_once(health_partner, client_for):
    client = client_for(health_partner)
    response = client.post(
        reverse("intelligence:report_submit"),
        {
            "source_type": SourceType.TAXI_DRIVER,
            "what_seen": "Two girls collected at 1am",
            "about_children": "Ellis, 14",
        },
    )
    report = IntelligenceReport.objects.get()
    assert response.status_code == 302 and response["Location"] == report.get_own_url() + "?submitted=1"
    page = client.get(response["Location"]).content.decode()
    assert "Intelligence submitted" in page and report.reference in page


def test_bad_input_keeps_what_was_typed(health_partner, client_for):
    response = client_for(health_partner).post(
        reverse("intelligence:report_submit"),
        {"source_type": "nonsense", "what_seen": "", "about_adults": "A man called Dax", "seen_at_day": "31"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "A man called Dax" in page and IntelligenceReport.objects.count() == 0


def test_the_submitters_own_view_shows_status_and_feedback_only(health_partner, reviewer, client_for, child):
    report = submit(health_partner)
    graded(report, reviewer)
    services.subject_match(report=report, actor=reviewer, record=child)
    services.report_feedback(report=report, actor=reviewer, outcome=Outcome.SHARED, feedback="Thank you: passed on")
    page = client_for(health_partner).get(report.get_own_url()).content.decode()
    assert "Thank you: passed on" in page and ORIGINAL in page
    for withheld in (SANITISED, "Police only", "1/A/C", str(child)):
        assert withheld not in page
    assert client_for(health_partner).get(report.get_absolute_url()).status_code == 404


def test_someone_elses_submission_is_404_in_the_own_view(health_partner, police_partner, client_for):
    report = submit(health_partner)
    assert client_for(police_partner).get(report.get_own_url()).status_code == 404


def test_shared_readers_see_the_version_the_conditions_allow_and_each_read_is_logged(
    health_partner, reviewer, police_partner, screener, client_for
):
    report = submit(health_partner)
    graded(report, reviewer)
    for audience in (Audience.POLICE, Audience.FAMILY_CONNECT):
        services.report_share(report=report, actor=reviewer, audience=audience)
    police_page = client_for(police_partner).get(report.get_absolute_url()).content.decode()
    screener_page = client_for(screener).get(report.get_absolute_url()).content.decode()
    assert ORIGINAL in police_page and "Police only" in police_page
    assert SANITISED in screener_page and ORIGINAL not in screener_page and "Police only" not in screener_page
    assert AccessLog.objects.filter(object_id=str(report.pk), user__in=[police_partner, screener]).count() == 2


def test_the_queue_marks_overdue_feedback(reviewer, health_partner, client_for):
    submit(health_partner, now=timezone.now() - dt.timedelta(days=30))
    page = client_for(reviewer).get(reverse("intelligence:queue") + "?show=overdue").content.decode()
    assert "Overdue" in page


@pytest.mark.parametrize("rows", [1, 30])
def test_the_queue_costs_the_same_queries_for_1_and_30(
    reviewer, health_partner, client_for, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        submit(health_partner)
    client = client_for(reviewer)
    client.get(reverse("intelligence:queue"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("intelligence:queue")).status_code == 200


@pytest.mark.parametrize("rows", [1, 30])
def test_a_childs_intelligence_costs_the_same_for_1_and_30(
    reviewer, health_partner, worker, case, client_for, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        report = graded(submit(health_partner), reviewer)
        services.subject_match(report=report, actor=reviewer, record=case.child)
        services.report_share(report=report, actor=reviewer, audience=Audience.CATE)
    client = client_for(worker)
    url = reverse("intelligence:child_reports", args=[case.child.pk])
    client.get(url)
    with django_assert_max_num_queries(16):
        page = client.get(url).content.decode()
    assert SANITISED in page and ORIGINAL not in page


@pytest.mark.parametrize("rows", [1, 20])
def test_a_persons_page_shows_its_disruption_at_the_same_cost(
    reviewer, person, council, leader, client_for, rows, django_assert_max_num_queries
):
    today = timezone.localdate()
    for n in range(rows):
        services.disruption_record(
            actor=reviewer,
            target=person,
            tactic=Tactic.PATROL,
            description=f"Patrol {n}",
            lead_agency=council,
            owner_name="Officer",
            planned_on=today,
            due_on=today,
        )
    client = client_for(leader)
    client.get(person.get_absolute_url())
    with django_assert_max_num_queries(40):
        page = client.get(person.get_absolute_url()).content.decode()
    assert "Patrol 0" in page and "Plan a disruption" in page


def test_the_childs_and_cases_pages_show_disruption_around_the_child(
    reviewer, person, council, case, worker, client_for
):
    LinkFactory(a=node_of(case.child), b=node_of(person), created_by=reviewer)
    today = timezone.localdate()
    services.disruption_record(
        actor=reviewer,
        target=person,
        tactic=Tactic.ARREST,
        description="Arrest on warrant",
        lead_agency=council,
        owner_name="Officer",
        planned_on=today,
        due_on=today,
    )
    page = client_for(worker).get(case.get_absolute_url()).content.decode()
    assert "Arrest on warrant" in page


def test_agreement_for_the_police_through_the_pages(reviewer, police_partner, place, police_agency, client_for):
    today = timezone.localdate()
    disruption = services.disruption_record(
        actor=reviewer,
        target=place,
        tactic=Tactic.PREMISES,
        description="Licence review",
        lead_agency=police_agency,
        owner_name="Licensing officer",
        planned_on=today,
        due_on=today,
        could_affect_investigation=True,
    )
    url = reverse("intelligence:disruption_close", args=[disruption.pk])
    data = {"version": 2, "status": "done", "outcome": "Done", **_day("done_on", today)}
    page = client_for(reviewer).post(url, data).content.decode()
    assert "a police reviewer must agree" in page
    agree = reverse("intelligence:disruption_agree", args=[disruption.pk])
    assert client_for(reviewer).get(agree).status_code == 403
    response = client_for(police_partner).post(agree, {"version": 2, "note": "Agreed after the operation"})
    assert response.status_code == 302
    assert client_for(reviewer).post(url, {**data, "version": 3}).status_code == 302


def _day(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def test_the_partnerships_figures_name_no_one(reviewer, health_partner, client_for, make_user):
    from core.roles import Role

    report = graded(submit(health_partner, source_type=SourceType.STREET_PASTOR), reviewer)
    services.report_feedback(report=report, actor=reviewer, outcome=Outcome.SHARED, feedback="Thanks")
    manager = make_user(Role.GROUP_MANAGER, username="gm")
    today = timezone.localdate()
    query = {**_day("start", today - dt.timedelta(days=1)), **_day("end", today)}
    page = client_for(manager).get(reverse("reporting:intelligence_report"), query).content.decode()
    assert 'With feedback</dt><dd class="govuk-summary-list__value">1, of which 1 within' in page
    assert ORIGINAL not in page and str(health_partner) not in page
    assert client_for(health_partner).get(reverse("reporting:intelligence_report")).status_code == 403


@pytest.mark.parametrize("rows", [1, 20])
def test_the_reviewers_tray_counts_what_its_lists_show(
    reviewer, health_partner, client_for, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        submit(health_partner, now=timezone.now() - dt.timedelta(days=30))
    client = client_for(reviewer)
    client.get(reverse("core:home"))
    with django_assert_max_num_queries(20):
        home = client.get(reverse("core:home")).content.decode()
    assert "Overdue for feedback" in home
    queue = client.get(reverse("intelligence:queue") + "?show=overdue").context["page"]
    assert queue.paginator.count == rows

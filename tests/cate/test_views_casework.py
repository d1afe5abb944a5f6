"""Pages through the test client: forms, errors that keep what was typed, redirects, documents."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cate import services
from cate.choices import AssessmentType, CaseStatus, ReferralStatus, VisitKind
from cate.models import Case, Visit
from cate.rules import closure_item_field, outstanding_field
from core import services as core_services
from tests.factories import ReferralFactory, allocated_case, closure_reasons, open_case

pytestmark = pytest.mark.django_db


def date_parts(prefix, day, time=None):
    data = {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}
    if time:
        data[f"{prefix}_time"] = time
    return data


def test_recording_the_outcome_opens_the_case(personas, client_for):
    leader = personas["team_leader"]
    referral = ReferralFactory()
    services.assessment_start(referral=referral, assessment_type=AssessmentType.CATE, author=leader, actor=leader)
    client = client_for(leader)
    url = reverse("cate:assessment_outcome", args=[referral.pk])
    data = {"outcome": "opened_cate", "cse_is_factor": "yes", "exploitation_types": ["cse", "cce"], "version": "1"}
    data.update(date_parts("completed_on", timezone.localdate()))
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in html
    assert "Select whether the child is a victim or at risk" in html
    assert "Enter the summary of the assessment" in html  # every gap in the one summary
    assert 'value="cce" checked' in html and 'value="opened_cate" checked' in html  # nothing typed is lost
    data.update(classification="at_risk", summary="Frightened of an older man")
    response = client.post(url, data)
    case = Case.objects.get(referral=referral)
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED and case.cce and case.classified_by == leader


def test_the_outcome_form_names_every_fault_at_once_and_the_draft_who_changed_it(personas, client_for):
    leader, worker = personas["team_leader"], personas["cate_worker"]
    referral = ReferralFactory()
    services.assessment_start(referral=referral, assessment_type=AssessmentType.CATE, author=worker, actor=leader)
    client_for(worker).post(
        reverse("cate:assessment_edit", args=[referral.pk]),
        {"assessment_type": "cate", "author": worker.pk, "summary": "Half written", "version": "1"},
    )
    client = client_for(leader)
    page = client.get(referral.get_absolute_url()).content.decode()
    assert f"Last changed by {worker.get_full_name()} on " in page
    url = reverse("cate:assessment_outcome", args=[referral.pk])
    data = {"outcome": "opened_cate", "version": "2", "summary": ""}
    data.update(date_parts("completed_on", timezone.localdate() + dt.timedelta(days=3)))
    html = client.post(url, data).content.decode()
    summary = html.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    for message in (
        "Select whether CSE is a factor",
        "Date completed must be today or in the past",
        "Select the types of exploitation",
        "Select whether the child is a victim or at risk",
    ):
        assert message in summary
    assert summary.count("<li>") == 4  # the summary written in the draft counts


def test_allocating_past_the_limit_asks_for_a_reason(personas, client_for):
    leader, worker = personas["team_leader"], personas["cate_worker"]
    core_services.setting_update(key="caseload_limit", value=1, actor=personas["group_manager"], reason="Test")
    allocated_case(leader, worker)
    case = open_case(leader)
    client = client_for(leader)
    url = reverse("cate:case_allocate", args=[case.pk])
    page = client.get(url).content.decode()
    assert f"{worker} – 1 of 1 cases (at or past the limit)" in page
    response = client.post(url, {"worker": worker.pk, "version": case.version})
    assert "Enter the reason for allocating past the limit" in response.content.decode()
    response = client.post(url, {"worker": worker.pk, "version": case.version, "over_limit_reason": "Sibling"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).allocated_worker == worker


def test_a_visit_form_keeps_what_was_typed_and_the_case_shows_the_next_visit(case, worker, client_for):
    client = client_for(worker)
    url = reverse("cate:visit_add", args=[case.pk])
    bad = {"kind": "face_to_face", "location": "Library", **date_parts("visited_at", timezone.localdate(), "25:00")}
    response = client.post(url, bad)
    html = response.content.decode()
    assert "must include a real time" in html and 'value="Library"' in html
    good = {**bad, "visited_at_time": timezone.localtime().strftime("%H:%M")}
    assert client.post(url, good).status_code == 302
    case.refresh_from_db()
    page = client.get(case.get_absolute_url()).content.decode()
    assert timezone.localtime(case.next_visit_due_at).strftime("%-d %B %Y %H:%M") in page
    assert "Expected: once a week until the risk level is set" in page


def test_a_stale_edit_is_refused_and_nothing_is_lost(case, worker, client_for):
    visit = services.visit_record(
        case=case, visited_at=timezone.now(), kind=VisitKind.PHONE, location="", seen_alone=None, notes="", actor=worker
    )
    services.visit_update(
        visit=visit,
        visited_at=visit.visited_at,
        kind=VisitKind.PHONE,
        location="",
        seen_alone=None,
        notes="Someone else's note",
        actor=worker,
    )
    when = timezone.localtime(visit.visited_at)
    data = {
        "version": "1",
        "kind": "video",
        "notes": "My note",
        **date_parts("visited_at", when.date(), when.strftime("%H:%M")),
    }
    response = client_for(worker).post(reverse("cate:visit_edit", args=[case.pk, visit.pk]), data)
    html = response.content.decode()
    assert "Someone else changed this record" in html and "Notes" in html and "My note" in html
    assert Visit.objects.get(pk=visit.pk).notes == "Someone else's note"


def test_a_disclosure_leads_to_an_isva_referral(case, worker, client_for):
    client = client_for(worker)
    data = {"made_to_worker": "yes", "summary": "Named an adult", **date_parts("disclosed_on", timezone.localdate())}
    response = client.post(reverse("cate:disclosure_add", args=[case.pk]), data)
    assert response["Location"] == reverse("cate:support_referral_add", args=[case.pk]) + "?service=isva"
    page = client.get(response["Location"]).content.decode()
    assert '<option value="isva" selected>' in page
    case_page = client.get(case.get_absolute_url()).content.decode()
    assert "likely witness" in case_page and "Refer to the ISVA service" in case_page
    data = {"service": "isva", "status": "referred", **date_parts("referred_on", timezone.localdate())}
    assert client.post(response["Location"], data).status_code == 302
    assert "Refer to the ISVA service" not in client.get(case.get_absolute_url()).content.decode()


def test_gp_letter_page_pdf_and_sent(case, worker, client_for):
    letter = case.gp_letters.get()
    client = client_for(worker)
    page = client.get(reverse("cate:gp_letter_detail", args=[case.pk, letter.pk])).content.decode()
    assert case.reference in page and "Record the letter as sent" in page
    response = client.get(reverse("cate:gp_letter_pdf", args=[case.pk, letter.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert case.reference in text and case.child.full_name in text
    data = {"version": "1", **date_parts("sent_on", timezone.localdate())}
    response = client.post(reverse("cate:gp_letter_sent", args=[case.pk, letter.pk]), data)
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.sent_on == timezone.localdate()


def test_a_late_interview_without_a_reason_is_refused_on_the_form(case, worker, client_for):
    now = timezone.now()
    episode = services.missing_episode_record(
        case=case,
        missing_from=now - dt.timedelta(days=6),
        returned_at=now - dt.timedelta(days=5),
        reported_by="",
        police_reference="",
        where_found="",
        rhi_eligible=True,
        rhi_ineligible_reason="",
        actor=worker,
    )
    client = client_for(worker)
    url = reverse("cate:rhi_edit", args=[case.pk, episode.pk])
    local = timezone.localtime(now - dt.timedelta(minutes=10))
    data = {
        "status": "completed",
        "conducted_by": worker.pk,
        "child_said": "Did not want to talk",
        **date_parts("completed_at", local.date(), local.strftime("%H:%M")),
    }
    html = client.post(url, data).content.decode()
    assert "Select why the interview was late" in html and "Did not want to talk" in html
    data["late_reason"] = "back_to_back"
    assert client.post(url, data).status_code == 302
    detail = client.get(reverse("cate:missing_episode_detail", args=[case.pk, episode.pk])).content.decode()
    assert "Done late" in detail and "Back-to-back missing episodes" in detail


def test_closure_through_the_pages(case, worker, leader, client_for):
    worker_client, leader_client = client_for(worker), client_for(leader)
    data = {
        "version": case.version,
        "reason": "Safe and settled",
        "exit_plan": "School mentor",
        "step_down_destination": "universal",
        **{outstanding_field(code): reason for code, reason in closure_reasons(case).items()},
    }
    assert worker_client.post(reverse("cate:closure_propose", args=[case.pk]), data).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSURE_PROPOSED
    url = reverse("cate:closure_decide", args=[case.pk])
    html = leader_client.post(url, {"decision": "return", "note": "", "version": case.version}).content.decode()
    assert "Enter why the closure is returned" in html
    accepted = {closure_item_field(item.pk): "accepted" for item in case.closures.get().items.all()}
    response = leader_client.post(url, {"decision": "approve", "note": "Agreed", "version": case.version, **accepted})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    reopen = leader_client.post(
        reverse("cate:case_reopen", args=[case.pk]), {"reason": "Re-referred", "version": case.version}
    )
    assert reopen.status_code == 302 and Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


def test_my_caseload_lists_cases_in_due_order(personas, client_for):
    leader, worker = personas["team_leader"], personas["cate_worker"]
    later, sooner = allocated_case(leader, worker), allocated_case(leader, worker)
    now = timezone.now()
    services.missing_episode_record(
        case=sooner,
        missing_from=now - dt.timedelta(days=6),
        returned_at=now - dt.timedelta(days=5),
        reported_by="",
        police_reference="",
        where_found="",
        rhi_eligible=True,
        rhi_ineligible_reason="",
        actor=worker,
    )
    html = client_for(worker).get(reverse("cate:my_caseload")).content.decode()
    assert html.index(sooner.reference) < html.index(later.reference)
    assert "Return home interview" in html and "Overdue" in html


def test_a_worker_cannot_reach_the_caseloads_of_others(personas, client_for):
    response = client_for(personas["cate_worker"]).get(
        reverse("cate:caseload_detail", args=[personas["other_worker"].pk])
    )
    assert response.status_code == 403


def test_young_people_past_the_transition_date_without_a_meeting_are_listed_as_overdue(personas, client_for):
    leader = personas["team_leader"]
    overdue = open_case(leader)
    Case.objects.filter(pk=overdue.pk).update(transition_due_on=timezone.localdate() - dt.timedelta(days=1))
    not_yet = open_case(leader)
    client = client_for(leader)
    html = client.get(reverse("cate:case_list"), {"view": "transition_overdue"}).content.decode()
    assert overdue.reference in html and not_yet.reference not in html
    assert "1 overdue" in client.get(reverse("cate:index")).content.decode()
    case_page = client.get(overdue.get_absolute_url()).content.decode()
    assert "Post-17 transition meeting" in case_page and "Overdue" in case_page


def test_the_nrm_form_names_every_fault_at_once_each_on_its_own_field(case, worker, client_for):
    nrm = case.nrm_referrals.get()
    url = reverse("cate:nrm_edit", args=[case.pk, nrm.pk])
    today = timezone.localdate()
    data = {
        "version": str(nrm.version),
        "reasonable_grounds": "negative",  # a decision, with no date, on a referral with no date
        "conclusive_grounds": "positive",  # cannot follow a negative reasonable grounds decision
        **date_parts("conclusive_grounds_on", today + dt.timedelta(days=3)),  # and in the future
    }
    html = client_for(worker).post(url, data).content.decode()
    summary = html.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    expected = {
        "#id_referred_on_day": "Enter the date the referral was made",
        "#id_reasonable_grounds_on_day": "Enter the date of the reasonable grounds decision",
        "#id_conclusive_grounds": "Select Not yet for the conclusive grounds decision",
        "#id_conclusive_grounds_on_day": "Date of the conclusive grounds decision must be today or in the past",
    }
    assert summary.count("<li>") == len(expected)
    for anchor, message in expected.items():
        assert f'<a href="{anchor}">{message}' in summary
    nrm.refresh_from_db()
    assert nrm.reasonable_grounds == ""

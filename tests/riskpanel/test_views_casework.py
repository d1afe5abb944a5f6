"""Case pages: safety plans (draft, agree, print, PDF), strategy meetings and actions."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from riskpanel.choices import ActionStatus, SafetyPlanStatus
from riskpanel.models import Action, SafetyPlan, StrategyMeeting
from tests.factories import PLAN_SECTIONS, ActionFactory, AgencyFactory, StrategyMeetingFactory

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def plan_form(**overrides):
    data = {k: v for k, v in PLAN_SECTIONS.items() if k != "on_child_protection_plan"}
    data["on_child_protection_plan"] = "no"
    data.update(overrides)
    return data


def test_a_worker_drafts_and_a_team_leader_agrees_a_safety_plan(personas, client_for, worker_case):
    worker = client_for(personas["cate_worker"])
    new_url = reverse("riskpanel:safety_plan_new", args=[worker_case.pk])
    response = worker.post(new_url, {"young_person_said": "She wants to stay at school", "intent": "draft"})
    plan = SafetyPlan.objects.get(case=worker_case)  # a draft with one section written
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    assert (plan.young_person_said, plan.risks, plan.on_child_protection_plan) == (
        "She wants to stay at school",
        "",
        None,
    )
    edit_url = reverse("riskpanel:safety_plan_edit", args=[plan.pk])
    response = worker.post(edit_url, plan_form(version=str(plan.version), intent="draft"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert worker.get(new_url)["Location"] == reverse("riskpanel:safety_plan_edit", args=[plan.pk])  # one draft
    assert worker.get(reverse("riskpanel:safety_plan_agree", args=[plan.pk])).status_code == 403

    leader = client_for(personas["team_leader"])
    agree_url = reverse("riskpanel:safety_plan_agree", args=[plan.pk])
    response = leader.post(agree_url, {"version": str(plan.version)})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == SafetyPlanStatus.AGREED and plan.agreed_by == personas["team_leader"]

    page = html(worker.get(new_url))
    assert "starts from version 1" in page and PLAN_SECTIONS["keeping_safe"] in page  # prefilled
    assert worker.get(edit_url)["Location"] == plan.get_absolute_url()  # an agreed plan does not change


def error_summary(page: str) -> list[str]:
    """The messages of the page's GOV.UK error summary, in order."""
    summary = page.split('class="govuk-list govuk-error-summary__list"', 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in re.findall(r"<li>(.*?)</li>", summary, re.S)]


def test_a_half_written_draft_shows_who_changed_it_and_agreeing_lists_every_gap_at_once(
    personas, client_for, worker_case
):
    worker = client_for(personas["cate_worker"])
    new_url = reverse("riskpanel:safety_plan_new", args=[worker_case.pk])
    worker.post(new_url, {"risks": "Older men online", "key_worker_contact": "01234 567890", "intent": "draft"})
    plan = SafetyPlan.objects.get(case=worker_case)
    name = personas["cate_worker"].get_full_name()

    leader = client_for(personas["team_leader"])
    page = html(leader.get(plan.get_absolute_url()))
    changed_at = timezone.localtime(plan.history.latest().history_date)
    assert f"Last changed by {name} on {changed_at:%-d %B %Y at %H:%M}" in page
    assert "Still to write before the plan can be agreed" in page and "Enter the key worker&#x27;s name" in page
    assert "Not written yet" in page and "Not answered yet" in page

    edit_url = reverse("riskpanel:safety_plan_edit", args=[plan.pk])
    page = html(leader.get(edit_url))
    assert "Older men online" in page and "01234 567890" in page and f"Last changed by {name}" in page
    assert 'value="finalise"' in page  # a team leader may agree from the form
    assert 'value="finalise"' not in html(worker.get(edit_url))

    typed = {
        "version": str(plan.version),
        "risks": "Older men online",
        "keeping_safe": "Home by 9pm",
        "key_worker_contact": "01234 567890",
        "review_due_on_day": "31",
        "review_due_on_month": "2",
        "review_due_on_year": "2031",
        "intent": "finalise",
    }
    response = leader.post(edit_url, typed)
    page = html(response)
    assert response.status_code == 200 and "<title>Error:" in page
    assert error_summary(page) == [
        "Enter who will do what, and by when",
        "Enter the key worker&#x27;s name",
        "Enter the out-of-hours numbers",
        "Enter how the young person was involved",
        "Enter what the young person said",
        "Enter how parents or carers were involved",
        "Enter what parents or carers said",
        "Say whether the young person is on a child protection plan",
        "Review by (when you agree the plan) must be a real date",
    ]
    assert "Home by 9pm" in page and 'value="2031"' in page  # nothing typed is lost
    plan.refresh_from_db()
    assert plan.status == SafetyPlanStatus.DRAFT and plan.keeping_safe == ""

    response = leader.post(edit_url, plan_form(version=str(plan.version), intent="finalise"))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == SafetyPlanStatus.AGREED and plan.family_said == PLAN_SECTIONS["family_said"]


def test_the_agree_page_names_the_sections_still_empty(personas, client_for, worker_case):
    worker = client_for(personas["cate_worker"])
    worker.post(reverse("riskpanel:safety_plan_new", args=[worker_case.pk]), plan_form(family_said="", risks=""))
    plan = SafetyPlan.objects.get(case=worker_case)
    leader = client_for(personas["team_leader"])
    agree_url = reverse("riskpanel:safety_plan_agree", args=[plan.pk])
    assert "Enter what parents or carers said" in html(leader.get(agree_url))
    page = html(leader.post(agree_url, {"version": str(plan.version)}))
    assert error_summary(page) == ["Enter what we are worried about", "Enter what parents or carers said"]
    plan.refresh_from_db()
    assert plan.status == SafetyPlanStatus.DRAFT


def test_a_stale_draft_edit_keeps_what_was_typed(personas, client_for, worker_case):
    client = client_for(personas["cate_worker"])
    client.post(reverse("riskpanel:safety_plan_new", args=[worker_case.pk]), plan_form())
    plan = SafetyPlan.objects.get(case=worker_case)
    url = reverse("riskpanel:safety_plan_edit", args=[plan.pk])
    assert client.post(url, plan_form(risks="First change", version=str(plan.version))).status_code == 302
    response = client.post(url, plan_form(risks="Second change", version=str(plan.version)))
    page = html(response)
    assert "Someone else changed this record" in page and "What we are worried about" in page
    assert "Second change" in page
    plan.refresh_from_db()
    assert plan.risks == "First change"


def test_the_printed_plan_is_in_plain_language_for_the_family(personas, client_for, worker_case):
    leader = client_for(personas["team_leader"])
    leader.post(reverse("riskpanel:safety_plan_new", args=[worker_case.pk]), plan_form())
    plan = SafetyPlan.objects.get(case=worker_case)
    leader.post(reverse("riskpanel:safety_plan_agree", args=[plan.pk]), {"version": str(plan.version)})
    plan.refresh_from_db()
    page = html(leader.get(reverse("riskpanel:safety_plan_print", args=[plan.pk])))
    for heading in (
        "What we are worried about",
        "What helps keep you safe",
        "Who will do what, and by when",
        "Who to contact",
        "Your key worker:",
        "Evenings, nights and weekends:",
        "If you are in danger right now, call 999.",
        "How you were involved, and what you said",
        "How your parents or carers were involved, and what they said",
        "You are not on a child protection plan.",
        f"We will look at it again with you by {plan.review_due_on:%-d %B %Y}",
    ):
        assert heading in page, heading
    assert "Emergency Duty Team 01234 111111" in page

    response = leader.get(reverse("riskpanel:safety_plan_pdf", args=[plan.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="safety-plan-{worker_case.reference}-v1.pdf"'
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "What we are worried about" in text and worker_case.child.full_name in text
    assert "OFFICIAL-SENSITIVE" in text


def test_recording_a_strategy_meeting_through_the_page(personas, client_for, worker_case):
    meeting = StrategyMeetingFactory(case=worker_case)
    police = AgencyFactory(name="Police")
    client = client_for(personas["team_leader"])
    url = reverse("riskpanel:strategy_meeting_record", args=[meeting.pk])
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    when = {
        "held_at_day": str(yesterday.day),
        "held_at_month": str(yesterday.month),
        "held_at_year": str(yesterday.year),
        "held_at_time": "14:00",
    }
    response = client.post(url, {**when, "discussion": "Typed discussion", "resolution_reached": "on"})
    page = html(response)
    assert "Choose the agencies that attended" in page and "Enter the exit plan" in page
    assert "Typed discussion" in page
    response = client.post(
        url,
        {
            **when,
            "attending_agencies": [str(police.pk)],
            "attendees": "Police: CSE officer",
            "discussion": "Typed discussion",
            "support_for_parents": "Weekly parenting support",
            "disruption_actions": "Warning notice",
            "version": str(meeting.version),
        },
    )
    assert response.status_code == 302
    review = StrategyMeeting.objects.get(case=worker_case, held_at__isnull=True)
    assert review.is_review
    assert "Strategy meeting review" in html(client.get(reverse("riskpanel:strategy_meeting_list")))


def test_actions_through_the_pages(personas, client_for, worker_case):
    police = AgencyFactory(name="Police")
    client = client_for(personas["cate_worker"])
    url = reverse("riskpanel:case_action_add", args=[worker_case.pk])
    response = client.post(url, {"description": "Typed action", "owner_agency": str(police.pk)})
    page = html(response)
    assert "Choose the person who owns the action, or enter their name" in page
    assert "Enter the date the action is due" in page
    soon = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        url,
        {
            "description": "Typed action",
            "owner_agency": str(police.pk),
            "owner_name": "CSE officer",
            "due_on_day": str(soon.day),
            "due_on_month": str(soon.month),
            "due_on_year": str(soon.year),
        },
    )
    assert response.status_code == 302
    action = Action.objects.get(case=worker_case)
    done_url = reverse("riskpanel:action_complete", args=[action.pk])
    assert "Enter what was done" in html(client.post(done_url, {"completion_note": ""}))
    client.post(done_url, {"completion_note": "Done on Tuesday", "version": str(action.version)})
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_open_actions_by_agency_and_by_owner_with_overdue_flagged(personas, client_for, worker_case):
    police, health = AgencyFactory(name="Police"), AgencyFactory(name="Health")
    today = timezone.localdate()
    ActionFactory(
        case=worker_case, owner_agency=police, description="Overdue police action", due_on=today - dt.timedelta(days=1)
    )
    ActionFactory(case=worker_case, owner_agency=police, description="Police action due today", due_on=today)
    ActionFactory(
        case=worker_case, owner_agency=health, owner=personas["health"], description="Health action", due_on=today
    )
    ActionFactory(
        case=worker_case,
        owner_agency=health,
        description="Finished action",
        status=ActionStatus.DONE,
        completed_at=timezone.now(),
    )
    client = client_for(personas["team_leader"])
    page = html(client.get(reverse("riskpanel:action_list")))
    assert "Finished action" not in page
    group = 'colspan="4" class="govuk-table__header govuk-!-font-weight-bold">{}</th>'
    assert page.index(group.format("Health")) < page.index("Health action") < page.index(group.format("Police"))
    assert page.index("Overdue police action") < page.index("Police action due today")
    assert page.count("govuk-tag--red") == 2  # the overdue row and the agency's overdue count
    page = html(client.get(reverse("riskpanel:action_list"), {"overdue": "on"}))
    assert "Overdue police action" in page and "Police action due today" not in page
    page = html(client.get(reverse("riskpanel:action_list_by_owner")))
    assert str(personas["health"]) in page and "School designated safeguarding lead" in page
    page = html(client.get(reverse("riskpanel:action_list"), {"agency": str(health.pk)}))
    assert "Health action" in page and "Overdue police action" not in page


def test_the_case_pages_link_to_each_other(personas, client_for):
    from django.urls import reverse

    from tests.factories import CaseFactory

    case = CaseFactory()
    client = client_for(personas["team_leader"])
    cate_page = client.get(reverse("cate:case_detail", args=[case.pk])).content.decode()
    assert reverse("riskpanel:case_detail", args=[case.pk]) in cate_page
    panel_page = client.get(reverse("riskpanel:case_detail", args=[case.pk])).content.decode()
    assert reverse("cate:case_detail", args=[case.pk]) in panel_page

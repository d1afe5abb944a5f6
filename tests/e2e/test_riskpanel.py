"""The multi-agency journey in a browser, with axe on every page: the panel agenda is built from
the records, the panel decides, the strategy meeting is recorded, the safety plan is agreed and
printed for the family. A panel member sees the agenda only while the panel is open."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import (
    AllocationFactory,
    CaseFactory,
    PanelMeetingFactory,
    RiskAssessmentFactory,
    grant_case_access,
)

from .conftest import axe_check, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def journey(demo_users):
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["teamleader", "cateworker1", "panelmember"])
    }
    case = CaseFactory(child__first_name="Testchild", child__last_name="Journey", child__gp_practice="Riverside")
    AllocationFactory(
        case=case,
        worker=users["cateworker1"],
        allocated_by=users["teamleader"],
        started_at=timezone.now() - dt.timedelta(days=30),
    )
    case.allocated_worker = users["cateworker1"]
    case.save(update_fields=["allocated_worker"])
    grant_case_access(case, users["cateworker1"])
    RiskAssessmentFactory(case=case, author=users["cateworker1"], summary="Seen getting into cars after school.")
    meeting = PanelMeetingFactory(
        meets_at=timezone.now() + dt.timedelta(days=2), chair=users["teamleader"], members=[users["panelmember"]]
    )
    return {"case": case, "meeting": meeting, "password": demo_users["password"]}


def fill_date(page, name: str, day: dt.date, time: str | None = None) -> None:
    page.locator(f"#id_{name}_day").fill(str(day.day))
    page.locator(f"#id_{name}_month").fill(str(day.month))
    page.locator(f"#id_{name}_year").fill(str(day.year))
    if time:
        page.locator(f"#id_{name}_time").fill(time)


def test_panel_agenda_to_decision_to_strategy_meeting_to_agreed_printed_safety_plan(
    page, browser, live_server, journey
):
    case, meeting, password = journey["case"], journey["meeting"], journey["password"]
    sign_in(page, "teamleader", password)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Risk panel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Risk panel")
    axe_check(page)
    page.get_by_role("link", name="All risk panels").click()
    axe_check(page)
    page.get_by_role(
        "link", name=re.compile(meeting.meets_at.astimezone(timezone.get_current_timezone()).strftime("%-d %b %Y"))
    ).click()
    expect(page.get_by_text("Nothing is on the agenda yet.")).to_be_visible()
    axe_check(page)

    # The agenda from the records, then the panel meets.
    page.get_by_role("link", name="Choose the cases that are due").click()
    axe_check(page)
    page.get_by_role("button", name="Add the chosen cases to the agenda").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 case added to the agenda.")
    expect(page.get_by_role("link", name="Testchild Journey")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Open the panel").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The panel is open")

    # A panel member, invited, sees the agenda and the paper while it is open.
    member_context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    member = member_context.new_page()
    sign_in(member, "panelmember", password)
    member.goto(meeting.get_absolute_url())
    member.get_by_role("link", name="Testchild Journey").click()
    expect(member.locator("main")).to_contain_text("Seen getting into cars after school.")
    axe_check(member)
    item_url = member.url

    # The decision.
    page.get_by_role("link", name="Testchild Journey").click()
    expect(page.locator("main")).to_contain_text("Seen getting into cars after school.")
    axe_check(page)
    page.get_by_role("link", name="Record the decision").click()
    axe_check(page)
    page.get_by_role("button", name="Record the decision").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the risk level the panel agreed")
    axe_check(page)
    page.get_by_label("Medium-High", exact=True).check()
    page.get_by_label("Reasons for the decision").fill("Missing episodes continue and a new adult contact is known.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Decision recorded: Medium-High (amber). A strategy meeting is now due."
    )
    expect(page.locator("main")).to_contain_text("Generated on")  # the GP letter
    axe_check(page)

    page.get_by_role("link", name="Back to the agenda").click()
    page.get_by_role("link", name="Close the panel").click()
    page.get_by_role("button", name="Close the panel").click()  # everything is decided: no reason asked
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The panel is closed")
    member.goto(item_url)
    expect(member.get_by_role("heading", level=1)).to_have_text("Page not found")  # after the panel: nothing
    member_context.close()

    # The strategy meeting the amber decision made due.
    page.goto(f"/risk-panel/cases/{case.pk}/")
    expect(page.locator("main")).to_contain_text("Medium-High (risk panel decision")
    axe_check(page)
    page.get_by_role("link", name="Strategy meeting", exact=True).first.click()  # the item due
    axe_check(page)
    page.get_by_role("link", name="Record the meeting").click()
    axe_check(page)
    fill_date(page, "held_at", timezone.localdate() - dt.timedelta(days=1), "09:30")
    page.get_by_label("Police").check()
    page.get_by_label("Health", exact=True).check()
    page.get_by_label("Who attended, by agency").fill("Police: CSE team officer\nHealth: school nurse")
    page.get_by_label("Discussion").fill("Agreed a safety plan and a warning notice.")
    page.get_by_label("Support for parents or carers").fill("Parenting support worker to visit weekly.")
    page.get_by_label("Action against those exploiting the child").fill("Child abduction warning notice.")
    page.get_by_role("button", name="Save the meeting").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Strategy meeting recorded.")
    axe_check(page)

    # The safety plan, drafted, agreed and printed.
    page.get_by_role("link", name=f"Back to {case.reference}").click()
    page.get_by_role("link", name="Write a safety plan").click()
    axe_check(page)
    page.get_by_label("What we are worried about").fill("Older men are contacting you online and asking to meet.")
    page.get_by_label("What helps keep the young person safe").fill("Being home by 9pm and keeping your phone charged.")
    page.get_by_label("Who will do what, and by when").fill("Key worker visits every Tuesday.")
    page.get_by_label("Key worker", exact=True).fill("CATE worker 1")
    page.get_by_label("Out-of-hours numbers").fill("Emergency Duty Team 01234 111111")
    page.get_by_label("How the young person was involved").fill("Wrote the plan together at home.")
    page.get_by_label("What the young person said").fill("I want to stay at my school.")
    page.get_by_label("How parents or carers were involved").fill("Mum was at the visit.")
    page.get_by_label("What parents or carers said").fill("Mum will collect her from the bus stop.")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Safety plan version 1 saved as a draft.")
    axe_check(page)
    page.get_by_role("link", name="Agree the plan").click()
    axe_check(page)
    page.get_by_role("button", name="Agree the plan").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Safety plan version 1 agreed.")
    expect(page.locator("main .govuk-tag")).to_have_text("Agreed")
    axe_check(page)
    page.get_by_role("link", name="Print for the family").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Testchild Journey: safety plan")
    expect(page.locator("main")).to_contain_text("If you are in danger right now, call 999.")
    axe_check(page)
    pdf = page.request.get(page.get_by_role("link", name="Download as PDF").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"


def test_a_half_written_safety_plan_is_kept_as_a_draft_and_agreeing_it_lists_every_gap(page, journey):
    """A worker writes part of a safety plan and saves it as a draft; the team leader reopens it
    with nothing lost and sees who last changed it and when; agreeing it names every empty section
    in one error summary, keeping what was typed; with them written, it is agreed."""
    case, password = journey["case"], journey["password"]
    worker = get_user_model().objects.get(username="cateworker1")
    sign_in(page, "cateworker1", password)
    page.goto(reverse("riskpanel:case_detail", args=[case.pk]))
    page.get_by_role("link", name="Write a safety plan").click()
    page.get_by_label("What we are worried about").fill("Older men are contacting you online.")
    page.get_by_label("What the young person said").fill("I want to stay at my school.")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Safety plan version 1 saved as a draft.")
    expect(page.locator("main")).to_contain_text("Still to write before the plan can be agreed")
    axe_check(page)

    page.context.clear_cookies()
    sign_in(page, "teamleader", password)
    page.goto(reverse("riskpanel:case_detail", args=[case.pk]))
    page.get_by_role("link", name="Version 1", exact=True).click()
    changed = page.locator("[data-last-changed]")
    expect(changed).to_have_text(
        re.compile(rf"^Last changed by {re.escape(str(worker))} on \d{{1,2}} \w+ \d{{4}} at \d\d:\d\d$")
    )
    axe_check(page)
    page.get_by_role("link", name="Change the draft").click()
    expect(page.get_by_label("What we are worried about")).to_have_value("Older men are contacting you online.")
    expect(page.get_by_label("What the young person said")).to_have_value("I want to stay at my school.")
    expect(page.locator("[data-last-changed]")).to_contain_text(f"Last changed by {worker}")
    axe_check(page)

    page.get_by_label("What helps keep the young person safe").fill("Being home by 9pm.")
    page.get_by_role("button", name="Agree the plan").click()
    expect(page).to_have_title(re.compile("^Error:"))
    summary = page.locator(".govuk-error-summary__list li")
    expect(summary).to_have_text(
        [
            "Enter who will do what, and by when",
            "Enter the key worker's name",
            "Enter the out-of-hours numbers",
            "Enter how the young person was involved",
            "Enter how parents or carers were involved",
            "Enter what parents or carers said",
            "Say whether the young person is on a child protection plan",
        ]
    )
    expect(page.get_by_label("What helps keep the young person safe")).to_have_value("Being home by 9pm.")
    expect(page.get_by_label("What we are worried about")).to_have_value("Older men are contacting you online.")
    axe_check(page)

    page.get_by_label("Who will do what, and by when").fill("Key worker visits every Tuesday.")
    page.get_by_label("Key worker", exact=True).fill("CATE worker 1")
    page.get_by_label("Out-of-hours numbers").fill("Emergency Duty Team 01234 111111")
    page.get_by_label("How the young person was involved").fill("Wrote the plan together at home.")
    page.get_by_label("How parents or carers were involved").fill("Mum was at the visit.")
    page.get_by_label("What parents or carers said").fill("Mum will collect her from the bus stop.")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Agree the plan").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Safety plan version 1 agreed.")
    expect(page.locator("main .govuk-tag")).to_have_text("Agreed")
    expect(page.locator("main")).to_contain_text("Being home by 9pm.")
    axe_check(page)

"""The chair's journey of issue 16 point 1 in a browser, with axe on every page: 95 cases are due;
the chair picks within the panel's 12 places and sees the rest wait for the next panel; the panel
decides one case, and closing carries every item not decided to the next panel, each with a
reason; the minutes are drafted (attendance and apologies by agency, the discussion of each item),
finalised once the panel has closed, and printed."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from core.models import Agency
from riskpanel.models import AgendaItem, PanelMeeting, PanelMinutes
from tests.factories import AllocationFactory, CaseFactory, PanelMeetingFactory

from .conftest import axe_check, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def long_due_list(demo_users):
    leader = get_user_model().objects.get(username="teamleader")
    for n in range(95):
        case = CaseFactory(child__first_name=f"Duechild{n:02d}", child__last_name="Panel")
        AllocationFactory(case=case, allocated_by=leader, started_at=timezone.now() - dt.timedelta(days=70 - n % 60))
    meeting = PanelMeetingFactory(meets_at=timezone.now() + dt.timedelta(hours=1), chair=leader)
    meeting.agencies.set(Agency.objects.filter(name__in=["Police", "Health"]))
    return {"meeting": meeting, "password": demo_users["password"]}


def test_chair_picks_from_a_long_due_list_closes_with_carry_over_and_prints_minutes(page, long_due_list):
    meeting, password = long_due_list["meeting"], long_due_list["password"]
    sign_in(page, "teamleader", password)
    page.goto(meeting.get_absolute_url())
    axe_check(page)

    # 95 due, 12 places: the 12 most urgent are ticked; 13 are refused, all in one summary.
    page.get_by_role("link", name="Choose the cases that are due").click()
    expect(page.locator("#due-count")).to_have_text("95")
    boxes = page.locator('input[name="cases"]')
    expect(boxes).to_have_count(95)
    expect(page.locator('input[name="cases"]:checked')).to_have_count(12)
    axe_check(page)
    boxes.nth(12).check()
    page.get_by_role("button", name="Add the chosen cases to the agenda").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "You chose 13 cases but this panel has 12 places left: choose 12 or fewer"
    )
    axe_check(page)
    page.locator('input[name="cases"]').nth(0).uncheck()
    page.get_by_role("button", name="Add the chosen cases to the agenda").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "12 cases added to the agenda. 83 cases still due wait for the next panel."
    )
    expect(page.locator("#places")).to_contain_text("12 of 12 places taken. 83 cases due are not on this agenda")
    axe_check(page)

    # The panel meets and decides one case.
    page.get_by_role("button", name="Open the panel").click()
    first = AgendaItem.objects.filter(meeting=meeting).order_by("position").first()
    page.goto(first.get_absolute_url())
    page.get_by_role("link", name="Record the decision").click()
    page.get_by_label("Medium", exact=True).check()
    page.get_by_label("Reasons for the decision").fill("Known to go missing with older peers.")
    page.get_by_label("Generate the letter telling the child's GP").uncheck()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Decision recorded: Medium (amber).")

    # Closing: 11 not decided, each carried with a reason; no next panel yet, so one is scheduled.
    page.get_by_role("link", name="Back to the agenda").click()
    page.get_by_role("link", name="Close the panel").click()
    expect(page.locator("main")).to_contain_text("11 items have no decision.")
    expect(page.locator("#next-panel-scheduled")).to_contain_text("No panel is scheduled after this one.")
    axe_check(page)
    page.get_by_role("button", name="Close the panel").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary li")).to_have_count(11)
    axe_check(page)
    second = AgendaItem.objects.filter(meeting=meeting).order_by("position")[1]
    page.get_by_label(f"Why was {second.case.child.full_name} not decided?").fill("The worker was on leave.")
    page.get_by_label("Reason for every item left without its own reason").fill("The panel ran out of time.")
    page.get_by_role("button", name="Close the panel").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "11 items not decided were carried to the panel of"
    )
    expect(page.locator("main")).to_contain_text("The worker was on leave.")
    axe_check(page)
    following = PanelMeeting.objects.exclude(pk=meeting.pk).get()
    assert following.items.count() == 11

    # The minutes: a draft with some parts, then every gap named at once, then final and printed.
    page.get_by_role("link", name="Minutes", exact=True).click()
    axe_check(page)
    page.get_by_role("link", name="Write the minutes").click()
    axe_check(page)
    page.get_by_label("Who attended from Police").fill("DC Example, CSE team")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Minutes saved as a draft.")
    expect(page.locator("#draft-status")).to_contain_text("Last changed by")
    page.get_by_role("button", name="Finalise the minutes").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter who attended from Health, or the apologies they sent")
    expect(summary).to_contain_text(f"Enter what the panel discussed about {first.case.child.full_name}")
    expect(page.get_by_label("Who attended from Police")).to_have_value("DC Example, CSE team")
    axe_check(page)
    page.get_by_label("Apologies from Health").fill("School nurse")
    page.get_by_label(f"What the panel discussed about {first.case.child.full_name}").fill(
        "Missing episodes with older peers; school attendance falling."
    )
    page.get_by_role("button", name="Finalise the minutes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Minutes finalised.")
    main = page.locator("main")
    expect(main).to_contain_text("Final")
    expect(main).to_contain_text("DC Example, CSE team")
    expect(main).to_contain_text("Known to go missing with older peers.")
    expect(main).to_contain_text("The panel ran out of time.")
    axe_check(page)
    assert PanelMinutes.objects.get(meeting=meeting).history.count() >= 2
    pdf = page.request.get(page.get_by_role("link", name="Download as PDF").get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"

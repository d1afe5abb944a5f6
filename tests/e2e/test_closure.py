"""Closing a case in a browser, with axe on every page: a High-risk case that no panel has decided
on, with an NRM referral awaiting a decision and an open action, is proposed for closure; the page
lists all three and the GP not told; the worker gives a reason for each; the team leader sees them,
returns one, and the closure goes back; proposed again, it is approved; the NRM decision is then
recorded on the closed case, which the worker can still read."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import axe_check, sign_in

pytestmark = pytest.mark.e2e

PANEL = re.compile("no risk panel has decided on it")
NRM = re.compile("awaiting the reasonable grounds decision")
ACTION = re.compile("Check school attendance every week")
GP = re.compile("The GP practice has not been told of the closure")


@pytest.fixture
def journey(demo_users):
    from cate import services
    from cate.choices import RiskLevel, RiskSource
    from tests.factories import ActionFactory, allocated_case

    users = {u.username: u for u in get_user_model().objects.filter(username__in=["teamleader", "cateworker1"])}
    leader, worker = users["teamleader"], users["cateworker1"]
    case = allocated_case(leader, worker, first_name="Closurechild", last_name="Journey")
    services.case_set_risk_level(
        case=case, level=RiskLevel.HIGH, source=RiskSource.ASSESSMENT, actor=worker, reason="Assessed"
    )
    services.nrm_referral_update(
        referral=case.nrm_referrals.get(),
        referred_on=timezone.localdate() - dt.timedelta(days=3),
        reasonable_grounds="",
        reasonable_grounds_on=None,
        conclusive_grounds="",
        conclusive_grounds_on=None,
        actor=worker,
    )
    ActionFactory(case=case, description="Check school attendance every week", owner_name="School DSL")
    return {"case": case, "password": demo_users["password"]}


def submit(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def propose(page, case_url: str, *, panel_reason: str) -> None:
    page.goto(case_url)
    page.get_by_role("link", name="Propose closure").click()
    page.get_by_label("Reason for closing").fill("Settled at home; engaging with school")
    page.get_by_label("Exit plan").fill("School mentor and youth club")
    page.get_by_label("Universal services").check()
    page.get_by_label(PANEL).fill(panel_reason)
    page.get_by_label(NRM).fill("The decision will be recorded when it comes; it stays on the NRM list")
    page.get_by_label(ACTION).fill("The school keeps checking attendance as universal support")
    page.get_by_label(GP).fill("The letter goes once the closure is approved")
    submit(page, "Propose closure")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Closure proposed")


def answer(page, item: re.Pattern, choice: str) -> None:
    page.get_by_role("group", name=item).get_by_label(choice).check()


def test_a_high_risk_case_proposed_for_closure_with_things_outstanding(page, journey):
    case, password = journey["case"], journey["password"]
    case_url = case.get_absolute_url()

    # The worker proposes closure: everything outstanding is listed, each needs a reason.
    sign_in(page, "cateworker1", password)
    page.goto(case_url)
    axe_check(page)
    page.get_by_role("link", name="Propose closure").click()
    outstanding = page.locator("#outstanding")
    for item in (PANEL, NRM, ACTION, GP):
        expect(outstanding).to_contain_text(item)
    expect(outstanding).to_contain_text("High risk")
    axe_check(page)
    page.get_by_label("Reason for closing").fill("Settled at home; engaging with school")
    page.get_by_label("Exit plan").fill("School mentor and youth club")
    page.get_by_label("Universal services").check()
    page.get_by_label(NRM).fill("Recorded when it comes")
    submit(page, "Propose closure")
    expect(page).to_have_title(re.compile("^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link")).to_have_count(3)
    expect(summary).to_contain_text(PANEL)
    expect(page.get_by_label("Reason for closing")).to_have_value("Settled at home; engaging with school")
    expect(page.get_by_label(NRM)).to_have_value("Recorded when it comes")
    axe_check(page)
    page.get_by_label(PANEL).fill("The risk has come down since the assessment")
    page.get_by_label(ACTION).fill("The school keeps checking attendance")
    page.get_by_label(GP).fill("The letter goes once the closure is approved")
    submit(page, "Propose closure")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Closure proposed")
    axe_check(page)
    sign_out(page)

    # The team leader sees each reason and returns the one about the panel: the closure goes back.
    sign_in(page, "teamleader", password)
    page.goto(case_url)
    page.get_by_role("link", name="Decide on the closure").click()
    expect(page.locator("main")).to_contain_text("Reason given: The risk has come down since the assessment")
    axe_check(page)
    answer(page, PANEL, "Return it to the worker")
    answer(page, NRM, "Accept the reason")
    answer(page, ACTION, "Accept the reason")
    answer(page, GP, "Accept the reason")
    page.get_by_role("group", name="Your decision").get_by_label("Approve the closure").check()
    submit(page, "Save the decision")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Closure returned to the worker")
    expect(page.locator("#history")).to_contain_text("(returned to the worker)")
    axe_check(page)
    sign_out(page)

    # Proposed again with a better answer, the closure is approved.
    sign_in(page, "cateworker1", password)
    propose(page, case_url, panel_reason="Discussed with the panel chair: no panel needed, risk now low")
    sign_out(page)
    sign_in(page, "teamleader", password)
    page.goto(case_url)
    page.get_by_role("link", name="Decide on the closure").click()
    for item in (PANEL, NRM, ACTION, GP):
        answer(page, item, "Accept the reason")
    page.get_by_role("group", name="Your decision").get_by_label("Approve the closure").check()
    submit(page, "Save the decision")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Closed")
    axe_check(page)

    # The NRM decision still comes, and is recorded on the closed case from the list of those awaited.
    page.goto("/cate/")
    page.get_by_role("link", name="NRM referrals awaiting a decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("NRM referrals awaiting a decision")
    expect(page.locator("main")).to_contain_text("Closurechild Journey")
    axe_check(page)
    page.get_by_role("link", name=re.compile("Record the decision")).click()
    expect(page.locator("main")).to_contain_text("This case is closed.")
    axe_check(page)
    page.get_by_label("Reasonable grounds decision").select_option("negative")
    today = timezone.localdate()
    page.locator("#id_reasonable_grounds_on_day").fill(str(today.day))
    page.locator("#id_reasonable_grounds_on_month").fill(str(today.month))
    page.locator("#id_reasonable_grounds_on_year").fill(str(today.year))
    submit(page, "Save")
    expect(page.locator("#nrm")).to_contain_text("Negative")
    axe_check(page)
    sign_out(page)

    # The worker who held the case still reads it, and changes nothing.
    sign_in(page, "cateworker1", password)
    page.goto(case_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Closed")
    expect(page.get_by_role("link", name="Propose closure")).to_have_count(0)
    expect(page.get_by_role("link", name="Record a decision")).to_have_count(0)
    axe_check(page)

"""A partner updating an action, in a browser with axe on every page: the CATE worker agrees an
action for the police on their case; the police practitioner finds it among their agency's actions,
opens it (the child, the case reference and the worker's contact details; not the case record),
records progress (an empty note is refused with the error summary), and marks it done; the health
practitioner gets 404 on it; the worker reads both updates in the case chronology."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from .conftest import axe_check, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def journey(demo_users):
    from tests.factories import allocated_case

    users = {u.username: u for u in get_user_model().objects.filter(username__in=["teamleader", "cateworker1"])}
    case = allocated_case(users["teamleader"], users["cateworker1"], first_name="Partnerchild", last_name="Journey")
    case.child.date_of_birth = dt.date(2011, 3, 5)
    case.child.save(update_fields=["date_of_birth"])
    return {"case": case, "password": demo_users["password"]}


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_a_partner_updates_their_agencys_action_and_the_worker_reads_it_in_the_chronology(page, journey):
    case, password = journey["case"], journey["password"]
    due = timezone.localdate() + dt.timedelta(days=10)

    # The worker agrees an action for the police.
    sign_in(page, "cateworker1", password)
    page.goto(f"/risk-panel/cases/{case.pk}/")
    page.get_by_role("link", name="Add an action").click()
    axe_check(page)
    page.get_by_label("What is to be done").fill("Visit the address where the child was found")
    page.get_by_label("Agency that owns the action").select_option(label="Police")
    page.get_by_label("Person who owns the action").select_option(label="Police practitioner (demo) (Police)")
    page.locator("#id_due_on_day").fill(str(due.day))
    page.locator("#id_due_on_month").fill(str(due.month))
    page.locator("#id_due_on_year").fill(str(due.year))
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Action added.")
    action_url = page.get_by_role("link", name="Visit the address where the child was found", exact=True).get_attribute(
        "href"
    )
    sign_out(page)

    # The police practitioner finds it among their agency's actions and opens it.
    sign_in(page, "police", password)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Actions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your agency's actions")
    expect(page.get_by_role("link", name="Open (1)")).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name="Visit the address where the child was found").click()
    main = page.locator("main")
    for text in ("Partnerchild Journey", "5 March 2011", case.reference, "CATE worker 1 (demo)"):
        expect(main).to_contain_text(text)
    expect(main.get_by_role("link", name="cateworker1@cate-demo.invalid")).to_be_visible()
    expect(main.locator(f'a[href*="/cases/{case.pk}/"]')).to_have_count(0)  # not the case record
    axe_check(page)

    # Progress: an empty note is refused in the error summary, then recorded.
    page.get_by_role("link", name="Record progress").click()
    axe_check(page)
    page.get_by_role("button", name="Save progress").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter what has been done so far")
    axe_check(page)
    page.get_by_label("What has been done so far").fill("Officers called at the address; a neighbour spoke to us.")
    page.get_by_role("button", name="Save progress").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Progress recorded.")
    expect(page.locator("#progress ~ ol")).to_contain_text("a neighbour spoke to us")
    axe_check(page)

    # Completion.
    page.get_by_role("link", name="Mark as done").click()
    axe_check(page)
    page.get_by_label("What was done").fill("Address visited twice; intelligence shared with the CSE team.")
    page.get_by_role("button", name="Mark as done").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Action marked as done.")
    expect(page.locator("main .govuk-tag")).to_have_text("Done")
    expect(page.get_by_role("link", name="Record progress")).to_have_count(0)
    axe_check(page)
    page.get_by_role("link", name="Your agency's actions").click()
    page.get_by_role("link", name="Done (1)").click()
    expect(page.get_by_role("link", name="Visit the address where the child was found")).to_be_visible()
    axe_check(page)
    sign_out(page)

    # Another agency's practitioner: 404, as for an action that does not exist.
    sign_in(page, "health", password)
    response = page.goto(action_url)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    sign_out(page)

    # The worker reads both updates in the case chronology.
    sign_in(page, "cateworker1", password)
    page.goto(f"/cate/cases/{case.pk}/chronology/")
    chronology = page.locator("main table")
    expect(chronology).to_contain_text("Progress on action (Police): Visit the address where the child was found")
    expect(chronology).to_contain_text("Officers called at the address; a neighbour spoke to us.")
    expect(chronology).to_contain_text("Action done (Police): Visit the address where the child was found")
    expect(chronology).to_contain_text("Address visited twice; intelligence shared with the CSE team.")
    expect(chronology).to_contain_text("Police practitioner (demo)")
    axe_check(page)

"""The network's records in a browser, with axe on every page: a CATE worker opens Network from the
menu, adds a person of concern (an empty form first: every fault in the error summary), adds a place,
links the person and the place to a child found by name, reads the links on the person's page, and
withdraws the place's link with a reason (kept, shown as withdrawn)."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from .conftest import axe_check, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def journey(demo_users):
    from tests.factories import allocated_case

    users = {u.username: u for u in get_user_model().objects.filter(username__in=["teamleader", "cateworker1"])}
    case = allocated_case(users["teamleader"], users["cateworker1"], first_name="Networkchild", last_name="Journey")
    return {"case": case, "password": demo_users["password"]}


def _link_to_child(page, *, name: str, kind: str) -> None:
    page.get_by_role("link", name="Add a link").click()
    axe_check(page)
    page.get_by_label("A child").check()
    page.get_by_label("Search for it").fill(name)
    page.get_by_role("button", name="Search").click()
    axe_check(page)
    page.get_by_label(re.compile(name)).check()
    page.get_by_label("Kind of link").select_option(label=kind)
    page.get_by_role("button", name="Add the link").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Link added")
    axe_check(page)


def test_a_worker_adds_a_person_and_a_place_links_them_to_a_child_and_withdraws_a_link(page, journey):
    sign_in(page, "cateworker1", journey["password"])
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Network").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Network")
    axe_check(page)

    # A person of concern: an empty form shows every fault at once.
    page.get_by_role("link", name="Persons of concern").click()
    axe_check(page)
    page.get_by_role("link", name="Add a person of concern").click()
    axe_check(page)
    page.get_by_label("Staff should take care (staff-safety marker)").check()
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Select the kind of person")
    axe_check(page)
    page.get_by_label("Suspected perpetrator").check()
    page.get_by_label("Aliases and nicknames").fill("Smudge")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(summary).to_contain_text("Enter why staff should take care")
    page.get_by_label("Why staff should take care").fill("Threatened a youth worker")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Person of concern added")
    expect(page.locator("[data-staff-safety]")).to_contain_text("Threatened a youth worker")
    axe_check(page)
    person_url = page.url

    # Linked to the child, found by name.
    _link_to_child(page, name="Networkchild Journey", kind="Seen with")
    expect(page.locator("[data-links-table]")).to_contain_text("Networkchild Journey")

    # A place, linked to the child too.
    page.goto("/network/places/add/")
    axe_check(page)
    page.get_by_label("Type of place").select_option(label="Hotel")
    page.get_by_label("Name", exact=True).fill("Station Hotel")
    page.get_by_label("Postcode").fill("tf1 1aa")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Place added")
    expect(page.locator("main")).to_contain_text("TF1 1AA")
    axe_check(page)
    _link_to_child(page, name="Networkchild Journey", kind="Goes missing to")

    # The place's link is withdrawn, with a reason: kept and shown as withdrawn.
    page.get_by_role("link", name=re.compile("^Withdraw")).click()
    axe_check(page)
    page.get_by_role("button", name="Withdraw the link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the link is withdrawn")
    axe_check(page)
    page.get_by_label("Why is the link withdrawn?").fill("Entered on the wrong place")
    page.get_by_role("button", name="Withdraw the link").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Link withdrawn")
    table = page.locator("[data-links-table]")
    expect(table).to_contain_text("Withdrawn")
    expect(table).to_contain_text("Entered on the wrong place")
    axe_check(page)

    # The person's link stands.
    page.goto(person_url)
    expect(page.locator("[data-links-table]")).to_contain_text("Seen with")
    expect(page.locator("[data-links-table]")).not_to_contain_text("Withdrawn")

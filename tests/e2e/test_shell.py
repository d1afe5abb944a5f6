"""Journeys through the shell: sign-in, each role's home page and the 404 page, each checked with axe."""

import re

from playwright.sync_api import expect

from core.demo import DEMO_USERS

from .conftest import axe_check, sign_in

HOME_LINKS = {
    "advisor": ["Front door"],
    "screener": ["Front door"],
    "fcmanager": ["Front door", "Merged child records", "Restricted records", "Locked accounts"],
    "police": ["Front door"],
    "cateworker1": ["CATE cases", "Risk panel"],
    "teamleader": [
        "Front door",
        "CATE cases",
        "Risk panel",
        "Reports",
        "Settings",
        "Locked accounts",
        "Restricted records",
    ],
    "manager": [
        "Front door",
        "CATE cases",
        "Risk panel",
        "Reports",
        "Settings",
        "Locked accounts",
        "Restricted records",
    ],
    "panelmember": ["Risk panel"],
    "auditor": ["Audit"],
}


def test_sign_in_with_a_mistake_then_correctly(page, demo_users):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/$"))
    expect(page).to_have_title("Sign in – CATE pathway")
    axe_check(page)
    page.get_by_label("Username").fill("screener")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_title("Error: Sign in – CATE pathway")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a correct username and password")
    expect(page.get_by_label("Username")).to_have_value("screener")
    axe_check(page)
    page.get_by_label("Password").fill(demo_users["password"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CATE pathway")
    axe_check(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_title("Sign in – CATE pathway")


def test_every_role_has_a_home_page(browser, live_server, demo_users):
    for spec in DEMO_USERS:
        context = browser.new_context(base_url=live_server.url, bypass_csp=True)
        page = context.new_page()
        sign_in(page, spec.username, demo_users["password"])
        expect(page.get_by_role("heading", level=1)).to_have_text("CATE pathway")
        expect(page.locator("main")).to_contain_text(spec.role.label)
        nav = page.get_by_role("navigation", name="Menu")
        for label in HOME_LINKS.get(spec.username, []):
            expect(nav.get_by_role("link", name=label)).to_be_visible()
        axe_check(page)
        for link in HOME_LINKS.get(spec.username, [])[:5]:
            nav.get_by_role("link", name=link).click()
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            axe_check(page)
        context.close()


def test_the_404_page(page, demo_users):
    sign_in(page, "screener", demo_users["password"])
    response = page.goto("/no-such-record/42/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    axe_check(page)


def test_pages_run_under_the_content_security_policy(browser, live_server, demo_users):
    """Without bypassing CSP: GOV.UK Frontend's scripts load and nothing is blocked."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    blocked = []
    page.on("console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None)
    sign_in(page, "manager", demo_users["password"])
    page.goto("/settings/")
    expect(page.locator("body.js-enabled.govuk-frontend-supported")).to_have_count(1)
    # GOV.UK Frontend's module script ran (initAll marks each component it starts).
    expect(page.locator("[data-module=govuk-service-navigation][data-govuk-service-navigation-init]")).to_have_count(1)
    assert blocked == []
    context.close()


def test_an_administrator_unlocks_a_locked_account(browser, live_server, demo_users, settings):
    visitor = browser.new_context(base_url=live_server.url)
    locked = visitor.new_page()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(locked, "screener", "not-the-password")
    expect(locked.get_by_role("heading", level=1)).to_have_text("Your account is locked")

    admin = browser.new_context(base_url=live_server.url).new_page()
    sign_in(admin, "admin", demo_users["password"])
    admin.get_by_role("navigation", name="Menu").get_by_role("link", name="Locked accounts").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Locked accounts")
    axe_check(admin)
    admin.get_by_role("button", name="Unlock screener").click()
    expect(admin.locator(".govuk-error-summary")).to_contain_text("Enter why you are unlocking this account")
    axe_check(admin)
    admin.get_by_label("Why are you unlocking screener?").fill("Identity checked by phone")
    admin.get_by_role("button", name="Unlock screener").click()
    expect(admin.locator("main")).to_contain_text("screener can sign in again")
    expect(admin.locator("main")).to_contain_text("No account is locked out")
    axe_check(admin)

    sign_in(locked, "screener", demo_users["password"])
    expect(locked.get_by_role("heading", level=1)).to_have_text("CATE pathway")
    visitor.close()
    admin.context.close()


def test_a_team_leader_unlocks_a_worker_of_their_team(browser, live_server, demo_users, settings):
    worker = browser.new_context(base_url=live_server.url).new_page()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(worker, "cateworker1", "not-the-password")
    expect(worker.get_by_role("heading", level=1)).to_have_text("Your account is locked")
    expect(worker.locator("main")).to_contain_text("ask your team leader, your manager or your system administrator")
    axe_check(worker)

    leader = browser.new_context(base_url=live_server.url).new_page()
    sign_in(leader, "teamleader", demo_users["password"])
    leader.get_by_role("navigation", name="Menu").get_by_role("link", name="Locked accounts").click()
    expect(leader.get_by_role("heading", level=1)).to_have_text("Locked accounts")
    expect(leader.locator("main")).to_contain_text("You can unlock the accounts of the staff you manage")
    axe_check(leader)
    leader.get_by_label("Why are you unlocking cateworker1?").fill("Checked in person at the office")
    leader.get_by_role("button", name="Unlock cateworker1").click()
    expect(leader.locator("main")).to_contain_text("cateworker1 can sign in again")
    axe_check(leader)

    sign_in(worker, "cateworker1", demo_users["password"])
    expect(worker.get_by_role("heading", level=1)).to_have_text("CATE pathway")
    worker.context.close()
    leader.context.close()

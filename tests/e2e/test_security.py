"""Restricted records and the access log in a real browser: the group manager restricts a child to
named staff (an error first, then with a reason), the team leader who is not named finds nothing,
and the auditor lists who saw the child without its name. axe-core checks every page on the way."""

import re

from playwright.sync_api import expect

from tests.factories import ChildFactory

from .conftest import axe_check, sign_in


def _page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, locale="en-GB", timezone_id="Europe/London"
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def test_restrict_a_record_then_audit_who_saw_it(browser, live_server, demo_users):
    password = demo_users["password"]
    child = ChildFactory(first_name="Restrictme", last_name="Browsertest")

    manager = _page(browser, live_server)
    sign_in(manager, "manager", password)
    manager.goto(f"/front-door/children/{child.pk}/")
    axe_check(manager)
    manager.get_by_role("link", name="Restrict this record").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Who can see this record")
    axe_check(manager)
    manager.get_by_label("Only the staff named below").check()
    manager.get_by_label(re.compile(r"^CATE worker 1")).check()
    manager.get_by_role("button", name="Save who can see this record").click()
    expect(manager).to_have_title(re.compile(r"^Error: "))
    expect(manager.locator(".govuk-error-summary")).to_contain_text("Enter the reason for the change")
    axe_check(manager)
    manager.get_by_label("Reason for the change").fill("Child of a member of staff")
    manager.get_by_role("button", name="Save who can see this record").click()
    expect(manager.locator("main")).to_contain_text("Restrictme")
    manager.goto("/front-door/restricted-records/")
    expect(manager.locator("main")).to_contain_text(f"Child {child.pk}")
    axe_check(manager)
    manager.context.close()

    leader = _page(browser, live_server)
    sign_in(leader, "teamleader", password)
    response = leader.goto(f"/front-door/children/{child.pk}/")
    assert response.status == 404
    leader.goto("/front-door/children/?name=Restrictme")
    expect(leader.locator("main")).not_to_contain_text("Browsertest")
    leader.context.close()

    auditor = _page(browser, live_server)
    sign_in(auditor, "auditor", password)
    auditor.goto(f"/audit/?child={child.pk}")
    expect(auditor.locator("main table")).to_contain_text("Group manager")
    expect(auditor.locator("main table")).to_contain_text("restricted record")
    expect(auditor.locator("main")).not_to_contain_text("Browsertest")
    axe_check(auditor)
    auditor.goto("/audit/?child=seven")
    expect(auditor).to_have_title(re.compile(r"^Error: "))
    axe_check(auditor)
    auditor.context.close()

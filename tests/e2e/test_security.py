"""Restricted records and the access log in a real browser: the team leader restricts a child to
named staff (an error first, then with a reason), the worker named is told, the group manager who
is not named finds nothing, the administrator has no restriction pages, and the auditor lists who
saw the child without its name. axe-core checks every page on the way."""

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

    leader = _page(browser, live_server)
    sign_in(leader, "teamleader", password)
    leader.goto(f"/front-door/children/{child.pk}/")
    axe_check(leader)
    leader.get_by_role("link", name="Restrict this record").click()
    expect(leader.get_by_role("heading", level=1)).to_have_text("Who can see this record")
    expect(leader.locator("#always-named")).to_contain_text("You (")
    axe_check(leader)
    leader.get_by_label("Only the staff named below").check()
    leader.get_by_label(re.compile(r"^CATE worker 1")).check()
    leader.get_by_role("button", name="Save who can see this record").click()
    expect(leader).to_have_title(re.compile(r"^Error: "))
    expect(leader.locator(".govuk-error-summary")).to_contain_text("Enter the reason for the change")
    axe_check(leader)
    leader.get_by_label("Reason for the change").fill("Child of a member of staff")
    leader.get_by_role("button", name="Save who can see this record").click()
    expect(leader.locator("main")).to_contain_text("Restrictme")
    leader.goto("/front-door/restricted-records/")
    expect(leader.locator("main")).to_contain_text(f"Child {child.pk}")
    axe_check(leader)
    leader.context.close()

    worker = _page(browser, live_server)
    sign_in(worker, "cateworker1", password)
    worker.goto("/notifications/")
    expect(worker.locator("main")).to_contain_text(f"Restricted record made: child {child.pk}")
    axe_check(worker)
    worker.context.close()

    manager = _page(browser, live_server)
    sign_in(manager, "manager", password)
    response = manager.goto(f"/front-door/children/{child.pk}/")
    assert response.status == 404
    manager.goto("/front-door/children/?name=Restrictme")
    expect(manager.locator("main")).not_to_contain_text("Browsertest")
    manager.context.close()

    admin = _page(browser, live_server)
    sign_in(admin, "admin", password)
    assert admin.goto("/front-door/restricted-records/").status == 403
    assert admin.goto(f"/front-door/children/{child.pk}/restriction/").status == 403
    admin.context.close()

    auditor = _page(browser, live_server)
    sign_in(auditor, "auditor", password)
    auditor.goto(f"/audit/?child={child.pk}")
    expect(auditor.locator("main table")).to_contain_text("CATE team leader")
    expect(auditor.locator("main table")).to_contain_text("restricted record")
    expect(auditor.locator("main")).not_to_contain_text("Browsertest")
    axe_check(auditor)
    auditor.goto("/audit/?child=seven")
    expect(auditor).to_have_title(re.compile(r"^Error: "))
    axe_check(auditor)
    auditor.context.close()

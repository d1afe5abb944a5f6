"""A restricted child and a second record of them, in a real browser: the advisor, who cannot see the
restricted record, searches, finds nothing, adds the child and is told nothing; the team leader named
on the restricted record has the alert, opens the pair and merges it into the restricted record, which
stays restricted. axe-core checks every page on the way."""

import datetime as dt
import re

from django.core import mail
from playwright.sync_api import expect

from contacts import services
from contacts.choices import DuplicateStatus
from contacts.models import Child, PossibleDuplicate
from core.models import User
from tests.factories import ChildFactory

from .conftest import axe_check, sign_in


def _page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, locale="en-GB", timezone_id="Europe/London"
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def test_an_advisor_adds_a_child_restricted_from_them_and_the_named_team_leader_merges(
    browser, live_server, demo_users
):
    password = demo_users["password"]
    hidden = ChildFactory(first_name="Roxanne", last_name="Browserdupe", date_of_birth=dt.date(2010, 5, 4))
    hidden = services.child_restrict(
        child=hidden,
        actor=User.objects.get(username="manager"),
        is_restricted=True,
        staff=[User.objects.get(username="teamleader")],
        reason="Child of a member of staff",
    )
    mail.outbox.clear()

    # The advisor searches, finds nothing, adds the child: nothing tells them of the restricted record.
    advisor = _page(browser, live_server)
    sign_in(advisor, "advisor", password)
    advisor.goto("/front-door/children/?name=Roxanne+Browserdupe")
    expect(advisor.locator("main")).to_contain_text("No children match.")
    axe_check(advisor)
    advisor.goto("/front-door/children/new/")
    advisor.get_by_label("First name").fill("Roxanne")
    advisor.get_by_label("Last name").fill("Browserdupe")
    dob = advisor.get_by_role("group", name="Date of birth")
    dob.get_by_label("Day").fill("4")
    dob.get_by_label("Month").fill("5")
    dob.get_by_label("Year").fill("2010")
    advisor.get_by_role("radio", name="Female").check()
    axe_check(advisor)
    advisor.get_by_role("button", name="Add the child").click()
    expect(advisor.locator(".govuk-notification-banner")).to_contain_text("Roxanne Browserdupe added to the index.")
    expect(advisor.locator("main")).not_to_contain_text(f"child {hidden.pk}")
    expect(advisor.locator("main")).not_to_contain_text("duplicate")
    axe_check(advisor)
    added = Child.objects.exclude(pk=hidden.pk).get(last_name="Browserdupe")
    advisor.context.close()

    pair = PossibleDuplicate.objects.get()
    assert (pair.child_id, pair.existing_id) == (added.pk, hidden.pk)
    assert sorted(m.to[0] for m in mail.outbox) == ["manager@cate-demo.invalid", "teamleader@cate-demo.invalid"]
    assert not any("Roxanne" in m.body or "Browserdupe" in m.body for m in mail.outbox)

    # The named team leader has the alert, opens the pair from it and merges.
    leader = _page(browser, live_server)
    sign_in(leader, "teamleader", password)
    menu = leader.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link", name="Possible duplicates")).to_be_visible()
    leader.goto("/notifications/")
    axe_check(leader)
    leader.get_by_role("link", name=f"Possible duplicate of restricted record: child {hidden.pk}").click()
    expect(leader.get_by_role("heading", level=1)).to_have_text(f"Possible duplicate {pair.pk}")
    expect(leader.locator("main")).to_contain_text("Restricted")
    axe_check(leader)
    leader.get_by_role("button", name="Save").click()
    expect(leader).to_have_title(re.compile(r"^Error: "))
    expect(leader.locator(".govuk-error-summary")).to_contain_text("Choose whether these records are the same child")
    axe_check(leader)
    leader.get_by_role("radio", name=re.compile(r"^Yes, the same child")).check()
    leader.get_by_label("How do you know?").fill("Same name and date of birth; the school confirmed")
    leader.get_by_role("button", name="Save").click()
    expect(leader.locator(".govuk-notification-banner")).to_contain_text(f"Possible duplicate {pair.pk}: merged.")
    axe_check(leader)
    leader.get_by_role("link", name="Possible duplicates", exact=True).first.click()
    expect(leader.locator("main")).to_contain_text("No open pairs.")
    axe_check(leader)
    leader.context.close()

    pair.refresh_from_db()
    hidden.refresh_from_db()
    added.refresh_from_db()
    assert pair.status == DuplicateStatus.MERGED
    assert hidden.is_restricted and added.merged_into_id == hidden.pk

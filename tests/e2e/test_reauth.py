"""A fresh sign-in in a real browser: the group manager's session is more than 15 minutes past its
last check; the restriction page asks "Confirm it's you" first and comes back to it; a form sent after
the window passed comes back with what was typed, and is saved once sent again. axe-core checks
every page on the way."""

import re
import time

from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from contacts.models import Child
from core.reauth import FRESH_AT
from tests.factories import ChildFactory

from .conftest import axe_check, sign_in


def make_stale(page) -> None:
    """The session last proved who its user is 16 minutes ago."""
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "sessionid"]
    session = SessionStore(session_key=cookie["value"])
    session[FRESH_AT] = int(time.time()) - 16 * 60
    session.save()


def confirm(page, password: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it's you")
    axe_check(page)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter your correct password")
    axe_check(page)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()


def test_a_stale_session_confirms_before_restricting_and_keeps_what_was_typed(page, demo_users):
    password = demo_users["password"]
    child = ChildFactory(first_name="Freshcheck", last_name="Browsertest")
    restriction = f"/front-door/children/{child.pk}/restriction/"
    sign_in(page, "manager", password)

    # Signing in was a check: the page opens straight away.
    page.goto(restriction)
    expect(page.get_by_role("heading", level=1)).to_have_text("Who can see this record")

    # Later: opening it asks first, then comes back to it.
    make_stale(page)
    page.goto(f"/front-door/children/{child.pk}/")
    page.get_by_role("link", name="Restrict this record").click()
    confirm(page, password)
    expect(page).to_have_url(re.compile(re.escape(restriction) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Who can see this record")

    # The form is filled in, but the window passes before it is sent: nothing is saved, the check is
    # asked for, and the page comes back with what was typed.
    page.get_by_label("Only the staff named below").check()
    page.get_by_label(re.compile(r"^CATE worker 1")).check()
    page.get_by_label("Reason for the change").fill("Child of a member of staff")
    make_stale(page)
    page.get_by_role("button", name="Save who can see this record").click()
    assert not Child.objects.get(pk=child.pk).is_restricted
    confirm(page, password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Who can see this record")
    expect(page.locator("main")).to_contain_text("Check what you entered and send it again")
    expect(page.get_by_label("Reason for the change")).to_have_value("Child of a member of staff")
    expect(page.get_by_label("Only the staff named below")).to_be_checked()
    expect(page.get_by_label(re.compile(r"^CATE worker 1"))).to_be_checked()
    axe_check(page)
    assert not Child.objects.get(pk=child.pk).is_restricted

    page.get_by_role("button", name="Save who can see this record").click()
    expect(page.locator("main")).to_contain_text("Freshcheck")
    assert Child.objects.get(pk=child.pk).is_restricted

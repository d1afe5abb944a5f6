"""The home page is the work tray: a CATE worker, a team leader and a partner each sign in, read
their counts, and follow one to the list of exactly those records, with axe on every page."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from .conftest import axe_check, sign_in


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def tray_link(page, section: str, label: str):
    region = page.get_by_role("region", name=section)
    return region.get_by_role("link", name=re.compile(rf"^\d+ – {re.escape(label)}$"))


def test_each_role_follows_a_tray_count_to_its_list(page, demo_users):
    from cate.models import MissingEpisode
    from contacts.choices import ContactStatus, Outcome
    from core.models import Agency, User
    from tests.factories import CaseFactory, ChildFactory, ContactFactory, MaceRecipientFactory, grant_case_access

    password = demo_users["password"]
    now = timezone.now()
    worker, other = User.objects.get(username="cateworker1"), User.objects.get(username="cateworker2")
    mine = CaseFactory(
        child=ChildFactory(first_name="Trayone", last_name="Example"),
        allocated_worker=worker,
        next_visit_due_at=now - dt.timedelta(days=2),
    )
    grant_case_access(mine, worker)
    MissingEpisode.objects.create(
        child=mine.child,
        case=mine,
        missing_from=now - dt.timedelta(days=6),
        returned_at=now - dt.timedelta(days=5),
        rhi_due_at=now - dt.timedelta(days=2),
        recorded_by=worker,
    )
    theirs = CaseFactory(
        child=ChildFactory(first_name="Traytwo", last_name="Example"),
        allocated_worker=other,
        next_visit_due_at=now - dt.timedelta(days=1),
    )
    grant_case_access(theirs, other)
    on_time = CaseFactory(
        child=ChildFactory(first_name="Traythree", last_name="Example"),
        allocated_worker=worker,
        next_visit_due_at=now + dt.timedelta(days=3),
    )
    grant_case_access(on_time, worker)
    contact = ContactFactory(
        child=ChildFactory(first_name="Trayfour", last_name="Example"),
        status=ContactStatus.DECIDED,
        decided_at=now,
        outcome=Outcome.INFORMATION_ADVICE,
    )
    MaceRecipientFactory(request__contact=contact, agency=Agency.objects.get(name="Police"))

    # The CATE worker: their cases, and the one whose visit is overdue.
    sign_in(page, "cateworker1", password)
    expect(page.get_by_role("heading", name="Your work tray")).to_be_visible()
    axe_check(page)
    expect(tray_link(page, "Your cases", "Cases you hold")).to_have_text(re.compile(r"^2"))
    tray_link(page, "Your cases", "Visits overdue").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cases")
    axe_check(page)
    table = page.get_by_role("table")
    expect(table.get_by_role("link", name="Trayone Example")).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(2)  # the header and the one case
    expect(page.get_by_label("Due or overdue")).to_have_value("visit")  # the filter is shown, and can be changed
    page.get_by_label("Due or overdue").select_option("")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(3)  # both of the worker's cases
    sign_out(page)

    # The team leader: visits overdue across the team, then a search for one worker's.
    sign_in(page, "teamleader", password)
    axe_check(page)
    link = tray_link(page, "Your team", "Visits overdue")
    expect(link).to_have_text(re.compile(r"^2"))
    link.click()
    page.wait_for_load_state()
    axe_check(page)
    table = page.get_by_role("table")
    expect(table.get_by_role("link", name="Trayone Example")).to_be_visible()
    expect(table.get_by_role("link", name="Traytwo Example")).to_be_visible()
    page.get_by_label("Young person's name, case reference or worker").fill("cateworker2")  # the worker
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    axe_check(page)
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(2)
    expect(page.get_by_role("table").get_by_role("link", name="Traytwo Example")).to_be_visible()
    sign_out(page)

    # The partner: the enquiry awaiting their agency's answer.
    sign_in(page, "police", password)
    axe_check(page)
    link = tray_link(page, "Police: multi-agency child enquiries", "Enquiries awaiting your agency's answer")
    expect(link).to_have_text(re.compile(r"^1"))
    link.click()
    page.wait_for_load_state()
    axe_check(page)
    expect(page.get_by_role("table").get_by_text("Trayfour Example")).to_be_visible()

"""The CATE journey in a browser: referral → assessment → open → allocate → visit → risk assessment →
missing episode → return home interview → transition meeting → closure, with axe on every page."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from core import clock

from .conftest import axe_check, sign_in


def fill_date(page, prefix: str, day: dt.date, time: str | None = None) -> None:
    page.locator(f"#id_{prefix}_day").fill(str(day.day))
    page.locator(f"#id_{prefix}_month").fill(str(day.month))
    page.locator(f"#id_{prefix}_year").fill(str(day.year))
    if time is not None:
        page.locator(f"#id_{prefix}_time").fill(time)


def submit(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def test_cate_journey_from_referral_to_closure(page, demo_users):
    from core import contract
    from core.models import User
    from tests.factories import ChildFactory, ContactFactory

    password = demo_users["password"]
    today = timezone.localdate()
    child = ChildFactory(
        first_name="Journey",
        last_name="Example",
        date_of_birth=clock.add_months_to_date(today, -(17 * 12 - 1)),  # 17 next month: transition planning
    )
    contact = ContactFactory(child=child, decided_at=timezone.now())
    contract.call("contact_referred_handlers", contact=contact, actor=User.objects.get(username="screener"))

    # The team leader starts the assessment, records the outcome, and allocates the case.
    sign_in(page, "teamleader", password)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="CATE cases").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CATE cases")
    axe_check(page)
    page.get_by_role("link", name="Referrals awaiting a detailed assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CATE referrals")
    axe_check(page)
    page.get_by_role("link", name="Journey Example").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Journey Example")
    axe_check(page)
    page.get_by_role("link", name="Start the detailed assessment").click()
    axe_check(page)
    submit(page, "Start the assessment")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the type of assessment")
    expect(page).to_have_title(re.compile("^Error: "))
    axe_check(page)
    page.get_by_label("CATE assessment").check()
    page.get_by_label("Who writes the assessment").select_option(label="CATE worker 1 (demo)")
    submit(page, "Start the assessment")
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Detailed assessment started")
    axe_check(page)
    page.get_by_role("link", name="Record the outcome").click()
    axe_check(page)
    page.get_by_label("Opened to CATE", exact=True).check()
    page.locator("#id_cse_is_factor_0").check()
    page.get_by_label("Child sexual exploitation (CSE)").check()
    page.get_by_label("At risk").check()
    submit(page, "Record the outcome")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the summary of the assessment")
    expect(page.get_by_label("At risk")).to_be_checked()  # nothing chosen is lost
    axe_check(page)
    page.get_by_label("Summary of the assessment").fill("Older men give her money and lifts.")
    submit(page, "Record the outcome")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Journey Example")
    expect(page.locator("main")).to_contain_text("Not allocated")
    axe_check(page)
    page.get_by_role("link", name="Allocate the case").click()
    axe_check(page)
    page.get_by_label(re.compile(r"^CATE worker 1 \(demo\) – 0 of 10 cases")).check()
    submit(page, "Allocate")
    expect(page.locator("main")).to_contain_text("CATE worker 1 (demo)")
    axe_check(page)
    sign_out(page)

    # The worker finds the case on their caseload and works it.
    sign_in(page, "cateworker1", password)
    page.goto("/cate/caseload/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My caseload")
    axe_check(page)
    page.get_by_role("link", name="Journey Example").click()
    axe_check(page)
    case_url = page.url

    page.get_by_role("link", name="Record a visit").click()
    axe_check(page)
    fill_date(page, "visited_at", today, timezone.localtime().strftime("%H:%M"))
    page.get_by_label("Face to face").check()
    page.get_by_label("Where").fill("Youth centre")
    page.locator("#id_seen_alone_0").check()
    submit(page, "Save")
    expect(page.locator("#visits")).to_contain_text("Youth centre")
    axe_check(page)

    page.get_by_role("link", name="Record a risk assessment").click()
    axe_check(page)
    submit(page, "Record the assessment")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a level for running away/going missing")
    axe_check(page)
    fill_date(page, "assessed_at", today, timezone.localtime().strftime("%H:%M"))
    for select in page.locator("select[id$='_level']").all():
        select.select_option("complex")
    for area in page.locator("textarea[id$='_evidence']").all():
        area.fill("Seen with older males near the station")
    page.get_by_label("Medium-High").check()
    page.get_by_label("The young person's views").fill("Says they are fine")
    page.get_by_label("The family's views").fill("Worried about late nights")
    submit(page, "Record the assessment")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Risk assessment of")
    axe_check(page)
    page.goto(case_url)
    expect(page.locator("main")).to_contain_text("Medium-High")
    axe_check(page)

    page.get_by_role("link", name="Record a missing episode").click()
    axe_check(page)
    went = timezone.localtime() - dt.timedelta(hours=30)
    back = timezone.localtime() - dt.timedelta(hours=3)
    fill_date(page, "missing_from", went.date(), went.strftime("%H:%M"))
    fill_date(page, "returned_at", back.date(), back.strftime("%H:%M"))
    page.get_by_label("Reported missing by").fill("Mother")
    page.get_by_label("Police reference").fill("WMP-2024-0042")
    submit(page, "Save")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Missing episode from")
    expect(page.locator("main")).to_contain_text("Due")
    axe_check(page)

    page.get_by_role("link", name="Record the interview").click()
    axe_check(page)
    page.get_by_label("Completed").check()
    held = timezone.localtime() - dt.timedelta(minutes=30)
    fill_date(page, "completed_at", held.date(), held.strftime("%H:%M"))
    page.get_by_label("Held by", exact=True).select_option(label="CATE worker 1 (demo)")
    page.get_by_label("What the young person said").fill("Stayed with friends in town")
    submit(page, "Save")
    expect(page.locator("main")).to_contain_text("Done on time")
    axe_check(page)

    page.goto(case_url)
    page.get_by_role("link", name="Record a transition meeting").click()
    axe_check(page)
    fill_date(page, "held_on", today)
    page.get_by_label("Adult Social Care").check()
    page.get_by_label("Decisions").fill("Adult social care to assess before the 18th birthday")
    page.get_by_label("Onward support plan").fill("Key worker from adult services")
    submit(page, "Record the meeting")
    expect(page.locator("#transition")).to_contain_text("Adult Social Care")
    # What the meeting was due for is recorded: the case no longer shows it as due.
    expect(page.locator("dl").first).to_contain_text("Held on")
    due_table = page.locator("table", has=page.locator("caption", has_text="What is due"))
    expect(due_table.locator("tr", has_text="Post-17 transition meeting")).to_have_count(0)
    axe_check(page)

    page.get_by_role("link", name="Propose closure").click()
    axe_check(page)
    page.get_by_label("Reason for closing").fill("Risk reduced; engaged with support")
    page.get_by_label("Exit plan").fill("School mentor and youth club")
    page.get_by_label("Early help").check()
    # Still outstanding: the Medium-High case has not been to a panel, and the GP is not told yet.
    page.get_by_label(re.compile("no risk panel has decided on it")).fill("Risk reduced before the first panel")
    page.get_by_label(re.compile("GP practice has not been told")).fill("The letter goes once approved")
    submit(page, "Propose closure")
    expect(page.locator("main")).to_contain_text("Closure proposed")
    axe_check(page)
    sign_out(page)

    # The team leader approves the closure.
    sign_in(page, "teamleader", password)
    page.goto(case_url)
    axe_check(page)
    page.get_by_role("link", name="Decide on the closure").click()
    axe_check(page)
    for item in ("no risk panel has decided on it", "GP practice has not been told"):
        page.get_by_role("group", name=re.compile(item)).get_by_label("Accept the reason").check()
    page.get_by_label("Approve the closure").check()
    submit(page, "Save the decision")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Closed")
    axe_check(page)
    child.refresh_from_db()
    assert child.previously_known_to_cate and not child.open_to_cate

"""Journey through reporting: the caseload dashboard, a drill-down list and the annual report with a
download, each page checked with axe."""

import datetime as dt
import re

from django.utils import timezone
from playwright.sync_api import expect

from core import audit
from imports.services import records_import
from tests.imports.test_services import document

from .conftest import axe_check, sign_in


def _records():
    doc = document()
    # An open case a year old, and a contact whose decision is overdue now.
    now = timezone.now()
    doc["contacts"].append(
        {"key": "K-now", "child": "C2", "received_at": (now - dt.timedelta(days=3)).isoformat(), "cse_concern": True}
    )
    records_import(document=doc, actor=audit.system_user(), now=now)


def test_a_group_manager_reads_the_dashboard_and_downloads_the_annual_report(page, demo_users):
    _records()
    sign_in(page, "manager", demo_users["password"])
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseloads and overdue work")
    expect(page.get_by_role("table", name=re.compile("Open cases per worker"))).to_contain_text("Imported Worker One")
    expect(page.get_by_role("table", name="Average caseload at the end of each month")).to_be_visible()
    expect(page.get_by_role("table", name="Open cases by current risk level")).to_be_visible()
    expect(page.get_by_role("table", name="Open cases and how they add up")).to_contain_text("Total open cases")
    # The figures on the page add up as someone reading it would check them.
    parts = [
        int(n) for n in page.get_by_role("table", name="Open cases and how they add up").locator("td").all_inner_texts()
    ]
    assert (
        sum(parts[:-1]) == parts[-1] == int(re.search(r"Open cases\s+(\d+)", page.locator("dl").first.inner_text())[1])
    )
    workers = page.get_by_role("table", name=re.compile("Open cases per worker"))
    loads = [int(n) for n in workers.locator("tbody td.govuk-table__cell--numeric").all_inner_texts()]
    assert sum(loads[:-1]) == loads[-1] == parts[0]
    average = page.locator("dl").first.inner_text()
    assert f"held by {len(loads) - 1} member" in average
    axe_check(page)

    page.get_by_role("link", name="Decisions on contacts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overdue: decisions on contacts")
    expect(page.locator("main table")).to_contain_text("Othertest Imported")
    axe_check(page)
    page.get_by_role("link", name="Back to the dashboard").click()

    page.get_by_role("link", name="Contacts waiting for a decision, in due order").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contacts waiting for a decision")
    axe_check(page)
    page.get_by_role("link", name="Back to the dashboard").click()

    page.get_by_role("link", name="Annual report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Annual report \d{4}/\d{2}$"))
    axe_check(page)

    for name, value in (("start_day", "1"), ("start_month", "4"), ("start_year", "2023")):
        page.locator(f"[name={name}]").fill(value)
    for name, value in (("end_day", "31"), ("end_month", "3"), ("end_year", "2023")):
        page.locator(f"[name={name}]").fill(value)
    page.get_by_role("button", name="Show the report").click()
    expect(page).to_have_title(re.compile("^Error: Annual report"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("The end date must be the same as or after")
    expect(page.locator("[name=end_year]")).to_have_value("2023")
    axe_check(page)

    page.locator("[name=end_year]").fill("2024")
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual report 2023/24")
    expect(page.get_by_role("table", name=re.compile("^Contacts by source"))).to_contain_text("Police")
    axe_check(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the report as CSV").click()
    assert download.value.suggested_filename == "annual-report-2023-04-01-to-2024-03-31.csv"


def test_a_team_leader_has_the_dashboard_but_not_the_annual_report(page, demo_users):
    sign_in(page, "teamleader", demo_users["password"])
    page.goto("/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseloads and overdue work")
    expect(page.get_by_role("link", name="Annual report")).to_have_count(0)
    axe_check(page)
    response = page.goto("/reports/annual-report/")
    assert response.status == 403

"""Long pages (the case, the caseload dashboard) open with a contents list: every entry links to a
section of the page, and every section of the page is in the list."""

import re

import pytest
from django.urls import reverse

from tests.factories import allocated_case

pytestmark = pytest.mark.django_db


def contents_of(html: str) -> list[str]:
    nav = re.search(r'<nav class="app-contents-list[^"]*" aria-label="Contents">(.*?)</nav>', html, re.S)
    assert nav, "The page has no contents list"
    return re.findall(r'href="#([^"]+)"', nav.group(1))


def ids_of(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def test_the_case_page_lists_its_sections(personas, client_for):
    case = allocated_case(personas["team_leader"], personas["cate_worker"])
    html = client_for(personas["cate_worker"]).get(reverse("cate:case_detail", args=[case.pk])).content.decode()
    anchors = contents_of(html)
    assert anchors[0] == "due"  # an allocated live case has its visits and more falling due
    assert {"chronology", "visits", "missing", "history"} <= set(anchors)
    assert set(anchors) <= ids_of(html), set(anchors) - ids_of(html)
    # Every summary card of the page is in the list.
    cards = set(re.findall(r'<div class="govuk-summary-card" id="([^"]+)"', html))
    assert cards and cards <= set(anchors)


def test_the_case_page_lists_what_other_apps_add(personas, client_for):
    case = allocated_case(personas["team_leader"], personas["cate_worker"])
    html = client_for(personas["team_leader"]).get(reverse("cate:case_detail", args=[case.pk])).content.decode()
    sections = re.findall(r'<h2 class="govuk-heading-m" id="(section-\d+)">', html)
    assert set(sections) <= set(contents_of(html))


def test_the_dashboard_lists_its_sections(personas, client_for):
    html = client_for(personas["group_manager"]).get(reverse("reporting:index")).content.decode()
    anchors = contents_of(html)
    assert anchors[:3] == ["open-cases", "workers", "average-caseload"]
    assert set(anchors) <= ids_of(html), set(anchors) - ids_of(html)
    headings = set(re.findall(r'<h[23] class="govuk-heading-[ms]" id="([^"]+)"', html))
    assert headings <= set(anchors), headings - set(anchors)

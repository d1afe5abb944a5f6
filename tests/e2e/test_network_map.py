"""Journey through a child's network map: the drawing as a named image, the table sorted by its
headers and narrowed by the filters, the printable table; each page checked with axe. A police
partner reads the same map; a health partner has none."""

import shutil

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from network.choices import Confidence, LinkKind, PlaceKind
from tests.factories import ChildFactory, LinkFactory, PersonFactory, PlaceFactory

from .conftest import axe_check, sign_in


def _network():
    child = ChildFactory(first_name="Mapchild", last_name="Journey")
    other = ChildFactory(first_name="Otherchild", last_name="Journey")
    adult = PersonFactory(first_name="Mapadult", last_name="Journey", staff_safety_warning=True)
    hotel = PlaceFactory(name="Mapside Hotel", kind=PlaceKind.HOTEL, is_hotspot=True, hotspot_reason="Often seen")
    LinkFactory(a=child, b=adult, kind=LinkKind.SEEN_WITH, confidence=Confidence.CONFIRMED)
    LinkFactory(a=other, b=adult, kind=LinkKind.ASSOCIATES_WITH, confidence=Confidence.SUSPECTED)
    LinkFactory(a=child, b=hotel, kind=LinkKind.GOES_MISSING_TO, confidence=Confidence.REPORTED)
    return child


def test_a_team_leader_reads_sorts_filters_and_prints_a_child_s_map(page, demo_users):
    child = _network()
    sign_in(page, "teamleader", demo_users["password"])
    page.goto(f"/network/map/child/{child.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mapchild Journey")
    if shutil.which("dot"):
        expect(page.get_by_role("img", name="Network map of Mapchild Journey")).to_be_visible()
    table = page.locator("#network-map-table")
    expect(table).to_contain_text("Mapadult Journey")
    expect(table).to_contain_text("Staff-safety warning")
    expect(page.locator("#at-risk ~ table").first).to_contain_text("Otherchild Journey")
    axe_check(page)

    table.get_by_role("link", name="Last seen").click()
    expect(page.locator("#network-map-table th[aria-sort='ascending']")).to_contain_text("Last seen")
    axe_check(page)

    page.get_by_text("Filter the map").click()
    page.get_by_label("Confirmed").check()
    page.get_by_role("button", name="Show the map").click()
    expect(table).to_contain_text("1 link between 2 things")
    expect(table).not_to_contain_text("Mapside Hotel")
    axe_check(page)

    page.get_by_role("link", name="Print the table").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mapchild Journey")
    expect(page.locator("#network-map-table")).to_contain_text("Mapadult Journey")
    axe_check(page)


@pytest.mark.parametrize(("username", "status"), [("police", 200), ("health", 404)])
def test_a_police_partner_reads_the_map_and_a_health_partner_has_none(page, demo_users, username, status):
    child = _network()
    assert get_user_model().objects.filter(username=username).exists()
    sign_in(page, username, demo_users["password"])
    response = page.goto(f"/network/map/child/{child.pk}/")
    assert response.status == status
    if status == 200:
        expect(page.locator("#network-map-table")).to_contain_text("Mapadult Journey")
        axe_check(page)

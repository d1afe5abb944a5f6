"""Sections and actions an app declares for another app's pages (core.contract hooks
`child_page_*`, `contact_page_*`, `case_page_*`, `panel_paper_*`, `record_page_sections`) show on
those pages, for the user the provider allows, and nothing shows when no app declares one."""

from __future__ import annotations

import copy

import pytest
from django.urls import reverse

from core import contract
from core.contract import PageAction, Section

pytestmark = pytest.mark.django_db

# page -> (the hook prefix, the persona who sees the page, the URL of the world's record, the record)
PAGES = {
    "child": ("child_page", "screener", lambda w: w["child"].get_absolute_url(), lambda w: w["child"]),
    "contact": ("contact_page", "screener", lambda w: w["contact"].get_absolute_url(), lambda w: w["contact"]),
    "case": ("case_page", "cate_worker", lambda w: w["case"].get_absolute_url(), lambda w: w["case"]),
    "panel paper": (
        "panel_paper",
        "team_leader",
        lambda w: reverse("riskpanel:item_detail", args=[w["meeting"].pk, w["item"].pk]),
        lambda w: w["item"],
    ),
}


@pytest.fixture
def section_template(settings, tmp_path):
    (tmp_path / "contributed.html").write_text('<p class="govuk-body">Seen by another app: {{ note }}</p>')
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], str(tmp_path)]
    settings.TEMPLATES = templates
    return "contributed.html"


@pytest.mark.parametrize("page", PAGES)
def test_a_declared_section_and_action_show_on_the_page(page, rich_world, client_for, section_template):
    prefix, persona, url, record = PAGES[page]
    world = rich_world
    seen = []

    def section(obj, *, user):
        seen.append((obj, user))
        return Section(title="Network links", template=section_template, context={"note": f"about {obj.pk}"})

    def action(obj, *, user):
        return PageAction(label="Add a network link", url=f"/network/add/?about={obj.pk}")

    def nothing(obj, *, user):
        return None

    user = world.personas[persona]
    with (
        contract.override(f"{prefix}_sections", [section, nothing]),
        contract.override(f"{prefix}_actions", [action, nothing]),
    ):
        response = client_for(user).get(url(world))
    assert response.status_code == 200
    html = response.content.decode()
    obj = record(world)
    assert seen == [(obj, user)]
    assert "Network links" in html and f"Seen by another app: about {obj.pk}" in html
    assert f'href="/network/add/?about={obj.pk}"' in html and "Add a network link" in html


@pytest.mark.parametrize("page", PAGES)
def test_nothing_is_added_when_no_app_declares_a_section(page, rich_world, client_for):
    prefix, persona, url, _ = PAGES[page]
    with contract.override(f"{prefix}_sections", []), contract.override(f"{prefix}_actions", []):
        html = client_for(rich_world.personas[persona]).get(url(rich_world)).content.decode()
    assert "app-contributed-section" not in html and "app-contributed-actions" not in html


@pytest.mark.parametrize("kind", ["person", "place", "vehicle"])
def test_a_declared_section_shows_on_a_network_records_page(kind, rich_world, client_for, section_template):
    """`record_page_sections`: the page of a network record (a person of concern, a place, a vehicle)
    shows what a higher app declares for it, for the reader the provider allows; nothing without one."""
    record = rich_world[kind]
    user = rich_world.personas["team_leader"]
    seen = []

    def section(obj, *, user):
        seen.append((obj, user))
        return Section(title="Disruption", template=section_template, context={"note": f"about {obj.pk}"})

    with contract.override("record_page_sections", [section]):
        html = client_for(user).get(record.get_absolute_url()).content.decode()
    assert seen == [(record, user)] and f"Seen by another app: about {record.pk}" in html
    with contract.override("record_page_sections", []):
        html = client_for(user).get(record.get_absolute_url()).content.decode()
    assert "app-contributed-section" not in html

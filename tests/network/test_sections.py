"""The network on the pages below it (network.sections through core.contract): the child page, the
contact page, the case page, the panel paper. Shown to readers of the network only (a health partner
sees nothing of it, a police partner does, a panel member while invited to an open panel), never a
restricted child to anyone not named on it, and the pages make as many queries with many links as
with one."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import contract
from core.models import User
from network import sections
from network.choices import LinkKind
from riskpanel.choices import PanelStatus
from tests.factories import (
    AgendaItemFactory,
    CaseFactory,
    ChildFactory,
    ContactFactory,
    LinkFactory,
    PanelMeetingFactory,
    PersonFactory,
    PlaceFactory,
    VehicleFactory,
    allocated_case,
)

pytestmark = pytest.mark.django_db

HIDDEN = "Hiddenchild"


def network_of(child):
    """A person and a place linked to the child, and a restricted child no one but the CATE worker
    persona may see (named on it by the caller when wanted)."""
    person = PersonFactory(first_name="Visible", last_name="Suspect")
    place = PlaceFactory(name="Corner takeaway")
    hidden = ChildFactory(first_name=HIDDEN, is_restricted=True)
    LinkFactory(a=child, b=person, kind=LinkKind.SEEN_WITH)
    LinkFactory(a=place, b=child, kind=LinkKind.FREQUENTS)
    LinkFactory(a=child, b=hidden, kind=LinkKind.ASSOCIATES_WITH)
    return person, place, hidden


def shown(section) -> str:
    return render_to_string(section.template, section.context)


def fresh(user):
    """The user as a new request sees them (what they may read is kept on the user object)."""
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("persona", ["team_leader", "cate_worker", "screener", "police", "group_manager"])
def test_a_reader_sees_the_childs_links_but_never_a_restricted_child(personas, persona):
    child = ChildFactory()
    network_of(child)
    section = sections.child_section(child, user=personas[persona])
    html = shown(section)
    assert "Visible Suspect" in html and "Corner takeaway" in html
    assert HIDDEN not in html
    assert len(section.context["rows"]) == 2


def test_the_staff_named_on_a_restricted_child_see_it(personas):
    worker = personas["cate_worker"]
    child = ChildFactory()
    _, _, hidden = network_of(child)
    hidden.restricted_to.add(worker)
    section = sections.child_section(child, user=fresh(worker))
    assert HIDDEN in shown(section) and len(section.context["rows"]) == 3


@pytest.mark.parametrize("persona", ["health", "advisor", "auditor", "administrator"])
def test_no_section_for_those_who_may_not_read_the_network(personas, persona):
    child = ChildFactory()
    network_of(child)
    contact = ContactFactory(child=child)
    case = CaseFactory(child=child)
    user = personas[persona]
    assert sections.child_section(child, user=user) is None
    assert sections.contact_section(contact, user=user) is None
    assert sections.case_section(case, user=user) is None
    assert sections.case_missing_section(case, user=user) is None
    assert all(section is None for section in [sections.panel_paper_section(AgendaItemFactory(case=case), user=user)])


def test_a_restricted_childs_own_network_is_empty_to_anyone_not_named(personas):
    child = ChildFactory(is_restricted=True, first_name=HIDDEN)
    LinkFactory(a=child, b=PersonFactory(first_name="Only", last_name="Theirs"))
    section = sections.child_section(child, user=personas["team_leader"])
    assert section.context["rows"] == [] and "Only Theirs" not in shown(section)


def test_the_case_section_holds_the_childs_links_and_the_cases_own(personas):
    case = CaseFactory()
    network_of(case.child)
    LinkFactory(a=case, b=VehicleFactory(registration="AB12CDE"), kind=LinkKind.SEEN_IN)
    html = shown(sections.case_section(case, user=personas["team_leader"]))
    assert "AB12CDE" in html and "Visible Suspect" in html and HIDDEN not in html


def test_the_contact_section_needs_a_child(personas):
    screener = personas["screener"]
    assert sections.contact_section(ContactFactory(child=None), user=screener) is None
    child = ChildFactory()
    network_of(child)
    assert "Visible Suspect" in shown(sections.contact_section(ContactFactory(child=child), user=screener))


def test_a_short_table_says_there_are_more(personas):
    child = ChildFactory()
    for _ in range(sections.SHORT + 2):
        LinkFactory(a=child, b=PersonFactory())
    section = sections.child_section(child, user=personas["team_leader"])
    assert len(section.context["rows"]) == sections.SHORT and section.context["more"]
    assert section.context["map_url"] == reverse("network:map", kwargs={"kind": "child", "pk": child.pk})
    assert "Every link on the network map" in shown(section)
    case = CaseFactory(child=child)
    section = sections.case_section(case, user=personas["team_leader"])
    assert section.context["map_url"] == reverse("network:map", kwargs={"kind": "case", "pk": case.pk})


def test_the_panel_paper_shows_the_childs_network_to_a_panel_member_in_their_window(personas):
    member, leader, worker = personas["panel_member"], personas["team_leader"], personas["cate_worker"]
    case = allocated_case(leader, worker)
    network_of(case.child)
    item = AgendaItemFactory(meeting=PanelMeetingFactory(status=PanelStatus.SCHEDULED, members=[member]), case=case)
    assert sections.panel_paper_section(item, user=fresh(member)) is None  # the panel is not open
    item.meeting.status = PanelStatus.OPEN
    item.meeting.save()
    section = sections.panel_paper_section(item, user=fresh(member))
    html = shown(section)
    assert "Visible Suspect" in html and HIDDEN not in html
    assert dict(section.context["counts"]) == {"Person of concern": 1, "Place": 1}
    assert (
        sections.panel_paper_section(AgendaItemFactory(meeting=item.meeting, case=None, title="A hotel"), user=member)
        is None
    )


def test_the_sections_are_declared_on_the_contract():
    assert sections.child_section in contract.contributions("child_page_sections")
    assert sections.contact_section in contract.contributions("contact_page_sections")
    assert sections.case_section in contract.contributions("case_page_sections")
    assert sections.case_missing_section in contract.contributions("case_page_sections")
    assert sections.panel_paper_section in contract.contributions("panel_paper_sections")
    assert sections.mace_section in contract.contributions("mace_page_sections")


# --- The pages, with one link and with many -------------------------------------------------------


def _child_page(personas):
    child = ChildFactory()
    return personas["screener"], reverse("contacts:child_detail", args=[child.pk]), child


def _contact_page(personas):
    contact = ContactFactory(child=ChildFactory())
    return personas["screener"], reverse("contacts:contact_detail", args=[contact.pk]), contact.child


def _case_page(personas):
    case = allocated_case(personas["team_leader"], personas["cate_worker"])
    return personas["cate_worker"], reverse("cate:case_detail", args=[case.pk]), case.child


def _panel_paper(personas):
    case = allocated_case(personas["team_leader"], personas["cate_worker"])
    item = AgendaItemFactory(
        meeting=PanelMeetingFactory(status=PanelStatus.OPEN, members=[personas["panel_member"]]), case=case
    )
    url = reverse("riskpanel:item_detail", kwargs={"pk": item.meeting_id, "item_pk": item.pk})
    return personas["panel_member"], url, case.child


def _count(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize("page", [_child_page, _contact_page, _case_page, _panel_paper])
def test_a_page_makes_as_many_queries_with_many_links_as_with_one(personas, client_for, page):
    user, url, child = page(personas)
    client = client_for(user)
    LinkFactory(a=child, b=PersonFactory(first_name="Firstlinked", last_name="Person"))
    client.get(url)  # the first request of a session sets things up once
    one, html = _count(client, url)
    assert "Firstlinked Person" in html and "xploitation network" in html
    hidden = ChildFactory(first_name=HIDDEN, is_restricted=True)
    LinkFactory(a=child, b=hidden)
    for _ in range(20):
        LinkFactory(a=child, b=PlaceFactory())
    many, html = _count(client, url)
    assert many == one
    assert HIDDEN not in html


def test_each_other_end_links_to_a_page_its_reader_may_open(personas):
    child, friend, place = ChildFactory(), ChildFactory(first_name="Friendchild"), PlaceFactory()
    LinkFactory(a=child, b=friend)
    LinkFactory(a=child, b=place)
    section = sections.child_section(child, user=personas["police"])
    urls = {row.other.label: row.other.url for row in section.context["rows"]}
    # Another child: their network map (a police partner reads the network, not the child's record).
    assert urls[friend.full_name] == reverse("network:map", kwargs={"kind": "child", "pk": friend.pk})
    # A record: its own page once the records have pages, its map until then.
    own_map = reverse("network:map", kwargs={"kind": "place", "pk": place.pk})
    assert urls[str(place)] == (place.get_absolute_url() if sections._has_pages(type(place)) else own_map)

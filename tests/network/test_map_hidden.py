"""The network map never shows a child its reader may not know of: no node, no placeholder, no count,
in the drawing, the table, the analysis, the printable table or the access log; the walk stops
there. Those who may see such a child are alerted instead, once a day for each pair of children,
and the reader is told nothing of it. Partners other than the police have no map at all."""

import datetime as dt
import shutil

import pytest
from django.urls import reverse

from core.models import AccessLog, Notification
from network import analysis, graph, services
from network.graph import MapFilters
from network.services.at_risk import alert_key
from tests.factories import CaseFactory, ChildFactory, LinkFactory, PersonFactory, PlaceFactory, VehicleFactory

pytestmark = pytest.mark.django_db

SECRET = "Secretchild"
PAST_IT = ("ZZ99HID", "Beyondplace")


@pytest.fixture
def world(personas):
    """A child and a visible child sharing an adult; a restricted child (naming the CATE worker) who
    shares the adult too, with a car and a place linked to nobody else."""
    centre = ChildFactory(first_name="Centre", last_name="Child")
    visible = ChildFactory(first_name="Visible", last_name="Child")
    hidden = ChildFactory(first_name="Restrictedname", last_name=SECRET, is_restricted=True)
    hidden.restricted_to.add(personas["cate_worker"])
    adult = PersonFactory(first_name="Shared", last_name="Adult")
    LinkFactory(a=centre, b=adult)
    LinkFactory(a=visible, b=adult)
    LinkFactory(a=hidden, b=adult)
    LinkFactory(a=hidden, b=VehicleFactory(registration="ZZ99HID"))
    LinkFactory(a=hidden, b=PlaceFactory(name="Beyondplace"))
    return {"centre": centre, "visible": visible, "hidden": hidden, "adult": adult}


def map_url(kind, pk, query=""):
    return reverse("network:map", args=[kind, pk]) + query


def assert_nothing_of_the_hidden_child(text: str, hidden) -> None:
    for secret in (SECRET, "Restrictedname", *PAST_IT, f"/child/{hidden.pk}/"):
        assert secret not in text, secret


@pytest.mark.parametrize("reader", ["team_leader", "police", "screener", "other_worker"])
def test_a_restricted_child_cuts_the_walk_for_readers_not_named_on_it(personas, world, reader):
    network_map = graph.walk(personas[reader], world["centre"], MapFilters(steps=3))
    assert {n.label for n in network_map.nodes.values()} == {"Centre Child", "Shared Adult", "Visible Child"}
    assert len(network_map.edges) == 2
    assert world["hidden"].pk not in network_map.child_ids


def test_the_staff_named_on_it_see_it_and_past_it(personas, world):
    network_map = graph.walk(personas["cate_worker"], world["centre"], MapFilters(steps=3))
    labels = {n.label for n in network_map.nodes.values()}
    assert (
        f"Restrictedname {SECRET}" in labels and "ZZ99HID (Silver Ford)" in labels and "Beyondplace, TF1 1AA" in labels
    )


@pytest.mark.parametrize("reader", ["team_leader", "police"])
def test_the_page_says_nothing_of_it_anywhere(client_for, personas, world, reader):
    client = client_for(personas[reader])
    response = client.get(map_url("child", world["centre"].pk, "?steps=3"))
    html = response.content.decode()
    assert response.status_code == 200
    assert_nothing_of_the_hidden_child(html, world["hidden"])
    assert "2 links between 3 things" in html
    assert "1 other child shares a person of concern or a place with Centre Child" in html
    most = html[html.index("People and places with the most linked children") :]
    assert 'govuk-table__cell--numeric">2</td>' in most  # the centre and the visible child, not the third
    # The adult's own map: the same.
    html = client.get(map_url("person", world["adult"].pk, "?steps=3")).content.decode()
    assert_nothing_of_the_hidden_child(html, world["hidden"])
    assert "2 links between 3 things" in html
    # The printable table, and the access log of both.
    html = client.get(reverse("network:map_print", args=["child", world["centre"].pk]) + "?steps=3").content.decode()
    assert_nothing_of_the_hidden_child(html, world["hidden"])
    logged = AccessLog.objects.filter(user=personas[reader])
    assert not logged.filter(child_number=world["hidden"].pk).exists()
    for row in logged:
        assert world["hidden"].pk not in row.contents.get("children", [])
        assert SECRET not in row.object_repr


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_the_drawing_holds_nothing_of_it(client_for, personas, world):
    html = client_for(personas["team_leader"]).get(map_url("person", world["adult"].pk, "?steps=3")).content.decode()
    svg = html[html.index("<svg", html.index("app-network-map__scroll")) : html.index("</svg>")]
    assert "Visible Child" in svg
    assert_nothing_of_the_hidden_child(svg, world["hidden"])
    assert svg.count('class="node"') == 3


def test_a_restricted_child_s_map_is_404_to_those_not_named(client_for, personas, world):
    url = map_url("child", world["hidden"].pk)
    assert client_for(personas["team_leader"]).get(url).status_code == 404
    assert client_for(personas["police"]).get(url).status_code == 404
    assert client_for(personas["cate_worker"]).get(url).status_code == 200


def test_a_person_of_concern_who_is_a_restricted_child_is_cut_too(client_for, personas, world):
    as_person = PersonFactory(child=world["hidden"], first_name="Peername", last_name=SECRET)
    LinkFactory(a=as_person, b=world["adult"])
    leader = client_for(personas["team_leader"])
    assert leader.get(map_url("person", as_person.pk)).status_code == 404
    html = leader.get(map_url("person", world["adult"].pk, "?steps=3")).content.decode()
    assert "Peername" not in html and SECRET not in html


@pytest.mark.parametrize("persona", ["health", "advisor", "auditor", "administrator"])
def test_those_who_do_not_read_the_network_have_no_map(client_for, personas, world, persona):
    client = client_for(personas[persona])
    for url in (
        map_url("child", world["centre"].pk),
        map_url("person", world["adult"].pk),
        reverse("network:map_print", args=["child", world["centre"].pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_a_capped_hub_counts_only_the_links_the_reader_sees(personas, world):
    for _ in range(2):
        restricted = ChildFactory(is_restricted=True)
        LinkFactory(a=restricted, b=world["adult"])
    network_map = graph.walk(personas["team_leader"], world["adult"], MapFilters(steps=1, cap=1))
    assert [(n.label, n.links_total) for n in network_map.capped] == [("Shared Adult", 2)]


# --- Who else may be at risk: the alert -----------------------------------------------------


def test_those_named_on_the_hidden_child_are_alerted_once_a_day_and_the_reader_sees_nothing(
    client_for, personas, world
):
    leader, worker, hidden = personas["team_leader"], personas["cate_worker"], world["hidden"]
    client = client_for(leader)
    html = client.get(map_url("child", world["centre"].pk)).content.decode()
    assert_nothing_of_the_hidden_child(html, hidden)
    alert = Notification.objects.get(recipient=worker)
    assert alert.title == f"Child {hidden.pk} may be at risk: a shared person or place in the network"
    assert alert.url == map_url("child", hidden.pk)
    for name in ("Restrictedname", SECRET, "Centre", str(world["centre"].pk), "Shared Adult"):
        assert name not in alert.title + alert.body, name
    assert not Notification.objects.filter(recipient=leader).exists()
    client.get(map_url("child", world["centre"].pk))
    client_for(personas["police"]).get(map_url("child", world["centre"].pk))
    assert Notification.objects.filter(recipient=worker).count() == 1
    # Another day, again once.
    tomorrow = alert.created_at.date() + dt.timedelta(days=1)
    services.at_risk_alerts_send(child=world["centre"], actor=leader, today=tomorrow)
    services.at_risk_alerts_send(child=world["centre"], actor=leader, today=tomorrow)
    assert Notification.objects.filter(recipient=worker).count() == 2
    assert Notification.objects.filter(
        recipient=worker, key=alert_key(hidden_id=hidden.pk, child_id=world["centre"].pk, day=tomorrow)
    ).exists()


def test_no_alert_when_the_reader_sees_every_child_at_risk(client_for, personas, world):
    client_for(personas["cate_worker"]).get(map_url("child", world["centre"].pk))
    assert not Notification.objects.exists()
    assert not analysis.children_at_risk_hidden_from(personas["cate_worker"], world["centre"])


def test_a_child_linked_through_a_case_the_reader_may_not_open_is_told_to_the_team_leaders(client_for, personas, world):
    """Y is not restricted, but only Y's case is linked to the adult, and this worker may not open it."""
    other_worker, leader = personas["other_worker"], personas["team_leader"]
    through_case = ChildFactory(first_name="Caseonly", last_name="Child")
    LinkFactory(a=CaseFactory(child=through_case), b=world["adult"])
    html = client_for(other_worker).get(map_url("child", world["centre"].pk)).content.decode()
    assert "Caseonly" not in html
    alerts = Notification.objects.filter(key__startswith=f"network:at-risk:{through_case.pk}:")
    assert list(alerts.values_list("recipient", flat=True)) == [leader.pk]
    # The hidden restricted child is told to its named worker as well; the reader is told nothing.
    assert Notification.objects.filter(recipient=personas["cate_worker"]).count() == 1
    assert not Notification.objects.filter(recipient=other_worker).exists()
    # The team leader opens every case: they see the case-only child on the map and are not alerted.
    rows, total = analysis.children_at_risk(leader, world["centre"])
    assert {row.child.first_name for row in rows} == {"Visible", "Caseonly"} and total == 2


def test_the_reader_s_list_of_children_at_risk_leaves_out_the_hidden(personas, world):
    rows, total = analysis.children_at_risk(personas["team_leader"], world["centre"])
    assert [row.child for row in rows] == [world["visible"]] and total == 1
    rows, total = analysis.children_at_risk(personas["cate_worker"], world["centre"])
    assert {row.child for row in rows} == {world["visible"], world["hidden"]} and total == 2


def test_only_staff_who_read_the_network_and_may_sign_in_are_alerted(personas, world):
    hidden = world["hidden"]
    hidden.restricted_to.add(personas["advisor"])  # no network permission
    recipients = analysis.at_risk_recipients({hidden.pk: True}, exclude=personas["team_leader"].pk)
    assert recipients == {hidden.pk: [personas["cate_worker"]]}

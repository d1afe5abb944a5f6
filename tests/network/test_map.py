"""The network map: a walk of up to three steps through what the reader may see, capped at large
hubs and filtered; the drawing and the table; access logging. The leaks it must never have (a
restricted child in the SVG, the table, counts, alerts) are in test_map_hidden.py."""

import datetime as dt
import re
import shutil

import pytest
from django.test import override_settings
from django.urls import reverse

from cate.choices import RiskLevel
from core.choices import AccessAction
from core.models import AccessLog
from network import graph
from network.choices import Confidence, LinkKind, NetworkStatus, PlaceKind
from network.graph import MapFilters
from tests.factories import (
    CaseFactory,
    ChildFactory,
    IdentifierFactory,
    LinkFactory,
    PeerGroupFactory,
    PersonFactory,
    PlaceFactory,
    VehicleFactory,
    node_of,
)

pytestmark = pytest.mark.django_db
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


def labels(network_map) -> set[str]:
    return {node.label for node in network_map.nodes.values()}


@pytest.fixture
def chain():
    """A child, a person two children share, the person's car, its number, a place and a peer group."""
    child = ChildFactory(first_name="Centre", last_name="Child")
    person = PersonFactory(first_name="Shared", last_name="Adult")
    other = ChildFactory(first_name="Second", last_name="Child")
    vehicle = VehicleFactory(registration="AB12CDE")
    number = IdentifierFactory(value="+447700900123")
    place = PlaceFactory(name="Chicken Shop", kind=PlaceKind.TAKEAWAY)
    group = PeerGroupFactory(name="Park lot")
    LinkFactory(a=child, b=person, kind=LinkKind.SEEN_WITH, confidence=Confidence.CONFIRMED)
    LinkFactory(a=other, b=person, kind=LinkKind.ASSOCIATES_WITH)
    LinkFactory(a=person, b=vehicle, kind=LinkKind.DRIVES)
    LinkFactory(a=vehicle, b=number, kind=LinkKind.OTHER)
    LinkFactory(a=child, b=place, kind=LinkKind.GOES_MISSING_TO, last_seen=dt.date(2026, 6, 1))
    LinkFactory(a=other, b=group, kind=LinkKind.MEMBER_OF, confidence=Confidence.SUSPECTED)
    return {
        "child": child,
        "person": person,
        "other": other,
        "vehicle": vehicle,
        "number": number,
        "place": place,
        "group": group,
    }


# --- The walk -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        (1, {"Centre Child", "Shared Adult", "Chicken Shop, TF1 1AA"}),
        (2, {"Centre Child", "Shared Adult", "Chicken Shop, TF1 1AA", "Second Child", "AB12CDE (Silver Ford)"}),
        (
            3,
            {
                "Centre Child",
                "Shared Adult",
                "Chicken Shop, TF1 1AA",
                "Second Child",
                "AB12CDE (Silver Ford)",
                "+447700900123",
                "Park lot",
            },
        ),
    ],
)
def test_the_walk_reaches_as_many_steps_as_asked(personas, chain, steps, expected):
    network_map = graph.walk(personas["team_leader"], chain["child"], MapFilters(steps=steps))
    assert labels(network_map) == expected
    assert {node.steps for node in network_map.nodes.values()} == set(range(steps + 1))
    assert [node.label for node in network_map.centre] == ["Centre Child"]


def test_a_map_from_any_kind_of_thing(personas, chain):
    leader = personas["team_leader"]
    for name in ("person", "place", "vehicle", "number", "group"):
        network_map = graph.walk(leader, chain[name], MapFilters(steps=1))
        assert len(network_map.centre) == 1 and network_map.edges, name
    network_map = graph.walk(leader, chain["number"], MapFilters(steps=3))
    assert "Second Child" in labels(network_map) and "Centre Child" in labels(network_map)


def test_a_child_s_map_starts_from_their_cases_and_their_person_record_too(personas, chain):
    leader = personas["team_leader"]
    case = CaseFactory(child=chain["child"], current_risk_level=RiskLevel.HIGH)
    as_person = PersonFactory(child=chain["child"], first_name="Centre", last_name="Asperson")
    LinkFactory(a=case, b=PlaceFactory(name="Hotel"), kind=LinkKind.FOUND_AT)
    LinkFactory(a=as_person, b=PlaceFactory(name="Garage"), kind=LinkKind.FREQUENTS)
    network_map = graph.walk(leader, chain["child"], MapFilters(steps=1))
    assert {n.label for n in network_map.centre} == {
        "Centre Child",
        f"{case.reference} (Centre Child)",
        "Centre Asperson",
    }
    assert {"Hotel", "Garage"} <= {label.split(",")[0] for label in labels(network_map)}
    same = [edge for edge in network_map.edges if edge.pk is None]
    assert {edge.kind_label for edge in same} == {"Their CATE case", "The same young person as a person of concern"}
    child = next(n for n in network_map.nodes.values() if n.label == "Centre Child")
    assert child.risk == "High risk" and child.tone == "high"
    # The case's map is the same young person's.
    assert labels(graph.walk(leader, case, MapFilters(steps=1))) == labels(network_map)


def test_withdrawn_links_and_records_no_longer_current_are_not_walked(personas, chain):
    leader = personas["team_leader"]
    chain["vehicle"].status = NetworkStatus.ENTERED_IN_ERROR
    chain["vehicle"].save()
    link = chain["place"].node.links_to.get()
    link.status, link.withdrawn_reason = "withdrawn", "Wrong place"
    link.save()
    network_map = graph.walk(leader, chain["child"], MapFilters(steps=3))
    assert labels(network_map) == {"Centre Child", "Shared Adult", "Second Child", "Park lot"}


def test_filters_by_kind_confidence_and_date_last_seen(personas, chain):
    leader, child = personas["team_leader"], chain["child"]
    kinds = graph.walk(leader, child, MapFilters(steps=3, kinds=(LinkKind.GOES_MISSING_TO,)))
    assert labels(kinds) == {"Centre Child", "Chicken Shop, TF1 1AA"}
    confirmed = graph.walk(leader, child, MapFilters(steps=3, confidence=(Confidence.CONFIRMED,)))
    assert labels(confirmed) == {"Centre Child", "Shared Adult"}
    dated = graph.walk(leader, child, MapFilters(steps=3, seen_from=dt.date(2026, 5, 1), seen_to=dt.date(2026, 6, 30)))
    assert labels(dated) == {"Centre Child", "Chicken Shop, TF1 1AA"}
    assert labels(graph.walk(leader, child, MapFilters(steps=3, seen_to=dt.date(2026, 5, 1)))) == {"Centre Child"}


def test_a_large_hub_shows_its_strongest_links_and_more_on_asking(personas):
    leader = personas["team_leader"]
    hub = PlaceFactory(name="Hub hotel", kind=PlaceKind.HOTEL)
    confirmed = [ChildFactory(first_name=f"Confirmed{n}") for n in range(5)]
    for child in confirmed:
        LinkFactory(a=child, b=hub, kind=LinkKind.GOES_MISSING_TO, confidence=Confidence.CONFIRMED)
    old, recent = dt.date(2025, 1, 1), dt.date(2026, 1, 1)
    for n in range(6):
        LinkFactory(
            a=ChildFactory(first_name=f"Suspected{n}"), b=hub, confidence=Confidence.SUSPECTED, last_seen=recent
        )
    for n in range(4):
        LinkFactory(a=ChildFactory(first_name=f"Reported{n}"), b=hub, confidence=Confidence.REPORTED, last_seen=old)
    for n in range(3):
        LinkFactory(a=ChildFactory(first_name=f"Recent{n}"), b=hub, confidence=Confidence.REPORTED, last_seen=recent)
    capped = graph.walk(leader, hub, MapFilters(steps=1, cap=10))
    shown = {n.label.split()[0] for n in capped.nodes.values()} - {"Hub"}
    # Confirmed first, then reported (the most recently seen first, then the newest), never suspected.
    expected = {f"Confirmed{n}" for n in range(5)} | {f"Recent{n}" for n in range(3)} | {"Reported3", "Reported2"}
    assert shown == expected and len(capped.edges) == 10
    assert [(n.label, n.links_total) for n in capped.capped] == [("Hub hotel, TF1 1AA", 18)]
    everything = graph.walk(leader, hub, MapFilters(steps=1, cap=20))
    assert len(everything.edges) == 18 and not everything.capped


def test_the_walk_stops_at_the_most_links_and_says_so(personas, monkeypatch):
    hub = PersonFactory()
    for _ in range(6):
        LinkFactory(a=ChildFactory(), b=hub)
    monkeypatch.setattr(graph, "MAX_LINKS", 4)
    network_map = graph.walk(personas["team_leader"], hub, MapFilters(steps=2))
    assert network_map.truncated and len(network_map.edges) == 4


def test_the_table_sorts_by_any_column_and_ignores_a_bad_sort(personas, chain):
    network_map = graph.walk(personas["team_leader"], chain["child"], MapFilters(steps=3))
    by_steps = [edge.steps for edge in graph.sorted_edges(network_map, None)]
    assert by_steps == sorted(by_steps)
    assert graph.sorted_edges(network_map, "no-such-column") == graph.sorted_edges(network_map, None)
    last_seen = graph.sorted_edges(network_map, "-last_seen")
    assert last_seen[0].far.label == "Chicken Shop, TF1 1AA"
    to = [edge.far.label.lower() for edge in graph.sorted_edges(network_map, "to")]
    assert to == sorted(to)


def test_the_walk_makes_one_query_a_step_whatever_the_size(personas):
    leader = personas["team_leader"]

    def grow(hub, n):
        for _ in range(n):
            child = ChildFactory()
            LinkFactory(a=child, b=hub)
            LinkFactory(a=child, b=PlaceFactory())

    small, large = PersonFactory(), PersonFactory()
    grow(small, 2)
    grow(large, 25)
    leader.has_perm("network.view_network")  # the permission cache, as on a page
    counts = []
    for hub in (small, large):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            network_map = graph.walk(leader, hub, MapFilters(steps=3))
        counts.append(len(queries))
        assert network_map.nodes
    # The centre, one query for each of the three steps, what the things are, the cases' risk, which
    # children's pages the reader may open.
    assert counts == [1 + 3 + 3, 1 + 3 + 3]


# --- The page -------------------------------------------------------------------------------


def map_url(kind, pk, query=""):
    return reverse("network:map", args=[kind, pk]) + query


@pytest.mark.parametrize("kind", ["no-such-kind", "peer_group", "Child"])
def test_an_unknown_kind_is_404(client_for, personas, chain, kind):
    assert client_for(personas["team_leader"]).get(map_url(kind, chain["child"].pk)).status_code == 404


def test_every_kind_has_its_map_page(client_for, personas, chain):
    client = client_for(personas["team_leader"])
    case = CaseFactory(child=chain["child"])
    for kind, record in (
        ("child", chain["child"]),
        ("case", case),
        ("person", chain["person"]),
        ("place", chain["place"]),
        ("vehicle", chain["vehicle"]),
        ("identifier", chain["number"]),
        ("peer-group", chain["group"]),
    ):
        response = client.get(map_url(kind, record.pk))
        assert response.status_code == 200, kind
    assert client.get(map_url("person", 999999)).status_code == 404


def test_a_record_no_longer_current_has_no_map(client_for, personas, chain):
    person = chain["person"]
    person.status = NetworkStatus.ENTERED_IN_ERROR
    person.save()
    assert client_for(personas["team_leader"]).get(map_url("person", person.pk)).status_code == 404


@pytest.mark.parametrize(("persona", "status"), [("police", 200), ("health", 404), ("advisor", 404), ("auditor", 404)])
def test_who_reads_a_child_s_map(client_for, personas, chain, persona, status):
    assert client_for(personas[persona]).get(map_url("child", chain["child"].pk)).status_code == status


def test_a_page_never_written_to_is_not_a_form(client_for, personas, chain):
    response = client_for(personas["team_leader"]).post(map_url("child", chain["child"].pk))
    assert response.status_code == 405


def test_the_page_shows_the_table_sorted_by_the_query_and_the_analysis(client_for, personas, chain):
    client = client_for(personas["team_leader"])
    response = client.get(map_url("child", chain["child"].pk, "?steps=3&sort=-last_seen"))
    html = response.content.decode()
    table = html[html.index('id="network-map-table"') :]
    assert table.index("Chicken Shop") < table.index("Park lot")
    assert 'aria-sort="descending"' in table
    assert "Who else may be at risk" in html
    at_risk = html[html.index('id="at-risk"') :]
    assert "Second Child" in at_risk[: at_risk.index("</table>")]
    assert "person of concern Shared Adult" in at_risk


def test_bad_filters_show_their_errors_and_the_map_as_by_default(client_for, personas, chain):
    response = client_for(personas["team_leader"]).get(
        map_url(
            "child", chain["child"].pk, "?steps=9&seen_from_day=31&seen_from_month=2&seen_from_year=2026&kinds=nope"
        )
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "Select 1, 2 or 3 steps" in html and "must be a real date" in html
    assert "Second Child" in html  # two steps, as by default


def test_the_show_more_link_raises_the_cap(client_for, personas, monkeypatch):
    monkeypatch.setattr(graph, "HUB_CAPS", (2, 5))
    from network import forms

    monkeypatch.setattr(forms.MapFilterForm.base_fields["cap"], "choices", [(2, "2"), (5, "5")])
    hub = PersonFactory(first_name="Hubperson")
    for _ in range(4):
        LinkFactory(a=ChildFactory(), b=hub)
    client = client_for(personas["team_leader"])
    html = client.get(map_url("person", hub.pk, "?cap=2")).content.decode()
    assert "Only the strongest 2 links are shown" in html and "cap=5" in html
    html = client.get(map_url("person", hub.pk, "?cap=5")).content.decode()
    assert "Only the strongest" not in html


def test_the_map_page_is_logged_with_every_child_shown(client_for, personas, chain):
    leader = personas["team_leader"]
    client_for(leader).get(map_url("child", chain["child"].pk))
    rows = AccessLog.objects.filter(user=leader, action=AccessAction.VIEW)
    assert set(rows.values_list("child_number", flat=True)) == {chain["child"].pk, chain["other"].pk}
    subject = rows.get(child_number=chain["child"].pk)
    assert subject.contents["kind"] == "network_map"
    assert subject.contents["children"] == sorted([chain["child"].pk, chain["other"].pk])


def test_the_printable_table_is_logged_as_an_export(client_for, personas, chain):
    leader = personas["team_leader"]
    response = client_for(leader).get(reverse("network:map_print", args=["child", chain["child"].pk]) + "?steps=1")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chicken Shop" in html and "Second Child" not in html and '<form method="get"' not in html
    row = AccessLog.objects.get(user=leader, action=AccessAction.EXPORT, child_number=chain["child"].pk)
    assert row.contents["kind"] == "network_map_table"
    assert row.contents["filters"]["steps"] == 1
    assert row.contents["children"] == [chain["child"].pk]
    assert "Centre" not in row.contents["summary"]  # numbers, never names


def test_the_map_makes_the_same_queries_whatever_the_size(client_for, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(personas["team_leader"])
    counts = []
    for size in (2, 30):
        centre = ChildFactory()
        for n in range(size):
            person, child = PersonFactory(staff_safety_warning=n % 2 == 0), ChildFactory()
            CaseFactory(child=child, current_risk_level=RiskLevel.MEDIUM)
            LinkFactory(a=centre, b=person)
            LinkFactory(a=child, b=person)
            LinkFactory(a=child, b=PlaceFactory(is_hotspot=n % 3 == 0, hotspot_reason="Seen often"))
        client.get(map_url("child", centre.pk))  # the first view of the day may send alerts: none here
        with CaptureQueriesContext(connection) as queries:
            assert client.get(map_url("child", centre.pk, "?steps=3")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 30, counts  # sign-in, session and permissions included


# --- The drawing ----------------------------------------------------------------------------


@needs_dot
def test_the_drawing_is_an_accessible_inline_svg_with_a_link_for_each_thing(client_for, personas, chain):
    chain["person"].staff_safety_warning = True
    chain["person"].save()
    html = client_for(personas["team_leader"]).get(map_url("child", chain["child"].pk)).content.decode()
    svg = html[html.index("<svg", html.index("app-network-map__scroll")) : html.index("</svg>") + 6]
    assert 'role="img"' in svg and 'aria-labelledby="network-map-title network-map-desc"' in svg
    assert '<title id="network-map-title">Network map of Centre Child</title>' in svg
    assert re.search(r'<desc id="network-map-desc">At the centre: Child: Centre Child\. 5 things and 4 links', svg)
    assert "<title>Person of concern: Shared Adult (Staff-safety warning)</title>" in svg
    assert "<title>Centre Child – seen with – Shared Adult (confirmed)</title>" in svg
    assert f'xlink:href="{chain["child"].get_absolute_url()}"' in svg
    assert f'xlink:href="{map_url("vehicle", chain["vehicle"].pk)}"' in svg or "AB12CDE" in svg
    assert "STAFF-SAFETY WARNING" in svg
    assert "<script" not in svg and "style=" not in svg and not re.search(r"\son\w+=", svg)
    assert "<?xml" not in html and "<!DOCTYPE svg" not in html


@needs_dot
def test_what_people_typed_cannot_break_out_of_the_drawing(client_for, personas):
    person = PersonFactory(first_name='<script>alert(1)</script>"', last_name="\\N <b>bold</b>")
    child = ChildFactory()
    LinkFactory(a=child, b=person)
    html = client_for(personas["team_leader"]).get(map_url("child", child.pk)).content.decode()
    svg = html[html.index("<svg", html.index("app-network-map__scroll")) : html.index("</svg>")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "<script>" not in html and "<b>bold</b>" not in html


@override_settings(GRAPHVIZ_DOT="no-such-dot-binary")
def test_without_graphviz_the_page_still_shows_the_table(client_for, personas, chain):
    response = client_for(personas["team_leader"]).get(map_url("child", chain["child"].pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Graphviz is not installed" in html and "app-network-map__svg" not in html
    assert 'id="network-map-table"' in html and "Shared Adult" in html


def test_a_record_with_no_links_has_a_page_and_nothing_to_draw(client_for, personas):
    lonely = PlaceFactory(name="Lonely")
    html = client_for(personas["team_leader"]).get(map_url("place", lonely.pk)).content.decode()
    assert "There is nothing to draw." in html and "No links to show." in html


def test_a_map_too_large_to_draw_is_not_drawn(client_for, personas, monkeypatch):
    from network import drawing

    monkeypatch.setattr(drawing, "DRAW_LIMIT", 2)
    hub = PersonFactory()
    for _ in range(3):
        LinkFactory(a=ChildFactory(), b=hub)
    html = client_for(personas["team_leader"]).get(map_url("person", hub.pk)).content.decode()
    assert "too many to draw clearly" in html and 'id="network-map-table"' in html


# --- The analysis ---------------------------------------------------------------------------


def test_clusters_of_linked_children_and_the_most_linked(personas):
    from network.analysis import analyse

    leader = personas["team_leader"]
    group = PeerGroupFactory(name="Group")
    north, south = PersonFactory(first_name="North"), PlaceFactory(name="South")
    north_children = [ChildFactory(first_name=f"North{n}") for n in range(3)]
    south_children = [ChildFactory(first_name=f"South{n}") for n in range(4)]
    for child in north_children:
        LinkFactory(a=child, b=north, confidence=Confidence.CONFIRMED)
    for child in south_children:
        LinkFactory(a=child, b=south, confidence=Confidence.CONFIRMED)
    LinkFactory(a=north, b=group, confidence=Confidence.SUSPECTED)
    LinkFactory(a=south, b=group, confidence=Confidence.SUSPECTED)
    result = analyse(graph.walk(leader, group, MapFilters(steps=2)))
    clusters = [sorted(n.label.split()[0] for n in cluster.children) for cluster in result.clusters]
    assert clusters == [[f"South{n}" for n in range(4)], [f"North{n}" for n in range(3)]]
    assert [(hub.node.label.split(",")[0], hub.children) for hub in result.most_linked] == [
        ("South", 4),
        ("North Example", 3),
    ]
    assert node_of(group)  # the group was the centre

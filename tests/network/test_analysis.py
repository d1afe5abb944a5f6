"""Hotspots and the cohort's profile (network/hotspots.py, network/views/analysis.py): counts of the
children and missing episodes linked to places in a period, and the profile of the CATE children
linked to persons and places, never counting a child the reader may not see; paginated with a
constant number of queries, written to the access log; hotspots never in reporting's outputs."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.choices import Gender
from core.models import AccessLog
from network import hotspots
from network.choices import LinkKind, LinkSource, PlaceKind
from tests.factories import CaseFactory, ChildFactory, LinkFactory, PersonFactory, PlaceFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = TODAY - dt.timedelta(days=30)
PERIOD = hotspots.Period(TODAY - dt.timedelta(days=364), TODAY)


def seen(on: dt.date = DAY) -> dict:
    return {"first_seen": on, "last_seen": on}


def rows_of(user, period=PERIOD, **kwargs) -> dict:
    return {row["place"]: (row["children"], row["episodes"]) for row in hotspots.hotspot_rows(user, period, **kwargs)}


@pytest.fixture
def network(personas):
    """A hotspot hotel with three children (one restricted, named on the worker only), the missing
    episodes that led there, a takeaway with one child, and a park linked to an adult only."""
    hotel = PlaceFactory(kind=PlaceKind.HOTEL, name="Zebra Hotel", is_hotspot=True, hotspot_reason="Parties")
    takeaway = PlaceFactory(name="Corner Takeaway")
    park = PlaceFactory(kind=PlaceKind.PARK, name="Quiet Park")
    first, second = CaseFactory().child, CaseFactory().child
    hidden = ChildFactory(is_restricted=True)
    hidden.restricted_to.add(personas["cate_worker"])
    CaseFactory(child=hidden)
    # One missing episode (record 501) made two links; a found-at link without a record is another.
    LinkFactory(a=first, b=hotel, kind=LinkKind.GOES_MISSING_TO, source=LinkSource.MISSING_EPISODE,
                source_record=501, **seen())  # fmt: skip
    LinkFactory(a=hotel, b=first, kind=LinkKind.FOUND_AT, source=LinkSource.MISSING_EPISODE,
                source_record=501, **seen())  # fmt: skip
    LinkFactory(a=second, b=hotel, kind=LinkKind.FOUND_AT, **seen())
    LinkFactory(a=hidden, b=hotel, kind=LinkKind.GOES_MISSING_TO, source=LinkSource.MISSING_EPISODE,
                source_record=502, **seen())  # fmt: skip
    LinkFactory(a=CaseFactory(child=ChildFactory()), b=takeaway, kind=LinkKind.FREQUENTS, **seen())  # the case's child
    LinkFactory(a=PersonFactory(), b=park, kind=LinkKind.FREQUENTS, **seen())
    LinkFactory(a=ChildFactory(), b=park, kind=LinkKind.FREQUENTS, **seen(TODAY - dt.timedelta(days=400)))
    return {"hotel": hotel, "takeaway": takeaway, "park": park, "hidden": hidden, "first": first}


def test_places_by_children_and_missing_episodes_never_count_a_hidden_child(personas, network):
    hotel, takeaway = network["hotel"].pk, network["takeaway"].pk
    leader = personas["team_leader"]
    assert rows_of(leader) == {hotel: (2, 2), takeaway: (1, 0)}  # the park's only child is out of the period
    assert list(rows_of(leader)) == [hotel, takeaway]  # the most children first
    network["hidden"].restricted_to.add(leader)
    assert rows_of(leader)[hotel] == (3, 3)
    assert rows_of(leader, hotspots_only=True) == {hotel: (3, 3)}
    assert rows_of(leader, hotspots.Period(TODAY - dt.timedelta(days=10), TODAY)) == {}
    assert rows_of(personas["health"]) == {}


def test_the_hotspot_page_filters_by_period_and_logs_the_places_shown(personas, network, client_for):
    client = client_for(personas["group_manager"])
    page = client.get(reverse("network:hotspot_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Zebra Hotel" in html and "Corner Takeaway" in html and "Quiet Park" not in html
    logged = AccessLog.objects.filter(user=personas["group_manager"], object_id=str(network["hotel"].pk))
    assert logged.get().contents["kind"] == "network_hotspots"
    old = TODAY - dt.timedelta(days=400)
    query = {"start_day": old.day, "start_month": old.month, "start_year": old.year,
             "end_day": old.day, "end_month": old.month, "end_year": old.year}  # fmt: skip
    page = client.get(reverse("network:hotspot_list"), query)
    assert "Quiet Park" in page.content.decode() and "Zebra Hotel" not in page.content.decode()
    page = client.get(reverse("network:hotspot_list"), {"hotspots_only": "on"})
    assert "Zebra Hotel" in page.content.decode() and "Corner Takeaway" not in page.content.decode()


def test_bad_filters_get_an_error_summary_and_the_default_period(personas, network, client_for):
    client = client_for(personas["team_leader"])
    page = client.get(
        reverse("network:hotspot_list"),
        {"start_day": "x", "start_month": "13", "start_year": "20", "end_day": "1", "end_month": "1",
         "end_year": "1990"},
    )  # fmt: skip
    assert page.status_code == 200 and b"govuk-error-summary" in page.content
    assert b"Zebra Hotel" in page.content  # the last twelve months, while the filter is wrong
    backwards = client.get(
        reverse("network:cohort_profile"),
        {"start_day": "2", "start_month": "1", "start_year": "2026", "end_day": "1", "end_month": "1",
         "end_year": "2026", "linked_to": "nonsense"},
    )  # fmt: skip
    assert backwards.status_code == 200
    assert b"The end date must be the same as or after the start date" in backwards.content
    assert b"Select what the children are linked to" in backwards.content


@pytest.mark.parametrize("persona", ["cate_worker", "police", "health", "screener", "auditor", "panel_member"])
def test_only_analysts_open_the_hotspots_and_the_profile(personas, client_for, persona):
    client = client_for(personas[persona])
    assert client.get(reverse("network:hotspot_list")).status_code == 403
    assert client.get(reverse("network:cohort_profile")).status_code == 403


def test_the_hotspot_list_is_paginated_with_a_constant_number_of_queries(
    personas, client_for, django_assert_max_num_queries
):
    client = client_for(personas["team_leader"])
    child = CaseFactory().child
    LinkFactory(a=child, b=PlaceFactory(), **seen())
    client.get(reverse("network:hotspot_list"))  # warm the session and the permission caches
    with django_assert_max_num_queries(20) as one:
        assert client.get(reverse("network:hotspot_list")).status_code == 200
    for _ in range(40):
        LinkFactory(a=CaseFactory().child, b=PlaceFactory(), **seen())
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("network:hotspot_list"))
    assert page.context["page"].paginator.count == 41 and len(page.context["page"].object_list) == 25
    second = client.get(reverse("network:hotspot_list"), {"page": "2"})
    assert len(second.context["page"].object_list) == 16


# --- The cohort's profile ----------------------------------------------------------------------


def breakdown(profile, label: str) -> dict:
    [found] = [b for b in profile if b.label == label]
    return {group: count for group, count, _ in found.rows if count}


def test_the_profile_counts_the_cate_children_linked_to_persons_and_places(personas, network):
    leader = personas["team_leader"]
    person = PersonFactory()
    girl = CaseFactory(
        child=ChildFactory(gender=Gender.FEMALE, date_of_birth=TODAY.replace(year=TODAY.year - 14), ethnicity="WBRI"),
        cse=True,
        cce=True,
    ).child
    LinkFactory(a=girl, b=person, **seen())
    LinkFactory(a=ChildFactory(), b=person, **seen())  # no CATE case: not in the cohort
    children = hotspots.cohort_children(leader, PERIOD, "person")
    assert list(children) == [girl]
    places = hotspots.cohort_children(leader, PERIOD, "place")
    assert network["hidden"] not in places and network["first"] in places and girl not in places
    assert set(hotspots.cohort_children(leader, PERIOD)) == {*places, girl}
    profile = hotspots.cohort_profile(list(children), PERIOD)
    assert breakdown(profile, "Age at the end of the period") == {"13 to 15": 1}
    assert breakdown(profile, "Gender") == {"Female": 1}
    assert breakdown(profile, "Ethnicity") == {"White British": 1}
    assert breakdown(profile, "Exploitation type") == {"CSE": 1, "CCE": 1}
    network["hidden"].restricted_to.add(leader)
    assert network["hidden"] in hotspots.cohort_children(leader, PERIOD, "place")


def test_the_profile_page_shows_the_counts_and_logs_the_children(personas, network, client_for):
    manager = personas["group_manager"]
    page = client_for(manager).get(reverse("network:cohort_profile"), {"linked_to": "place"})
    assert page.status_code == 200
    assert page.context["total"] == 3  # two at the hotel, one at the takeaway; the hidden child not
    logged = set(AccessLog.objects.filter(user=manager).values_list("child_number", flat=True))
    assert network["first"].pk in logged and network["hidden"].pk not in logged
    assert "Zebra Hotel" not in page.content.decode()


# --- Hotspots never in reporting's outputs ---------------------------------------------------------


FY = TODAY.replace(month=4, day=1) if TODAY.month >= 4 else TODAY.replace(year=TODAY.year - 1, month=4, day=1)


def test_the_annual_report_and_the_dashboard_never_mention_a_hotspot(personas, network, client_for):
    client = client_for(personas["group_manager"])
    end = FY.replace(year=FY.year + 1) - dt.timedelta(days=1)
    query = (f"start_day={FY.day}&start_month={FY.month}&start_year={FY.year}"
             f"&end_day={end.day}&end_month={end.month}&end_year={end.year}")  # fmt: skip
    secrets = ("Zebra Hotel", "Parties", "hotspot", "Hotspot")
    outputs = {
        "dashboard": client.get(reverse("reporting:index")),
        "annual report": client.get(f"{reverse('reporting:annual_report')}?{query}"),
    }
    for file_format in ("csv", "json", "html", "xlsx"):
        outputs[file_format] = client.get(
            f"{reverse('reporting:annual_report_download')}?{query}&file_format={file_format}"
        )
    for name, response in outputs.items():
        assert response.status_code == 200, name
        content = response.content
        if name == "xlsx":
            with zipfile.ZipFile(io.BytesIO(content)) as book:
                content = b"".join(book.read(member) for member in book.namelist())
        text = content.decode()
        assert len(text) > 500, name  # the output has content a place could leak into
        assert not [secret for secret in secrets if secret in text], name

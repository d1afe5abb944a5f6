"""Finding a child: names by spelling or sound, date of birth, postcode, NHS number; every test
on PostgreSQL and again on SQLite (the local run's database), by the `database` fixture."""

import datetime as dt

import pytest

from contacts import search, selectors
from contacts.choices import RecordStatus
from contacts.search import ChildQuery
from tests.databases import BOTH
from tests.factories import ChildFactory

pytestmark = [pytest.mark.django_db(databases=BOTH), pytest.mark.usefixtures("database")]


def names(user, **query):
    return [f"{c.first_name} {c.last_name}" for c in selectors.child_search(user, ChildQuery(**query))]


@pytest.fixture
def index():
    return {
        "jayden": ChildFactory(
            first_name="Jayden", last_name="Smith", date_of_birth=dt.date(2011, 5, 4), postcode="TF1 1AA"
        ),
        "catherine": ChildFactory(
            first_name="Catherine", last_name="O'Neill", date_of_birth=dt.date(2010, 2, 1), known_as="Kat, Kitty"
        ),
        "mohammed": ChildFactory(
            first_name="Mohammed", last_name="Khan", date_of_birth=dt.date(2012, 9, 9), nhs_number="4010232137"
        ),
        "amelia": ChildFactory(
            first_name="Amelia", last_name="Jones", date_of_birth=dt.date(2011, 5, 4), postcode="TF2 9ZZ"
        ),
    }


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Jayden Smith", "Jayden Smith"),
        ("jaiden smyth", "Jayden Smith"),  # spelt as it sounds
        ("Smith", "Jayden Smith"),
        ("Kathryn Oneill", "Catherine O'Neill"),  # sounds alike, apostrophe dropped
        ("Kitty", "Catherine O'Neill"),  # a known-as name
        ("Muhammad Kahn", "Mohammed Khan"),
        ("Amelia Jones", "Amelia Jones"),
    ],
)
def test_names_match_by_spelling_or_sound(screener, index, typed, found):
    assert names(screener, name=typed)[0] == found


def test_a_different_name_does_not_match(screener, index):
    assert names(screener, name="Oliver Brown") == []
    assert names(screener, name="Jayden Jones") == []  # every word must match


def test_search_by_date_of_birth_postcode_and_nhs_number(screener, index):
    assert names(screener, date_of_birth=dt.date(2011, 5, 4)) == ["Amelia Jones", "Jayden Smith"]
    assert names(screener, postcode="tf11aa") == ["Jayden Smith"]
    assert names(screener, postcode="TF1  1AA") == ["Jayden Smith"]
    assert names(screener, postcode="TF2") == ["Amelia Jones"]
    assert names(screener, nhs_number="401 023 2137") == ["Mohammed Khan"]
    assert names(screener, name="Amelia", date_of_birth=dt.date(2011, 5, 4)) == ["Amelia Jones"]
    assert names(screener) == []


def test_restricted_and_merged_children_stay_out_of_search(screener, advisor, index):
    index["jayden"].is_restricted = True
    index["jayden"].save()
    index["jayden"].restricted_to.add(screener)
    assert names(screener, name="Jayden") == ["Jayden Smith"]
    assert names(advisor, name="Jayden") == []
    Child = type(index["amelia"])
    Child.objects.filter(pk=index["amelia"].pk).update(status=RecordStatus.MERGED, merged_into=index["catherine"])
    assert names(screener, name="Amelia") == []


def test_people_outside_the_front_door_find_no_one(personas, index):
    for name in ("police", "cate_worker", "auditor", "administrator", "panel_member"):
        assert names(personas[name], name="Jayden Smith") == [], name


def test_the_search_runs_on_the_database_under_test(database, screener, index):
    """The parametrisation is real: the records and the query are on the database named."""
    from django.db import connections

    from contacts.models import Child

    assert connections[Child.objects.all().db].vendor == database
    assert names(screener, name="jaiden smyth") == ["Jayden Smith"]  # spelling-tolerant on both


def test_names_match_by_their_beginning_and_the_closest_come_first(screener, index):
    ChildFactory(first_name="Jade", last_name="Smithson")
    ChildFactory(first_name="Jayden", last_name="Smythe")
    assert names(screener, name="smi") == ["Jayden Smith", "Jade Smithson"]  # the shorter name is closer
    assert names(screener, name="jayden smi") == ["Jayden Smith"]
    assert names(screener, name="Jayden Smith") == ["Jayden Smith", "Jayden Smythe"]
    assert names(screener, name="kitty") == ["Catherine O'Neill"]


def test_a_name_with_no_letters_finds_no_one(screener, index):
    assert names(screener, name="12345") == []
    assert names(screener, name="-- !") == []


def test_a_changed_name_is_found_by_the_new_name_only(screener, index):
    from contacts import services

    child = index["amelia"]
    services.child_update(
        child=child, actor=screener, data={"last_name": "Brown"}, reason="Name corrected", expected_version=None
    )
    assert names(screener, name="Amelia Brown") == ["Amelia Brown"]
    assert names(screener, name="Amelia Jones") == []


@pytest.mark.parametrize(
    ("typed", "normal", "valid"),
    [
        ("tf1 1aa", "TF1 1AA", True),
        ("TF11AA", "TF1 1AA", True),
        (" sw1a  2aa ", "SW1A 2AA", True),
        ("M1 1AE", "M1 1AE", True),
        ("TF1", "TF1", False),
        ("NOT A POSTCODE", "NOT A POSTCODE", False),
    ],
)
def test_postcodes_are_tidied(typed, normal, valid):
    assert search.normalise_postcode(typed) == normal
    assert search.postcode_is_valid(typed) is valid


def test_a_name_like_more_children_than_one_search_compares_is_said_so(screener, index, monkeypatch):
    monkeypatch.setattr(search, "MAX_CANDIDATES", 2)
    for i in range(3):
        ChildFactory(first_name="Jayden", last_name=f"Smith{i}")
    assert selectors.child_search_too_broad(screener, ChildQuery(name="Jayden"))
    # More of the name, or another detail, brings the candidates within what one search compares.
    assert not selectors.child_search_too_broad(screener, ChildQuery(name="Jayden", postcode="TF1 1AA"))
    assert not selectors.child_search_too_broad(screener, ChildQuery(name="Amelia"))
    assert not selectors.child_search_too_broad(screener, ChildQuery(postcode="TF1 1AA"))

"""Finding a child: names by spelling or sound, date of birth, postcode, NHS number."""

import datetime as dt

import pytest

from contacts import search, selectors
from contacts.choices import RecordStatus
from contacts.search import ChildQuery
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


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


def test_the_plain_fallback_used_without_postgresql(screener, index, monkeypatch):
    monkeypatch.setattr(search, "uses_postgres", lambda: False)
    assert names(screener, name="jayden smi") == ["Jayden Smith"]
    assert names(screener, name="kitty") == ["Catherine O'Neill"]
    assert names(screener, name="Jaiden") == []  # no spelling tolerance without PostgreSQL


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

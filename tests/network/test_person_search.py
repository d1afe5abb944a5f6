"""Finding persons of concern by name, alias or nickname (network.selectors.person_search) by the child
index's rule, with the keys stored per person by the services; likely duplicates of a person being
added (names or aliases alike, ages that do not disagree); and never a person the reader may not see."""

import datetime as dt
from importlib import import_module

import pytest
from django.apps import apps
from django.db import connection

from contacts import selectors as contact_selectors
from contacts.search import ChildQuery
from network import matching, selectors, services
from network.choices import AgeBand, NetworkStatus
from network.models import Person, PersonNameKey
from tests.factories import ChildFactory, PersonFactory

pytestmark = pytest.mark.django_db


def found(user, text) -> list[str]:
    return [person.display_name for person in selectors.person_search(user, text)]


def stored(person) -> set[str]:
    return set(PersonNameKey.objects.filter(person=person).values_list("key", flat=True))


@pytest.fixture
def leader(personas):
    return personas["team_leader"]


@pytest.fixture
def known(leader):
    return {
        "jayden": services.person_create(actor=leader, first_name="Jayden", last_name="Smith", aliases="JJ, Jay"),
        "catherine": services.person_create(actor=leader, first_name="Catherine", last_name="O'Neill"),
        "mohammed": services.person_create(actor=leader, first_name="Mohammed", last_name="Khan"),
        "unknown": services.person_create(
            actor=leader, aliases="Big Man, Tiny", description="Tall, drives a silver Audi"
        ),
    }


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("Jayden Smith", "Jayden Smith"),
        ("jaiden smyth", "Jayden Smith"),  # spelt as it sounds
        ("Jaydn", "Jayden Smith"),  # a letter left out
        ("smi", "Jayden Smith"),  # the beginning of the name
        ("Kathryn Oneill", "Catherine O'Neill"),  # sounds alike, apostrophe dropped
        ("Muhammad Kahn", "Mohammed Khan"),
        ("JJ", "Jayden Smith"),  # an alias
        ("big man", "Unknown (known as Big Man)"),  # a nickname of someone whose name is not known
        ("tiny", "Unknown (known as Big Man)"),
    ],
)
def test_names_and_aliases_match_by_spelling_or_sound(leader, known, typed, first):
    assert found(leader, typed)[0] == first


def test_a_different_name_finds_no_one(leader, known):
    assert found(leader, "Oliver Brown") == []
    assert found(leader, "Jayden Khan") == []  # every word must match
    assert found(leader, "12345") == [] and found(leader, "") == []


def test_the_order_is_the_child_index_rule(leader, personas):
    """The same names give the same order for persons as for children: the best first, then by last
    name, first name and number."""
    names = [("Jade", "Smithson"), ("Jayden", "Smythe"), ("Jayden", "Smith"), ("Jaiden", "Smith"), ("Jay", "Smith")]
    for first, last in names:
        services.person_create(actor=leader, first_name=first, last_name=last)
        ChildFactory(first_name=first, last_name=last)
    screener = personas["screener"]
    for typed in ("Jayden Smith", "smi", "jay smith", "jaiden smyth"):
        children = [c.full_name for c in contact_selectors.child_search(screener, ChildQuery(name=typed))]
        assert found(leader, typed) == children, typed
    assert found(leader, "Jayden Smith")[:2] == ["Jayden Smith", "Jaiden Smith"]


def test_a_person_who_is_a_restricted_child_is_found_only_by_the_staff_named_on_it(personas, leader):
    child = ChildFactory(first_name="Hiddenchild", last_name="Restricted", is_restricted=True)
    child.restricted_to.add(leader)
    hidden = services.person_create(actor=leader, first_name="Hiddenchild", last_name="Restricted", child=child)
    assert hidden.is_juvenile
    assert found(leader, "Hiddenchild") == ["Hiddenchild Restricted"]
    for name in ("fc_manager", "screener", "cate_worker", "police", "group_manager"):
        user = personas[name]
        assert found(user, "Hiddenchild") == [], name
        assert found(user, "Restricted") == [], name
        assert not selectors.person_search_too_broad(user, "Hiddenchild")
        assert selectors.person_likely_duplicates(user, first_name="Hiddenchild", last_name="Restricted") == []


def test_merged_and_entered_in_error_persons_are_not_found(leader, known):
    services.record_mark_entered_in_error(record=known["catherine"], actor=leader, reason="Typed in error")
    assert found(leader, "Catherine") == []
    Person.objects.filter(pk=known["mohammed"].pk).update(status=NetworkStatus.MERGED, merged_into=known["jayden"])
    assert found(leader, "Mohammed") == []


@pytest.mark.parametrize("persona", ["advisor", "health", "auditor", "administrator", "panel_outsider"])
def test_those_who_do_not_read_the_network_find_no_one(personas, make_user, known, persona):
    from core.roles import Role

    user = personas.get(persona) or make_user(Role.PANEL_MEMBER)
    assert found(user, "Jayden Smith") == []


def test_a_police_partner_finds_persons(personas, known):
    assert found(personas["police"], "jaiden smyth") == ["Jayden Smith"]


def test_the_services_write_the_keys_of_names_and_aliases(leader, known):
    person = known["jayden"]
    assert stored(person) == matching.person_name_keys("Jayden", "Smith", "JJ, Jay")
    services.person_update(person=person, actor=leader, last_name="Brown", aliases="Blaze")
    assert stored(person) == matching.person_name_keys("Jayden", "Brown", "Blaze")
    assert found(leader, "Jayden Brown") == ["Jayden Brown"] and found(leader, "Jayden Smith") == []
    assert found(leader, "blaze") == ["Jayden Brown"] and found(leader, "JJ") == []
    before = set(PersonNameKey.objects.filter(person=person).values_list("pk", flat=True))
    services.person_update(person=person, actor=leader, description="Seen at the station")
    assert set(PersonNameKey.objects.filter(person=person).values_list("pk", flat=True)) == before


def test_the_migration_fills_the_keys_of_the_persons_already_there(leader):
    person = PersonFactory(first_name="Catherine", last_name="O'Neill", aliases="Kitty")
    PersonNameKey.objects.filter(person=person).delete()
    migration = import_module("network.migrations.0003_person_name_keys")
    with connection.schema_editor() as editor:
        migration.fill_keys(apps, editor)
    assert stored(person) == matching.person_name_keys("Catherine", "O'Neill", "Kitty")
    assert found(leader, "kitty") == ["Catherine O'Neill"]


def test_the_search_costs_the_same_queries_for_one_person_or_fifty(leader, django_assert_max_num_queries):
    PersonFactory(first_name="Jayden", last_name="Smith")
    with django_assert_max_num_queries(6) as one:
        assert len(found(leader, "Jayden Smith")) == 1
    for i in range(49):
        PersonFactory(first_name="Jayden", last_name=f"Smith{i}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(found(leader, "Jayden")) == 50


def test_a_name_like_more_persons_than_one_search_compares_is_said_so(leader, monkeypatch):
    monkeypatch.setattr(selectors, "MAX_CANDIDATES", 2)
    for i in range(3):
        PersonFactory(first_name="Jayden", last_name=f"Smith{i}")
    PersonFactory(first_name="Amelia", last_name="Jones")
    assert selectors.person_search_too_broad(leader, "Jayden")
    assert not selectors.person_search_too_broad(leader, "Amelia")
    assert len(found(leader, "Jayden")) == 2  # only what one search compares


# --- Likely duplicates of a person being added --------------------------------------------------------


def reasons(user, **details) -> dict[str, list[str]]:
    return {m.person.display_name: m.reasons for m in selectors.person_likely_duplicates(user, **details)}


def test_a_similar_name_is_a_likely_duplicate_unless_the_ages_disagree(leader):
    services.person_create(actor=leader, first_name="Jayden", last_name="Smith", date_of_birth=dt.date(1998, 5, 4))
    services.person_create(actor=leader, first_name="Jaiden", last_name="Smyth", age_band=AgeBand.AGE_25_34)
    services.person_create(actor=leader, first_name="Jayden", last_name="Smithe")
    assert reasons(leader, first_name="Jayden", last_name="Smith", date_of_birth=dt.date(1998, 5, 4)) == {
        "Jayden Smith": ["Similar name", "Same date of birth"],
        "Jaiden Smyth": ["Similar name", "Age fits"],
        "Jayden Smithe": ["Similar name"],  # nothing known of the age: not against
    }
    # Another date of birth rules the first out; an age band far from 25 to 34 rules the second out.
    assert set(reasons(leader, first_name="Jayden", last_name="Smith", date_of_birth=dt.date(1980, 1, 1))) == {
        "Jayden Smithe"
    }
    assert set(reasons(leader, first_name="Jayden", last_name="Smith", age_band=AgeBand.UNDER_18)) == {"Jayden Smithe"}
    # A band next to it may be the same person (a guess of someone's age is often out).
    assert "Jaiden Smyth" in reasons(leader, first_name="Jayden", last_name="Smith", age_band=AgeBand.AGE_22_24)
    assert reasons(leader, first_name="Oliver", last_name="Brown") == {}


def test_an_alias_finds_the_person_known_by_it(leader):
    services.person_create(actor=leader, aliases="Jay, Big J", description="Drives a taxi")
    assert reasons(leader, first_name="Jason", last_name="Smith", aliases="Jay") == {
        "Unknown (known as Jay)": ["Similar alias or nickname"]
    }
    named = services.person_create(actor=leader, first_name="Jason", last_name="Smith", aliases="Jay")
    others = selectors.person_likely_duplicates(
        leader, first_name="Jason", last_name="Smith", aliases="Jay", exclude_pk=named.pk
    )
    assert [m.reasons for m in others] == [["Similar alias or nickname"]]
    both = selectors.person_likely_duplicates(leader, first_name="Jason", last_name="Smith", aliases="Jay")
    assert both[0].person.pk == named.pk  # matched on the name and the alias: first
    assert both[0].reasons == ["Similar name", "Similar alias or nickname"]


@pytest.mark.parametrize(
    ("one", "other", "agreement"),
    [
        ((dt.date(2000, 1, 1), ""), (dt.date(2000, 1, 1), ""), matching.SAME_DATE_OF_BIRTH),
        ((dt.date(2000, 1, 1), ""), (dt.date(2000, 1, 2), ""), False),
        ((dt.date(2000, 1, 1), ""), (None, AgeBand.AGE_25_34), matching.AGE_FITS),  # 26 on the day below
        ((dt.date(2000, 1, 1), ""), (None, AgeBand.AGE_35_44), False),
        ((None, AgeBand.AGE_18_21), (None, AgeBand.AGE_22_24), matching.AGE_FITS),
        ((None, AgeBand.UNDER_18), (None, AgeBand.AGE_25_34), False),
        ((None, AgeBand.NOT_KNOWN), (None, AgeBand.AGE_25_34), None),
        ((None, ""), (dt.date(2000, 1, 1), ""), None),
    ],
)
def test_how_two_ages_agree(one, other, agreement):
    today = dt.date(2026, 12, 7)
    assert matching.age_agreement(one, other, today=today) == agreement
    assert matching.age_agreement(other, one, today=today) == agreement

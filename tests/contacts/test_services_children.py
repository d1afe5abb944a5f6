"""The child index: creating with a duplicate warning, changing with a version, the CATE markers."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from contacts import services
from contacts.models import Child
from core import audit
from core.exceptions import StaleRecord
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def child_data(**overrides):
    data = {
        "first_name": "Jayden",
        "last_name": "Smith",
        "date_of_birth": dt.date(2011, 5, 4),
        "gender": "male",
        "postcode": "tf1 1aa",
        "nhs_number": "943 476 5919",
        "send_status": "not_known",
    }
    data.update(overrides)
    return data


def test_an_advisor_adds_a_child_with_history(advisor):
    child = services.child_create(actor=advisor, data=child_data())
    assert (child.postcode, child.nhs_number, child.created_by) == ("TF1 1AA", "9434765919", advisor)
    record = child.history.get()
    assert (record.history_user, record.history_change_reason) == (advisor, "Child added to the index")


def test_likely_duplicates_are_shown_before_a_new_record_is_made(advisor):
    existing = ChildFactory(
        first_name="Jayden", last_name="Smith", date_of_birth=dt.date(2011, 5, 4), postcode="TF1 1AA"
    )
    ChildFactory(first_name="Jayden", last_name="Smith", date_of_birth=dt.date(2009, 1, 1))  # another boy
    with pytest.raises(services.PossibleDuplicates) as caught:
        services.child_create(actor=advisor, data=child_data(first_name="Jaiden", last_name="Smyth", nhs_number=""))
    assert [m.child for m in caught.value.matches] == [existing]
    assert caught.value.matches[0].reasons == ["Similar name", "Same date of birth", "Same postcode"]
    assert Child.objects.count() == 2
    child = services.child_create(
        actor=advisor,
        data=child_data(first_name="Jaiden", last_name="Smyth", nhs_number=""),
        confirmed_not_duplicate=True,
    )
    assert Child.objects.count() == 3 and child.first_name == "Jaiden"


def test_the_same_nhs_number_never_makes_a_second_record(advisor):
    ChildFactory(first_name="Other", last_name="Name", nhs_number="9434765919")
    with pytest.raises(ValidationError) as caught:
        services.child_create(actor=advisor, data=child_data(), confirmed_not_duplicate=True)
    assert caught.value.message_dict == {"nhs_number": ["A child with this NHS number is already in the index"]}


def test_a_restricted_child_is_not_revealed_as_a_duplicate(advisor):
    ChildFactory(first_name="Jayden", last_name="Smith", date_of_birth=dt.date(2011, 5, 4), is_restricted=True)
    child = services.child_create(actor=advisor, data=child_data(nhs_number=""))
    assert child.pk


def test_an_invalid_nhs_number_is_refused_by_the_model(advisor):
    with pytest.raises(ValidationError) as caught:
        services.child_create(actor=advisor, data=child_data(nhs_number="9434765918"))
    assert "nhs_number" in caught.value.message_dict


def test_changing_a_child_needs_the_version_they_saw(advisor, personas):
    child = ChildFactory()
    child = services.child_update(
        child=child, actor=advisor, data={"school": "Riverside Academy"}, reason="School told us", expected_version=1
    )
    assert child.version == 2
    latest = child.history.latest()
    assert (latest.history_user, latest.history_change_reason, latest.school) == (
        advisor,
        "School told us",
        "Riverside Academy",
    )
    with pytest.raises(StaleRecord) as caught:
        services.child_update(child=child, actor=advisor, data={"school": "Elsewhere"}, reason="x", expected_version=1)
    assert caught.value.changes == ["School"]
    with pytest.raises(PermissionDenied):
        services.child_update(
            child=child, actor=personas["team_leader"], data={"school": "X"}, reason="x", expected_version=2
        )


# --- Merge ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["screener", "advisor", "police", "panel_member", "auditor", "administrator"])
def test_only_cate_casework_and_the_system_set_the_cate_markers(personas, persona):
    child = ChildFactory()
    version = child.version
    with pytest.raises(PermissionDenied):
        services.child_set_cate_markers(
            child=child, open_to_cate=True, previously_known=False, actor=personas[persona], reason="Case opened"
        )
    child.refresh_from_db()
    assert (child.open_to_cate, child.version) == (False, version)


@pytest.mark.parametrize("persona", ["team_leader", "group_manager", "cate_worker", "system"])
def test_those_who_open_change_and_close_cases_set_the_cate_markers(personas, persona):
    actor = audit.system_user() if persona == "system" else personas[persona]
    child = ChildFactory()
    version = child.version
    services.child_set_cate_markers(
        child=child, open_to_cate=True, previously_known=False, actor=actor, reason="CATE case opened"
    )
    child.refresh_from_db()
    assert (child.open_to_cate, child.previously_known_to_cate, child.version) == (True, False, version + 1)
    latest = child.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (actor, "CATE case opened")

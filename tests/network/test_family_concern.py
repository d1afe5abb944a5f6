"""A member of a child's family recorded as a person of concern: the network holds the link and shows
it on the child's page through the app contract; a restricted relative is in no one's list who is
not named on them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from contacts import services as contact_services
from network import services
from network.models import Person
from tests.factories import ChildFactory, ReferralFactory, allocated_case

pytestmark = pytest.mark.django_db

REL = {"relationship": "parents_partner", "parental_responsibility": False, "lives_with_child": True}


@pytest.fixture
def family(personas):
    worker = personas["cate_worker"]
    child = ChildFactory(first_name="Concernchild")
    allocated_case(personas["team_leader"], worker, referral=ReferralFactory(child=child))
    partner = contact_services.family_member_add(
        child=child, actor=worker, person={"first_name": "Dale", "last_name": "Partner", "gender": "male", "age": 31},
        relationship=REL,
    )  # fmt: skip
    return child, partner


def test_a_recorder_records_a_family_member_as_a_person_of_concern(family, personas, client_for):
    child, partner = family
    worker = personas["cate_worker"]
    url = reverse("network:family_member_concern", args=[child.pk, partner.pk])
    client = client_for(worker)
    assert b"Select what kind" in client.post(url, {"kind": ""}).content
    response = client.post(url, {"kind": "adult_risk"})
    person = Person.objects.get(family_member=partner)
    assert response.status_code == 302 and response["Location"] == person.get_absolute_url()
    assert (person.first_name, person.last_name, person.gender, person.kind) == (
        "Dale",
        "Partner",
        "male",
        "adult_risk",
    )
    assert person.history.first().history_user == worker
    # Shown on the child's page through the contract; a second time is refused.
    page = client.get(reverse("contacts:child_detail", args=[child.pk])).content.decode()
    assert "Persons of concern in the family" in page and person.get_absolute_url() in page
    with pytest.raises(ValidationError):
        services.person_from_family_member(child=child, member=partner, kind="associate", actor=worker)


def test_only_network_recorders_record_one(family, personas):
    child, partner = family
    for persona in ("advisor", "group_manager", "auditor"):
        with pytest.raises(PermissionDenied):
            services.person_from_family_member(child=child, member=partner, kind="associate", actor=personas[persona])


def test_a_restricted_sister_is_not_offered_to_those_not_named(family, personas, client_for):
    child, _ = family
    manager = personas["fc_manager"]
    sister = ChildFactory(first_name="Hiddensister", is_restricted=True)
    sister.restricted_to.add(manager)
    member = contact_services.family_member_add(
        child=child, actor=manager, person={}, index_child=sister.pk,
        relationship={"relationship": "sister", "parental_responsibility": False, "lives_with_child": True},
    )  # fmt: skip
    worker = client_for(personas["cate_worker"])
    page = worker.get(reverse("contacts:child_detail", args=[child.pk])).content.decode()
    assert "Hiddensister" not in page
    url = reverse("network:family_member_concern", args=[child.pk, member.pk])
    assert worker.get(url).status_code == 404
    assert client_for(manager).get(url).status_code == 200

"""Adding a person of concern who may already be recorded: the likely duplicates are shown before
the record is made, nothing typed is lost, and the recorder may confirm it is someone else. A
person's page shows its merges and, to those who merge, the way to merge it."""

import pytest
from django.urls import reverse

from network.models import Person
from tests.factories import PersonFactory
from tests.security.forms import error_summary, form_data, post_form

pytestmark = pytest.mark.django_db

FORM = {
    "kind": "suspect",
    "first_name": "Jonathan",
    "last_name": "Smithson",
    "age_band": "25_34",
    "gender": "male",
    "police_status": "intelligence",
    "custody_status": "not_known",
}


def _form(client, **extra):
    """The add page's form as a browser sends it, with these answers."""
    page = client.get(reverse("network:person_add")).content.decode()
    return {**form_data(post_form(page)), **FORM, **extra}


def test_a_likely_duplicate_is_shown_before_adding_and_confirming_adds(personas, client_for):
    PersonFactory(first_name="Jonathon", last_name="Smithson", age_band="25_34")
    client = client_for(personas["team_leader"])
    url = reverse("network:person_add")
    response = client.post(url, _form(client))
    page = response.content.decode()
    assert response.status_code == 200
    assert "This person may already be recorded" in error_summary(page) and "Jonathon Smithson" in page
    assert 'value="Jonathan"' in page  # what was typed is kept
    assert Person.objects.count() == 1
    response = client.post(url, _form(client, not_a_duplicate="yes"))
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_a_new_name_is_added_at_once(personas, client_for):
    client = client_for(personas["team_leader"])
    response = client.post(reverse("network:person_add"), _form(client, first_name="Unusualname"))
    assert response.status_code == 302 and Person.objects.filter(first_name="Unusualname").exists()


def test_the_person_page_offers_merging_to_those_who_merge(personas, client_for):
    person = PersonFactory()
    merge_url = reverse("network:person_merge", args=[person.pk])
    assert merge_url in client_for(personas["team_leader"]).get(person.get_absolute_url()).content.decode()
    assert merge_url not in client_for(personas["cate_worker"]).get(person.get_absolute_url()).content.decode()

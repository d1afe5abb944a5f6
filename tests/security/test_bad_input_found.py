"""The bugs the bad-input tests found, each pinned by a named test (they answered 500 before)."""

import pytest
from django.test import Client
from django.urls import reverse

from contacts.forms import ChildSearchForm
from contacts.validators import nhs_number_is_valid
from tests.factories import ChildFactory, ContactFactory


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize("number", ["²²²²²²²²²²", "٩٤٣٤٧٦٥٩١٩", "９４３４７６５９１９"])
def test_an_nhs_number_in_other_scripts_digits_is_refused_not_a_crash(number):
    assert nhs_number_is_valid(number) is False
    form = ChildSearchForm({"nhs_number": number})
    assert not form.is_valid() and "nhs_number" in form.errors


@pytest.mark.parametrize("target", ["x", "javascript:alert(1)", "//evil.example/", "/\\evil.example"])
def test_a_next_that_is_not_a_path_here_falls_back_to_the_record(target, personas):
    contact = ContactFactory()
    response = _client(personas["screener"]).post(
        reverse("contacts:contact_assign", args=[contact.pk]), {"next": target}
    )
    assert response.status_code == 302 and response["Location"] == contact.get_absolute_url()


def test_a_next_on_this_site_is_followed(personas):
    contact = ContactFactory()
    response = _client(personas["screener"]).post(
        reverse("contacts:contact_assign", args=[contact.pk]), {"next": "/front-door/queue/"}
    )
    assert response["Location"] == "/front-door/queue/"


@pytest.mark.parametrize("value", ["²", "٣", "99999999999999999999"])
def test_record_numbers_in_other_digits_or_too_big_are_ignored(value, personas):
    screener = personas["screener"]
    contact, child = ContactFactory(), ChildFactory()
    client = _client(screener)
    assert client.post(reverse("contacts:contact_assign", args=[contact.pk]), {"version": value}).status_code == 302
    assert client.get(reverse("contacts:contact_create") + f"?child={value}").status_code == 200
    assert client.get(reverse("contacts:child_create") + f"?contact={value}").status_code == 200
    merge = client.post(reverse("contacts:child_merge", args=[child.pk]), {"other": value, "reason": "Same"})
    assert merge.status_code == 302 and merge["Location"] == reverse("contacts:child_merge", args=[child.pk])
    link = client.post(reverse("contacts:contact_link_child", args=[contact.pk]), {"child": value})
    assert link.status_code == 302

"""The screening queue and the lists of the front door: order, tags, filters, counts, query counts."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts import services
from contacts.choices import ContactStatus, Outcome
from core.models import Agency
from tests.factories import ChildFactory, ContactFactory, EarlyHelpFollowUpFactory, MaceRecipientFactory

pytestmark = pytest.mark.django_db


def references(html: str) -> list[str]:
    return re.findall(r">(FC-T\d{6})</a>", html)


def test_the_queue_is_in_due_order_with_due_tags(screener, client_for):
    now = timezone.now()
    later = ContactFactory(decision_due_at=now + dt.timedelta(days=2))
    overdue = ContactFactory(decision_due_at=now - dt.timedelta(hours=1))
    soon = ContactFactory(decision_due_at=now + dt.timedelta(hours=2))
    ContactFactory(decision_due_at=now - dt.timedelta(days=3), status=ContactStatus.DECIDED, outcome="early_help")
    html = client_for(screener).get(reverse("contacts:queue")).content.decode()
    assert references(html) == [overdue.reference, soon.reference, later.reference]
    rows = html.split("<tbody")[1].split('<tr class="govuk-table__row">')[1:]
    assert [("Overdue" in r, "Due soon" in r, ">Due<" in r) for r in rows] == [
        (True, False, False),
        (False, True, False),
        (False, False, True),
    ]
    assert "3 contacts" in html and "1 overdue" in html and "1 due soon" in html


def test_queue_filters_and_counts(screener, client_for, personas):
    now = timezone.now()
    mine = ContactFactory(decision_due_at=now + dt.timedelta(days=1), cce_concern=True, cse_concern=False)
    services.contact_assign(contact=mine, assignee=screener, actor=screener)
    anonymous = ContactFactory(
        decision_due_at=now - dt.timedelta(hours=3), channel="anonymous_form", source="anonymous"
    )
    client = client_for(screener)
    assert references(client.get(reverse("contacts:queue"), {"assigned": "me"}).content.decode()) == [mine.reference]
    assert references(client.get(reverse("contacts:queue"), {"assigned": "unassigned"}).content.decode()) == [
        anonymous.reference
    ]
    assert references(client.get(reverse("contacts:queue"), {"due": "overdue"}).content.decode()) == [
        anonymous.reference
    ]
    assert references(client.get(reverse("contacts:queue"), {"concern": "cce"}).content.decode()) == [mine.reference]
    assert references(client.get(reverse("contacts:queue"), {"channel": "anonymous_form"}).content.decode()) == [
        anonymous.reference
    ]
    assert references(client.get(reverse("contacts:queue"), {"status": "in_screening"}).content.decode()) == [
        mine.reference
    ]
    empty = client.get(reverse("contacts:queue"), {"source": "nhs"}).content.decode()
    assert "No contacts are awaiting a decision that match these filters" in empty
    bad = client.get(reverse("contacts:queue"), {"due": "whenever"})
    assert bad.status_code == 200 and "Error:" in bad.content.decode()


def test_assign_to_me_from_the_queue(screener, client_for):
    contact = ContactFactory()
    client = client_for(screener)
    queue_url = reverse("contacts:queue") + "?assigned=unassigned"
    response = client.post(
        reverse("contacts:contact_assign", args=[contact.pk]), {"version": contact.version, "next": queue_url}
    )
    assert response.status_code == 302 and response["Location"] == queue_url
    contact.refresh_from_db()
    assert (contact.assigned_to, contact.status) == (screener, ContactStatus.IN_SCREENING)
    # A second screener with the old version is refused with a clear message; nothing changes.
    response = client.post(
        reverse("contacts:contact_assign", args=[contact.pk]), {"version": 1, "next": queue_url}, follow=True
    )
    assert "Someone else changed this record" in response.content.decode()
    contact.refresh_from_db()
    assert contact.version == 2


def test_the_repeat_contact_alert_shows_on_the_queue_and_the_screening_page(screener, client_for):
    child = ChildFactory()
    now = timezone.now()
    ContactFactory(child=child, received_at=now - dt.timedelta(days=400), status="decided", outcome="early_help")
    ContactFactory(child=child, received_at=now - dt.timedelta(days=200), status="decided", outcome="early_help")
    latest = ContactFactory(child=child, received_at=now - dt.timedelta(days=1))
    client = client_for(screener)
    page = client.get(reverse("contacts:contact_detail", args=[latest.pk])).content.decode()
    assert "in the last 12 months" not in page  # two in twelve months
    third = ContactFactory(child=child, received_at=now - dt.timedelta(hours=2))
    page = client.get(reverse("contacts:contact_detail", args=[third.pk])).content.decode()
    assert f"3 contacts about {child.full_name} in the last 12 months" in page
    queue = client.get(reverse("contacts:queue")).content.decode()
    assert queue.count("3 contacts in 12 months") == 2


@pytest.mark.parametrize("rows", [1, 50])
def test_the_queue_costs_the_same_queries_for_1_and_50_rows(screener, client_for, django_assert_max_num_queries, rows):
    for _ in range(rows):
        contact = ContactFactory(child=ChildFactory())
        services.contact_assign(contact=contact, assignee=screener, actor=screener)
    client = client_for(screener)
    client.get(reverse("contacts:queue"))  # warm the session and content types
    with django_assert_max_num_queries(10):
        response = client.get(reverse("contacts:queue"))
    assert response.status_code == 200
    assert response.content.decode().count("FC-T") >= min(rows, 25)


@pytest.mark.parametrize("rows", [1, 50])
def test_child_search_costs_the_same_queries_for_1_and_50_rows(
    screener, client_for, django_assert_max_num_queries, rows
):
    for i in range(rows):
        ChildFactory(first_name="Jayden", last_name=f"Smith{'e' * (i % 3)}", known_as=f"JJ{i}")
    client = client_for(screener)
    client.get(reverse("contacts:child_search"), {"name": "Jaiden Smith"})
    # 11: with the one that counts whether the name is like more children than a search compares.
    with django_assert_max_num_queries(11):
        response = client.get(reverse("contacts:child_search"), {"name": "Jaiden Smith"})
    assert response.status_code == 200
    assert response.content.decode().count("Record a contact<span") == min(rows, 25)


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("page", ["contacts:contact_list", "contacts:follow_up_list", "contacts:mace_list"])
def test_other_lists_cost_the_same_queries_for_1_and_50_rows(
    personas, client_for, django_assert_max_num_queries, rows, page
):
    police = Agency.objects.get(name="Police")
    for _ in range(rows):
        contact = ContactFactory(status=ContactStatus.DECIDED, outcome=Outcome.EARLY_HELP, early_help_agency=police)
        EarlyHelpFollowUpFactory(contact=contact)
        MaceRecipientFactory(request__contact=contact, agency=police)
    for persona in ("screener", "police"):
        if page != "contacts:mace_list" and persona == "police":
            continue
        client = client_for(personas[persona])
        client.get(reverse(page))
        with django_assert_max_num_queries(11):  # the MACE list prefetches the agencies asked
            response = client.get(reverse(page))
        assert response.status_code == 200, (page, persona)


@pytest.mark.parametrize("rows", [1, 50])
def test_the_child_record_costs_the_same_queries_for_1_and_50_contacts(
    screener, client_for, django_assert_max_num_queries, rows
):
    child = ChildFactory()
    for _ in range(rows):
        ContactFactory(child=child)
    client = client_for(screener)
    url = reverse("contacts:child_detail", args=[child.pk])
    client.get(url)  # warm the session and content types
    # 13, the spells missing from education (one query), and the network's section (the child's node
    # and its links, two queries: the screener reads the network), the same however many contacts or
    # links (tests/network/test_sections.py).
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.status_code == 200
    assert len(set(references(response.content.decode()))) == rows


def test_child_search_says_when_a_name_is_like_more_children_than_it_compares(screener, client_for, monkeypatch):
    from contacts import search

    monkeypatch.setattr(search, "MAX_CANDIDATES", 2)
    for i in range(3):
        ChildFactory(first_name="Jayden", last_name=f"Smith{i}")
    client = client_for(screener)
    page = client.get(reverse("contacts:child_search"), {"name": "Jayden"}).content.decode()
    assert "More than 2 children have names like this" in page
    page = client.get(reverse("contacts:child_search"), {"name": "Amelia"}).content.decode()
    assert "children have names like this" not in page

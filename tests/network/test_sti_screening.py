"""Issue 24, point 2: a person of concern may have passed on an infection (the police or health say
so): the link to each child records "offer STI screening", with no health detail about the person,
and the worker of each open case of the child is prompted once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.alerts import run_rule
from core.models import Notification
from core.roles import Role
from network import services
from network.choices import LinkKind
from tests.factories import CaseFactory, ChildFactory, PersonFactory, PlaceFactory, grant_case_access

pytestmark = pytest.mark.django_db


def _flag(link, actor, value=True):
    return services.link_update(
        link=link,
        actor=actor,
        expected_version=link.version,
        relationship=link.relationship,
        reported_by=link.reported_by,
        first_seen=link.first_seen,
        last_seen=link.last_seen,
        confidence=link.confidence,
        notes=link.notes,
        offer_sti_screening=value,
    )


def test_the_childs_worker_is_prompted_once_with_nothing_of_the_person(make_user, personas):
    worker, recorder = make_user(Role.CATE_WORKER), personas["team_leader"]
    case = CaseFactory(allocated_worker=worker, child=ChildFactory(first_name="Jordan"))
    grant_case_access(case, worker)
    person = PersonFactory(first_name="Vince")
    link = services.link_add(actor=recorder, a=case.child, b=person, kind=LinkKind.SEEN_WITH)
    assert run_rule("network_sti_screening").candidates == 0
    link = _flag(link, recorder)
    assert link.offer_sti_screening and link.sti_screening_flagged_at is not None
    latest = link.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (recorder, "STI screening to be offered to the child")
    assert run_rule("network_sti_screening").sent == 1
    assert run_rule("network_sti_screening").sent == 0
    [note] = Notification.objects.filter(recipient=worker)
    assert note.title == f"{case.reference}: offer the child STI screening"
    assert "Vince" not in note.title + note.body and "Jordan" not in note.title + note.body
    assert "sexual_health" in note.url
    # Unmarked: no longer a candidate; marked again: a new prompt.
    link = _flag(link, recorder, value=False)
    assert run_rule("network_sti_screening").candidates == 0
    _flag(link, recorder)
    assert run_rule("network_sti_screening").sent == 1


def test_only_a_person_and_child_link_asks_for_screening(personas):
    recorder = personas["team_leader"]
    link = services.link_add(actor=recorder, a=PersonFactory(), b=PlaceFactory(), kind=LinkKind.FREQUENTS)
    with pytest.raises(ValidationError) as caught:
        _flag(link, recorder)
    assert "offer_sti_screening" in caught.value.message_dict


def test_the_link_page_keeps_the_mark(personas, client_for):
    recorder = personas["team_leader"]
    child = ChildFactory()
    link = services.link_add(actor=recorder, a=child, b=PersonFactory(), kind=LinkKind.SEEN_WITH)
    client = client_for(recorder)
    url = reverse("network:link_edit", args=[link.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Offer the child STI screening" in page.content.decode()
    response = client.post(url, {"version": link.version, "confidence": link.confidence, "offer_sti_screening": "on"})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.offer_sti_screening

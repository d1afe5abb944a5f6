"""The staff-safety marker before a visit (core.contract `visit_warnings`): cate's visit form shows
every person of concern with the marker linked to the child or the case, above the form, as far as
the worker may see them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.roles import Role
from network.visits import staff_safety_warnings
from tests.factories import CaseFactory, ChildFactory, LinkFactory, PersonFactory, grant_case_access

pytestmark = pytest.mark.django_db


def warned(first_name: str, reason: str, **kwargs):
    return PersonFactory(first_name=first_name, staff_safety_warning=True, staff_safety_reason=reason, **kwargs)


def test_the_visit_page_warns_of_staff_safety_persons_linked_to_the_child(make_user, client_for):
    worker = make_user(Role.CATE_WORKER)
    case = CaseFactory(allocated_worker=worker)
    grant_case_access(case, worker)
    LinkFactory(a=case.child, b=warned("Vince", "Carries a knife"))
    LinkFactory(a=warned("Dean", "Has threatened social workers"), b=case)  # linked to the case itself
    LinkFactory(a=case.child, b=PersonFactory(first_name="Calm"))  # no marker
    LinkFactory(a=case.child, b=warned("Gone", "Old", status="entered_in_error"))
    LinkFactory(a=case.child, b=warned("Withdrawn", "Wrong"), status="withdrawn", withdrawn_reason="Not him")
    LinkFactory(a=ChildFactory(), b=warned("Elsewhere", "Someone else's"))
    hidden = ChildFactory(is_restricted=True)
    LinkFactory(a=case.child, b=warned("Hiddenpeer", "Violent peer", child=hidden, is_juvenile=True))

    page = client_for(worker).get(reverse("cate:visit_add", args=[case.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    vince = "Staff safety: Vince Example linked to this child — Carries a knife"
    dean = "Staff safety: Dean Example linked to this child — Has threatened social workers"
    assert html.count(vince) == 1 and html.count(dean) == 1
    assert html.index(vince) < html.index('name="location"')
    for name in ("Calm", "Gone", "Withdrawn", "Elsewhere", "Hiddenpeer", "Violent peer"):
        assert name not in html

    hidden.restricted_to.add(worker)  # named on the child: now they see the peer, and the warning
    assert "Staff safety: Hiddenpeer Example linked to this child — Violent peer" in staff_safety_warnings(
        case, user=worker
    )


def test_no_warning_without_a_marker_or_for_someone_who_may_not_read_the_network(make_user, client_for, personas):
    worker = make_user(Role.CATE_WORKER)
    case = CaseFactory(allocated_worker=worker)
    grant_case_access(case, worker)
    LinkFactory(a=case.child, b=PersonFactory())
    page = client_for(worker).get(reverse("cate:visit_add", args=[case.pk]))
    assert page.status_code == 200 and b"Staff safety" not in page.content
    LinkFactory(a=case.child, b=warned("Vince", "Carries a knife"))
    assert staff_safety_warnings(case, user=personas["health"]) == []
    assert staff_safety_warnings(case, user=worker) == [
        "Staff safety: Vince Example linked to this child — Carries a knife"
    ]

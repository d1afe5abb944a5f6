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


def test_a_visit_to_a_child_linked_to_a_staff_safety_person_needs_the_safety_assessment_first(make_user, client_for):
    """Issue 24 (Rec 34): the visit cannot be recorded until the personal-safety risk assessment is
    confirmed and written down; the service refuses it too, whatever the form sends."""
    import datetime as dt

    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from cate import services
    from cate.models import Visit

    worker = make_user(Role.CATE_WORKER)
    case = CaseFactory(allocated_worker=worker, opened_at=timezone.now() - dt.timedelta(days=3))
    grant_case_access(case, worker)
    LinkFactory(a=case.child, b=warned("Vince", "Carries a knife"))
    client = client_for(worker)
    url = reverse("cate:visit_add", args=[case.pk])
    assert 'name="safety_assessed"' in client.get(url).content.decode()
    when = timezone.localtime() - dt.timedelta(hours=1)
    data = {
        "kind": "face_to_face",
        "location": "Youth centre",
        "duration_minutes": "120",
        "visited_at_day": when.day,
        "visited_at_month": when.month,
        "visited_at_year": when.year,
        "visited_at_time": when.strftime("%H:%M"),
    }
    html = client.post(url, data).content.decode()
    assert "Confirm that you have done the personal-safety risk assessment" in html
    assert "Enter the personal-safety risk assessment" in html and 'value="Youth centre"' in html
    assert not Visit.objects.exists()
    with pytest.raises(ValidationError):
        services.visit_record(
            case=case, visited_at=when, kind="face_to_face", location="", seen_alone=None, notes="", actor=worker
        )
    safe = {**data, "safety_assessed": "on", "safety_assessment": "Visit in pairs; meet at the youth centre"}
    assert client.post(url, safe).status_code == 302
    visit = Visit.objects.get()
    assert visit.safety_assessed and visit.duration_minutes == 120
    assert visit.safety_assessment == "Visit in pairs; meet at the youth centre"


def test_a_visit_without_a_warning_needs_no_safety_assessment_and_records_its_duration(make_user):
    import datetime as dt

    from django.utils import timezone

    from cate import services

    worker = make_user(Role.CATE_WORKER)
    case = CaseFactory(allocated_worker=worker, opened_at=timezone.now() - dt.timedelta(days=3))
    grant_case_access(case, worker)
    visit = services.visit_record(
        case=case,
        visited_at=timezone.now() - dt.timedelta(hours=2),
        kind="face_to_face",
        location="",
        seen_alone=True,
        notes="",
        duration_minutes=150,
        actor=worker,
    )
    assert visit.duration_minutes == 150 and not visit.safety_assessed

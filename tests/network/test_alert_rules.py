"""The network's alerts (network/alert_rules.py): a release within 28 days, an Abduction Warning
Notice expiring within 14 days, a new link of an open case's child to a staff-safety person or a
hotspot. Each tells the allocated worker (the team leaders when nobody holds the case) once, however
often the job runs, and never tells anyone of a child or link they may not see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cate.choices import CaseStatus
from config.celery import app
from core import clock
from core.alerts import REGISTRY, run_rule
from core.models import Notification
from core.roles import Role
from core.selectors import service_settings
from network import services
from network.choices import LinkKind, PlaceKind
from tests.factories import (
    CaseFactory,
    ChildFactory,
    LinkFactory,
    PersonFactory,
    PlaceFactory,
    grant_case_access,
)
from tests.test_alert_jobs import worker_on_redis  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def now_and_today():
    now = timezone.now()
    return now, clock.local_date(now)


def allocated_case(worker, **kwargs):
    case = CaseFactory(allocated_worker=worker, **kwargs)
    grant_case_access(case, worker)
    return case


def titles(user) -> list[str]:
    return sorted(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def found(rule: str, now) -> list:
    return list(REGISTRY[rule].find(now, service_settings()))


# --- Release within 28 days ----------------------------------------------------------------------


def test_a_release_within_28_days_tells_the_worker_once(make_user):
    worker = make_user(Role.CATE_WORKER)
    now, today = now_and_today()
    case = allocated_case(worker, child=ChildFactory(first_name="Kayleigh"))
    person = PersonFactory(first_name="Darren", release_date=today + dt.timedelta(days=28))
    LinkFactory(a=case.child, b=person, kind=LinkKind.ASSOCIATES_WITH)
    LinkFactory(a=person, b=case.child, kind=LinkKind.SEEN_WITH)  # two links, one alert

    first, second = run_rule("network_release", now=now), run_rule("network_release", now=now)
    assert (first.sent, second.sent, second.already_sent) == (1, 0, 1)
    [title] = titles(worker)
    assert title.startswith(f"{case.reference}: a person of concern linked to the child is due for release on ")
    assert "Kayleigh" not in title and "Darren" not in title
    assert Notification.objects.get(recipient=worker).url == case.get_absolute_url()

    person.release_date = today + dt.timedelta(days=10)  # the date moved: a new alert
    person.save()
    assert run_rule("network_release", now=now).sent == 1
    assert len(titles(worker)) == 2


@pytest.mark.parametrize(
    ("days", "alerted"),
    [(-1, False), (0, True), (27, True), (28, True), (29, False)],
)
def test_the_release_window_is_28_days(make_user, days, alerted):
    worker = make_user(Role.CATE_WORKER)
    now, today = now_and_today()
    case = allocated_case(worker)
    LinkFactory(a=case.child, b=PersonFactory(release_date=today + dt.timedelta(days=days)))
    assert bool(found("network_release", now)) is alerted


def test_a_release_reaches_only_open_cases_and_linked_children(make_user):
    worker = make_user(Role.CATE_WORKER)
    now, today = now_and_today()
    person = PersonFactory(release_date=today + dt.timedelta(days=3))
    closed = allocated_case(worker, status=CaseStatus.CLOSED, closed_at=now - dt.timedelta(days=30))
    LinkFactory(a=closed.child, b=person)
    allocated_case(worker)  # not linked
    withdrawn = allocated_case(worker)
    LinkFactory(a=withdrawn.child, b=person, status="withdrawn", withdrawn_reason="Wrong person")
    assert found("network_release", now) == []
    by_case = allocated_case(worker)
    LinkFactory(a=by_case, b=person)  # a link to the case itself
    [candidate] = found("network_release", now)
    assert candidate.owner_ids == (worker.pk,) and candidate.title.startswith(by_case.reference)


def test_a_case_nobody_holds_tells_the_team_leaders_who_may_see_the_child(make_user, cate_team):
    named_leader = make_user(Role.TEAM_LEADER, team=cate_team)
    other_leader = make_user(Role.TEAM_LEADER)
    now, today = now_and_today()
    person = PersonFactory(release_date=today + dt.timedelta(days=5))
    open_child = CaseFactory(allocated_worker=None).child
    LinkFactory(a=open_child, b=person)
    restricted = ChildFactory(is_restricted=True)
    restricted.restricted_to.add(named_leader)
    hidden_case = CaseFactory(child=restricted, allocated_worker=None)
    LinkFactory(a=restricted, b=person)

    run_rule("network_release", now=now)
    run_rule("network_release", now=now)
    assert len(titles(named_leader)) == 2
    [title] = titles(other_leader)
    assert hidden_case.reference not in title


def test_a_worker_is_not_told_of_a_person_who_is_a_child_they_may_not_see(make_user):
    worker = make_user(Role.CATE_WORKER)
    now, today = now_and_today()
    hidden = ChildFactory(is_restricted=True)
    peer = PersonFactory(child=hidden, is_juvenile=True, release_date=today + dt.timedelta(days=2))
    case = allocated_case(worker)
    LinkFactory(a=case.child, b=peer)
    assert found("network_release", now) == []
    hidden.restricted_to.add(worker)
    [candidate] = found("network_release", now)
    assert candidate.owner_ids == (worker.pk,)


# --- Abduction Warning Notice expiring -----------------------------------------------------------


@pytest.mark.parametrize(("days", "alerted"), [(-1, False), (0, True), (14, True), (15, False)])
def test_an_awn_expiring_within_14_days_tells_the_worker(make_user, days, alerted):
    worker = make_user(Role.CATE_WORKER)
    now, today = now_and_today()
    case = allocated_case(worker)
    person = PersonFactory(awn_issued_on=today - dt.timedelta(days=300), awn_expires_on=today + dt.timedelta(days=days))
    LinkFactory(a=person, b=case.child)
    run_rule("network_awn", now=now)
    run_rule("network_awn", now=now)
    expected = [f"{case.reference}: the Abduction Warning Notice on a person of concern linked to the child expires"]
    assert [title.rsplit(" on ", 1)[0] for title in titles(worker)] == (expected if alerted else [])


# --- New links to a staff-safety person or a hotspot ---------------------------------------------


def test_a_new_link_to_a_staff_safety_person_or_a_hotspot_tells_the_worker_once(make_user, personas):
    worker = make_user(Role.CATE_WORKER)
    recorder = personas["team_leader"]
    case = allocated_case(worker, child=ChildFactory(first_name="Jordan"))
    warned = PersonFactory(first_name="Vince", staff_safety_warning=True, staff_safety_reason="Carries a knife")
    hotspot = PlaceFactory(kind=PlaceKind.HOTEL, is_hotspot=True, hotspot_reason="Children found here")
    services.link_add(actor=recorder, a=case.child, b=warned, kind=LinkKind.SEEN_WITH)
    services.link_add(actor=recorder, a=hotspot, b=case.child, kind=LinkKind.GOES_MISSING_TO)
    services.link_add(actor=recorder, a=case.child, b=PersonFactory(), kind=LinkKind.SEEN_WITH)  # no marker
    services.link_add(actor=recorder, a=case.child, b=PlaceFactory(), kind=LinkKind.FREQUENTS)  # no hotspot

    now = timezone.now()
    assert run_rule("network_link", now=now).sent == 2
    assert run_rule("network_link", now=now).sent == 0
    assert titles(worker) == [
        f"{case.reference}: the child was linked to a hotspot place",
        f"{case.reference}: the child was linked to a person of concern with a staff-safety warning: "
        "take care before visiting",
    ]
    assert not any("Jordan" in title or "Vince" in title for title in titles(worker))
    assert Notification.objects.filter(recipient=recorder).count() == 0


def test_old_withdrawn_and_closed_case_links_tell_nobody(make_user):
    worker = make_user(Role.CATE_WORKER)
    now = timezone.now()
    warned = PersonFactory(staff_safety_warning=True, staff_safety_reason="Violent")
    old = LinkFactory(a=allocated_case(worker).child, b=warned)
    old.created_at = now - dt.timedelta(days=8)
    old.save()
    LinkFactory(a=allocated_case(worker).child, b=warned, status="withdrawn", withdrawn_reason="Wrong person")
    closed = allocated_case(worker, status=CaseStatus.CLOSED, closed_at=now - dt.timedelta(days=1))
    LinkFactory(a=closed.child, b=warned)
    LinkFactory(a=ChildFactory(), b=warned)  # no case at all
    assert found("network_link", now) == []


def test_a_new_link_of_a_restricted_child_reaches_only_the_staff_named_on_it(make_user, cate_team):
    named = make_user(Role.TEAM_LEADER, team=cate_team)
    other = make_user(Role.TEAM_LEADER)
    child = ChildFactory(is_restricted=True)
    child.restricted_to.add(named)
    CaseFactory(child=child, allocated_worker=None)
    LinkFactory(a=child, b=PlaceFactory(is_hotspot=True, hotspot_reason="Reported by police"))
    run_rule("network_link")
    run_rule("network_link")
    assert len(titles(named)) == 1
    assert titles(other) == []


def _forget_the_result_backend():
    app._backend_cache = None
    if hasattr(app._local, "backend"):
        del app._local.backend


@pytest.fixture
def workers(request):
    """tests/test_alert_jobs.py's worker on Redis, with the result backend made anew from its settings
    (an earlier test may have left the app holding the disabled one)."""
    _forget_the_result_backend()
    yield request.getfixturevalue("worker_on_redis")
    _forget_the_result_backend()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_link_job_at_once_alert_once(workers, make_user):
    worker = make_user(Role.CATE_WORKER)
    case = allocated_case(worker)
    LinkFactory(a=case.child, b=PersonFactory(staff_safety_warning=True, staff_safety_reason="Threatened staff"))
    results = []
    for _ in range(2):
        first = workers.send_task("core.tasks.run_alert_rule", args=("network_link",))
        second = workers.send_task("core.tasks.run_alert_rule", args=("network_link",))
        results += [first.get(timeout=60), second.get(timeout=60)]
    assert sum(result["sent"] for result in results) == 1
    assert Notification.objects.filter(recipient=worker).count() == 1

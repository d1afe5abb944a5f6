"""Issue 24, point 1: three or more child records of the same name (normalised, phonetic) alert the
Family Connect managers, who record the review (merged, different children, escalated); a set with
a restricted record goes only to that record's named staff. Exactly once, however often the job runs."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from contacts import matching, services
from contacts.choices import SameNameOutcome
from contacts.models import SameNameSet
from contacts.tasks import record_same_name_sets
from core.alerts import run_rule
from core.exceptions import TransitionNotAllowed
from core.models import Notification
from core.roles import Role
from core.services import setting_update
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def _add(actor, first, last):
    return services.child_create(
        actor=actor, data={"first_name": first, "last_name": last}, confirmed_not_duplicate=True
    )


def test_the_same_name_key_is_normalised_and_phonetic():
    key = matching.same_name_key("Jayden", "Smith")
    assert key == matching.same_name_key("JAIDEN", "Smyth") == matching.same_name_key("Jaydon", "Smith")
    assert key == matching.same_name_key("Jayden Lee", "Smith")
    assert key != matching.same_name_key("Jayden", "Brown")
    assert matching.same_name_key("", "Smith") == "" and matching.same_name_key("Jayden", "") == ""
    assert key in matching.name_keys("Jayden", "Smith", "")


def test_a_third_record_of_the_same_name_alerts_the_managers_once(
    personas, make_user, django_capture_on_commit_callbacks
):
    screener, manager = personas["screener"], personas["fc_manager"]
    with django_capture_on_commit_callbacks(execute=True):
        _add(screener, "Jayden", "Smith")
        _add(screener, "Jaiden", "Smyth")
    assert not SameNameSet.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        third = _add(screener, "Jaydon", "Smith")
    name_set = SameNameSet.objects.get()
    assert third in name_set.children.all() and name_set.children.count() == 3
    assert name_set.history.get().history_user == screener
    [alert] = Notification.objects.filter(key__startswith="same_name_records:")
    assert alert.recipient == manager and "3 child records share a name" in alert.title
    [email] = [m for m in mail.outbox if m.to == [manager.email]]
    for word in ("Jayden", "Jaiden", "Jaydon", "Smith", "Smyth"):
        assert word not in email.subject + email.body
    # The job and the rule, twice each: nothing new.
    assert record_same_name_sets() == 0 and record_same_name_sets() == 0
    assert run_rule("same_name_records").sent == 0 and run_rule("same_name_records").sent == 0
    assert Notification.objects.filter(key__startswith="same_name_records:").count() == 1
    # A fourth record makes a new set (and a new alert).
    with django_capture_on_commit_callbacks(execute=True):
        _add(screener, "Jadon", "Smith")
    assert SameNameSet.objects.count() == 2
    assert Notification.objects.filter(key__startswith="same_name_records:").count() == 2


def test_the_number_is_a_setting(personas, django_capture_on_commit_callbacks):
    setting_update(key="same_name_records_alert", value=2, actor=personas["group_manager"], reason="Smaller area")
    with django_capture_on_commit_callbacks(execute=True):
        _add(personas["screener"], "Mia", "Jones")
        _add(personas["screener"], "Mya", "Jones")
    assert SameNameSet.objects.get().children.count() == 2


def test_a_set_with_a_restricted_record_reaches_only_its_named_staff(personas, make_user):
    screener, manager, leader = personas["screener"], personas["fc_manager"], personas["team_leader"]
    other_manager = make_user(Role.FC_MANAGER)
    ChildFactory(first_name="Casey", last_name="Ward")
    ChildFactory(first_name="Kasey", last_name="Ward")
    hidden = ChildFactory(first_name="Casey", last_name="Warde", is_restricted=True)
    hidden.restricted_to.set([leader, manager])
    [name_set] = services.same_name_sets_record(actor=screener)
    run_rule("same_name_records")
    told = set(Notification.objects.filter(key__startswith="same_name_records:").values_list("recipient", flat=True))
    assert told == {leader.pk, manager.pk}
    assert other_manager.pk not in told
    from contacts.review_selectors import same_name_sets_visible_to

    assert not same_name_sets_visible_to(other_manager).exists()
    assert not same_name_sets_visible_to(screener).exists()
    assert list(same_name_sets_visible_to(leader)) == [name_set]
    with pytest.raises(PermissionDenied):
        services.same_name_set_review(name_set=name_set, outcome="different", notes="", actor=other_manager)
    services.same_name_set_review(name_set=name_set, outcome="different", notes="", actor=leader)


def test_the_review_is_recorded_once_with_history(personas):
    manager = personas["fc_manager"]
    for first in ("Ruby", "Rubi", "Ruby"):
        ChildFactory(first_name=first, last_name="Hale")
    [name_set] = services.same_name_sets_record(actor=manager)
    with pytest.raises(ValidationError) as caught:
        services.same_name_set_review(name_set=name_set, outcome="escalated", notes=" ", actor=manager)
    assert "notes" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.same_name_set_review(name_set=name_set, outcome="bogus", notes="", actor=manager)
    name_set = services.same_name_set_review(
        name_set=name_set, outcome=SameNameOutcome.MERGED, notes="Two were one child", actor=manager
    )
    latest = name_set.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        manager,
        "Review recorded: Merged: the records are one child",
    )
    with pytest.raises(TransitionNotAllowed):
        services.same_name_set_review(name_set=name_set, outcome="different", notes="", actor=manager)
    assert run_rule("same_name_records").candidates == 0


def test_the_pages(personas, client_for):
    manager = personas["fc_manager"]
    for first in ("Leo", "Lio", "Leo"):
        ChildFactory(first_name=first, last_name="Marsh")
    [name_set] = services.same_name_sets_record(actor=manager)
    client = client_for(manager)
    listing = client.get(reverse("contacts:same_name_set_list"))
    assert listing.status_code == 200 and f"Set {name_set.pk}" in listing.content.decode()
    url = reverse("contacts:same_name_set_detail", args=[name_set.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Marsh" in page.content.decode()
    bad = client.post(url, {"version": name_set.version, "outcome": "escalated", "notes": ""})
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
    assert (
        client.post(url, {"version": name_set.version, "outcome": "different", "notes": "Ages differ"}).status_code
        == 302
    )
    assert client_for(personas["screener"]).get(url).status_code == 404
    assert client_for(personas["police"]).get(reverse("contacts:same_name_set_list")).status_code == 403


@pytest.mark.parametrize("sets", [1, 20])
def test_the_list_makes_the_same_queries_however_many(personas, client_for, sets, django_assert_max_num_queries):
    manager = personas["fc_manager"]
    for n in range(sets):
        name_set = SameNameSet.objects.create(key=f"s:T{n}", members_key=str(n), found_at="2026-01-01T00:00Z")
        name_set.children.set([ChildFactory(), ChildFactory(), ChildFactory()])
    client = client_for(manager)
    client.get(reverse("contacts:same_name_set_list"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("contacts:same_name_set_list")).status_code == 200

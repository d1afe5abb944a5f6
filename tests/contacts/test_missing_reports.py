"""Issue 24, point 1: missing reports at the front door. A missing-from-home report, for any child,
alerts at once (the allocated worker, or the screeners) and asks for the assessment of its links to
CSE, due after one working day and overdue after; a school's missing-from-education report is a
contact of its own type with the school days missed, and the child's record shows the spells."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from contacts import services
from contacts.choices import Channel, ContactKind, Source
from core.alerts import REGISTRY, Stage, run_rule
from core.exceptions import TransitionNotAllowed
from core.models import Notification
from core.roles import Role
from core.selectors import service_settings
from core.services import setting_update
from tests.factories import CaseFactory, ChildFactory, ContactFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
CHILD_FIRST = "Kerensa"


def _report(**overrides) -> dict:
    data = {
        "kind": ContactKind.MISSING_FROM_HOME,
        "received_at": timezone.now() - dt.timedelta(minutes=10),
        "missing_since": timezone.now() - dt.timedelta(hours=5),
        "channel": Channel.PHONE,
        "source": Source.POLICE,
        "referrer_name": "PC Trevithick",
        "referrer_email": "missing.unit@police.example.org",
        "concern": "Not returned home after school; phone off.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def child():
    return ChildFactory(first_name=CHILD_FIRST, last_name="Polglase")


def _told(prefix: str):
    return Notification.objects.filter(key__startswith=prefix)


def test_a_report_for_a_child_with_a_case_alerts_the_allocated_worker_at_once_and_once(
    personas, child, django_capture_on_commit_callbacks
):
    worker, advisor = personas["cate_worker"], personas["advisor"]
    CaseFactory(child=child, allocated_worker=worker)
    with django_capture_on_commit_callbacks(execute=True):
        contact = services.contact_record(actor=advisor, data=_report(), child=child)
    assert contact.kind == ContactKind.MISSING_FROM_HOME and contact.cse_link_due_at is not None
    assert contact.history.get().history_change_reason == "Contact recorded: missing from home"
    [alert] = _told("missing_from_home:")
    assert alert.recipient == worker and contact.reference in alert.title and "may be in danger" in alert.title
    worker_mail = [m for m in mail.outbox if m.to == [worker.email]]
    assert len(worker_mail) == 1 and CHILD_FIRST not in worker_mail[0].body + worker_mail[0].subject
    # The job twice: nothing more.
    assert run_rule("missing_from_home").sent == 0
    assert run_rule("missing_from_home").sent == 0
    assert _told("missing_from_home:").count() == 1


def test_a_report_for_a_child_nobody_holds_goes_to_the_screeners_queue(
    personas, make_user, child, django_capture_on_commit_callbacks
):
    second = make_user(Role.SCREENER)
    with django_capture_on_commit_callbacks(execute=True):
        services.contact_record(actor=personas["advisor"], data=_report(), child=child)
    told = set(_told("missing_from_home:").values_list("recipient", flat=True))
    assert told == {personas["screener"].pk, second.pk}


def test_a_restricted_childs_report_reaches_only_named_staff(personas, make_user, django_capture_on_commit_callbacks):
    screener, other = personas["screener"], make_user(Role.SCREENER)
    child = ChildFactory(first_name=CHILD_FIRST, is_restricted=True)
    child.restricted_to.set([screener, personas["advisor"]])
    with django_capture_on_commit_callbacks(execute=True):
        services.contact_record(actor=personas["advisor"], data=_report(), child=child)
    assert set(_told("missing_from_home:").values_list("recipient", flat=True)) == {screener.pk}
    assert other.pk not in set(Notification.objects.values_list("recipient", flat=True))


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"missing_since": None}, "missing_since"),
        ({"missing_since": timezone.now() + dt.timedelta(days=1)}, "missing_since"),
        ({"kind": "bogus"}, "kind"),
        ({"kind": ContactKind.MISSING_FROM_EDUCATION, "school_days_missed": None}, "school_days_missed"),
        ({"kind": ContactKind.MISSING_FROM_EDUCATION, "school_days_missed": 0}, "school_days_missed"),
    ],
)
def test_bad_reports_are_refused(personas, child, overrides, field):
    with pytest.raises(ValidationError) as caught:
        services.contact_record(actor=personas["advisor"], data=_report(**overrides), child=child)
    assert field in caught.value.message_dict


def test_a_missing_report_needs_a_child_in_the_index(personas):
    with pytest.raises(ValidationError) as caught:
        services.contact_record(actor=personas["advisor"], data=_report(reported_child_name="Kez"))
    assert "kind" in caught.value.message_dict


def test_the_cse_link_assessment_is_due_after_one_working_day_over_easter(personas, child, monkeypatch):
    screener = personas["screener"]
    received = dt.datetime(2024, 3, 28, 15, 0, tzinfo=LONDON)  # Thursday before Good Friday
    monkeypatch.setattr(timezone, "now", lambda: received + dt.timedelta(minutes=5))
    contact = services.contact_record(
        actor=personas["advisor"],
        data=_report(received_at=received, missing_since=received - dt.timedelta(hours=3)),
        child=child,
    )
    due = dt.datetime(2024, 4, 2, 15, 0, tzinfo=LONDON)  # Good Friday and Easter Monday skipped
    assert contact.cse_link_due_at == due
    rule = REGISTRY["missing_cse_link"]
    found = lambda now: [c.stage for c in rule.find(now, service_settings())]  # noqa: E731
    assert found(due - dt.timedelta(hours=4, seconds=1)) == []
    assert found(due - dt.timedelta(hours=4)) == [Stage.DUE_SOON]
    assert found(due + dt.timedelta(seconds=1)) == [Stage.OVERDUE]
    [candidate] = rule.find(due + dt.timedelta(seconds=1), service_settings())
    assert candidate.owner_ids == (screener.pk,) and CHILD_FIRST not in candidate.title
    # Overdue, run twice after the grace: the screener once, the Family Connect manager once.
    late = due + dt.timedelta(days=3)
    first, second = run_rule("missing_cse_link", now=late), run_rule("missing_cse_link", now=late)
    assert (first.sent, first.escalated, second.sent) == (2, 1, 0)
    escalated = Notification.objects.get(key__endswith=":escalated")
    assert escalated.recipient == personas["fc_manager"]


def test_the_screener_records_the_assessment_once_with_history(personas, child):
    screener = personas["screener"]
    contact = services.contact_record(actor=personas["advisor"], data=_report(), child=child)
    with pytest.raises(PermissionDenied):
        services.missing_cse_link_assess(contact=contact, actor=personas["advisor"], linked=True, notes="x")
    with pytest.raises(ValidationError) as caught:
        services.missing_cse_link_assess(contact=contact, actor=screener, linked=None, notes=" ")
    assert set(caught.value.message_dict) == {"linked", "notes"}
    contact = services.missing_cse_link_assess(
        contact=contact, actor=screener, linked=True, notes="Seen with an adult of concern while missing"
    )
    assert (contact.cse_link_found, contact.cse_link_assessed_by) == (True, screener)
    latest = contact.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (screener, "Missing report assessed: linked to CSE")
    with pytest.raises(TransitionNotAllowed):
        services.missing_cse_link_assess(contact=contact, actor=screener, linked=False, notes="again")
    assert list(REGISTRY["missing_cse_link"].find(timezone.now() + dt.timedelta(days=10), service_settings())) == []
    concern = ContactFactory(child=child)
    with pytest.raises(TransitionNotAllowed):
        services.missing_cse_link_assess(contact=concern, actor=screener, linked=False, notes="n/a")


def test_a_schools_report_is_a_missing_from_education_contact_shown_on_the_childs_record(personas, child, client_for):
    group_manager, advisor = personas["group_manager"], personas["advisor"]
    setting_update(key="missing_education_days", value=8, actor=group_manager, reason="Council policy")
    contact = services.contact_record(
        actor=advisor,
        data=_report(
            kind=ContactKind.MISSING_FROM_EDUCATION,
            source=Source.SCHOOLS_COLLEGES,
            school_days_missed=12,
            missing_since=timezone.now(),  # ignored for this kind
            concern="Not in school since the half term.",
        ),
        child=child,
    )
    assert (contact.kind, contact.school_days_missed, contact.school_days_threshold, contact.missing_since) == (
        ContactKind.MISSING_FROM_EDUCATION,
        12,
        8,
        None,
    )
    assert contact.cse_link_due_at is None
    page = client_for(advisor).get(reverse("contacts:child_detail", args=[child.pk]))
    body = page.content.decode()
    assert "Missing from education" in body and contact.reference in body and ">12<" in body.replace(" ", "")


def test_the_kind_of_a_contact_does_not_change_on_correction(personas, child):
    contact = services.contact_record(actor=personas["advisor"], data=_report(), child=child)
    updated = services.contact_update(
        contact=contact,
        actor=personas["screener"],
        data=_report(kind=ContactKind.CONCERN, concern="Corrected concern"),
        reason="Typo",
        expected_version=contact.version,
    )
    assert updated.kind == ContactKind.MISSING_FROM_HOME and updated.concern == "Corrected concern"


def test_the_cse_link_page_keeps_bad_input_and_records(personas, child, client_for):
    contact = services.contact_record(actor=personas["advisor"], data=_report(), child=child)
    screener = client_for(personas["screener"])
    url = reverse("contacts:missing_cse_link", args=[contact.pk])
    assert screener.get(url).status_code == 200
    bad = screener.post(url, {"version": contact.version, "linked": "", "notes": "Typed notes"})
    assert bad.status_code == 200 and "govuk-error-summary" in bad.content.decode()
    assert "Typed notes" in bad.content.decode()
    done = screener.post(url, {"version": contact.version, "linked": "no", "notes": "Went to a friend's"})
    assert done.status_code == 302
    contact.refresh_from_db()
    assert contact.cse_link_found is False
    assert client_for(personas["police"]).get(url).status_code == 404

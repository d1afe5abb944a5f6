"""The import of records from a council's previous system (imports.services.records_import)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from cate.choices import CaseStatus, ChronologyKind, RhiStatus
from cate.models import (
    Allocation,
    Case,
    ChronologyEvent,
    MissingEpisode,
    NrmReferral,
    ReturnHomeInterview,
    StatutoryEpisode,
)
from cate.selectors import cases_visible_to
from contacts.choices import ContactStatus
from contacts.models import Child, Contact, EarlyHelpFollowUp
from core import audit
from core.models import User
from core.roles import Role, user_roles
from imports.services import REASON_CREATED, REASON_UPDATED, ImportRejected, records_import

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)


def document() -> dict:
    return {
        "staff": [
            {
                "key": "S1",
                "username": "imported.worker",
                "name": "Imported Worker One",
                "role": "cate_worker",
                "case_holder": True,
                "active_from": "2020-01-06",
                "active_to": None,
            },
            {
                "key": "S2",
                "username": "imported.sw",
                "name": "Imported Socialworker",
                "role": "social_worker",
                "case_holder": True,
                "active_from": "2021-03-01",
            },
            {
                "key": "S3",
                "username": "imported.leaver",
                "name": "Imported Leaver",
                "role": "cate_worker",
                "case_holder": True,
                "active_from": "2019-01-01",
                "active_to": "2023-06-30",
            },
        ],
        "children": [
            {
                "key": "C1",
                "first_name": "Testchild",
                "last_name": "Imported",
                "date_of_birth": "2008-02-10",
                "gender": "female",
                "ethnicity": "WBRI",
                "send": "sen_support",
                "receiving_education": True,
                "attendance_percent": 85.5,
            },
            {"key": "C2", "first_name": "Othertest", "last_name": "Imported", "gender": "male"},
        ],
        "contacts": [
            {
                "key": "K1",
                "child": "C1",
                "received_at": "2023-04-01T00:30:00+01:00",
                "source": "police",
                "cse_concern": True,
                "enquiry_on_open_case": False,
                "outcome": "cate_or_statutory",
                "decided_at": "2023-04-01T15:00:00+01:00",
            },
            {
                "key": "K2",
                "child": "C2",
                "received_at": "2024-04-22T10:00:00+01:00",
                "source": "schools_colleges",
                "cse_concern": True,
                "outcome": "early_help",
                "decided_at": "2024-04-23T10:00:00+01:00",
            },
            {"key": "K3", "child": None, "received_at": "2024-04-30T09:00:00+01:00", "source": "anonymous"},
        ],
        "cases": [
            {
                "key": "CASE1",
                "child": "C1",
                "contact": "K1",
                "opened_at": "2023-04-12",
                "closed_at": None,
                "exploitation_types": ["cse", "cce"],
                "classification": "at_risk",
                "open_to": "both",
            },
            {
                "key": "CASE2",
                "child": "C2",
                "opened_at": "2022-01-10",
                "closed_at": "2023-03-31",
                "exploitation_types": ["cse"],
                "classification": None,
                "open_to": "cate",
            },
        ],
        "allocations": [
            {"case": "CASE1", "worker": "S3", "from": "2023-04-12", "to": "2023-06-30"},
            {"case": "CASE1", "worker": "S1", "from": "2023-06-30", "to": None},
            {"case": "CASE2", "worker": "S2", "from": "2022-01-11", "to": "2023-03-31"},
        ],
        "statutory_episodes": [{"child": "C1", "kind": "cp", "start": "2023-05-01", "end": None}],
        "missing_episodes": [
            {
                "key": "M1",
                "child": "C1",
                "missing_from": "2023-10-27T22:00:00+01:00",
                "returned_at": "2023-10-28T20:00:00+01:00",
                "rhi_eligible": True,
                "rhi_completed_at": "2023-10-31T19:00:00+00:00",
            },
            {"key": "M2", "child": "C1", "missing_from": "2024-04-30T21:00:00+01:00", "returned_at": None},
        ],
        "nrm_referrals": [{"case": "CASE1", "referred_on": "2023-04-18"}],
    }


def run(doc=None, **kwargs):
    return records_import(document=doc if doc is not None else document(), actor=audit.system_user(), now=NOW, **kwargs)


def test_an_import_writes_ordinary_records_with_history_as_the_system_user():
    summary = run()
    system = audit.system_user()
    assert summary.created == {
        "staff": 3,
        "children": 2,
        "contacts": 3,
        "cases": 2,
        "allocations": 3,
        "statutory_episodes": 1,
        "missing_episodes": 2,
        "nrm_referrals": 1,
    }

    worker = User.objects.get(legacy_key="S1")
    assert (worker.username, worker.first_name, worker.last_name) == ("imported.worker", "Imported Worker", "One")
    assert worker.case_holder and worker.active_from == dt.date(2020, 1, 6) and worker.is_active
    assert user_roles(worker) == {Role.CATE_WORKER} and not worker.has_usable_password()
    social_worker = User.objects.get(legacy_key="S2")
    assert user_roles(social_worker) == {Role.CATE_WORKER} and social_worker.job_title == "Social worker"
    assert not User.objects.get(legacy_key="S3").is_active  # left before the import

    child = Child.objects.get(legacy_key="C1")
    assert child.attendance_percent == Decimal("85.50") and child.send_status == "sen_support"
    assert child.open_to_cate and not child.previously_known_to_cate
    other = Child.objects.get(legacy_key="C2")
    assert not other.open_to_cate and other.previously_known_to_cate
    assert other.ethnicity == "" and other.date_of_birth is None

    first = Contact.objects.get(legacy_key="K1")
    assert first.status == ContactStatus.DECIDED and first.outcome == "cate_or_statutory"
    assert first.received_at == dt.datetime(2023, 3, 31, 23, 30, tzinfo=dt.UTC)
    assert first.decision_due_at == dt.datetime(2023, 4, 2, 23, 30, tzinfo=dt.UTC)  # Monday 00:30, London
    assert first.reference.startswith("FC-IMP-")
    anonymous = Contact.objects.get(legacy_key="K3")
    assert anonymous.status == ContactStatus.AWAITING_SCREENING and anonymous.is_anonymous and anonymous.child is None
    # An early-help decision still within its follow-up time is followed up like any other.
    follow_up = EarlyHelpFollowUp.objects.get(contact__legacy_key="K2")
    assert follow_up.due_at == dt.datetime(2024, 5, 8, 9, 0, tzinfo=dt.UTC)  # 10 working days, May Day skipped

    case = Case.objects.get(legacy_key="CASE1")
    assert case.status == CaseStatus.OPEN and case.cse and case.cce and not case.other_exploitation
    assert case.opened_at == dt.datetime(2023, 4, 11, 23, 0, tzinfo=dt.UTC)  # midnight, London time
    assert case.allocated_worker == worker and case.classification == "at_risk" and case.contact == first
    assert case.allocation_due_at == dt.datetime(2023, 4, 12, 23, 0, tzinfo=dt.UTC)
    assert case.transition_due_on == dt.date(2025, 5, 10)  # 17 on 10 Feb 2025, then 3 months
    # The current worker alone may open the case, as cate's allocation gives.
    assert list(cases_visible_to(worker)) == [case]
    assert not cases_visible_to(User.objects.get(legacy_key="S3")).exists()
    closed = Case.objects.get(legacy_key="CASE2")
    assert closed.status == CaseStatus.CLOSED and closed.allocated_worker is None
    assert closed.closed_at == dt.datetime(2023, 3, 30, 23, 0, tzinfo=dt.UTC)

    allocations = list(case.allocations.order_by("started_at").values_list("worker__legacy_key", "ended_at"))
    assert allocations == [("S3", dt.datetime(2023, 6, 29, 23, 0, tzinfo=dt.UTC)), ("S1", None)]
    assert StatutoryEpisode.objects.get(child=child).start == dt.date(2023, 5, 1)

    episode = MissingEpisode.objects.get(legacy_key="M1")
    assert episode.case == case and episode.recorded_by == system
    # 72 clock hours across the end of British Summer Time.
    assert episode.rhi_due_at == dt.datetime(2023, 10, 31, 19, 0, tzinfo=dt.UTC)
    assert episode.interview.status == RhiStatus.COMPLETED
    assert episode.interview.completed_at == episode.rhi_due_at
    still_missing = MissingEpisode.objects.get(legacy_key="M2")
    assert still_missing.rhi_due_at is None and not ReturnHomeInterview.objects.filter(episode=still_missing).exists()
    nrm = NrmReferral.objects.get(case=case)
    assert nrm.referred_on == dt.date(2023, 4, 18) and nrm.due_at == dt.datetime(2023, 4, 18, 23, 0, tzinfo=dt.UTC)

    for model in (User, Child, Contact, Case, Allocation, StatutoryEpisode, MissingEpisode, NrmReferral):
        rows = model.history.exclude(history_user=None) if model is User else model.history.all()
        imported = rows.filter(history_change_reason=REASON_CREATED)
        assert imported.exists(), model
        assert set(imported.values_list("history_user", flat=True)) == {system.pk}, model
    kinds = list(case.chronology.order_by("occurred_at", "id").values_list("kind", flat=True))
    assert kinds == [
        ChronologyKind.OPENED,
        ChronologyKind.ALLOCATION,
        ChronologyKind.NRM,
        ChronologyKind.ALLOCATION,
        ChronologyKind.ALLOCATION,  # the current worker given access to the case
        ChronologyKind.MISSING,
        ChronologyKind.MISSING,
    ]
    assert set(case.chronology.values_list("recorded_by", flat=True)) == {system.pk}
    assert closed.chronology.filter(kind=ChronologyKind.CLOSURE).count() == 1


def test_importing_the_same_document_again_changes_nothing():
    run()
    counts = {m: m.history.count() for m in (User, Child, Contact, Case, Allocation, MissingEpisode, NrmReferral)}
    events = ChronologyEvent.objects.count()
    summary = run()
    assert not summary.created and not summary.updated
    assert summary.unchanged["cases"] == 2 and summary.unchanged["allocations"] == 3
    assert {m: m.history.count() for m in counts} == counts
    assert ChronologyEvent.objects.count() == events
    assert Case.objects.count() == 2 and Contact.objects.count() == 3


def test_a_reimport_updates_by_key_reallocates_and_records_why():
    run()
    doc = document()
    doc["children"][0]["attendance_percent"] = 40
    doc["allocations"][1]["to"] = "2024-04-01"
    doc["allocations"].append({"case": "CASE1", "worker": "S2", "from": "2024-04-01"})
    doc["cases"][0]["classification"] = "victim"
    summary = run(doc)
    assert summary.updated == {"children": 1, "allocations": 1, "cases": 1}
    assert summary.created == {"allocations": 1}
    child = Child.objects.get(legacy_key="C1")
    assert child.attendance_percent == 40 and child.version == 3  # created, markers set, updated
    latest = child.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (audit.system_user(), REASON_UPDATED)
    case = Case.objects.get(legacy_key="CASE1")
    new_worker, old_worker = User.objects.get(legacy_key="S2"), User.objects.get(legacy_key="S1")
    assert case.allocated_worker == new_worker and case.classification == "victim"
    assert case in cases_visible_to(new_worker) and case not in cases_visible_to(old_worker)
    assert case.allocations.filter(ended_at__isnull=True).get().worker == new_worker
    assert case.chronology.filter(kind=ChronologyKind.OTHER, summary__contains="classification").exists()


def test_every_bad_record_is_reported_and_nothing_is_written():
    doc = document()
    doc["staff"][1]["role"] = "director"
    doc["children"][1]["date_of_birth"] = "2010-02-30"
    doc["children"].append({"key": "C1", "first_name": "Duplicate"})
    doc["contacts"][0]["received_at"] = "2023-04-01T00:30:00"
    doc["contacts"][1]["outcome"] = None
    doc["cases"][0]["child"] = "C9"
    doc["cases"][1]["exploitation_types"] = ["cse", "trafficking"]
    doc["allocations"].append({"case": "CASE1", "worker": "S2", "from": "2023-07-01"})
    doc["missing_episodes"][0]["rhi_completed_at"] = "2023-10-20T10:00:00+01:00"
    doc["nrm_referrals"].append({"case": "CASE1", "referred_on": "2023-04-01"})
    doc["nrm_referrals"].append({"case": "NOPE", "referred_on": "2023-04-20"})
    doc["colour"] = []
    with pytest.raises(ImportRejected) as caught:
        run(doc)
    assert [str(p) for p in caught.value.problems] == [
        "colour: is not a list this import knows (staff, children, contacts, cases, allocations, statutory_episodes, "
        "missing_episodes, nrm_referrals)",
        "staff[1] (key S2): role: 'director' is not one of cate_worker, team_leader, social_worker, group_manager, "
        "screener",
        "children[1] (key C2): date_of_birth: '2010-02-30' is not a real date",
        "children[2] (key C1): the same key as children[0]",
        "contacts[0] (key K1): received_at: '2023-04-01T00:30:00' has no offset from UTC (add +00:00 or +01:00)",
        "contacts[1] (key K2): outcome: is missing (the contact has a decided_at)",
        "cases[0] (key CASE1): child: no child with key 'C9' in this file or imported before",
        "cases[1] (key CASE2): exploitation_types: 'trafficking' not one of cse, cce, other",
        "allocations[3] (key CASE1 / S2 / 2023-07-01): from: overlaps allocations[1] (from 2023-06-30); a case has "
        "one worker at a time",
        "missing_episodes[0] (key M1): rhi_completed_at: is before returned_at",
        "nrm_referrals[1] (key CASE1 / 2023-04-01): referred_on: is before the case opened (2023-04-12)",
        "nrm_referrals[2] (key NOPE / 2023-04-20): case: no case with key 'NOPE' in this file or imported before",
    ]
    for model in (Child, Contact, Case, Allocation, MissingEpisode, NrmReferral, StatutoryEpisode):
        assert not model.objects.exists(), model
    assert not User.objects.filter(legacy_key__gt="").exists()


def test_a_closed_case_needs_its_allocations_ended_and_a_case_one_worker_at_a_time():
    doc = document()
    doc["allocations"][2]["to"] = None
    doc["allocations"].append({"case": "CASE1", "worker": "S2", "from": "2023-04-12", "to": "2023-04-20"})
    doc["allocations"].append({"case": "CASE1", "worker": "S2", "from": "2023-04-11", "to": "2023-04-12"})
    with pytest.raises(ImportRejected) as caught:
        run(doc)
    assert [str(p) for p in caught.value.problems] == [
        "allocations[0] (key CASE1 / S3 / 2023-04-12): from: overlaps allocations[3] (from 2023-04-12); a case has "
        "one worker at a time",
        "allocations[2] (key CASE2 / S2 / 2022-01-11): to: is missing, but the case closed on 2023-03-31",
        "allocations[4] (key CASE1 / S2 / 2023-04-11): from: is before the case opened (2023-04-12)",
    ]


def test_an_allocation_recorded_before_counts_against_overlaps():
    run()
    case = Case.objects.get(legacy_key="CASE1")
    assert case.allocations.filter(ended_at__isnull=True).get().worker.legacy_key == "S1"
    doc = document()
    doc["allocations"].append({"case": "CASE1", "worker": "S2", "from": "2024-01-01"})
    doc["allocations"][1]["worker"] = "S2"  # S1's allocation is no longer in the file, but stays recorded
    doc["allocations"][1]["from"] = "2023-07-01"
    doc["allocations"][1]["to"] = "2023-12-31"
    with pytest.raises(ImportRejected) as caught:
        run(doc)
    assert [str(p) for p in caught.value.problems] == [
        "allocations[1] (key CASE1 / S2 / 2023-07-01): from: overlaps an allocation recorded before (from "
        "2023-06-30); a case has one worker at a time",
    ]


def test_references_reach_records_imported_before():
    run()
    later = {
        "cases": [
            {"key": "CASE3", "child": "C2", "opened_at": "2024-04-02", "exploitation_types": ["cce"], "open_to": "cate"}
        ],
        "allocations": [{"case": "CASE3", "worker": "S1", "from": "2024-04-02"}],
        "nrm_referrals": [{"case": "CASE2", "referred_on": "2022-02-01"}],
    }
    summary = run(later)
    assert summary.created == {"cases": 1, "allocations": 1, "nrm_referrals": 1}
    child = Child.objects.get(legacy_key="C2")
    assert child.open_to_cate and child.previously_known_to_cate
    assert Case.objects.get(legacy_key="CASE3").allocated_worker.legacy_key == "S1"


def test_an_existing_account_is_taken_over_by_username_but_never_an_administrator(make_user):
    existing = make_user(Role.SCREENER, username="imported.worker")
    make_user(Role.ADMINISTRATOR, username="imported.sw", is_staff=True)
    with pytest.raises(ImportRejected) as caught:
        run()
    assert [str(p) for p in caught.value.problems] == [
        "staff[1] (key S2): username: 'imported.sw' belongs to a system or administrator account"
    ]
    doc = document()
    doc["staff"][1]["username"] = "imported.socialworker"
    run(doc)
    existing.refresh_from_db()
    assert existing.legacy_key == "S1" and user_roles(User.objects.get(pk=existing.pk)) == {Role.CATE_WORKER}


def test_a_dry_run_checks_and_writes_nothing():
    summary = run(dry_run=True)
    assert summary.dry_run and summary.created["cases"] == 2
    assert not Case.objects.exists() and not Child.objects.exists()


def test_only_the_system_account_or_an_importer_may_import(personas):
    for persona in ("group_manager", "administrator"):
        with pytest.raises(PermissionDenied):
            records_import(document=document(), actor=personas[persona], now=NOW)
    assert not Child.objects.exists()

"""The importer writes nothing itself: each record is written by its owner's import service, which
keeps its history (system user, reason), its chronology and its object permissions."""

import datetime as dt

import pytest
from guardian.shortcuts import get_perms

from cate.choices import ChronologyKind
from cate.models import Case
from cate.services.imports import (
    allocation_import,
    case_import,
    case_import_references,
    cases_allocated_worker_import,
    nrm_referral_import,
)
from contacts.models import Child, Contact
from contacts.services.imports import child_import
from core import audit
from core.imports import REASON_CREATED, REASON_UPDATED, Outcome
from core.models import User
from core.roles import Role
from imports.services import records_import
from tests.imports.test_services import NOW, document

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 5, 1)


def _child(system, **changes):
    values = {
        "child": None,
        "legacy_key": "C1",
        "first_name": "Testchild",
        "last_name": "Owner",
        "date_of_birth": dt.date(2008, 2, 10),
        "gender": "female",
        "ethnicity": "WBRI",
        "send_status": "none",
        "receiving_education": True,
        "attendance_percent": 90,
    }
    return child_import(**(values | changes), actor=system, today=TODAY)


def test_an_imported_record_has_a_history_row_with_the_system_user_and_the_reason():
    system = audit.system_user()
    records_import(document=document(), actor=system, now=NOW)
    for model, key in ((Child, "C1"), (Contact, "K1"), (Case, "CASE1"), (User, "S1")):
        first = model.history.filter(legacy_key=key).earliest("history_date")
        assert (first.history_user, first.history_change_reason) == (system, REASON_CREATED), model


def test_the_owners_service_records_an_update_with_the_system_user_and_the_reason():
    system = audit.system_user()
    created = _child(system)
    assert created.outcome is Outcome.CREATED
    child = created.record
    assert child.attendance_recorded_on == TODAY
    assert _child(system, child=child).outcome is Outcome.UNCHANGED
    updated = _child(system, child=child, attendance_percent=40)
    assert updated.outcome is Outcome.UPDATED and "attendance_percent" in updated.changed
    latest = Child.objects.get(pk=child.pk).history.latest()
    assert (latest.history_user, latest.history_change_reason) == (system, REASON_UPDATED)
    assert latest.attendance_percent == 40 and child.history.count() == 2


def test_an_imported_case_has_its_chronology_and_the_workers_object_permission(make_user):
    system = audit.system_user()
    worker, leaver = make_user(Role.CATE_WORKER), make_user(Role.CATE_WORKER)
    child = _child(system).record
    opened = dt.datetime(2023, 4, 11, 23, 0, tzinfo=dt.UTC)
    case = case_import(
        case=None,
        legacy_key="CASE1",
        references=case_import_references(),
        child=child,
        contact=None,
        opened_at=opened,
        closed_at=None,
        open_to="cate",
        cse=True,
        cce=False,
        other_exploitation=False,
        classification="at_risk",
        actor=system,
        now=NOW,
    ).record
    assert case.reference == "CATE-IMP-00001"
    handed_over = opened + dt.timedelta(days=30)
    allocation_import(allocation=None, case=case, worker=leaver, started_at=opened, ended_at=handed_over, actor=system)
    allocation_import(allocation=None, case=case, worker=worker, started_at=handed_over, ended_at=None, actor=system)
    cases_allocated_worker_import(cases=[case], actor=system)
    nrm_referral_import(referral=None, case=case, referred_on=dt.date(2023, 4, 18), actor=system)

    case.refresh_from_db()
    assert case.allocated_worker == worker
    assert set(get_perms(worker, case)) >= {"view_case", "change_case"}
    assert not get_perms(leaver, case)
    events = list(case.chronology.order_by("occurred_at", "id").values_list("kind", "occurred_at", "recorded_by"))
    assert events == [
        (ChronologyKind.OPENED, opened, system.pk),
        (ChronologyKind.ALLOCATION, opened, system.pk),
        (ChronologyKind.NRM, dt.datetime(2023, 4, 17, 23, 0, tzinfo=dt.UTC), system.pk),
        (ChronologyKind.ALLOCATION, handed_over, system.pk),
        (ChronologyKind.ALLOCATION, handed_over, system.pk),  # the worker given access to the case
    ]
    access = case.chronology.filter(kind=ChronologyKind.ALLOCATION).order_by("id").last()
    assert access.summary == f"{worker} given access to the case"
    latest = case.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        system,
        f"Allocated to {worker} ({REASON_CREATED.lower()})",
    )

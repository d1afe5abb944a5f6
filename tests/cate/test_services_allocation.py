"""Allocation by a team leader: caseload limit, reallocation with history and access, GP letter."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cate import selectors, services
from cate.choices import ChronologyKind, GpLetterTrigger
from cate.models import Allocation, GpLetter
from cate.permissions import can_work_on_case
from core import services as core_services
from core.roles import Role
from core.selectors import service_settings
from tests.factories import open_case

from .helpers import assert_history

pytestmark = pytest.mark.django_db


def test_allocation_grants_access_records_history_and_generates_the_gp_letter(personas):
    leader, worker = personas["team_leader"], personas["cate_worker"]
    case = open_case(leader, gp_practice="Riverside Medical Practice")
    with pytest.raises(Http404):
        selectors.case_get_for_user(worker, case.pk)
    allocation = services.case_allocate(case=case, worker=worker, actor=leader, reason="Capacity this week")
    case.refresh_from_db()
    assert case.allocated_worker == worker
    assert selectors.case_get_for_user(worker, case.pk) == case
    assert_history(allocation, leader, "Capacity this week")
    assert_history(case, leader, f"Allocated to {worker}")
    assert case.chronology.filter(kind=ChronologyKind.ALLOCATION, summary=f"Allocated to {worker}").exists()
    letter = GpLetter.objects.get(case=case)
    assert letter.trigger == GpLetterTrigger.ALLOCATION and letter.practice == "Riverside Medical Practice"
    assert letter.due_at == service_settings().due("gp_letter", letter.generated_at)
    assert case.next_visit_due_at is not None


def test_reallocation_keeps_history_and_moves_access(personas):
    leader, first, second = personas["team_leader"], personas["cate_worker"], personas["other_worker"]
    case = open_case(leader)
    services.case_allocate(case=case, worker=first, actor=leader)
    services.case_allocate(case=case, worker=second, actor=leader, reason="Worker on leave")
    allocations = list(Allocation.objects.filter(case=case).order_by("started_at"))
    assert [a.worker for a in allocations] == [first, second]
    assert allocations[0].ended_at == allocations[1].started_at
    assert allocations[1].ended_at is None
    assert_history(allocations[0], leader, f"Reallocated to {second}: Worker on leave")
    with pytest.raises(Http404):
        selectors.case_get_for_user(first, case.pk)
    assert selectors.case_get_for_user(second, case.pk) == case
    assert not can_work_on_case(first, case)
    assert case.chronology.filter(summary=f"Reallocated from {first} to {second}").exists()
    assert GpLetter.objects.filter(case=case).count() == 1  # only the first allocation writes to the GP
    with pytest.raises(ValidationError):
        services.case_allocate(case=case, worker=second, actor=leader)


def test_allocating_past_the_caseload_limit_needs_a_reason(personas):
    leader, worker, manager = personas["team_leader"], personas["cate_worker"], personas["group_manager"]
    core_services.setting_update(key="caseload_limit", value=2, actor=manager, reason="Test limit")
    for _ in range(2):
        services.case_allocate(case=open_case(leader), worker=worker, actor=leader)
    third = open_case(leader)
    with pytest.raises(ValidationError) as exc:
        services.case_allocate(case=third, worker=worker, actor=leader)
    assert "already holds 2 cases and the limit is 2" in exc.value.message_dict["over_limit_reason"][0]
    allocation = services.case_allocate(
        case=third, worker=worker, actor=leader, over_limit_reason="Sibling of a case they hold"
    )
    assert allocation.over_limit_reason == "Sibling of a case they hold"
    third.refresh_from_db()
    assert third.chronology.filter(summary__contains="past the caseload limit: 2 of 2").exists()


def test_only_team_leaders_allocate_and_only_to_case_holders(personas, make_user):
    leader, worker = personas["team_leader"], personas["cate_worker"]
    case = open_case(leader)
    with pytest.raises(PermissionDenied):
        services.case_allocate(case=case, worker=worker, actor=worker)
    with pytest.raises(ValidationError):
        services.case_allocate(case=case, worker=personas["screener"], actor=leader)
    holder = make_user(Role.ADVISOR, case_holder=True)
    services.case_allocate(case=case, worker=holder, actor=leader)  # marked as a case holder


def test_caseload_counts_only_live_cases(personas):
    leader, worker = personas["team_leader"], personas["cate_worker"]
    for _ in range(3):
        services.case_allocate(case=open_case(leader), worker=worker, actor=leader)
    assert selectors.caseload_counts([worker.pk]) == {worker.pk: 3}
    rows = dict(selectors.case_holders_with_caseloads())
    assert rows[worker] == 3 and rows[personas["other_worker"]] == 0
    assert personas["screener"] not in rows


def test_each_change_of_who_may_see_the_case_is_recorded_with_who_and_why(personas):
    leader, first, second = personas["team_leader"], personas["cate_worker"], personas["other_worker"]
    case = open_case(leader)
    services.case_allocate(case=case, worker=first, actor=leader, reason="Capacity this week")
    given = case.chronology.get(kind=ChronologyKind.ALLOCATION, summary=f"{first} given access to the case")
    assert (given.recorded_by, given.detail) == (leader, "Capacity this week")
    assert_history(given, leader, f"{first} given access to the case")

    services.case_allocate(case=case, worker=second, actor=leader, reason="Worker on leave")
    removed = case.chronology.get(kind=ChronologyKind.ALLOCATION, summary=f"{first}'s access to the case removed")
    assert (removed.recorded_by, removed.detail) == (leader, f"Reallocated to {second}: Worker on leave")
    assert_history(removed, leader, f"{first}'s access to the case removed")
    given = case.chronology.get(kind=ChronologyKind.ALLOCATION, summary=f"{second} given access to the case")
    assert (given.recorded_by, given.detail) == (leader, "Worker on leave")
    assert_history(given, leader, f"{second} given access to the case")
    # The allocation itself stays the latest event of the change.
    assert case.chronology.first().summary == f"Reallocated from {first} to {second}"

import pytest

from tests.factories import AllocationFactory, CaseFactory, grant_case_access


@pytest.fixture
def leader(personas):
    return personas["team_leader"]


@pytest.fixture
def worker_case(personas):
    """A case allocated to the `cate_worker` persona, who can see and work on it."""
    case = CaseFactory(child__first_name="Testchild", child__last_name="Riskpanel", child__gp_practice="Riverside")
    AllocationFactory(case=case, worker=personas["cate_worker"], allocated_by=personas["team_leader"])
    case.allocated_worker = personas["cate_worker"]
    case.save(update_fields=["allocated_worker"])
    grant_case_access(case, personas["cate_worker"])
    return case

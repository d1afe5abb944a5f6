import pytest

from tests.factories import allocated_case


@pytest.fixture
def leader(personas):
    return personas["team_leader"]


@pytest.fixture
def worker(personas):
    return personas["cate_worker"]


@pytest.fixture
def case(leader, worker):
    """A case opened from a referral and allocated to the persona CATE worker."""
    return allocated_case(leader, worker)

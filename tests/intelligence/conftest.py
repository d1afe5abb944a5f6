import pytest

from core.roles import Role
from tests.factories import ChildFactory, PersonFactory, PlaceFactory, allocated_case


@pytest.fixture
def reviewer(make_user):
    return make_user(Role.INTELLIGENCE_REVIEWER, username="analyst")


@pytest.fixture
def police_reviewer(make_user, police_agency):
    return make_user(Role.INTELLIGENCE_REVIEWER, username="police_analyst", agency=police_agency)


@pytest.fixture
def police_partner(make_user, police_agency):
    return make_user(Role.PARTNER, username="pc", agency=police_agency)


@pytest.fixture
def health_partner(make_user, health_agency):
    return make_user(Role.PARTNER, username="nurse", agency=health_agency)


@pytest.fixture
def leader(make_user, cate_team):
    return make_user(Role.TEAM_LEADER, username="leader", team=cate_team)


@pytest.fixture
def worker(make_user, cate_team):
    return make_user(Role.CATE_WORKER, username="worker", team=cate_team)


@pytest.fixture
def other_worker(make_user, cate_team):
    return make_user(Role.CATE_WORKER, username="worker2", team=cate_team)


@pytest.fixture
def screener(make_user):
    return make_user(Role.SCREENER, username="screener")


@pytest.fixture
def case(leader, worker):
    return allocated_case(leader, worker)


@pytest.fixture
def person(reviewer):
    return PersonFactory(first_name="Dax", last_name="Vantor", created_by=reviewer)


@pytest.fixture
def place(reviewer):
    return PlaceFactory(name="Late-night takeaway", created_by=reviewer)


@pytest.fixture
def child(screener):
    return ChildFactory(first_name="Ellis", last_name="Brook", created_by=screener)

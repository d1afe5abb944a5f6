import pytest
from django.test import Client

from core.choices import AgencyKind
from core.roles import Role

from .factories import AgencyFactory, TeamFactory, UserFactory


@pytest.fixture
def council(db):
    return AgencyFactory(name="Children's Services", kind=AgencyKind.COUNCIL)


@pytest.fixture
def police_agency(db):
    return AgencyFactory(name="Police", kind=AgencyKind.POLICE)


@pytest.fixture
def health_agency(db):
    return AgencyFactory(name="Health", kind=AgencyKind.HEALTH)


@pytest.fixture
def cate_team(council):
    return TeamFactory(name="CATE team", agency=council)


@pytest.fixture
def make_user(db, council):
    def make(role: Role | None = None, **kwargs):
        return UserFactory(role=role, **kwargs)

    return make


@pytest.fixture
def personas(make_user, police_agency, health_agency, cate_team):
    """One user per persona of the permission matrix."""
    return {
        "advisor": make_user(Role.ADVISOR, username="p_advisor"),
        "screener": make_user(Role.SCREENER, username="p_screener"),
        "police": make_user(Role.PARTNER, username="p_police", agency=police_agency),
        "health": make_user(Role.PARTNER, username="p_health", agency=health_agency),
        "cate_worker": make_user(Role.CATE_WORKER, username="p_worker", team=cate_team),
        "other_worker": make_user(Role.CATE_WORKER, username="p_worker2", team=cate_team),
        "team_leader": make_user(Role.TEAM_LEADER, username="p_leader", team=cate_team),
        "group_manager": make_user(Role.GROUP_MANAGER, username="p_manager"),
        "panel_member": make_user(Role.PANEL_MEMBER, username="p_panel", agency=police_agency),
        "auditor": make_user(Role.AUDITOR, username="p_auditor"),
        "administrator": make_user(Role.ADMINISTRATOR, username="p_admin", is_staff=True),
    }


@pytest.fixture
def client_for():
    def make(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def rich_world(personas, make_user):
    """tests/world.py's world, with one more persona: a panel member not invited to its panel."""
    from .world import build_world

    personas = dict(personas)
    personas["panel_outsider"] = make_user(Role.PANEL_MEMBER, username="p_panel_out", agency=personas["health"].agency)
    world = build_world(personas)
    world.personas = personas
    return world

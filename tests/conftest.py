import pytest
from django.test import Client

from core.choices import AgencyKind
from core.roles import Role, sync_roles
from tests.databases import BOTH, on_database
from tests.factories import AgencyFactory, TeamFactory, UserFactory
from tests.personas import PERSONAS, SIGNED_IN


@pytest.fixture(params=BOTH)
def database(request):
    """The test runs on PostgreSQL and again on SQLite, the local run's database (tests/databases.py).
    A module using it marks itself `django_db(databases=BOTH)` and `usefixtures("database")`, so that
    every record the test makes is made on the database under test. Yields its vendor."""
    with on_database(request.param) as vendor:
        if request.param != "default":
            sync_roles()  # the roles' groups, which migrating made on the default database only
        yield vendor


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


def _make_persona(persona, make_user, agencies, team):
    return make_user(
        persona.role,
        username=persona.username,
        agency=agencies[persona.agency] if persona.agency else agencies["council"],
        **({"team": team} if persona.in_team else {}),
        **({"is_staff": True} if persona.is_staff else {}),
    )


@pytest.fixture
def personas(make_user, council, police_agency, health_agency, cate_team):
    """One user per persona of tests/personas.py (the rich world adds its own)."""
    agencies = {"council": council, "police": police_agency, "health": health_agency}
    return {
        persona.name: _make_persona(persona, make_user, agencies, cate_team)
        for persona in PERSONAS
        if persona.name in SIGNED_IN
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
    """The one world of tests/world.py, with the personas made for it alone (a panel member not invited)."""
    from .world import build_world

    personas = dict(personas)
    agencies = {"council": personas["advisor"].agency, "police": personas["police"].agency}
    agencies["health"] = personas["health"].agency
    for persona in PERSONAS:
        if persona.rich_world_only:
            personas[persona.name] = _make_persona(persona, make_user, agencies, None)
    return build_world(personas)

import os
from contextlib import contextmanager

import pytest
from django.db import connection
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


@pytest.fixture(scope="session")
def database_roles(django_db_setup, django_db_blocker):
    """The test database on an owner and an application role, set up as production does it
    (tests/database_roles.py). Yields the role names and URLs."""
    from django.db import connection

    from .database_roles import roles_for, set_up

    with django_db_blocker.unblock():
        roles = roles_for(connection.settings_dict)
        connection.close()  # no lock of this process is held while the owner takes the tables over
    set_up(roles)
    return roles


@pytest.fixture(scope="session", autouse=True)
def _application_role_session(request):
    """TEST_AS_APPLICATION_ROLE=1 runs the tests' database work as the application role."""
    if os.environ.get("TEST_AS_APPLICATION_ROLE"):
        request.getfixturevalue("database_roles")


@pytest.fixture(autouse=True)
def _application_role(request):
    """With TEST_AS_APPLICATION_ROLE=1, every test on the default database in a transaction (the
    `db` fixture) runs as the application role, so that any UPDATE or DELETE of a history row, or
    any TRUNCATE, that code makes is refused as it would be in production. Transactional tests are
    left as they are: their teardown empties every table, which only the owner may do."""
    if not os.environ.get("TEST_AS_APPLICATION_ROLE") or "db" not in request.fixturenames:
        yield
        return
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        yield
        return
    request.getfixturevalue("db")
    roles = request.getfixturevalue("database_roles")
    with as_role(roles.app):
        yield


@pytest.fixture
def as_application_role(db, database_roles):
    """The test's queries on the default database run as the application role (SET ROLE)."""
    with as_role(database_roles.app):
        yield database_roles


@contextmanager
def as_role(role: str):
    """Inside, the default connection acts as `role` (its privileges, not the superuser's)."""
    with connection.cursor() as cursor:
        cursor.execute('SET ROLE "{}"'.format(role.replace('"', '""')))
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET ROLE")
        except Exception:  # noqa: S110 - an aborted transaction is rolled back, and the role with it
            pass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.utils import DatabaseError

from core import audit
from core.models import AccessLog, Agency, Team
from core.roles import Role
from core.selectors import access_log_for_object

pytestmark = pytest.mark.django_db


def test_save_records_the_acting_user_and_reason(make_user):
    actor = make_user(Role.ADMINISTRATOR)
    agency = audit.save(Agency(name="Probation", kind="probation"), actor=actor, reason="New partner")
    agency.name = "Probation Service"
    audit.save(agency, actor=actor, reason="Renamed", update_fields=["name"])

    created, renamed = agency.history.order_by("history_date")
    assert (created.history_user, created.history_change_reason, created.history_type) == (actor, "New partner", "+")
    assert (renamed.history_user, renamed.history_change_reason, renamed.name) == (
        actor,
        "Renamed",
        "Probation Service",
    )


def test_a_change_without_an_actor_is_refused():
    with pytest.raises(ValueError, match="acting user"):
        audit.save(Agency(name="Housing", kind="housing"), actor=None, reason="x")
    assert not Agency.objects.filter(name="Housing").exists()


def test_bulk_writes_keep_history(make_user):
    actor = make_user(Role.ADMINISTRATOR)
    council = Agency.objects.get(name="Children's Services")
    teams = audit.bulk_create(
        Team, [Team(name=f"Locality {i}", agency=council) for i in range(3)], actor=actor, reason="Restructure"
    )
    assert (
        Team.history.filter(
            name__startswith="Locality", history_user=actor, history_change_reason="Restructure"
        ).count()
        == 3
    )
    for team in teams:
        team.is_active = False
    audit.bulk_save_change(Team, teams, ["is_active"], actor=actor, reason="Merged")
    assert Team.history.filter(history_change_reason="Merged", is_active=False).count() == 3


def test_a_bulk_change_moves_every_version_on_with_history(make_user):
    from tests.factories import ChildFactory

    actor = make_user()
    children = [ChildFactory(school="Old school") for _ in range(2)]
    versions = [child.version for child in children]
    for child in children:
        child.school = "New school"
    audit.bulk_save_change(type(children[0]), children, ["school"], actor=actor, reason="Schools merged")
    for child, version in zip(children, versions, strict=True):
        child.refresh_from_db()
        assert (child.school, child.version) == ("New school", version + 1)
        latest = child.history.order_by("-history_id").first()
        assert (latest.history_user, latest.history_change_reason, latest.version) == (
            actor,
            "Schools merged",
            version + 1,
        )


def test_the_system_user_is_named_and_cannot_sign_in():
    system = audit.system_user()
    assert system.username == "system" and system.is_system
    assert not system.is_active and not system.has_usable_password()
    assert audit.system_user() == system


def test_a_view_records_its_reader(make_user, client_for, rf):
    reader = make_user(Role.SCREENER)
    agency = Agency.objects.get(name="Children's Services")
    request = rf.get("/some/record/", REMOTE_ADDR="10.1.2.3")
    request.user = reader
    audit.log_access(request, agency)
    entry = access_log_for_object(agency).get()
    assert (entry.user, entry.object_id, entry.ip_address, entry.path) == (
        reader,
        str(agency.pk),
        "10.1.2.3",
        "/some/record/",
    )
    assert entry.content_type == ContentType.objects.get_for_model(Agency)


def test_the_access_log_cannot_be_changed_or_deleted_through_the_app(make_user, rf):
    request = rf.get("/")
    request.user = make_user(Role.SCREENER)
    entry = audit.log_access(request, Agency.objects.get(name="Children's Services"))
    entry.object_repr = "tampered"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert AccessLog.objects.get(pk=entry.pk).object_repr != "tampered"


def test_the_database_refuses_updates_and_deletes_of_the_access_log(make_user, rf):
    request = rf.get("/")
    request.user = make_user(Role.SCREENER)
    entry = audit.log_access(request, Agency.objects.get(name="Children's Services"))
    for statement in (
        "UPDATE core_accesslog SET object_repr = 'x' WHERE id = %s",
        "DELETE FROM core_accesslog WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    assert AccessLog.objects.filter(pk=entry.pk).exists()

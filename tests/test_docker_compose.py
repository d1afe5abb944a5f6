"""docker-compose.yml stays valid and in step with the settings (no Docker engine runs here)."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def load():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_the_production_shape_with_health_checks():
    services = load()["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert "healthcheck" in services[name], name
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]


def test_every_variable_compose_sets_is_read_by_the_settings():
    settings_source = "\n".join(p.read_text() for p in (ROOT / "config" / "settings").glob("*.py"))
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings_source)) | {"DJANGO_SETTINGS_MODULE"}
    for name in ("web", "worker", "beat"):
        environment = load()["services"][name]["environment"]
        unknown = set(environment) - read
        assert not unknown, f"{name} sets variables no setting reads: {unknown}"
    assert load()["services"]["web"]["environment"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"


def test_every_password_comes_from_the_environment_and_compose_refuses_to_start_without_it():
    """No password has a default or is written in the file: each is `${NAME:?message}`, which
    compose refuses to start without."""
    text = (ROOT / "docker-compose.yml").read_text()
    references = re.findall(r"\$\{([A-Z_]*PASSWORD[A-Z_]*)(:?[?-]?)([^}]*)\}", text)
    names = {name for name, _, _ in references}
    assert names == {"POSTGRES_PASSWORD", "DATABASE_OWNER_PASSWORD", "DATABASE_APP_PASSWORD"}
    for name, operator, message in references:
        assert operator == ":?" and message, f"${{{name}}} must be ${{{name}:?message}}"
    for user, password in re.findall(r"postgres(?:ql)?://([^:@/\s]+):([^@\s]*)@", text):
        assert re.fullmatch(r"\$\{[A-Z_]*PASSWORD:\?[^}]+\}", password), f"{user}'s password is written in the file"
    assert "POSTGRES_HOST_AUTH_METHOD" not in text  # no password-less PostgreSQL


def _database_user(url: str) -> str:
    return re.match(r"postgres(?:ql)?://([^:@/]+)[:@]", url).group(1)


def test_the_application_connects_as_its_own_role_and_migrate_as_the_owner():
    services = load()["services"]
    app_user = None
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert "DATABASE_OWNER_URL" not in environment and "DATABASE_ADMIN_URL" not in environment, name
        app_user = _database_user(environment["DATABASE_URL"])
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    migrate = services["migrate"]
    assert migrate["command"][:3] == ["python", "manage.py", "migrate"]
    owner_url = migrate["environment"]["DATABASE_OWNER_URL"]
    assert _database_user(owner_url) not in (app_user, services["postgres"]["environment"]["POSTGRES_USER"])
    assert owner_url.rsplit("/", 1)[1] == migrate["environment"]["DATABASE_URL"].rsplit("/", 1)[1]  # one database
    assert migrate["depends_on"]["db-roles"]["condition"] == "service_completed_successfully"
    roles = services["db-roles"]
    assert roles["command"] == ["python", "manage.py", "setup_database_roles"]
    assert roles["environment"]["DATABASE_OWNER_URL"] == owner_url
    assert "${POSTGRES_PASSWORD:?" in roles["environment"]["DATABASE_ADMIN_URL"]
    settings_source = (ROOT / "config" / "settings" / "base.py").read_text()
    assert 'env("DATABASE_OWNER_URL"' in settings_source

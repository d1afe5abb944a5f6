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

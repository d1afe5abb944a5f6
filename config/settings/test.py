"""The test suite: PostgreSQL and Redis on localhost."""

import os
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import DEVELOPMENT_APPS, INSTALLED_APPS, env

INSTALLED_APPS = [*INSTALLED_APPS, *DEVELOPMENT_APPS]


def _per_worker_redis(url: str) -> str:
    """Under pytest-xdist each worker (gw0, gw1, ...) gets a Redis database number of its own,
    counted on from the configured one, so the Celery tests of two workers never share a broker."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw") or not worker[2:].isdigit():
        return url
    parts = urlsplit(url)
    base = parts.path.strip("/")
    number = (int(base) if base.isdigit() else 0) + 1 + int(worker[2:])
    return urlunsplit(parts._replace(path=f"/{number % 16}"))


DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="test-only-insecure-key-not-for-production-use-0123456789")
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/cate")}
DATABASES["default"]["CONN_MAX_AGE"] = 0
CELERY_BROKER_URL = _per_worker_redis(env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0"))
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=False)
# Fast hashing for the many users tests create; Argon2 stays first in every real environment.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# A second database, SQLite, as the local run (config.settings.local) uses: tests that must hold on
# both databases run their queries there too, through tests/databases.py's router (which sends
# nothing there otherwise). Its tables are made from the models rather than by replaying every
# migration, which on SQLite takes minutes for each test process.
DATABASES["sqlite"] = {
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": ":memory:",
    "TEST": {"NAME": ":memory:", "MIGRATE": False},
}
DATABASE_ROUTERS = ["tests.databases.OnDatabase"]

# One single sign-on provider, which is not running (nothing listens on port 1): its pages answer
# as with a provider that is down. Tests of the sign-in itself start a real provider process and
# point OIDC_PROVIDERS at it (tests/sso/).
OIDC_PROVIDERS = {
    "council": {
        "label": "Council account",
        "issuer": "http://127.0.0.1:1",
        "client_id": "cate-pathway",
        "client_secret": "not-a-secret",
    }
}
OIDC_HTTP_TIMEOUT_SECONDS = 2

"""Runs on one machine with no servers: SQLite and an embedded (filesystem) Celery broker."""

from .base import *  # noqa: F403
from .base import BASE_DIR, DEVELOPMENT_APPS, INSTALLED_APPS, SILENCED_SYSTEM_CHECKS, env

INSTALLED_APPS = [*INSTALLED_APPS, *DEVELOPMENT_APPS]

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-only-insecure-key-not-for-production-use-0123456789")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=False)
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# Covering indexes (INCLUDE columns) are PostgreSQL's; on the SQLite run profile they are plain indexes.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "models.W040"]

_broker_dir = BASE_DIR / "var" / "broker"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("out", "processed"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

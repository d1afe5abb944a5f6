"""Runs on one machine with no servers: SQLite and an embedded (filesystem) Celery broker."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, DEVELOPMENT_APPS, INSTALLED_APPS, SILENCED_SYSTEM_CHECKS, STATIC_ROOT, env

INSTALLED_APPS = [*INSTALLED_APPS, *DEVELOPMENT_APPS]

# What users see: the styled error pages, not Django's debug pages (DJANGO_DEBUG=1 for those).
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-only-insecure-key-not-for-production-use-0123456789")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=False)
# E-mails are written to files (one per message) rather than to the console, so that no e-mail
# body (which can name a child) reaches the log of `make run`.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", default=BASE_DIR / "var" / "mail")
# With debug off, runserver serves no static files: WhiteNoise serves them straight from the
# sources (static/, the GOV.UK Frontend package), with no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # WhiteNoise looks there first, and warns when it is missing
# The demonstration letterhead: a neutral logo made for the demo (set LETTERHEAD_* for a council's own).
LETTERHEAD_ADDRESS = env("LETTERHEAD_ADDRESS", default="Civic Offices|1 Example Street|Exampletown|EX1 1AA")
LETTERHEAD_LOGO = env("LETTERHEAD_LOGO", default="letterhead/example-logo.png")
# Covering indexes (INCLUDE columns) are PostgreSQL's; on the SQLite run profile they are plain indexes.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "models.W040"]

_broker_dir = BASE_DIR / "var" / "broker"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("out", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        # The worker's control exchanges (kombu writes them to ./control unless told)
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

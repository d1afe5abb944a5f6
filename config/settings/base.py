"""Settings shared by every environment. Every value can be set from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

SERVICE_NAME = "CATE pathway"
ORGANISATION_NAME = env("ORGANISATION_NAME", default="Children's Services")
# The council's letterhead on letters (GP letters) and printed documents: its name, its postal
# address (lines separated by "|") and its logo (a PNG or JPEG among the static files, such as
# "letterhead/logo.png" in static/; empty for none). See core/letterhead.py.
LETTERHEAD_NAME = env("LETTERHEAD_NAME", default=ORGANISATION_NAME)
LETTERHEAD_ADDRESS = env("LETTERHEAD_ADDRESS", default="")
LETTERHEAD_LOGO = env("LETTERHEAD_LOGO", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "guardian",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "core",
    "contacts",
    "cate",
    "riskpanel",
    "network",
    "reporting",
    "imports",
]
# The development data (the generator and the demo records) is installed by the local and test
# settings only: production has no demo seed and no generator.
DEVELOPMENT_APPS = ["devdata"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.PrivatePagesNotCachedMiddleware",
    "core.middleware.IdleTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "core.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.SingleSignOnRecheckMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.service",
            ],
            "builtins": ["core.templatetags.govuk"],
        },
    }
]
FORM_RENDERER = "core.forms.GovukFormRenderer"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
# PostgreSQL with two roles (core/database_roles.py): DATABASE_URL is the application role the web
# app, the worker and the scheduler connect as; DATABASE_OWNER_URL the owner that `migrate` logs in
# as (the same database). Unset, DATABASE_URL serves both, and `check --deploy` warns.
DATABASE_OWNER_URL = env("DATABASE_OWNER_URL", default="")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "core.backends.LocalPasswordBackend",
    "core.backends.SingleSignOnBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# Two-factor sign-in (TOTP). Enforced for every staff account in production.
OTP_REQUIRED = env.bool("OTP_REQUIRED", default=True)
OTP_TOTP_ISSUER = SERVICE_NAME
OTP_RECOVERY_CODE_COUNT = 10
# Should a device admin ever be registered again, it hides the secrets and the recovery codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Links e-mailed to a person to set their own password or authenticator (core.accounts) work once,
# within this many hours; after an administrator changes someone's e-mail address, none is sent to
# it, nor works, for ACCOUNT_EMAIL_CHANGE_HOLD_HOURS (the old address is told of the change).
PASSWORD_RESET_TIMEOUT = env.int("ACCOUNT_LINK_HOURS", default=24) * 3600
ACCOUNT_EMAIL_CHANGE_HOLD_HOURS = env.int("ACCOUNT_EMAIL_CHANGE_HOLD_HOURS", default=24)

# Sensitive actions (restricting a child, merging, roles and teams, exports naming children) ask for
# the password and a current code again when the last check is older than this (core.reauth).
REAUTH_FRESH_MINUTES = env.int("REAUTH_FRESH_MINUTES", default=15)
# Single sign-on through identity providers (OpenID Connect; core/oidc.py, README "Single sign-on").
# JSON {key: {"label", "issuer", "client_id", "client_secret" (or OIDC_<KEY>_CLIENT_SECRET),
# "scopes", "groups_claim", "agency", "mfa_amr", "mfa_acr", "discovery_url"}}; empty: password only.
OIDC_PROVIDERS = env.json("OIDC_PROVIDERS", default={})
# How often a signed-in provider user's account and groups are checked again during a session.
OIDC_RECHECK_MINUTES = env.int("OIDC_RECHECK_MINUTES", default=15)
OIDC_HTTP_TIMEOUT_SECONDS = env.int("OIDC_HTTP_TIMEOUT_SECONDS", default=5)
# Where a stale session confirms who it is: the service's own page, or with single sign-on a page
# that sends a provider's user to their provider to sign in again (and anyone else to the password).
REAUTH_URL = env.str("REAUTH_URL", default="core:sso_reauth" if OIDC_PROVIDERS else "core:reauth")

# Sign-in lockout (django-axes, with the rules of core/lockout.py; docs/operations.md).
# A username is locked from one address after AXES_FAILURE_LIMIT failures there, for
# AXES_COOLOFF_MINUTES, doubling with every further failure up to SIGNIN_COOLOFF_MAX_HOURS: locked
# per username and address together, so nobody can lock a colleague out from somewhere else.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
SIGNIN_COOLOFF_FIRST = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
SIGNIN_COOLOFF_MAX = timedelta(hours=env.int("SIGNIN_COOLOFF_MAX_HOURS", default=24))
AXES_COOLOFF_TIME = SIGNIN_COOLOFF_MAX  # how long failures are remembered
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# An address from which SIGNIN_ADDRESS_USERNAME_LIMIT different usernames failed within the window
# is throttled for every username (password spraying). A council office reaching the service
# through one address is listed in SIGNIN_TRUSTED_NETWORKS and has a higher limit, not none.
SIGNIN_ADDRESS_USERNAME_LIMIT = env.int("SIGNIN_ADDRESS_USERNAME_LIMIT", default=10)
SIGNIN_TRUSTED_NETWORK_USERNAME_LIMIT = env.int("SIGNIN_TRUSTED_NETWORK_USERNAME_LIMIT", default=40)
SIGNIN_ADDRESS_WINDOW = timedelta(minutes=env.int("SIGNIN_ADDRESS_WINDOW_MINUTES", default=30))
SIGNIN_TRUSTED_NETWORKS = env.list("SIGNIN_TRUSTED_NETWORKS", default=[])
# The client's address: the connecting one, unless that is one of TRUSTED_PROXIES, whose
# CLIENT_IP_HEADER (e.g. X-Forwarded-For) then names it. Both empty: no header is believed.
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="")
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
AXES_CLIENT_IP_CALLABLE = "core.lockout.client_ip_address"
AXES_HANDLER = "core.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "core.lockout.lockout_response"
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# A try while held back is refused and not counted, so it neither lengthens the wait nor doubles it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
SILENCED_SYSTEM_CHECKS: list[str] = []
AXES_ENABLE_ADMIN = True

# Sessions: idle timeout, renewed on every request.
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
SESSION_COOKIE_AGE = (
    env.int("SESSION_MAX_AGE_HOURS", default=12) * 3600
)  # absolute cap; idle timeout in core.middleware
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="cate-pathway@localhost")
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# The public anonymous referral form (contacts.limits): reports one address may send in the window,
# and the fewest seconds a person takes to fill it in (quicker is a machine).
ANONYMOUS_FORM_LIMIT = env.int("ANONYMOUS_FORM_LIMIT", default=5)
ANONYMOUS_FORM_WINDOW_MINUTES = env.int("ANONYMOUS_FORM_WINDOW_MINUTES", default=60)
ANONYMOUS_FORM_MIN_SECONDS = env.int("ANONYMOUS_FORM_MIN_SECONDS", default=3)

# Background jobs act as this account.
SYSTEM_USERNAME = "system"

# Celery: Redis broker in production and tests; see local.py for the embedded default.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / "var" / "celerybeat-schedule")
)
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "core.tasks.clear_expired_sessions",
        "schedule": timedelta(hours=env.int("JOB_CLEAR_SESSIONS_HOURS", default=6)),
    },
    "retry-notification-emails": {
        "task": "core.tasks.retry_notification_emails",
        "schedule": timedelta(minutes=env.int("JOB_RETRY_EMAILS_MINUTES", default=10)),
    },
    "retry-referrer-messages": {
        "task": "contacts.tasks.send_referrer_messages",
        "schedule": timedelta(minutes=env.int("JOB_RETRY_EMAILS_MINUTES", default=10)),
    },
    "record-same-name-sets": {
        "task": "contacts.tasks.record_same_name_sets",
        "schedule": timedelta(minutes=env.int("JOB_SAME_NAME_SETS_MINUTES", default=10)),
    },
    "alert-digest": {
        "task": "core.tasks.send_alert_digest",
        "schedule": crontab(hour=env.int("ALERT_DIGEST_HOUR", default=7), minute=0),
    },
}

# Timescale alert jobs (core.alerts): how often each rule runs, in minutes. The return home
# interview rule runs at least every 15 minutes.
ALERT_JOB_MINUTES = {
    "rhi": min(env.int("ALERT_RHI_MINUTES", default=15), 15),
    "contact_decision": env.int("ALERT_CONTACT_DECISION_MINUTES", default=30),
    "mace_response": env.int("ALERT_MACE_MINUTES", default=30),
    "early_help_follow_up": env.int("ALERT_EARLY_HELP_MINUTES", default=60),
    "detailed_assessment": env.int("ALERT_ASSESSMENT_MINUTES", default=60),
    "allocation": env.int("ALERT_ALLOCATION_MINUTES", default=30),
    "nrm_referral": env.int("ALERT_NRM_MINUTES", default=60),
    "gp_letter": env.int("ALERT_GP_LETTER_MINUTES", default=60),
    "first_panel": env.int("ALERT_FIRST_PANEL_MINUTES", default=60),
    "panel_review": env.int("ALERT_PANEL_REVIEW_MINUTES", default=60),
    "strategy_meeting": env.int("ALERT_STRATEGY_MEETING_MINUTES", default=60),
    "safety_plan_review": env.int("ALERT_SAFETY_PLAN_MINUTES", default=60),
    "visits": env.int("ALERT_VISITS_MINUTES", default=60),
    "transition": env.int("ALERT_TRANSITION_MINUTES", default=240),
    "actions": env.int("ALERT_ACTIONS_MINUTES", default=60),
    "network_release": env.int("ALERT_NETWORK_RELEASE_MINUTES", default=240),
    "network_awn": env.int("ALERT_NETWORK_AWN_MINUTES", default=240),
    "network_link": env.int("ALERT_NETWORK_LINK_MINUTES", default=10),
    "network_sti_screening": env.int("ALERT_NETWORK_STI_MINUTES", default=30),
    "threshold_review": env.int("ALERT_THRESHOLD_REVIEW_MINUTES", default=10),
    "same_name_records": env.int("ALERT_SAME_NAME_MINUTES", default=10),
    "missing_from_home": min(env.int("ALERT_MISSING_FROM_HOME_MINUTES", default=10), 15),
    "missing_cse_link": env.int("ALERT_MISSING_CSE_LINK_MINUTES", default=30),
    "support_reoffer": env.int("ALERT_SUPPORT_REOFFER_MINUTES", default=240),
    "sexual_health_check": env.int("ALERT_SEXUAL_HEALTH_MINUTES", default=60),
}
for _rule, _minutes in ALERT_JOB_MINUTES.items():
    CELERY_BEAT_SCHEDULE[f"alerts-{_rule}"] = {
        "task": "core.tasks.run_alert_rule",
        "schedule": timedelta(minutes=_minutes),
        "args": (_rule,),
        "options": {"expires": _minutes * 60},
    }

# One line per refused request (400, 403, 404, 405: no traceback), the traceback of a 500 kept
# (core/logs.py). Django's own handlers are replaced by the console: no duplicate lines, and no
# error e-mails to ADMINS carrying a request's content. Nothing logs an e-mail body or case content.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals_on_one_line": {"()": "core.logs.RefusalsOnOneLine"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["refusals_on_one_line"]}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True

# Content-Security-Policy (django-csp): no inline scripts or styles anywhere.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# Permissions-Policy (django-permissions-policy): the service uses none of the browser's powerful
# features, so every one of them is denied to the page and to anything it might frame. Allow a
# feature here only when a page starts to use it (a passkey sign-in would need the
# publickey-credentials ones).
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "captured-surface-control",
        "clipboard-read",
        "compute-pressure",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "gamepad",
        "geolocation",
        "gyroscope",
        "hid",
        "identity-credentials-get",
        "idle-detection",
        "interest-cohort",
        "keyboard-map",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "otp-credentials",
        "payment",
        "picture-in-picture",
        "publickey-credentials-create",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "speaker-selection",
        "storage-access",
        "sync-xhr",
        "usb",
        "web-share",
        "window-management",
        "xr-spatial-tracking",
    )
}

"""Production: PostgreSQL, Redis, HTTPS. Refuses to start without a secret key and allowed hosts."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a random value of at least 50 characters.")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the host names this service answers to.")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL in production.")

OTP_REQUIRED = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

# Documents in an S3-compatible object store (MinIO in docker-compose.yml, or a cloud store) when
# DOCUMENTS_S3_BUCKET is set; otherwise the folder DOCUMENTS_ROOT (base.py). Objects are private
# (no ACL, no public URL: documents.views stream them) and encrypted at rest by the store:
# DOCUMENTS_S3_ENCRYPTION is the ServerSideEncryption asked for ("AES256", "aws:kms" with
# DOCUMENTS_S3_KMS_KEY_ID; empty for a store that encrypts everything itself and takes no header).
DOCUMENTS_S3_BUCKET = env("DOCUMENTS_S3_BUCKET", default="")
if DOCUMENTS_S3_BUCKET:
    _encryption = env("DOCUMENTS_S3_ENCRYPTION", default="AES256")
    _object_parameters = {"ServerSideEncryption": _encryption} if _encryption else {}
    if _encryption == "aws:kms" and env("DOCUMENTS_S3_KMS_KEY_ID", default=""):
        _object_parameters["SSEKMSKeyId"] = env("DOCUMENTS_S3_KMS_KEY_ID")
    STORAGES["documents"] = {  # noqa: F405
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": DOCUMENTS_S3_BUCKET,
            "endpoint_url": env("DOCUMENTS_S3_ENDPOINT_URL", default=None),
            "region_name": env("DOCUMENTS_S3_REGION", default=None),
            "access_key": env("DOCUMENTS_S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("DOCUMENTS_S3_SECRET_ACCESS_KEY", default=None),
            "location": "documents",
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "object_parameters": _object_parameters,
        },
    }

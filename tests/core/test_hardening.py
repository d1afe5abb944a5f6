"""Hardening of DESIGN.md §4 / issue 8 point 4: headers, cookies, two-factor, no caching of private pages."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from core.roles import Role
from tests.test_settings_modules import PRODUCTION, manage

pytestmark = pytest.mark.django_db


def test_production_settings_harden_cookies_transport_and_sign_in():
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'session_secure': s.SESSION_COOKIE_SECURE, 'session_httponly': s.SESSION_COOKIE_HTTPONLY,"
        "'csrf_secure': s.CSRF_COOKIE_SECURE, 'csrf_httponly': s.CSRF_COOKIE_HTTPONLY,"
        "'hsts': s.SECURE_HSTS_SECONDS, 'ssl_redirect': s.SECURE_SSL_REDIRECT,"
        "'frame': s.X_FRAME_OPTIONS, 'referrer': s.SECURE_REFERRER_POLICY, 'otp': s.OTP_REQUIRED,"
        "'idle': s.SESSION_IDLE_TIMEOUT_MINUTES, 'hasher': s.PASSWORD_HASHERS[0],"
        "'lockout': s.AXES_FAILURE_LIMIT, 'debug': s.DEBUG}))"
    )
    result = manage("shell", "-c", script, env_overrides=PRODUCTION, settings_module="config.settings.production")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["session_secure"] and values["session_httponly"]
    assert values["csrf_secure"] and values["csrf_httponly"]
    assert values["hsts"] >= 31536000 and values["ssl_redirect"]
    assert values["frame"] == "DENY" and values["referrer"] == "same-origin"
    assert values["otp"] is True, "two-factor sign-in is required for every staff account in production"
    assert values["idle"] == 30 and values["hasher"].endswith("Argon2PasswordHasher")
    assert values["lockout"] == 5 and values["debug"] is False


def test_every_response_carries_the_security_headers(make_user, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    client = Client()
    client.force_login(make_user(Role.SCREENER))
    response = client.get(reverse("core:home"), secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp


def test_pages_of_a_signed_in_user_are_never_cached(make_user):
    client = Client()
    client.force_login(make_user(Role.SCREENER))
    cache_control = client.get(reverse("core:home"))["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


# The browser features the service never uses, each of which a Permissions-Policy must deny.
DENIED_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb", "serial", "bluetooth", "hid", "midi")


def test_a_production_response_sends_the_permissions_policy_with_the_other_security_headers():
    """The sign-in page answered by the production settings (over HTTPS, as behind the proxy), its
    headers read back. Only the static files' manifest, which `collectstatic` writes at deploy, is
    swapped for the plain storage."""
    script = (
        "import json; from django.conf import settings; from django.test import Client, override_settings; "
        "from django.urls import reverse; "
        "storages = {**settings.STORAGES, 'staticfiles': "
        "{'BACKEND': 'django.contrib.staticfiles.storage.StaticFilesStorage'}}; "
        "r = override_settings(STORAGES=storages)(lambda: Client(HTTP_HOST='cate.council.example')"
        ".get(reverse('core:login'), secure=True))(); "
        "print(json.dumps({'status': r.status_code, 'headers': dict(r.headers)}))"
    )
    result = manage("shell", "-c", script, env_overrides=PRODUCTION, settings_module="config.settings.production")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 200
    headers = {name.lower(): value for name, value in answer["headers"].items()}
    policy = dict(part.strip().split("=", 1) for part in headers["permissions-policy"].split(","))
    for feature in DENIED_FEATURES:
        assert policy.get(feature) == "()", f"{feature} is not denied: {headers['permissions-policy']}"
    assert all(allowlist == "()" for allowlist in policy.values()), "the service allows no browser feature"
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert "no-store" in headers["cache-control"] or "max-age=0" in headers["cache-control"]


def test_every_page_sends_the_permissions_policy(make_user):
    client = Client()
    client.force_login(make_user(Role.SCREENER))
    for url in (reverse("core:login"), reverse("core:home")):
        policy = client.get(url)["Permissions-Policy"]
        assert "camera=()" in policy and "microphone=()" in policy and "geolocation=()" in policy, url

"""Who may sign in how.

`LocalPasswordBackend` is Django's password check, refused for an account linked to an identity
provider: such a person signs in through their provider only, so that a leaver their organisation
switched off cannot come back with a local password. Break-glass administrators and installations
without a provider keep the password with TOTP.

`SingleSignOnBackend` never checks a password; it is the backend a provider's sign-in logs the user
in with (core/sso.py) and reads them back on every request.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend


class LocalPasswordBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and user.external_identities.exists():
            return None
        return user


class SingleSignOnBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        return None

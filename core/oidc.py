"""OpenID Connect with the identity providers of OIDC_PROVIDERS (authlib's client).

The authorization code flow with PKCE (S256), `state` and `nonce`: the state, the code verifier and
the nonce are kept in the session under the state (authlib) and used once, so a replayed callback
finds nothing. The ID token's signature is checked against the provider's published keys (fetched
again once when a key id is unknown), and its issuer (exactly the configured one, which the
provider's discovery document must name too), audience (our client id; another audience only with
`azp` ours), expiry and issue time, and nonce. Anything else is refused with `SignInRefused`; a
provider that cannot be reached raises `ProviderUnavailable`.

This module speaks the protocol only; who the person is and what they may do is core/sso.py.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from functools import lru_cache

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoIntegration, DjangoOAuth2App
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.http import Http404
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

LEEWAY_SECONDS = 60
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"


class ProviderUnavailable(Exception):
    """The provider did not answer (or answered nonsense): its sign-in cannot be used just now."""


class SignInRefused(Exception):
    """The provider's answer is not one we accept; the message is for the person."""


@dataclass(frozen=True)
class Provider:
    key: str
    label: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: str = "openid profile email"
    groups_claim: str = "groups"
    agency: str = ""
    mfa_amr: tuple[str, ...] = ("mfa",)
    mfa_acr: tuple[str, ...] = ()
    discovery_url: str = ""

    @property
    def metadata_url(self) -> str:
        return self.discovery_url or f"{self.issuer.rstrip('/')}/.well-known/openid-configuration"

    def asserts_mfa(self, claims: dict) -> bool:
        """Whether the ID token says the person signed in with more than one factor."""
        amr = claims.get("amr") or []
        amr = [amr] if isinstance(amr, str) else amr
        return bool(set(amr) & set(self.mfa_amr)) or (bool(self.mfa_acr) and claims.get("acr") in self.mfa_acr)


def _provider(key: str, config: dict) -> Provider:
    secret = config.get("client_secret") or os.environ.get(f"OIDC_{key.upper()}_CLIENT_SECRET", "")
    return Provider(
        key=key,
        label=config.get("label") or key,
        issuer=config["issuer"],
        client_id=config["client_id"],
        client_secret=secret,
        scopes=config.get("scopes") or "openid profile email",
        groups_claim=config.get("groups_claim") or "groups",
        agency=config.get("agency") or "",
        mfa_amr=tuple(config.get("mfa_amr") or ("mfa",)),
        mfa_acr=tuple(config.get("mfa_acr") or ()),
        discovery_url=config.get("discovery_url") or "",
    )


def providers() -> list[Provider]:
    return [_provider(key, config) for key, config in settings.OIDC_PROVIDERS.items()]


def provider_or_none(key: str) -> Provider | None:
    config = settings.OIDC_PROVIDERS.get(key)
    return _provider(key, config) if isinstance(config, dict) else None


def provider_or_404(key: str) -> Provider:
    found = provider_or_none(key)
    if found is None:
        raise Http404("No such sign-in provider")
    return found


@lru_cache(maxsize=32)
def _app(provider: Provider) -> DjangoOAuth2App:
    """authlib's client of `provider` (its discovery document and keys are cached on it)."""
    return DjangoOAuth2App(
        DjangoIntegration(provider.key),
        name=provider.key,
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        server_metadata_url=provider.metadata_url,
        client_kwargs={
            "scope": provider.scopes,
            "code_challenge_method": "S256",
            "default_timeout": settings.OIDC_HTTP_TIMEOUT_SECONDS,
        },
    )


def metadata(provider: Provider) -> dict:
    app = _app(provider)
    try:
        found = app.load_server_metadata()
    except (requests.RequestException, ValueError) as exc:
        app.server_metadata.pop("_loaded_at", None)
        raise ProviderUnavailable(str(exc)) from exc
    if found.get("issuer", "").rstrip("/") != provider.issuer.rstrip("/"):
        raise ProviderUnavailable(f"The discovery document names the issuer {found.get('issuer')!r}")
    return found


# --- Starting --------------------------------------------------------------------------------


def authorization_url(request, provider: Provider, *, redirect_uri: str, purpose: str, next_url: str) -> str:
    """The provider's sign-in page for `purpose` ("sign_in" or "reauth": the latter with
    prompt=login and max_age=0, so the person proves who they are there again)."""
    meta = metadata(provider)
    app = _app(provider)
    extra = {"prompt": "login", "max_age": 0} if purpose == "reauth" else {}
    started = int(time.time())
    found = app.create_authorization_url(redirect_uri, nonce=generate_token(32), **extra)
    if not meta.get("authorization_endpoint"):
        raise ProviderUnavailable("No authorization endpoint")
    app.save_authorize_data(
        request,
        redirect_uri=redirect_uri,
        provider=provider.key,
        purpose=purpose,
        next=next_url,
        started=started,
        **found,
    )
    return found["url"]


# --- Finishing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Completed:
    claims: dict
    token: dict
    purpose: str
    next_url: str
    started: int


def complete(request, provider: Provider) -> Completed:
    """Check the provider's answer at the callback and exchange the code: the validated ID token's
    claims (with the userinfo's groups when the ID token carries none)."""
    app = _app(provider)
    state = request.GET.get("state") or ""
    data = app.framework.get_state_data(request.session, state) if state else None
    if not data or data.get("provider") != provider.key:
        raise SignInRefused("This sign-in has already been used or has expired. Start again.")
    if request.GET.get("error"):
        app.framework.clear_state_data(request.session, state)
        raise SignInRefused(f"{provider.label} did not sign you in. Start again, or ask your IT service desk.")
    meta = metadata(provider)
    try:
        token = app.authorize_access_token(
            request,
            leeway=LEEWAY_SECONDS,
            claims_options={
                "iss": {"essential": True, "values": [meta["issuer"]]},
                "aud": {"essential": True, "values": [provider.client_id]},
                "sub": {"essential": True},
                "exp": {"essential": True},
                "iat": {"essential": True},
            },
        )
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(str(exc)) from exc
    except (OAuthError, JoseError) as exc:
        raise SignInRefused(_refusal()) from exc
    finally:
        app.framework.clear_state_data(request.session, state)
    if "id_token" not in token or "userinfo" not in token:
        raise SignInRefused(_refusal())
    claims = dict(token["userinfo"])
    check_claims(provider, claims, issuer=meta["issuer"])
    return Completed(
        claims=claims,
        token={k: token.get(k) for k in ("id_token", "access_token", "refresh_token", "expires_at")},
        purpose=data.get("purpose", "sign_in"),
        next_url=data.get("next") or "",
        started=int(data.get("started") or 0),
    )


def _refusal() -> str:
    return "The sign-in could not be checked, so it was refused. Start again."


def check_claims(provider: Provider, claims: dict, *, issuer: str) -> None:
    """Our own check of what authlib checked, so that no option of a library can loosen it."""
    now = time.time()
    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else list(aud or [])
    ok = (
        claims.get("iss") == issuer
        and issuer.rstrip("/") == provider.issuer.rstrip("/")
        and provider.client_id in audiences
        and (len(audiences) == 1 or claims.get("azp") == provider.client_id)
        and (claims.get("azp") in (None, provider.client_id))
        and isinstance(claims.get("exp"), int | float)
        and claims["exp"] > now - LEEWAY_SECONDS
        and isinstance(claims.get("iat"), int | float)
        and claims["iat"] < now + LEEWAY_SECONDS
        and isinstance(claims.get("sub"), str)
        and 0 < len(claims["sub"]) <= 255
    )
    if not ok:
        raise SignInRefused(_refusal())


# --- During the session ----------------------------------------------------------------------


def _session(provider: Provider, token: dict | None = None) -> OAuth2Session:
    return OAuth2Session(
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        token=token,
        default_timeout=settings.OIDC_HTTP_TIMEOUT_SECONDS,
    )


def current_claims(provider: Provider, token: dict, *, subject: str) -> tuple[dict, dict]:
    """Ask the provider again about a signed-in person: a refresh of the tokens (refused by the
    provider for a switched-off account) and the user's claims now, from the new ID token or the
    userinfo endpoint. Returns (claims, new token); raises SignInRefused when the provider no longer
    vouches for them and ProviderUnavailable when it cannot be asked."""
    meta = metadata(provider)
    try:
        with _session(provider) as session:
            if token.get("refresh_token"):
                fresh = session.refresh_token(meta["token_endpoint"], refresh_token=token["refresh_token"])
            else:
                fresh = dict(token)
            fresh = dict(fresh)
            fresh.setdefault("refresh_token", token.get("refresh_token"))
            claims = None
            if fresh.get("id_token"):
                claims = verify_jwt(provider, fresh["id_token"])
            if claims is None or provider.groups_claim not in claims:
                with _session(provider, token={"access_token": fresh["access_token"], "token_type": "Bearer"}) as api:
                    response = api.get(meta["userinfo_endpoint"])
                if response.status_code in (400, 401, 403):
                    raise SignInRefused("Your organisation no longer signs you in to this service.")
                response.raise_for_status()
                claims = {**(claims or {}), **response.json()}
    except OAuthError as exc:
        raise SignInRefused("Your organisation no longer signs you in to this service.") from exc
    except (requests.RequestException, ValueError, KeyError) as exc:
        raise ProviderUnavailable(str(exc)) from exc
    if claims.get("sub") != subject:
        raise SignInRefused("The provider answered for someone else.")
    kept = {k: fresh.get(k) for k in ("id_token", "access_token", "refresh_token", "expires_at")}
    if not kept["id_token"]:
        kept["id_token"] = token.get("id_token")
    return claims, kept


def verify_jwt(provider: Provider, value: str) -> dict:
    """A JWT from `provider` (an ID token after a refresh, a logout token): its signature against
    the provider's keys, its issuer and audience; returns its claims or raises SignInRefused."""
    meta = metadata(provider)
    app = _app(provider)
    algorithms = meta.get("id_token_signing_alg_values_supported") or ["RS256"]
    registry = JWSRegistry(algorithms=[a for a in algorithms if a != "none"])
    try:
        try:
            decoded = jwt.decode(value, KeySet.import_key_set(app.fetch_jwk_set()), registry=registry)
        except InvalidKeyIdError:
            decoded = jwt.decode(value, KeySet.import_key_set(app.fetch_jwk_set(force=True)), registry=registry)
    except requests.RequestException as exc:
        raise ProviderUnavailable(str(exc)) from exc
    except (JoseError, ValueError, TypeError) as exc:
        raise SignInRefused(_refusal()) from exc
    claims = dict(decoded.claims)
    # A logout token has no expiry of its own: it must be recent.
    claims_for_check = claims if "exp" in claims else {**claims, "exp": claims.get("iat", 0) + 5 * 60}
    check_claims(provider, claims_for_check, issuer=meta["issuer"])
    return claims


def logout_url(provider: Provider, *, id_token: str, post_logout_redirect_uri: str) -> str | None:
    """The provider's end-session page (RP-initiated logout), or None when it offers none or
    cannot be reached (the local session ends either way)."""
    try:
        meta = metadata(provider)
    except ProviderUnavailable:
        return None
    if not meta.get("end_session_endpoint"):
        return None
    found = _app(provider).create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri, id_token_hint=id_token, client_id=provider.client_id
    )
    return found["url"]


def logout_token_claims(provider: Provider, value: str) -> dict:
    """A back-channel logout token (OpenID Connect Back-Channel Logout 1.0 §2.6): signed by the
    provider, for us, recent, with the logout event, a `sub` or `sid`, a `jti`, and no nonce (that
    it was not sent before is `core.sso.backchannel_logout`'s to check)."""
    claims = verify_jwt(provider, value)
    events = claims.get("events")
    if (
        not isinstance(events, dict)
        or BACKCHANNEL_EVENT not in events
        or "nonce" in claims
        or not (claims.get("sub") or claims.get("sid"))
        or not isinstance(claims.get("jti"), str)
        or not claims["jti"]
        or not isinstance(claims.get("iat"), int | float)
        or claims["iat"] < time.time() - 5 * 60
    ):
        raise SignInRefused("Not a logout token")
    return claims

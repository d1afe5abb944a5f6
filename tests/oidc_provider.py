"""A real OpenID Connect provider for the single sign-on tests: oidc-provider-mock (authlib's
provider, Flask) in a process of its own on a free port of 127.0.0.1, so that parallel test
workers (pytest-xdist) each start their own.

Run as a script by `ProviderProcess.start()`: it signs with the RSA key the test wrote to a file (so
that a test can forge tokens the provider would have signed: another audience, expired), prints its
port, and adds one test hook, `PUT /_test/tamper` {"mode": ...}, which alters the next ID token the
token endpoint issues before it leaves the provider:

    forged        the same claims signed with another key (same key id)
    wrong_aud     signed by the provider for another client
    expired       signed by the provider, expired ten minutes ago
    wrong_iss     signed by the provider, naming another issuer
    wrong_nonce   signed by the provider, with another nonce

Everything else is the provider's own behaviour: discovery, keys, the authorization form
(`sub` posted), the code exchange, refresh, userinfo, end-session; `PUT /users/<sub>` sets a user's
claims (groups, amr, email) and `POST /users/<sub>/revoke-tokens` makes the provider refuse them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests
from joserfc import jwt
from joserfc.jwk import RSAKey

KID = "test-provider-key"


def new_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": KID, "alg": "RS256", "use": "sig"}, private=True)


class ProviderProcess:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.key = new_key()
        self.process: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> ProviderProcess:
        key_file = self.workdir / "provider-key.json"
        key_file.write_text(json.dumps(self.key.as_dict(private=True)))
        env = {**os.environ, "AUTHLIB_INSECURE_TRANSPORT": "1", "PYTHONWARNINGS": "ignore"}
        self.process = subprocess.Popen(
            [sys.executable, __file__, str(key_file)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            text=True,
        )
        port = self.process.stdout.readline().strip()
        if not port.isdigit():
            self.stop()
            raise RuntimeError("The test identity provider did not start")
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/.well-known/openid-configuration", timeout=1).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("The test identity provider did not answer")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    # --- What a test does at the provider ---------------------------------------------------

    def set_user(self, sub: str, **claims) -> None:
        requests.put(f"{self.url}/users/{sub}", json=claims, timeout=5).raise_for_status()

    def revoke(self, sub: str) -> None:
        requests.post(f"{self.url}/users/{sub}/revoke-tokens", timeout=5).raise_for_status()

    def tamper_next(self, mode: str) -> None:
        requests.put(f"{self.url}/_test/tamper", json={"mode": mode}, timeout=5).raise_for_status()

    def last_pkce(self) -> str:
        """Whether the provider's last code exchange passed PKCE ("verified" or "failed")."""
        return requests.get(f"{self.url}/_test/pkce", timeout=5).json()["result"]

    def authorize(self, authorization_url: str, sub: str) -> str:
        """The person signs in at the provider as `sub`: the URL it sends them back to."""
        response = requests.post(authorization_url, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]

    def sign(self, claims: dict, *, key: RSAKey | None = None) -> str:
        return jwt.encode({"alg": "RS256", "kid": KID}, claims, key or self.key)


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- The provider process ----------------------------------------------------------------------


def _serve(key_file: str) -> None:  # pragma: no cover - runs in the provider's own process
    import warnings

    warnings.simplefilter("ignore")
    import flask
    import oidc_provider_mock
    import oidc_provider_mock._app as provider_app
    import werkzeug.serving
    from authlib.jose import JsonWebKey
    from joserfc import jwt as jose_jwt

    private = json.loads(Path(key_file).read_text())

    class KeyedStorage(provider_app.Storage):
        def __init__(self):
            super().__init__()
            self.jwk = JsonWebKey.import_key(private)

    provider_app.Storage = KeyedStorage
    app = oidc_provider_mock.app()
    state = {"mode": ""}
    signing = RSAKey.import_key(private)

    @app.put("/_test/tamper")
    def tamper():
        state["mode"] = (flask.request.get_json(silent=True) or {}).get("mode", "")
        return "", 204

    # PKCE, as Entra ID and other providers enforce it (the mock does not): the code's S256
    # challenge is kept when the code is issued and the token request's verifier must match it.
    challenges: dict[str, str] = {}

    @app.after_request
    def keep_challenge(response):
        if flask.request.path == "/oauth2/authorize" and response.status_code == 302:
            code = parse_qs(urlsplit(response.headers["Location"]).query).get("code", [""])[0]
            if code:
                challenges[code] = flask.request.args.get("code_challenge", "")
        return response

    @app.before_request
    def check_verifier():
        if flask.request.path != "/oauth2/token" or flask.request.form.get("grant_type") != "authorization_code":
            return None
        challenge = challenges.pop(flask.request.form.get("code", ""), "")
        verifier = flask.request.form.get("code_verifier", "")
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        state["pkce"] = "verified" if challenge and verifier and digest == challenge else "failed"
        if state["pkce"] != "verified":
            return flask.jsonify(error="invalid_grant", error_description="PKCE verification failed"), 400
        return None

    @app.get("/_test/pkce")
    def last_pkce():
        return flask.jsonify(result=state.get("pkce", ""))

    @app.after_request
    def alter(response):
        mode = state["mode"]
        if not mode or flask.request.path != "/oauth2/token" or response.status_code != 200:
            return response
        state["mode"] = ""
        body = response.get_json()
        token = jose_jwt.decode(body["id_token"], signing)
        claims = dict(token.claims)
        key = signing
        if mode == "forged":
            key = new_key()
        elif mode == "wrong_aud":
            claims["aud"] = "another-client"
        elif mode == "expired":
            claims["iat"], claims["exp"] = int(time.time()) - 3600, int(time.time()) - 600
        elif mode == "wrong_iss":
            claims["iss"] = "http://127.0.0.1:1"
        elif mode == "wrong_nonce":
            claims["nonce"] = "not-the-nonce"
        body["id_token"] = jose_jwt.encode({"alg": "RS256", "kid": KID}, claims, key)
        response.set_data(json.dumps(body))
        return response

    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    _serve(sys.argv[1])

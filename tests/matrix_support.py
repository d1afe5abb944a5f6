"""Support for tests/test_permission_matrix.py: the URL walk, the personas and the request runner."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .personas import NAMES

# Column order of the expectation strings in the matrix.
PERSONAS = NAMES

# One letter per answer, so each row of the matrix reads as a line.
CODES = {
    "2": "200",
    "L": "302 to sign-in",
    "R": "302 elsewhere",
    "F": "403",
    "N": "404",
    "M": "405 (method not allowed)",
    "B": "400 (a request that is not one: the identity provider's back-channel logout)",
}


def walk(resolvers=None, prefix: str = "", namespace: str = "") -> list[tuple[str, str, URLPattern]]:
    """Every URL pattern of the project as (full name or '', route, pattern), includes followed."""
    found = []
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            found += walk(entry.url_patterns, prefix + str(entry.pattern), full_ns)
        else:
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or "")
            found.append((name, prefix + str(entry.pattern), entry))
    return found


def letter(response) -> str:
    status = response.status_code
    if status in (301, 302):
        location = response["Location"]
        # The admin's own sign-in page only redirects to the service's sign-in (config/urls.py).
        return "L" if location.startswith((reverse("core:login"), "/admin/login/")) else "R"
    return {200: "2", 400: "B", 403: "F", 404: "N", 405: "M"}.get(status, str(status))


@dataclass
class Observed:
    get: str
    post: str


def observe(clients: dict[str, Client], url: str, *, post_data: dict | None = None) -> Observed:
    """Each persona's answer to a GET and an empty (or given) POST of `url`; each request runs in a
    savepoint rolled back afterwards, so one persona's POST does not change what the next one sees."""
    got, posted = [], []
    for name in PERSONAS:
        client = clients[name]
        for method, out in (("get", got), ("post", posted)):
            cookies = copy.deepcopy(client.cookies)  # signing out replaces the session cookie
            with transaction.atomic():
                response = client.get(url) if method == "get" else client.post(url, post_data or {})
                transaction.set_rollback(True)
            client.cookies = cookies
            out.append(letter(response))
    return Observed("".join(got), "".join(posted))

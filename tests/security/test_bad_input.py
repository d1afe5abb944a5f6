"""Bad input never breaks a page: random, oversized, malformed, unicode and script-laden values
posted to every form and put in every query string of every page (enumerated from the URL
patterns, so a new page is covered without a new test), as a persona allowed to use it.

Every answer is below 500; a refused POST shows the GOV.UK error summary (or is a clean 4xx) and
leaves no row behind; nothing typed comes back unescaped."""

from __future__ import annotations

import urllib.parse

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.choices import AgencyKind
from tests.factories import AgencyFactory, TeamFactory, UserFactory
from tests.personas import PERSONAS
from tests.world import build_world, url_kwargs, url_patterns

from .forms import form_data, post_form

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    SCRIPT,
    IMG,
    "x" * 100_000,
    "-1",
    "0",
    "31",
    "02",
    "99999999999999999999",
    "2147483648",
    "-2147483649",
    "1e309",
    "NaN",
    "²",
    "٣",
    "Zoë 😀 \u202e",
    "{{ 7*7 }}",
    "' OR 1=1 --",
    "../../etc/passwd",
    "javascript:alert(1)",
    "//evil.example/",
]
ONE_AT_A_TIME = ["a\x00b", "99999999999999999999", "x" * 100_000, "²", SCRIPT, "-2147483649", "31"]
VALUES = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.lists(st.sampled_from(NASTY), min_size=2, max_size=3),
)
# Bounded so that the module (about 120 pages, two tests each) runs in about three minutes.
QUERY_HYPOTHESIS = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HYPOTHESIS = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Who tries each page first: the first persona the page answers 200 is the one allowed to use it.
TRY_AS = [
    "team_leader", "cate_worker", "screener", "group_manager", "administrator", "police", "auditor", "fc_manager",
    "intelligence_reviewer", None,
]  # fmt: skip
# Pages that take only a POST (a button): who presses it.
POST_ONLY_AS = {"contacts:mace_entry_create": "police"}
POST_ONLY_DEFAULT = {
    "contacts": "screener",
    "cate": "team_leader",
    "riskpanel": "team_leader",
    "network": "team_leader",
    "intelligence": "intelligence_reviewer",
    "core": "team_leader",
}
# Fields a view reads from the request besides its form's.
EXTRA_FIELDS = ["version", "next", "child", "contact", "other", "decision", "information", "systems_checked"]
QUERY_FIELDS = [
    "page",
    "q",
    "sort",
    "view",
    "significant",
    "held",
    "service",
    "next",
    "child",
    "contact",
    "other",
    "name",
    "first_name",
    "last_name",
    "file_format",
    "year",
    "timeout",
    "state",
    "status",
]
# Pages that read no query string and are slow to make (PDF, the broker check).
NO_QUERY = {"cate:gp_letter_pdf", "riskpanel:safety_plan_pdf", "core:healthz", "core:logout"}
# Tables that grow on a refused request by design: the access log (viewing is logged) and the
# anonymous form's attempts (the rate limit counts refusals).
GROW_ON_REFUSAL = {"core_accesslog", "contacts_anonymousformattempt"}

PATTERNS = url_patterns()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world for the module (built once, rolled back at the end); each test runs in a savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        council = AgencyFactory(name="Children's Services", kind=AgencyKind.COUNCIL)
        agencies = {
            "council": council,
            "police": AgencyFactory(name="Police", kind=AgencyKind.POLICE),
            "health": AgencyFactory(name="Health", kind=AgencyKind.HEALTH),
        }
        team = TeamFactory(name="CATE team", agency=council)
        personas = {
            persona.name: UserFactory(
                role=persona.role,
                username=persona.username,
                agency=agencies[persona.agency or "council"],
                **({"team": team} if persona.in_team else {}),
                **({"is_staff": True} if persona.is_staff else {}),
            )
            for persona in PERSONAS
            if persona.role is not None
        }
        built = build_world(personas)
        yield built
        transaction.set_rollback(True)


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


TABLES: list[str] = []


def _count_sql() -> str:
    TABLES[:] = sorted(
        model._meta.db_table
        for label in ("core", "contacts", "cate", "riskpanel", "network", "intelligence", "reporting")
        for model in apps.get_app_config(label).get_models()
        if not any(model._meta.db_table.startswith(t.replace("_", "_historical", 1)) for t in GROW_ON_REFUSAL)
        and model._meta.db_table not in GROW_ON_REFUSAL
        and not model._meta.proxy
    )
    quote = connection.ops.quote_name  # the models' own table names, no input
    return "SELECT " + ", ".join(f"(SELECT count(*) FROM {quote(t)})" for t in TABLES)  # noqa: S608


COUNT_SQL = None


def _rows() -> tuple:
    global COUNT_SQL
    COUNT_SQL = COUNT_SQL or _count_sql()
    with connection.cursor() as cursor:
        cursor.execute(COUNT_SQL)
        return cursor.fetchone()


def _assert_safe(response, what: str) -> str:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if response.get("Content-Type", "").startswith("text/html"):
        html = response.content.decode(errors="replace")
        assert SCRIPT not in html and "<img src=x onerror" not in html, f"{what}: echoed unescaped"
        return html
    return ""


def _find_user(world, name: str, url: str, *, only=None):
    """(persona, page) of the first persona allowed to open the page; page None for a POST-only URL."""
    for persona in TRY_AS if only is None else [only]:
        user = world.personas[persona] if persona else None
        response = _client(user).get(url)
        if response.status_code == 405:
            app = name.split(":")[0]
            persona = POST_ONLY_AS.get(name, POST_ONLY_DEFAULT.get(app))
            return persona, None
        if response.status_code == 200 or (response.status_code == 302 and persona is not None):
            if response.status_code == 302 and "/sign-in/" in response["Location"]:
                continue
            return persona, response
    pytest.fail(f"{name}: no persona may open {url}")


def _post_fields(name: str, url: str, page) -> dict[str, list[str]]:
    base: dict[str, list[str]] = {}
    if page is not None and page.status_code == 200:
        form = post_form(_html(page) or "<p></p>")
        if form is not None and form.action in (None, "", url):
            base = form_data(form)
            for field in form.inputs:
                if field.name and field.name != "csrfmiddlewaretoken":
                    base.setdefault(field.name, [""])
    for extra in EXTRA_FIELDS:
        base.setdefault(extra, [""])
    return base


# Pages that need more than the world's first record of a kind.
DECIDED = {"riskpanel:decision_action_add", "riskpanel:decision_gp_letter"}
QUERY_NEEDED = {"reporting:annual_report_download": "?file_format=csv"}


def _url(name: str, route: str, world) -> str:
    kwargs = url_kwargs(route, world)
    if name in DECIDED:
        kwargs["item_pk"] = world["panel_decided_item"].pk
    return reverse(name, kwargs=kwargs) + QUERY_NEEDED.get(name, "")


def _html(response) -> str:
    if response.get("Content-Type", "").startswith("text/html"):
        return response.content.decode(errors="replace")
    return ""


# Public pages are also tried by someone not signed in.
PUBLIC = {"core:login", "contacts:anonymous_referral"}
POST_NAMES = [(n, r, "staff") for n, r in PATTERNS if n not in {"core:healthz", "core:logout"}]
POST_NAMES += [(n, r, "anonymous") for n, r in PATTERNS if n in PUBLIC]


@pytest.mark.parametrize(("name", "route", "who"), POST_NAMES, ids=[f"{n}-{w}" for n, _, w in POST_NAMES])
def test_bad_values_posted_to_a_form_are_refused_cleanly(name, route, who, world, db):
    url = _url(name, route, world)
    persona, page = _find_user(world, name, url, only=None if who == "staff" else False)
    user = world.personas[persona] if persona else None
    if page is not None and page.status_code == 200 and post_form(_html(page) or "<p></p>") is None:
        client = _client(user)
        response = client.post(url, {})
        assert response.status_code in (302, 400, 403, 404, 405), f"{name}: a page without a form took a POST"
        return
    base = _post_fields(name, url, page)
    names = sorted(base)
    client = _client(user)

    # Invalid UTF-8 in every field (Django decodes with replacement characters).
    raw = "&".join(f"{urllib.parse.quote(n)}=%FF%FE%C0%AF" for n in names).encode()
    before = _rows()
    response = client.post(url, raw, content_type="application/x-www-form-urlencoded")
    _check_post(name, response, before, client)

    # Each field alone bad, the others as the form was loaded: reaches the service and the database.
    for i, field in enumerate(names):
        before = _rows()
        response = client.post(url, {**base, field: ONE_AT_A_TIME[i % len(ONE_AT_A_TIME)]})
        _check_post(f"{name} [{field}]", response, before, client)

    @HYPOTHESIS
    @given(st.dictionaries(st.sampled_from(names), VALUES, min_size=1, max_size=min(len(names), 6)))
    def post(changes):
        data = {**base, **changes}
        before = _rows()
        response = client.post(url, data)
        _check_post(name, response, before, client)

    post()


def _check_post(name: str, response, before: tuple, client) -> None:
    html = _assert_safe(response, name)
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/") and "/sign-in/" not in location:
            _assert_safe(client.get(location), f"{name} → {location}")
        return
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        assert "govuk-error-summary" in html, f"{name}: refused without an error summary"
    after = _rows()
    grown = [t for t, b, a in zip(TABLES, before, after, strict=True) if a != b]
    assert not grown, f"{name}: a refused POST ({response.status_code}) left rows behind in {grown}"


GET_NAMES = [(n, r) for n, r in PATTERNS if n not in NO_QUERY]


@pytest.mark.parametrize(("name", "route"), GET_NAMES, ids=[n for n, _ in GET_NAMES])
def test_bad_query_strings_never_break_a_page(name, route, world, db):
    url = _url(name, route, world)
    persona, page = _find_user(world, name, url)
    if page is None:
        return  # a POST-only URL reads no query string
    user = world.personas[persona] if persona else None
    fields = set(QUERY_FIELDS)
    if page.status_code == 200 and page.get("Content-Type", "").startswith("text/html"):
        import lxml.html

        for form in lxml.html.fromstring(page.content).forms:
            if (form.method or "get").lower() == "get":
                fields |= {el.name for el in form.inputs if el.name}
    names = sorted(fields)
    client = _client(user)
    sep = "&" if "?" in url else "?"
    _assert_safe(client.get(url + sep + "&".join(f"{n}=%FF%FE%00" for n in names)), name)

    @QUERY_HYPOTHESIS
    @given(st.dictionaries(st.sampled_from(names), VALUES, min_size=1, max_size=6))
    def query(params):
        flat = [(k, v) for k, vs in params.items() for v in (vs if isinstance(vs, list) else [vs])]
        flat = [(k, v[:3000]) for k, v in flat]  # a URL is bounded; the body takes the 100k values
        response = client.get(url + sep + urllib.parse.urlencode(flat))
        _assert_safe(response, f"{name}?{urllib.parse.urlencode(flat)[:200]}")

    query()

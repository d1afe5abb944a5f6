"""The persona matrix: every CATE page for every persona, signed out included."""

import re

import pytest
from django.urls import reverse

from cate.choices import RhiStatus
from cate.models import ReturnHomeInterview
from core.models import AccessLog
from tests.factories import allocated_case, referral_from_contact
from tests.personas import SIGNED_IN
from tests.world import HEALTH_REFERRED, POLICE_REFERRED, REFERRAL_REASONS

pytestmark = pytest.mark.django_db

ALL = SIGNED_IN
CASEWORK = {"cate_worker": 200, "team_leader": 200, "group_manager": 200}  # everyone else: 404
MANAGERS = {"team_leader": 200, "group_manager": 200}


def expect(allowed: dict, default: int) -> dict:
    return {persona: allowed.get(persona, default) for persona in ALL}


CASE_PAGE = expect(CASEWORK, 404)
MANAGER_CASE_PAGE = expect({**MANAGERS, "cate_worker": 403}, 404)
LANDING = expect({"cate_worker": 200, "other_worker": 200, **MANAGERS}, 403)
MANAGERS_ONLY = expect(MANAGERS, 403)


@pytest.fixture
def world(rich_world):
    """The numbers of the one world's records (tests/world.py): a case allocated to the persona worker
    with one of each record; a proposed closure and a closed case; a referral awaiting assessment and
    one the worker is assessing."""
    r = rich_world
    return {
        "case": r["case"].pk,
        "visit": r["visit"].pk,
        "assessment": r["risk_assessment"].pk,
        "episode": r["missing"].pk,
        "statutory": r["statutory"].pk,
        "support": r["support"].pk,
        "letter": r["gp_letter"].pk,
        "nrm": r["nrm"].pk,
        "proposed": r["proposed_case"].pk,
        "closed": r["closed_case"].pk,
        "awaiting": r["awaiting"].pk,
        "assigned": r["assigned"].pk,
        "worker": r.personas["cate_worker"].pk,
    }


def c(name, *keys):
    return (name, keys)


PAGES = [
    (c("cate:index"), LANDING),
    (c("cate:my_caseload"), LANDING),
    (c("cate:case_list"), LANDING),
    (c("cate:referral_list"), expect({"cate_worker": 200, "other_worker": 200, **MANAGERS}, 403)),
    (c("cate:caseload_list"), MANAGERS_ONLY),
    (c("cate:caseload_detail", "worker"), MANAGERS_ONLY),
    (c("cate:referral_detail", "assigned"), expect(CASEWORK, 404)),
    (c("cate:referral_detail", "awaiting"), expect(MANAGERS, 404)),
    (c("cate:assessment_start", "awaiting"), expect(MANAGERS, 404)),
    (c("cate:assessment_edit", "assigned"), expect(CASEWORK, 404)),
    (c("cate:assessment_outcome", "assigned"), expect({**MANAGERS, "cate_worker": 403}, 404)),
    (c("cate:case_detail", "case"), CASE_PAGE),
    (c("cate:case_edit", "case"), CASE_PAGE),
    (c("cate:case_allocate", "case"), MANAGER_CASE_PAGE),
    (c("cate:chronology", "case"), CASE_PAGE),
    (c("cate:significant_event_add", "case"), CASE_PAGE),
    (c("cate:statutory_episode_add", "case"), CASE_PAGE),
    (c("cate:statutory_episode_edit", "case", "statutory"), CASE_PAGE),
    (c("cate:visit_list", "case"), CASE_PAGE),
    (c("cate:visit_add", "case"), CASE_PAGE),
    (c("cate:visit_edit", "case", "visit"), CASE_PAGE),
    (c("cate:risk_assessment_add", "case"), CASE_PAGE),
    (c("cate:risk_assessment_detail", "case", "assessment"), CASE_PAGE),
    (c("cate:risk_assessment_revise", "case", "assessment"), CASE_PAGE),
    (c("cate:missing_episode_list", "case"), CASE_PAGE),
    (c("cate:missing_episode_add", "case"), CASE_PAGE),
    (c("cate:missing_episode_detail", "case", "episode"), CASE_PAGE),
    (c("cate:missing_episode_edit", "case", "episode"), CASE_PAGE),
    (c("cate:rhi_edit", "case", "episode"), CASE_PAGE),
    (c("cate:nrm_edit", "case", "nrm"), CASE_PAGE),
    (c("cate:gp_letter_detail", "case", "letter"), CASE_PAGE),
    (c("cate:gp_letter_pdf", "case", "letter"), CASE_PAGE),
    (c("cate:support_referral_add", "case"), CASE_PAGE),
    (c("cate:support_referral_edit", "case", "support"), CASE_PAGE),
    (c("cate:disclosure_add", "case"), CASE_PAGE),
    (c("cate:transition_meeting_add", "case"), CASE_PAGE),
    (c("cate:closure_propose", "case"), CASE_PAGE),
    (c("cate:closure_decide", "proposed"), MANAGER_CASE_PAGE),
    # The worker who held the closed case still reads it, and changes nothing.
    (c("cate:case_detail", "closed"), expect({**MANAGERS, "cate_worker": 200}, 404)),
    (c("cate:case_reopen", "closed"), MANAGER_CASE_PAGE),
    (c("cate:gp_letter_closure", "case"), CASE_PAGE),
    (c("cate:nrm_awaiting"), LANDING),
]


@pytest.mark.parametrize(("page", "expected"), PAGES, ids=[f"{p[0]}:{'-'.join(p[1])}" for p, _ in PAGES])
def test_persona_matrix(world, personas, client_for, page, expected):
    name, keys = page
    url = reverse(name, args=[world[k] for k in keys])
    for persona in ALL:
        response = client_for(personas[persona]).get(url)
        assert response.status_code == expected[persona], (persona, url, response.status_code)
    signed_out = client_for(None).get(url)
    assert signed_out.status_code == 302 and "/sign-in/" in signed_out["Location"]


def test_outsider_gets_404(world, personas, client_for):
    """A worker asking for someone else's case is told it does not exist, as for a case that does not."""
    other = client_for(personas["other_worker"])
    theirs = other.get(reverse("cate:case_detail", args=[world["case"]]))
    missing = other.get(reverse("cate:case_detail", args=[999999]))
    assert theirs.status_code == missing.status_code == 404

    def page(response):  # the same page, but for the form token of the sign-out button
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)

    assert page(theirs) == page(missing)
    for name in ("cate:visit_add", "cate:closure_propose"):
        response = other.post(reverse(name, args=[world["case"]]), {})
        assert response.status_code == 404


def test_a_post_from_an_outsider_changes_nothing(world, personas, client_for):
    response = client_for(personas["screener"]).post(
        reverse("cate:rhi_edit", args=[world["case"], world["episode"]]),
        {"status": RhiStatus.OFFERED, "offered_at_day": "1", "offered_at_month": "1", "offered_at_year": "2024"},
    )
    assert response.status_code == 404
    assert not ReturnHomeInterview.objects.exists()


def test_every_case_page_view_is_in_the_access_log(world, personas, client_for):
    client = client_for(personas["cate_worker"])
    client.get(reverse("cate:case_detail", args=[world["case"]]))
    client.get(reverse("cate:gp_letter_pdf", args=[world["case"], world["letter"]]))
    client.get(reverse("cate:referral_detail", args=[world["assigned"]]))
    rows = list(AccessLog.objects.filter(user=personas["cate_worker"]).values_list("action", "object_id", "path"))
    assert ("view", str(world["case"]), f"/cate/cases/{world['case']}/") in rows
    assert ("export", str(world["case"]), f"/cate/cases/{world['case']}/gp-letters/{world['letter']}/pdf/") in rows
    assert ("view", str(world["assigned"]), f"/cate/referrals/{world['assigned']}/") in rows


# --- What the front door knew, on the referral's pages ----------------------------------------------


def _front_door(rich_world):
    contact = rich_world["referred_contact"]
    return {
        "contact_link": f'href="{reverse("contacts:contact_detail", args=[contact.pk])}"',
        "child_link": f'href="{reverse("contacts:child_detail", args=[contact.child_id])}"',
    }


@pytest.mark.parametrize("persona", ["cate_worker", "team_leader"])
@pytest.mark.parametrize("page", ["cate:referral_detail", "cate:assessment_edit", "cate:assessment_outcome"])
def test_those_working_on_the_referral_see_what_the_front_door_knew(rich_world, client_for, persona, page):
    """The assessment's author and the team leaders: the factors and levels, the decision and its
    reasons, every agency's answers, and links to the contact and the child."""
    response = client_for(rich_world.personas[persona]).get(reverse(page, args=[rich_world["assigned"].pk]))
    if response.status_code == 403:  # the author does not record the outcome
        assert (persona, page) == ("cate_worker", "cate:assessment_outcome")
        return
    body = response.content.decode()
    assert "Running away/going missing" in body and "Seen: running away/going missing" in body
    assert "Acute" in body and REFERRAL_REASONS in body and "CATE" in body
    assert POLICE_REFERRED in body and HEALTH_REFERRED in body
    links = _front_door(rich_world)
    assert links["contact_link"] in body and links["child_link"] in body


def test_a_group_manager_sees_the_referral_but_not_the_agencies_answers(rich_world, client_for):
    body = client_for(rich_world.personas["group_manager"]).get(rich_world["assigned"].get_absolute_url())
    text = body.content.decode()
    assert REFERRAL_REASONS in text and "Seen: running away/going missing" in text
    assert POLICE_REFERRED not in text and HEALTH_REFERRED not in text
    assert body.context["front_door"].mace_entries is None


def test_another_worker_gets_404_on_the_referral_and_sees_none_of_it(rich_world, client_for):
    other = client_for(rich_world.personas["other_worker"])
    for page in ("cate:referral_detail", "cate:assessment_edit"):
        theirs = other.get(reverse(page, args=[rich_world["assigned"].pk]))
        missing = other.get(reverse(page, args=[999999]))
        assert theirs.status_code == missing.status_code == 404


def test_the_allocated_worker_reads_the_referral_of_their_case_without_changing_it(personas, client_for):
    referral = referral_from_contact(personas["screener"], first_name="Allocatedchild")
    case = allocated_case(personas["team_leader"], personas["other_worker"], referral=referral)
    case_page = client_for(personas["other_worker"]).get(case.get_absolute_url()).content.decode()
    assert f'href="{referral.get_absolute_url()}"' in case_page  # the case links to its referral
    response = client_for(personas["other_worker"]).get(referral.get_absolute_url())
    assert response.status_code == 200
    assert f'href="{reverse("contacts:contact_detail", args=[referral.contact_id])}"' in response.content.decode()
    assert not response.context["perms"].can_edit_assessment
    assert client_for(personas["cate_worker"]).get(referral.get_absolute_url()).status_code == 404

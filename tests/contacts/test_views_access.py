"""Who reaches which page of the front door: the persona matrix, 404 for records one may not see."""

import pytest
from django.urls import reverse

from tests.factories import ChildFactory, ContactFactory, allocated_case, referral_from_contact
from tests.personas import SIGNED_IN
from tests.world import HEALTH_REFERRED, POLICE_REFERRED

pytestmark = pytest.mark.django_db

FRONT_DOOR = {"advisor", "screener", "fc_manager", "team_leader", "group_manager"}
WRITERS = {"advisor", "screener", "fc_manager"}
SCREENERS = {"screener", "fc_manager"}
EVERYONE = set(SIGNED_IN)


def expect(ok: set[str], *, forbidden: set[str] = frozenset(), not_found: str = "403") -> dict[str, int]:
    """200 for `ok`; 403 for `forbidden`; everyone else 403 (a page) or 404 (a record they may not see)."""
    other = 404 if not_found == "404" else 403
    return {name: 200 if name in ok else 403 if name in forbidden else other for name in EVERYONE}


@pytest.fixture
def records(rich_world):
    """The one world's front-door records (tests/world.py); the enquiry is the one sent to the police
    alone, answered by them. The `cate_worker` persona holds the child's case (opened from a referral
    with no contact) and writes the detailed assessment of the referred contact."""
    r = rich_world
    return {
        "child": r["child"],
        "contact": r["contact"],
        "referred_child": r["referred_child"],
        "referred_contact": r["referred_contact"],
        "mace": r["police_mace"],
        "follow_up": r["follow_up"],
        "merge": r["merge"],
    }


PAGES = [
    ("contacts:index", None, expect(FRONT_DOOR | {"police", "health"})),
    # The screening queue, contacts and follow-ups are Family Connect's (need to know).
    ("contacts:queue", None, expect(WRITERS)),
    ("contacts:contact_list", None, expect(WRITERS)),
    ("contacts:child_search", None, expect(FRONT_DOOR)),
    ("contacts:follow_up_list", None, expect(WRITERS)),
    ("contacts:mace_list", None, expect(FRONT_DOOR | {"police", "health"})),
    ("contacts:contact_create", None, expect(WRITERS)),
    ("contacts:child_create", None, expect(WRITERS)),
    ("contacts:merge_list", None, expect({*SCREENERS, "administrator"})),
    # The world's child has a CATE case (so a referral): its team leader and group manager read it.
    ("contacts:contact_detail", "contact", expect(FRONT_DOOR, not_found="404")),
    # A referred child with no case yet: its team leader and the assessment's author, not the group manager.
    (
        "contacts:contact_detail",
        "referred_contact",
        expect(WRITERS | {"team_leader", "cate_worker"}, not_found="404"),
    ),
    ("contacts:contact_edit", "contact", expect(WRITERS, forbidden={"team_leader", "group_manager"}, not_found="404")),
    (
        "contacts:contact_link_child",
        "contact",
        expect(WRITERS, forbidden={"team_leader", "group_manager"}, not_found="404"),
    ),
    ("contacts:contact_entered_in_error", "contact", expect(SCREENERS, forbidden=FRONT_DOOR, not_found="404")),
    ("contacts:threshold_assess", "contact", expect(SCREENERS, forbidden=FRONT_DOOR, not_found="404")),
    ("contacts:mace_create", "contact", expect(SCREENERS, forbidden=FRONT_DOOR, not_found="404")),
    ("contacts:contact_decide", "contact", expect(SCREENERS, forbidden=FRONT_DOOR, not_found="404")),
    ("contacts:mace_detail", "mace", expect(FRONT_DOOR | {"police"}, not_found="404")),
    (
        "contacts:mace_export",
        "mace",
        expect({*SCREENERS, "police"}, forbidden={"advisor", "team_leader", "group_manager"}, not_found="404"),
    ),
    ("contacts:follow_up_complete", "follow_up", expect(SCREENERS, forbidden=WRITERS, not_found="404")),
    ("contacts:child_detail", "child", expect(FRONT_DOOR | {"cate_worker"}, not_found="404")),
    ("contacts:child_detail", "referred_child", expect(FRONT_DOOR | {"cate_worker"}, not_found="404")),
    (
        "contacts:child_edit",
        "child",
        expect(WRITERS, forbidden={"team_leader", "group_manager", "cate_worker"}, not_found="404"),
    ),
    ("contacts:child_merge", "child", expect(SCREENERS, forbidden=FRONT_DOOR | {"cate_worker"}, not_found="404")),
    ("contacts:merge_detail", "merge", expect({*SCREENERS, "administrator"}, not_found="404")),
    ("contacts:anonymous_referral", None, expect(EVERYONE)),
]


@pytest.mark.parametrize(("url_name", "record", "expected"), PAGES, ids=[f"{p[0]}:{p[1]}" for p in PAGES])
def test_persona_matrix(personas, client_for, records, url_name, record, expected):
    url = reverse(url_name, args=[records[record].pk] if record else [])
    for name, user in personas.items():
        response = client_for(user).get(url)
        assert response.status_code == expected[name], (url_name, name, response.status_code)
    signed_out = client_for(None).get(url)
    if url_name == "contacts:anonymous_referral":
        assert signed_out.status_code == 200
    else:
        assert signed_out.status_code == 302 and signed_out["Location"].startswith(reverse("core:login"))


def test_outsider_gets_404_for_a_record_and_for_one_that_does_not_exist(personas, client_for, records):
    """A CATE worker, the auditor and partners cannot tell a contact that exists from one that does not."""
    for name in ("cate_worker", "auditor", "police", "administrator"):
        client = client_for(personas[name])
        real = client.get(reverse("contacts:contact_detail", args=[records["contact"].pk]))
        missing = client.get(reverse("contacts:contact_detail", args=[999999]))
        assert real.status_code == missing.status_code == 404, name


def test_a_restricted_child_is_404_even_for_a_manager_not_named_on_it(personas, client_for):
    child = ChildFactory(is_restricted=True)
    child.restricted_to.add(personas["screener"])
    contact = ContactFactory(child=child)
    for name, status in (("screener", 200), ("group_manager", 404), ("advisor", 404)):
        client = client_for(personas[name])
        assert client.get(reverse("contacts:child_detail", args=[child.pk])).status_code == status, name
        assert client.get(reverse("contacts:contact_detail", args=[contact.pk])).status_code == status, name


def test_posts_are_refused_to_those_who_may_not(personas, client_for, records):
    contact = records["contact"]
    for name in ("advisor", "team_leader", "group_manager"):
        response = client_for(personas[name]).post(reverse("contacts:contact_assign", args=[contact.pk]))
        assert response.status_code == 403, name
    for name in ("cate_worker", "police", "auditor"):
        response = client_for(personas[name]).post(reverse("contacts:contact_assign", args=[contact.pk]))
        assert response.status_code == 404, name
    response = client_for(personas["health"]).post(
        reverse("contacts:mace_entry_create", args=[records["mace"].pk]), {"information": "Health info"}
    )
    assert response.status_code == 404
    response = client_for(personas["police"]).post(reverse("contacts:mace_close", args=[records["mace"].pk]))
    assert response.status_code == 403
    response = client_for(personas["screener"]).post(
        reverse("contacts:merge_detail", args=[records["merge"].pk]), {"reason": "x"}
    )
    assert response.status_code == 403
    assert client_for(None).post(reverse("contacts:contact_assign", args=[contact.pk])).status_code == 302


# --- Those working on a CATE referral read its contact and child, and change nothing there --------


def test_the_assessments_author_opens_the_referred_contact_and_child_and_reads_every_agencys_answer(
    personas, client_for, records
):
    client = client_for(personas["cate_worker"])
    page = client.get(records["referred_contact"].get_absolute_url())
    assert page.status_code == 200
    assert POLICE_REFERRED in page.content.decode() and HEALTH_REFERRED in page.content.decode()
    child_page = client.get(records["referred_child"].get_absolute_url()).content.decode()
    assert records["referred_contact"].reference in child_page  # the contact they may open, listed
    # No way back to front-door pages that would refuse them.
    for html in (page.content.decode(), child_page):
        for refused in ("contacts:queue", "contacts:child_search"):
            assert f'class="govuk-back-link" href="{reverse(refused)}"' not in html
            assert f'href="{reverse(refused)}" class="govuk-back-link"' not in html
    screener = client_for(personas["screener"]).get(records["referred_contact"].get_absolute_url()).content.decode()
    assert f'href="{reverse("contacts:queue")}" class="govuk-back-link"' in screener


def test_the_allocated_worker_opens_the_contact_and_child_of_their_cases_referral(personas, client_for):
    referral = referral_from_contact(personas["screener"], first_name="Allocatedchild")
    allocated_case(personas["team_leader"], personas["other_worker"], referral=referral)
    client = client_for(personas["other_worker"])
    assert client.get(reverse("contacts:contact_detail", args=[referral.contact_id])).status_code == 200
    assert client.get(reverse("contacts:child_detail", args=[referral.child_id])).status_code == 200
    assert client.get(reverse("contacts:contact_detail", args=[referral.contact_id])).context["mace_entries"] == []


def test_a_team_leader_reads_the_answers_of_a_referred_contact_and_a_group_manager_does_not(
    personas, client_for, records
):
    url = records["referred_contact"].get_absolute_url()
    leader = client_for(personas["team_leader"]).get(url).content.decode()
    assert POLICE_REFERRED in leader and HEALTH_REFERRED in leader
    # The group manager reads a contact only through a case: this child has none yet.
    assert client_for(personas["group_manager"]).get(url).status_code == 404
    manager = client_for(personas["group_manager"]).get(records["contact"].get_absolute_url())
    assert manager.status_code == 200 and manager.context["mace_entries"] is None
    assert POLICE_REFERRED not in manager.content.decode()


def test_another_worker_gets_404_on_the_referrals_contact_and_child(personas, client_for, records):
    """A CATE worker not working on the referral cannot tell its contact or child from one that does not exist."""
    client = client_for(personas["other_worker"])
    for name, record in (("contacts:contact_detail", "referred_contact"), ("contacts:child_detail", "referred_child")):
        real = client.get(reverse(name, args=[records[record].pk]))
        missing = client.get(reverse(name, args=[999999]))
        assert real.status_code == missing.status_code == 404, name


def test_those_working_on_a_referral_change_nothing_at_the_front_door(personas, client_for, records):
    contact, child = records["referred_contact"], records["referred_child"]
    versions = (contact.version, child.version)
    for persona in ("cate_worker", "team_leader"):
        client = client_for(personas[persona])
        for name in ("contact_edit", "threshold_assess", "contact_decide", "mace_create", "contact_assign"):
            assert client.post(reverse(f"contacts:{name}", args=[contact.pk]), {}).status_code == 403, name
        for name in ("child_edit", "child_merge"):
            assert client.post(reverse(f"contacts:{name}", args=[child.pk]), {}).status_code == 403, name
    contact.refresh_from_db()
    child.refresh_from_db()
    assert (contact.version, child.version) == versions


def test_a_restricted_child_stays_hidden_from_an_author_not_named_on_it(personas, client_for, records):
    from contacts import services

    child = records["referred_child"]
    services.child_restrict(
        child=child, actor=personas["group_manager"], is_restricted=True, staff=[], reason="Child of a member of staff"
    )
    client = client_for(personas["cate_worker"])
    assert client.get(records["referred_contact"].get_absolute_url()).status_code == 404
    assert client.get(child.get_absolute_url()).status_code == 404

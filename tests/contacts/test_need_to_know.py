"""Need to know at the front door (DESIGN §4): Family Connect roles see every contact; CATE team
leaders the contacts of children referred to CATE; a CATE worker the contact their referral came
from; group managers the figures, and a contact only through a case (the contacts of a child with a
CATE case). Every list agrees with the page: no one sees in a list what they cannot open."""

import pytest
from django.urls import reverse

from contacts import selectors, services
from core.models import Agency
from reporting.overdue import KIND_BY_CODE
from tests.factories import ChildFactory, ContactFactory, allocated_case, referral_from_contact

pytestmark = pytest.mark.django_db

FAMILY_CONNECT = ("advisor", "screener", "fc_manager")
NO_CONTACTS = ("other_worker", "police", "health", "panel_member", "auditor", "administrator")


@pytest.fixture
def front_door(personas):
    """A contact about a child never referred to CATE (with an enquiry to the police), a contact
    referred to CATE whose child has no case yet and a second contact of that child, and a contact
    referred to CATE whose child has a case allocated to the `cate_worker` persona."""
    screener, leader = personas["screener"], personas["team_leader"]
    unrelated = ContactFactory(child=ChildFactory(first_name="Neverreferred"), recorded_by=screener)
    mace = services.mace_request_send(
        contact=unrelated,
        actor=screener,
        agencies=Agency.objects.filter(name=personas["police"].agency.name),
        question="Known to you?",
    )
    referral = referral_from_contact(screener, first_name="Referrednocase")
    earlier = ContactFactory(child=referral.child, recorded_by=screener)
    with_case = referral_from_contact(screener, first_name="Referredcase")
    case = allocated_case(leader, personas["cate_worker"], referral=with_case)
    return {
        "unrelated": unrelated,
        "unrelated_mace": mace,
        "referred": referral.contact,
        "earlier": earlier,
        "case_contact": with_case.contact,
        "case": case,
    }


def _visible(user) -> set[int]:
    return set(selectors.contacts_visible_to(user).values_list("pk", flat=True))


def test_who_sees_which_contact(personas, front_door):
    f = front_door
    everything = {f[k].pk for k in ("unrelated", "referred", "earlier", "case_contact")}
    for name in FAMILY_CONNECT:
        assert _visible(personas[name]) >= everything, name
    assert _visible(personas["team_leader"]) == {f["referred"].pk, f["earlier"].pk, f["case_contact"].pk}
    assert _visible(personas["group_manager"]) == {f["case_contact"].pk}
    assert _visible(personas["cate_worker"]) == {f["case_contact"].pk}  # the contact of their case's referral
    for name in NO_CONTACTS:
        assert not _visible(personas[name]), name


@pytest.mark.parametrize("name", ["team_leader", "group_manager"])
def test_a_contact_of_a_child_never_referred_to_cate_is_404(personas, client_for, front_door, name):
    client = client_for(personas[name])
    for pk in (front_door["unrelated"].pk, 999999):
        assert client.get(reverse("contacts:contact_detail", args=[pk])).status_code == 404
    assert client.get(reverse("contacts:mace_detail", args=[front_door["unrelated_mace"].pk])).status_code == 404


def test_a_team_leader_opens_the_contacts_of_a_referred_child_and_a_group_manager_only_through_a_case(
    personas, client_for, front_door
):
    leader, manager = client_for(personas["team_leader"]), client_for(personas["group_manager"])
    for key in ("referred", "earlier", "case_contact"):
        assert leader.get(front_door[key].get_absolute_url()).status_code == 200, key
    for key in ("referred", "earlier"):
        assert manager.get(front_door[key].get_absolute_url()).status_code == 404, key
    # From the case: its child's page lists the contacts, and each opens.
    child_page = manager.get(reverse("contacts:child_detail", args=[front_door["case"].child_id])).content.decode()
    assert front_door["case_contact"].reference in child_page
    assert manager.get(front_door["case_contact"].get_absolute_url()).status_code == 200


@pytest.mark.parametrize("name", ["team_leader", "group_manager"])
def test_the_screening_queue_contact_list_and_follow_ups_are_family_connects(personas, client_for, name):
    client = client_for(personas[name])
    for url_name in ("contacts:queue", "contacts:contact_list", "contacts:follow_up_list"):
        assert client.get(reverse(url_name)).status_code == 403, url_name


@pytest.mark.parametrize("name", ["team_leader", "group_manager"])
def test_lists_show_only_what_the_reader_can_open(personas, client_for, front_door, name):
    client = client_for(personas[name])
    unrelated = front_door["unrelated"]
    child_page = client.get(reverse("contacts:child_detail", args=[unrelated.child_id]))
    assert child_page.status_code == 200 and unrelated.reference not in child_page.content.decode()
    enquiries = client.get(reverse("contacts:mace_list")).content.decode()
    assert "Neverreferred" not in enquiries
    assert not selectors.mace_request_list_for_user(personas[name]).filter(contact=unrelated).exists()
    # The dashboard's drill-down counts the contact but does not list it.
    for kind in ("front_door_queue",):
        page = client.get(reverse("reporting:item_list", args=[kind]))
        assert page.status_code == 200
        body = page.content.decode()
        assert unrelated.reference not in body and "Neverreferred" not in body
        assert "you may not open" in body
    rows = KIND_BY_CODE["front_door_queue"].rows_for(personas[name], now=_now(), today=_today())
    readable = _visible(personas[name])
    assert {row.pk for row in rows} <= readable


def test_a_group_manager_sees_the_front_doors_figures(personas, client_for, front_door):
    page = client_for(personas["group_manager"]).get(reverse("contacts:index"))
    assert page.status_code == 200
    counts = page.context["counts"]
    assert counts["total"] == selectors.front_door_figures(personas["screener"], now=_now())["total"] >= 4
    body = page.content.decode()
    assert f"{counts['total']} contacts awaiting a decision" in body
    assert reverse("contacts:queue") not in body and front_door["unrelated"].reference not in body


def test_a_partner_still_sees_the_enquiries_sent_to_their_agency(personas, front_door):
    assert set(selectors.mace_requests_visible_to(personas["police"])) == {front_door["unrelated_mace"]}
    assert not selectors.mace_requests_visible_to(personas["health"]).exists()


@pytest.mark.parametrize("rows", [1, 20])
def test_a_team_leaders_contacts_cost_one_query_whatever_the_referrals(personas, django_assert_num_queries, rows):
    from core.roles import user_roles

    for i in range(rows):
        referral_from_contact(personas["screener"], first_name=f"Counted{i}")
    leader = type(personas["team_leader"]).objects.get(pk=personas["team_leader"].pk)
    leader.has_perm("cate.view_referral")  # the permission and role caches, filled once per request
    user_roles(leader)
    with django_assert_num_queries(1):
        contacts = list(selectors.contacts_visible_to(leader))
    assert len(contacts) == rows


def _now():
    from django.utils import timezone

    return timezone.now()


def _today():
    from django.utils import timezone

    return timezone.localdate()

"""MACE compartments (001:L1389-1394): a partner sees only the enquiries sent to their agency and
only their agency's entries, by any URL, list, search or export; the screener sees them all."""

import pytest
from django.urls import URLPattern, get_resolver, reverse

from contacts import selectors, services
from contacts.models import Child, ChildMerge, Contact, EarlyHelpFollowUp, MaceEntry, MaceRequest
from core.models import Agency
from tests.factories import ChildFactory, ContactFactory

pytestmark = pytest.mark.django_db

HEALTH_SECRET = "Health-only: attends the sexual health clinic"
POLICE_SECRET = "Police-only: two missing reports"
EDUCATION_SECRET = "Education-only: excluded twice"


@pytest.fixture
def enquiries(personas, screener, make_user):
    from core.roles import Role

    education = Agency.objects.create(name="Education", kind="education")
    teacher = make_user(Role.PARTNER, username="p_teacher", agency=education)
    child = ChildFactory(first_name="Compartment", last_name="Child")
    contact = ContactFactory(child=child)
    both = services.mace_request_send(
        contact=contact, actor=screener, agencies=Agency.objects.filter(name__in=["Police", "Health"]), question="Q1"
    )
    services.mace_entry_add(request=both, actor=personas["police"], information=POLICE_SECRET)
    services.mace_entry_add(request=both, actor=personas["health"], information=HEALTH_SECRET)
    health_only = services.mace_request_send(
        contact=ContactFactory(child=ChildFactory(first_name="Healthonly")),
        actor=screener,
        agencies=Agency.objects.filter(name="Health"),
        question="Q2",
    )
    services.mace_entry_add(request=health_only, actor=personas["health"], information=HEALTH_SECRET + " (2)")
    education_request = services.mace_request_send(contact=contact, actor=screener, agencies=[education], question="Q3")
    services.mace_entry_add(request=education_request, actor=teacher, information=EDUCATION_SECRET)
    return {
        "both": both,
        "health_only": health_only,
        "education": education_request,
        "child": child,
        "contact": contact,
    }


def test_selectors_keep_each_agency_in_its_compartment(personas, screener, enquiries):
    police, health = personas["police"], personas["health"]
    assert set(selectors.mace_requests_visible_to(police)) == {enquiries["both"]}
    assert set(selectors.mace_requests_visible_to(health)) == {enquiries["both"], enquiries["health_only"]}
    assert list(selectors.mace_entries_visible_to(police).values_list("information", flat=True)) == [POLICE_SECRET]
    assert HEALTH_SECRET not in "".join(selectors.mace_entries_visible_to(police).values_list("information", flat=True))
    assert set(selectors.mace_entries_visible_to(health).values_list("agency__name", flat=True)) == {"Health"}
    # The screener sees every agency's entries, in one chronological view of the contact.
    chronology = list(selectors.mace_entries_for_contact(screener, enquiries["contact"]))
    assert [e.information for e in chronology] == [POLICE_SECRET, HEALTH_SECRET, EDUCATION_SECRET]
    assert chronology == sorted(chronology, key=lambda e: (e.created_at, e.pk))
    # Front-door staff who are not screeners see that enquiries exist, not what agencies said.
    assert selectors.mace_requests_visible_to(personas["advisor"]).count() == 3
    assert not selectors.mace_entries_visible_to(personas["advisor"]).exists()
    # The child was never referred to CATE: its enquiries are none of CATE's (need to know).
    for name in ("team_leader", "group_manager", "cate_worker", "auditor", "administrator", "panel_member"):
        assert not selectors.mace_requests_visible_to(personas[name]).exists(), name
        assert not selectors.mace_entries_visible_to(personas[name]).exists(), name


def _every_get_url() -> list[str]:
    """Every page of the front door, with every record id there is in each id slot."""
    ids = set()
    for model in (Child, Contact, MaceRequest, MaceEntry, EarlyHelpFollowUp, ChildMerge):
        ids |= set(model.objects.values_list("pk", flat=True))
    urls = []
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "namespace", None) != "contacts":
            continue
        for sub in pattern.url_patterns:
            assert isinstance(sub, URLPattern)
            name = f"contacts:{sub.name}"
            if "pk" in sub.pattern.converters:
                urls += [reverse(name, args=[pk]) for pk in sorted(ids)]
            else:
                urls.append(reverse(name))
    return urls


def test_a_police_user_cannot_reach_a_health_entry_by_any_route(personas, client_for, enquiries):
    police = client_for(personas["police"])
    urls = _every_get_url()
    assert len(urls) > 50
    searches = [
        reverse("contacts:mace_list") + "?text=Compartment",
        reverse("contacts:mace_list") + "?text=Healthonly",
        reverse("contacts:mace_list") + f"?text={enquiries['contact'].reference}",
        reverse("contacts:mace_list") + "?state=closed",
        reverse("contacts:child_search") + "?name=Compartment",
        reverse("contacts:contact_list") + "?text=Compartment",
    ]
    seen_own = False
    for url in urls + searches:
        response = police.get(url)
        body = response.content.decode(errors="replace")
        assert HEALTH_SECRET not in body, url
        assert EDUCATION_SECRET not in body, url
        assert "Healthonly Example" not in body, url  # not even the child of an enquiry sent only to Health
        seen_own = seen_own or POLICE_SECRET in body
    assert seen_own  # the police user does see their own agency's entry somewhere
    export = police.get(reverse("contacts:mace_export", args=[enquiries["both"].pk]))
    assert export.status_code == 200
    text = export.content.decode()
    assert POLICE_SECRET in text and HEALTH_SECRET not in text and EDUCATION_SECRET not in text
    assert police.get(reverse("contacts:mace_detail", args=[enquiries["health_only"].pk])).status_code == 404
    assert police.get(reverse("contacts:mace_export", args=[enquiries["health_only"].pk])).status_code == 404


def test_a_partner_sees_only_their_own_agency_in_the_list_of_agencies_asked(personas, client_for, enquiries):
    page = client_for(personas["police"]).get(reverse("contacts:mace_detail", args=[enquiries["both"].pk]))
    body = page.content.decode()
    assert "Police" in body and POLICE_SECRET in body
    assert "Health:" not in body  # which other agencies were asked is not theirs to know either
    found = client_for(personas["health"]).get(reverse("contacts:mace_list") + "?text=Healthonly").content.decode()
    assert "Healthonly Example" in found  # the search the police user ran does find it for Health


def test_the_screener_sees_every_entry_in_one_chronological_view(screener, client_for, enquiries):
    client = client_for(screener)
    detail = client.get(reverse("contacts:contact_detail", args=[enquiries["contact"].pk])).content.decode()
    positions = [detail.index(secret) for secret in (POLICE_SECRET, HEALTH_SECRET, EDUCATION_SECRET)]
    assert positions == sorted(positions)
    child_page = client.get(reverse("contacts:child_detail", args=[enquiries["child"].pk])).content.decode()
    assert all(secret in child_page for secret in (POLICE_SECRET, HEALTH_SECRET, EDUCATION_SECRET))
    export = client.get(reverse("contacts:mace_export", args=[enquiries["both"].pk])).content.decode()
    assert POLICE_SECRET in export and HEALTH_SECRET in export


def test_front_door_readers_who_are_not_screeners_never_see_agency_information(personas, client_for, enquiries):
    for name in ("advisor", "team_leader", "group_manager"):
        client = client_for(personas[name])
        for url in _every_get_url():
            body = client.get(url).content.decode(errors="replace")
            assert POLICE_SECRET not in body and HEALTH_SECRET not in body, (name, url)

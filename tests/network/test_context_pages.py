"""Contexts as subjects on the pages (issue 19): the contact page offers the link to a place or
group and shows how many recent contacts name it; the screening queue says the same under each
contact; a context's page shows its assessments, plans, actions, contacts, linked network and
history, and its printable summary, access-logged, with a fixed number of queries. A restricted
child, or a contact its reader may not read, never shows or counts through a context."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from core.models import AccessLog
from network import services
from network.choices import ContextAssessmentStatus, LinkKind, PlaceKind
from network.context_rules import domains_of
from network.models import Node
from tests.factories import ChildFactory, ContactFactory, LinkFactory, PeerGroupFactory, PlaceFactory
from tests.factories.network import node_of

pytestmark = pytest.mark.django_db

SECRET = "Hiddenname"


@pytest.fixture
def park_world(personas):
    """A park named by two contacts about it and one about a child who frequents it; a restricted
    child (naming the CATE worker and the Family Connect manager) also frequents it and has a contact
    this month."""
    screener = personas["screener"]
    park = PlaceFactory(name="Northgate Park", kind=PlaceKind.PARK)
    about = [ContactFactory(child=None, reported_child_name="", about_context=True) for _ in range(2)]
    for contact in about:
        services.context_referral_add(contact=contact, context=park, actor=screener)
    child = ChildFactory(first_name="Visible", last_name="Parkchild")
    LinkFactory(a=child, b=park, kind=LinkKind.FREQUENTS)
    child_contact = ContactFactory(child=child)
    hidden = ChildFactory(first_name=SECRET, last_name="Restricted", is_restricted=True)
    hidden.restricted_to.add(personas["cate_worker"], personas["fc_manager"])
    LinkFactory(a=hidden, b=park, kind=LinkKind.FREQUENTS)
    hidden_contact = ContactFactory(child=hidden)
    old = ContactFactory(child=child, received_at=timezone.now() - dt.timedelta(days=60))
    return {
        "park": park,
        "node": node_of(park),
        "about": about,
        "child": child,
        "child_contact": child_contact,
        "hidden": hidden,
        "hidden_contact": hidden_contact,
        "old": old,
    }


def test_the_contact_page_offers_the_link_and_counts_the_contacts_naming_the_park(park_world, personas, client_for):
    page = client_for(personas["screener"]).get(park_world["about"][0].get_absolute_url())
    text = page.content.decode()
    assert reverse("network:contact_context_add", args=[park_world["about"][0].pk]) in text
    # Two about it and one about a visible child who frequents it: the restricted child's is not counted,
    # nor the contact of 60 days ago.
    assert "3 contacts in the last 30 days name this place" in text
    assert SECRET not in text


def test_the_restricted_childs_named_worker_counts_it_too(park_world, personas):
    from network.context_selectors import context_signals

    contact = park_world["about"][0]
    for name, expected in (("screener", 3), ("fc_manager", 4)):
        (signal,) = context_signals(personas[name], [contact], now=timezone.now())[contact.pk]
        assert signal.recent == expected, name


def test_the_screening_queue_shows_the_context_and_the_count(park_world, personas, client_for):
    text = client_for(personas["screener"]).get(reverse("contacts:queue")).content.decode()
    assert "About Northgate Park, TF1 1AA (park or open space): 3 contacts in the last 30 days name this place" in text
    assert "Child linked to Northgate Park" in text
    assert "No child named: about a place or group" in text
    assert SECRET not in text


def test_the_queue_makes_the_same_queries_for_one_contact_or_many(personas, client_for, django_assert_max_num_queries):
    client = client_for(personas["screener"])
    park = PlaceFactory()
    services.context_referral_add(contact=ContactFactory(), context=park, actor=personas["screener"])
    client.get(reverse("contacts:queue"))
    with django_assert_max_num_queries(60) as one:
        client.get(reverse("contacts:queue"))
    for _ in range(12):
        contact = ContactFactory(child=ChildFactory())
        services.context_referral_add(contact=contact, context=PlaceFactory(), actor=personas["screener"])
        LinkFactory(a=contact.child, b=PeerGroupFactory(), kind=LinkKind.MEMBER_OF)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(reverse("contacts:queue"))


def test_linking_a_contact_from_the_search(personas, client_for):
    contact = ContactFactory(child=None, reported_child_name="", about_context=True)
    group = PeerGroupFactory(name="Eastside lads")
    client = client_for(personas["advisor"])
    url = reverse("network:contact_context_add", args=[contact.pk])
    page = client.get(url + "?q=Eastside")
    assert "Eastside lads (peer group)" in page.content.decode()
    refused = client.post(url, {"q": "Eastside"})
    assert refused.status_code == 200 and "Choose the place or group" in refused.content.decode()
    bad = client.post(url, {"q": "Eastside", "context": "peer_group-99999999"})
    assert bad.status_code == 200
    done = client.post(url, {"q": "Eastside", "context": f"peer_group-{group.pk}"})
    assert done.status_code == 302
    assert Node.objects.get(peer_group=group).context_referrals.get().contact == contact


def _assessed_and_planned(personas, police_agency, park):
    leader = personas["team_leader"]
    assessment = services.context_assessment_open(context=park, actor=leader)
    services.context_assessment_save(
        assessment=assessment,
        actor=leader,
        finalise=True,
        domains={d.code: f"About {d.code}" for d in domains_of(assessment.kind)},
        partners_consulted=[police_agency],
        young_people_views="Views",
        community_views="Community",
        strengths="Strengths",
        harms="Harms",
        judgement="moderate",
        judgement_reason="Because",
    )
    plan = services.context_plan_open(context=park, actor=leader, intended_change="Safer park", assessment=assessment)
    services.context_plan_action_add(
        plan=plan,
        actor=leader,
        description="Evening patrols",
        owner_agency=police_agency,
        owner_name="Sergeant",
        due_on=timezone.localdate() + dt.timedelta(days=7),
    )
    return assessment, plan


def test_the_context_page_shows_everything_and_is_access_logged(park_world, personas, police_agency, client_for):
    _assessed_and_planned(personas, police_agency, park_world["park"])
    services.context_assessment_child_add(
        assessment=services.context_assessment_open(context=park_world["park"], actor=personas["cate_worker"]),
        child=park_world["hidden"],
        actor=personas["cate_worker"],
    )
    node = park_world["node"]
    url = reverse("network:context_detail", args=[node.pk])
    for name in ("team_leader", "police", "screener"):
        text = client_for(personas[name]).get(url).content.decode()
        assert "Location assessment" in text and "Safer park" in text and "Evening patrols" in text, name
        # The contacts about it: to those who read them (not the police, nor a team leader: not referred to CATE).
        assert (park_world["about"][0].reference in text) == (name == "screener"), name
        assert "Visible Parkchild" in text, name  # the linked network
        assert SECRET not in text, name
    assert AccessLog.objects.filter(
        user=personas["team_leader"], content_type=ContentType.objects.get_for_model(Node), object_id=str(node.pk)
    ).exists()
    printed = client_for(personas["team_leader"]).get(reverse("network:context_print", args=[node.pk]))
    assert "Summary for the panel" in printed.content.decode() and "About harm" in printed.content.decode()


def test_children_affected_are_shown_only_to_those_who_may_know_of_them(park_world, personas, client_for):
    worker = personas["cate_worker"]
    assessment = services.context_assessment_open(context=park_world["park"], actor=worker)
    services.context_assessment_child_add(assessment=assessment, child=park_world["hidden"], actor=worker)
    services.context_assessment_child_add(assessment=assessment, child=park_world["child"], actor=worker)
    url = assessment.get_absolute_url()
    assert SECRET in client_for(worker).get(url).content.decode()
    for name in ("team_leader", "screener", "police"):
        text = client_for(personas[name]).get(url).content.decode()
        assert SECRET not in text and "Visible Parkchild" in text, name


def test_outsiders_get_404_for_a_context(park_world, personas, client_for):
    url = reverse("network:context_detail", args=[park_world["node"].pk])
    for name in ("advisor", "health", "auditor", "administrator", "panel_member"):
        assert client_for(personas[name]).get(url).status_code == 404, name
    child_node = node_of(park_world["child"])
    assert (
        client_for(personas["team_leader"]).get(reverse("network:context_detail", args=[child_node.pk])).status_code
        == 404
    )


def test_completing_an_empty_assessment_shows_every_error_and_keeps_what_was_typed(personas, client_for):
    leader = personas["team_leader"]
    assessment = services.context_assessment_open(context=PlaceFactory(kind=PlaceKind.TAKEAWAY), actor=leader)
    url = reverse("network:context_assessment_edit", args=[assessment.pk])
    page = client_for(leader).post(
        url, {"intent": "finalise", "version": assessment.version, "domain_harm": "Typed text kept", "judgement": "x"}
    )
    text = page.content.decode()
    assert page.status_code == 200 and "govuk-error-summary" in text
    assert "Typed text kept" in text and "Enter the harms found" in text
    assessment.refresh_from_db()
    assert assessment.status == ContextAssessmentStatus.DRAFT and assessment.domains == {}
    saved = client_for(leader).post(url, {"intent": "draft", "version": assessment.version, "domain_harm": "Kept"})
    assert saved.status_code == 302
    assessment.refresh_from_db()
    assert assessment.domains == {"harm": "Kept"}


def test_the_context_page_makes_the_same_queries_for_one_record_or_many(
    personas, police_agency, client_for, django_assert_max_num_queries
):
    leader = personas["team_leader"]
    park = PlaceFactory()
    _assessed_and_planned(personas, police_agency, park)
    contact = ContactFactory(child=ChildFactory())
    services.context_referral_add(contact=contact, context=park, actor=personas["screener"])
    LinkFactory(a=contact.child, b=park, kind=LinkKind.FREQUENTS)
    url = reverse("network:context_detail", args=[node_of(park).pk])
    client = client_for(personas["fc_manager"])
    client.get(url)
    with django_assert_max_num_queries(80) as one:
        client.get(url)
    plan = park.node.context_plans.get()
    for number in range(8):
        services.context_plan_action_add(
            plan=plan,
            actor=leader,
            description=f"Action {number}",
            owner_agency=police_agency,
            owner_name="Someone",
            due_on=timezone.localdate() + dt.timedelta(days=7),
        )
        contact = ContactFactory(child=ChildFactory())
        services.context_referral_add(contact=contact, context=park, actor=personas["screener"])
        LinkFactory(a=contact.child, b=park, kind=LinkKind.FREQUENTS)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url)


def test_screening_opens_an_assessment_from_the_contact(park_world, personas, client_for):
    contact = park_world["about"][0]
    client = client_for(personas["screener"])
    page = client.get(contact.get_absolute_url()).content.decode()
    url = reverse("network:context_assessment_open", args=[park_world["node"].pk])
    assert url in page
    response = client.post(url, {"contact": contact.pk})
    assessment = park_world["node"].context_assessments.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/context-assessments/{assessment.pk}/edit/")
    assert assessment.contact == contact and assessment.opened_by == personas["screener"]
    # A contact not about the park cannot open its assessment: refused on the page, nothing made.
    other = client.post(
        reverse("network:context_assessment_open", args=[node_of(PlaceFactory()).pk]), {"contact": contact.pk}
    )
    assert other.status_code == 200 and "govuk-error-summary" in other.content.decode()


def test_the_advisor_links_and_sees_the_place_but_not_the_network(park_world, personas, client_for):
    text = client_for(personas["advisor"]).get(park_world["about"][0].get_absolute_url()).content.decode()
    assert "Northgate Park" in text
    assert reverse("network:context_detail", args=[park_world["node"].pk]) not in text
    assert "contacts in the last 30 days" not in text


def test_a_place_is_taken_off_a_contact_with_a_reason(park_world, personas, client_for):
    referral = park_world["node"].context_referrals.first()
    client = client_for(personas["screener"])
    url = reverse("network:contact_context_remove", args=[referral.pk])
    assert client.get(url).status_code == 200
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    assert client.post(url, {"reason": "Linked in error"}).status_code == 302
    referral.refresh_from_db()
    assert referral.removed_reason == "Linked in error" and referral.removed_by == personas["screener"]
    assert client_for(personas["police"]).get(url).status_code == 404

"""MACE compartments across the whole service (001:L1389-1394), beyond the front door's own tests
(tests/contacts/test_mace_compartments.py): no partner practitioner ever receives another agency's
MACE entry by any route: any page of any app, search, child page, contact page, export, notification
or e-mail. Only the screener (who runs the enquiry) and the Family Connect manager read every agency's
entries; when the contact is referred to CATE the information follows the referral (001:L1395-1396) to
those working on it (the assessment's author, the allocated worker, the team leaders) and to no one else."""

import pytest
from django.core import mail
from django.urls import reverse

from contacts import services as contact_services
from core.models import Agency, Notification

from .matrix_support import PERSONAS
from .test_permission_matrix import MATRIX, url_of
from .world import HEALTH_REFERRED, HEALTH_SECRET, POLICE_REFERRED, POLICE_SECRET

pytestmark = pytest.mark.django_db

SECRETS = {"police": POLICE_SECRET, "health": HEALTH_SECRET}


@pytest.fixture
def world(rich_world):
    return rich_world


def _searches(world) -> list[str]:
    """Searches, and the pages of the child and contact the enquiry is about (not referred on)."""
    contact = world["contact"]
    return [
        contact.get_absolute_url(),
        world["child"].get_absolute_url(),
        reverse("contacts:mace_list") + "?text=Worldchild",
        reverse("contacts:mace_list") + f"?text={contact.reference}",
        reverse("contacts:mace_list") + "?state=closed",
        reverse("contacts:child_search") + "?name=Worldchild",
        reverse("contacts:contact_list") + "?text=Worldchild",
        reverse("contacts:contact_list") + f"?text={contact.reference}",
        reverse("core:audit") + f"?child={world['child'].pk}",
    ]


def _forbidden_for(persona: str) -> list[str]:
    """The secrets a persona must never receive: every other agency's (and both, for non-partners)."""
    return [secret for agency, secret in SECRETS.items() if agency != persona]


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in ("anonymous", "screener", "fc_manager")])
def test_no_one_but_the_screener_receives_another_agencys_entry_by_any_page(world, client_for, persona):
    client = client_for(world.personas[persona])
    urls = [url_of(name, row, world) for name, row in MATRIX.items() if not name.startswith("admin:")]
    urls += _searches(world)
    forbidden = _forbidden_for(persona)
    seen_own = False
    for url in urls:
        response = client.get(url)
        assert response.status_code != 500, url
        body = response.content.decode(errors="replace")
        for secret in forbidden:
            assert secret not in body, (persona, url)
        seen_own = seen_own or (persona in SECRETS and SECRETS[persona] in body)
    if persona in SECRETS:
        assert seen_own, "a partner does see their own agency's entry (the sweep reaches it)"


# Who reads the referred contact's answers, on any page: the screeners, and those working on the referral
# (the `cate_worker` persona writes its assessment; team leaders work on every referral).
READS_THE_REFERRAL = {"screener", "fc_manager", "cate_worker", "team_leader"}


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_the_information_follows_the_referral_to_those_working_on_it_and_no_one_else(world, client_for, persona):
    client = client_for(world.personas[persona])
    urls = [url_of(name, row, world) for name, row in MATRIX.items() if not name.startswith("admin:")]
    urls += [*_searches(world), reverse("contacts:mace_detail", args=[world["referred_mace"].pk])]
    seen = set()
    for url in urls:
        body = client.get(url).content.decode(errors="replace")
        seen |= {text for text in (POLICE_REFERRED, HEALTH_REFERRED) if text in body}
    own = {"police": {POLICE_REFERRED}, "health": {HEALTH_REFERRED}}
    expected = {POLICE_REFERRED, HEALTH_REFERRED} if persona in READS_THE_REFERRAL else own.get(persona, set())
    assert seen == expected


@pytest.mark.parametrize("persona", ["police", "health"])
def test_a_partners_export_holds_only_their_own_agencys_entry(world, client_for, persona):
    response = client_for(world.personas[persona]).get(reverse("contacts:mace_export", args=[world["mace"].pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert SECRETS[persona] in text
    for secret in _forbidden_for(persona):
        assert secret not in text


@pytest.mark.parametrize("persona", ["screener", "fc_manager"])
def test_the_screener_sees_every_agencys_entry_on_the_child_and_contact_pages(world, client_for, persona):
    client = client_for(world.personas[persona])
    for url in (world["child"].get_absolute_url(), world["contact"].get_absolute_url()):
        body = client.get(url).content.decode()
        assert POLICE_SECRET in body and HEALTH_SECRET in body, url


def test_notifications_and_emails_to_partners_hold_no_agency_information(
    world, client_for, django_capture_on_commit_callbacks
):
    """Partners are told an enquiry awaits their agency's answer, with a link: never what anyone said."""
    screener, police, health = (world.personas[n] for n in ("screener", "police", "health"))
    with django_capture_on_commit_callbacks(execute=True):
        request = contact_services.mace_request_send(
            contact=world["contact"],
            actor=screener,
            agencies=Agency.objects.filter(pk__in=[police.agency_id, health.agency_id]),
            question="Anything new?",
        )
    with django_capture_on_commit_callbacks(execute=True):
        contact_services.mace_entry_add(request=request, actor=police, information=POLICE_SECRET + " (again)")
        contact_services.mace_entry_add(request=request, actor=health, information=HEALTH_SECRET + " (again)")
    assert Notification.objects.filter(recipient__in=[police, health]).exclude(title__startswith="For ").exists()
    for persona, user in (("police", police), ("health", health)):
        texts = [f"{n.title} {n.body}" for n in Notification.objects.filter(recipient=user)]
        texts += [f"{m.subject} {m.body}" for m in mail.outbox if user.email in m.to]
        texts.append(client_for(user).get(reverse("core:notification_list")).content.decode())
        for text in texts:
            for secret in SECRETS.values():
                assert secret not in text, persona

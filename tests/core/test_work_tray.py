"""The home page is each role's work tray: every count links to a list the reader may open, and the
list shows exactly as many records as the count says; a user with several roles sees each role's
sections; the page makes the same number of queries however many records there are."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cate.choices import ReferralStatus
from cate.models import MissingEpisode
from contacts.choices import ContactStatus, Outcome
from core.contract import TrayCount
from core.roles import Role
from riskpanel.choices import PanelStatus
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    CaseFactory,
    ContactFactory,
    EarlyHelpFollowUpFactory,
    MaceRecipientFactory,
    MaceRequestFactory,
    PanelDecisionFactory,
    PanelMeetingFactory,
    PossibleDuplicateFactory,
    ReferralFactory,
    grant_case_access,
)

pytestmark = pytest.mark.django_db

TRAY_PERSONAS = (
    "advisor",
    "screener",
    "fc_manager",
    "police",
    "cate_worker",
    "other_worker",
    "team_leader",
    "group_manager",
    "panel_member",
)


def add_records(personas, police_agency, n: int = 1) -> None:
    """`n` of each kind of record a tray counts, and as many that no tray of these personas counts."""
    now, today = timezone.now(), timezone.localdate()
    worker, other, leader = personas["cate_worker"], personas["other_worker"], personas["team_leader"]
    for _ in range(n):
        for holder in (worker, other):
            case = CaseFactory(allocated_worker=holder, next_visit_due_at=now - dt.timedelta(days=1))
            grant_case_access(case, holder)
            MissingEpisode.objects.create(
                child=case.child,
                case=case,
                missing_from=now - dt.timedelta(days=5),
                returned_at=now - dt.timedelta(days=4),
                rhi_due_at=now - dt.timedelta(days=1),
                recorded_by=holder,
            )
            ActionFactory(case=case, due_on=today - dt.timedelta(days=2), owner_agency=police_agency)
            ActionFactory(case=case)  # not yet due
            PanelDecisionFactory(item__case=case, next_review_on=today - dt.timedelta(days=1))
        fine = CaseFactory(allocated_worker=worker, next_visit_due_at=now + dt.timedelta(days=3))
        grant_case_access(fine, worker)
        soon = CaseFactory(allocated_worker=worker, next_visit_due_at=now + dt.timedelta(hours=5))
        grant_case_access(soon, worker)
        MissingEpisode.objects.create(
            child=soon.child,
            case=soon,
            missing_from=now - dt.timedelta(days=2),
            returned_at=now - dt.timedelta(days=1),
            rhi_due_at=now + dt.timedelta(hours=20),
            recorded_by=worker,
        )
        CaseFactory(allocation_due_at=now - dt.timedelta(hours=3))  # not allocated, overdue
        CaseFactory(allocation_due_at=now + dt.timedelta(hours=3))  # not allocated, not yet due
        ReferralFactory()
        ReferralFactory(status=ReferralStatus.ASSESSMENT_IN_PROGRESS)
        # The front door
        ContactFactory(recorded_by=personas["advisor"], decision_due_at=now - dt.timedelta(hours=1))
        ContactFactory(recorded_by=personas["advisor"], status=ContactStatus.IN_SCREENING, assigned_to=leader)
        ContactFactory(recorded_by=personas["screener"], assigned_to=personas["screener"])
        ContactFactory(recorded_by=personas["advisor"], is_anonymous=True, child=None)
        decided(now, recorded_by=personas["advisor"])
        PossibleDuplicateFactory()
        EarlyHelpFollowUpFactory(contact=decided(now), due_at=now - dt.timedelta(days=1))
        EarlyHelpFollowUpFactory(contact=decided(now))
        MaceRecipientFactory(agency=police_agency, request__contact=decided(now))  # unanswered
        overdue_request = MaceRequestFactory(contact=decided(now), requested_at=now - dt.timedelta(days=2))
        MaceRecipientFactory(agency=police_agency, request=overdue_request)  # unanswered and overdue
        MaceRecipientFactory(agency=police_agency, request__contact=decided(now), responded_at=now)
        panel = PanelMeetingFactory(status=PanelStatus.OPEN, members=[personas["panel_member"]])
        AgendaItemFactory(meeting=panel, case=fine)
        AgendaItemFactory(meeting=PanelMeetingFactory(status=PanelStatus.OPEN), case=fine)  # not invited
    MaceRequestFactory(contact=decided(now))  # sent to no one


def decided(now, **kwargs):
    return ContactFactory(status=ContactStatus.DECIDED, decided_at=now, outcome=Outcome.INFORMATION_ADVICE, **kwargs)


def tray_of(client) -> list:
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response.context["tray"]


def listed(client, item: TrayCount) -> int:
    """How many records the page a count links to shows (every page of it)."""
    response = client.get(item.url)
    assert response.status_code == 200, item
    page = response.context["page"]
    if item.label == "Papers of the children on them":
        return sum(panel.item_count for panel in page.paginator.object_list)
    return page.paginator.count


@pytest.mark.parametrize("persona", TRAY_PERSONAS)
def test_every_count_equals_what_its_list_shows(personas, police_agency, client_for, persona):
    add_records(personas, police_agency, n=2)
    client = client_for(personas[persona])
    tray = tray_of(client)
    assert tray, f"{persona} has no work tray"
    for section in tray:
        for item in section.counts:
            assert listed(client, item) == item.count, (persona, section.title, item)


EXPECTED = {
    # persona: {label: count} for n=2 records of each kind (add_records)
    "advisor": {
        "Contacts you logged: awaiting screening": 4,
        "Contacts you logged: in screening": 2,
        "Contacts you logged: decided": 2,
        "Anonymous form submissions waiting for a decision": 2,
    },
    "screener": {
        "Contacts waiting for a decision": 8,
        "Decisions overdue": 2,
        "Not assigned to anyone": 4,
        "Assigned to you": 2,
    },
    "fc_manager": {
        "Decisions overdue": 2,
        "Possible duplicate children to resolve": 2,
        "Escalated: enquiries with an agency's answer overdue": 2,
        "Escalated: early-help follow-ups overdue": 2,
    },
    "police": {
        "Enquiries awaiting your agency's answer": 4,
        "Open multi-agency actions your agency owns": 4,
        "Overdue actions your agency owns": 4,
    },
    "cate_worker": {
        "Cases you hold": 6,
        "Visits overdue": 2,
        "Visits due within a day": 2,
        "Return home interviews overdue": 2,
        "Return home interviews due soon": 2,
        "Risk panel reviews overdue": 2,
        "Multi-agency actions overdue": 2,
    },
    "team_leader": {
        "Referrals no one has taken to assess": 2,
        "Cases not allocated": 4,
        "Allocations overdue": 2,
        "Visits overdue": 4,
        "Return home interviews overdue": 4,
        "Risk panel reviews overdue": 4,
        "Multi-agency actions overdue": 4,
    },
    "panel_member": {"Panels you are invited to": 2, "Papers of the children on them": 2},
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_each_role_sees_its_own_work(personas, police_agency, client_for, persona):
    add_records(personas, police_agency, n=2)
    counts = {item.label: item.count for section in tray_of(client_for(personas[persona])) for item in section.counts}
    for label, expected in EXPECTED[persona].items():
        assert counts.get(label) == expected, (persona, label, counts)


def test_the_home_page_shows_the_counts_as_links(personas, police_agency, client_for):
    add_records(personas, police_agency)
    html = client_for(personas["cate_worker"]).get(reverse("core:home")).content.decode()
    assert "Your cases" in html
    assert f'href="{reverse("cate:case_list")}?view=all&amp;worker={personas["cate_worker"].pk}&amp;due=visit"' in html


def test_a_user_with_several_roles_sees_each_roles_sections(personas, police_agency, client_for, make_user):
    add_records(personas, police_agency)
    user = personas["cate_worker"]
    titles = [section.title for section in tray_of(client_for(user))]
    assert "Your cases" in titles and "Risk panels" not in titles
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name=Role.PANEL_MEMBER.label), Group.objects.get(name=Role.ADVISOR.label))
    titles = [section.title for section in tray_of(client_for(user))]
    assert {"Your cases", "Risk panels", "Contacts you logged"} <= set(titles)


def test_roles_without_a_tray_see_their_pages(personas, client_for):
    for persona in ("auditor", "administrator"):
        response = client_for(personas[persona]).get(reverse("core:home"))
        assert response.status_code == 200 and response.context["tray"] == []


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("core:home")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", TRAY_PERSONAS)
def test_the_home_page_makes_as_many_queries_for_many_records_as_for_one(personas, police_agency, client_for, persona):
    client = client_for(personas[persona])
    add_records(personas, police_agency, n=1)
    _home_queries(client)  # the first request fills the per-process caches (content types, settings)
    few = _home_queries(client)
    add_records(personas, police_agency, n=15)
    assert _home_queries(client) == few

"""The context panel (a "contextual MACE", issue 19 point 4): scheduling, the agenda of places and
peer groups, opening (the invited partners' access window) and closing, decisions, actions through
riskpanel's action machinery, attendance by agency and minutes; who sees what, and that no child a
reader may not see shows through a context; history of every change; pages at a fixed number of
queries; bad input answered on the form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.choices import AgencyKind
from core.models import AccessLog
from core.roles import Role
from network import panel_selectors, services
from network.choices import ContextItemKind, LinkKind, NetworkStatus
from network.models.panels import ContextPanel, ContextPanelItem
from riskpanel import selectors as riskpanel_selectors
from riskpanel.choices import ActionStatus, MinutesStatus, PanelStatus
from tests.factories import AgencyFactory, CaseFactory, ChildFactory, LinkFactory, PeerGroupFactory, PlaceFactory
from tests.security.forms import error_summary

pytestmark = pytest.mark.django_db

SECRET = "Hiddenchildname"


@pytest.fixture
def licensing(make_user):
    agency = AgencyFactory(name="Licensing", kind=AgencyKind.LICENSING)
    return make_user(Role.PARTNER, username="licensing", agency=agency)


def _schedule(personas, *members, days: int = 3, **kwargs) -> ContextPanel:
    leader = personas["team_leader"]
    return services.context_panel_schedule(
        actor=leader,
        meets_at=timezone.now() + dt.timedelta(days=days),
        chair=leader,
        members=list(members),
        **kwargs,
    )


@pytest.fixture
def park(personas):
    """A park with three children linked: one anyone may know of, one restricted (naming the CATE
    worker only), one whose only link is through a CATE case."""
    place = PlaceFactory(kind="park", name="Riverside park", address="Riverside walk", postcode="TF2 2BB")
    visible = ChildFactory(first_name="Visiblechild", last_name="Example")
    hidden = ChildFactory(first_name=SECRET, last_name="Example", is_restricted=True)
    hidden.restricted_to.add(personas["cate_worker"])
    LinkFactory(a=visible, b=place, kind=LinkKind.FREQUENTS)
    LinkFactory(a=hidden, b=place, kind=LinkKind.FREQUENTS)
    case = CaseFactory(child=ChildFactory(first_name="Casechild", last_name="Example"))
    LinkFactory(a=case, b=place, kind=LinkKind.FREQUENTS)
    return place


@pytest.fixture
def listed(personas, park, licensing):
    """An open panel, the police and licensing partners invited, the park on its agenda."""
    leader = personas["team_leader"]
    panel = _schedule(personas, personas["police"], licensing, agencies=[personas["police"].agency, licensing.agency])
    item = services.context_item_add(
        panel=panel, actor=leader, context=park, kind=ContextItemKind.ASSESSMENT, details="Children gather at night"
    )
    services.context_panel_open(panel=panel, actor=leader)
    panel.refresh_from_db()
    item.refresh_from_db()
    return panel, item


# --- Services ---------------------------------------------------------------------------------


def test_scheduling_listing_opening_deciding_and_closing_keep_history(personas, park, licensing):
    leader = personas["team_leader"]
    panel = _schedule(personas, licensing, location="Civic centre")
    assert panel.status == PanelStatus.SCHEDULED
    assert panel.history.latest().history_user == leader
    assert panel.history.latest().history_change_reason == "Context panel scheduled"
    assert list(panel.members.all()) == [licensing]

    item = services.context_item_add(panel=panel, actor=leader, context=park, kind=ContextItemKind.ASSESSMENT)
    assert item.node.place == park
    assert "Riverside park" in item.paper and "TF2 2BB" in item.paper
    assert SECRET not in item.paper and "Visiblechild" not in item.paper
    assert item.history.latest().history_user == leader

    with pytest.raises(ValidationError, match="Open the panel"):
        services.context_item_decide(item=item, actor=leader, decision="Too early")

    services.context_panel_open(panel=panel, actor=leader)
    item.refresh_from_db()
    decided = services.context_item_decide(
        item=item, actor=leader, decision="Licensing visit", discussion="Seen late", expected_version=item.version
    )
    assert decided.decided_by == leader and decided.decided_at is not None
    assert decided.history.latest().history_change_reason == "Context panel decision recorded"

    services.context_panel_close(panel=panel, actor=leader)
    panel.refresh_from_db()
    assert panel.status == PanelStatus.CLOSED and panel.closed_at is not None
    assert panel.history.latest().history_change_reason == "Context panel closed"
    with pytest.raises(ValidationError):
        services.context_item_add(panel=panel, actor=leader, context=PlaceFactory(), kind=ContextItemKind.CONCERN)


@pytest.mark.parametrize("persona", ["cate_worker", "group_manager", "fc_manager", "police", "panel_member"])
def test_only_a_team_leader_chairs(persona, personas, park):
    with pytest.raises(PermissionDenied):
        services.context_panel_schedule(actor=personas[persona], meets_at=timezone.now() + dt.timedelta(days=2))
    panel = _schedule(personas)
    with pytest.raises(PermissionDenied):
        services.context_item_add(panel=panel, actor=personas[persona], context=park, kind=ContextItemKind.ASSESSMENT)
    with pytest.raises(PermissionDenied):
        services.context_panel_open(panel=panel, actor=personas[persona])


def test_every_fault_at_once_when_scheduling(personas):
    with pytest.raises(ValidationError) as refused:
        services.context_panel_schedule(
            actor=personas["team_leader"],
            meets_at=timezone.now() - dt.timedelta(days=1),
            chair=personas["cate_worker"],
            members=[personas["advisor"]],
        )
    assert set(refused.value.message_dict) == {"meets_at", "chair", "members"}


def test_a_context_is_listed_once_per_panel_and_withdrawn_with_a_reason(personas, park):
    leader = personas["team_leader"]
    panel = _schedule(personas)
    item = services.context_item_add(panel=panel, actor=leader, context=park, kind=ContextItemKind.ASSESSMENT)
    with pytest.raises(ValidationError, match="already on this panel"):
        services.context_item_add(panel=panel, actor=leader, context=park, kind=ContextItemKind.CONCERN)
    with pytest.raises(ValidationError):
        services.context_item_withdraw(item=item, actor=leader, reason="  ")
    withdrawn = services.context_item_withdraw(item=item, actor=leader, reason="Assessment not ready")
    assert withdrawn.withdrawn_reason == "Assessment not ready"
    assert ContextPanelItem.objects.filter(pk=item.pk).exists()  # never deleted
    again = services.context_item_add(panel=panel, actor=leader, context=park, kind=ContextItemKind.ASSESSMENT)
    assert again.pk != item.pk


def test_a_peer_group_is_a_context_too(personas):
    leader = personas["team_leader"]
    group = PeerGroupFactory(name="Station lads")
    item = services.context_item_add(
        panel=_schedule(personas), actor=leader, context=group, kind=ContextItemKind.PLAN_REVIEW
    )
    assert item.node.peer_group == group and item.paper == "Peer group: Station lads"


def test_an_action_agreed_is_a_multi_agency_action_the_owning_partner_works(personas, listed, licensing):
    leader = personas["team_leader"]
    _panel, item = listed
    agreed = services.context_item_action_add(
        item=item,
        actor=leader,
        description="Visit the kiosk licence holder",
        owner_agency=licensing.agency,
        owner=licensing,
        due_on=timezone.localdate() + dt.timedelta(days=10),
    )
    action = agreed.action
    assert action.case is None and action.status == ActionStatus.OPEN
    assert agreed.history.latest().history_user == leader
    # The licensing partner sees it in their agency's list; the police partner does not.
    assert action in riskpanel_selectors.actions_visible_to(licensing)
    assert action not in riskpanel_selectors.actions_visible_to(personas["police"])
    with pytest.raises(ValidationError) as refused:
        services.context_item_action_add(
            item=item, actor=leader, description="", owner_agency=None, due_on=timezone.localdate() - dt.timedelta(1)
        )
    assert {"description", "owner_agency", "owner", "due_on"} <= set(refused.value.message_dict)


def test_attendance_and_minutes_become_final_once_closed_and_decided(personas, listed, licensing):
    leader = personas["team_leader"]
    panel, item = listed
    row = services.context_attendance_record(
        panel=panel, actor=leader, agency=licensing.agency, present="Licensing officer", expected_version=panel.version
    )
    assert row.history.latest().history_user == leader
    with pytest.raises(ValidationError) as refused:
        services.context_attendance_record(panel=panel, actor=leader, agency=None)
    assert set(refused.value.message_dict) == {"agency", "present"}
    panel.refresh_from_db()
    with pytest.raises(ValidationError, match="Close the panel"):
        services.context_minutes_record(panel=panel, actor=leader, other_business="None", finalise=True)
    services.context_panel_close(panel=panel, actor=leader)
    panel.refresh_from_db()
    with pytest.raises(ValidationError, match="not decided"):
        services.context_minutes_record(panel=panel, actor=leader, finalise=True)
    services.context_item_decide(item=item, actor=leader, decision="Disrupt and review in 12 weeks")
    panel.refresh_from_db()
    final = services.context_minutes_record(panel=panel, actor=leader, other_business="AOB", finalise=True)
    assert final.minutes_status == MinutesStatus.FINAL and final.minutes_finalised_by == leader
    item.refresh_from_db()
    with pytest.raises(ValidationError, match="final"):
        services.context_item_decide(item=item, actor=leader, decision="Changed")


# --- Who sees what -----------------------------------------------------------------------------


def test_invited_partners_see_the_panel_only_in_its_window(personas, park, licensing):
    leader = personas["team_leader"]
    panel = _schedule(personas, personas["police"], licensing)
    for reader in (personas["police"], licensing, personas["health"]):
        assert panel not in panel_selectors.context_panels_visible_to(reader)
    services.context_panel_open(panel=panel, actor=leader)
    assert panel in panel_selectors.context_panels_visible_to(personas["police"])
    assert panel in panel_selectors.context_panels_visible_to(licensing)
    assert panel not in panel_selectors.context_panels_visible_to(personas["health"])  # not invited
    services.context_panel_close(panel=panel, actor=leader)
    for reader in (personas["police"], licensing):
        assert panel not in panel_selectors.context_panels_visible_to(reader)
    for reader in ("team_leader", "group_manager", "fc_manager"):
        assert panel in panel_selectors.context_panels_visible_to(personas[reader])
    for reader in ("advisor", "screener", "cate_worker", "auditor", "administrator"):
        assert not panel_selectors.context_panels_visible_to(personas[reader]).exists()


def test_no_child_a_reader_may_not_see_shows_through_a_context(personas, listed, licensing, client_for):
    """The police partner reads the network: the child anyone may know of, never the restricted
    child, nor the child known only through a case they may not open. The licensing partner does not
    read the network: no child at all. The team leader: every child but the restricted one; the
    CATE worker named on the restricted child would see it, but is not at the panel."""
    panel, item = listed
    url = reverse("network:context_item_detail", args=[panel.pk, item.pk])
    seen = {}
    for name, user in (("police", personas["police"]), ("licensing", licensing), ("leader", personas["team_leader"])):
        response = client_for(user).get(url)
        assert response.status_code == 200
        seen[name] = response.content.decode()
        assert SECRET not in seen[name]
        assert "Riverside park" in seen[name] and "Children gather at night" in seen[name]
    assert "Visiblechild" in seen["police"] and "Casechild" not in seen["police"]
    assert "Visiblechild" not in seen["licensing"] and "Casechild" not in seen["licensing"]
    assert "Visiblechild" in seen["leader"] and "Casechild" in seen["leader"]
    children = panel_selectors.children_through_context(personas["cate_worker"], item.node)
    assert SECRET in {child.first_name for child in children}  # named on it: the rule cuts, not a blanket
    for page in ("context_panel_detail", "context_minutes"):
        for user in (personas["police"], licensing):
            html = client_for(user).get(reverse(f"network:{page}", args=[panel.pk])).content.decode()
            assert SECRET not in html and "Visiblechild" not in html


def test_the_paper_is_404_outside_the_window_and_to_those_not_invited(personas, listed, licensing, client_for):
    panel, item = listed
    url = reverse("network:context_item_detail", args=[panel.pk, item.pk])
    assert client_for(personas["health"]).get(url).status_code == 404
    assert client_for(personas["cate_worker"]).get(url).status_code == 404
    services.context_panel_close(panel=panel, actor=personas["team_leader"])
    assert client_for(licensing).get(url).status_code == 404
    assert client_for(personas["police"]).get(url).status_code == 404
    other = _schedule(personas, days=9)
    services.context_panel_open(panel=other, actor=personas["team_leader"])
    nested = reverse("network:context_item_detail", args=[other.pk, item.pk])
    assert client_for(personas["team_leader"]).get(nested).status_code == 404  # an item under another panel


def test_the_paper_is_access_logged(personas, listed, licensing, client_for):
    panel, item = listed
    client_for(licensing).get(reverse("network:context_item_detail", args=[panel.pk, item.pk]))
    assert AccessLog.objects.filter(user=licensing, object_id=str(item.pk)).exists()


# --- Pages ---------------------------------------------------------------------------------------


def test_the_chair_runs_the_panel_through_its_pages(personas, park, client_for):
    leader = personas["team_leader"]
    client = client_for(leader)
    meets = timezone.localtime() + dt.timedelta(days=5)
    response = client.post(
        reverse("network:context_panel_schedule"),
        {
            "meets_at_day": meets.day,
            "meets_at_month": meets.month,
            "meets_at_year": meets.year,
            "meets_at_time": "10:00",
            "location": "Civic centre",
            "members": [personas["police"].pk],
        },
    )
    assert response.status_code == 302, error_summary(response.content.decode())
    panel = ContextPanel.objects.get()
    add = reverse("network:context_item_add", args=[panel.pk])
    found = client.get(add, {"q": "riverside"}).content.decode()
    assert f"place-{park.pk}" in found
    response = client.post(add, {"q": "riverside", "context": f"place-{park.pk}", "kind": "assessment"})
    assert response.status_code == 302, error_summary(response.content.decode())
    item = panel.items.get()
    assert client.post(reverse("network:context_panel_open", args=[panel.pk])).status_code == 302
    decide = reverse("network:context_item_decide", args=[panel.pk, item.pk])
    response = client.post(decide, {"decision": "Patrols", "discussion": "", "version": item.version})
    assert response.status_code == 302, error_summary(response.content.decode())
    item.refresh_from_db()
    assert item.decision == "Patrols"
    page = client.get(reverse("network:context_panel_detail", args=[panel.pk])).content.decode()
    assert "Riverside park" in page and "Decided" in page


def test_bad_input_is_answered_on_the_form_keeping_what_was_typed(personas, listed, client_for):
    panel, item = listed
    client = client_for(personas["team_leader"])
    response = client.post(
        reverse("network:context_item_action_add", args=[panel.pk, item.pk]),
        {"description": "Keep <this> typed", "due_on_day": "31", "due_on_month": "2", "due_on_year": "20x5"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "Keep &lt;this&gt; typed" in html
    response = client.post(reverse("network:context_item_add", args=[panel.pk]), {"q": "x" * 500, "context": "place-x"})
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    response = client.post(
        reverse("network:context_panel_schedule"), {"meets_at_day": "99", "meets_at_month": "1", "meets_at_year": "2"}
    )
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()


def test_a_context_no_longer_in_use_cannot_be_listed(personas, park):
    park.status = NetworkStatus.ENTERED_IN_ERROR
    park.save()
    assert panel_selectors.contexts_matching(personas["team_leader"], "riverside") == []
    assert panel_selectors.context_from_choice(personas["team_leader"], f"place-{park.pk}") is None


def _panel_with(personas, count: int) -> ContextPanel:
    leader = personas["team_leader"]
    panel = _schedule(personas, personas["police"], days=20 + count)
    for n in range(count):
        place = PlaceFactory(name=f"Place {n}")
        LinkFactory(a=ChildFactory(), b=place, kind=LinkKind.FREQUENTS)
        item = services.context_item_add(panel=panel, actor=leader, context=place, kind=ContextItemKind.ASSESSMENT)
        if n % 2 == 0:
            services.context_panel_open(panel=panel, actor=leader)
            item.refresh_from_db()
            services.context_item_decide(item=item, actor=leader, decision="Agreed")
            services.context_item_action_add(
                item=item,
                actor=leader,
                description="Do it",
                owner_agency=personas["police"].agency,
                owner_name="Sergeant",
                due_on=timezone.localdate() + dt.timedelta(days=5),
            )
    services.context_panel_open(panel=panel, actor=leader)
    return panel


@pytest.mark.parametrize("page", ["context_panel_detail", "context_minutes"])
def test_the_agenda_and_minutes_make_the_same_queries_whatever_their_length(
    page, personas, client_for, django_assert_max_num_queries
):
    client = client_for(personas["team_leader"])
    small, large = _panel_with(personas, 1), _panel_with(personas, 12)
    client.get(reverse(f"network:{page}", args=[small.pk]))  # warm the session
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse(f"network:{page}", args=[small.pk])).status_code == 200
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(reverse(f"network:{page}", args=[large.pk])).status_code == 200


def test_the_list_and_the_paper_make_the_same_queries_whatever_the_data(
    personas, client_for, django_assert_max_num_queries
):
    client = client_for(personas["police"])
    small = _panel_with(personas, 1)
    item = small.items.first()
    client.get(reverse("network:context_panel_list"))
    with CaptureQueriesContext(connection) as listing:
        client.get(reverse("network:context_panel_list"))
    with CaptureQueriesContext(connection) as paper:
        client.get(reverse("network:context_item_detail", args=[small.pk, item.pk]))
    for _ in range(6):
        LinkFactory(a=ChildFactory(), b=item.node.place, kind=LinkKind.FREQUENTS)
    _panel_with(personas, 5)
    with django_assert_max_num_queries(len(listing.captured_queries)):
        client.get(reverse("network:context_panel_list"))
    with django_assert_max_num_queries(len(paper.captured_queries)):
        assert client.get(reverse("network:context_item_detail", args=[small.pk, item.pk])).status_code == 200


# --- The agenda of what is due -------------------------------------------------------------------


def test_the_agenda_offers_the_assessments_and_plan_reviews_due(personas, client_for):
    from network.models import ContextAssessment, ContextPlan
    from tests.factories.network import node_of

    leader = personas["team_leader"]
    panel = _schedule(personas, days=10)
    day = timezone.localtime(panel.meets_at).date()
    draft_due = PlaceFactory(name="Draft due place")
    draft_later = PlaceFactory(name="Draft later place")
    completed = PlaceFactory(name="Completed place")
    review_due = PeerGroupFactory(name="Review due group")
    review_later = PeerGroupFactory(name="Review later group")
    base = {"opened_by": leader, "opened_at": timezone.now()}
    ContextAssessment.objects.create(node=node_of(draft_due), kind="location", due_on=day, **base)
    ContextAssessment.objects.create(node=node_of(draft_later), kind="location", due_on=day + dt.timedelta(1), **base)
    ContextAssessment.objects.create(
        node=node_of(completed),
        kind="location",
        due_on=day - dt.timedelta(20),
        status="complete",
        completed_at=timezone.now(),
        judgement="moderate",
        **base,
    )
    plan = {"opened_by": leader, "opened_at": timezone.now(), "intended_change": "Safer"}
    ContextPlan.objects.create(node=node_of(review_due), next_review_on=day, **plan)
    ContextPlan.objects.create(node=node_of(review_later), next_review_on=day + dt.timedelta(7), **plan)

    labels = " ".join(label for _, label in panel_selectors.context_agenda_due(panel))
    assert "Draft due place" in labels and "Completed place" in labels and "Review due group" in labels
    assert "Draft later place" not in labels and "Review later group" not in labels
    page = client_for(leader).get(reverse("network:context_item_add", args=[panel.pk])).content.decode()
    assert "Draft due place" in page and f"place-{completed.pk}" in page

    services.context_item_add(panel=panel, actor=leader, context=draft_due, kind=ContextItemKind.ASSESSMENT)
    services.context_item_add(panel=panel, actor=leader, context=completed, kind=ContextItemKind.ASSESSMENT)
    labels = " ".join(label for _, label in panel_selectors.context_agenda_due(panel))
    assert "Draft due place" not in labels  # on this agenda now
    later = _schedule(personas, days=30)
    labels = " ".join(label for _, label in panel_selectors.context_agenda_due(later))
    assert "Completed place" not in labels  # taken to a panel since it was completed
    assert "Draft due place" in labels  # still a draft, still due

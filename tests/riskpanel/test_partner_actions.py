"""Partner agency practitioners on their agency's actions: they open an action their agency owns
(what they need to act, never the case record), list their agency's open, overdue and done actions,
record progress and complete it; each update lands in the case chronology for the worker. Another
agency's practitioner, and anyone not named on a restricted child, gets 404."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cate.choices import ChronologyKind
from core.exceptions import TransitionNotAllowed
from riskpanel import selectors, services
from riskpanel.choices import ActionStatus, AgencyActionsShown
from riskpanel.models import ActionProgressNote
from tests.factories import ActionFactory, CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def police(personas):
    return personas["police"]


@pytest.fixture
def action(personas, worker_case):
    """An action of the worker's case owned by the police, agreed by the worker."""
    worker = personas["cate_worker"]
    worker.job_title, worker.phone = "CATE youth worker", "01234 567890"
    worker.save(update_fields=["job_title", "phone"])
    return services.action_create(
        actor=worker,
        case=worker_case,
        description="Visit the address of concern",
        owner_agency=personas["police"].agency,
        owner=personas["police"],
        due_on=timezone.localdate() + dt.timedelta(days=7),
    )


def restrict(child, *named):
    child.is_restricted = True
    child.save(update_fields=["is_restricted"])
    child.restricted_to.add(*named)


# --- Services --------------------------------------------------------------------------------


def test_the_owning_agencys_partner_records_progress_with_history_and_chronology(police, action, worker_case):
    progress = services.action_progress_record(action=action, actor=police, note="  Called at the address; no answer ")
    assert (progress.note, progress.recorded_by, progress.action) == (
        "Called at the address; no answer",
        police,
        action,
    )
    row = progress.history.latest()
    assert (row.history_user, row.history_change_reason) == (police, "Progress on an action recorded")
    event = worker_case.chronology.get(summary="Progress on action (Police): Visit the address of concern")
    assert (event.detail, event.recorded_by, event.kind) == (
        "Called at the address; no answer",
        police,
        ChronologyKind.OTHER,
    )


def test_the_owning_agencys_partner_completes_the_action(police, action, worker_case):
    done = services.action_complete(
        action=action, actor=police, completion_note="Officers visited; intelligence shared", expected_version=1
    )
    assert (done.status, done.completed_by) == (ActionStatus.DONE, police)
    assert done.history.latest().history_user == police
    event = worker_case.chronology.get(summary="Action done (Police): Visit the address of concern")
    assert (event.detail, event.recorded_by) == ("Officers visited; intelligence shared", police)


def test_a_partner_neither_changes_nor_cancels_the_action(police, action):
    with pytest.raises(PermissionDenied):
        services.action_cancel(action=action, actor=police, reason="Not ours")
    with pytest.raises(PermissionDenied):
        services.action_update(
            action=action,
            actor=police,
            description="Something else",
            owner_agency=action.owner_agency,
            owner=police,
            due_on=action.due_on,
        )


def test_another_agencys_practitioner_cannot_update_the_action(personas, action):
    for name in ("health", "panel_member", "other_worker", "group_manager", "advisor"):
        with pytest.raises(PermissionDenied):
            services.action_progress_record(action=action, actor=personas[name], note="x")
        with pytest.raises(PermissionDenied):
            services.action_complete(action=action, actor=personas[name], completion_note="x")
    assert not ActionProgressNote.objects.exists()


def test_the_case_worker_records_progress_too(personas, action, worker_case):
    services.action_progress_record(action=action, actor=personas["cate_worker"], note="Chased the police")
    assert worker_case.chronology.filter(detail="Chased the police").exists()


def test_a_partner_not_named_on_a_restricted_child_cannot_update_its_action(personas, police, action, worker_case):
    restrict(worker_case.child, personas["cate_worker"])
    with pytest.raises(PermissionDenied):
        services.action_progress_record(action=action, actor=police, note="x")
    worker_case.child.restricted_to.add(police)
    services.action_progress_record(action=action, actor=police, note="Named on the record now")


def test_progress_needs_a_note_and_an_open_action(police, action):
    with pytest.raises(ValidationError) as error:
        services.action_progress_record(action=action, actor=police, note="   ")
    assert error.value.message_dict == {"note": ["Enter what has been done so far"]}
    services.action_complete(action=action, actor=police, completion_note="Done")
    with pytest.raises(ValidationError) as error:
        services.action_progress_record(action=action, actor=police, note="More")
    assert "agree a new action with the case's worker" in error.value.messages[0]
    with pytest.raises(TransitionNotAllowed, match="This action has been done"):
        services.action_cancel(action=action, actor=action.created_by, reason="x")


# --- Selectors -------------------------------------------------------------------------------


def test_the_list_of_the_agencys_actions_open_overdue_and_done(personas, police, action, worker_case):
    today = timezone.localdate()
    overdue = ActionFactory(case=worker_case, owner_agency=police.agency, due_on=today - dt.timedelta(days=2))
    done = ActionFactory(
        case=worker_case,
        owner_agency=police.agency,
        status=ActionStatus.DONE,
        completed_at=timezone.now(),
        completion_note="Done",
    )
    no_case = ActionFactory(case=None, owner_agency=police.agency, description="Reply to the placing authority")
    ActionFactory(case=worker_case, owner_agency=personas["health"].agency)  # health's

    def shown(show):
        return list(selectors.partner_action_list_for_user(police, show=show, today=today))

    assert shown(AgencyActionsShown.OPEN) == [overdue, action, no_case]
    assert shown(AgencyActionsShown.OVERDUE) == [overdue]
    assert shown(AgencyActionsShown.DONE) == [done]
    assert selectors.partner_action_counts(police, today=today) == {"open": 3, "overdue": 1, "done": 1}
    assert selectors.partner_action_list_for_user(personas["health"], show="open", today=today).count() == 1
    for name in ("team_leader", "cate_worker", "panel_member"):  # their lists are elsewhere
        assert not selectors.partner_action_list_for_user(personas[name], show="open", today=today).exists()


def test_a_restricted_childs_actions_are_listed_only_to_partners_named_on_it(personas, police, action, worker_case):
    other = ActionFactory(case=CaseFactory(), owner_agency=police.agency)
    restrict(worker_case.child, personas["cate_worker"])
    today = timezone.localdate()
    assert list(selectors.partner_action_list_for_user(police, show="open", today=today)) == [other]
    assert selectors.partner_action_counts(police, today=today)["open"] == 1
    worker_case.child.restricted_to.add(police)
    assert set(selectors.partner_action_list_for_user(police, show="open", today=today)) == {action, other}


# --- Pages -----------------------------------------------------------------------------------


def test_the_partner_opens_their_agencys_action_and_sees_what_they_need_not_the_case(
    personas, client_for, police, action, worker_case
):
    child, worker = worker_case.child, personas["cate_worker"]
    child.date_of_birth = dt.date(2011, 3, 5)
    child.save(update_fields=["date_of_birth"])
    services.action_progress_record(action=action, actor=worker, note="Asked the police to visit")
    page = client_for(police).get(action.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    for expected in (
        child.full_name,
        "5 March 2011",
        worker_case.reference,
        "Visit the address of concern",
        str(worker),
        "CATE youth worker",
        "01234 567890",
        f'href="mailto:{worker.email}"',
        "Asked the police to visit",
        reverse("riskpanel:action_progress_add", args=[action.pk]),
        reverse("riskpanel:action_complete", args=[action.pk]),
        reverse("riskpanel:partner_actions"),
    ):
        assert expected in html, expected
    for hidden in ("/cases/", reverse("riskpanel:action_edit", args=[action.pk]), "Cancel the action"):
        assert hidden not in html, hidden


def test_another_agencys_partner_gets_404_as_for_a_missing_action(personas, client_for, action):
    health = client_for(personas["health"])
    missing = health.get(reverse("riskpanel:action_detail", args=[999_999]))
    seen = health.get(action.get_absolute_url())
    assert seen.status_code == missing.status_code == 404
    html, missing_html = seen.content.decode(), missing.content.decode()
    assert html[html.index("<main") :] == missing_html[missing_html.index("<main") :]
    assert health.post(reverse("riskpanel:action_progress_add", args=[action.pk]), {"note": "x"}).status_code == 404


def test_the_partner_opens_a_restricted_childs_action_only_when_named(
    personas, client_for, police, action, worker_case
):
    restrict(worker_case.child, personas["cate_worker"])
    client = client_for(police)
    assert client.get(action.get_absolute_url()).status_code == 404
    assert worker_case.child.full_name not in client.get(reverse("riskpanel:partner_actions")).content.decode()
    worker_case.child.restricted_to.add(police)
    assert client.get(action.get_absolute_url()).status_code == 200


def test_the_list_page_filters_and_survives_any_filter(personas, client_for, police, action):
    ActionFactory(
        case=action.case,
        owner_agency=police.agency,
        description="Share the disruption plan",
        status=ActionStatus.DONE,
        completed_at=timezone.now(),
        completion_note="Shared",
    )
    client = client_for(police)
    url = reverse("riskpanel:partner_actions")
    open_page = client.get(url).content.decode()
    assert "Visit the address of concern" in open_page and "Share the disruption plan" not in open_page
    assert "Open (1)" in open_page and "Overdue (0)" in open_page and "Done (1)" in open_page
    done_page = client.get(url + "?show=done").content.decode()
    assert "Share the disruption plan" in done_page and "Visit the address of concern" not in done_page
    assert "None of your agency's actions is overdue." in client.get(url + "?show=overdue").content.decode()
    for odd in ("?show=nonsense", "?show=", "?page=99", "?page=x&show=done"):
        assert client.get(url + odd).status_code == 200, odd


def test_a_progress_note_through_the_page_reaches_the_workers_chronology(
    personas, client_for, police, action, worker_case
):
    client = client_for(police)
    url = reverse("riskpanel:action_progress_add", args=[action.pk])
    refused = client.post(url, {"note": "  "})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "<title>Error: " in html and "govuk-error-summary" in html and "Enter what has been done so far" in html
    response = client.post(url, {"note": "Patrols at the address twice this week"})
    assert response.status_code == 302 and response["Location"] == action.get_absolute_url() + "#progress"
    chronology = client_for(personas["cate_worker"]).get(reverse("cate:chronology", args=[worker_case.pk]))
    body = chronology.content.decode()
    assert "Progress on action (Police): Visit the address of concern" in body
    assert "Patrols at the address twice this week" in body and str(police) in body


def test_a_closed_action_sends_the_partner_back_and_keeps_what_they_typed(client_for, police, action):
    client = client_for(police)
    progress_url = reverse("riskpanel:action_progress_add", args=[action.pk])
    complete_url = reverse("riskpanel:action_complete", args=[action.pk])
    assert client.post(complete_url, {"completion_note": "Visited", "version": action.version}).status_code == 302
    back = client.get(progress_url, follow=True)
    assert back.redirect_chain == [(action.get_absolute_url(), 302)]
    assert "nothing more can be recorded on it" in back.content.decode()
    refused = client.post(progress_url, {"note": "Typed before it closed"})
    html = refused.content.decode()
    assert refused.status_code == 200 and "govuk-error-summary" in html
    assert "agree a new action with the case&#x27;s worker" in html and "Typed before it closed" in html
    assert not ActionProgressNote.objects.exists()


def test_a_second_completion_is_refused_on_the_form_and_the_first_stands(client_for, personas, police, action):
    first, second = client_for(police), client_for(personas["team_leader"])
    url = reverse("riskpanel:action_complete", args=[action.pk])
    opened = action.version
    assert first.post(url, {"completion_note": "Done by the police", "version": opened}).status_code == 302
    refused = second.post(url, {"completion_note": "Done by the team", "version": opened})
    html = refused.content.decode()
    assert refused.status_code == 200 and "govuk-error-summary" in html
    assert "This action has been done" in html and "Done by the team" in html
    action.refresh_from_db()
    assert action.completion_note == "Done by the police"

"""Restricted records (DESIGN §4): a CATE team leader, Family Connect manager or group manager who can
see the child restricts its record to named staff, with a reason, recorded in the child's history and
each case's chronology, and told to everyone named. The allocated worker, the team leaders of that
worker's team and the person restricting always stay named: no one can hide a child from the people
working with them. The administrator and the auditor have no part in it. Everyone else, managers
included, gets 404 on the child and everything about it, and never sees the child in a search, list,
queue, caseload, agenda, drill-down or export."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cate.choices import ChronologyKind
from contacts import services
from core.models import AccessLog
from reporting.overdue import COMPUTED_LABELS, KIND_BY_CODE
from tests.factories import ChildFactory
from tests.world import CHILD_NAME, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    return build_world(personas)


def restrict(world, personas, *named, actor="group_manager", reason="Child of a member of staff"):
    return services.child_restrict(
        child=world["child"],
        actor=personas[actor],
        is_restricted=True,
        staff=[personas[name] for name in named],
        reason=reason,
    )


# --- The service ---------------------------------------------------------------------------------


def test_a_group_manager_restricts_a_record_with_history_and_chronology(personas, world):
    child = restrict(world, personas, "cate_worker")
    child.refresh_from_db()
    assert child.is_restricted
    # The acting manager stays named, so someone can always change it; the team leader of the allocated
    # worker's team is named without being chosen.
    assert set(child.restricted_to.all()) == {
        personas["cate_worker"],
        personas["team_leader"],
        personas["group_manager"],
    }
    latest = child.history.order_by("-history_id").first()
    assert latest.history_user == personas["group_manager"]
    assert latest.history_change_reason == "Child of a member of staff"
    assert latest.is_restricted
    event = world["case"].chronology.order_by("-id").first()
    assert event.kind == ChronologyKind.OTHER
    assert event.summary == "Record restricted to named staff"
    assert event.detail == "Child of a member of staff"
    assert event.recorded_by == personas["group_manager"]


def test_lifting_a_restriction_clears_the_names_and_says_so(personas, world):
    child = restrict(world, personas, "cate_worker")
    child = services.child_restrict(
        child=child, actor=personas["group_manager"], is_restricted=False, staff=[], reason="No longer needed"
    )
    child.refresh_from_db()
    assert not child.is_restricted and not child.restricted_to.exists()
    assert world["case"].chronology.order_by("-id").first().summary == "Restriction of the record lifted"
    assert child.history.order_by("-history_id").first().history_change_reason == "No longer needed"


def test_an_unchanged_restriction_writes_nothing(personas, world):
    child = restrict(world, personas, "cate_worker")
    count = child.history.count()
    restrict(world, personas, "cate_worker", "group_manager", reason="Again")
    assert child.history.count() == count


@pytest.mark.parametrize(
    "name", ["administrator", "auditor", "screener", "advisor", "cate_worker", "police", "panel_member"]
)
def test_only_team_leaders_and_managers_may_restrict_or_lift(personas, world, name):
    with pytest.raises(PermissionDenied):
        restrict(world, personas, actor=name)
    restrict(world, personas, "screener")
    with pytest.raises(PermissionDenied):
        services.child_restrict(
            child=world["child"], actor=personas[name], is_restricted=False, staff=[], reason="Lift"
        )
    world["child"].refresh_from_db()
    assert world["child"].is_restricted


@pytest.mark.parametrize("name", ["team_leader", "fc_manager", "group_manager"])
def test_a_team_leader_or_manager_restricts_and_lifts(personas, world, name):
    restrict(world, personas, actor=name)
    child = world["child"]
    assert child.restricted_to.filter(pk=personas[name].pk).exists()
    services.child_restrict(child=child, actor=personas[name], is_restricted=False, staff=[], reason="Lifted")
    child.refresh_from_db()
    assert not child.is_restricted
    assert child.history.order_by("-history_id").first().history_user == personas[name]


def test_the_allocated_worker_their_team_leaders_and_the_restricter_always_stay_named(personas, world, make_user):
    from core.models import Team
    from core.roles import Role

    other_team = Team.objects.create(name="Another team", agency=personas["team_leader"].team.agency)
    other_leader = make_user(Role.TEAM_LEADER, username="p_leader_other", team=other_team)
    # Naming no one, and then only the screener: the holders stay named all the same.
    for named in ([], ["screener"]):
        child = restrict(world, personas, *named, actor="fc_manager")
        expected = {"cate_worker", "team_leader", "fc_manager", *named}
        assert set(child.restricted_to.all()) == {personas[n] for n in expected}
    assert not child.restricted_to.filter(pk=other_leader.pk).exists()  # a team leader of another team is not


def test_a_team_leader_of_another_team_is_not_named_and_gets_404(personas, world, make_user, client_for):
    from core.models import Team
    from core.roles import Role

    other_team = Team.objects.create(name="Another team", agency=personas["team_leader"].team.agency)
    other_leader = make_user(Role.TEAM_LEADER, username="p_leader_other", team=other_team)
    restrict(world, personas)
    client = client_for(other_leader)
    assert client.get(world["child"].get_absolute_url()).status_code == 404
    assert client.get(reverse("contacts:child_restriction", args=[world["child"].pk])).status_code == 404


def test_everyone_named_before_or_after_a_change_is_told(personas, world):
    from core.models import Notification

    def told():
        rows = Notification.objects.filter(title__contains=f"child {world['child'].pk}")
        return {(n.recipient.username, n.title.split(":")[0]) for n in rows}

    restrict(world, personas, "screener", actor="team_leader")
    assert told() == {("p_worker", "Restricted record made"), ("p_screener", "Restricted record made")}
    Notification.objects.all().delete()
    restrict(world, personas, "advisor", actor="team_leader", reason="The screener no longer needs it")
    assert told() == {
        ("p_worker", "Restricted record changed"),
        ("p_advisor", "Restricted record changed"),
        ("p_screener", "No longer named"),
    }
    Notification.objects.all().delete()
    services.child_restrict(
        child=world["child"], actor=personas["team_leader"], is_restricted=False, staff=[], reason="Over"
    )
    assert told() == {("p_worker", "Restriction lifted"), ("p_advisor", "Restriction lifted")}
    # No names leave the service by e-mail: the record's number only.
    assert not Notification.objects.filter(body__contains=CHILD_NAME).exists()
    assert not Notification.objects.filter(title__contains=CHILD_NAME).exists()


def test_the_named_staff_stay_in_the_history(personas, world):
    restrict(world, personas, "screener", actor="team_leader")
    restrict(world, personas, "advisor", actor="team_leader", reason="Changed")
    child = world["child"]
    rows = list(child.history.order_by("history_id"))
    named = [{row.user_id for row in version.restricted_to.all()} for version in rows]
    assert any(personas["screener"].pk in ids and personas["advisor"].pk not in ids for ids in named)
    latest = rows[-1]
    assert personas["advisor"].pk in named[-1] and personas["screener"].pk not in named[-1]
    assert latest.history_change_reason == "Changed" and latest.history_user == personas["team_leader"]


def test_a_reason_is_required(personas, world):
    with pytest.raises(ValidationError) as error:
        restrict(world, personas, reason="  ")
    assert "reason" in error.value.message_dict


def test_a_manager_not_named_cannot_change_a_restricted_record(personas, world, make_user):
    from core.roles import Role

    restrict(world, personas, "cate_worker")
    another = make_user(Role.GROUP_MANAGER, username="p_manager2")
    with pytest.raises(PermissionDenied):
        services.child_restrict(child=world["child"], actor=another, is_restricted=False, staff=[], reason="Curious")


# --- The page --------------------------------------------------------------------------------------


RESTRICTERS = {"team_leader", "group_manager", "fc_manager"}


def test_the_restriction_pages_answer_by_persona(personas, client_for, world):
    child = world["child"]
    for name, user in personas.items():
        client = client_for(user)
        expected = 200 if name in RESTRICTERS else 403
        assert client.get(reverse("contacts:child_restriction", args=[child.pk])).status_code == expected, name
        assert client.get(reverse("contacts:child_restriction_find")).status_code == expected, name
        assert client.post(reverse("contacts:child_restriction", args=[child.pk])).status_code == expected, name
    assert client_for(None).get(reverse("contacts:child_restriction", args=[child.pk])).status_code == 302


def test_the_page_shows_errors_and_restricts(personas, client_for, world):
    child = world["child"]
    client = client_for(personas["group_manager"])
    url = reverse("contacts:child_restriction", args=[child.pk])
    child.refresh_from_db()
    version = child.version
    bad = client.post(url, {"is_restricted": "yes", "staff": [personas["screener"].pk], "version": version})
    assert bad.status_code == 200
    assert "govuk-error-summary" in bad.content.decode() and "Enter the reason for the change" in bad.content.decode()
    child.refresh_from_db()
    assert not child.is_restricted
    good = client.post(
        url,
        {"is_restricted": "yes", "staff": [personas["screener"].pk], "reason": "High profile", "version": version},
    )
    assert good.status_code == 302 and good["Location"] == child.get_absolute_url()
    child.refresh_from_db()
    assert child.is_restricted
    assert AccessLog.objects.filter(user=personas["group_manager"], object_id=str(child.pk)).exists()
    # The allocated worker and their team leader were named without being chosen; an advisor not named gets 404.
    assert set(child.restricted_to.all()) == {
        personas[n] for n in ("screener", "cate_worker", "team_leader", "group_manager")
    }
    assert client_for(personas["advisor"]).get(child.get_absolute_url()).status_code == 404


def test_a_team_leader_finds_a_record_by_number(personas, client_for, world):
    child = world["child"]
    client = client_for(personas["team_leader"])
    found = client.get(reverse("contacts:child_restriction_find"), {"child": child.pk})
    assert found.status_code == 302 and found["Location"] == reverse("contacts:child_restriction", args=[child.pk])
    restricted = ChildFactory(is_restricted=True)  # not named: the same answer as no such record
    for number in (restricted.pk, 999999):
        page = client.get(reverse("contacts:child_restriction_find"), {"child": number})
        assert page.status_code == 200 and "There is no record with this number" in page.content.decode()
    assert client.get(reverse("contacts:child_restriction", args=[restricted.pk])).status_code == 404
    child.refresh_from_db()
    response = client.post(
        reverse("contacts:child_restriction", args=[child.pk]),
        {
            "is_restricted": "yes",
            "staff": [personas["screener"].pk],
            "reason": "Related to staff",
            "version": child.version,
        },
    )
    assert response.status_code == 302 and response["Location"] == child.get_absolute_url()
    listing = client.get(reverse("contacts:child_restriction_find")).content.decode()
    assert f"Child {child.pk}" in listing
    child.refresh_from_db()
    named = {personas[n] for n in ("screener", "cate_worker", "team_leader")}
    assert set(child.restricted_to.all()) == named


@pytest.mark.parametrize("name", ["administrator", "auditor"])
def test_the_administrator_and_the_auditor_have_no_restriction_pages(personas, client_for, world, name):
    client = client_for(personas[name])
    child = world["child"]
    child.refresh_from_db()
    assert client.get(reverse("contacts:child_restriction_find")).status_code == 403
    assert client.get(reverse("contacts:child_restriction_find"), {"child": child.pk}).status_code == 403
    page = client.get(reverse("contacts:child_restriction", args=[child.pk]))
    assert page.status_code == 403 and CHILD_NAME not in page.content.decode()
    data = {"is_restricted": "yes", "staff": [], "reason": "Hide it", "version": child.version}
    assert client.post(reverse("contacts:child_restriction", args=[child.pk]), data).status_code == 403
    child.refresh_from_db()
    assert not child.is_restricted
    home = client.get(reverse("core:home")).content.decode()
    assert reverse("contacts:child_restriction_find") not in home


# --- Every surface -------------------------------------------------------------------------------


def _record_pages(world) -> list[str]:
    o = world.records
    case, meeting = o["case"], o["meeting"]
    return [
        reverse("contacts:child_detail", args=[o["child"].pk]),
        reverse("contacts:child_edit", args=[o["child"].pk]),
        reverse("contacts:contact_detail", args=[o["contact"].pk]),
        reverse("contacts:contact_detail", args=[o["decided"].pk]),
        reverse("contacts:mace_detail", args=[o["mace"].pk]),
        reverse("contacts:mace_export", args=[o["mace"].pk]),
        reverse("contacts:follow_up_complete", args=[o["decided"].follow_up.pk]),
        reverse("cate:case_detail", args=[case.pk]),
        reverse("cate:chronology", args=[case.pk]),
        reverse("cate:visit_list", args=[case.pk]),
        reverse("cate:risk_assessment_detail", args=[case.pk, o["risk_assessment"].pk]),
        reverse("cate:gp_letter_pdf", args=[case.pk, o["gp_letter"].pk]),
        reverse("riskpanel:case_detail", args=[case.pk]),
        reverse("riskpanel:item_detail", args=[meeting.pk, o["item"].pk]),
        reverse("riskpanel:safety_plan_detail", args=[o["safety_plan"].pk]),
        reverse("riskpanel:safety_plan_pdf", args=[o["safety_plan"].pk]),
        reverse("riskpanel:safety_plan_print", args=[o["safety_plan"].pk]),
        reverse("riskpanel:action_detail", args=[o["action"].pk]),
        reverse("riskpanel:strategy_meeting_detail", args=[o["strategy_meeting"].pk]),
    ]


def _list_pages(world, personas) -> list[str]:
    o = world.records
    return [
        reverse("contacts:index"),
        reverse("contacts:queue"),
        reverse("contacts:contact_list") + "?text=Worldchild",
        reverse("contacts:contact_list"),
        reverse("contacts:child_search") + "?name=Worldchild",
        reverse("contacts:mace_list"),
        reverse("contacts:mace_list") + "?text=Worldchild",
        reverse("contacts:follow_up_list"),
        reverse("contacts:child_restriction_find"),
        reverse("cate:index"),
        reverse("cate:referral_list"),
        reverse("cate:my_caseload"),
        reverse("cate:caseload_list"),
        reverse("cate:caseload_detail", args=[personas["cate_worker"].pk]),
        *[reverse("cate:case_list") + f"?view={view}" for view in ("open", "all", "unallocated")],
        reverse("riskpanel:index"),
        reverse("riskpanel:panel_list"),
        reverse("riskpanel:panel_detail", args=[o["meeting"].pk]),
        reverse("riskpanel:case_list"),
        reverse("riskpanel:action_list"),
        reverse("riskpanel:action_list_by_owner"),
        reverse("riskpanel:strategy_meeting_list"),
        reverse("reporting:index"),
        *[reverse("reporting:item_list", args=[kind]) for kind in [*KIND_BY_CODE, *COMPUTED_LABELS]],
        reverse("core:notification_list"),
        reverse("core:home"),
    ]


# The team leader of the allocated worker's team is always named, so is no outsider.
OUTSIDERS = ["group_manager", "other_worker", "screener", "advisor", "police", "health", "panel_member"]


@pytest.mark.parametrize("name", OUTSIDERS)
def test_an_unnamed_user_gets_404_on_every_record_of_a_restricted_child(personas, client_for, world, name):
    restrict(world, personas, "cate_worker", actor="fc_manager")
    client = client_for(personas[name])
    for url in _record_pages(world):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("name", [*OUTSIDERS, "auditor", "administrator"])
def test_an_unnamed_user_never_sees_a_restricted_child_in_a_list(personas, client_for, world, name):
    restrict(world, personas, "cate_worker", actor="fc_manager")
    client = client_for(personas[name])
    for url in _list_pages(world, personas):
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url  # a panel not theirs is 404
        body = response.content.decode(errors="replace")
        assert CHILD_NAME not in body and world["case"].reference not in body, url


def test_a_named_worker_still_sees_everything_and_the_lists_show_it(personas, client_for, world):
    restrict(world, personas, "cate_worker", "team_leader")
    leader = client_for(personas["team_leader"])
    for url in _record_pages(world):
        if "/front-door/" in url and "child" not in url:
            continue  # the team leader reads the front door but not MACE exports etc. (covered elsewhere)
        assert leader.get(url).status_code in (200, 403), url
    assert CHILD_NAME in leader.get(reverse("cate:case_list") + "?view=all").content.decode()
    agenda = leader.get(reverse("riskpanel:panel_detail", args=[world["meeting"].pk]))
    assert CHILD_NAME in agenda.content.decode()
    worker = client_for(personas["cate_worker"])
    assert worker.get(reverse("cate:case_detail", args=[world["case"].pk])).status_code == 200
    assert CHILD_NAME in worker.get(reverse("cate:my_caseload")).content.decode()


def test_the_allocated_worker_cannot_be_left_off_so_keeps_the_case(personas, client_for, world):
    child = restrict(world, personas, "screener")  # the worker holding the case is not chosen
    assert child.restricted_to.filter(pk=personas["cate_worker"].pk).exists()
    worker = client_for(personas["cate_worker"])
    assert worker.get(reverse("cate:case_detail", args=[world["case"].pk])).status_code == 200
    assert CHILD_NAME in worker.get(reverse("cate:my_caseload")).content.decode()


def test_a_worker_left_off_a_record_restricted_before_the_rule_loses_the_case(personas, client_for, world):
    restrict(world, personas, "team_leader")
    world["child"].restricted_to.remove(personas["cate_worker"])  # as a record restricted before the rule
    worker = client_for(personas["cate_worker"])
    assert worker.get(reverse("cate:case_detail", args=[world["case"].pk])).status_code == 404
    for url in _list_pages(world, personas):
        body = worker.get(url).content.decode(errors="replace")
        assert CHILD_NAME not in body and world["case"].reference not in body, url
    for url in _record_pages(world):
        assert worker.get(url).status_code == 404, url


def test_a_stale_restriction_form_is_refused(personas, client_for, world):
    child = world["child"]
    child.refresh_from_db()
    url = reverse("contacts:child_restriction", args=[child.pk])
    named = [personas["screener"].pk]
    data = {"is_restricted": "yes", "staff": named, "reason": "First", "version": child.version}
    manager = client_for(personas["group_manager"])
    assert manager.post(url, data).status_code == 302
    stale = manager.post(url, {**data, "is_restricted": "no", "reason": "Second"})
    assert stale.status_code == 200 and "govuk-error-summary" in stale.content.decode()
    child.refresh_from_db()
    assert child.is_restricted


def test_the_annual_report_still_counts_a_restricted_child(personas, client_for, world):
    import datetime as dt
    import json

    from django.utils import timezone

    today = timezone.localdate()
    start = today - dt.timedelta(days=30)
    query = {
        "file_format": "json",
        "start_day": start.day, "start_month": start.month, "start_year": start.year,
        "end_day": today.day, "end_month": today.month, "end_year": today.year,
    }  # fmt: skip
    client = client_for(personas["group_manager"])
    url = reverse("reporting:annual_report_download")
    before = json.loads(client.get(url, query).content)
    restrict(world, personas, "cate_worker", actor="fc_manager")  # the group manager is not named
    after = json.loads(client.get(url, query).content)
    assert before == after
    assert CHILD_NAME not in json.dumps(after)
    # the restricted child's three (the world's concern, its decided contact and its missing report)
    assert after["contacts"]["total"] == 3 and after["contacts"]["children"] == 1


def test_a_restricted_childs_case_is_allocated_only_to_staff_named_on_it(personas, world):
    from cate import services as cate_services

    restrict(world, personas, "cate_worker", "team_leader")
    case = world["case"]
    with pytest.raises(ValidationError, match="restricted"):
        cate_services.case_allocate(case=case, worker=personas["other_worker"], actor=personas["team_leader"])
    case.refresh_from_db()
    assert case.allocated_worker == personas["cate_worker"]


@pytest.mark.parametrize("rows", [1, 50])
def test_the_restricted_records_list_costs_the_same_queries_for_1_and_50_rows(
    personas, client_for, django_assert_max_num_queries, rows
):
    manager = personas["group_manager"]
    for _ in range(rows):
        ChildFactory(is_restricted=True).restricted_to.add(manager)
    client = client_for(manager)
    client.get(reverse("contacts:child_restriction_find"))  # warm the session and content types
    with django_assert_max_num_queries(10):
        response = client.get(reverse("contacts:child_restriction_find"))
    assert response.content.decode().count('<tr class="govuk-table__row">') == 1 + min(rows, 25)


def test_the_page_lists_those_always_named_and_warns_when_they_are_not(personas, client_for, world):
    child, worker, leader = world["child"], personas["cate_worker"], personas["team_leader"]
    client = client_for(personas["group_manager"])
    url = reverse("contacts:child_restriction", args=[child.pk])
    page = client.get(url).content.decode()
    always = page[page.index('id="always-named"') : page.index("</ul>", page.index('id="always-named"'))]
    assert f"holds CATE case {world['case'].reference}" in always and worker.get_full_name() in always
    assert leader.get_full_name() in always and "team leader of" in always
    # Not offered as boxes to untick.
    assert f'name="staff" type="checkbox" value="{worker.pk}"' not in page
    assert f'value="{worker.pk}"' not in page and f'value="{leader.pk}"' not in page
    restrict(world, personas, "screener")
    child.restricted_to.remove(worker)  # as a record restricted before the rule
    page = client.get(url).content.decode()
    assert "govuk-warning-text" in page and "saving names them" in page
    restrict(world, personas, "screener", reason="Worker named again")
    assert "govuk-warning-text" not in client.get(url).content.decode()
    assert child.restricted_to.filter(pk=worker.pk).exists()

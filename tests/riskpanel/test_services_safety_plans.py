"""Safety plans are versioned: one draft and one agreed plan at most per case; agreeing a draft
supersedes the plan agreed before; an agreed plan never changes."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from cate.choices import ChronologyKind
from core.clock import LONDON
from core.exceptions import StaleRecord, TransitionNotAllowed
from riskpanel import services
from riskpanel.choices import SafetyPlanStatus
from riskpanel.models import SafetyPlan
from tests.factories import PLAN_SECTIONS, SafetyPlanFactory

pytestmark = pytest.mark.django_db


def london(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


def test_versions_go_from_draft_to_agreed_to_superseded(personas, leader, worker_case):
    worker = personas["cate_worker"]
    first = services.safety_plan_start(case=worker_case, actor=worker, **PLAN_SECTIONS)
    assert (first.number, first.status, first.author) == (1, SafetyPlanStatus.DRAFT, worker)
    assert first.history.latest().history_change_reason == "Safety plan version 1 drafted"
    with pytest.raises(ValidationError, match="already a draft"):
        services.safety_plan_start(case=worker_case, actor=worker, **PLAN_SECTIONS)

    first = services.safety_plan_agree(
        plan=first, actor=leader, expected_version=first.version, now=london(2030, 3, 12, 15, 0)
    )
    assert (first.status, first.agreed_by, first.agreed_at) == (
        SafetyPlanStatus.AGREED,
        leader,
        london(2030, 3, 12, 15, 0),
    )
    assert first.review_due_on == dt.date(2030, 6, 4)  # 12 weeks after it was agreed
    assert worker_case.chronology.filter(
        kind=ChronologyKind.SAFETY_PLAN, summary="Safety plan version 1 agreed; review due by 4 Jun 2030"
    ).exists()

    second = services.safety_plan_start(case=worker_case, actor=worker, **{**PLAN_SECTIONS, "risks": "New risk"})
    assert second.number == 2
    first.refresh_from_db()
    assert first.status == SafetyPlanStatus.AGREED  # still in force while the new version is a draft
    second = services.safety_plan_agree(plan=second, actor=leader, now=london(2030, 4, 1, 10, 0))
    first.refresh_from_db()
    assert (first.status, first.superseded_at) == (SafetyPlanStatus.SUPERSEDED, london(2030, 4, 1, 10, 0))
    assert first.history.latest().history_change_reason == "Superseded by version 2"
    assert second.status == SafetyPlanStatus.AGREED
    assert worker_case.chronology.filter(
        summary="Safety plan version 2 agreed; review due by 24 Jun 2030 (replaces version 1)"
    ).exists()
    statuses = dict(SafetyPlan.objects.filter(case=worker_case).values_list("number", "status"))
    assert statuses == {1: SafetyPlanStatus.SUPERSEDED, 2: SafetyPlanStatus.AGREED}


def test_an_agreed_or_superseded_plan_never_changes(leader, worker_case):
    plan = services.safety_plan_start(case=worker_case, actor=leader, **PLAN_SECTIONS)
    plan = services.safety_plan_agree(plan=plan, actor=leader)
    with pytest.raises(ValidationError, match="start a new version"):
        services.safety_plan_update(plan=plan, actor=leader, risks="Changed")
    with pytest.raises(TransitionNotAllowed):
        services.safety_plan_agree(plan=plan, actor=leader)


def test_a_draft_changes_with_optimistic_locking(personas, worker_case):
    worker = personas["cate_worker"]
    plan = services.safety_plan_start(case=worker_case, actor=worker, **PLAN_SECTIONS)
    seen = plan.version
    plan = services.safety_plan_update(plan=plan, actor=worker, expected_version=seen, risks="Updated after a visit")
    assert plan.risks == "Updated after a visit" and plan.version == seen + 1
    assert plan.history.latest().history_change_reason == "Safety plan version 1 draft changed"
    with pytest.raises(StaleRecord):
        services.safety_plan_update(plan=plan, actor=worker, expected_version=seen, risks="Lost update")
    plan.refresh_from_db()
    assert plan.risks == "Updated after a visit"
    unchanged = services.safety_plan_update(plan=plan, actor=worker, risks="Updated after a visit")
    assert unchanged.version == plan.version


def test_who_may_write_and_agree(personas, worker_case):
    with pytest.raises(PermissionDenied):
        services.safety_plan_start(case=worker_case, actor=personas["other_worker"], **PLAN_SECTIONS)
    with pytest.raises(PermissionDenied):
        services.safety_plan_start(case=worker_case, actor=personas["group_manager"], **PLAN_SECTIONS)
    plan = services.safety_plan_start(case=worker_case, actor=personas["cate_worker"], **PLAN_SECTIONS)
    for name in ("cate_worker", "group_manager", "panel_member"):
        with pytest.raises(PermissionDenied):
            services.safety_plan_agree(plan=plan, actor=personas[name])


def test_an_earlier_review_date_can_be_chosen_but_not_a_later_one(leader, worker_case):
    plan = services.safety_plan_start(case=worker_case, actor=leader, **PLAN_SECTIONS)
    now = london(2030, 3, 12, 15, 0)
    with pytest.raises(ValidationError) as error:
        services.safety_plan_agree(plan=plan, actor=leader, review_due_on=dt.date(2030, 6, 5), now=now)
    assert "no later than 4 Jun 2030" in str(error.value)
    plan = services.safety_plan_agree(plan=plan, actor=leader, review_due_on=dt.date(2030, 4, 30), now=now)
    assert plan.review_due_on == dt.date(2030, 4, 30)


def test_the_database_allows_one_draft_and_one_agreed_plan_per_case(worker_case):
    SafetyPlanFactory(case=worker_case, number=1, status=SafetyPlanStatus.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        SafetyPlanFactory(case=worker_case, number=2, status=SafetyPlanStatus.DRAFT)
    SafetyPlanFactory(case=worker_case, number=3, status=SafetyPlanStatus.AGREED, agreed_at=london(2030, 1, 1, 9, 0))
    with pytest.raises(IntegrityError), transaction.atomic():
        SafetyPlanFactory(
            case=worker_case, number=4, status=SafetyPlanStatus.AGREED, agreed_at=london(2030, 1, 2, 9, 0)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        SafetyPlanFactory(case=worker_case, number=1, status=SafetyPlanStatus.SUPERSEDED, agreed_at=london(2030, 1, 1))


def test_a_draft_saves_with_any_sections_and_agreeing_names_every_empty_one(personas, leader, worker_case):
    worker = personas["cate_worker"]
    plan = services.safety_plan_start(case=worker_case, actor=worker, risks="Older men online", key_worker="")
    assert (plan.risks, plan.keeping_safe, plan.on_child_protection_plan) == ("Older men online", "", None)
    plan = services.safety_plan_update(plan=plan, actor=worker, expected_version=plan.version, keeping_safe="Home by 9")
    with pytest.raises(ValidationError) as refused:
        services.safety_plan_agree(plan=plan, actor=leader, review_due_on=dt.date(1999, 1, 1))
    errors = refused.value.message_dict
    assert set(errors) == {
        "review_due_on",
        "who_does_what",
        "key_worker",
        "out_of_hours_contacts",
        "young_person_involvement",
        "young_person_said",
        "family_involvement",
        "family_said",
        "on_child_protection_plan",
    }
    assert errors["key_worker"] == ["Enter the key worker's name"]
    assert all(message[0].startswith(("Enter", "Say")) for message in errors.values())
    plan.refresh_from_db()
    assert plan.status == SafetyPlanStatus.DRAFT


def test_agreeing_with_the_last_sections_saves_them_with_the_agreement(personas, leader, worker_case):
    plan = services.safety_plan_start(case=worker_case, actor=personas["cate_worker"], risks="Older men online")
    rest = {k: v for k, v in PLAN_SECTIONS.items() if k != "risks"}
    plan = services.safety_plan_agree(plan=plan, actor=leader, expected_version=plan.version, sections=rest)
    plan.refresh_from_db()
    assert plan.status == SafetyPlanStatus.AGREED
    assert (plan.risks, plan.family_said, plan.on_child_protection_plan) == (
        "Older men online",
        PLAN_SECTIONS["family_said"],
        PLAN_SECTIONS["on_child_protection_plan"],
    )
    latest = plan.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (leader, "Safety plan version 1 agreed")


def test_agreeing_with_sections_needs_the_right_to_change_the_draft(personas, leader, worker_case):
    plan = services.safety_plan_start(case=worker_case, actor=personas["cate_worker"], **PLAN_SECTIONS)
    with pytest.raises(PermissionDenied):
        services.safety_plan_agree(plan=plan, actor=personas["cate_worker"], sections={"risks": "x"})


def test_the_database_refuses_an_agreed_plan_that_does_not_say_whether_on_a_protection_plan(worker_case):
    with pytest.raises(IntegrityError), transaction.atomic():
        SafetyPlanFactory(
            case=worker_case,
            status=SafetyPlanStatus.AGREED,
            agreed_at=london(2030, 1, 1, 9, 0),
            on_child_protection_plan=None,
        )
    SafetyPlanFactory(case=worker_case, status=SafetyPlanStatus.DRAFT, on_child_protection_plan=None)

from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core import services
from core.clock import Duration, Unit
from core.exceptions import StaleRecord
from core.models import ServiceSetting
from core.roles import Role
from core.selectors import service_settings
from core.timescales import REGISTRY, Frequency


def test_registry_holds_the_design_defaults():
    expected = {
        "contact_decision": Duration(1, Unit.WORKING_DAYS),
        "early_help_follow_up": Duration(10, Unit.WORKING_DAYS),
        "detailed_assessment": Duration(45, Unit.WORKING_DAYS),
        "allocation": Duration(1, Unit.WORKING_DAYS),
        "nrm_referral": Duration(5, Unit.WORKING_DAYS),
        "gp_letter": Duration(5, Unit.WORKING_DAYS),
        "first_panel": Duration(42, Unit.CALENDAR_DAYS),
        "panel_review_high": Duration(12, Unit.WEEKS),
        "strategy_meeting": Duration(5, Unit.WORKING_DAYS),
        "strategy_meeting_review": Duration(6, Unit.WEEKS),
        "safety_plan_review": Duration(12, Unit.WEEKS),
        "return_home_interview": Duration(72, Unit.CLOCK_HOURS),
        "post17_transition": Duration(3, Unit.MONTHS),
    }
    for key, value in expected.items():
        assert REGISTRY[key].default == value, key
    assert REGISTRY["caseload_limit"].default == 10
    assert REGISTRY["visit_frequency_high"].default == Frequency(2, 7)
    assert REGISTRY["visit_frequency_low"].default == Frequency(1, 14)
    assert REGISTRY["rag_mapping"].default == {
        "high": "red",
        "medium_high": "amber",
        "medium": "amber",
        "low_medium": "green",
        "low": "green",
    }


@pytest.mark.django_db
def test_defaults_apply_until_a_group_manager_changes_them(make_user):
    manager = make_user(Role.GROUP_MANAGER)
    received = datetime(2024, 3, 28, 14, 0, tzinfo=UTC)
    assert service_settings().due("contact_decision", received) == datetime(2024, 4, 2, 13, 0, tzinfo=UTC)

    services.setting_update(
        key="contact_decision", value=Duration(2, Unit.WORKING_DAYS), actor=manager, reason="Council policy from April"
    )

    current = service_settings()
    assert current.duration("contact_decision") == Duration(2, Unit.WORKING_DAYS)
    assert current.due("contact_decision", received) == datetime(2024, 4, 3, 13, 0, tzinfo=UTC)
    row = ServiceSetting.objects.get(key="contact_decision")
    record = row.history.latest()
    assert record.history_user == manager
    assert record.history_change_reason == "Council policy from April"


@pytest.mark.django_db
def test_only_a_group_manager_changes_settings(make_user):
    for role in (Role.TEAM_LEADER, Role.SCREENER, Role.CATE_WORKER, Role.AUDITOR, Role.ADMINISTRATOR):
        with pytest.raises(PermissionDenied):
            services.setting_update(key="caseload_limit", value=12, actor=make_user(role), reason="x")
    assert not ServiceSetting.objects.exists()


@pytest.mark.django_db
def test_setting_values_are_validated(make_user):
    manager = make_user(Role.GROUP_MANAGER)
    with pytest.raises(ValidationError):
        services.setting_update(key="caseload_limit", value=0, actor=manager, reason="x")
    with pytest.raises(ValidationError):
        services.setting_update(key="rag_mapping", value={"high": "purple"}, actor=manager, reason="x")
    with pytest.raises(ValidationError):
        services.setting_update(key="visit_frequency_high", value=Frequency(0, 7), actor=manager, reason="x")


@pytest.mark.django_db
def test_a_stale_setting_edit_is_refused(make_user):
    manager = make_user(Role.GROUP_MANAGER)
    row = services.setting_update(key="caseload_limit", value=12, actor=manager, reason="first")
    seen = row.version
    services.setting_update(key="caseload_limit", value=14, actor=manager, reason="second", expected_version=seen)
    with pytest.raises(StaleRecord):
        services.setting_update(key="caseload_limit", value=8, actor=manager, reason="late", expected_version=seen)
    assert service_settings()["caseload_limit"] == 14


@pytest.mark.django_db
def test_settings_are_read_with_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        current = service_settings()
        current.due("return_home_interview", datetime(2024, 1, 1, tzinfo=UTC))
        current.frequency("visit_frequency_medium")

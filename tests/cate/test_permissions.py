"""The (user, obj) predicates of cate/permissions.py and the one permissions object of a case page."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied

from cate import permissions, services
from cate.choices import GpLetterTrigger, RiskSource
from cate.models import GpLetter
from core.roles import Role, collect_role_permissions
from tests.factories import CaseFactory, grant_case_access

pytestmark = pytest.mark.django_db


def test_the_roles_that_chair_panels_record_their_outcome_on_cases():
    roles = collect_role_permissions()
    for role, codes in roles.items():
        assert ("riskpanel.chair_panel" in codes) == (permissions.RECORD_PANEL_OUTCOME in codes), role


def test_a_panel_outcome_on_a_case_the_user_does_not_work_on(make_user):
    case = CaseFactory()
    chair = make_user(Role.CATE_WORKER)
    assert not permissions.can_work_on_case(chair, case)
    assert not permissions.can_set_risk_level(chair, case) and not permissions.can_write_gp_letter(chair, case)
    with pytest.raises(PermissionDenied):
        permissions.require_set_risk_level(chair, case)
    chair.user_permissions.add(Permission.objects.get(codename="record_panel_outcome"))
    chair = type(chair).objects.get(pk=chair.pk)  # permissions are cached per user object
    assert permissions.can_set_risk_level(chair, case) and permissions.can_write_gp_letter(chair, case)
    assert not permissions.can_work_on_case(chair, case)
    services.case_set_risk_level(case=case, level="high", source=RiskSource.PANEL, actor=chair, reason="Panel")
    services.gp_letter_create(case=case, trigger=GpLetterTrigger.PANEL, actor=chair)
    assert GpLetter.objects.filter(case=case, generated_by=chair).exists()


def test_the_case_page_permissions(personas):
    case = CaseFactory()
    grant_case_access(case, personas["cate_worker"])
    expected = {  # can work, allocate, close, classify
        "cate_worker": (True, False, False, False),
        "other_worker": (False, False, False, False),
        "team_leader": (True, True, True, True),
        "group_manager": (True, True, True, True),
    }
    for persona, flags in expected.items():
        assert permissions.case_permissions(personas[persona], case) == permissions.CasePermissions(*flags), persona

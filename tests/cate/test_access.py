import pytest
from django.http import Http404

from cate import selectors
from tests.factories import CaseFactory, grant_case_access, revoke_case_access

pytestmark = pytest.mark.django_db


def test_a_worker_sees_only_the_cases_allocated_to_them(personas):
    mine, theirs = CaseFactory(), CaseFactory()
    grant_case_access(mine, personas["cate_worker"])
    grant_case_access(theirs, personas["other_worker"])
    assert list(selectors.cases_visible_to(personas["cate_worker"])) == [mine]
    assert selectors.case_get_for_user(personas["cate_worker"], mine.pk) == mine
    with pytest.raises(Http404):
        selectors.case_get_for_user(personas["cate_worker"], theirs.pk)
    for manager in ("team_leader", "group_manager"):
        assert set(selectors.cases_visible_to(personas[manager])) == {mine, theirs}
    for outsider in ("screener", "police", "panel_member", "auditor", "administrator"):
        assert not selectors.cases_visible_to(personas[outsider]).exists(), outsider
    revoke_case_access(mine, personas["cate_worker"])
    assert not selectors.cases_visible_to(personas["cate_worker"]).exists()


def test_a_restricted_child_is_hidden_even_from_managers(personas):
    case = CaseFactory()
    case.child.is_restricted = True
    case.child.save()
    case.child.restricted_to.add(personas["group_manager"])
    assert case in selectors.cases_visible_to(personas["group_manager"])
    with pytest.raises(Http404):
        selectors.case_get_for_user(personas["team_leader"], case.pk)

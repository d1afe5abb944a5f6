import pytest
from django.http import Http404

from cate import selectors, services
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_a_worker_sees_only_the_cases_allocated_to_them(personas):
    mine, theirs = CaseFactory(), CaseFactory()
    services.case_grant_worker_access(case=mine, worker=personas["cate_worker"])
    services.case_grant_worker_access(case=theirs, worker=personas["other_worker"])
    assert list(selectors.cases_visible_to(personas["cate_worker"])) == [mine]
    assert selectors.case_get_for_user(personas["cate_worker"], mine.pk) == mine
    with pytest.raises(Http404):
        selectors.case_get_for_user(personas["cate_worker"], theirs.pk)
    for manager in ("team_leader", "group_manager"):
        assert set(selectors.cases_visible_to(personas[manager])) == {mine, theirs}
    for outsider in ("screener", "police", "panel_member", "auditor", "administrator"):
        assert not selectors.cases_visible_to(personas[outsider]).exists(), outsider
    services.case_revoke_worker_access(case=mine, worker=personas["cate_worker"])
    assert not selectors.cases_visible_to(personas["cate_worker"]).exists()


def test_a_restricted_child_is_hidden_even_from_managers(personas):
    case = CaseFactory()
    case.child.is_restricted = True
    case.child.save()
    case.child.restricted_to.add(personas["group_manager"])
    assert case in selectors.cases_visible_to(personas["group_manager"])
    with pytest.raises(Http404):
        selectors.case_get_for_user(personas["team_leader"], case.pk)

import pytest
from django.http import Http404

from cate import selectors, services
from cate.choices import ChronologyKind, RiskSource
from cate.models import Case
from core.roles import Role
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


def test_the_panel_decision_outranks_the_workers_assessment(personas):
    case = CaseFactory()
    leader = personas["team_leader"]
    services.case_set_risk_level(case=case, level="medium", source=RiskSource.ASSESSMENT, actor=leader, reason="RA")
    services.case_set_risk_level(case=case, level="high", source=RiskSource.PANEL, actor=leader, reason="Panel")
    services.case_set_risk_level(case=case, level="low", source=RiskSource.ASSESSMENT, actor=leader, reason="RA 2")
    case = Case.objects.get(pk=case.pk)
    assert (case.current_risk_level, case.risk_level_source) == ("high", RiskSource.PANEL)
    latest = case.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (leader, "Panel")
    events = list(case.chronology.filter(kind=ChronologyKind.RISK_LEVEL).values_list("summary", flat=True))
    assert events == [
        "Risk level Medium → High (risk panel decision)",
        "Risk level none → Medium (worker's risk assessment)",
    ]


def test_a_worker_without_the_case_cannot_set_its_risk(personas):
    from django.core.exceptions import PermissionDenied

    case = CaseFactory()
    with pytest.raises(PermissionDenied):
        services.case_set_risk_level(
            case=case, level="high", source=RiskSource.ASSESSMENT, actor=personas["cate_worker"], reason="x"
        )
    assert personas["cate_worker"].has_perm("cate.add_visit")
    assert not personas["cate_worker"].has_perm("cate.view_all_cases")
    assert personas["screener"].groups.get().name == Role.SCREENER.label


def test_gp_letter_is_generated_with_history_and_chronology(personas):
    from cate.choices import GpLetterTrigger

    case = CaseFactory(child__gp_practice="Riverside Medical Practice")
    letter = services.gp_letter_create(case=case, trigger=GpLetterTrigger.ALLOCATION, actor=personas["team_leader"])
    assert letter.practice == "Riverside Medical Practice" and case.reference in letter.body
    assert letter.due_at > letter.generated_at
    assert letter.history.latest().history_user == personas["team_leader"]
    assert case.chronology.filter(kind=ChronologyKind.GP_LETTER).exists()
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.gp_letter_create(case=case, trigger=GpLetterTrigger.ALLOCATION, actor=personas["cate_worker"])

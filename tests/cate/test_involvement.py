"""The front door shows a child's CATE cases; only those who may open a case get its link."""

import pytest

from cate import services
from cate.choices import AssessmentType
from core.roles import user_roles

hooks = pytest.importorskip("contacts.hooks")

pytestmark = pytest.mark.django_db


def test_the_front_door_learns_of_cate_cases(case, personas):
    rows = hooks.involvements_for_children([case.child_id], user=personas["screener"])[case.child_id]
    mine = [row for row in rows if row.label == f"CATE case {case.reference}"]
    assert len(mine) == 1 and mine[0].is_open and mine[0].status == "Open" and mine[0].url == ""
    rows = hooks.involvements_for_children([case.child_id], user=personas["cate_worker"])[case.child_id]
    assert next(r for r in rows if r.label == f"CATE case {case.reference}").url == case.get_absolute_url()


# --- Who works on a referral reads its contact and child at the front door -------------------------


def _referrals(n, screener, leader, author):
    from tests.factories import referral_from_contact

    referrals = [referral_from_contact(screener, first_name=f"Worked{i}") for i in range(n)]
    for referral in referrals:
        services.assessment_start(referral=referral, assessment_type=AssessmentType.CATE, author=author, actor=leader)
    return referrals


def test_the_author_allocated_worker_and_team_leaders_work_on_a_referral_and_no_one_else(personas, case):
    from contacts import selectors

    referrals = _referrals(1, personas["screener"], personas["team_leader"], personas["other_worker"])
    contact_ids = {referrals[0].contact_id}
    author = set(selectors.contacts_visible_to(personas["other_worker"]).values_list("pk", flat=True))
    assert author == contact_ids
    assert set(selectors.child_list_for_user(personas["other_worker"]).values_list("pk", flat=True)) == {
        referrals[0].child_id
    }
    # The persona worker holds `case`, opened from a referral with no contact: its child, no contact.
    assert not selectors.contacts_visible_to(personas["cate_worker"]).exists()
    assert list(selectors.child_list_for_user(personas["cate_worker"])) == [case.child]
    leader = selectors.contacts_worked_on(personas["team_leader"])
    assert set(leader.values_list("pk", flat=True)) == contact_ids
    for name in ("group_manager", "police", "auditor", "panel_member", "administrator"):
        assert not selectors.contacts_worked_on(personas[name]).exists(), name


@pytest.mark.parametrize("rows", [1, 20])
def test_reading_through_the_hook_costs_one_query_whatever_the_referrals(personas, django_assert_num_queries, rows):
    from contacts import selectors

    worker = personas["other_worker"]
    _referrals(rows, personas["screener"], personas["team_leader"], worker)
    worker = type(worker).objects.get(pk=worker.pk)
    worker.has_perm("cate.view_referral")  # the permission and role caches, filled once per request
    user_roles(worker)
    with django_assert_num_queries(1):
        contacts = list(selectors.contacts_visible_to(worker))
    with django_assert_num_queries(1):
        children = list(selectors.child_list_for_user(worker))
    assert len(contacts) == len(children) == rows

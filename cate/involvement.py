"""What CATE knows of a child, for the front door's screening and child pages (contacts.hooks), and
which contacts and children those working on a referral read at the front door (contacts.selectors)."""

from __future__ import annotations

from django.urls import reverse

from core.roles import Role, has_role

from .choices import LIVE_CASE_STATUSES
from .models import Case, Referral
from .permissions import REFERRAL_TEAM_ROLES, VIEW_ALL_CASES, VIEW_REFERRAL
from .selectors import cases_visible_to, referrals_worked_on


def open_cases_of_children(child_ids, *, user) -> dict:
    """Each child's CATE cases, the live ones open. Everyone who may see the child learns that a case
    exists (as the child's own CATE marker says); only those who may open the case get its link."""
    from contacts.hooks import Involvement

    cases = list(
        Case.objects.filter(child_id__in=list(child_ids))
        .order_by("-opened_at")
        .values("pk", "child_id", "reference", "status", "opened_at", "closed_at")
    )
    visible = set(cases_visible_to(user).filter(pk__in=[c["pk"] for c in cases]).values_list("pk", flat=True))
    result: dict[int, list] = {}
    for case in cases:
        live = case["status"] in LIVE_CASE_STATUSES
        result.setdefault(case["child_id"], []).append(
            Involvement(
                label=f"CATE case {case['reference']}",
                status=dict(Case._meta.get_field("status").choices)[case["status"]],
                since=case["opened_at"] if live else case["closed_at"],
                url=reverse("cate:case_detail", args=[case["pk"]]) if case["pk"] in visible else "",
                is_open=live,
            )
        )
    return result


def contacts_of_referrals_worked_on(user):
    """The contacts the referrals the user works on came from (`worked_contacts_providers`)."""
    referrals = referrals_worked_on(user)
    return None if referrals is None else referrals.filter(contact__isnull=False).values("contact_id")


def children_of_referrals_worked_on(user):
    """The children of the referrals the user works on (`worked_children_providers`)."""
    referrals = referrals_worked_on(user)
    return None if referrals is None else referrals.values("child_id")


def children_referred_for_team_leaders(user):
    """Whose front-door contacts a CATE team leader reads (`contact_readers_providers`, need to know):
    every child referred to CATE; None for anyone else. (A worker reads the contact their referral
    came from: `contacts_of_referrals_worked_on`.)"""
    if user.is_authenticated and has_role(user, *REFERRAL_TEAM_ROLES) and user.has_perm(VIEW_REFERRAL):
        return Referral.objects.values("child_id")
    return None


def children_with_cases_for_managers(user):
    """Whose front-door contacts a group manager or team leader, who see every case, reads through a
    case (`contact_readers_providers`): every child with a CATE case, imported ones included; None
    for anyone else. A group manager otherwise sees the front door's figures only."""
    managers = (*REFERRAL_TEAM_ROLES, Role.GROUP_MANAGER)
    if user.is_authenticated and has_role(user, *managers) and user.has_perm(VIEW_ALL_CASES):
        return Case.objects.values("child_id")
    return None


def holders_of_children(child_ids) -> dict:
    """Who holds each child's live cases (`child_holders_providers` in CateConfig): the allocated
    worker, and the team leaders of that worker's team (who can sign in). A restricted record always
    names them: restricting is never a way to hide a child from those working with it."""
    from contacts.hooks import Holder
    from core.selectors import staff_able_to_sign_in

    result: dict[int, list] = {}
    cases = list(
        Case.objects.filter(child_id__in=list(child_ids), status__in=LIVE_CASE_STATUSES, allocated_worker__isnull=False)
        .select_related("allocated_worker")
        .order_by("reference")
    )
    team_ids = {case.allocated_worker.team_id for case in cases if case.allocated_worker.team_id}
    leaders: dict[int, list] = {}
    if team_ids:
        found = staff_able_to_sign_in().filter(team_id__in=team_ids, groups__name=Role.TEAM_LEADER.label)
        for leader in found.order_by("first_name", "last_name", "pk").distinct():
            leaders.setdefault(leader.team_id, []).append(leader)
    for case in cases:
        worker = case.allocated_worker
        worker_name = worker.get_full_name() or worker.username
        holders = result.setdefault(case.child_id, [])
        holders.append(Holder(worker.pk, worker_name, f"holds CATE case {case.reference}", allocated=True))
        for leader in leaders.get(worker.team_id, []):
            what = f"team leader of {worker_name}, who holds CATE case {case.reference}"
            holders.append(Holder(leader.pk, leader.get_full_name() or leader.username, what))
    return result

"""What CATE knows of a child, for the front door's screening and child pages (contacts.hooks), and
which contacts and children those working on a referral read at the front door (contacts.selectors)."""

from __future__ import annotations

from django.urls import reverse

from .choices import LIVE_CASE_STATUSES
from .models import Case
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


def holders_of_children(child_ids) -> dict:
    """The workers allocated each child's live cases (`child_holders_providers` in CateConfig)."""
    from contacts.hooks import Holder

    result: dict[int, list] = {}
    cases = (
        Case.objects.filter(child_id__in=list(child_ids), status__in=LIVE_CASE_STATUSES, allocated_worker__isnull=False)
        .select_related("allocated_worker")
        .order_by("reference")
    )
    for case in cases:
        worker = case.allocated_worker
        result.setdefault(case.child_id, []).append(
            Holder(worker.pk, worker.get_full_name() or worker.username, f"holds CATE case {case.reference}")
        )
    return result

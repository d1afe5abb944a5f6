"""Contexts in the annual report (issue 19 point 6): the partnership's counts of context referrals,
assessments and plans by kind and by outcome, for any period.

Counts only: no place, peer group, child or person is named, and nothing says which places are
hotspots or where they are (a kind of context is a category: a school, an online space, another
place, a peer group). Every breakdown has a "not known" row so that its counts add up to its total.
Three queries whatever the number of records.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from network.choices import (
    ContextAssessmentKind,
    ContextAssessmentStatus,
    ContextJudgement,
    ContextPlanOutcome,
    NodeKind,
    PlaceKind,
)
from network.models import ContextAssessment, ContextPlan, ContextReferral

from . import figures
from .figures import Period

# What a context is, as the report counts it (the kinds of context assessment the toolkit has).
CONTEXT_KINDS = ("place", "school", "online", "peer_group", "not_known")
ASSESSMENT_KINDS = (*ContextAssessmentKind.values, "not_known")
JUDGEMENTS = (*ContextJudgement.values, "not_known")
PLAN_OUTCOMES = (*ContextPlanOutcome.values, "not_known")

_KIND_OF_NODE = {
    "school": Q(node__kind=NodeKind.PLACE, node__place__kind=PlaceKind.SCHOOL),
    "online": Q(node__kind=NodeKind.PLACE, node__place__kind=PlaceKind.ONLINE),
    "place": Q(node__kind=NodeKind.PLACE) & ~Q(node__place__kind__in=[PlaceKind.SCHOOL, PlaceKind.ONLINE]),
    "peer_group": Q(node__kind=NodeKind.PEER_GROUP),
}


def _rest_not_known(counts: dict[str, int], total: int) -> dict[str, int]:
    counts["not_known"] = counts.get("not_known", 0) + total - sum(counts.values())
    return counts


def contexts_report(period: Period, window) -> dict[str, Any]:
    """Referrals made in the period (not taken off the contact since); assessments opened in it by
    kind, and those completed in it by judgement; plans opened in it, and those closed in it by
    outcome. `window` is the period's start and end as aware datetimes (reporting.selectors)."""
    start, end = window
    referrals = ContextReferral.objects.filter(added_at__gte=start, added_at__lt=end, removed_at__isnull=True)
    found = referrals.aggregate(total=Count("id"), **{kind: Count("id", filter=q) for kind, q in _KIND_OF_NODE.items()})
    referral_total = found.pop("total")
    by_kind = _rest_not_known(found, referral_total)

    opened = Q(opened_at__gte=start, opened_at__lt=end)
    completed = Q(status=ContextAssessmentStatus.COMPLETE, completed_at__gte=start, completed_at__lt=end)
    assessed = ContextAssessment.objects.aggregate(
        opened=Count("id", filter=opened),
        completed=Count("id", filter=completed),
        **{f"kind_{k}": Count("id", filter=opened & Q(kind=k)) for k in ContextAssessmentKind.values},
        **{f"judged_{j}": Count("id", filter=completed & Q(judgement=j)) for j in ContextJudgement.values},
    )
    assessment_kinds = _rest_not_known(
        {k: assessed[f"kind_{k}"] for k in ContextAssessmentKind.values}, assessed["opened"]
    )
    judgements = _rest_not_known({j: assessed[f"judged_{j}"] for j in ContextJudgement.values}, assessed["completed"])

    closed = Q(closed_at__gte=start, closed_at__lt=end)
    planned = ContextPlan.objects.aggregate(
        opened=Count("id", filter=Q(opened_at__gte=start, opened_at__lt=end)),
        closed=Count("id", filter=closed),
        **{f"outcome_{o}": Count("id", filter=closed & Q(outcome=o)) for o in ContextPlanOutcome.values},
    )
    outcomes = _rest_not_known({o: planned[f"outcome_{o}"] for o in ContextPlanOutcome.values}, planned["closed"])
    return {
        "referrals": referral_total,
        "referrals_by_kind": figures.breakdown(by_kind, CONTEXT_KINDS, referral_total),
        "assessments": assessed["opened"],
        "assessments_by_kind": figures.breakdown(assessment_kinds, ASSESSMENT_KINDS, assessed["opened"]),
        "assessments_completed": assessed["completed"],
        "assessments_by_judgement": figures.breakdown(judgements, JUDGEMENTS, assessed["completed"]),
        "plans": planned["opened"],
        "plans_closed": planned["closed"],
        "plans_by_outcome": figures.breakdown(outcomes, PLAN_OUTCOMES, planned["closed"]),
    }


# The denominator of each breakdown (reporting.presentation).
DENOMINATORS = {
    "referrals_by_kind": "referrals",
    "assessments_by_kind": "assessments",
    "assessments_by_judgement": "assessments_completed",
    "plans_by_outcome": "plans_closed",
}

SECTION = (
    "contexts",
    "Contexts: places, peer groups, schools and online spaces",
    "Contacts about a context, context assessments and plans for the partnership; counts only, no context named. "
    "Assessments by kind are of those opened in the period, by judgement of those completed in it; plans by "
    "outcome are of those closed in it.",
)

LABELS = {
    "referrals": "Contacts about a context",
    "referrals_by_kind": "Contacts about a context, by kind of context",
    "place": "A place (neighbourhood, premises, open space)",
    "school": "A school or college",
    "online": "An online space",
    "peer_group": "A peer group",
    "assessments": "Context assessments opened",
    "assessments_by_kind": "Context assessments opened, by kind",
    **{
        kind.value: kind.label for kind in ContextAssessmentKind if kind.value not in ("school", "online", "peer_group")
    },
    "assessments_completed": "Context assessments completed",
    "assessments_by_judgement": "Context assessments completed, by judgement",
    **{judgement.value: judgement.label for judgement in ContextJudgement},
    "plans": "Context plans opened",
    "plans_closed": "Context plans closed",
    "plans_by_outcome": "Context plans closed, by outcome",
    **{outcome.value: outcome.label for outcome in ContextPlanOutcome},
}

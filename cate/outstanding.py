"""What CATE still has outstanding on a case when its closure is proposed (the `closure_outstanding`
hook of core.contract): the child missing now, which no reason overrides; return home interviews not
held or declined; NRM referrals awaiting a decision; a visit overdue; the GP practice not told of
the closure. The worker gives a reason to go ahead with each of the others; the team leader accepts
or returns each reason."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from core import clock
from core.contract import Outstanding

from . import rules
from .choices import GpLetterTrigger, RhiStatus
from .models import Case, MissingEpisode

CHILD_MISSING = "child_missing"
VISIT_OVERDUE = "visit_overdue"
GP_NOT_TOLD = "gp_not_told"


def _when(moment: dt.datetime) -> str:
    return f"{clock.local(moment):%-d %B %Y %H:%M}"


def child_missing(case: Case) -> MissingEpisode | None:
    """The child's missing episode still running (the child is missing now), if any."""
    return (
        MissingEpisode.objects.filter(child_id=case.child_id, returned_at__isnull=True)
        .order_by("-missing_from", "-id")
        .first()
    )


def _missing_now(case: Case) -> list[Outstanding]:
    episode = child_missing(case)
    if episode is None:
        return []
    url = reverse("cate:missing_episode_detail", args=[case.pk, episode.pk]) if episode.case_id == case.pk else ""
    return [
        Outstanding(
            CHILD_MISSING,
            f"{case.child.full_name} is missing now (since {_when(episode.missing_from)}). "
            "A case cannot be closed while the child is missing.",
            overridable=False,
            url=url,
            link_text="See the missing episode" if url else "",
        )
    ]


def _interviews(case: Case) -> list[Outstanding]:
    episodes = (
        case.missing_episodes.filter(rhi_eligible=True, returned_at__isnull=False)
        .exclude(interview__status__in=[RhiStatus.COMPLETED, RhiStatus.DECLINED])
        .order_by("returned_at", "id")
    )
    return [
        Outstanding(
            f"rhi_outstanding:{episode.pk}",
            f"The return home interview after the child came back on {_when(episode.returned_at)} has not been "
            f"held or declined" + (f" (due by {_when(episode.rhi_due_at)})." if episode.rhi_due_at else "."),
            url=reverse("cate:rhi_edit", args=[case.pk, episode.pk]),
            link_text="Record the interview",
        )
        for episode in episodes
    ]


def _nrm_decisions(case: Case) -> list[Outstanding]:
    items = []
    for referral in case.nrm_referrals.filter(referred_on__isnull=False).order_by("referred_on", "id"):
        awaiting = rules.nrm_awaiting(
            referred_on=referral.referred_on,
            reasonable_grounds=referral.reasonable_grounds,
            conclusive_grounds=referral.conclusive_grounds,
        )
        if awaiting:
            items.append(
                Outstanding(
                    f"nrm_pending:{referral.pk}",
                    f"The NRM referral made on {referral.referred_on:%-d %B %Y} is awaiting the {awaiting} "
                    "decision. After closure it stays on the list of NRM referrals awaiting a decision.",
                    url=reverse("cate:nrm_edit", args=[case.pk, referral.pk]),
                    link_text="Record the decision",
                )
            )
    return items


def _visit(case: Case, now: dt.datetime) -> list[Outstanding]:
    if case.next_visit_due_at is None or case.next_visit_due_at >= now:
        return []
    return [
        Outstanding(
            VISIT_OVERDUE,
            f"A visit to the child was due by {_when(case.next_visit_due_at)} and is overdue.",
            url=reverse("cate:visit_add", args=[case.pk]),
            link_text="Record a visit",
        )
    ]


def _gp(case: Case) -> list[Outstanding]:
    letters = list(
        case.gp_letters.filter(trigger=GpLetterTrigger.CLOSURE, generated_at__gte=case.live_since).order_by(
            "-generated_at", "-id"
        )
    )
    if any(letter.sent_on for letter in letters):
        return []
    if letters:
        return [
            Outstanding(
                GP_NOT_TOLD,
                "The letter telling the GP practice of the closure is written but not recorded as sent.",
                url=reverse("cate:gp_letter_detail", args=[case.pk, letters[0].pk]),
                link_text="See the closure letter",
            )
        ]
    return [
        Outstanding(
            GP_NOT_TOLD,
            "The GP practice has not been told of the closure.",
            url=reverse("cate:gp_letter_closure", args=[case.pk]),
            link_text="Write the closure letter",
        )
    ]


def case_outstanding(case: Case, *, now: dt.datetime, settings) -> list[Outstanding]:
    """CATE's outstanding items on the case, as of `now`."""
    return [*_missing_now(case), *_interviews(case), *_nrm_decisions(case), *_visit(case, now), *_gp(case)]

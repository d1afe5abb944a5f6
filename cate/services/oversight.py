"""Issue 24's records of oversight: the supervision of CATE workers (Rec 33), the Independent
Reviewing Officer's CSE risk review of a child in care (Rec 6), and the monthly audit of a random
sample of closed work (Rec 23), with the team leader's judgement of each item."""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from contacts.choices import ContactStatus, Outcome
from contacts.models import Contact
from contacts.selectors import children_visible_to
from core import audit, clock
from core.concurrency import check_version
from core.roles import Role, has_role
from core.selectors import service_settings
from core.services import notification_send

from .. import rules
from ..choices import AuditJudgement, AuditKind, CaseStatus, RiskLevel, StatutoryKind
from ..models import AuditItem, AuditSample, Case, ChildInCareReview, StatutoryEpisode, Supervision
from ..permissions import AUDIT_CLOSED_WORK, RECORD_CIC_REVIEW, RECORD_SUPERVISION
from ._common import future_errors

# --- Supervision -----------------------------------------------------------------------------


def supervision_record(
    *,
    worker,
    held_on: dt.date,
    cases,
    actions_agreed: str,
    actor,
    notes: str = "",
    supervisor=None,
) -> Supervision:
    """Record a CATE worker's supervision: when, by whom (the recording team leader unless another
    supervisor is named), the cases discussed (live cases the worker holds) and the actions agreed."""
    if not actor.has_perm(RECORD_SUPERVISION):
        raise PermissionDenied("Only a team leader can record supervision.")
    errors = future_errors(("held_on", "The date of the supervision", held_on))
    if not actions_agreed.strip():
        errors["actions_agreed"] = "Enter the actions agreed"
    if not has_role(worker, Role.CATE_WORKER) or not worker.is_active:
        errors["worker"] = "Choose a CATE worker"
    cases = list(cases or [])
    if any(case.allocated_worker_id != worker.pk or case.status == CaseStatus.CLOSED for case in cases):
        errors["cases"] = "Choose only open cases the worker holds"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        supervision = Supervision(
            worker=worker,
            supervisor=supervisor or actor,
            held_on=held_on,
            actions_agreed=actions_agreed.strip(),
            notes=notes.strip(),
            recorded_by=actor,
        )
        audit.save(supervision, actor=actor, reason="Supervision recorded")
        if cases:
            supervision.cases.set(cases)
    return supervision


# --- The CSE risk review of a child in care ---------------------------------------------------


def cic_review_record(
    *, episode: StatutoryEpisode, reviewed_on: dt.date, risk_level: str, notes: str, actor
) -> ChildInCareReview:
    """The Independent Reviewing Officer records the six-monthly CSE risk review of a child in care:
    the date, the risk level and the notes. The next review falls due six months (a setting) later."""
    if not actor.has_perm(RECORD_CIC_REVIEW):
        raise PermissionDenied("Only an Independent Reviewing Officer can record this review.")
    if not children_visible_to(actor).filter(pk=episode.child_id).exists():
        raise PermissionDenied("You cannot see this child.")
    errors = future_errors(("reviewed_on", "The date of the review", reviewed_on))
    if risk_level not in RiskLevel.values:
        errors["risk_level"] = "Select the risk level"
    if not notes.strip():
        errors["notes"] = "Enter the notes of the review"
    if episode.kind != StatutoryKind.CIC:
        errors["__all__"] = "Only a child in care has this review"
    if "reviewed_on" not in errors and reviewed_on < episode.start:
        errors["reviewed_on"] = "The date of the review must be on or after the day the child came into care"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        episode = StatutoryEpisode.objects.select_for_update().get(pk=episode.pk)
        review = ChildInCareReview(
            episode=episode, reviewed_on=reviewed_on, risk_level=risk_level, notes=notes.strip(), reviewer=actor
        )
        audit.save(review, actor=actor, reason="CSE risk review of a child in care recorded")
    return review


# --- The monthly audit sample ------------------------------------------------------------------


def _population(kind: str, month: dt.date) -> list[int]:
    start = clock.start_of_local_day(month)
    end = clock.start_of_local_day(clock.add_months_to_date(month, 1))
    if kind == AuditKind.FRONT_DOOR:
        rows = Contact.objects.filter(
            status=ContactStatus.DECIDED,
            outcome__in=[Outcome.INFORMATION_ADVICE, Outcome.EARLY_HELP],
            decided_at__gte=start,
            decided_at__lt=end,
        )
    else:
        rows = Case.objects.filter(status=CaseStatus.CLOSED, closed_at__gte=start, closed_at__lt=end)
    return list(rows.order_by("pk").values_list("pk", flat=True))


def previous_month(now: dt.datetime) -> dt.date:
    return clock.add_months_to_date(clock.local_date(now).replace(day=1), -1)


def audit_samples_draw(*, now: dt.datetime | None = None, month: dt.date | None = None) -> list[AuditSample]:
    """Draw the month's samples (the month before `now` unless named): `audit_sample_percent` of the
    contacts closed at the front door (information and advice, or referred to another agency) and of
    the cases closed that month, rounded up, at least one when there are any. The seed and the
    population are kept, so the draw can be made again (rules.audit_draw). The team leaders are told
    once. Once a month for each kind: a second run, or a second worker, draws nothing."""
    now = now or timezone.now()
    month = (month or previous_month(now)).replace(day=1)
    percent = service_settings()["audit_sample_percent"]
    actor = audit.system_user()
    drawn = []
    for kind in AuditKind:
        if AuditSample.objects.filter(month=month, kind=kind).exists():
            continue
        population = _population(kind, month)
        seed = secrets.randbits(62)
        try:
            with transaction.atomic():
                sample = AuditSample(
                    month=month, kind=kind, percent=percent, seed=seed, population=population, drawn_at=now
                )
                audit.save(sample, actor=actor, reason=f"Audit sample of {month:%B %Y} drawn")
                chosen = rules.audit_draw(population, seed=seed, percent=percent)
                field = "contact_id" if kind == AuditKind.FRONT_DOOR else "case_id"
                audit.bulk_create(
                    AuditItem,
                    [AuditItem(sample=sample, **{field: pk}) for pk in chosen],
                    actor=actor,
                    reason=f"Drawn for audit ({month:%B %Y})",
                )
        except IntegrityError:  # another worker drew it first
            continue
        drawn.append(sample)
    if drawn:
        _tell_team_leaders(month, sum(sample.items.count() for sample in drawn))
    return drawn


def _tell_team_leaders(month: dt.date, items: int) -> None:
    from django.contrib.auth import get_user_model

    leaders = get_user_model().objects.filter(groups__name=Role.TEAM_LEADER.label, is_active=True, is_system=False)
    for leader in leaders:
        notification_send(
            recipient=leader,
            key=f"audit_sample:{month:%Y-%m}",
            title=f"Audit sample of {month:%B %Y}: {items} item{'s' if items != 1 else ''} to audit",
            body="A random sample of the contacts closed at the front door and of the cases closed last month "
            "is on the audit list.",
            url=reverse("cate:audit_list") + "?state=awaiting",
        )


def audit_item_judge(
    *, item: AuditItem, judgement: str, reason: str = "", action: str = "", actor, expected_version=None
) -> AuditItem:
    """A team leader's judgement of a sampled item: agree, disagree (with the reason), or action
    needed (with the action)."""
    if not actor.has_perm(AUDIT_CLOSED_WORK):
        raise PermissionDenied("Only a team leader can audit.")
    reason, action = reason.strip(), action.strip()
    errors = {}
    if judgement not in AuditJudgement.values:
        errors["judgement"] = "Select your judgement"
    if judgement == AuditJudgement.DISAGREE and not reason:
        errors["reason"] = "Enter why you disagree"
    if judgement == AuditJudgement.ACTION_NEEDED and not action:
        errors["action"] = "Enter the action needed"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = AuditItem.objects.select_for_update().get(pk=item.pk)
        check_version(item, expected_version)
        item.judgement, item.reason, item.action = judgement, reason, action
        item.judged_by, item.judged_at = actor, timezone.now()
        audit.save_change(item, actor=actor, reason=f"Audited: {AuditJudgement(judgement).label.lower()}")
    return item

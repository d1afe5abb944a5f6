"""Timescale alerts of the front door (core.alerts): contact decisions, MACE answers, early-help
follow-ups. Titles name records by reference only: e-mails never carry a child's name. An item still
overdue after the grace period escalates to the Family Connect managers (not CATE's team leaders)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.urls import reverse

from core.alerts import AlertRule, Candidate, Stage
from core.clock import DueState
from core.roles import Role
from core.selectors import ServiceSettings
from core.timescales import REGISTRY

from .choices import ContactKind, ContactStatus, MaceStatus
from .hooks import allocated_workers_of_children
from .models import Child, Contact, EarlyHelpFollowUp, MaceRecipient, ThresholdReview
from .review_selectors import advisors_who_read

MISSING_WINDOW = timedelta(days=7)
OPEN_CONTACT = (ContactStatus.AWAITING_SCREENING, ContactStatus.IN_SCREENING)


def _stage(settings: ServiceSettings, key: str, due: datetime, now: datetime) -> Stage | None:
    state = settings.classify(key, due, now=now)
    return {DueState.DUE_SOON: Stage.DUE_SOON, DueState.OVERDUE: Stage.OVERDUE}.get(state)


def _screeners() -> tuple[int, ...]:
    users = get_user_model().objects.filter(groups__name=Role.SCREENER.label, is_active=True)
    return tuple(users.values_list("pk", flat=True))


def contact_decisions(now: datetime, settings: ServiceSettings):
    horizon = now + REGISTRY["contact_decision"].soon
    contacts = Contact.objects.filter(status__in=OPEN_CONTACT, decision_due_at__lte=horizon).only(
        "pk", "reference", "decision_due_at", "assigned_to_id"
    )
    screeners = None
    for contact in contacts:
        stage = _stage(settings, "contact_decision", contact.decision_due_at, now)
        if stage is None:
            continue
        if contact.assigned_to_id:
            owners = (contact.assigned_to_id,)
        else:
            screeners = screeners if screeners is not None else _screeners()
            owners = screeners
        what = "decision due soon" if stage == Stage.DUE_SOON else "decision overdue"
        yield Candidate(
            record_key=f"contacts.contact:{contact.pk}",
            due_at=contact.decision_due_at,
            stage=stage,
            title=f"Contact {contact.reference}: {what}",
            url=contact.get_absolute_url(),
            owner_ids=owners,
        )


def mace_responses(now: datetime, settings: ServiceSettings):
    horizon = now + REGISTRY["mace_response"].soon
    waiting = MaceRecipient.objects.filter(
        responded_at__isnull=True, request__status=MaceStatus.OPEN, request__due_at__lte=horizon
    ).select_related("request")
    partners: dict[int, tuple[int, ...]] = {}
    User = get_user_model()
    for recipient in waiting:
        stage = _stage(settings, "mace_response", recipient.request.due_at, now)
        if stage is None:
            continue
        if recipient.agency_id not in partners:
            partners[recipient.agency_id] = tuple(
                User.objects.filter(
                    groups__name=Role.PARTNER.label, is_active=True, agency_id=recipient.agency_id
                ).values_list("pk", flat=True)
            )
        if not partners[recipient.agency_id]:
            continue
        what = "answer due soon" if stage == Stage.DUE_SOON else "answer overdue"
        yield Candidate(
            record_key=f"contacts.macerecipient:{recipient.pk}",
            due_at=recipient.request.due_at,
            stage=stage,
            title=f"Multi-agency child enquiry {recipient.request_id}: {what}",
            url=recipient.request.get_absolute_url(),
            owner_ids=partners[recipient.agency_id],
        )


def early_help_follow_ups(now: datetime, settings: ServiceSettings):
    horizon = now + REGISTRY["early_help_follow_up"].soon
    follow_ups = EarlyHelpFollowUp.objects.filter(completed_at__isnull=True, due_at__lte=horizon).select_related(
        "contact"
    )
    screeners = None
    for follow_up in follow_ups:
        stage = _stage(settings, "early_help_follow_up", follow_up.due_at, now)
        if stage is None:
            continue
        owner = follow_up.contact.decided_by_id
        if owner:
            owners = (owner,)
        else:
            screeners = screeners if screeners is not None else _screeners()
            owners = screeners
        what = "follow-up due soon" if stage == Stage.DUE_SOON else "follow-up overdue"
        yield Candidate(
            record_key=f"contacts.earlyhelpfollowup:{follow_up.pk}",
            due_at=follow_up.due_at,
            stage=stage,
            title=f"Early help for contact {follow_up.contact.reference}: {what}",
            url=follow_up.contact.get_absolute_url(),
            owner_ids=owners,
        )


def threshold_reviews(now: datetime, settings: ServiceSettings):
    """A contact assessed Complex or Acute: its safeguarding advisors are told at once (the rule
    runs after the assessment's commit, and by its job), by the contact's reference only, each
    only of a contact they may read. Never escalated: it is a review to do, not a clock."""
    reviews = list(
        ThresholdReview.objects.filter(outcome="").values_list("pk", "contact_id", "contact__reference", "raised_at")
    )
    readers = advisors_who_read({contact_id for _, contact_id, _, _ in reviews}, settings)
    for pk, contact_id, reference, raised_at in reviews:
        if not readers[contact_id]:
            continue
        yield Candidate(
            record_key=f"contacts.thresholdreview:{pk}",
            due_at=raised_at,
            stage=Stage.DUE_SOON,
            title=f"Contact {reference}: review the threshold decision",
            body="A contact reached the Complex or Acute threshold. Open the review list to review it.",
            url=reverse("contacts:threshold_review_detail", args=[pk]),
            owner_ids=readers[contact_id],
            escalate=False,
        )


def _screeners_who_see(child_ids: set[int]) -> dict[int, tuple[int, ...]]:
    """child id -> the screeners who may know the child (a restricted child's named screeners; its
    named staff when no screener is named)."""
    restricted = set(Child.objects.filter(pk__in=child_ids, is_restricted=True).values_list("pk", flat=True))
    everyone = _screeners()
    result = {child_id: everyone for child_id in child_ids if child_id not in restricted}
    if restricted:
        named: dict[int, set[int]] = defaultdict(set)
        for child_id, user_id in Child.restricted_to.through.objects.filter(child_id__in=restricted).values_list(
            "child_id", "user_id"
        ):
            named[child_id].add(user_id)
        for child_id in restricted:
            screeners = tuple(pk for pk in everyone if pk in named[child_id])
            result[child_id] = screeners or tuple(sorted(named[child_id]))
    return result


def missing_from_home(now: datetime, settings: ServiceSettings):
    """A missing-from-home report: at once, the child may be in danger. The worker allocated the
    child's case is told, or the screeners when nobody holds one (a restricted child's only
    those named on it). Reports of the last MISSING_WINDOW, so a run after an outage still tells."""
    reports = list(
        Contact.objects.filter(
            kind=ContactKind.MISSING_FROM_HOME,
            received_at__gte=now - MISSING_WINDOW,
            received_at__lte=now,
            child__isnull=False,
        )
        .exclude(status=ContactStatus.ENTERED_IN_ERROR)
        .values_list("pk", "reference", "received_at", "child_id")
    )
    children = {child_id for *_, child_id in reports}
    workers = allocated_workers_of_children(children) if children else {}
    screeners = _screeners_who_see(children) if children else {}
    for pk, reference, received_at, child_id in reports:
        owners = workers.get(child_id) or screeners.get(child_id) or ()
        if not owners:
            continue
        yield Candidate(
            record_key=f"contacts.contact:{pk}:missing",
            due_at=received_at,
            stage=Stage.DUE_SOON,
            title=f"Contact {reference}: missing from home, the child may be in danger",
            body="A child has been reported missing from home. Open the report; its links to CSE are to be assessed.",
            url=reverse("contacts:contact_detail", args=[pk]),
            owner_ids=owners,
            escalate=False,
        )


def missing_cse_links(now: datetime, settings: ServiceSettings):
    """The CSE-link assessment of a missing-from-home report: due soon and overdue, to the screener
    the contact is assigned to or the screeners; overdue escalates to the Family Connect managers."""
    horizon = now + REGISTRY["missing_cse_assessment"].soon
    reports = list(
        Contact.objects.filter(
            kind=ContactKind.MISSING_FROM_HOME, cse_link_assessed_at__isnull=True, cse_link_due_at__lte=horizon
        )
        .exclude(status=ContactStatus.ENTERED_IN_ERROR)
        .values_list("pk", "reference", "cse_link_due_at", "assigned_to_id", "child_id")
    )
    screeners = _screeners_who_see({child_id for *_, child_id in reports if child_id})
    for pk, reference, due, assigned, child_id in reports:
        stage = _stage(settings, "missing_cse_assessment", due, now)
        if stage is None:
            continue
        owners = (assigned,) if assigned else screeners.get(child_id, ())
        if not owners:
            continue
        what = "due soon" if stage == Stage.DUE_SOON else "overdue"
        yield Candidate(
            record_key=f"contacts.contact:{pk}:cse_link",
            due_at=due,
            stage=stage,
            title=f"Contact {reference}: assessment of the missing report's links to CSE {what}",
            url=reverse("contacts:missing_cse_link", args=[pk]),
            owner_ids=owners,
        )


# Declared in the AppConfig (`alert_rules`, the app contract of core.contract).
RULES = (
    AlertRule("contact_decision", "Contact decisions", contact_decisions, escalate_to=Role.FC_MANAGER),
    AlertRule(
        "mace_response",
        "Multi-agency child enquiries awaiting an answer",
        mace_responses,
        escalate_to=Role.FC_MANAGER,
    ),
    AlertRule("early_help_follow_up", "Early-help follow-ups", early_help_follow_ups, escalate_to=Role.FC_MANAGER),
    AlertRule(
        "missing_from_home", "Children reported missing from home", missing_from_home, escalate_to=Role.FC_MANAGER
    ),
    AlertRule(
        "missing_cse_link",
        "Missing reports awaiting the assessment of links to CSE",
        missing_cse_links,
        escalate_to=Role.FC_MANAGER,
    ),
    AlertRule(
        "threshold_review",
        "Complex and Acute contacts for the safeguarding advisors' review",
        threshold_reviews,
        escalate_to=Role.FC_MANAGER,
    ),
)

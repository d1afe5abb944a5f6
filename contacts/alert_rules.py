"""Timescale alerts of the front door (core.alerts): contact decisions, MACE answers, early-help
follow-ups. Titles name records by reference only: e-mails never carry a child's name. An item still
overdue after the grace period escalates to the Family Connect managers (not CATE's team leaders)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model

from core.alerts import AlertRule, Candidate, Stage
from core.clock import DueState
from core.roles import Role
from core.selectors import ServiceSettings
from core.timescales import REGISTRY

from .choices import ContactStatus, MaceStatus
from .models import Contact, EarlyHelpFollowUp, MaceRecipient

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
)

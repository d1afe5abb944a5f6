"""Demo CATE casework for the local run: synthetic young people, referred, assessed, opened and
allocated to the demo workers through the services, so caseloads have something due. Idempotent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from contacts.choices import ExploitationFactor, FactorLevel, Gender
from contacts.models import Child
from contacts.services import child_name_keys_refresh
from core import audit
from core.selectors import service_settings

from . import services
from .choices import AssessmentOutcome, AssessmentType, Classification, RiskLevel, VisitKind
from .models import Case, Referral

REASON = "Demo data"


@dataclass(frozen=True)
class DemoYoungPerson:
    key: str
    first_name: str
    age_days: int
    gender: str
    worker: str | None  # demo username, or None to leave the case unallocated
    opened: bool = True
    risk: str = ""
    missing: bool = False


YOUNG_PEOPLE = [
    DemoYoungPerson(
        "demo-cate-1", "Ash", 365 * 15 + 40, Gender.FEMALE, "cateworker1", risk=RiskLevel.HIGH, missing=True
    ),
    DemoYoungPerson("demo-cate-2", "Birch", 365 * 14 + 100, Gender.MALE, "cateworker1", risk=RiskLevel.MEDIUM),
    DemoYoungPerson("demo-cate-3", "Cedar", 365 * 17 + 20, Gender.FEMALE, "cateworker2", risk=RiskLevel.MEDIUM_HIGH),
    DemoYoungPerson("demo-cate-4", "Hazel", 365 * 13 + 200, Gender.FEMALE, "cateworker2"),
    DemoYoungPerson("demo-cate-5", "Rowan", 365 * 16 + 10, Gender.MALE, None),
    DemoYoungPerson("demo-cate-6", "Willow", 365 * 15 + 300, Gender.FEMALE, None, opened=False),
]


def _factors(level: str) -> dict:
    return {
        factor.value: {"level": level, "evidence": "Demo evidence: synthetic record for the local demo."}
        for factor in ExploitationFactor
    }


def _child(spec: DemoYoungPerson, actor) -> Child:
    child = Child.objects.filter(legacy_key=spec.key).first()
    if child is None:
        child = Child(
            first_name=spec.first_name,
            last_name="Example",
            date_of_birth=timezone.localdate() - dt.timedelta(days=spec.age_days),
            gender=spec.gender,
            gp_practice="Demo Medical Practice",
            legacy_key=spec.key,
            created_by=actor,
        )
        audit.save(child, actor=actor, reason=REASON)
        child_name_keys_refresh([child])
    return child


def _referral(child: Child, actor) -> Referral:
    referral = Referral.objects.filter(child=child).order_by("id").first()
    if referral is None:
        referred_at = timezone.now() - dt.timedelta(days=20)
        referral = Referral(
            child=child,
            referred_at=referred_at,
            assessment_due_at=service_settings().due("detailed_assessment", referred_at),
        )
        audit.save(referral, actor=actor, reason=REASON)
    return referral


def _seed_one(spec: DemoYoungPerson, users: dict, system) -> str:
    if Case.objects.filter(legacy_key=spec.key).exists():
        return "kept"
    leader = users["teamleader"]
    child = _child(spec, system)
    referral = _referral(child, system)
    if not spec.opened:
        return "referred"
    if not hasattr(referral, "assessment"):
        services.assessment_start(referral=referral, assessment_type=AssessmentType.CATE, author=leader, actor=leader)
        referral.refresh_from_db()
    _, case = services.assessment_record_outcome(
        assessment=referral.assessment,
        outcome=AssessmentOutcome.OPENED_CATE,
        cse_is_factor=True,
        completed_at=timezone.now(),
        summary="Demo assessment: synthetic record for the local demo.",
        opening=services.CaseOpening(
            cse=True, cce=False, other_exploitation=False, classification=Classification.AT_RISK
        ),
        actor=leader,
    )
    case.legacy_key = spec.key
    audit.save(case, actor=system, reason=REASON, update_fields=["legacy_key"])
    if spec.worker is None:
        return "opened"
    worker = users[spec.worker]
    services.case_allocate(case=case, worker=worker, actor=leader, reason=REASON, over_limit_reason=REASON)
    now = timezone.now()
    services.visit_record(
        case=case,
        visited_at=now,
        kind=VisitKind.FACE_TO_FACE,
        location="Youth centre",
        seen_alone=True,
        notes="Demo visit.",
        actor=worker,
    )
    if spec.risk:
        services.risk_assessment_record(
            case=case,
            assessed_at=now,
            factors=_factors(FactorLevel.COMPLEX),
            overall_level=spec.risk,
            summary="Demo risk assessment.",
            young_person_views="Demo: the young person's views.",
            family_views="Demo: the family's views.",
            actor=worker,
        )
    if spec.missing:
        services.missing_episode_record(
            case=case,
            missing_from=now - dt.timedelta(hours=30),
            returned_at=now - dt.timedelta(hours=6),
            reported_by="Parent",
            police_reference="DEMO-0001",
            where_found="Town centre",
            rhi_eligible=True,
            rhi_ineligible_reason="",
            actor=worker,
        )
    return "allocated"


def seed_demo(stdout=None) -> None:
    """Synthetic CATE cases for the demo users (run after core's demo organisation)."""
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["teamleader", "cateworker1", "cateworker2"])}
    if len(users) < 3:
        if stdout is not None:
            stdout.write("CATE demo cases skipped: the demo users are missing.\n")
        return
    system = audit.system_user()
    results = []
    for spec in YOUNG_PEOPLE:
        with transaction.atomic():
            results.append(_seed_one(spec, users, system))
    if stdout is not None:
        made = sum(1 for r in results if r in ("opened", "allocated"))
        stdout.write(f"CATE demo: {len(YOUNG_PEOPLE)} young people ({made} cases opened now).\n")

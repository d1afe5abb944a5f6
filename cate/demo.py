"""Demo CATE casework for the local run: synthetic young people, referred, assessed, opened and
allocated to the demo workers through the services, so caseloads have something due. Idempotent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from contacts.choices import ExploitationFactor, FactorLevel, FamilyRelationship, FamilyTieKind, Gender
from contacts.models import Child
from contacts.services import child_name_keys_refresh, family_member_add, family_tie_add
from core import audit
from core.selectors import service_settings

from . import services
from .choices import AssessmentOutcome, AssessmentType, Classification, NoteKind, RiskLevel, VisitKind
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
    _notes(case, worker, leader, now)
    if spec.key != SISTER_KEY:  # Hazel joins Ash's family (seed_demo)
        _family(child, worker)
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


FAMILY_KEY, SISTER_KEY = "demo-cate-1", "demo-cate-4"


def _notes(case: Case, worker, leader, now) -> None:
    """A phone call, a professionals' meeting with an addendum, a draft, and the team leader's oversight."""
    call = services.case_note_create(
        case=case, occurred_at=now - dt.timedelta(days=2), kind=NoteKind.PHONE_CALL, involved="Mother",
        text="Demo: called mother about the weekend; home by curfew.", finalise=True, actor=worker,
    )  # fmt: skip
    services.case_note_add_addendum(note=call, text="Demo: it was the Saturday, not the Sunday.", actor=worker)
    services.case_note_create(
        case=case, occurred_at=now - dt.timedelta(days=1), kind=NoteKind.MEETING, involved="School, police",
        text="Demo: professionals' meeting at school; attendance and sightings shared.", finalise=True, actor=worker,
    )  # fmt: skip
    services.case_note_create(
        case=case, occurred_at=None, kind=NoteKind.MESSAGE, involved="Young person", text="Demo draft.",
        finalise=False, actor=worker,
    )  # fmt: skip
    services.case_note_create(
        case=case, occurred_at=now - dt.timedelta(hours=3), kind=NoteKind.OVERSIGHT, involved="Allocated worker",
        text="Demo oversight: plan proportionate; review the safety plan in four weeks.", finalise=True, actor=leader,
    )  # fmt: skip


def _family(child: Child, worker) -> None:
    """Mother (address not to be disclosed) and her partner in the household, father separated and
    living apart, and the child's half-brother."""
    add = family_member_add

    def rel(relationship, *, pr=False, lives=False, contact=""):
        return {"relationship": relationship, "relationship_other": "", "parental_responsibility": pr,
                "lives_with_child": lives, "contact_arrangements": contact}  # fmt: skip

    def person(first, gender, age, **kw):
        return {"first_name": first, "last_name": "Demo", "gender": gender, "age": age, **kw}

    mother = add(
        child=child, actor=worker, relationship=rel(FamilyRelationship.MOTHER, pr=True, lives=True),
        person=person("Morgan", Gender.FEMALE, 39, address="Demo refuge address", do_not_disclose_address=True),
    )  # fmt: skip
    father = add(
        child=child, actor=worker, person=person("Frankie", Gender.MALE, 42),
        relationship=rel(FamilyRelationship.FATHER, pr=True, contact="Alternate Saturdays, supervised"),
    )  # fmt: skip
    partner = add(
        child=child, actor=worker, person=person("Sasha", Gender.NOT_KNOWN, 35),
        relationship=rel(FamilyRelationship.PARENTS_PARTNER, lives=True),
    )  # fmt: skip
    half = add(
        child=child, actor=worker, person=person("Jamie", Gender.MALE, 6),
        relationship=rel(FamilyRelationship.HALF_BROTHER, lives=True),
    )  # fmt: skip
    me = child.family_memberships.get(withdrawn=False)
    for a, b, kind in (
        (mother, me, FamilyTieKind.PARENT_OF),
        (father, me, FamilyTieKind.PARENT_OF),
        (mother, father, FamilyTieKind.SEPARATED),
        (mother, partner, FamilyTieKind.PARTNERS),
        (mother, half, FamilyTieKind.PARENT_OF),
        (partner, half, FamilyTieKind.PARENT_OF),
        (me, half, FamilyTieKind.HALF_SIBLINGS),
    ):
        family_tie_add(child=child, a=a, b=b, kind=kind, actor=worker)


def _link_sister(leader) -> None:
    """Hazel, in the index with her own case, is Ash's sister: linked into Ash's family, not copied."""
    ash = Case.objects.filter(legacy_key=FAMILY_KEY).select_related("child").first()
    hazel = Case.objects.filter(legacy_key=SISTER_KEY).select_related("child").first()
    if ash is None or hazel is None or hazel.child.family_memberships.filter(withdrawn=False).exists():
        return
    if not ash.child.family_memberships.filter(withdrawn=False).exists():
        return
    sister = family_member_add(
        child=ash.child, actor=leader, person={}, index_child=hazel.child.pk,
        relationship={"relationship": FamilyRelationship.SISTER, "relationship_other": "",
                      "parental_responsibility": False, "lives_with_child": True, "contact_arrangements": ""},
    )  # fmt: skip
    me = ash.child.family_memberships.get(withdrawn=False)
    family_tie_add(child=ash.child, a=me, b=sister, kind=FamilyTieKind.SIBLINGS, actor=leader)


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
    with transaction.atomic():
        _link_sister(users["teamleader"])
    if stdout is not None:
        made = sum(1 for r in results if r in ("opened", "allocated"))
        stdout.write(f"CATE demo: {len(YOUNG_PEOPLE)} young people ({made} cases opened now).\n")

"""Demo records of contexts as subjects (issue 19), after the network's own demo: a contact about
Demo Park with no child named, the park's location assessment (complete, naming two demo children)
with a plan, a police action and a review date; and the park crew's peer-group assessment, in
draft. Recorded through the services by the staff who would record them; idempotent (each
assessment and plan carries a `demo-context-…` legacy key; the contact is made once)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from contacts.choices import Channel, Source
from contacts.services import contact_record
from core import audit
from core.models import Agency

from . import services
from .choices import ContextJudgement
from .context_rules import domains_of
from .models import ContextAssessment, ContextPlan, ContextReferral, Node

REASON = "Demo data"
KEY = "demo-context-"

PARK_FINDINGS = {
    "harm": "Demo: after 7pm older males meet young people at the skate park and behind the pavilion; cannabis "
    "and vapes are handed out, two young people were seen getting into cars.",
    "environment": "Demo: the path behind the pavilion is unlit and out of sight of the road; no CCTV.",
    "guardians": "Demo: the café closes at 5pm; park wardens work days only; residents opposite call the police "
    "but do not know whom else to tell.",
    "adults": "Demo: two men known to the police, one with a private hire licence.",
    "links": "Demo: the park crew peer group meets here; the Demo Chicken Shack is a five-minute walk.",
}


def _keyed(model, key: str):
    return model.objects.filter(legacy_key=KEY + key).first()


def _mark(record, key: str, actor) -> None:
    record.legacy_key = KEY + key
    audit.save_change(record, actor=actor, reason=REASON, fields=["legacy_key"])


def seed_context_demo(stdout, *, records: dict, users: dict, children: dict) -> None:
    park, group = records.get("place-park"), records.get("group-park")
    advisor = get_user_model().objects.filter(username="advisor", is_active=True).first()
    police = Agency.objects.filter(name="Police").first() or Agency.objects.filter(kind="police").first()
    if park is None or group is None or advisor is None or police is None:
        stdout.write("Context demo skipped: the network's demo park and group, the advisor or the police missing.\n")
        return
    screener, leader, worker = users["screener"], users["teamleader"], users["cateworker1"]
    park_node = services.node_for(park)
    if not ContextReferral.objects.filter(node=park_node).exists():
        contact = contact_record(
            actor=advisor,
            data={
                "received_at": timezone.now() - dt.timedelta(hours=3),
                "channel": Channel.PHONE,
                "source": Source.INDIVIDUAL,
                "referrer_name": "A resident (demo)",
                "about_context": True,
                "concern": "Demo: every evening older men wait at the skate park and young teenagers go off "
                "with them in cars.",
            },
        )
        services.context_referral_add(contact=contact, context=park, actor=screener)
    assessment = _keyed(ContextAssessment, "park-assessment")
    if assessment is None:
        assessment = services.context_assessment_open(context=park, actor=leader)
        for key in ("demo-cate-1", "demo-child-alpha"):
            if key in children:
                services.context_assessment_child_add(assessment=assessment, child=children[key], actor=leader)
        services.context_assessment_save(
            assessment=assessment,
            actor=leader,
            finalise=True,
            domains={d.code: PARK_FINDINGS.get(d.code, "Demo") for d in domains_of(assessment.kind)},
            partners_consulted=[police],
            partners_detail="Demo: the neighbourhood police team and the park wardens.",
            young_people_views="Demo: young people say the park is 'where you get sorted out' after school.",
            community_views="Demo: residents want the path lit and the wardens to stay later.",
            strengths="Demo: the youth club two streets away has space on Friday nights.",
            harms="Demo: grooming and the supply of drugs to young people; lifts in cars.",
            judgement=ContextJudgement.SIGNIFICANT,
            judgement_reason="Demo: repeated reports from residents, the police and two schools.",
        )
        assessment.refresh_from_db()
        _mark(assessment, "park-assessment", leader)
    if _keyed(ContextPlan, "park-plan") is None:
        plan = services.context_plan_open(
            context=park,
            actor=leader,
            assessment=assessment,
            intended_change="Demo: young people no longer meet adults of concern at the park; the path is lit and "
            "watched in the evenings.",
        )
        services.context_plan_action_add(
            plan=plan,
            actor=leader,
            description="Demo: evening patrols of the skate park and the pavilion path, Thursday to Saturday",
            owner_agency=police,
            owner_name="Neighbourhood sergeant (demo)",
            due_on=timezone.localdate() + dt.timedelta(days=28),
        )
        plan.refresh_from_db()
        _mark(plan, "park-plan", leader)
    if _keyed(ContextAssessment, "group-assessment") is None:
        group_node = services.node_for(group)
        draft = ContextAssessment.objects.filter(node=group_node, status="draft").first()
        draft = draft or services.context_assessment_open(context=group, actor=worker)
        services.context_assessment_save(
            assessment=draft,
            actor=worker,
            domains={"members": "Demo: five young people aged 13 to 15; two are open to CATE."},
            expected_version=draft.version,
        )
        draft.refresh_from_db()
        _mark(draft, "group-assessment", worker)
    stdout.write(
        f"Contexts: a contact about {park}, its location assessment (complete) with a plan and a police action, "
        f"and a peer-group assessment of {group} in draft ({Node.objects.filter(context_plans__isnull=False).count()} "
        "contexts with plans).\n"
    )

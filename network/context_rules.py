"""Pure rules of contexts as subjects (issue 19): the domains of the context assessment triangle for
each kind of context, with guidance; which kind of assessment a context takes; what a complete
assessment, a plan and a review need; the due dates. No database.

The domains follow the Contextual Safeguarding Network's toolkit (location assessment, peer-group
assessment and mapping, the context assessment triangles for schools, peers and neighbourhoods):
each side of the triangle asks about the harm in the context, the context's capacity to keep young
people safe, and the wider factors that shape it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core import clock

from .choices import ContextAssessmentKind, ContextReviewDecision, NodeKind, PlaceKind

MAX_TEXT = 10000


@dataclass(frozen=True)
class Domain:
    code: str
    label: str
    guidance: str


_LINKS = Domain(
    "links",
    "Links to other contexts",
    "The peer groups, schools, homes, places and online spaces connected to this one, and how harm moves between them.",
)

DOMAINS: dict[str, tuple[Domain, ...]] = {
    ContextAssessmentKind.LOCATION: (
        Domain(
            "harm",
            "What happens here and to whom",
            "The harm young people meet here (exploitation, violence, abuse): when it happens, how often, "
            "which young people and which adults are involved.",
        ),
        Domain(
            "environment",
            "The place itself",
            "Layout, lighting, hidden or unsupervised spaces, CCTV, opening hours, transport to and from it.",
        ),
        Domain(
            "guardians",
            "Who looks out for young people here",
            "Staff, residents, businesses, security, youth workers and others present: do they notice, are "
            "they able and willing to step in, do they know whom to tell?",
        ),
        Domain(
            "adults",
            "Adults and groups of concern",
            "Persons of concern seen here, what they do, how they draw young people in.",
        ),
        _LINKS,
    ),
    ContextAssessmentKind.SCHOOL: (
        Domain(
            "harm",
            "Harm in and around the school",
            "Harmful sexual behaviour, bullying, violence, exploitation or recruitment seen among pupils, at "
            "school, on the journey to and from it, after school.",
        ),
        Domain(
            "culture",
            "Culture, rules and responses",
            "How staff notice and respond to harm between pupils; policies, exclusions, how pupils are heard.",
        ),
        Domain(
            "spaces",
            "Spaces and times of risk",
            "Where and when pupils are unsafe: toilets, corridors, the field, the bus stop, lunch time, after school.",
        ),
        Domain(
            "relationships",
            "Pupils' relationships and peer groups",
            "The groups pupils belong to, their norms, who leads them, who is drawn in.",
        ),
        _LINKS,
    ),
    ContextAssessmentKind.ONLINE: (
        Domain(
            "harm",
            "What happens in the space",
            "Grooming, sharing of images, recruitment, threats or sale of drugs: who takes part and how young "
            "people find the space.",
        ),
        Domain(
            "platform",
            "How the space works",
            "The platform, who can join, privacy and disappearing messages, moderation and how to report.",
        ),
        Domain(
            "guardians",
            "Who could intervene",
            "Moderators, the platform, parents and carers, schools and the police: what they can see and do.",
        ),
        _LINKS,
    ),
    ContextAssessmentKind.PEER_GROUP: (
        Domain(
            "members",
            "Who is in the group and how they relate",
            "The young people in the group, their needs and vulnerabilities, who leads and who follows, how "
            "members join and leave.",
        ),
        Domain(
            "harm",
            "Harmful behaviour and norms",
            "What the group does that harms its members or others; what the group treats as normal.",
        ),
        Domain(
            "places",
            "Where the group spends time",
            "The places, schools and online spaces the group uses, and what happens there.",
        ),
        Domain(
            "influences",
            "Who influences the group",
            "Adults and older young people who draw the group into harm, and those who could influence it for "
            "the better: parents and carers, youth workers, teachers, coaches.",
        ),
        Domain(
            "strengths",
            "The group's protective relationships",
            "Friendships, interests and activities that keep members safe and could be built on.",
        ),
    ),
}


def kind_for(node_kind: str, place_kind: str = "") -> str:
    """The assessment a context takes: a peer group its peer-group assessment; a school, an online
    space, or any other place a location assessment."""
    if node_kind == NodeKind.PEER_GROUP:
        return ContextAssessmentKind.PEER_GROUP
    if node_kind != NodeKind.PLACE:
        raise ValueError("Only a place or a peer group is assessed as a context")
    if place_kind == PlaceKind.SCHOOL:
        return ContextAssessmentKind.SCHOOL
    if place_kind == PlaceKind.ONLINE:
        return ContextAssessmentKind.ONLINE
    return ContextAssessmentKind.LOCATION


def domains_of(kind: str) -> tuple[Domain, ...]:
    return DOMAINS[kind]


TEXT_FIELDS = (
    "partners_detail",
    "young_people_views",
    "community_views",
    "strengths",
    "harms",
    "judgement_reason",
)


def assessment_errors(
    *, kind: str, domains: dict, texts: dict, judgement: str, partner_count: int, complete: bool
) -> tuple[dict[str, str], dict[str, str]]:
    """The domains as stored and every error of an assessment at once, by field (`domain_<code>`
    for a domain). Always: known domains, no text longer than MAX_TEXT. To complete it: every domain,
    the partners consulted (an agency or who), the young people's and the community's views, the
    strengths, the harms, a judgement and its reasons."""
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    for domain in domains_of(kind):
        text = (domains.get(domain.code) or "").strip()
        if len(text) > MAX_TEXT:
            errors[f"domain_{domain.code}"] = f"{domain.label} must be {MAX_TEXT} characters or fewer"
        elif complete and not text:
            errors[f"domain_{domain.code}"] = f"Enter what was found: {domain.label.lower()}"
        if text:
            clean[domain.code] = text
    for name in TEXT_FIELDS:
        if len(texts.get(name) or "") > MAX_TEXT:
            errors[name] = f"This must be {MAX_TEXT} characters or fewer"
    if complete:
        wanted = {
            "young_people_views": "Enter the young people's views",
            "community_views": "Enter the community's views",
            "strengths": "Enter the strengths found",
            "harms": "Enter the harms found",
            "judgement_reason": "Enter the reasons for the judgement",
        }
        for name, message in wanted.items():
            if not (texts.get(name) or "").strip() and name not in errors:
                errors[name] = message
        if not partner_count and not (texts.get("partners_detail") or "").strip():
            errors["partners_consulted"] = "Choose the partners consulted, or say who was consulted"
        if not judgement:
            errors["judgement"] = "Choose the judgement"
    return clean, errors


def assessment_due_on(opened_at: dt.datetime, settings) -> dt.date:
    """The assessment is due `context_assessment` after it was opened (default 35 working days)."""
    return clock.local_date(settings.due("context_assessment", opened_at))


def plan_review_due_on(start: dt.datetime, settings) -> dt.date:
    """A plan is reviewed `context_plan_review` after it is agreed or last reviewed (default 12 weeks)."""
    return clock.local_date(settings.due("context_plan_review", start))


def plan_errors(*, intended_change: str, next_review_on: dt.date | None, today: dt.date) -> dict[str, str]:
    errors = {}
    if not (intended_change or "").strip():
        errors["intended_change"] = "Enter the change the plan intends"
    elif len(intended_change) > MAX_TEXT:
        errors["intended_change"] = f"The change intended must be {MAX_TEXT} characters or fewer"
    if next_review_on is not None and next_review_on < today:
        errors["next_review_on"] = "The first review must be today or in the future"
    return errors


def review_errors(
    *, reviewed_on: dt.date | None, progress: str, decision: str, next_review_on: dt.date | None, today: dt.date
) -> dict[str, str]:
    errors = {}
    if reviewed_on is None:
        errors["reviewed_on"] = "Enter the date of the review"
    elif reviewed_on > today:
        errors["reviewed_on"] = "The date of the review must be today or in the past"
    if not (progress or "").strip():
        errors["progress"] = "Enter what has changed in the context"
    elif len(progress) > MAX_TEXT:
        errors["progress"] = f"What has changed must be {MAX_TEXT} characters or fewer"
    if decision not in ContextReviewDecision.values:
        errors["decision"] = "Choose the review's decision"
    elif (
        decision != ContextReviewDecision.CLOSE
        and next_review_on is not None
        and reviewed_on is not None
        and next_review_on <= reviewed_on
    ):
        errors["next_review_on"] = "The next review must be after this one"
    return errors

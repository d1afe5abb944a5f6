"""One record of every kind a form can change, made through the services where they exist, and
the URL arguments of every page that takes them: the security tests enumerate URL patterns and
fill them in from here, so a new page is covered without a new builder (unless it needs a new
kind of record)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from cate import services as cate_services
from cate.choices import VisitKind
from contacts import services as contact_services
from contacts.choices import FactorLevel
from core import services as core_services
from riskpanel.choices import ItemKind
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    AgendaItemFactory,
    ChildFactory,
    ContactFactory,
    EarlyHelpFollowUpFactory,
    MaceRecipientFactory,
    MaceRequestFactory,
    PanelDecisionFactory,
    PanelMeetingFactory,
    ReferralFactory,
    SafetyPlanFactory,
    StrategyMeetingFactory,
    ThresholdAssessmentFactory,
    allocated_case,
    factor_levels,
)


@dataclass
class World:
    personas: dict
    records: dict = field(default_factory=dict)

    def __getitem__(self, name):
        return self.records[name]


def build_world(personas) -> World:
    """Every record a page of the service edits, visible to the persona who edits it."""
    leader, worker = personas["team_leader"], personas["cate_worker"]
    screener = personas["screener"]
    now = timezone.now()
    w = World(personas)
    r = w.records

    # Front door
    r["child"] = ChildFactory(school="Riverside Academy", created_by=screener)
    r["other_child"] = ChildFactory(first_name=r["child"].first_name, last_name="Example", created_by=screener)
    r["contact"] = ContactFactory(child=r["child"], recorded_by=screener, referrer_name="PC Jones")
    assessed = ContactFactory(child=r["child"], recorded_by=screener, referrer_name="PC Jones")
    r["threshold"] = ThresholdAssessmentFactory(
        contact=assessed, assessed_by=screener, factors=factor_levels(coercion=FactorLevel.COMPLEX)
    )
    r["assessed_contact"] = assessed
    r["follow_up"] = EarlyHelpFollowUpFactory(contact=ContactFactory(child=r["child"], recorded_by=screener))
    r["mace"] = MaceRequestFactory(contact=r["contact"], requested_by=screener)
    MaceRecipientFactory(request=r["mace"], agency=personas["police"].agency)

    # CATE
    r["case"] = case = allocated_case(leader, worker)
    r["referral"] = ReferralFactory(child=ChildFactory(created_by=screener))
    r["assessment"] = cate_services.assessment_start(
        referral=r["referral"], assessment_type="cate", author=leader, actor=leader
    )
    r["visit"] = cate_services.visit_record(
        case=case,
        visited_at=now - dt.timedelta(hours=3),
        kind=VisitKind.PHONE,
        location="Home",
        seen_alone=None,
        notes="First call",
        actor=worker,
    )
    r["statutory"] = cate_services.statutory_episode_add(
        case=case, kind="cin", start=timezone.localdate() - dt.timedelta(days=40), end=None, actor=worker
    )
    r["risk_assessment"] = cate_services.risk_assessment_record(
        case=case,
        assessed_at=now - dt.timedelta(hours=2),
        factors=factor_levels(coercion=FactorLevel.COMPLEX),
        overall_level="medium",
        summary="Going missing at weekends",
        young_person_views="Fine",
        family_views="Worried",
        actor=worker,
    )
    r["missing"] = cate_services.missing_episode_record(
        case=case,
        missing_from=now - dt.timedelta(days=2),
        returned_at=now - dt.timedelta(days=1),
        reported_by="Mum",
        police_reference="",
        where_found="Town centre",
        rhi_eligible=True,
        rhi_ineligible_reason="",
        actor=worker,
    )
    r["support"] = cate_services.support_referral_create(
        case=case,
        service="camhs",
        service_other="",
        referred_on=timezone.localdate(),
        status="referred",
        first_appointment_on=None,
        outcome="",
        follow_up_on=None,
        actor=worker,
    )
    case.refresh_from_db()
    r["nrm"] = case.nrm_referrals.first()
    r["gp_letter"] = case.gp_letters.first()

    # Risk panel
    agency = AgencyFactory(name="Education")
    r["panel"] = panel = PanelMeetingFactory(chair=leader, members=[personas["panel_member"]])
    panel.agencies.add(personas["police"].agency)
    r["item"] = AgendaItemFactory(meeting=panel, case=case, kind=ItemKind.FIRST_PANEL, position=1)
    r["item_other"] = AgendaItemFactory(
        meeting=panel, case=None, kind=ItemKind.INFORMATION_SHARING, title="Hotel in the town centre", position=2
    )
    r["case2"] = allocated_case(leader, worker)
    r["decided_item"] = decided = AgendaItemFactory(meeting=panel, case=r["case2"], kind=ItemKind.REVIEW, position=3)
    r["decision"] = PanelDecisionFactory(item=decided, decided_by=leader)
    r["strategy_meeting"] = StrategyMeetingFactory(case=case)
    r["safety_plan"] = SafetyPlanFactory(case=case, author=worker)
    r["action"] = ActionFactory(case=case, owner_agency=agency)

    # A merge (to reverse) and a notification (to open)
    source = ChildFactory(first_name="Merged", created_by=screener)
    target = ChildFactory(first_name="Kept", created_by=screener)
    r["merge"] = contact_services.child_merge(source=source, target=target, actor=screener, reason="Duplicate")
    r["notification"] = core_services.notification_send(
        recipient=leader, title="Case allocated", url="/cate/", email=False
    )
    return w


# The record a URL argument names, by the path segment before it.
_BY_SEGMENT = {
    "contacts": "contact",
    "enquiries": "mace",
    "follow-ups": "follow_up",
    "children": "child",
    "merges": "merge",
    "referrals": "referral",
    "cases": "case",
    "panels": "panel",
    "items": "item",
    "strategy-meetings": "strategy_meeting",
    "safety-plans": "safety_plan",
    "actions": "action",
    "notifications": "notification",
    "statutory-episodes": "statutory",
    "visits": "visit",
    "risk-assessments": "risk_assessment",
    "missing-episodes": "missing",
    "nrm-referrals": "nrm",
    "gp-letters": "gp_letter",
    "support-referrals": "support",
}


def url_patterns() -> list[tuple[str, str]]:
    """(name, route) of every named URL of the service's own apps (not Django's admin)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = []

    def walk(patterns, namespace, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if ns != "admin":
                    walk(p.url_patterns, ns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern) and p.name and namespace:
                found.append((f"{namespace}:{p.name}", prefix + str(p.pattern)))

    walk(get_resolver().url_patterns, None, "")
    return sorted(set(found))


def url_kwargs(route: str, world: World) -> dict:
    """Fill each <converter:name> of `route` from the world's records."""
    import re

    kwargs = {}
    for match in re.finditer(r"([\w-]+)/<(?:\w+:)?(\w+)>", route):
        segment, name = match.groups()
        if name == "key":
            kwargs[name] = "caseload_limit"
        elif name == "kind":
            kwargs[name] = "contact_decision"
        elif name == "user_pk":
            kwargs[name] = world.personas["cate_worker"].pk
        else:
            kwargs[name] = world[_BY_SEGMENT[segment]].pk
    return kwargs

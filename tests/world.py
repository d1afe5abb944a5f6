"""The one world of records for the tests that walk every page: the permission matrix, the MACE
compartments across apps, restricted records, the access log, lost updates and bad input.

`build_world(personas)` makes a child with a contact, a MACE enquiry answered by police and health,
a contact about another child referred to CATE (its threshold assessment, an enquiry answered by
police and health, the decision) whose detailed assessment the `cate_worker` persona writes, a case
allocated to the `cate_worker` persona with one of each casework record, an open
risk panel with the `panel_member` persona invited and the case on its agenda (decided), a second
panel the member is not invited to, a safety plan, an action, a strategy meeting, a notification
for each persona, a merge record, a possible duplicate and an annual-report export; and, for the
edit forms, a scheduled panel with an undecided item, an item with no case and a decided item; a
second case with an agreed safety plan, a case with its closure proposed, a closed case, and an
enquiry sent to the police alone. Every URL kwarg of the project resolves to one of its records (`url_kwargs`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from cate import services as cate_services
from cate.choices import AssessmentType, StatutoryKind, SupportService, VisitKind
from contacts import services as contact_services
from contacts.choices import ExploitationFactor, FactorLevel, Outcome, ThresholdLevel
from contacts.models import SameNameSet
from core import services as core_services
from core.models import Agency
from reporting.choices import ReportKind
from reporting.services import report_export_record
from riskpanel import services as panel_services
from riskpanel.choices import ItemKind, PanelStatus
from tests.factories import (
    PLAN_SECTIONS,
    ActionFactory,
    AgendaItemFactory,
    ChildFactory,
    ContactFactory,
    PanelDecisionFactory,
    PanelMeetingFactory,
    PossibleDuplicateFactory,
    ReferralFactory,
    StrategyMeetingFactory,
    ThresholdAssessmentFactory,
    allocated_case,
    approve_closure,
    factor_levels,
    propose_closure,
)

POLICE_SECRET = "Police-only: two missing reports, last seen in a red car"
HEALTH_SECRET = "Health-only: attends the sexual health clinic"
# The answers about the referred contact: they follow the referral to those working on it.
POLICE_REFERRED = "Police to the referral: stopped in a taxi with two adults at 2am"
HEALTH_REFERRED = "Health to the referral: missed three clinic appointments"
REFERRAL_REASONS = "Coercion and going missing: refer to CATE for a detailed assessment"
CHILD_NAME = "Worldchild Matrixtest"


@dataclass
class World:
    records: dict = field(default_factory=dict)
    personas: dict = field(default_factory=dict)

    def __getitem__(self, name):
        return self.records[name]


def build_world(personas, *, first_name: str = "Worldchild", last_name: str = "Matrixtest") -> World:
    screener, leader, worker = personas["screener"], personas["team_leader"], personas["cate_worker"]
    police, health = personas["police"], personas["health"]
    now = timezone.now()

    # --- Front door
    child = ChildFactory(first_name=first_name, last_name=last_name, school="Riverside Academy", created_by=screener)
    contact = ContactFactory(child=child, recorded_by=screener, referrer_name="PC Jones")
    threshold = ThresholdAssessmentFactory(
        contact=contact, assessed_by=screener, factors=factor_levels(coercion=FactorLevel.COMPLEX)
    )
    threshold_review = contact_services.threshold_review_raise(contact=contact, level="complex", actor=screener)
    missing_report = ContactFactory(
        child=child,
        recorded_by=screener,
        kind="missing_from_home",
        missing_since=now - dt.timedelta(hours=6),
        cse_link_due_at=now + dt.timedelta(hours=20),
    )
    mace = contact_services.mace_request_send(
        contact=contact,
        actor=screener,
        agencies=Agency.objects.filter(name__in=[police.agency.name, health.agency.name]),
        question="What do you know of this child?",
    )
    contact_services.mace_entry_add(request=mace, actor=police, information=POLICE_SECRET)
    contact_services.mace_entry_add(request=mace, actor=health, information=HEALTH_SECRET)
    decided = ContactFactory(child=child)
    ThresholdAssessmentFactory(contact=decided)
    contact_services.contact_decide(
        contact=decided,
        actor=screener,
        outcome=Outcome.EARLY_HELP,
        early_help_agency=Agency.objects.get(name=health.agency.name),
        early_help_service="School nurse",
    )
    same_name_set = SameNameSet.objects.create(key="s:WRLT", members_key="world", found_at=now)
    same_name_set.children.set([child])
    merge = contact_services.child_merge(
        source=ChildFactory(first_name="Mergedaway"), target=ChildFactory(first_name="Mergedinto"), actor=screener,
        reason="Same child",
    )  # fmt: skip
    # A pair of two records everyone may see (a Family Connect manager's to resolve).
    duplicate = PossibleDuplicateFactory(
        child=ChildFactory(first_name="Dupeadded"), existing=ChildFactory(first_name="Dupeexisting"), found_by=screener
    )

    # --- CATE: a case allocated to the worker, with one of each record
    case = allocated_case(leader, worker, referral=ReferralFactory(child=child))
    visit = cate_services.visit_record(
        case=case, visited_at=now, kind=VisitKind.FACE_TO_FACE, location="", seen_alone=True, notes="", actor=worker
    )
    assessment = cate_services.risk_assessment_record(
        case=case,
        assessed_at=now,
        factors={f.value: {"level": FactorLevel.NOT_PRESENT, "evidence": ""} for f in ExploitationFactor},
        overall_level="medium",
        summary="Paper summary for the panel",
        young_person_views="v",
        family_views="f",
        actor=worker,
    )
    episode = cate_services.missing_episode_record(
        case=case,
        missing_from=now - dt.timedelta(days=2),
        returned_at=now - dt.timedelta(days=1),
        reported_by="",
        police_reference="",
        where_found="",
        rhi_eligible=True,
        rhi_ineligible_reason="",
        actor=worker,
    )
    statutory = cate_services.statutory_episode_add(
        case=case, kind=StatutoryKind.CIN, start=timezone.localdate() - dt.timedelta(days=40), end=None, actor=worker
    )
    support = cate_services.support_referral_create(
        case=case,
        service=SupportService.CAMHS,
        service_other="",
        referred_on=timezone.localdate(),
        status="referred",
        first_appointment_on=None,
        outcome="",
        follow_up_on=None,
        actor=worker,
    )
    awaiting = ReferralFactory(child=ChildFactory(first_name="Awaitingchild"))

    # --- A contact referred to CATE, as the front door left it; the worker writes its detailed assessment
    # Received before the annual-report tests' period (the last 30 days), as the police's contact below.
    referred_child = ChildFactory(first_name="Assessedchild", created_by=screener)
    referred_contact = ContactFactory(
        child=referred_child, recorded_by=screener, received_at=now - dt.timedelta(days=60)
    )
    ThresholdAssessmentFactory(
        contact=referred_contact,
        assessed_by=screener,
        factors=factor_levels(running_away=FactorLevel.ACUTE, coercion=FactorLevel.COMPLEX),
        overall_level=ThresholdLevel.ACUTE,
    )
    referred_mace = contact_services.mace_request_send(
        contact=referred_contact,
        actor=screener,
        agencies=Agency.objects.filter(name__in=[police.agency.name, health.agency.name]),
        question="What do you know of this child?",
    )
    contact_services.mace_entry_add(request=referred_mace, actor=police, information=POLICE_REFERRED)
    contact_services.mace_entry_add(request=referred_mace, actor=health, information=HEALTH_REFERRED)
    referred_contact = contact_services.contact_decide(
        contact=referred_contact,
        actor=screener,
        outcome=Outcome.CATE_OR_STATUTORY,
        refer_to_cate=True,
        outcome_detail=REFERRAL_REASONS,
        late_decision_reason="Waited for the police's answer",
    )
    assigned = referred_contact.cate_referrals.get()
    cate_services.assessment_start(referral=assigned, assessment_type=AssessmentType.CATE, author=worker, actor=leader)

    # --- Risk panel: an open panel with the member invited, the case on it and decided
    meeting = PanelMeetingFactory(status=PanelStatus.OPEN, members=[personas["panel_member"]], chair=leader)
    item = AgendaItemFactory(meeting=meeting, case=case, paper="Paper summary for the panel")
    decision = PanelDecisionFactory(item=item, decided_by=leader)
    undecided = AgendaItemFactory(meeting=meeting, case=allocated_case(leader, worker, first_name="Undecidedchild"))
    other_meeting = PanelMeetingFactory(status=PanelStatus.OPEN, chair=leader)
    other_item = AgendaItemFactory(meeting=other_meeting, case=case, paper="Paper for a panel the member is not at")
    strategy = StrategyMeetingFactory(case=case)
    plan = panel_services.safety_plan_start(case=case, actor=worker, **PLAN_SECTIONS)
    action = ActionFactory(case=case, owner_agency=Agency.objects.get(name=police.agency.name))

    # --- A scheduled panel, for the edit forms: an undecided item, an item with no case, a decided item
    panel = PanelMeetingFactory(chair=leader, members=[personas["panel_member"]])
    panel.agencies.add(police.agency)
    panel_item = AgendaItemFactory(meeting=panel, case=case, kind=ItemKind.FIRST_PANEL, position=1)
    panel_item_other = AgendaItemFactory(
        meeting=panel, case=None, kind=ItemKind.INFORMATION_SHARING, title="Hotel in the town centre", position=2
    )
    case2 = allocated_case(leader, worker)
    panel_decided_item = AgendaItemFactory(meeting=panel, case=case2, kind=ItemKind.REVIEW, position=3)
    panel_decision = PanelDecisionFactory(item=panel_decided_item, decided_by=leader)
    agreed_plan = panel_services.safety_plan_agree(
        plan=panel_services.safety_plan_start(case=case2, actor=worker, **PLAN_SECTIONS), actor=leader
    )

    # --- A closure proposed, a case closed, an enquiry sent to the police alone
    proposed_case = allocated_case(leader, worker)
    propose_closure(proposed_case, worker, reason="r", exit_plan="p")
    closed_case = allocated_case(leader, worker)
    propose_closure(closed_case, worker, reason="r", exit_plan="p")
    approve_closure(closed_case, leader)
    # Received before the annual-report tests' period (the last 30 days), which counts the other two.
    police_contact = ContactFactory(child=child, recorded_by=screener, received_at=now - dt.timedelta(days=60))
    ThresholdAssessmentFactory(contact=police_contact, assessed_by=screener)
    police_mace = contact_services.mace_request_send(
        contact=police_contact,
        actor=screener,
        agencies=Agency.objects.filter(name=police.agency.name),
        question="Known?",
    )
    contact_services.mace_entry_add(request=police_mace, actor=police, information="Police information")

    # --- Notifications (one each) and an export
    notifications = {
        name: core_services.notification_send(recipient=user, title=f"For {name}", url=child.get_absolute_url())
        for name, user in personas.items()
    }
    export = report_export_record(
        report=ReportKind.ANNUAL_REPORT,
        period_start=dt.date(2023, 4, 1),
        period_end=dt.date(2024, 3, 31),
        file_format="csv",
        actor=personas["group_manager"],
    )

    network_merges = _network_merge_records(personas)
    network = _network_records(personas, person=network_merges["person"])

    case.refresh_from_db()
    records = {
        **network_merges,
        **network,
        "child": child,
        "contact": contact,
        "assessed_contact": contact,
        "threshold": threshold,
        "threshold_review": threshold_review,
        "missing_report": missing_report,
        "same_name_set": same_name_set,
        "decided": decided,
        "follow_up": decided.follow_up,
        "mace": mace,
        "mace_entry": mace.entries.get(agency__name=police.agency.name),
        "merge": merge,
        "duplicate": duplicate,
        "case": case,
        "visit": visit,
        "risk_assessment": assessment,
        "missing": episode,
        "statutory": statutory,
        "support": support,
        "gp_letter": case.gp_letters.first(),
        "nrm": case.nrm_referrals.first(),
        "assigned": assigned,
        "referral": assigned,
        "referred_contact": referred_contact,
        "referred_child": referred_child,
        "referred_mace": referred_mace,
        "assessment": assigned.assessment,
        "awaiting": awaiting,
        "undecided": undecided,
        "meeting": meeting,
        "item": item,
        "decision": decision,
        "other_meeting": other_meeting,
        "other_item": other_item,
        "strategy_meeting": strategy,
        "safety_plan": plan,
        "action": action,
        "panel": panel,
        "panel_item": panel_item,
        "panel_item_other": panel_item_other,
        "case2": case2,
        "agreed_plan": agreed_plan,
        "proposed_case": proposed_case,
        "closed_case": closed_case,
        "police_mace": police_mace,
        "panel_decided_item": panel_decided_item,
        "panel_decision": panel_decision,
        "notifications": notifications,
        "notification": notifications["team_leader"],
        "export": export,
        "mapping_change": _mapping_change(personas),
    }
    return World(records=records, personas=personas)


def _network_merge_records(personas) -> dict:
    """A person of concern, a second record of them (a possible duplicate pair) and a merge of two
    other records of one person (network/services/merge.py)."""
    from network import services as network_services

    leader = personas["team_leader"]
    person = network_services.person_create(
        actor=personas["cate_worker"], first_name="Worldperson", last_name="Network", aliases="Worldy"
    )
    twin = network_services.person_create(actor=leader, first_name="Worldperson", last_name="Netwerk")
    (pair,) = network_services.person_duplicates_find(person_id=twin.pk, actor=leader, found_when="added")
    merge = network_services.person_merge(
        source=network_services.person_create(actor=leader, first_name="Mergedaway", last_name="Person"),
        target=network_services.person_create(actor=leader, first_name="Mergedinto", last_name="Person"),
        actor=leader,
        reason="The same man",
    )
    return {"person": person, "person_duplicate": pair, "person_merge": merge}


def _mapping_change(personas):
    """A change of the single sign-on group mapping an administrator proposed, waiting for a group manager."""
    from django.contrib.auth.models import Group

    from core.roles import Role
    from core.sso import group_mapping_propose

    return group_mapping_propose(
        provider_key="council",
        action="add",
        group="cate-workers",
        role=Group.objects.get(name=Role.CATE_WORKER.label),
        reason="The CATE team's group",
        actor=personas["administrator"],
    )


def _network_records(personas, *, person) -> dict:
    """The network's own records besides the person of concern (a place, a vehicle, a number, a peer
    group) and a link between the person and the place (no child: the case's chronology stays as it was)."""
    from network import services as network_services
    from network.choices import LinkKind, PlaceKind

    worker = personas["cate_worker"]
    place = network_services.place_create(
        actor=worker, kind=PlaceKind.TAKEAWAY, name="World takeaway", postcode="TF1 1AA"
    )
    vehicle = network_services.vehicle_create(actor=worker, registration="WO12 RLD", make="Ford", colour="Silver")
    identifier = network_services.identifier_create(actor=worker, kind="phone", value="07700 900111")
    group = network_services.peer_group_create(actor=worker, name="World group", description="Meets at the takeaway")
    link = network_services.link_add(actor=worker, a=person, b=place, kind=LinkKind.FREQUENTS)
    return {"place": place, "vehicle": vehicle, "identifier": identifier, "peer_group": group, "network_link": link}


# The record a URL argument names, by the path segment before it.
_BY_SEGMENT = {
    "persons": "person",
    "person-duplicates": "person_duplicate",
    "person-merges": "person_merge",
    "places": "place",
    "vehicles": "vehicle",
    "identifiers": "identifier",
    "peer-groups": "peer_group",
    "links": "network_link",
    "contacts": "contact",
    "enquiries": "mace",
    "follow-ups": "follow_up",
    "threshold-reviews": "threshold_review",
    "same-name-sets": "same_name_set",
    "children": "child",
    "merges": "merge",
    "possible-duplicates": "duplicate",
    "referrals": "referral",
    "cases": "case",
    "panels": "panel",
    "items": "panel_item",
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
    "enquiry-answers": "mace_entry",
    "group-mapping-changes": "mapping_change",
}


def url_patterns() -> list[tuple[str, str]]:
    """(name, route) of every named URL of the service's own apps (not Django's admin)."""
    from .matrix_support import walk

    return sorted({(name, route) for name, route, _ in walk() if ":" in name and not name.startswith("admin:")})


def url_kwargs(route: str, world: World) -> dict:
    """Fill each <converter:name> of `route` from the world's records."""
    import re

    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    kwargs = {}
    for match in re.finditer(r"([\w-]+)/<(?:\w+:)?(\w+)>", route):
        segment, name = match.groups()
        if name == "key":
            kwargs[name] = "caseload_limit"
        elif name == "kind" and segment == "map":  # the network map of the world's child
            kwargs[name], kwargs["pk"] = "child", world["child"].pk
        elif name == "kind":
            kwargs[name] = "contact_decision"
        elif name == "provider":  # the sign-in provider of the test settings (not running)
            kwargs[name] = "council"
        elif name == "user_pk":
            kwargs[name] = world.personas["cate_worker"].pk
        elif name == "uidb64":  # an e-mailed link's person: a real one, with a token that is not theirs
            kwargs[name] = urlsafe_base64_encode(force_bytes(world.personas["cate_worker"].pk))
            kwargs["token"] = "cfz1ab-0123456789abcdef0123456789abcdef"  # follows the person; not theirs
        else:
            kwargs[name] = world[_BY_SEGMENT[segment]].pk
    return kwargs

"""Factories of the risk panel: meetings, agenda items, decisions, strategy meetings, safety plans, actions."""

import datetime as dt

import factory
from django.utils import timezone

from cate.choices import RiskLevel
from riskpanel.choices import ItemKind, PanelStatus, RagColour, SafetyPlanStatus
from riskpanel.models import Action, AgendaItem, PanelDecision, PanelMeeting, SafetyPlan, StrategyMeeting

from .cate import CaseFactory
from .core import AgencyFactory, UserFactory

__all__ = [
    "PLAN_SECTIONS",
    "ActionFactory",
    "AgendaItemFactory",
    "PanelDecisionFactory",
    "PanelMeetingFactory",
    "SafetyPlanFactory",
    "StrategyMeetingFactory",
]


class PanelMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelMeeting
        skip_postgeneration_save = True

    meets_at = factory.Sequence(lambda n: timezone.now() + dt.timedelta(days=7, minutes=n))
    status = PanelStatus.SCHEDULED
    location = "Meeting room 2"

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.set(extracted)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(PanelMeetingFactory)
    case = factory.SubFactory(CaseFactory)
    kind = ItemKind.FIRST_PANEL
    paper = "Risk assessment summary for the panel."
    position = factory.Sequence(lambda n: n + 1)


class PanelDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PanelDecision

    item = factory.SubFactory(AgendaItemFactory)
    risk_level = RiskLevel.MEDIUM
    colour = RagColour.AMBER
    rationale = "Missing episodes continue; new risky contacts."
    next_review_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(weeks=12))
    decided_at = factory.LazyFunction(timezone.now)
    decided_by = factory.SubFactory(UserFactory)


class StrategyMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategyMeeting

    case = factory.SubFactory(CaseFactory)
    due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=5))


PLAN_SECTIONS = {
    "risks": "Older men are contacting you online and asking to meet.",
    "keeping_safe": "Being home by 9pm. Keeping your phone charged. Talking to your key worker.",
    "who_does_what": "Key worker visits every Tuesday. School checks attendance daily.",
    "key_worker": "The CATE key worker",
    "key_worker_contact": "01234 000000",
    "out_of_hours_contacts": "Emergency Duty Team 01234 111111",
    "other_contacts": "",
    "young_person_involvement": "Wrote the plan together at a visit at home.",
    "young_person_said": "I want to stay at my school.",
    "family_involvement": "Mum was at the visit.",
    "family_said": "Mum will collect her from the bus stop.",
    "on_child_protection_plan": False,
}


class SafetyPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SafetyPlan

    case = factory.SubFactory(CaseFactory)
    number = 1
    status = SafetyPlanStatus.DRAFT
    author = factory.SubFactory(UserFactory)
    risks = PLAN_SECTIONS["risks"]
    keeping_safe = PLAN_SECTIONS["keeping_safe"]
    who_does_what = PLAN_SECTIONS["who_does_what"]
    key_worker = PLAN_SECTIONS["key_worker"]
    key_worker_contact = PLAN_SECTIONS["key_worker_contact"]
    out_of_hours_contacts = PLAN_SECTIONS["out_of_hours_contacts"]
    young_person_involvement = PLAN_SECTIONS["young_person_involvement"]
    young_person_said = PLAN_SECTIONS["young_person_said"]
    family_involvement = PLAN_SECTIONS["family_involvement"]
    family_said = PLAN_SECTIONS["family_said"]
    on_child_protection_plan = PLAN_SECTIONS["on_child_protection_plan"]


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    case = factory.SubFactory(CaseFactory)
    description = factory.Sequence(lambda n: f"Check school attendance each week ({n})")
    owner_agency = factory.SubFactory(AgencyFactory, name="Education")
    owner_name = "School designated safeguarding lead"
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))

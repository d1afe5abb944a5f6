"""Demo records of intelligence and disruption for the local run, made through the services by the
demo staff: submissions from several kinds of source (a PCSO, a school nurse, a taxi driver who told a
CATE worker, a member of the public who rang the front door), graded, matched and shared by the
police analyst (`analyst`) with feedback to their sources, one overdue for feedback, and two
disruptions: patrols at the takeaway (planned, on the police's action list) and a Child Abduction
Warning Notice on "Dee" that could affect an investigation (waiting for the police's agreement).

Runs after the network's demo (INSTALLED_APPS order) and needs its records; idempotent: a submission
is made once (found by its words), a disruption once (found by its description)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from contacts.models import Child
from core.models import Agency
from network.models import Person, Place

from . import services
from .choices import Audience, Outcome, SourceType, Tactic
from .models import Disruption, IntelligenceReport

KEY = "demo-network-"

SUBMISSIONS = (
    {
        "by": "police",
        "source_type": SourceType.PCSO,
        "days_ago": 12,
        "seen_where": "Outside the takeaway on the high street",
        "what_seen": "Demo: a girl of about 14 in school uniform got into a black Audi at 22:40; "
        "the driver is known as Dee.",
        "about_children": "Ash, about 14, goes to Riverside Academy",
        "about_adults": "Dee, driver of a black Audi",
        "about_vehicles": "Black Audi, partial registration DE",
        "match": ("child:demo-cate-1", "person-dee"),
        "feedback": "Thank you. This was graded and shared with the police and with the child's worker.",
        "share": (Audience.POLICE, Audience.CATE),
    },
    {
        "by": "health",
        "source_type": SourceType.SCHOOL,
        "days_ago": 8,
        "seen_where": "School nurse's drop-in",
        "what_seen": "Demo: a Year 10 pupil has a new phone and says an older man buys her food at the takeaway.",
        "about_children": "Birch, Year 10",
        "about_places": "The takeaway on the high street",
        "match": ("child:demo-cate-2", "place-takeaway"),
        "feedback": "Thank you: it was added to what we know about the takeaway and shared with the child's worker.",
        "share": (Audience.CATE,),
    },
    {
        "by": "cateworker1",
        "source_type": SourceType.TAXI_DRIVER,
        "days_ago": 20,
        "seen_where": "Taxi rank at the station",
        "what_seen": "Demo: a taxi driver says a private hire driver often collects two teenage girls at 01:00.",
        "about_adults": "A private hire driver, grey saloon",
        "feedback": "",
    },
    {
        "by": "screener",
        "source_type": SourceType.PUBLIC,
        "days_ago": 3,
        "seen_where": "The park by the canal",
        "what_seen": "Demo: a caller says young people gather in the park late at night "
        "and an adult hands out cannabis.",
        "about_places": "The park by the canal",
        "feedback": "",
    },
)


def _target(key: str):
    if key.startswith("child:"):
        return Child.objects.filter(legacy_key=key.removeprefix("child:")).first()
    model = Person if key.startswith("person-") else Place
    return model.objects.filter(legacy_key=KEY + key).first()


@transaction.atomic
def seed_demo(stdout=None) -> None:
    users = {
        u.username: u
        for u in get_user_model().objects.filter(
            username__in=["analyst", "police", "health", "cateworker1", "screener"]
        )
    }
    analyst = users.get("analyst")
    if analyst is None:
        return
    now = timezone.now()
    made = 0
    for spec in SUBMISSIONS:
        if IntelligenceReport.objects.filter(what_seen=spec["what_seen"]).exists() or spec["by"] not in users:
            continue
        at = now - dt.timedelta(days=spec["days_ago"])
        report = services.report_submit(
            actor=users[spec["by"]],
            source_type=spec["source_type"],
            what_seen=spec["what_seen"],
            seen_at=at - dt.timedelta(hours=2),
            seen_where=spec["seen_where"],
            about_children=spec.get("about_children", ""),
            about_adults=spec.get("about_adults", ""),
            about_places=spec.get("about_places", ""),
            about_vehicles=spec.get("about_vehicles", ""),
            now=at,
        )
        made += 1
        if not spec["feedback"]:
            continue
        services.report_grade(
            report=report,
            actor=analyst,
            source_evaluation="2",
            assessment="B",
            handling_code="P",
            sanitised="A child was seen with an adult of concern near the takeaway late at night.",
            review_on=timezone.localdate() + dt.timedelta(days=60),
            now=at + dt.timedelta(days=1),
        )
        for key in spec.get("match", ()):
            record = _target(key)
            if record is not None:
                services.subject_match(report=report, actor=analyst, record=record, now=at + dt.timedelta(days=1))
        for audience in spec.get("share", ()):
            services.report_share(report=report, actor=analyst, audience=audience, now=at + dt.timedelta(days=2))
        services.report_feedback(
            report=report,
            actor=analyst,
            outcome=Outcome.SHARED,
            feedback=spec["feedback"],
            now=at + dt.timedelta(days=2),
        )
    made += _disruptions(analyst, users.get("police"))
    if stdout is not None:
        stdout.write(f"Intelligence demo: {made} records\n")


def _disruptions(analyst, police) -> int:
    police_agency = Agency.objects.filter(name="Police").first()
    takeaway, dee = _target("place-takeaway"), _target("person-dee")
    if police_agency is None or takeaway is None or dee is None:
        return 0
    today = timezone.localdate()
    made = 0
    specs = (
        (takeaway, Tactic.PATROL, "Demo: patrols past the takeaway on Friday and Saturday nights", False, None),
        (
            dee,
            Tactic.CAWN,
            "Demo: a Child Abduction Warning Notice on Dee about Ash",
            True,
            today + dt.timedelta(days=730),
        ),
    )
    for target, tactic, description, investigation, expires in specs:
        if Disruption.objects.filter(description=description).exists():
            continue
        services.disruption_record(
            actor=analyst,
            target=target,
            tactic=tactic,
            description=description,
            lead_agency=police_agency,
            owner=None,
            owner_name="Sergeant, neighbourhood team",
            planned_on=today,
            due_on=today + dt.timedelta(days=14),
            could_affect_investigation=investigation,
            awn_expires_on=expires,
        )
        made += 1
    return made

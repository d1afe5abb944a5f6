"""Demo records of the front door for the local run: synthetic children and contacts in every
state, so the screening queue, MACE and follow-ups have something to show. Idempotent: each record
carries a `demo-…` legacy key and is made once."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core import audit
from core.models import Agency
from core.selectors import service_settings

from . import services
from .choices import Channel, ExploitationFactor, FactorLevel, Outcome, Source, highest_threshold_of
from .models import Child, Contact

REASON = "Demo data"

CHILDREN = [
    ("demo-child-alpha", {"first_name": "Alpha", "last_name": "Demochild", "gender": "female", "postcode": "TF1 1AA"}),
    ("demo-child-bravo", {"first_name": "Bravo", "last_name": "Demochild", "gender": "male", "postcode": "TF2 2BB"}),
    (
        "demo-child-charlie",
        {"first_name": "Charlie", "last_name": "Demochild", "gender": "female", "school": "Demo Academy"},
    ),
    ("demo-child-delta", {"first_name": "Delta", "last_name": "Demochild", "gender": "male", "postcode": "TF3 3CC"}),
    ("demo-child-echo", {"first_name": "Echo", "last_name": "Demochild", "gender": "other", "in_care": True}),
]


def _users():
    User = get_user_model()
    names = ("advisor", "screener", "police", "health")
    found = {u.username: u for u in User.objects.filter(username__in=names)}
    return found if len(found) == len(names) else None


def _child(key: str, data: dict, *, advisor, age: int) -> Child:
    child = Child.objects.filter(legacy_key=key).first()
    if child is None:
        born = timezone.localdate() - dt.timedelta(days=int(365.25 * age) + 40)
        child = services.child_create(
            actor=advisor, data={"date_of_birth": born, **data}, confirmed_not_duplicate=True, reason=REASON
        )
        child.legacy_key = key
        audit.save(child, actor=advisor, reason=REASON, update_fields=["legacy_key"])
    return child


def _contact(key: str, *, advisor, child=None, hours_ago: float, **data) -> tuple[Contact, bool]:
    contact = Contact.objects.filter(legacy_key=key).first()
    if contact is not None:
        return contact, False
    values = {
        "received_at": timezone.now() - dt.timedelta(hours=hours_ago),
        "channel": Channel.PHONE,
        "source": Source.SCHOOLS_COLLEGES,
        "referrer_organisation": "Demo Academy",
        "referrer_name": "Designated safeguarding lead (demo)",
        "concern": "Demo concern: seen getting into cars with older males after school.",
        "cse_concern": True,
    }
    values.update(data)
    contact = services.contact_record(actor=advisor, data=values, child=child)
    contact.legacy_key = key
    audit.save(contact, actor=advisor, reason=REASON, update_fields=["legacy_key"])
    return contact, True


def _hours_ago_due_soon() -> float:
    """How long ago a contact must have come in for its decision to be due within the next few hours."""
    settings, now = service_settings(), timezone.now()
    for hours in range(1, 24 * 7):
        due = settings.due("contact_decision", now - dt.timedelta(hours=hours))
        if now + dt.timedelta(hours=1) <= due <= now + dt.timedelta(hours=3):
            return hours
    return 20


def _assess(contact, screener, **levels):
    factors = {}
    for factor in ExploitationFactor:
        level = levels.get(factor.value, FactorLevel.NOT_PRESENT)
        evidence = "" if level == FactorLevel.NOT_PRESENT else f"Demo evidence: {factor.label.lower()}"
        factors[factor.value] = {"level": level, "evidence": evidence}
    overall = highest_threshold_of(f["level"] for f in factors.values())
    services.threshold_assess(contact=contact, actor=screener, factors=factors, overall_level=overall)


@transaction.atomic
def seed_demo(stdout) -> None:
    users = _users()
    if users is None:
        stdout.write("Front door demo skipped: the demo users are missing.\n")
        return
    advisor, screener, police = users["advisor"], users["screener"], users["police"]
    children = {key: _child(key, data, advisor=advisor, age=13 + i) for i, (key, data) in enumerate(CHILDREN)}
    police_agency, health_agency = Agency.objects.get(name="Police"), Agency.objects.get(name="Health")

    # Waiting in the queue: one overdue, one due soon, one anonymous report not yet matched to a child.
    _contact("demo-contact-overdue", advisor=advisor, child=children["demo-child-alpha"], hours_ago=24 * 4)
    _contact(
        "demo-contact-due-soon",
        advisor=advisor,
        child=children["demo-child-bravo"],
        hours_ago=_hours_ago_due_soon(),
        source=Source.POLICE,
        referrer_organisation="Police (demo)",
        cse_concern=False,
        cce_concern=True,
        concern="Demo concern: found carrying cash and two phones far from home.",
    )
    _contact(
        "demo-contact-anonymous",
        advisor=advisor,
        hours_ago=2,
        channel=Channel.ANONYMOUS_FORM,
        source=Source.ANONYMOUS,
        is_anonymous=True,
        referrer_organisation="",
        referrer_name="",
        reported_child_name="Kay (demo)",
        reported_child_age="about 14",
        reported_locations="Demo park, evenings",
        concern="Demo concern: a girl is picked up from the park by different older men.",
    )

    # Charlie: two earlier contacts this year (one early help, followed up late), and a third in screening.
    charlie = children["demo-child-charlie"]
    first, made = _contact("demo-contact-charlie-1", advisor=advisor, child=charlie, hours_ago=24 * 60)
    if made:
        _assess(first, screener, education=FactorLevel.VULNERABLE)
        services.contact_decide(
            contact=first,
            actor=screener,
            outcome=Outcome.INFORMATION_ADVICE,
            outcome_detail="Demo: advice to the school on the warning signs.",
            late_decision_reason="Demo data recorded after the event.",
        )
    second, made = _contact("demo-contact-charlie-2", advisor=advisor, child=charlie, hours_ago=24 * 30)
    if made:
        _assess(second, screener, running_away=FactorLevel.VULNERABLE, education=FactorLevel.VULNERABLE)
        decided = services.contact_decide(
            contact=second,
            actor=screener,
            outcome=Outcome.EARLY_HELP,
            early_help_agency=Agency.objects.get(name="Children's Services"),
            early_help_service="Strengthening Families",
            late_decision_reason="Demo data recorded after the event.",
        )
        follow_up = decided.follow_up
        follow_up.due_at = timezone.now() - dt.timedelta(days=3)
        audit.save(follow_up, actor=screener, reason="Demo data: follow-up back-dated to show an overdue one")
    third, made = _contact("demo-contact-charlie-3", advisor=advisor, child=charlie, hours_ago=3)
    if made:
        services.contact_assign(contact=third, assignee=screener, actor=screener)
        _assess(third, screener, coercion=FactorLevel.COMPLEX, running_away=FactorLevel.VULNERABLE)
        mace = services.mace_request_send(
            contact=third,
            actor=screener,
            agencies=[police_agency, health_agency],
            question="Demo: what do your systems hold on this child and the people around them?",
        )
        services.mace_entry_add(
            request=mace, actor=police, information="Demo: reported missing twice this year.", systems_checked="Demo"
        )

    # Delta: decided, early help still to be followed up. Echo: referred to CATE.
    delta, made = _contact("demo-contact-delta", advisor=advisor, child=children["demo-child-delta"], hours_ago=24 * 2)
    if made:
        _assess(delta, screener, substance_misuse=FactorLevel.VULNERABLE)
        services.contact_decide(
            contact=delta,
            actor=screener,
            outcome=Outcome.EARLY_HELP,
            early_help_agency=health_agency,
            early_help_service="School nurse (demo)",
            late_decision_reason="Demo data recorded after the event.",
        )
    echo, made = _contact("demo-contact-echo", advisor=advisor, child=children["demo-child-echo"], hours_ago=5)
    if made:
        _assess(echo, screener, coercion=FactorLevel.ACUTE, risky_contacts=FactorLevel.COMPLEX)
        services.contact_decide(
            contact=echo,
            actor=screener,
            outcome=Outcome.CATE_OR_STATUTORY,
            outcome_detail="Demo: significant risk of exploitation.",
            refer_to_cate=True,
            late_decision_reason="Demo data recorded after the event.",
        )
    # Health has not answered Charlie's enquiry yet: the demo shows an agency's answer waiting.
    stdout.write(
        f"Front door: {Child.objects.filter(legacy_key__startswith='demo-').count()} demo children, "
        f"{Contact.objects.filter(legacy_key__startswith='demo-').count()} demo contacts.\n"
    )

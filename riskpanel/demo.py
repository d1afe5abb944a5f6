"""Demo data of the risk panel: the next panels on the fortnightly schedule, with the agenda of
the first one built from whatever cases the demo has when it first runs (none is fine), and an
action for the police and one for health on the first allocated case, so that the demo partners
have their agency's actions to work on. Idempotent."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cate.choices import CaseStatus
from cate.models import Case
from core import clock
from core.models import Agency

from . import services
from .models import Action, PanelMeeting

PANELS_AHEAD = 4
DEMO_CHAIR = "teamleader"
DEMO_MEMBERS = ("panelmember",)
DEMO_AGENCIES = ("Children's Services", "Police", "Health", "Education", "Youth Justice")
DEMO_LOCATION = "Civic offices, meeting room 2 (or online)"
# (partner's username, what is to be done, days until due) on the first allocated demo case.
DEMO_ACTIONS = (
    ("police", "Visit the address where the young person was found and share what is known of it", 7),
    ("health", "Offer an appointment at the sexual health clinic", 14),
)


def next_tuesday_morning(now: dt.datetime) -> dt.datetime:
    day = clock.local_date(now) + dt.timedelta(days=1)
    while day.weekday() != 1:  # Tuesday
        day += dt.timedelta(days=1)
    return clock.at_local(day, dt.time(10, 0))


@transaction.atomic
def seed_demo(stdout) -> None:
    User = get_user_model()
    chair = User.objects.filter(username=DEMO_CHAIR, is_active=True).first()
    if chair is None or not chair.has_perm("riskpanel.chair_panel"):
        stdout.write("Risk panel: no demo team leader to chair the panels; none scheduled.")
        return
    now = timezone.now()
    ahead = PanelMeeting.objects.filter(meets_at__gt=now).count()
    if ahead < PANELS_AHEAD:
        if PanelMeeting.objects.exists():
            created = services.panel_schedule(actor=chair, count=PANELS_AHEAD - ahead, now=now)
        else:
            created = services.panel_schedule(
                actor=chair,
                count=PANELS_AHEAD,
                first_meets_at=next_tuesday_morning(now),
                location=DEMO_LOCATION,
                chair=chair,
                agencies=Agency.objects.filter(name__in=DEMO_AGENCIES),
                members=User.objects.filter(username__in=DEMO_MEMBERS, is_active=True),
                now=now,
            )
        stdout.write(f"Risk panel: {len(created)} panels scheduled.")
    seed_actions(stdout, now=now)
    following = PanelMeeting.objects.filter(meets_at__gt=now).order_by("meets_at").first()
    # The agenda is built once, on the first run: a later run (after other demos added cases)
    # leaves the agenda as it is.
    if following is not None and not following.items.exists():
        added = services.agenda_build(meeting=following, actor=chair, now=now)
        if added:
            day = clock.local(following.meets_at)
            stdout.write(f"Risk panel: {len(added)} cases on the agenda of {day:%-d %b %Y}.")


def seed_actions(stdout, *, now: dt.datetime) -> None:
    """The demo partners' actions, agreed by the worker of the first allocated open case; once."""
    if Action.objects.exists():
        return
    case = (
        Case.objects.exclude(status=CaseStatus.CLOSED)
        .filter(allocated_worker__isnull=False)
        .select_related("allocated_worker")
        .order_by("reference")
        .first()
    )
    partners = {u.username: u for u in get_user_model().objects.filter(username__in=[a[0] for a in DEMO_ACTIONS])}
    if case is None or len(partners) < len(DEMO_ACTIONS):
        return
    for username, description, days in DEMO_ACTIONS:
        partner = partners[username]
        services.action_create(
            actor=case.allocated_worker,
            case=case,
            description=description,
            owner_agency=partner.agency,
            owner=partner,
            due_on=clock.local_date(now) + dt.timedelta(days=days),
            now=now,
        )
    stdout.write(f"Risk panel: {len(DEMO_ACTIONS)} actions for partner agencies on {case.reference}.")

"""The demo's context panel (issue 19 point 4), after the network's and the contexts' demo records: a
context panel meeting now, open, chaired by the team leader, the police and licensing partners and
the panel member invited; on its agenda the demo park (its location assessment) and the park crew (its
peer-group assessment); the police's attendance, what the panel decided on the park and an action
for licensing. Recorded through the services; made once (the panel's place says it is the demo's)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from core.models import Agency

from . import services
from .choices import ContextItemKind
from .models.panels import ContextPanel

LOCATION = "Demo: committee room 2, civic centre"


def seed_context_panel_demo(stdout, *, records: dict, users: dict) -> None:
    park, group = records.get("place-park"), records.get("group-park")
    leader = users.get("teamleader")
    members = list(get_user_model().objects.filter(username__in=("police", "licensing", "panelmember"), is_active=True))
    police = Agency.objects.filter(name="Police").first()
    licensing = Agency.objects.filter(name="Licensing").first()
    if None in (park, group, leader, police, licensing):
        stdout.write("Context panel demo skipped: the demo park, group, team leader, police or licensing missing.\n")
        return
    if ContextPanel.objects.filter(location=LOCATION).exists():
        return
    agencies = list(Agency.objects.filter(name__in=("Police", "Licensing", "Education", "Housing", "Transport")))
    panel = services.context_panel_schedule(
        actor=leader,
        meets_at=timezone.now() + dt.timedelta(minutes=30),
        location=LOCATION,
        chair=leader,
        agencies=agencies,
        members=members,
    )
    item = services.context_item_add(
        panel=panel,
        actor=leader,
        context=park,
        kind=ContextItemKind.ASSESSMENT,
        presenting_agency=police,
        details="Demo: the location assessment found significant harm; the panel is asked to agree the plan.",
    )
    services.context_item_add(
        panel=panel,
        actor=leader,
        context=group,
        kind=ContextItemKind.ASSESSMENT,
        details="Demo: the peer-group assessment is in draft; what do partners know of the group?",
    )
    panel = services.context_panel_open(panel=panel, actor=leader)
    services.context_attendance_record(
        panel=panel, actor=leader, agency=police, present="Neighbourhood sergeant (demo)", apologies=""
    )
    item.refresh_from_db()
    services.context_item_decide(
        item=item,
        actor=leader,
        decision="Demo: agree the plan; licensing to review the private hire driver seen at the park.",
        discussion="Demo: police patrols have started; residents report fewer cars.",
    )
    services.context_item_action_add(
        item=item,
        actor=leader,
        description="Demo: review the private hire licence of the driver seen at the park",
        owner_agency=licensing,
        owner_name="Licensing officer (demo)",
        due_on=timezone.localdate() + dt.timedelta(days=14),
    )
    stdout.write(
        "Context panel: open now, with the demo park and the park crew on its agenda (police and licensing).\n"
    )

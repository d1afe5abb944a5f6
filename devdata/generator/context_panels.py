"""The generated context panels (issue 19 point 4, a part of Generator): a monthly contextual MACE
over the last two years and the next month, chaired by a team leader, the partners invited, each with
a few places and peer groups on its agenda (drawn from the network's, the most linked first more
often); the panels that have met are closed, every item decided and the minutes final; the next one
is scheduled. Cheap at any scale: a panel a month, six to ten items each."""

from __future__ import annotations

import datetime as dt

from core.roles import Role
from network.choices import ContextItemKind, NodeKind
from network.models import ContextPanel, ContextPanelItem, Node
from riskpanel.choices import MinutesStatus, PanelStatus

MONTHS_BACK = 24
DECISIONS = (
    "Agree the plan; police patrols and a licensing visit.",
    "Continue the plan; review at the next panel.",
    "No further multi-agency action: the harm has reduced.",
    "Share the peer-group map with schools and youth services.",
)


class ContextPanelsMixin:
    def context_panels(self) -> None:
        rng = self.rng
        contexts = list(
            Node.objects.filter(kind__in=[NodeKind.PLACE, NodeKind.PEER_GROUP])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not contexts or not self.leaders:
            return
        partners = self.by_role.get(Role.PARTNER, [])
        existing = set(ContextPanel.objects.values_list("meets_at", flat=True))
        first = (self.now - dt.timedelta(days=30 * MONTHS_BACK)).date().replace(day=1)
        panels, dates = [], []
        month = first
        end = (self.now + dt.timedelta(days=31)).date()
        while month <= end:
            day = month + dt.timedelta(days=(1 - month.weekday()) % 7)  # the first Tuesday
            meets = dt.datetime.combine(day, dt.time(14), tzinfo=self.tz)
            month = (month + dt.timedelta(days=32)).replace(day=1)
            if meets in existing:
                continue
            past = meets + dt.timedelta(hours=3) < self.now
            chair = rng.choice(self.leaders)
            panels.append(
                ContextPanel(
                    meets_at=meets,
                    location="Civic centre, committee room 2",
                    chair=chair,
                    status=PanelStatus.CLOSED if past else PanelStatus.SCHEDULED,
                    opened_at=meets if past else None,
                    closed_at=meets + dt.timedelta(hours=3) if past else None,
                    minutes_status=MinutesStatus.FINAL if past else MinutesStatus.DRAFT,
                    minutes_finalised_at=meets + dt.timedelta(days=2) if past else None,
                    minutes_finalised_by=chair if past else None,
                    created_by=chair,
                )
            )
            dates.append(meets - dt.timedelta(days=21))
        self.writer.insert(ContextPanel, panels, dates)
        members = ContextPanel.members.through
        members.objects.bulk_create(
            [
                members(contextpanel_id=p.pk, user_id=u.pk)
                for p in panels
                for u in rng.sample(partners, min(4, len(partners)))
            ]
        )
        # The most linked contexts (the first nodes drawn in network.py are no more linked than the
        # rest, so weight by a heavy tail over a shuffled order).
        weights = [1.0 / (rank + 1) for rank in range(len(contexts))]
        order = contexts[:]
        rng.shuffle(order)
        items, item_dates = [], []
        for panel in panels:
            chosen = set()
            for _ in range(rng.randint(6, 10)):
                chosen.add(rng.choices(order, weights=weights)[0])
            past = panel.status == PanelStatus.CLOSED
            for position, node_id in enumerate(sorted(chosen), start=1):
                items.append(
                    ContextPanelItem(
                        panel=panel,
                        node_id=node_id,
                        kind=rng.choice(ContextItemKind.values),
                        paper="Generated context paper",
                        paper_taken_at=panel.meets_at - dt.timedelta(days=7),
                        position=position,
                        decision=rng.choice(DECISIONS) if past else "",
                        decided_at=panel.meets_at + dt.timedelta(hours=1) if past else None,
                        decided_by=panel.chair if past else None,
                        added_by=panel.chair,
                    )
                )
                item_dates.append(panel.meets_at - dt.timedelta(days=7))
        self.writer.insert(ContextPanelItem, items, item_dates)

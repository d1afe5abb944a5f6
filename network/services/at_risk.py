"""Who else may be at risk (seed 001 L1436-1437): when a reader opens a child's network map and other
children share a person of concern or a place with that child whom the reader may not see, those
who may see them are told instead (a restricted child's named staff; the CATE team leaders for any
other), once a day for each pair of children. The reader is told nothing of it, and the alert names
no child (e-mails never carry a child's name): only the number of the child who may be at risk."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from contacts.models import Child
from core.models import Notification
from core.services import notification_send

from ..analysis import at_risk_recipients, children_at_risk_hidden_from
from ..permissions import require_read_network


def alert_key(*, hidden_id: int, child_id: int, day: dt.date) -> str:
    return f"network:at-risk:{hidden_id}:{child_id}:{day.isoformat()}"


def at_risk_alerts_send(*, child: Child, actor, today: dt.date | None = None) -> None:
    """Tell those who may see them of the children sharing a person or place with `child` that
    `actor` may not see. Returns nothing: what it found must not reach the actor's page."""
    require_read_network(actor)
    hidden = children_at_risk_hidden_from(actor, child)
    if not hidden:
        return
    day = today or timezone.localdate()
    recipients = at_risk_recipients(hidden, exclude=actor.pk)
    wanted = {
        (person.pk, alert_key(hidden_id=hidden_id, child_id=child.pk, day=day)): (person, hidden_id)
        for hidden_id, people in recipients.items()
        for person in people
    }
    if not wanted:
        return
    sent = set(Notification.objects.filter(key__in={key for _, key in wanted}).values_list("recipient_id", "key"))
    for (recipient_id, key), (person, hidden_id) in sorted(wanted.items(), key=lambda item: item[0]):
        if (recipient_id, key) in sent:
            continue
        notification_send(
            recipient=person,
            key=key,
            title=f"Child {hidden_id} may be at risk: a shared person or place in the network",
            body=(
                f"A colleague looking at another child's network map could not see every child who shares a "
                f"person of concern or a place with that child: child {hidden_id} is one of them. Open the "
                f"network map of child {hidden_id} to see who else may be at risk."
            ),
            url=reverse("network:map", args=["child", hidden_id]),
        )

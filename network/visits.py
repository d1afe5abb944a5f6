"""What staff must know before they visit a child (core.contract `visit_warnings`, shown above
cate's visit form): every person of concern with a staff-safety warning linked to the child or to
the case, as the reader may see them (a person who is a child they may not know of, or a link
through a node hidden from them, is not shown)."""

from __future__ import annotations

from django.db.models import Q

from .choices import NetworkStatus
from .models import Node
from .selectors import links_visible_to, persons_visible_to


def staff_safety_warnings(case, *, user) -> list[str]:
    ends = Node.objects.filter(Q(child_id=case.child_id) | Q(case_id=case.pk)).values("pk")
    links = links_visible_to(user).filter(Q(a__in=ends) | Q(b__in=ends)).values("pk")
    persons = (
        persons_visible_to(user)
        .filter(status=NetworkStatus.ACTIVE, staff_safety_warning=True)
        .filter(Q(node__links_from__in=links) | Q(node__links_to__in=links))
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
    return [f"Staff safety: {person} linked to this child — {person.staff_safety_reason}" for person in persons]

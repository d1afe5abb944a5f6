"""Reads of the front door, filtered by what the user may see."""

from django.db.models import Q, QuerySet

from .choices import RecordStatus
from .models import Child


def children_visible_to(user) -> QuerySet[Child]:
    """Children this user may know exist: a restricted child only for the staff named on it.

    Every list, search, count that identifies children, drill-down and export of any app starts
    from here (or filters its own rows by `child__in` this queryset).
    """
    return (
        Child.objects.filter(Q(is_restricted=False) | Q(restricted_to=user)).distinct()
        if user.is_authenticated
        else Child.objects.none()
    )


def active_children_visible_to(user) -> QuerySet[Child]:
    return children_visible_to(user).filter(status=RecordStatus.ACTIVE)

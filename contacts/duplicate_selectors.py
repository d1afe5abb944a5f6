"""Reads of possible duplicates (the selectors of PossibleDuplicate), filtered by what the user may see.

A pair is shown only to someone who may see both its records: a pair with a restricted record only to
the staff named on it. Family Connect managers see every such pair; the named staff of a restricted
record see its pairs without the managers' permission. A pair the user may not see answers 404.
"""

from __future__ import annotations

import time

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from .choices import DuplicateStatus
from .models import Child, PossibleDuplicate
from .permissions import VIEW_POSSIBLE_DUPLICATES
from .selectors import hidden_children


def active_named_staff(child: Child) -> QuerySet:
    """The active staff a restricted child's record names (told of a possible duplicate of it)."""
    return child.restricted_to.filter(is_active=True, is_system=False).order_by("pk")


def possible_duplicates_visible_to(user) -> QuerySet[PossibleDuplicate]:
    """Pairs whose two records the user may see: every such pair for Family Connect managers; for
    anyone else, the pairs of a restricted record naming them. A pair with a restricted record is so
    shown only to its named staff."""
    if not user.is_authenticated:
        return PossibleDuplicate.objects.none()
    hidden = hidden_children(user).values("pk")
    pairs = PossibleDuplicate.objects.exclude(child__in=hidden).exclude(existing__in=hidden)
    if user.has_perm(VIEW_POSSIBLE_DUPLICATES):
        return pairs
    named = Child.restricted_to.through.objects.filter(user_id=user.pk).values("child_id")
    return pairs.filter(
        Q(child__is_restricted=True, child__in=named) | Q(existing__is_restricted=True, existing__in=named)
    )


def possible_duplicate_list_for_user(user, *, state: str = "open") -> QuerySet[PossibleDuplicate]:
    """Open pairs the oldest first (or the resolved ones, the latest first)."""
    pairs = possible_duplicates_visible_to(user).select_related("child", "existing", "resolved_by")
    if state == "resolved":
        return pairs.exclude(status=DuplicateStatus.OPEN).order_by("-resolved_at", "-id")
    return pairs.filter(status=DuplicateStatus.OPEN).order_by("found_at", "id")


def possible_duplicate_get_for_user(user, pk: int) -> PossibleDuplicate:
    return get_object_or_404(
        possible_duplicates_visible_to(user).select_related("child", "existing", "found_by", "resolved_by", "merge"),
        pk=pk,
    )


def possible_duplicate_recorded(child_id: int, other_id: int) -> bool:
    """Whether the two records are already a pair (found either way round, whatever its state)."""
    return PossibleDuplicate.objects.filter(
        Q(child_id=child_id, existing_id=other_id) | Q(child_id=other_id, existing_id=child_id)
    ).exists()


def uses_duplicate_list(user) -> bool:
    """Family Connect managers, and the staff named on a restricted record (its pairs are theirs to
    resolve): the list's page is theirs, and their navigation links to it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.has_perm(VIEW_POSSIBLE_DUPLICATES):
        return True
    named = Child.restricted_to.through.objects.filter(user_id=user.pk).values("child_id")
    return Child.objects.filter(pk__in=named, is_restricted=True).exists()


# The navigation links the list for the staff named on a restricted record: what sign-in found is kept
# in the session and checked again every few minutes, so that pages cost no query for it.
NAVIGATION_SESSION_KEY = "contacts.uses_duplicate_list"
NAVIGATION_RECHECK_SECONDS = 300


def duplicate_list_in_navigation(request) -> bool:
    """Whether the navigation links the list of possible duplicates (core.navigation's `also_for`)."""
    session = getattr(request, "session", None)
    if session is None:
        return uses_duplicate_list(request.user)
    kept = session.get(NAVIGATION_SESSION_KEY)
    if isinstance(kept, list) and len(kept) == 2 and time.time() - kept[1] < NAVIGATION_RECHECK_SECONDS:
        return bool(kept[0])
    uses = uses_duplicate_list(request.user)
    session[NAVIGATION_SESSION_KEY] = [uses, time.time()]
    return uses


def remember_duplicate_list_use(sender, request, user, **kwargs) -> None:
    """At sign-in (Django's user_logged_in): keep in the session whether the user uses the list."""
    session = getattr(request, "session", None)
    if session is not None:
        session[NAVIGATION_SESSION_KEY] = [uses_duplicate_list(user), time.time()]

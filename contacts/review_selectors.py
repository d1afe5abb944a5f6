"""Reads of the front door's review lists (issue 24): the contacts assessed Complex or Acute, for
the members of the role the `safeguarding_advisors` setting names, each only of a contact they may
read (a restricted child's only for its named staff); and the sets of child records sharing a name."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from core.roles import Role, has_role
from core.selectors import ServiceSettings, service_settings

from .models import Child, SameNameSet, ThresholdReview
from .permissions import RESTRICTION_ROLES
from .visibility import contacts_visible_to, hidden_children


def advisors_role(settings: ServiceSettings | None = None) -> Role:
    value = (settings or service_settings())["safeguarding_advisors"]
    return Role(value) if value in Role.values else Role.FC_MANAGER


def is_safeguarding_advisor(user, settings: ServiceSettings | None = None) -> bool:
    return has_role(user, advisors_role(settings))


def threshold_reviews_visible_to(user) -> QuerySet[ThresholdReview]:
    if not user.is_authenticated or not is_safeguarding_advisor(user):
        return ThresholdReview.objects.none()
    return ThresholdReview.objects.filter(contact__in=contacts_visible_to(user).values("pk"))


def threshold_review_list_for_user(user, *, state: str = "open") -> QuerySet[ThresholdReview]:
    rows = threshold_reviews_visible_to(user).select_related("contact", "reviewed_by")
    if state == "open":
        return rows.filter(outcome="").order_by("raised_at", "pk")
    if state == "done":
        return rows.exclude(outcome="").order_by("-reviewed_at", "-pk")
    return rows.order_by("-raised_at", "-pk")


def threshold_review_get_for_user(user, pk: int) -> ThresholdReview:
    return get_object_or_404(
        threshold_reviews_visible_to(user).select_related("contact", "contact__child", "reviewed_by"), pk=pk
    )


def advisors_who_read(contact_ids: set[int], settings: ServiceSettings) -> dict[int, tuple[int, ...]]:
    """contact id -> the advisors (the configured role's active members) who may read it; the
    Family Connect managers who may when no advisor may. One pair of queries per person asked."""
    User = get_user_model()

    def members(role: Role):
        return list(User.objects.filter(groups__name=role.label, is_active=True, is_system=False).order_by("pk"))

    readers: dict[int, tuple[int, ...]] = dict.fromkeys(contact_ids, ())
    if not contact_ids:
        return readers
    for role in dict.fromkeys((advisors_role(settings), Role.FC_MANAGER)):
        wanted = [pk for pk, told in readers.items() if not told]
        if not wanted:
            break
        for user in members(role):
            for pk in contacts_visible_to(user).filter(pk__in=wanted).values_list("pk", flat=True):
                readers[pk] = (*readers[pk], user.pk)
    return readers


# --- Child records of the same name ------------------------------------------------------------


def same_name_sets_visible_to(user) -> QuerySet[SameNameSet]:
    """The sets the user reviews: a Family Connect manager every set of records they may all know;
    anyone else who may be named on a restricted record, the sets with a restricted record that
    names them (a restricted record not naming the user hides its whole set)."""
    if not user.is_authenticated or not has_role(user, *RESTRICTION_ROLES):
        return SameNameSet.objects.none()
    through = SameNameSet.children.through
    hidden = through.objects.filter(child__in=hidden_children(user)).values("samenameset_id")
    restricted = Exists(through.objects.filter(samenameset_id=OuterRef("pk"), child__is_restricted=True))
    rows = SameNameSet.objects.exclude(pk__in=hidden)
    if not has_role(user, Role.FC_MANAGER):
        rows = rows.filter(restricted)
    return rows


def same_name_set_list_for_user(user, *, state: str = "open") -> QuerySet[SameNameSet]:
    rows = same_name_sets_visible_to(user).select_related("reviewed_by").annotate(records=Count("children"))
    if state == "open":
        return rows.filter(outcome="").order_by("found_at", "pk")
    if state == "done":
        return rows.exclude(outcome="").order_by("-reviewed_at", "-pk")
    return rows.order_by("-found_at", "-pk")


def same_name_set_get_for_user(user, pk: int) -> SameNameSet:
    return get_object_or_404(
        same_name_sets_visible_to(user).select_related("reviewed_by").prefetch_related("children"), pk=pk
    )


def same_name_set_owners(sets: list[tuple[int, list[tuple[int, bool]]]]) -> dict[int, tuple[int, ...]]:
    """set id -> who is told of it: the Family Connect managers; for a set with restricted records,
    the staff named on every one of them (nobody, when no one is named on all)."""
    User = get_user_model()
    managers = tuple(
        User.objects.filter(groups__name=Role.FC_MANAGER.label, is_active=True, is_system=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    restricted_ids = {child for _, members in sets for child, is_restricted in members if is_restricted}
    named: dict[int, set[int]] = {child: set() for child in restricted_ids}
    if restricted_ids:
        through = Child.restricted_to.through.objects.filter(
            child_id__in=restricted_ids, user__is_active=True, user__is_system=False
        )
        for child_id, user_id in through.values_list("child_id", "user_id"):
            named[child_id].add(user_id)
    owners = {}
    for set_id, members in sets:
        locked = [named[child] for child, is_restricted in members if is_restricted]
        owners[set_id] = tuple(sorted(set.intersection(*locked))) if locked else managers
    return owners

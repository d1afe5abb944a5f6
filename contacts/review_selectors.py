"""Reads of the safeguarding advisors' review list (issue 24): the contacts assessed Complex or
Acute, for the members of the role the `safeguarding_advisors` setting names, each only of a
contact they may read (a restricted child's only for its named staff)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from core.roles import Role, has_role
from core.selectors import ServiceSettings, service_settings

from .models import ThresholdReview
from .visibility import contacts_visible_to


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

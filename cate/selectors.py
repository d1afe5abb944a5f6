"""Reads of CATE casework, filtered by what the user may see."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from guardian.shortcuts import get_objects_for_user

from contacts.selectors import children_visible_to

from .models import Case
from .permissions import VIEW_ALL_CASES


def cases_visible_to(user) -> QuerySet[Case]:
    """Cases allocated to a worker (object permission), or every case for managers; restricted
    children only for the staff named on them."""
    if not user.is_authenticated:
        return Case.objects.none()
    if user.has_perm(VIEW_ALL_CASES):
        cases = Case.objects.all()
    else:
        cases = get_objects_for_user(
            user, "cate.view_case", klass=Case, accept_global_perms=False, with_superuser=False
        )
    return cases.filter(child__in=children_visible_to(user))


def case_get_for_user(user, pk: int) -> Case:
    """One case, or 404 for a case that does not exist and for one the user may not see."""
    return get_object_or_404(cases_visible_to(user).select_related("child", "allocated_worker"), pk=pk)

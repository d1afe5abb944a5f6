"""The CATE case holds documents (core.contract's `document_owners`), seen by those who may open the
case; its list shows the documents of its child too (and of the panels' papers, meetings and plans
about it, which the risk panel declares `within` it)."""

from __future__ import annotations

from documents.sections import section

from . import selectors
from .permissions import can_work_on_case


def cases_visible(user):
    return selectors.cases_visible_to(user).values("pk")


def case_attach(user, case) -> bool:
    return can_work_on_case(user, case)


def case_includes(case) -> list[tuple[str, list[int]]]:
    return [("contacts.Child", [case.child_id])]


def case_section(case, *, user):
    return section(case, user=user, key="case", title="Documents (the case, its child, panels and meetings)")

"""The child's family and household (held by the child index) on the case's panel paper, through the
app contract: the genogram and its table as the paper's reader may see them (a restricted relative the
reader is not named on is not in it)."""

from __future__ import annotations

from contacts import family_selectors, genogram
from core.contract import Section


def family_context(child, user, *, ident: str = "genogram") -> dict:
    picture = family_selectors.family_of(child, user)
    return {"picture": picture, "drawing": genogram.draw(picture, ident=ident)}


def panel_paper_section(item, *, user) -> Section | None:
    if getattr(item, "case_id", None) is None:
        return None
    context = family_context(item.case.child, user, ident=f"genogram-paper-{item.pk}")
    return Section("Family and household", "contacts/_family.html", context)

"""The panel paper: the worker's latest risk assessment as text, frozen onto the agenda item.

Pure functions, no database access: the caller passes the assessment (with its author loaded).
"""

from __future__ import annotations

from django.utils import timezone

from contacts.choices import ExploitationFactor, FactorLevel

NO_ASSESSMENT = "No risk assessment has been recorded for this case yet."


def _level_label(code: str) -> str:
    try:
        return FactorLevel(code).label
    except ValueError:
        return code or "Not recorded"


def paper_from_assessment(assessment) -> str:
    """The paper for the panel: date, author, overall level, summary, factors and the views heard."""
    if assessment is None:
        return NO_ASSESSMENT
    assessed = timezone.localtime(assessment.assessed_at)
    lines = [
        f"Risk assessment of {assessed:%-d %B %Y} by {assessment.author}.",
        f"Overall risk level in the assessment: {assessment.get_overall_level_display()}.",
        "",
        "Summary",
        assessment.summary.strip() or "No summary written.",
    ]
    factors = assessment.factors or {}
    rows = []
    for factor in ExploitationFactor:
        entry = factors.get(factor.value)
        if not entry:
            continue
        evidence = (entry.get("evidence") or "").strip()
        rows.append(f"- {factor.label}: {_level_label(entry.get('level', ''))}" + (f". {evidence}" if evidence else ""))
    if rows:
        lines += ["", "Exploitation factors", *rows]
    lines += [
        "",
        "The young person's views",
        assessment.young_person_views.strip() or "Not recorded.",
        "",
        "The family's views",
        assessment.family_views.strip() or "Not recorded.",
    ]
    return "\n".join(lines)

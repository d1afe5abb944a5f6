"""Rules of the front door that need no database: how typed details are tidied and checked,
what a merge fills in on the kept record, how a threshold assessment reads."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from . import search
from .choices import ContactKind, ExploitationFactor, FactorLevel, Source, ThresholdLevel, highest_threshold_of
from .models import Child, Contact

# --- The child index -----------------------------------------------------------------------

CHILD_FIELDS = (
    "first_name",
    "last_name",
    "known_as",
    "date_of_birth",
    "estimated_age",
    "gender",
    "ethnicity",
    "address",
    "postcode",
    "school",
    "gp_practice",
    "nhs_number",
    "send_status",
    "receiving_education",
    "attendance_percent",
    "attendance_recorded_on",
    "in_care",
    "placing_authority",
)


def tidy_child_data(data: dict[str, Any]) -> dict[str, Any]:
    tidy = {key: data[key] for key in CHILD_FIELDS if key in data}
    for key in ("first_name", "last_name", "known_as", "school", "gp_practice", "placing_authority", "address"):
        if key in tidy and tidy[key] is not None:
            tidy[key] = tidy[key].strip()
    if "postcode" in tidy:
        tidy["postcode"] = search.normalise_postcode(tidy["postcode"] or "")
    if "nhs_number" in tidy:
        tidy["nhs_number"] = search.normalise_nhs_number(tidy["nhs_number"] or "")
    return tidy


def normalise_ods_code(value: str | None) -> str:
    """An ODS code as the register holds it: capitals, no spaces (`m83 001` is M83001)."""
    return "".join((value or "").split()).upper()


# --- Merging duplicate children ------------------------------------------------------------

# Details of the kept record that are filled from the other record when the kept one has none.
FILLABLE = {
    "date_of_birth": (None,),
    "ethnicity": ("", "NOBT"),
    "school": ("",),
    "gp_practice": ("",),
    "registered_practice_id": (None,),  # the practice's ODS code
    "nhs_number": ("",),
    "send_status": ("not_known",),
    "receiving_education": (None,),
}
FILLED_TOGETHER = (("address", "postcode"), ("attendance_percent", "attendance_recorded_on"))


def as_json(value):
    """A field value as it is kept in the merge record (dates and decimals as text)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def fill_from(target: Child, source: Child) -> dict[str, dict[str, Any]]:
    filled: dict[str, dict[str, Any]] = {}

    def fill(name):
        filled[name] = {"before": as_json(getattr(target, name)), "after": as_json(getattr(source, name))}
        setattr(target, name, getattr(source, name))

    for name, empty in FILLABLE.items():
        if getattr(target, name) in empty and getattr(source, name) not in empty:
            fill(name)
    if target.date_of_birth is None and target.estimated_age is None and source.estimated_age is not None:
        fill("estimated_age")
    for group in FILLED_TOGETHER:
        if all(getattr(target, n) in ("", None) for n in group) and any(
            getattr(source, n) not in ("", None) for n in group
        ):
            for name in group:
                fill(name)
    names = [n.strip() for n in target.known_as.split(",") if n.strip()]
    known = {n.lower() for n in [*names, target.full_name]}
    for extra in [source.full_name, *(n.strip() for n in source.known_as.split(","))]:
        if extra and extra.lower() not in known and extra != "Name not known":
            names.append(extra)
            known.add(extra.lower())
    new_known_as = ", ".join(names)[:200]
    if new_known_as != target.known_as:
        filled["known_as"] = {"before": target.known_as, "after": new_known_as}
        target.known_as = new_known_as
    return filled


# --- Contacts ------------------------------------------------------------------------------

CONTACT_FIELDS = (
    "kind",
    "received_at",
    "channel",
    "source",
    "is_anonymous",
    "referrer_organisation",
    "referrer_name",
    "referrer_role",
    "referrer_contact_details",
    "referrer_email",
    "reported_child_name",
    "reported_child_age",
    "reported_locations",
    "reported_school",
    "about_context",
    "concern",
    "cse_concern",
    "cce_concern",
    "other_exploitation_concern",
    "referrer_view_of_level",
    "missing_since",
    "school_days_missed",
    "enquiry_on_open_case",
)
MAX_SCHOOL_DAYS = 200


def validate_contact_data(data: dict[str, Any], *, has_child: bool) -> dict[str, Any]:
    data = {key: data.get(key, Contact._meta.get_field(key).get_default()) for key in CONTACT_FIELDS}
    for key, value in data.items():
        if isinstance(value, str):
            data[key] = value.strip()
    errors = {}
    if data["received_at"] and data["received_at"] > timezone.now() + dt.timedelta(minutes=5):
        errors["received_at"] = "The time the contact was received must be in the past"
    if data["source"] == Source.ANONYMOUS:
        data["is_anonymous"] = True
    if not data["is_anonymous"] and not (data["referrer_name"] or data["referrer_organisation"]):
        errors["referrer_name"] = "Enter the referrer's name or organisation, or say that the contact is anonymous"
    described = any(
        data[k] for k in ("reported_child_name", "reported_child_age", "reported_locations", "reported_school")
    )
    if not has_child and not described and not data["about_context"]:
        errors["reported_child_name"] = (
            "Choose the child, record what the referrer knows of them, or say the contact is about a place, group, "
            "school or online space"
        )
    if not data["concern"]:
        errors["concern"] = "Enter the concern, in the referrer's words"
    errors.update(_missing_errors(data, has_child=has_child))
    if errors:
        raise ValidationError(errors)
    return data


def _missing_errors(data: dict[str, Any], *, has_child: bool) -> dict[str, str]:
    """A missing report is about a child in the index, with when they went missing (from home) or
    the school days missed (from education); a concern carries neither."""
    kind, errors = data["kind"] or ContactKind.CONCERN, {}
    data["kind"] = kind
    if kind not in ContactKind.values:
        return {"kind": "Choose what the contact is"}
    if kind != ContactKind.MISSING_FROM_HOME:
        data["missing_since"] = None
    if kind != ContactKind.MISSING_FROM_EDUCATION:
        data["school_days_missed"] = None
    if kind != ContactKind.CONCERN and not has_child:
        errors["kind"] = "Find or add the child in the index first: a missing report is about a known child"
    if kind == ContactKind.MISSING_FROM_HOME:
        since = data["missing_since"]
        if since is None:
            errors["missing_since"] = "Enter when the child went missing"
        elif since > timezone.now() + dt.timedelta(minutes=5):
            errors["missing_since"] = "When the child went missing must be in the past"
        elif data["received_at"] and since > data["received_at"]:
            errors["missing_since"] = "When the child went missing must be before the report was received"
    if kind == ContactKind.MISSING_FROM_EDUCATION:
        days = data["school_days_missed"]
        if days is None:
            errors["school_days_missed"] = "Enter the number of school days missed"
        elif not 1 <= days <= MAX_SCHOOL_DAYS:
            errors["school_days_missed"] = f"Enter a number of school days from 1 to {MAX_SCHOOL_DAYS}"
    return errors


# --- Threshold assessment ------------------------------------------------------------------

MAX_EVIDENCE = 2000


def threshold_check(
    factors: dict[str, dict[str, str]], overall_level: str, reason_differs_from_highest: str, *, complete: bool
) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """The factors as stored and every error of a threshold assessment at once, by field. Always:
    known levels and factors, evidence no longer than MAX_EVIDENCE. When it is to be complete (not
    a draft): a level for each factor, evidence for each factor present, the overall level, and a
    reason where it differs from the highest factor level."""
    errors, clean = {}, {}
    for factor in ExploitationFactor:
        given = factors.get(factor.value) or {}
        level = given.get("level") or ""
        evidence = (given.get("evidence") or "").strip()
        name = factor.label.lower()
        if level not in FactorLevel.values and (level or complete):
            errors[f"{factor.value}_level"] = f"Choose a level for {name}"
        elif complete and level != FactorLevel.NOT_PRESENT and not evidence:
            errors[f"{factor.value}_evidence"] = f"Enter the evidence for {name}"
        if len(evidence) > MAX_EVIDENCE:
            errors[f"{factor.value}_evidence"] = f"Enter the evidence for {name} in {MAX_EVIDENCE} characters or fewer"
        clean[factor.value] = {"level": level if level in FactorLevel.values else "", "evidence": evidence}
    unknown = set(factors) - set(ExploitationFactor.values)
    if unknown:
        errors["__all__"] = f"Leave out the factors that are not among the ten: {', '.join(sorted(unknown))}"
    if overall_level not in ThresholdLevel.values and (overall_level or complete):
        errors["overall_level"] = "Choose the overall threshold level"
    levels = [value["level"] for value in clean.values()]
    if complete and overall_level in ThresholdLevel.values and all(levels):
        highest = highest_threshold_of(levels)
        if overall_level != highest and not (reason_differs_from_highest or "").strip():
            errors["reason_differs_from_highest"] = (
                f"Explain why the overall level differs from the highest factor level ({ThresholdLevel(highest).label})"
            )
    return clean, errors


def highest_level_typed(data) -> str | None:
    """The highest factor level typed on a threshold form, once every factor has a level."""
    levels = [data.get(f"{factor.value}_level") for factor in ExploitationFactor]
    if all(level in FactorLevel.values for level in levels):
        return highest_threshold_of(levels)
    return None


def factor_rows(assessment) -> list[dict[str, Any]]:
    """The ten factors of an assessment as the contact's page lists them."""
    if assessment is None:
        return []
    rows = []
    for factor in ExploitationFactor:
        value = assessment.factors.get(factor.value, {})
        level = value.get("level") or ""
        rows.append(
            {
                "factor": factor,
                "level": FactorLevel(level).label if level in FactorLevel.values else "Not recorded",
                "level_code": level,
                "evidence": value.get("evidence", ""),
            }
        )
    return rows


# --- Exports -------------------------------------------------------------------------------


def csv_safe(value: str) -> str:
    """Stop a spreadsheet treating text as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# --- Merging: the side-by-side comparison --------------------------------------------------

COMPARED = (
    "first_name",
    "last_name",
    "known_as",
    "date_of_birth",
    "gender",
    "address",
    "postcode",
    "school",
    "nhs_number",
)


def shown_value(child: Child, name: str) -> str:
    value = getattr(child, f"get_{name}_display", lambda: getattr(child, name))()
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y")
    return "" if value is None else str(value)


def comparison_rows(child: Child, other: Child, linked: dict[int, list[tuple[str, int]]]) -> list[tuple[str, str, str]]:
    """Two records side by side, field by field, with how many records link to each."""
    rows = [
        (str(Child._meta.get_field(name).verbose_name).capitalize(), shown_value(child, name), shown_value(other, name))
        for name in COMPARED
    ]
    counts = {c.pk: "\n".join(f"{label}: {n}" for label, n in linked[c.pk]) for c in (child, other)}
    rows.append(("Linked records", counts[child.pk], counts[other.pk]))
    return rows


# --- The anonymous online form -------------------------------------------------------------


def minutes_until(moment: dt.datetime, *, now: dt.datetime | None = None) -> int:
    """Whole minutes (at least one) until `moment`, rounded up."""
    seconds = (moment - (now or timezone.now())).total_seconds()
    return max(1, int(-(-seconds // 60)))

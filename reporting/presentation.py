"""The annual report as people read it: labelled sections and tables, and its files (JSON, CSV,
XLSX, HTML). Works on the report's JSON shape only; no database access."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.template.loader import render_to_string

from .figures import Period

SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("contacts", "Contacts to Family Connect where CSE was a concern", "Percentages are of all these contacts."),
    (
        "new_cases",
        "Children opened to CATE and/or statutory safeguarding because of CSE",
        "Victim or at risk as the earliest case opened in the period was classified; percentages are of these "
        "children.",
    ),
    (
        "cohort",
        "Children receiving support from CATE because of CSE",
        "Every child open to CATE for CSE at any time in the period; percentages are of these children. Age is "
        "on the period's last day.",
    ),
    (
        "missing",
        "Missing episodes and return home interviews",
        "Episodes of the children above whose return falls in the period; the interview percentage is of the "
        "eligible episodes.",
    ),
    ("nrm_referrals", "National Referral Mechanism", ""),
    (
        "support",
        "Support referrals and sessions by provider (R-42)",
        "Referrals on to support made in the period, of every case, and the sessions offered and attended on them.",
    ),
    (
        "caseload",
        "Caseload",
        "All cases, not only CSE, open and allocated at the end of the period's last day to staff in post "
        "that day; the average is over the staff holding at least one of them.",
    ),
)
SECTION_LABELS = {key: label for key, label, _ in SECTIONS}

LABELS: dict[str, str] = {
    "total": "Contacts",
    "children": "Children",
    "per_child": "Contacts per child",
    "by_source": "Contacts by source",
    "by_outcome": "Outcome after initial screening",
    "police": "Police",
    "council": "Council",
    "schools_colleges": "Schools/colleges",
    "nhs": "NHS",
    "anonymous": "Anonymous",
    "individual": "Individual",
    "other_agencies": "Other agencies",
    "not_known": "Not known",
    "information_advice": "Information, advice and support",
    "early_help": "Early help: referred to another agency",
    "cate_or_statutory": "Referred to CATE and/or statutory safeguarding",
    "undecided": "Not decided yet",
    "classification": "Victim or at risk",
    "victim": "Victim of CSE (met the Inquiry's definition)",
    "at_risk": "At risk of CSE",
    "average_age": "Average age (years)",
    "gender": "Gender",
    "female": "Female",
    "male": "Male",
    "other": "Other",
    "ethnicity": "Ethnicity",
    "white_british": "White British",
    "other_white": "Other White",
    "mixed": "Mixed",
    "asian": "Asian",
    "black": "Black",
    "send": "Special educational needs",
    "ehcp": "Education, health and care plan (EHCP)",
    "sen_support": "SEN support",
    "none": "No special educational needs",
    "attendance": "School attendance",
    "satisfactory": "Satisfactory attendance (above 90%)",
    "persistent_absence": "Persistent absence (above 50% up to 90%)",
    "severe_absence": "Severe absence (50% or below)",
    "not_receiving_education": "Not receiving education",
    "open_to_statutory": "Also open to statutory safeguarding",
    "episodes": "Missing episodes",
    "rhi_eligible": "Eligible for a return home interview",
    "rhi_completed": "Interviewed",
    "rhi_in_timescale": "Interviewed within the timescale (72 hours)",
    "nrm_referrals": "NRM referrals made",
    "referrals": "Support referrals made",
    "sessions_offered": "Support sessions offered",
    "sessions_attended": "Support sessions attended",
    "referrals_by_provider": "Referrals by provider",
    "sessions_offered_by_provider": "Sessions offered by provider",
    "sessions_attended_by_provider": "Sessions attended by provider",
    "camhs": "CAMHS / emotional health",
    "isva": "ISVA/ChISVA",
    "axis": "Axis",
    "holly_project": "Holly Project",
    "base_25": "Base 25",
    "sexual_health": "Sexual health",
    "sarc": "SARC",
    "substance_misuse": "Substance misuse",
    "youth_services": "Youth services",
    "as_at": "As at the end of",
    "open_cases": "Open cases held by staff in post",
    "case_holders": "Staff holding cases in post",
    "average": "Average caseload",
}
# The children of the new cases section form one breakdown (victim, at risk, not known).
NEW_CASE_ROWS = ("victim", "at_risk", "not_known")


@dataclass
class Figure:
    """One labelled value: a number, or a count with its percentage; with the baseline beside it."""

    label: str
    value: Any
    percent: int | float | None = None
    baseline: Any = None
    baseline_percent: int | float | None = None
    years: list[tuple[Any, Any]] = field(default_factory=list)

    @property
    def display(self) -> str:
        """The value as a page shows it: dates written out, a missing value as "Not known"."""
        if self.value is None:
            return "Not known"
        if isinstance(self.value, str):
            try:
                return f"{date.fromisoformat(self.value):%-d %B %Y}"
            except ValueError:
                return self.value
        return str(self.value)


@dataclass
class Breakdown:
    key: str
    label: str
    denominator_label: str
    denominator: int
    rows: list[Figure]
    chart: Any = None  # set by the page that draws it

    @property
    def total(self) -> int:
        return sum(row.value for row in self.rows)


@dataclass
class Section:
    key: str
    label: str
    note: str
    figures: list[Figure]
    breakdowns: list[Breakdown]


def _is_share(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"count", "percent"}


def _pick(report: dict | None, *path: str) -> Any:
    for key in path:
        if report is None:
            return None
        report = report.get(key)
    return report


def _figure(report: dict, label: str, *path: str) -> Figure:
    value = _pick(report, *path)
    mean = _pick(report.get("baseline"), "mean", *path)
    years = [_pick(year, *path) for year in _pick(report, "baseline", "years") or []]
    if _is_share(value):
        return Figure(
            label,
            value["count"],
            value["percent"],
            mean and mean["count"],
            mean and mean["percent"],
            [(y["count"], y["percent"]) for y in years],
        )
    return Figure(label, value, None, mean, None, [(y, None) for y in years])


def sections(report: dict) -> list[Section]:
    """The report as labelled sections: single figures, then breakdowns with their rows."""
    out = []
    for key, label, note in SECTIONS:
        section = Section(key, label, note, [], [])
        value = report[key]
        if not isinstance(value, dict):
            section.figures.append(_figure(report, LABELS[key], key))
            out.append(section)
            continue
        if key == "new_cases":
            section.figures.append(_figure(report, LABELS["children"], key, "children"))
            rows = [_figure(report, LABELS[row], key, row) for row in NEW_CASE_ROWS]
            section.breakdowns.append(
                Breakdown("classification", LABELS["classification"], "children", value["children"], rows)
            )
            out.append(section)
            continue
        denominator_key = {"contacts": "total", "support": "referrals"}.get(key, "children")
        for name, item in value.items():
            if isinstance(item, dict) and not _is_share(item):
                rows = [_figure(report, LABELS[row], key, name, row) for row in item]
                section.breakdowns.append(
                    Breakdown(name, LABELS[name], LABELS[denominator_key].lower(), value[denominator_key], rows)
                )
            else:
                section.figures.append(_figure(report, LABELS[name], key, name))
        out.append(section)
    return out


def baseline_labels(report: dict) -> list[str]:
    years = _pick(report, "baseline", "years") or []
    return [
        Period(date.fromisoformat(y["period"]["start"]), date.fromisoformat(y["period"]["end"])).label for y in years
    ]


def table_rows(report: dict) -> tuple[list[str], list[list[Any]]]:
    """One row per figure (section, measure, group, value, percent, then the baseline) for CSV and XLSX."""
    years = baseline_labels(report)
    header = ["Section", "Measure", "Group", "Count or value", "Percent"]
    if years:
        header += ["Baseline mean", "Baseline mean percent"]
        for label in years:
            header += [label, f"{label} percent"]

    def line(section: Section, measure: str, group: str, fig: Figure) -> list[Any]:
        row = [section.label, measure, group, fig.value, fig.percent]
        if years:
            row += [fig.baseline, fig.baseline_percent]
            for value, percent in fig.years:
                row += [value, percent]
        return row

    rows = []
    for section in sections(report):
        for fig in section.figures:
            rows.append(line(section, fig.label, "", fig))
        for breakdown in section.breakdowns:
            for fig in breakdown.rows:
                rows.append(line(section, breakdown.label, fig.label, fig))
    return header, rows


def title(report: dict) -> str:
    period = Period(date.fromisoformat(report["period"]["start"]), date.fromisoformat(report["period"]["end"]))
    return f"Annual report {period.label}"


def to_json(report: dict) -> str:
    return json.dumps(report, indent=2) + "\n"


def to_csv(report: dict) -> str:
    header, rows = table_rows(report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return out.getvalue()


def to_xlsx(report: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    header, rows = table_rows(report)
    book = Workbook()
    sheet = book.active
    sheet.title = "Annual report"
    sheet.append([title(report)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["Period", report["period"]["start"], report["period"]["end"]])
    sheet.append([])
    sheet.append(header)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A5"
    widths = [44, 36, 44] + [14] * (len(header) - 3)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_html(report: dict) -> str:
    """A standalone HTML document of the report's tables (for the command line and downloads)."""
    return render_to_string(
        "reporting/annual_report_document.html",
        {"title": title(report), "report": report, "sections": sections(report), "years": baseline_labels(report)},
    )


RENDERERS = {"json": to_json, "csv": to_csv, "xlsx": to_xlsx, "html": to_html}
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}

"""Pages of reporting: the caseload dashboard and its lists, the annual report and its downloads."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core import clock
from core.audit import export_contents
from core.choices import AccessAction
from core.clock import DueState
from core.pages import log, paginate
from core.selectors import service_settings
from core.timescales import REGISTRY

from . import charts, figures, presentation, selectors, services
from . import intelligence as intelligence_figures
from .choices import ReportKind
from .forms import AnnualReportDownloadForm, AnnualReportPeriodForm
from .overdue import COMPUTED_LABELS, KIND_BY_CODE, Row, computed_label, computed_overdue, record_url, timescale_text
from .permissions import VIEW_ANNUAL_REPORT, VIEW_CASELOAD_DASHBOARD

# --- The caseload dashboard ------------------------------------------------------------------


@require_GET
@permission_required(VIEW_CASELOAD_DASHBOARD, raise_exception=True)
def index(request):
    settings = service_settings()
    now = timezone.now()
    board = selectors.caseload_dashboard(now=now, settings=settings)
    worker_chart = charts.bar_chart(
        [(str(w.worker), w.open_cases, str(w.open_cases)) for w in board.workers],
        reference=board.limit,
        reference_label=f"Limit {board.limit}",
        highlight_above=board.limit,
    )
    month_chart = charts.column_chart(
        [(f"{c.as_at:%b %y}", c.average, str(c.average)) for c in board.caseload_months],
        reference=board.limit,
        reference_label=f"Limit {board.limit}",
    )
    risk_chart = charts.bar_chart([(row.label, row.count, f"{row.count} ({row.percent}%)") for row in board.risk_mix])
    overdue_chart = charts.bar_chart([(row.label, row.count, str(row.count)) for row in board.overdue])
    decisions_chart = charts.column_chart(
        [(f"{m.month:%b %y}", m.percent_late, f"{m.percent_late}%") for m in board.decisions], label_every=2
    )
    return render(
        request,
        "reporting/caseload_dashboard.html",
        {
            "board": board,
            "now": now,
            "worker_chart": worker_chart,
            "month_chart": month_chart,
            "risk_chart": risk_chart,
            "overdue_chart": overdue_chart,
            "decisions_chart": decisions_chart,
            "overdue_total": sum(row.count for row in board.overdue),
            "decisions_total": selectors.DecisionMonth(
                board.today, sum(m.decided for m in board.decisions), sum(m.late for m in board.decisions)
            ),
            "timescales": {row.code: timescale_text(row.timescale, settings) for row in board.overdue},
            "can_see_annual_report": request.user.has_perm(VIEW_ANNUAL_REPORT),
            "contents": DASHBOARD_SECTIONS,
        },
    )


# The dashboard's sections, for its contents list (the anchors of its headings).
DASHBOARD_SECTIONS = (
    ("open-cases", "Open cases"),
    ("workers", "Open cases per worker"),
    ("average-caseload", "Average caseload month by month"),
    ("risk", "Risk levels of open cases"),
    ("overdue", "Overdue items"),
    ("front-door", "Front door"),
    ("decisions", "Decisions out of time"),
)


def _computed_rows(request, code: str, now) -> tuple[list[Row], int]:
    """A computed kind of overdue item, for the open cases the user may see; and how many more the
    dashboard counts in the open cases the user may not see."""
    settings = service_settings()
    cases = {case.pk: case for case in selectors.open_cases_visible_to(request.user)}
    items = computed_overdue(now=now, settings=settings, case_ids=list(cases)).get(code, [])
    hidden_ids = selectors.open_case_ids_hidden_from(request.user)
    hidden = len(computed_overdue(now=now, settings=settings, case_ids=hidden_ids).get(code, [])) if hidden_ids else 0
    if not items and not hidden and code not in COMPUTED_LABELS:
        raise Http404
    rows = []
    for item in sorted(items, key=lambda i: i.due_at):
        case = cases[item.case_id]
        rows.append(Row(case.child, item.label, item.due_at, item.url or record_url(case), case.allocated_worker,
                        case.reference))  # fmt: skip
    return rows, hidden


def _with_state(spec, row: Row, now) -> Row:
    if not spec.timescale and not spec.overdue:
        return row  # a list of records, not of things due
    if spec.overdue:
        return replace(row, state=DueState.OVERDUE)
    if row.met_at is not None:
        return replace(row, state=clock.classify(row.due, now=now, met_at=row.met_at))
    return replace(row, state=clock.classify(row.due, now=now, soon=REGISTRY[spec.timescale].soon))


@require_GET
@permission_required(VIEW_CASELOAD_DASHBOARD, raise_exception=True)
def item_list(request, kind: str):
    """A drill-down list: only the records of children the user may see."""
    now = timezone.now()
    spec = KIND_BY_CODE.get(kind)
    today = clock.local_date(now)
    due_heading = "Due"
    if spec is not None:
        records = spec.rows_for(request.user, now=now, today=today)
        page = paginate(request, records)
        rows = [_with_state(spec, spec.row(obj), now) for obj in page.object_list]
        label, overdue, due_heading = spec.label, spec.overdue, spec.due_heading
        timescale = timescale_text(spec.timescale, service_settings())
        hidden = spec.hidden_count(request.user, now=now, today=today)
    else:
        items, hidden = _computed_rows(request, kind, now)
        page = paginate(request, items)
        rows = [replace(row, state=DueState.OVERDUE) for row in page.object_list]
        label, overdue, timescale = computed_label(kind, items), True, ""
    return render(
        request,
        "reporting/item_list.html",
        {
            "label": label,
            "overdue": overdue,
            "kind": kind,
            "page": page,
            "rows": rows,
            "timescale": timescale,
            "late_list": kind == "late_decisions",
            "hidden": hidden,
            "counted": page.paginator.count + hidden,
            "due_heading": due_heading,
        },
    )


# --- The annual report -------------------------------------------------------------------------


def _report_context(period: figures.Period) -> dict:
    report = selectors.annual_report(period)
    sections = presentation.sections(report)
    section_charts = {
        (section.key, breakdown.key): charts.bar_chart(
            [(row.label, row.percent or 0, f"{row.value} ({row.percent}%)") for row in breakdown.rows]
        )
        for section in sections
        for breakdown in section.breakdowns
    }
    for section in sections:
        for breakdown in section.breakdowns:
            breakdown.chart = section_charts[(section.key, breakdown.key)]
    query = {
        "start_day": period.start.day,
        "start_month": period.start.month,
        "start_year": period.start.year,
        "end_day": period.end.day,
        "end_month": period.end.month,
        "end_year": period.end.year,
    }
    base = reverse("reporting:annual_report_download")
    downloads = [
        (label, f"{base}?{urlencode(query | {'file_format': name})}")
        for name, label in (("csv", "CSV"), ("xlsx", "Excel (XLSX)"), ("json", "JSON"), ("html", "HTML"))
    ]
    return {
        "report": report,
        "period": period,
        "sections": sections,
        "years": presentation.baseline_labels(report),
        "downloads": downloads,
    }


@require_GET
@permission_required(VIEW_ANNUAL_REPORT, raise_exception=True)
def annual_report(request):
    default = selectors.default_report_period(timezone.localdate())
    form = AnnualReportPeriodForm(request.GET or None, initial={"start": default.start, "end": default.end})
    context: dict = {"form": form}
    if not request.GET:
        context |= _report_context(default)
    elif form.is_valid():
        context |= _report_context(figures.Period(form.cleaned_data["start"], form.cleaned_data["end"]))
    return render(request, "reporting/annual_report.html", context)


@require_GET
@permission_required(VIEW_ANNUAL_REPORT, raise_exception=True)
def annual_report_download(request):
    """A download of the report is an export: recorded, and written to the access log."""
    if request.GET.get("file_format") not in presentation.RENDERERS:
        raise Http404("No such download")
    form = AnnualReportDownloadForm(request.GET)
    if not form.is_valid():
        period_form = AnnualReportPeriodForm(request.GET)
        period_form.is_valid()
        return render(request, "reporting/annual_report.html", {"form": period_form})
    data = form.cleaned_data
    period = figures.Period(data["start"], data["end"])
    report = selectors.annual_report(period)
    content = presentation.RENDERERS[data["file_format"]](report)
    with transaction.atomic():
        export = services.report_export_record(
            report=ReportKind.ANNUAL_REPORT,
            period_start=period.start,
            period_end=period.end,
            file_format=data["file_format"],
            actor=request.user,
        )
        contents = export_contents(
            "annual_report",
            f"Annual report {period.start:%d/%m/%Y} to {period.end:%d/%m/%Y} as {data['file_format'].upper()}: "
            "counts only, no child named",
            file_format=data["file_format"],
            period_start=period.start.isoformat(),
            period_end=period.end.isoformat(),
            children=[],
        )
        log(request, export, action=AccessAction.EXPORT, contents=contents)
    response = HttpResponse(content, content_type=presentation.CONTENT_TYPES[data["file_format"]])
    filename = f"annual-report-{period.start:%Y-%m-%d}-to-{period.end:%Y-%m-%d}.{data['file_format']}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Intelligence and disruption ---------------------------------------------------------------


@require_GET
def intelligence_report(request):
    """The partnership's figures of intelligence and disruption for a period: counts, no names."""
    if not intelligence_figures.can_view(request.user):
        raise PermissionDenied
    default = selectors.default_report_period(timezone.localdate())
    form = AnnualReportPeriodForm(request.GET or None, initial={"start": default.start, "end": default.end})
    context: dict = {"form": form}
    if not request.GET:
        context["figures"] = intelligence_figures.intelligence_figures(default)
    elif form.is_valid():
        period = figures.Period(form.cleaned_data["start"], form.cleaned_data["end"])
        context["figures"] = intelligence_figures.intelligence_figures(period)
    return render(request, "reporting/intelligence_report.html", context)

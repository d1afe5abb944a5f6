"""Reporting's pages: who may open them, what they show, drill-downs without restricted children,
downloads logged as exports, and a query count that does not grow with the records."""

import datetime as dt
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cate.choices import RhiStatus
from contacts.choices import ContactStatus
from core import audit
from core.choices import AccessAction
from core.models import AccessLog
from reporting import selectors
from reporting.figures import financial_year
from reporting.models import ReportExport
from tests.factories import (
    AllocationFactory,
    CaseFactory,
    ChildFactory,
    ContactFactory,
    MissingEpisodeFactory,
    ReturnHomeInterviewFactory,
)

pytestmark = pytest.mark.django_db

FY_QUERY = "start_day=1&start_month=4&start_year=2023&end_day=31&end_month=3&end_year=2024"
DASHBOARD_ROLES = {"team_leader", "group_manager"}
PAGES = {
    "dashboard": (reverse("reporting:index"), DASHBOARD_ROLES),
    "overdue list": (reverse("reporting:item_list", args=["contact_decision"]), DASHBOARD_ROLES),
    "front door queue": (reverse("reporting:item_list", args=["front_door_queue"]), DASHBOARD_ROLES),
    "annual report": (reverse("reporting:annual_report"), {"group_manager"}),
    "download": (f"{reverse('reporting:annual_report_download')}?{FY_QUERY}&file_format=csv", {"group_manager"}),
}


@pytest.mark.parametrize("page", PAGES)
def test_who_may_open_each_page(personas, client_for, page):
    url, allowed = PAGES[page]
    for name, user in personas.items():
        expected = 200 if name in allowed else 403
        assert client_for(user).get(url).status_code == expected, (page, name)
    response = client_for(None).get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:login"))


def test_an_unknown_list_is_not_found(personas, client_for):
    response = client_for(personas["team_leader"]).get(reverse("reporting:item_list", args=["no_such_list"]))
    assert response.status_code == 404


def test_pages_refuse_other_methods(personas, client_for):
    client = client_for(personas["group_manager"])
    for url, _ in PAGES.values():
        assert client.post(url).status_code == 405


def _overdue_world(now, *, restricted_to=None):
    """A child with an overdue contact decision, an unallocated case and an overdue interview."""
    child = ChildFactory(first_name="Restrictedchild" if restricted_to is not None else "Openchild")
    if restricted_to is not None:
        child.is_restricted = True
        audit.save(child, actor=audit.system_user(), reason="Restricted", update_fields=["is_restricted"])
        child.restricted_to.set(restricted_to)
    ContactFactory(child=child, received_at=now - dt.timedelta(days=5), decision_due_at=now - dt.timedelta(days=4))
    CaseFactory(child=child, opened_at=now - dt.timedelta(days=5), allocation_due_at=now - dt.timedelta(days=4))
    MissingEpisodeFactory(child=child, returned_at=now - dt.timedelta(days=5), rhi_due_at=now - dt.timedelta(days=2))
    return child


def test_counts_include_a_restricted_child_but_no_list_names_it(personas, client_for):
    """Outsiders to a restricted record, managers included, never see it in a drill-down (issue 8)."""
    now = timezone.now()
    _overdue_world(now)
    _overdue_world(now, restricted_to=[personas["group_manager"]])
    leader = client_for(personas["team_leader"])
    dashboard = leader.get(reverse("reporting:index"))
    overdue = {row.code: row.count for row in dashboard.context["board"].overdue}
    assert (overdue["contact_decision"], overdue["allocation"], overdue["rhi"]) == (2, 2, 2)
    assert b"Restrictedchild" not in dashboard.content
    for kind in ("contact_decision", "allocation", "rhi", "front_door_queue"):
        page = leader.get(reverse("reporting:item_list", args=[kind]))
        assert page.status_code == 200
        assert b"Openchild" in page.content and b"Restrictedchild" not in page.content, kind
        assert page.context["page"].paginator.count == 1
    # The manager named on the record sees it.
    named = client_for(personas["group_manager"]).get(reverse("reporting:item_list", args=["allocation"]))
    assert b"Restrictedchild" in named.content and named.context["page"].paginator.count == 2


def test_a_completed_or_declined_interview_is_not_overdue(personas, client_for):
    now = timezone.now()
    for status, completed in ((RhiStatus.COMPLETED, now), (RhiStatus.DECLINED, None), (RhiStatus.OFFERED, None)):
        ReturnHomeInterviewFactory(
            status=status,
            completed_at=completed,
            episode__returned_at=now - dt.timedelta(days=5),
            episode__rhi_due_at=now - dt.timedelta(days=2),
        )
    dashboard = client_for(personas["team_leader"]).get(reverse("reporting:index"))
    assert {row.code: row.count for row in dashboard.context["board"].overdue}["rhi"] == 1


def test_the_dashboard_shows_workers_against_the_limit(personas, client_for, make_user):
    from core.models import ServiceSetting

    ServiceSetting.objects.create(key="caseload_limit", value=2)
    busy = make_user(None, first_name="Busyworker", case_holder=True)
    idle = make_user(None, first_name="Idleworker", case_holder=True)
    for _ in range(3):
        AllocationFactory(worker=busy, case__opened_at=timezone.now() - dt.timedelta(days=40))
    html = client_for(personas["team_leader"]).get(reverse("reporting:index")).content.decode()
    assert "Open cases per worker (limit 2)" in html
    busy_row = html[html.index('<th scope="row" class="govuk-table__header">Busyworker') :][:400]
    assert ">3<" in busy_row and "Over the limit" in busy_row
    # A case holder with no cases has no bar: named under the chart, outside the average.
    assert f'<th scope="row" class="govuk-table__header">{idle}' not in html
    assert str(idle) in html[html.index('id="no-cases"') :][:400]
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'aria-hidden="true"' in html


def _dashboard_world(cases: int):
    now = timezone.now()
    for n in range(cases):
        child = ChildFactory()
        case = CaseFactory(
            child=child,
            opened_at=now - dt.timedelta(days=400 + n),
            current_risk_level=("low", "medium", "high")[n % 3],
            allocation_due_at=now - dt.timedelta(days=399),
        )
        AllocationFactory(case=case, worker__case_holder=True, started_at=now - dt.timedelta(days=399))
        ContactFactory(child=child, received_at=now - dt.timedelta(days=3), decision_due_at=now - dt.timedelta(days=2))
        ContactFactory(
            child=child,
            received_at=now - dt.timedelta(days=30),
            decision_due_at=now - dt.timedelta(days=29),
            decided_at=now - dt.timedelta(days=20),
            status=ContactStatus.DECIDED,
            outcome="early_help",
        )
        MissingEpisodeFactory(child=child, returned_at=now - dt.timedelta(days=5), rhi_due_at=now - dt.timedelta(2))


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("rows", [1, 200])
def test_the_dashboard_query_count_does_not_grow_with_cases(personas, client_for, rows, django_assert_max_num_queries):
    _dashboard_world(rows)
    client = client_for(personas["group_manager"])
    client.get(reverse("reporting:index"))  # warm the content-type and group caches
    with django_assert_max_num_queries(34):
        response = client.get(reverse("reporting:index"))
    board = response.context["board"]
    assert board.caseload_now.open_cases == rows and len(board.workers) == rows


def test_the_dashboard_makes_the_same_queries_for_1_and_200_cases(personas, client_for):
    client = client_for(personas["group_manager"])
    _dashboard_world(1)
    client.get(reverse("reporting:index"))
    one = _queries(client, reverse("reporting:index"))
    _dashboard_world(199)
    assert _queries(client, reverse("reporting:index")) == one


@pytest.mark.parametrize("kind", ["contact_decision", "allocation", "rhi", "front_door_queue", "late_decisions"])
@pytest.mark.parametrize("rows", [1, 50])
def test_list_query_counts_do_not_grow_with_rows(personas, client_for, kind, rows, django_assert_max_num_queries):
    now = timezone.now()
    for _ in range(rows):
        child = _overdue_world(now)  # with a CATE case: a team leader reads its contacts (need to know)
        ContactFactory(
            child=child,
            received_at=now - dt.timedelta(days=30),
            decision_due_at=now - dt.timedelta(days=29),
            decided_at=now - dt.timedelta(days=20),
            status=ContactStatus.DECIDED,
            outcome="early_help",
        )
    client = client_for(personas["team_leader"])
    with django_assert_max_num_queries(15):  # with the count of restricted records not listed
        response = client.get(reverse("reporting:item_list", args=[kind]))
    assert response.context["page"].paginator.count == rows


def test_an_empty_list_says_so(personas, client_for):
    response = client_for(personas["team_leader"]).get(reverse("reporting:item_list", args=["gp_letter"]))
    assert b"Nothing of this kind is overdue." in response.content


# --- The annual report ----------------------------------------------------------------------------


def test_the_annual_report_page_defaults_to_the_last_complete_financial_year(personas, client_for):
    response = client_for(personas["group_manager"]).get(reverse("reporting:annual_report"))
    period = response.context["period"]
    today = timezone.localdate()
    assert period.is_financial_year and period.end < today
    assert (today - period.end).days <= 366
    html = response.content.decode()
    assert f"<title>Annual report {period.label} – CATE pathway</title>" in html
    assert "Download the report as CSV" in html and 'value="1"' in html  # the period form is filled in


def test_the_annual_report_page_opens_on_the_last_complete_year_that_has_records(personas, client_for):
    """Records in 2021/22, 2022/23 and the current year: the page opens on 2022/23, not on an
    empty year since; a contact entered in error is no record; London's dates decide the year."""
    ContactFactory(received_at=dt.datetime(2021, 9, 1, 10, tzinfo=dt.UTC))
    CaseFactory(opened_at=dt.datetime(2022, 3, 31, 23, 30, tzinfo=dt.UTC))  # 1 April in London: 2022/23
    ContactFactory(received_at=dt.datetime(2023, 5, 1, 10, tzinfo=dt.UTC), status=ContactStatus.ENTERED_IN_ERROR)
    ContactFactory(received_at=timezone.now())
    response = client_for(personas["group_manager"]).get(reverse("reporting:annual_report"))
    assert response.context["period"] == financial_year(2022)
    assert response.context["report"]["new_cases"]["children"] == 1


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        ((), 2023),
        ((dt.datetime(2019, 4, 1, 9, tzinfo=dt.UTC),), 2019),
        ((dt.datetime(2024, 3, 31, 9, tzinfo=dt.UTC),), 2023),
    ],
)
def test_the_default_period_is_the_last_complete_year_with_records(db, records, expected):
    for moment in records:
        ContactFactory(received_at=moment)
    ContactFactory(received_at=dt.datetime(2024, 6, 1, 9, tzinfo=dt.UTC))  # the current year, not complete
    assert selectors.default_report_period(dt.date(2024, 12, 7)) == financial_year(expected)


def test_the_annual_report_page_shows_every_table_with_a_chart(personas, client_for):
    ContactFactory(received_at=dt.datetime(2023, 6, 1, 10, tzinfo=dt.UTC), source="nhs")
    response = client_for(personas["group_manager"]).get(f"{reverse('reporting:annual_report')}?{FY_QUERY}")
    html = response.content.decode()
    assert response.context["report"]["contacts"]["by_source"]["nhs"] == {"count": 1, "percent": 100}
    assert html.count('<figure class="app-chart">') == html.count('<table class="govuk-table') == 7
    assert "Baseline mean" in html and "2020/21, 2021/22, 2022/23" in html


def test_a_period_ending_before_it_starts_is_refused_keeping_what_was_typed(personas, client_for):
    query = "start_day=1&start_month=4&start_year=2024&end_day=31&end_month=3&end_year=2024"
    response = client_for(personas["group_manager"]).get(f"{reverse('reporting:annual_report')}?{query}")
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Error: Annual report" in html
    assert "govuk-error-summary" in html and "The end date must be the same as or after the start date" in html
    assert 'value="2024"' in html and "report" not in response.context


def test_a_nonsense_date_is_an_error_not_a_crash(personas, client_for):
    query = "start_day=31&start_month=2&start_year=2024&end_day=x&end_month=3&end_year=2024"
    response = client_for(personas["group_manager"]).get(f"{reverse('reporting:annual_report')}?{query}")
    assert response.status_code == 200
    assert b"From must be a real date" in response.content and b"To must be a real date" in response.content


@pytest.mark.parametrize(
    ("file_format", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("json", "application/json"),
        ("html", "text/html; charset=utf-8"),
    ],
)
def test_a_download_is_an_export_written_to_the_access_log(personas, client_for, file_format, content_type):
    manager = personas["group_manager"]
    url = f"{reverse('reporting:annual_report_download')}?{FY_QUERY}&file_format={file_format}"
    response = client_for(manager).get(url, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="annual-report-2023-04-01-to-2024-03-31.{file_format}"'
    )
    export = ReportExport.objects.get()
    assert (export.exported_by, export.file_format, export.period_start, export.period_end) == (
        manager,
        file_format,
        dt.date(2023, 4, 1),
        dt.date(2024, 3, 31),
    )
    entry = AccessLog.objects.get()
    assert (entry.user, entry.action, entry.object_id, entry.ip_address) == (
        manager,
        AccessAction.EXPORT,
        str(export.pk),
        "10.1.2.3",
    )
    assert entry.content_type == ContentType.objects.get_for_model(ReportExport)
    assert entry.object_repr == f"Annual report 1 Apr 2023 to 31 Mar 2024 ({export.get_file_format_display()})"
    if file_format == "json":
        assert json.loads(response.content)["period"] == {"start": "2023-04-01", "end": "2024-03-31"}


def test_a_bad_download_is_refused_and_nothing_logged(personas, client_for):
    client = client_for(personas["group_manager"])
    base = reverse("reporting:annual_report_download")
    assert client.get(f"{base}?{FY_QUERY}&file_format=exe").status_code == 404
    response = client.get(f"{base}?start_day=1&start_month=4&start_year=2024&end_day=1&end_month=1&end_year=2024"
                          "&file_format=csv")  # fmt: skip
    assert response.status_code == 200 and b"govuk-error-summary" in response.content
    assert not ReportExport.objects.exists() and not AccessLog.objects.exists()


@pytest.mark.parametrize("rows", [1, 50])
def test_the_annual_report_query_count_does_not_grow_with_records(personas, client_for, rows,
                                                                 django_assert_max_num_queries):  # fmt: skip
    for n in range(rows):
        case = CaseFactory(opened_at=dt.datetime(2023, 5, 1, tzinfo=dt.UTC) + dt.timedelta(days=n))
        ContactFactory(child=case.child, received_at=dt.datetime(2023, 4, 20, tzinfo=dt.UTC))
        MissingEpisodeFactory(child=case.child, returned_at=dt.datetime(2023, 7, 1, tzinfo=dt.UTC))
    client = client_for(personas["group_manager"])
    with django_assert_max_num_queries(50):
        response = client.get(f"{reverse('reporting:annual_report')}?{FY_QUERY}")
    assert response.context["report"]["cohort"]["children"] == rows


def test_a_period_longer_than_ten_years_is_refused(personas, client_for):
    query = "start_day=1&start_month=4&start_year=2000&end_day=31&end_month=3&end_year=2024"
    response = client_for(personas["group_manager"]).get(f"{reverse('reporting:annual_report')}?{query}")
    assert b"Choose a period of 10 years or less" in response.content and "report" not in response.context

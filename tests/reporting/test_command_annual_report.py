"""`manage.py annual_report`: any period, every format, the last complete financial year by default."""

import csv
import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from reporting.figures import Period, financial_year
from reporting.selectors import annual_report
from tests.factories import CaseFactory, ContactFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def records():
    ContactFactory(received_at=dt.datetime(2023, 4, 1, 0, 30, tzinfo=LONDON), source="nhs")
    ContactFactory(received_at=dt.datetime(2023, 9, 1, 10, 0, tzinfo=LONDON), source="police")
    ContactFactory(received_at=dt.datetime(2021, 9, 1, 10, 0, tzinfo=LONDON), source="police")
    CaseFactory(opened_at=dt.datetime(2023, 5, 2, tzinfo=LONDON), child__gender="male")


def run(*args) -> str:
    out = io.StringIO()
    call_command("annual_report", *args, stdout=out)
    return out.getvalue()


def test_json_for_a_financial_year_matches_the_selector(records):
    report = json.loads(run("--from", "2023-04-01", "--to", "2024-03-31", "--format", "json"))
    assert report == annual_report(financial_year(2023))
    assert report["contacts"]["total"] == 2 and len(report["baseline"]["years"]) == 3
    assert report["baseline"]["mean"]["contacts"]["total"] == 0.3  # one contact in 2021/22


def test_the_default_period_is_the_last_complete_financial_year(records, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2024, 4, 1))
    report = json.loads(run())
    assert report["period"] == {"start": "2023-04-01", "end": "2024-03-31"}


def test_csv_has_a_row_per_figure_with_the_baseline_beside_it(records):
    rows = list(csv.reader(io.StringIO(run("--from", "2023-04-01", "--to", "2024-03-31", "--format", "csv"))))
    header = rows[0]
    assert header[:7] == ["Section", "Measure", "Group", "Count or value", "Percent", "Baseline mean",
                          "Baseline mean percent"]  # fmt: skip
    assert header[7:] == ["2020/21", "2020/21 percent", "2021/22", "2021/22 percent", "2022/23", "2022/23 percent"]
    by_key = {(r[1], r[2]): r for r in rows[1:]}
    assert by_key[("Contacts", "")][3:5] == ["2", ""]
    assert by_key[("Contacts by source", "Police")][3:] == ["1", "50", "0.3", "33.3", "0", "0", "1", "100", "0", "0"]
    assert by_key[("Gender", "Male")][3:5] == ["1", "100"]
    assert by_key[("Average caseload", "")][3] == "0.0"


def test_csv_for_another_period_has_no_baseline(records):
    rows = list(csv.reader(io.StringIO(run("--from", "2023-09-01", "--to", "2023-09-30", "--format", "csv"))))
    assert rows[0] == ["Section", "Measure", "Group", "Count or value", "Percent"]


def test_xlsx_to_a_file(records, tmp_path):
    path = tmp_path / "report.xlsx"
    run("--from", "2023-04-01", "--to", "2024-03-31", "--format", "xlsx", "--output", str(path))
    sheet = load_workbook(path).active
    assert sheet["A1"].value == "Annual report 2023/24"
    assert [c.value for c in sheet[4]][:5] == ["Section", "Measure", "Group", "Count or value", "Percent"]
    values = {(row[1], row[2]): row for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert values[("Contacts by source", "NHS")][3:5] == (1, 50)
    assert isinstance(values[("Contacts", None)][3], int)


def test_xlsx_refuses_a_text_output():
    with pytest.raises(CommandError, match="binary file"):
        run("--format", "xlsx")


def test_html_is_a_document_of_tables(records):
    html = run("--from", "2023-04-01", "--to", "2024-03-31", "--format", "html")
    assert html.startswith("<!DOCTYPE html>") and "<title>Annual report 2023/24</title>" in html
    assert "Contacts by source" in html and "Severe absence (50% or below)" in html
    assert "The baseline is the mean of 2020/21, 2021/22, 2022/23." in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2024-01-01"), "Give both --from and --to"),
        (("--from", "2024-02-30", "--to", "2024-03-01"), "is not a date"),
        (("--from", "2024-03-01", "--to", "2024-02-01"), "on or after"),
    ],
)
def test_bad_periods_are_refused(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_a_period_of_one_day():
    assert (
        json.loads(run("--from", "2024-03-31", "--to", "2024-03-31"))["period"]
        == Period(dt.date(2024, 3, 31), dt.date(2024, 3, 31)).as_json()
    )

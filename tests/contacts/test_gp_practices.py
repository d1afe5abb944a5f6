"""The register of GP practices: imported from NHS England's epraccur file, and a child's record
pointing to its practice by ODS code (a name alone for a practice not in the register)."""

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from contacts import services
from contacts.choices import PracticeStatus
from contacts.models import GpPractice
from core.audit import system_user
from core.roles import Role
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def epraccur_line(code, name, *, lines=("", "", "", "", ""), postcode="", status="A", phone="", opened="19740401"):
    """A line laid out as epraccur's 27 columns (no header row)."""
    row = [code, name, "Y56", "QHL", *lines, postcode, opened, "", status, "B", "15E", opened, "", phone]
    row += ["", "", "", "0", "", "15E", "", "4", ""]
    assert len(row) == 27
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL).writerow(row)
    return out.getvalue()


FILE = (
    epraccur_line(
        "Z99001",
        "RIVERSIDE MEDICAL PRACTICE",
        lines=("RIVERSIDE HEALTH CENTRE", "MILL LANE", "", "EXAMPLETOWN", ""),
        postcode="EX2 3CD",
        phone="01234 000001",
    )
    + epraccur_line(
        "Z99002",
        "HILLTOP SURGERY",
        lines=("1 HIGH STREET", "", "", "", ""),
        postcode="EX3 4EF",
        status="C",
    )
    + '"","NO CODE"\n'
    + epraccur_line("Z99003", "BAD DATE SURGERY", opened="2020-01-01")
)


@pytest.fixture
def epraccur(tmp_path):
    path = tmp_path / "epraccur.csv"
    path.write_text(FILE)
    return path


def run(path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_gp_practices", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_the_register_with_history(epraccur):
    out, err = run(epraccur)
    assert "GP practices added: 2" in out and "Lines skipped: 2" in out
    assert "line 3: it has 2 columns" in err and "line 4: its open or close date" in err
    practice = GpPractice.objects.get(code="Z99001")
    assert practice.name == "Riverside Medical Practice"
    assert practice.address_lines == ["Riverside Health Centre", "Mill Lane", "Exampletown", "EX2 3CD"]
    assert (practice.telephone, practice.status, practice.opened_on) == (
        "01234 000001",
        PracticeStatus.ACTIVE,
        dt.date(1974, 4, 1),
    )
    assert GpPractice.objects.get(code="Z99002").status == PracticeStatus.CLOSED
    record = practice.history.get()
    assert record.history_user == system_user() and "epraccur" in record.history_change_reason


def test_a_second_import_updates_what_changed_and_only_that(epraccur):
    run(epraccur)
    epraccur.write_text(FILE.replace("MILL LANE", "MILL ROAD"))
    out, _ = run(epraccur)
    assert "GP practices added: 0" in out and "GP practices updated: 1" in out and "unchanged: 1" in out
    practice = GpPractice.objects.get(code="Z99001")
    assert practice.address_line_2 == "Mill Road" and practice.history.count() == 2


def test_an_unreadable_file_is_an_error_not_a_crash(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "missing.csv")


def test_only_the_system_account_or_an_importer_may_import(make_user):
    with pytest.raises(PermissionDenied):
        services.gp_practices_import(rows=[["Z99001", "A practice"]], actor=make_user(Role.GROUP_MANAGER))


def test_a_child_points_to_its_practice_by_code(advisor, epraccur):
    run(epraccur)
    child = ChildFactory()
    services.child_update(
        child=child, actor=advisor, data={"gp_practice_code": " z99 001 "}, reason="GP known", expected_version=1
    )
    child.refresh_from_db()
    assert child.registered_practice.name == "Riverside Medical Practice"
    assert child.history.latest().registered_practice_id == "Z99001"
    with pytest.raises(ValidationError) as refused:
        services.child_update(
            child=child, actor=advisor, data={"gp_practice_code": "Z00000"}, reason="typo", expected_version=2
        )
    assert "gp_practice_code" in refused.value.message_dict
    services.child_update(
        child=child,
        actor=advisor,
        data={"gp_practice_code": "", "gp_practice": "A surgery abroad"},
        reason="Moved",
        expected_version=2,
    )
    child.refresh_from_db()
    assert child.registered_practice is None and child.gp_practice == "A surgery abroad"


def test_the_child_pages_take_the_code_and_show_the_practice(advisor, client_for, epraccur):
    run(epraccur)
    child = ChildFactory(first_name="Sam", last_name="Example")
    client = client_for(advisor)
    url = reverse("contacts:child_edit", args=[child.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "gp_practice_code": "Z00000",
            "reason": "GP practice recorded",
            "date_of_birth-day": child.date_of_birth.day,
            "date_of_birth-month": child.date_of_birth.month,
            "date_of_birth-year": child.date_of_birth.year,
        }
    )
    data.pop("date_of_birth", None)
    page = client.post(url, data).content.decode()
    assert "No GP practice has this code in the register" in page and 'value="Z00000"' in page
    data["gp_practice_code"] = "Z99002"
    assert client.post(url, data).status_code == 302
    page = client.get(reverse("contacts:child_detail", args=[child.pk])).content.decode()
    assert "Hilltop Surgery (Z99002)" in page and "EX3 4EF" in page and "Closed in the register" in page


def test_a_merge_keeps_the_practice_and_its_reversal_clears_it(screener, personas, epraccur):
    run(epraccur)
    kept = ChildFactory(first_name="Alex", last_name="Example")
    other = ChildFactory(first_name="Alex", last_name="Example", registered_practice_id="Z99001")
    merge = services.child_merge(target=kept, source=other, actor=screener, reason="Same child")
    kept.refresh_from_db()
    assert kept.registered_practice_id == "Z99001"
    services.child_merge_reverse(merge=merge, actor=personas["administrator"], reason="Not the same child")
    kept.refresh_from_db()
    assert kept.registered_practice_id is None

"""The access log (DESIGN §4): every page that shows a child, contact, case, referral, panel paper,
safety plan, strategy meeting or action, and every export, writes a row; the auditor lists who saw a
child (through any of its records) and what a user saw, page by page; nobody can change or delete a
row, through the application, its admin or the database."""

import pytest
from django.contrib import admin
from django.db import DatabaseError, transaction
from django.urls import reverse

from core.choices import AccessAction
from core.models import AccessLog
from tests.matrix_support import PERSONAS
from tests.test_permission_matrix import ARGS, MATRIX, url_of

pytestmark = pytest.mark.django_db

# World records whose pages must be logged, by the key the URL kwargs use.
RECORD_KEYS = {
    "child", "contact", "referred_child", "referred_contact", "mace", "follow_up", "case", "assigned", "awaiting",
    "item", "undecided", "safety_plan", "action", "strategy_meeting", "meeting", "visit", "risk_assessment",
    "missing", "statutory", "support", "gp_letter", "nrm",
}  # fmt: skip
# Pages with a record in the URL that show none of a child's content, and why.
NOT_LOGGED = {
    "contacts:merge_detail": "record numbers and who merged them, no content of the child",
    "riskpanel:panel_edit": "the panel's date, place, chair and members: no papers",
    "riskpanel:item_add": "a form to add an item: no papers",
}
EXPORTS = {
    "contacts:mace_export",
    "cate:gp_letter_pdf",
    "riskpanel:safety_plan_pdf",
    "riskpanel:minutes_pdf",
    "reporting:annual_report_download",
}
ABOUT_A_CHILD = {"child", "contact", "case", "referral", "macerequest", "agendaitem", "safetyplan", "action",
                 "strategymeeting"}  # fmt: skip


@pytest.fixture
def world(rich_world):
    return rich_world


def _record_pages():
    for name, row in MATRIX.items():
        keys = {key for key in ARGS.get(name, {}).values() if isinstance(key, str)}
        if (keys & RECORD_KEYS or name in EXPORTS) and "2" in row.get and name not in NOT_LOGGED:
            yield name, PERSONAS[row.get.index("2")]


def test_every_record_page_and_export_writes_the_access_log(world, client_for):
    pages = list(_record_pages())
    assert len(pages) > 55
    missing = []
    for name, persona in pages:
        user = world.personas[persona]
        url = url_of(name, MATRIX[name], world)
        before = AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
        assert client_for(user).get(url).status_code == 200, name
        rows = list(AccessLog.objects.filter(id__gt=before).select_related("content_type"))
        if not rows:
            missing.append(name)
            continue
        for row in rows:
            assert row.user == user and row.path == url, name
            if row.content_type.model in ABOUT_A_CHILD:
                assert row.child_number is not None, (name, row.content_type.model)
        if name in EXPORTS:
            assert {row.action for row in rows} == {AccessAction.EXPORT}, name
    assert not missing, f"Pages that show a record without logging it: {missing}"


def test_pages_of_the_childs_records_carry_the_child_number(world, client_for):
    child, case, plan = world["child"], world["case"], world["safety_plan"]
    client_for(world.personas["cate_worker"]).get(reverse("cate:case_detail", args=[case.pk]))
    client_for(world.personas["team_leader"]).get(reverse("riskpanel:safety_plan_detail", args=[plan.pk]))
    client_for(world.personas["screener"]).get(reverse("contacts:contact_detail", args=[world["contact"].pk]))
    client_for(world.personas["panel_member"]).get(
        reverse("riskpanel:item_detail", args=[world["meeting"].pk, world["item"].pk])
    )
    seen_by = set(AccessLog.objects.filter(child_number=child.pk).values_list("user__username", flat=True))
    assert seen_by == {"p_worker", "p_leader", "p_screener", "p_panel"}


def test_the_auditor_lists_who_saw_a_child_and_what_a_user_saw(world, client_for):
    child = world["child"]
    client_for(world.personas["cate_worker"]).get(reverse("cate:case_detail", args=[world["case"].pk]))
    client_for(world.personas["screener"]).get(child.get_absolute_url())
    other = world["assigned"]  # another child's referral, seen by the worker
    client_for(world.personas["cate_worker"]).get(reverse("cate:referral_detail", args=[other.pk]))
    auditor = client_for(world.personas["auditor"])

    page = auditor.get(reverse("core:audit"), {"child": child.pk}).content.decode()
    assert str(world.personas["cate_worker"]) in page and str(world.personas["screener"]) in page
    assert "2 entries" in page
    assert f"Referral {other.pk}" not in page

    page = auditor.get(reverse("core:audit"), {"user": world.personas["cate_worker"].pk}).content.decode()
    assert f"Referral {other.pk}" in page and "2 entries" in page
    assert str(world.personas["screener"]) not in page.split("<tbody")[1]


def test_the_audit_list_is_paginated_and_shows_errors(world, client_for):
    worker = client_for(world.personas["cate_worker"])
    for _ in range(30):
        worker.get(reverse("cate:case_detail", args=[world["case"].pk]))
    auditor = client_for(world.personas["auditor"])
    first = auditor.get(reverse("core:audit"), {"child": world["child"].pk}).content.decode()
    assert "30 entries" in first and "page=2" in first
    second = auditor.get(reverse("core:audit"), {"child": world["child"].pk, "page": 2})
    assert second.status_code == 200 and second.content.decode().count('<tr class="govuk-table__row">') == 1 + 5
    bad = auditor.get(reverse("core:audit"), {"child": "seven"})
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "govuk-error-summary" in body and "Enter the child record number in digits" in body


def test_the_audit_page_is_the_auditors_only(world, client_for):
    for name, user in world.personas.items():
        expected = 200 if name == "auditor" else 403
        assert client_for(user).get(reverse("core:audit")).status_code == expected, name


def test_the_access_log_is_not_in_the_admin_and_cannot_be_changed_there(world, client_for):
    """The admin is for administrators, who have no access to case content: the log (which names the
    children seen) is not registered there at all, so it cannot be read, changed or deleted in it."""
    assert not admin.site.is_registered(AccessLog)
    client = client_for(world.personas["administrator"])
    client.get(world["child"].get_absolute_url())  # 404 for the administrator, nothing logged
    client_for(world.personas["screener"]).get(world["child"].get_absolute_url())
    entry = AccessLog.objects.latest("id")
    for url in ("/admin/core/accesslog/", f"/admin/core/accesslog/{entry.pk}/change/",
                f"/admin/core/accesslog/{entry.pk}/delete/"):  # fmt: skip
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"post": "yes"}).status_code == 404, url
    assert AccessLog.objects.filter(pk=entry.pk).exists()


def test_the_database_refuses_bulk_updates_and_deletes(world, client_for):
    client_for(world.personas["screener"]).get(world["child"].get_absolute_url())
    rows = AccessLog.objects.filter(user=world.personas["screener"])
    count = rows.count()
    assert count
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        rows.update(object_repr="tampered")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        rows.delete()
    assert rows.count() == count and not rows.filter(object_repr="tampered").exists()


def test_the_auditor_sees_who_saw_a_restricted_child_but_not_its_name(world, client_for):
    from contacts import services as contact_services

    child = world["child"]
    contact_services.child_restrict(
        child=child, actor=world.personas["group_manager"], is_restricted=True,
        staff=[world.personas["cate_worker"]], reason="High profile",
    )  # fmt: skip
    client_for(world.personas["cate_worker"]).get(reverse("cate:case_detail", args=[world["case"].pk]))
    page = client_for(world.personas["auditor"]).get(reverse("core:audit"), {"child": child.pk}).content.decode()
    assert str(world.personas["cate_worker"]) in page and "restricted record" in page
    assert "Worldchild" not in page and world["case"].reference not in page


def test_the_auditor_filters_by_dates(world, client_for):
    import datetime as dt

    from django.utils import timezone

    client_for(world.personas["screener"]).get(world["child"].get_absolute_url())
    today = timezone.localdate()
    auditor = client_for(world.personas["auditor"])

    def entries(start, end):
        query = {"child": world["child"].pk}
        for prefix, day in (("date_from", start), ("date_to", end)):
            query |= {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}
        return auditor.get(reverse("core:audit"), query).content.decode()

    assert "1 entry" in entries(today, today)
    assert "No one has viewed a record that matches" in entries(today - dt.timedelta(days=9), today - dt.timedelta(1))
    wrong = entries(today, today - dt.timedelta(days=1))
    assert "govuk-error-summary" in wrong and "To must be the same as or after From" in wrong


@pytest.mark.parametrize("rows", [1, 50])
def test_the_audit_page_costs_the_same_queries_for_1_and_50_rows(
    world, client_for, django_assert_max_num_queries, rows
):
    screener = client_for(world.personas["screener"])
    for _ in range(rows):
        screener.get(world["child"].get_absolute_url())
    auditor = client_for(world.personas["auditor"])
    query = {"child": world["child"].pk}
    auditor.get(reverse("core:audit"), query)
    with django_assert_max_num_queries(12):
        response = auditor.get(reverse("core:audit"), query)
    assert response.content.decode().count('<tr class="govuk-table__row">') == 1 + min(rows, 25)

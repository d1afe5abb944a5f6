"""Pages of the shell: landing pages by role, settings, audit, errors and the health endpoint."""

import pytest
from django.urls import reverse

from core.models import ServiceSetting

pytestmark = pytest.mark.django_db

LANDING = {
    "contacts:index": {"advisor", "screener", "fc_manager", "police", "health", "team_leader", "group_manager"},
    "cate:index": {"cate_worker", "other_worker", "team_leader", "group_manager"},
    "riskpanel:index": {"cate_worker", "other_worker", "team_leader", "group_manager", "panel_member"},
    "reporting:index": {"team_leader", "group_manager"},
    "core:settings": {"team_leader", "group_manager"},
    "core:audit": {"auditor"},
    "core:home": "all",
    "core:notification_list": "all",
}


@pytest.mark.parametrize("url_name", LANDING)
def test_landing_pages_by_role(personas, client_for, url_name):
    allowed = LANDING[url_name]
    for name, user in personas.items():
        expected = 200 if allowed == "all" or name in allowed else 403
        response = client_for(user).get(reverse(url_name))
        assert response.status_code == expected, (url_name, name)
    assert client_for(None).get(reverse(url_name)).status_code == 302


def test_navigation_follows_the_role(personas, client_for):
    worker_page = client_for(personas["cate_worker"]).get(reverse("core:home")).content.decode()
    assert "CATE cases" in worker_page and "Front door" not in worker_page and "Reports" not in worker_page
    screener_page = client_for(personas["screener"]).get(reverse("core:home")).content.decode()
    assert "Front door" in screener_page and "CATE cases" not in screener_page
    manager_page = client_for(personas["group_manager"]).get(reverse("core:home")).content.decode()
    for label in ("Front door", "CATE cases", "Risk panel", "Reports", "Settings"):
        assert label in manager_page


def test_the_404_page_is_govuk_styled(personas, client_for):
    response = client_for(personas["screener"]).get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content and b"govuk-template" in response.content


def test_health_endpoint_needs_no_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


def test_health_endpoint_reports_the_broker_down(client, monkeypatch):
    from config.celery import app

    down = "redis://127.0.0.1:1/0"
    # Celery prefers the CELERY_BROKER_URL environment variable over its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", down)
    monkeypatch.setitem(app.conf, "broker_url", down)
    assert app.conf.broker_url == down
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "unavailable"}


def test_a_group_manager_changes_a_timescale_with_a_reason(personas, client_for):
    client = client_for(personas["group_manager"])
    url = reverse("core:setting_edit", args=["return_home_interview"])
    page = client.get(url)
    assert page.status_code == 200 and b"Return home interview" in page.content
    response = client.post(url, {"amount": "", "unit": "clock_hours", "reason": "", "version": "0"})
    html = response.content.decode()
    assert "<title>Error:" in html and "Enter an amount" in html and "Enter the reason for the change" in html
    assert 'value="clock_hours" selected' in html
    response = client.post(url, {"amount": "48", "unit": "clock_hours", "reason": "Local protocol", "version": "0"})
    assert response.status_code == 302
    row = ServiceSetting.objects.get(key="return_home_interview")
    assert row.value == {"amount": 48, "unit": "clock_hours"}
    assert row.history.latest().history_user == personas["group_manager"]
    listing = client.get(reverse("core:settings")).content.decode()
    assert "48 clock hours" in listing and "Changed from the default" in listing


def test_a_team_leader_reads_settings_but_cannot_change_them(personas, client_for):
    client = client_for(personas["team_leader"])
    listing = client.get(reverse("core:settings")).content.decode()
    assert "Caseload limit per worker" in listing
    assert reverse("core:setting_edit", args=["caseload_limit"]) not in listing
    assert client.get(reverse("core:setting_edit", args=["caseload_limit"])).status_code == 403
    assert (
        client.post(reverse("core:setting_edit", args=["caseload_limit"]), {"value": "50", "reason": "x"}).status_code
        == 403
    )
    assert not ServiceSetting.objects.exists()


def test_an_unknown_setting_answers_404(personas, client_for):
    assert client_for(personas["group_manager"]).get(reverse("core:setting_edit", args=["nope"])).status_code == 404


def test_the_red_amber_mapping_is_a_setting(personas, client_for):
    client = client_for(personas["group_manager"])
    data = {
        "high": "red",
        "medium_high": "red",
        "medium": "amber",
        "low_medium": "green",
        "low": "green",
        "reason": "Panel decision",
        "version": "0",
    }
    assert client.post(reverse("core:setting_edit", args=["rag_mapping"]), data).status_code == 302
    assert ServiceSetting.objects.get(key="rag_mapping").value["medium_high"] == "red"


def test_the_auditor_lists_who_viewed_a_record(personas, client_for, rf):
    from core import audit
    from core.models import Agency

    agency = Agency.objects.get(name="Police")
    request = rf.get("/x/")
    request.user = personas["screener"]
    audit.log_access(request, agency)
    client = client_for(personas["auditor"])
    page = client.get(reverse("core:audit"), {"user": personas["screener"].pk}).content.decode()
    assert "Police" in page and str(personas["screener"]) in page
    page = client.get(reverse("core:audit"), {"user": personas["auditor"].pk}).content.decode()
    assert "No one has viewed a record that matches" in page


def test_a_database_outage_answers_503_not_500(rf):
    from django.db import OperationalError

    from core.views import server_error

    try:
        raise OperationalError("connection refused")
    except OperationalError:
        answer = server_error(rf.get("/"))
    assert answer.status_code == 503 and answer["Retry-After"] == "30"
    assert b"the service is unavailable" in answer.content
    try:
        raise ValueError("a bug")
    except ValueError:
        answer = server_error(rf.get("/"))
    assert answer.status_code == 500 and b"there is a problem with the service" in answer.content

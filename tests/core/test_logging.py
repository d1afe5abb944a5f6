"""The log as configured (config/settings/base.py): one line per refused request, the traceback
of a 500 kept, and no e-mail body or case content in it."""

import copy
import io
import logging
import logging.config
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.urls import path, reverse

from config.settings import base
from core import alerts, contract
from core.alerts import AlertRule, Candidate, Stage
from core.roles import Role

pytestmark = pytest.mark.django_db

SECRET = "Kestrel-Ninety-Seven"  # stands for a child's name or case content


@login_not_required
def boom(request):
    raise RuntimeError("a fault in a view")


urlpatterns = [path("boom/", boom)]


@pytest.fixture
def log_lines():
    """The service's own logging configuration, its console writing to a buffer."""
    config = copy.deepcopy(base.LOGGING)
    stream = io.StringIO()
    config["handlers"]["console"]["stream"] = stream

    logging.config.dictConfig(config)

    def read() -> list[str]:
        lines = [line for line in stream.getvalue().splitlines() if line.strip()]
        stream.seek(0)
        stream.truncate()
        return lines

    yield read
    logging.config.dictConfig(settings.LOGGING)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/cate/cases/999999/", 404),
        ("get", "/settings/", 403),
        ("post", "/audit/", 405),
        ("get", "/no-such-page/", 404),
    ],
)
def test_a_refused_request_is_one_line_without_a_traceback(log_lines, make_user, client_for, method, path, status):
    client = client_for(make_user(Role.CATE_WORKER))
    response = getattr(client, method)(path)
    assert response.status_code == status
    lines = log_lines()
    assert len(lines) == 1, lines
    assert "WARNING django.request" in lines[0] and path in lines[0]
    assert "Traceback" not in lines[0]


def test_a_request_for_an_unknown_host_is_one_line(log_lines, client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    lines = log_lines()
    assert len(lines) == 1, lines
    assert "django.security.DisallowedHost" in lines[0] and "Traceback" not in lines[0]


@pytest.mark.urls(__name__)
def test_a_server_error_keeps_its_traceback(log_lines, client):
    client.raise_request_exception = False
    assert client.get("/boom/").status_code == 500
    text = "\n".join(log_lines())
    assert "ERROR django.request Internal Server Error: /boom/" in text
    assert "Traceback" in text and "a fault in a view" in text


def test_the_runserver_access_line_of_a_refusal_is_not_repeated(log_lines):
    server = logging.getLogger("django.server")
    server.info('"GET /x/ HTTP/1.1" 404 12', extra={"status_code": 404})
    server.info('"GET / HTTP/1.1" 200 12', extra={"status_code": 200})
    lines = log_lines()
    assert len(lines) == 1 and "200" in lines[0]


def test_sending_an_alert_logs_no_email_body_or_case_content(
    log_lines, caplog, make_user, settings, tmp_path, django_capture_on_commit_callbacks
):
    """An alert run and its e-mail, through the e-mail backend `make run` uses (files), with every
    logger at DEBUG: the log names the rule and counts, never what the alert says."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path
    caplog.set_level(logging.DEBUG)
    worker = make_user(Role.CATE_WORKER)
    now = datetime(2024, 6, 12, 10, 0, tzinfo=UTC)
    item = Candidate(
        record_key="item:1",
        due_at=now + timedelta(hours=5),
        stage=Stage.DUE_SOON,
        title=f"Return home interview for {SECRET} due soon",
        url="/x/",
        owner_ids=(worker.pk,),
    )
    with (
        contract.override("alert_rules", [AlertRule("test_rule", "Test items", lambda now, settings: [item])]),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert alerts.run_rule("test_rule", now=now).sent == 1
    sent = "".join(p.read_text() for p in tmp_path.iterdir())
    assert SECRET in sent  # the e-mail went, with what it says
    logged = "\n".join(log_lines()) + "\n".join(r.getMessage() for r in caplog.records)
    assert "Alert rule test_rule: 1 sent" in logged
    assert SECRET not in logged


def test_a_refused_request_logs_no_case_content(log_lines, caplog, make_user, client_for):
    caplog.set_level(logging.DEBUG)
    client = client_for(make_user(Role.CATE_WORKER))
    response = client.post(reverse("core:setting_edit", args=["caseload_limit"]), {"reason": SECRET, "value": "9"})
    assert response.status_code == 403
    logged = "\n".join(log_lines()) + "\n".join(r.getMessage() for r in caplog.records)
    assert "Forbidden" in logged and SECRET not in logged

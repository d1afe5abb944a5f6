"""The administrator manages accounts and never acts as someone else: no admin page shows, sets or
exports a password, an authenticator's secret or a recovery code. Accounts are created without a
password (the person sets their own through a link to their work e-mail); a forced password reset
or two-factor reset sends the person a link; a changed e-mail address is told to the old one and
holds links for a day; every change is recorded with the acting administrator and the person is
told of password, two-factor, e-mail and role changes."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import accounts
from core.models import Notification
from core.roles import Role
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a long new passphrase 2026"


def change_url(user) -> str:
    return reverse("admin:core_user_change", args=[user.pk])


def change_data(user, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "job_title": user.job_title,
        "phone": user.phone,
        "agency": user.agency_id or "",
        "team": user.team_id or "",
        "groups": list(user.groups.values_list("pk", flat=True)),
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def link_path(message, name: str) -> str:
    return urlsplit(re.search(rf"http\S+/{name}/\S+/", message.body).group(0)).path


@pytest.fixture
def admin_client(personas, client_for):
    return client_for(personas["administrator"])


@pytest.fixture
def post(admin_client, django_capture_on_commit_callbacks):
    """The administrator's POST, with what it queues on commit (the e-mails) run."""

    def run(url, data, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return admin_client.post(url, data, **kwargs)

    return run


def test_the_admin_never_sets_a_password(admin_client, personas):
    target = personas["cate_worker"]
    before = target.password
    url = f"/admin/core/user/{target.pk}/password/"
    assert admin_client.get(url).status_code == 403
    response = admin_client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.password == before and not target.check_password(NEW_PASSWORD)

    # The change page shows no password (nor its hash) and ignores one posted to it.
    page = admin_client.get(change_url(target)).content.decode()
    assert 'name="password' not in page and target.password not in page and "password/" not in page
    response = admin_client.post(change_url(target), change_data(target, password=NEW_PASSWORD))
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.password == before


def test_a_new_account_has_no_password_and_its_owner_sets_one_by_link(
    admin_client, personas, client, django_capture_on_commit_callbacks
):
    add = reverse("admin:core_user_add")
    page = admin_client.get(add).content.decode()
    assert 'name="password1"' not in page and 'name="password2"' not in page and 'name="usable_password"' not in page
    screener = Group.objects.get(name=Role.SCREENER.label)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            add,
            {
                "username": "newstarter",
                "first_name": "New",
                "last_name": "Starter",
                "email": "new.starter@example.invalid",
                "groups": [screener.pk],
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    account = type(personas["administrator"]).objects.get(username="newstarter")
    assert not account.has_usable_password()  # what the administrator typed is ignored
    assert list(account.groups.all()) == [screener]
    created = account.history.earliest()
    assert created.history_user == personas["administrator"] and created.history_change_reason.startswith(
        "Account created"
    )
    assert account.history.filter(history_change_reason="Roles changed: added Family Connect screener").exists()
    welcome = [m for m in mail.outbox if m.subject.endswith("your new account")]
    assert len(welcome) == 1 and welcome[0].to == ["new.starter@example.invalid"]

    # The owner sets their password through the link, once.
    path = link_path(welcome[0], "password")
    form = client.get(path, follow=True)
    assert "Set your password" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    short = client.post(set_url, {"new_password1": "short", "new_password2": "short"})
    assert "govuk-error-summary" in short.content.decode()
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("core:login")
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)
    assert account.history.latest().history_user == account
    assert "This link does not work" in client.get(path, follow=True).content.decode()
    # The enrolment link of the same e-mail still works after the password is set.
    assert client.get(link_path(welcome[0], "set-up-authenticator"))["Location"].startswith(reverse("core:login"))


def test_forced_password_reset_ends_the_password_and_emails_a_link(post, personas, client):
    target = personas["cate_worker"]
    response = post(
        reverse("admin:core_user_changelist"), {"action": "reset_password", "_selected_action": [target.pk]}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.has_usable_password() and not target.check_password(TEST_PASSWORD)
    reset = target.history.latest()
    assert reset.history_user == personas["administrator"] and reset.history_change_reason.startswith(
        "Password reset by an administrator"
    )
    links = [m for m in mail.outbox if m.subject.endswith("set your password")]
    assert [m.to for m in links] == [[target.email]]
    assert NEW_PASSWORD not in links[0].body
    assert Notification.objects.filter(recipient=target, title="Your password was reset").exists()
    set_url = client.get(link_path(links[0], "password"), follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    target.refresh_from_db()
    assert target.check_password(NEW_PASSWORD)


def test_two_factor_reset_removes_the_devices_and_emails_a_set_up_link(post, personas):
    target = personas["cate_worker"]
    TOTPDevice.objects.create(user=target, name="Phone", confirmed=True)
    StaticDevice.objects.create(user=target, name="Recovery codes").token_set.create(token="recover1")
    post(reverse("admin:core_user_changelist"), {"action": "reset_second_factor", "_selected_action": [target.pk]})
    assert not TOTPDevice.objects.filter(user=target).exists() and not StaticDevice.objects.filter(user=target).exists()
    target.refresh_from_db()
    assert target.history.latest().history_user == personas["administrator"]
    assert target.history.latest().history_change_reason.startswith("Two-factor sign-in reset by an administrator")
    links = [m for m in mail.outbox if m.subject.endswith("set up two-factor sign-in")]
    assert [m.to for m in links] == [[target.email]]
    assert "/sign-in/set-up-authenticator/" in links[0].body
    assert Notification.objects.filter(recipient=target, title="Your two-factor sign-in was reset").exists()


def test_a_set_up_code_is_shown_to_the_administrator_once(admin_client, personas):
    target = personas["cate_worker"]
    response = admin_client.post(
        reverse("admin:core_user_changelist"), {"action": "issue_enrolment_code", "_selected_action": [target.pk]}
    )
    assert response.status_code == 200
    code = re.search(r'id="enrolment-code">([A-Z2-9-]+)<', response.content.decode()).group(1)
    target.refresh_from_db()
    assert target.enrolment_code and code not in target.enrolment_code
    assert code not in admin_client.get(change_url(target)).content.decode()
    assert target.history.latest().history_change_reason == "Two-factor set-up code issued by an administrator"
    # Not for someone who has an authenticator: reset it first.
    TOTPDevice.objects.create(user=target, name="Phone", confirmed=True)
    refused = admin_client.post(
        reverse("admin:core_user_changelist"),
        {"action": "issue_enrolment_code", "_selected_action": [target.pk]},
        follow=True,
    )
    assert "reset their two-factor sign-in first" in refused.content.decode()


def test_an_email_change_is_told_to_the_old_address_and_holds_links(post, personas):
    target = personas["cate_worker"]
    old = target.email
    response = post(change_url(target), change_data(target, email="admin.own@example.invalid"))
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.email == "admin.own@example.invalid" and target.email_changed_at is not None
    change = target.history.latest()
    assert change.history_user == personas["administrator"] and "e-mail address" in change.history_change_reason
    notice = [m for m in mail.outbox if m.to == [old]]
    assert len(notice) == 1 and "admin.own@example.invalid" in notice[0].body
    assert Notification.objects.filter(recipient=target, title__contains="e-mail address").exists()

    # For a day no password or set-up link goes to the new address.
    mail.outbox.clear()
    refused = post(
        reverse("admin:core_user_changelist"),
        {"action": "reset_password", "_selected_action": [target.pk]},
        follow=True,
    )
    assert "no link is sent to it until" in refused.content.decode()
    target.refresh_from_db()
    assert target.has_usable_password() and mail.outbox == []
    post(reverse("admin:core_user_changelist"), {"action": "reset_second_factor", "_selected_action": [target.pk]})
    assert not [m for m in mail.outbox if "set-up-authenticator" in m.body]
    token = accounts.password_link_tokens.make_token(target)
    assert not accounts.password_link_tokens.check_token(target, token)
    type(target).objects.filter(pk=target.pk).update(email_changed_at=timezone.now() - timedelta(hours=25))
    target.refresh_from_db()
    assert accounts.password_link_tokens.check_token(target, token)


def test_role_and_team_changes_are_recorded_with_the_administrator_and_told(admin_client, personas):
    target = personas["cate_worker"]
    leader = Group.objects.get(name=Role.TEAM_LEADER.label)
    groups = [*target.groups.values_list("pk", flat=True), leader.pk]
    response = admin_client.post(change_url(target), change_data(target, groups=groups, job_title="Senior"))
    assert response.status_code == 302
    rows = target.history.order_by("-history_id")[:2]
    reasons = {row.history_change_reason for row in rows}
    assert "Roles changed: added CATE team leader" in reasons
    assert "Account changed: job title" in reasons
    assert all(row.history_user == personas["administrator"] for row in rows)
    told = Notification.objects.get(recipient=target, title="Your roles were changed")
    assert "added CATE team leader" in told.body


def test_an_administrator_does_not_change_their_own_roles(admin_client, personas):
    me = personas["administrator"]
    before = set(me.groups.all())
    auditor = Group.objects.get(name=Role.AUDITOR.label)
    admin_client.post(change_url(me), change_data(me, groups=[auditor.pk]))
    assert set(me.groups.all()) == before


def test_saving_an_account_unchanged_records_nothing(admin_client, personas):
    target = personas["cate_worker"]
    before = target.history.count()
    assert admin_client.post(change_url(target), change_data(target)).status_code == 302
    assert target.history.count() == before
    assert not Notification.objects.filter(recipient=target).exists()


def test_switching_an_account_off_is_recorded_and_ends_its_sessions(admin_client, personas, client_for):
    target = personas["cate_worker"]
    theirs = client_for(target)
    assert theirs.get(reverse("core:home")).status_code == 200
    response = admin_client.post(change_url(target), change_data(target, is_active=""))
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    row = target.history.latest()
    assert row.history_user == personas["administrator"] and row.history_change_reason == "Account switched off"
    assert theirs.get(reverse("core:home"))["Location"].startswith(reverse("core:login"))

"""core/pages.py: the helpers every app's pages share (form submit, record pages, pagination,
safe redirects), tried on their own with a request of Django's test factory."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from core import pages
from core.choices import AccessAction
from core.exceptions import StaleRecord
from core.forms import GovukForm, VersionedFormMixin
from core.models import AccessLog
from tests.factories import ChildFactory, UserFactory

pytestmark = pytest.mark.django_db


def _request(method: str = "get", data: dict | None = None, user=None, path: str = "/somewhere/"):
    request = getattr(RequestFactory(), method)(path, data or {})
    request.user = user or UserFactory()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


class NoteForm(VersionedFormMixin, GovukForm):
    note = forms.CharField(max_length=20)


# --- submit ----------------------------------------------------------------------------------


def test_submit_passes_the_actor_the_version_and_the_data_and_redirects():
    calls = []
    request = _request("post", {"note": "Seen at school", "version": "3"})

    def service(**kwargs):
        calls.append(kwargs)
        return "result"

    response = pages.submit(
        request, NoteForm(request.POST, initial={"version": 3}), service, success="/done/", message="Saved", case=7
    )
    assert response.status_code == 302 and response["Location"] == "/done/"
    assert calls == [{"actor": request.user, "expected_version": 3, "case": 7, "note": "Seen at school"}]
    assert [str(m) for m in get_messages(request)] == ["Saved"]


def test_submit_maps_the_cleaned_data_with_args_and_takes_messages_and_targets_from_the_result():
    request = _request("post", {"note": "x"})
    form = NoteForm(request.POST)
    response = pages.submit(
        request,
        form,
        lambda **kw: kw,
        args=lambda data: {"text": data["note"].upper()},
        success=lambda result: f"/records/{result['text']}/",
        message=lambda result: f"Saved {result['text']}",
    )
    assert response["Location"] == "/records/X/"
    assert [str(m) for m in get_messages(request)] == ["Saved X"]


def test_submit_does_nothing_on_get_or_invalid_input():
    called = []
    get = _request()
    assert pages.submit(get, NoteForm(), lambda **kw: called.append(kw), success="/", message="") is None
    post = _request("post", {"note": "far too long for the field"})
    form = NoteForm(post.POST)
    assert pages.submit(post, form, lambda **kw: called.append(kw), success="/", message="") is None
    assert called == [] and "note" in form.errors


def test_a_refusal_lands_on_the_form_by_field_keeping_the_typing():
    request = _request("post", {"note": "typed"})
    form = NoteForm(request.POST)

    def service(**kwargs):
        raise ValidationError({"note": "Not like that."})

    assert pages.submit(request, form, service, success="/", message="Saved") is None
    assert form.errors["note"] == ["Not like that."]
    assert form.data["note"] == "typed"
    assert list(get_messages(request)) == []


def test_a_stale_save_says_what_changed():
    request = _request("post", {"note": "typed", "version": "1"})
    form = NoteForm(request.POST, initial={"version": 1})
    child = ChildFactory()

    def service(**kwargs):
        raise StaleRecord(child, ["School"])

    pages.submit(request, form, service, success="/", message="Saved")
    [error] = form.non_field_errors()
    assert "Someone else changed this record" in error and "School" in error


def test_a_record_closed_after_the_form_was_opened_refuses_the_save():
    request = _request("post", {"note": "typed"})
    request.record_closed = "This case is closed."
    form = NoteForm(request.POST)
    called = []
    assert pages.submit(request, form, lambda **kw: called.append(kw), success="/", message="") is None
    assert called == [] and form.non_field_errors() == ["This case is closed."]


# --- record_view -------------------------------------------------------------------------------


def _page(**options):
    seen = []

    @pages.record_view(**options)
    def view(request, record, perms, *args):
        seen.append((record, perms, args))
        return HttpResponse("ok")

    return view, seen


def test_a_record_page_gets_the_record_computes_permissions_once_and_logs_the_view():
    child = ChildFactory()
    view, seen = _page(get=lambda user, pk: child, permissions=lambda user, record: {"can_edit": True})
    request = _request()
    assert view(request, pk=child.pk).status_code == 200
    assert seen == [(child, {"can_edit": True}, ())]
    log = AccessLog.objects.get()
    assert (log.user, log.object_id, log.action, log.child_number) == (
        request.user,
        str(child.pk),
        AccessAction.VIEW,
        child.pk,
    )


def test_a_record_page_answers_404_when_the_getter_does_and_403_when_not_allowed():
    def hidden(user, pk):
        raise Http404

    view, _ = _page(get=hidden)
    with pytest.raises(Http404):
        view(_request(), pk=1)
    child = ChildFactory()
    view, seen = _page(get=lambda user, pk: child, permissions=lambda u, r: False, allow=bool)
    with pytest.raises(PermissionDenied):
        view(_request(), pk=child.pk)
    assert seen == [] and not AccessLog.objects.exists()


def test_a_closed_record_sends_a_get_back_with_a_message_and_marks_a_post():
    child = ChildFactory()
    view, seen = _page(get=lambda user, pk: child, closed=lambda record: "This record is closed.")
    request = _request()
    response = view(request, pk=child.pk)
    assert response.status_code == 302 and response["Location"] == child.get_absolute_url()
    assert [str(m) for m in get_messages(request)] == ["This record is closed."]
    post = _request("post")
    view(post, pk=child.pk)
    assert post.record_closed == "This record is closed." and len(seen) == 1


def test_a_record_within_another_is_named_by_several_url_arguments():
    child = ChildFactory()
    got = []
    view, seen = _page(get=lambda user, pk, item_pk: got.append((pk, item_pk)) or child, keys=("pk", "item_pk"))
    view(_request("post"), pk=1, item_pk=2)
    assert got == [(1, 2)] and seen[0][0] == child


# --- lists and redirects -----------------------------------------------------------------------


@pytest.mark.parametrize(("asked", "shown"), [("1", 1), ("2", 2), ("99", 2), ("x", 1), ("", 1)])
def test_paginate_gives_the_nearest_page(asked, shown):
    request = _request(data={"page": asked})
    assert pages.paginate(request, list(range(30))).number == shown


def test_query_without_page_keeps_the_filters():
    assert pages.query_without_page(_request(data={"view": "open", "page": "3"})) == "view=open"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/cases/1/", "/cases/1/"),
        ("https://elsewhere.example/", "/home/"),
        ("//elsewhere.example/", "/home/"),
        ("/\\elsewhere.example/", "/home/"),
        ("cate:index", "/home/"),
        ("", "/home/"),
    ],
)
def test_safe_next_stays_on_this_site(target, expected):
    assert pages.safe_next(_request(data={"next": target}), "/home/") == expected


@pytest.mark.parametrize(("value", "expected"), [("12", 12), (" 7 ", 7), ("²", None), ("1" * 12, None), ("", None)])
def test_record_id_takes_ascii_digits_only(value, expected):
    assert pages.record_id(value) == expected


def test_require_perm_refuses_without_the_permission():
    with pytest.raises(PermissionDenied):
        pages.require_perm(_request(), "core.change_servicesetting")

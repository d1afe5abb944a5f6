import io

import pytest

from contacts.choices import ContactStatus
from contacts.demo import seed_demo
from contacts.models import Child, Contact, EarlyHelpFollowUp, MaceEntry
from core.demo import seed_organisation

pytestmark = pytest.mark.django_db


def test_the_demo_fills_the_front_door_once(django_capture_on_commit_callbacks):
    seed_organisation(password="demo-password-for-tests-2026")
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo(out)
    counts = (Child.objects.count(), Contact.objects.count(), MaceEntry.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo(io.StringIO())
    assert (Child.objects.count(), Contact.objects.count(), MaceEntry.objects.count()) == counts == (5, 8, 1)
    assert "5 demo children, 8 demo contacts" in out.getvalue()
    statuses = set(Contact.objects.values_list("status", flat=True))
    assert statuses == {ContactStatus.AWAITING_SCREENING, ContactStatus.IN_SCREENING, ContactStatus.DECIDED}
    assert Contact.objects.filter(child__isnull=True, channel="anonymous_form").exists()
    assert EarlyHelpFollowUp.objects.count() == 2
    assert all(child.last_name == "Demochild" for child in Child.objects.all())


def test_the_demo_is_skipped_without_the_demo_users():
    out = io.StringIO()
    seed_demo(out)
    assert "skipped" in out.getvalue() and not Contact.objects.exists()

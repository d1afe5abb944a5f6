import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cate.models import Case, Referral
from contacts.models import Child

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_the_demo_workers_caseloads_and_is_idempotent():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)
    User = get_user_model()
    for username in ("cateworker1", "cateworker2"):
        cases = Case.objects.filter(allocated_worker=User.objects.get(username=username))
        assert cases.count() == 2
    assert Case.objects.filter(legacy_key__startswith="demo-cate-").count() == 5
    assert Case.objects.filter(allocated_worker__isnull=True).count() == 1
    assert Referral.objects.filter(case__isnull=True).count() == 1
    assert Child.objects.filter(legacy_key__startswith="demo-cate-", last_name="Example").count() == 6
    assert "CATE demo: 6 young people (0 cases opened now)" in out.getvalue()

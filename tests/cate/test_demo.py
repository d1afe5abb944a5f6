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
    demo = Case.objects.filter(legacy_key__startswith="demo-cate-")  # other apps' demos may add cases
    for username in ("cateworker1", "cateworker2"):
        assert demo.filter(allocated_worker=User.objects.get(username=username)).count() == 2
    assert demo.count() == 5
    assert demo.filter(allocated_worker__isnull=True).count() == 1
    referrals = Referral.objects.filter(child__legacy_key__startswith="demo-cate-")
    assert referrals.count() == 6 and referrals.filter(case__isnull=True).count() == 1
    assert Child.objects.filter(legacy_key__startswith="demo-cate-", last_name="Example").count() == 6
    assert "CATE demo: 6 young people (0 cases opened now)" in out.getvalue()

import io

import pytest

from cate.models import Case
from contacts.models import Child
from devdata.demo import seed_demo

pytestmark = pytest.mark.django_db


def test_the_demo_records_import_once():
    out = io.StringIO()
    seed_demo(out)
    cases, children = Case.objects.count(), Child.objects.count()
    assert cases == 112 and children == 171
    assert "created" in out.getvalue()
    seed_demo(out)
    assert (Case.objects.count(), Child.objects.count()) == (cases, children)
    assert "(0 created," in out.getvalue().splitlines()[-1]
    assert not Child.objects.exclude(first_name="Testchild").exists()

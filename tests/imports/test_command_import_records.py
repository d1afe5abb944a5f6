"""manage.py import_records: the importer from the command line, as the system user."""

import copy
import json

import pytest
from django.core.management import CommandError, call_command

from cate.models import Case
from tests.imports.test_services import document

pytestmark = pytest.mark.django_db


def test_the_command_reports_problems_and_imports(tmp_path):
    bad = copy.deepcopy(document())
    bad["cases"][0]["open_to"] = "nowhere"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(CommandError, match="Nothing was imported: 1 problem in the import"):  # one, not cascades
        call_command("import_records", str(path))
    assert not Case.objects.exists()

    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(CommandError, match="is not a JSON document"):
        call_command("import_records", str(tmp_path / "broken.json"))

    path.write_text(json.dumps(document()))
    call_command("import_records", str(path), "--dry-run")
    assert not Case.objects.exists()
    call_command("import_records", str(path))
    assert Case.objects.count() == 2

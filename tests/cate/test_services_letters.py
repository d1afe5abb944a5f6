"""Letters to the GP practice: generated, and recorded as sent."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cate import services
from cate.choices import ChronologyKind
from tests.factories import CaseFactory

from .helpers import assert_history

pytestmark = pytest.mark.django_db


def test_gp_letter_recorded_as_sent(case, worker):
    letter = case.gp_letters.get()
    services.gp_letter_mark_sent(letter=letter, sent_on=timezone.localdate(), actor=worker, expected_version=1)
    letter.refresh_from_db()
    assert (letter.sent_on, letter.sent_by) == (timezone.localdate(), worker)
    assert_history(letter, worker, "GP letter sent")
    assert case.chronology.filter(kind=ChronologyKind.GP_LETTER, summary__startswith="GP letter sent").exists()
    with pytest.raises(ValidationError):
        services.gp_letter_mark_sent(letter=letter, sent_on=timezone.localdate() - dt.timedelta(days=5), actor=worker)


def test_gp_letter_is_generated_with_history_and_chronology(personas):
    from cate.choices import GpLetterTrigger

    case = CaseFactory(child__gp_practice="Riverside Medical Practice")
    letter = services.gp_letter_create(case=case, trigger=GpLetterTrigger.ALLOCATION, actor=personas["team_leader"])
    assert letter.practice == "Riverside Medical Practice" and case.reference in letter.body
    assert letter.due_at > letter.generated_at
    assert letter.history.latest().history_user == personas["team_leader"]
    assert case.chronology.filter(kind=ChronologyKind.GP_LETTER).exists()

    with pytest.raises(PermissionDenied):
        services.gp_letter_create(case=case, trigger=GpLetterTrigger.ALLOCATION, actor=personas["cate_worker"])

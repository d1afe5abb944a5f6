"""The safeguarding advisors' review list and review page (issue 24): who opens them, bad input,
the query guard."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contacts.models import ThresholdReview
from tests.factories import ContactFactory, ThresholdReviewFactory

pytestmark = pytest.mark.django_db


def test_an_fc_manager_records_a_review_and_bad_input_keeps_what_was_typed(personas, client_for):
    review = ThresholdReviewFactory()
    manager = client_for(personas["fc_manager"])
    url = reverse("contacts:threshold_review_detail", args=[review.pk])
    page = manager.get(url)
    assert page.status_code == 200 and review.contact.reference in page.content.decode()
    bad = manager.post(url, {"version": review.version, "outcome": "escalated", "notes": ""})
    assert bad.status_code == 200
    body = bad.content.decode()
    assert "govuk-error-summary" in body and "Enter the advice given or why it was escalated" in body
    bad = manager.post(url, {"version": review.version, "outcome": "nonsense", "notes": "Kept text"})
    assert bad.status_code == 200 and "Kept text" in bad.content.decode()
    done = manager.post(url, {"version": review.version, "outcome": "escalated", "notes": "To the group manager"})
    assert done.status_code == 302
    review.refresh_from_db()
    assert (review.outcome, review.reviewed_by) == ("escalated", personas["fc_manager"])
    listing = manager.get(reverse("contacts:threshold_review_list") + "?state=done")
    assert review.contact.reference in listing.content.decode()


def test_others_get_403_on_the_list_and_404_on_a_review(personas, client_for):
    review = ThresholdReviewFactory()
    for name in ("screener", "team_leader", "group_manager", "advisor"):
        client = client_for(personas[name])
        assert client.get(reverse("contacts:threshold_review_list")).status_code == 403
        assert client.get(reverse("contacts:threshold_review_detail", args=[review.pk])).status_code == 404
    assert (
        client_for(personas["fc_manager"]).get(reverse("contacts:threshold_review_detail", args=[999999])).status_code
        == 404
    )


@pytest.mark.parametrize("rows", [1, 50])
def test_the_review_list_makes_the_same_queries_however_many(personas, client_for, rows, django_assert_max_num_queries):
    for _ in range(rows):
        ThresholdReviewFactory(contact=ContactFactory())
    manager = client_for(personas["fc_manager"])
    manager.get(reverse("contacts:threshold_review_list"))  # warm the session
    with django_assert_max_num_queries(14):
        page = manager.get(reverse("contacts:threshold_review_list"))
    assert page.status_code == 200
    assert ThresholdReview.objects.count() == rows

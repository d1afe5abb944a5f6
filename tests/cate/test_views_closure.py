"""The closure pages: the proposal lists what is outstanding and asks a reason for each; the
decision shows the reasons and takes an answer to each; the pending NRM and the closure letter after
closure; outsiders get 404."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from cate import services
from cate.choices import CaseStatus, ClosureItemDecision, GpLetterTrigger, NrmDecision
from cate.rules import closure_item_field, outstanding_field
from tests.factories import ActionFactory, approve_closure, propose_closure

pytestmark = pytest.mark.django_db

PROPOSAL = {"reason": "Settled at school and home", "exit_plan": "School mentor", "step_down_destination": "universal"}


def missing_episode(case, worker, *, back: bool):
    now = timezone.now()
    return services.missing_episode_record(
        case=case,
        missing_from=now - dt.timedelta(hours=30),
        returned_at=now - dt.timedelta(hours=24) if back else None,
        reported_by="",
        police_reference="",
        where_found="",
        rhi_eligible=True,
        rhi_ineligible_reason="",
        actor=worker,
    )


def nrm_made(case, worker):
    return services.nrm_referral_update(
        referral=case.nrm_referrals.get(),
        referred_on=timezone.localdate() - dt.timedelta(days=2),
        reasonable_grounds="",
        reasonable_grounds_on=None,
        conclusive_grounds="",
        conclusive_grounds_on=None,
        actor=worker,
    )


def closed(case, worker, leader):
    propose_closure(case, worker)
    approve_closure(case, leader)
    case.refresh_from_db()
    return case


def test_the_proposal_page_lists_everything_outstanding_with_a_reason_box_each(case, worker, client_for):
    episode = missing_episode(case, worker, back=True)
    referral = nrm_made(case, worker)
    html = client_for(worker).get(reverse("cate:closure_propose", args=[case.pk])).content.decode()
    assert "Still outstanding on the case" in html
    assert "The return home interview after the child came back" in html
    assert "is awaiting the reasonable grounds decision" in html
    assert "The GP practice has not been told of the closure." in html
    assert reverse("cate:rhi_edit", args=[case.pk, episode.pk]) in html
    assert reverse("cate:gp_letter_closure", args=[case.pk]) in html
    for code in (f"rhi_outstanding:{episode.pk}", f"nrm_pending:{referral.pk}", "gp_not_told"):
        assert f'name="{outstanding_field(code)}"' in html


def test_a_reason_missing_is_an_error_by_item_and_nothing_typed_is_lost(case, worker, client_for):
    episode = missing_episode(case, worker, back=True)
    typed = "Declined twice; the school nurse sees her weekly"
    data = {
        "version": case.version,
        **PROPOSAL,
        outstanding_field(f"rhi_outstanding:{episode.pk}"): typed,
        outstanding_field("gp_not_told"): "",
    }
    response = client_for(worker).post(reverse("cate:closure_propose", args=[case.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in html
    assert "Enter your reason to close the case all the same: The GP practice has not been told" in html
    assert f'href="#id_{outstanding_field("gp_not_told")}"' in html
    assert escape(typed) in html and PROPOSAL["exit_plan"] in html
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_with_a_reason_for_each_item_the_closure_is_proposed(case, worker, client_for):
    data = {"version": case.version, **PROPOSAL, outstanding_field("gp_not_told"): "Sent when approved"}
    response = client_for(worker).post(reverse("cate:closure_propose", args=[case.pk]), data)
    assert response.status_code == 302
    closure = case.closures.get()
    assert [(i.code, i.reason) for i in closure.items.all()] == [("gp_not_told", "Sent when approved")]


def test_a_child_missing_now_cannot_be_proposed_for_closure(case, worker, client_for):
    missing_episode(case, worker, back=False)
    client = client_for(worker)
    url = reverse("cate:closure_propose", args=[case.pk])
    html = client.get(url).content.decode()
    assert "The case cannot be closed now." in html and "is missing now" in html
    assert "Propose closure</button>" not in html
    reasons = {outstanding_field("gp_not_told"): "x", "outstanding_child_missing": "x"}
    data = {"version": case.version, **PROPOSAL, **reasons}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "A case cannot be closed while the child is missing" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_the_decision_page_shows_each_reason_and_needs_an_answer_to_each(case, worker, leader, client_for):
    episode = missing_episode(case, worker, back=True)
    closure = propose_closure(case, worker)
    case.refresh_from_db()
    rhi, gp = closure.items.order_by("id")
    client = client_for(leader)
    url = reverse("cate:closure_decide", args=[case.pk])
    html = client.get(url).content.decode()
    assert "Outstanding when the closure was proposed" in html
    assert escape(f"Reason given: {rhi.reason}") in html and escape(gp.message) in html
    assert f'name="{closure_item_field(rhi.pk)}"' in html
    response = client.post(url, {"version": case.version, "decision": "approve", "note": "Fine"})
    html = response.content.decode()
    assert response.status_code == 200 and "Select whether you accept the reason given" in html
    assert f'href="#id_{closure_item_field(gp.pk)}_0"' in html  # the first radio
    data = {
        "version": case.version,
        "decision": "approve",
        "note": "",
        closure_item_field(rhi.pk): ClosureItemDecision.RETURNED,
        closure_item_field(gp.pk): ClosureItemDecision.ACCEPTED,
    }
    response = client.post(url, data, follow=True)
    assert "Closure returned to the worker" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN and episode.pk


def test_the_decision_page_warns_of_what_is_outstanding_since(case, worker, leader, client_for):
    closure = propose_closure(case, worker)
    case.refresh_from_db()
    action = ActionFactory(case=case)
    client = client_for(leader)
    url = reverse("cate:closure_decide", args=[case.pk])
    html = client.get(url).content.decode()
    assert "Since the closure was proposed, this stops it being approved." in html
    assert escape(action.description) in html
    accepted = {closure_item_field(item.pk): "accepted" for item in closure.items.all()}
    response = client.post(url, {"version": case.version, "decision": "approve", "note": "", **accepted})
    assert response.status_code == 200
    assert "Outstanding since the closure was proposed" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSURE_PROPOSED


def test_approving_through_the_page_closes_the_case(case, worker, leader, client_for):
    closure = propose_closure(case, worker)
    case.refresh_from_db()
    accepted = {closure_item_field(item.pk): "accepted" for item in closure.items.all()}
    url = reverse("cate:closure_decide", args=[case.pk])
    response = client_for(leader).post(
        url, {"version": case.version, "decision": "approve", "note": "", **accepted}, follow=True
    )
    assert "Case closed" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_outsiders_get_404_on_the_closure_pages(case, worker, personas, client_for):
    propose_closure(case, worker)
    other = client_for(personas["other_worker"])
    for name in ("cate:closure_propose", "cate:closure_decide", "cate:gp_letter_closure"):
        url = reverse(name, args=[case.pk])
        assert other.get(url).status_code == 404, name
        assert other.post(url, {"decision": "approve"}).status_code == 404, name
    assert not case.gp_letters.filter(trigger=GpLetterTrigger.CLOSURE).exists()


def test_the_worker_reads_the_closed_case_and_is_refused_the_rest(case, worker, leader, client_for):
    referral = nrm_made(case, worker)
    closed(case, worker, leader)
    client = client_for(worker)
    html = client.get(reverse("cate:case_detail", args=[case.pk])).content.decode()
    assert "Reopen the case" not in html and "Record a decision" not in html
    assert client.get(reverse("cate:nrm_edit", args=[case.pk, referral.pk])).status_code == 403
    assert client.get(reverse("cate:case_reopen", args=[case.pk])).status_code == 403
    panel_page = client.get(reverse("riskpanel:case_detail", args=[case.pk]))
    assert panel_page.status_code == 200 and "Add an action" not in panel_page.content.decode()
    assert client.get(reverse("riskpanel:safety_plan_new", args=[case.pk])).status_code == 403
    assert client.get(reverse("riskpanel:case_action_add", args=[case.pk])).status_code == 403


def test_the_nrm_decision_is_recorded_through_the_page_after_closure(case, worker, leader, client_for):
    referral = nrm_made(case, worker)
    closed(case, worker, leader)
    client = client_for(leader)
    assert "Record a decision" in client.get(reverse("cate:case_detail", args=[case.pk])).content.decode()
    url = reverse("cate:nrm_edit", args=[case.pk, referral.pk])
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    data = {
        "version": referral.version,
        "referred_on_day": referral.referred_on.day,
        "referred_on_month": referral.referred_on.month,
        "referred_on_year": referral.referred_on.year,
        "reasonable_grounds": NrmDecision.NEGATIVE,
        "reasonable_grounds_on_day": today.day,
        "reasonable_grounds_on_month": today.month,
        "reasonable_grounds_on_year": today.year,
    }
    assert client.post(url, data).status_code == 302
    referral.refresh_from_db()
    assert referral.reasonable_grounds == NrmDecision.NEGATIVE


def test_an_nrm_referral_never_made_is_not_opened_on_a_closed_case(case, worker, leader, client_for):
    closed(case, worker, leader)
    url = reverse("cate:nrm_edit", args=[case.pk, case.nrm_referrals.get().pk])
    response = client_for(leader).get(url)
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()


def test_the_list_of_nrm_referrals_awaiting_a_decision_keeps_closed_cases(case, worker, leader, client_for):
    referral = nrm_made(case, worker)
    closed(case, worker, leader)
    record = reverse("cate:nrm_edit", args=[case.pk, referral.pk])
    html = client_for(leader).get(reverse("cate:nrm_awaiting")).content.decode()
    assert case.child.full_name in html and "Closed" in html and record in html
    assert "The reasonable grounds decision" in html
    worker_html = client_for(worker).get(reverse("cate:nrm_awaiting")).content.decode()
    assert case.child.full_name in worker_html and record not in worker_html  # they read, not record
    index = client_for(leader).get(reverse("cate:index")).content.decode()
    assert reverse("cate:nrm_awaiting") in index and "1 waiting" in index


def test_the_closure_letter_page_writes_the_letter_and_it_is_sent_after_closure(case, worker, leader, client_for):
    client = client_for(worker)
    url = reverse("cate:gp_letter_closure", args=[case.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {})
    letter = case.gp_letters.get(trigger=GpLetterTrigger.CLOSURE)
    assert response.status_code == 302
    assert response["Location"] == reverse("cate:gp_letter_detail", args=[case.pk, letter.pk])
    closed(case, worker, leader)
    detail = client_for(leader).get(response["Location"]).content.decode()
    assert "Record the letter as sent" in detail
    allocation = case.gp_letters.get(trigger=GpLetterTrigger.ALLOCATION)
    other = client_for(leader).get(reverse("cate:gp_letter_detail", args=[case.pk, allocation.pk])).content.decode()
    assert "Record the letter as sent" not in other

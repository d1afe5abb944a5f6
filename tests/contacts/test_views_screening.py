"""The pages of a contact's journey through the front door, through the test client."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from contacts.choices import ContactStatus, ExploitationFactor, Outcome, RecordStatus
from contacts.models import Child, ChildMerge, Contact, EarlyHelpFollowUp, MaceEntry, MaceRequest, ThresholdAssessment
from core import contract
from core.models import AccessLog, Agency
from tests.factories import ChildFactory, ContactFactory, ThresholdAssessmentFactory

pytestmark = pytest.mark.django_db


def received_parts(moment):
    local = timezone.localtime(moment)
    return {
        "received_at_day": str(local.day),
        "received_at_month": str(local.month),
        "received_at_year": str(local.year),
        "received_at_time": local.strftime("%H:%M"),
    }


def test_an_advisor_records_a_contact_about_a_child_found_in_the_index(advisor, client_for):
    child = ChildFactory()
    client = client_for(advisor)
    url = reverse("contacts:contact_create") + f"?child={child.pk}"
    page = client.get(url).content.decode()
    assert child.full_name in page
    data = {
        **received_parts(timezone.now() - dt.timedelta(minutes=5)),
        "child": child.pk,
        "channel": "phone",
        "source": "schools_colleges",
        "referrer_name": "",
        "referrer_organisation": "",
        "concern": "",
        "concerns": ["cse", "cce"],
    }
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in html
    assert "Enter the concern, in the referrer&#x27;s words" in html
    assert "Enter the referrer&#x27;s name or organisation" not in html  # the service speaks after the form
    data.update(concern="Seen in cars with older men", referrer_organisation="Riverside Academy")
    response = client.post(url, data)
    contact = Contact.objects.get()
    assert response.status_code == 302 and response["Location"] == contact.get_absolute_url()
    assert (contact.child, contact.cse_concern, contact.cce_concern, contact.recorded_by) == (
        child,
        True,
        True,
        advisor,
    )


def test_a_contact_with_no_referrer_named_is_refused_unless_anonymous(advisor, client_for):
    client = client_for(advisor)
    data = {
        **received_parts(timezone.now()),
        "channel": "phone",
        "source": "individual",
        "reported_child_name": "Kayla",
        "concern": "Worried about her",
    }
    html = client.post(reverse("contacts:contact_create"), data).content.decode()
    assert "Enter the referrer&#x27;s name or organisation, or say that the contact is anonymous" in html
    assert 'value="Kayla"' in html  # nothing typed is lost
    data["is_anonymous"] = "on"
    assert client.post(reverse("contacts:contact_create"), data).status_code == 302


def test_identify_the_child_of_an_anonymous_contact(screener, client_for):
    contact = ContactFactory(child=None, reported_child_name="Jaiden Smyth")
    child = ChildFactory(first_name="Jayden", last_name="Smith")
    client = client_for(screener)
    page = client.get(reverse("contacts:contact_link_child", args=[contact.pk])).content.decode()
    assert "Jayden Smith" in page  # searched with what the referrer said, spelling and all
    response = client.post(
        reverse("contacts:contact_link_child", args=[contact.pk]), {"child": child.pk, "version": contact.version}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.child == child


def test_adding_a_child_warns_of_duplicates_and_links_the_contact(advisor, client_for):
    existing = ChildFactory(first_name="Jayden", last_name="Smith", date_of_birth=dt.date(2011, 5, 4))
    contact = ContactFactory(child=None, reported_child_name="Jaiden")
    client = client_for(advisor)
    url = reverse("contacts:child_create") + f"?contact={contact.pk}"
    data = {
        "contact": contact.pk,
        "first_name": "Jaiden",
        "last_name": "Smyth",
        "date_of_birth_day": "4",
        "date_of_birth_month": "5",
        "date_of_birth_year": "2011",
        "gender": "male",
        "send_status": "not_known",
        "receiving_education": "unknown",
    }
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in html
    assert "This child may already be in the index" in html and existing.full_name in html
    assert "Similar name, Same date of birth" in html
    assert Child.objects.count() == 1
    response = client.post(url, {**data, "confirm_new": "on"})
    assert response.status_code == 302 and response["Location"] == contact.get_absolute_url()
    contact.refresh_from_db()
    assert contact.child.first_name == "Jaiden"


def test_child_form_validation(advisor, client_for):
    response = client_for(advisor).post(
        reverse("contacts:child_create"),
        {
            "first_name": "",
            "nhs_number": "943 476 5918",
            "postcode": "nonsense",
            "attendance_percent": "120",
            "gender": "female",
            "send_status": "none",
            "receiving_education": "yes",
        },
    )
    html = response.content.decode()
    for message in (
        "Enter the child&#x27;s name, or a name they are known by",
        "Enter a real NHS number, like 943 476 5919",
        "Enter a real postcode, like TF1 1AA",
        "Attendance must be 100 or less",
    ):
        assert message in html


def test_two_people_editing_a_child_the_second_is_refused(advisor, screener, client_for):
    child = ChildFactory(school="")
    url = reverse("contacts:child_edit", args=[child.pk])
    base = {
        "first_name": child.first_name,
        "last_name": child.last_name,
        "gender": child.gender,
        "send_status": child.send_status,
        "receiving_education": "unknown",
        "date_of_birth_day": child.date_of_birth.day,
        "date_of_birth_month": child.date_of_birth.month,
        "date_of_birth_year": child.date_of_birth.year,
        "ethnicity": child.ethnicity,
        "version": child.version,
    }
    first = client_for(advisor).post(url, {**base, "school": "Oak School", "reason": "School confirmed"})
    assert first.status_code == 302
    second = client_for(screener).post(url, {**base, "school": "Elm School", "reason": "Other school"})
    html = second.content.decode()
    assert second.status_code == 200 and "Someone else changed this record" in html and "School or college" in html
    assert 'value="Elm School"' in html
    child.refresh_from_db()
    assert child.school == "Oak School"


def threshold_post(**overrides):
    data = {f"{f.value}_level": "not_present" for f in ExploitationFactor}
    data.update({"coercion_level": "complex", "coercion_evidence": "Controlled by an older boyfriend"})
    data["overall_level"] = "complex"
    data.update(overrides)
    return data


def test_the_threshold_page_asks_for_a_reason_when_the_overall_level_differs(screener, client_for):
    contact = ContactFactory()
    client = client_for(screener)
    url = reverse("contacts:threshold_assess", args=[contact.pk])
    assert client.get(url).status_code == 200
    html = client.post(url, threshold_post(overall_level="acute")).content.decode()
    assert "Explain why the overall level differs from the highest factor level (Complex)" in html
    html = client.post(url, threshold_post(coercion_evidence="")).content.decode()
    assert "Enter the evidence for coercion/control" in html
    assert client.post(url, threshold_post()).status_code == 302
    assessment = ThresholdAssessment.objects.get()
    revision = client.post(
        url,
        threshold_post(overall_level="acute", reason_differs_from_highest="Escalating", version=assessment.version),
    )
    assert "Enter why the assessment is being revised" in revision.content.decode()
    revised = client.post(
        url,
        threshold_post(
            overall_level="acute",
            reason_differs_from_highest="Escalating",
            revision_reason="Police information",
            version=assessment.version,
        ),
    )
    assert revised.status_code == 302
    page = client.get(reverse("contacts:contact_detail", args=[contact.pk])).content.decode()
    assert "Revised: Police information" in page and "Revisions (2)" in page


def test_a_mace_through_the_pages(screener, personas, client_for):
    contact = ContactFactory()
    police = Agency.objects.get(name="Police")
    client = client_for(screener)
    url = reverse("contacts:mace_create", args=[contact.pk])
    html = client.post(url, {"question": ""}).content.decode()
    assert "Choose at least one agency to ask" in html and "Enter what you are asking the agencies" in html
    response = client.post(url, {"agencies": [police.pk], "question": "Any missing reports?"})
    mace = MaceRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == mace.get_absolute_url()
    officer = client_for(personas["police"])
    form_page = officer.get(mace.get_absolute_url()).content.decode()
    assert "Add your agency" in form_page and contact.child.full_name in form_page
    assert contact.concern not in form_page  # partners see the question, not the contact
    html = officer.post(reverse("contacts:mace_entry_create", args=[mace.pk]), {"information": ""}).content.decode()
    assert "Enter what your agency knows, or that it holds no information" in html
    officer.post(reverse("contacts:mace_entry_create", args=[mace.pk]), {"information": "Two missing reports"})
    assert MaceEntry.objects.get().agency == police
    client.post(reverse("contacts:mace_close", args=[mace.pk]))
    assert "Add your agency" not in officer.get(mace.get_absolute_url()).content.decode()


def test_deciding_through_the_page(screener, client_for):
    contact = ContactFactory(decision_due_at=timezone.now() + dt.timedelta(hours=3))
    client = client_for(screener)
    url = reverse("contacts:contact_decide", args=[contact.pk])
    page = client.get(url).content.decode()
    assert "Complete the threshold assessment before deciding" in page
    html = client.post(url, {"outcome": "information_advice", "outcome_detail": "x", "version": 1}).content.decode()
    assert "Complete the threshold assessment before deciding." in html
    ThresholdAssessmentFactory(contact=contact)
    html = client.post(url, {"outcome": "cate_or_statutory", "version": 1}).content.decode()
    assert "Choose CATE, statutory safeguarding or both" in html
    heard = []
    receiver = lambda *, contact, actor: heard.append(contact.pk)  # noqa: E731
    with contract.override("contact_referred_handlers", [receiver], add=True):
        response = client.post(url, {"outcome": "cate_or_statutory", "refer_to": ["cate", "statutory"], "version": 1})
    assert response.status_code == 302 and heard == [contact.pk]
    contact.refresh_from_db()
    assert (contact.status, contact.refer_to_cate, contact.refer_to_statutory) == (ContactStatus.DECIDED, True, True)
    assert client.get(url).status_code == 302  # already decided


def test_a_late_decision_page_asks_why(screener, client_for):
    contact = ContactFactory(decision_due_at=timezone.now() - dt.timedelta(hours=1))
    ThresholdAssessmentFactory(contact=contact)
    client = client_for(screener)
    url = reverse("contacts:contact_decide", args=[contact.pk])
    data = {
        "outcome": "early_help",
        "early_help_agency": Agency.objects.get(name="Health").pk,
        "early_help_service": "School nurse",
        "version": 1,
    }
    html = client.post(url, data).content.decode()
    assert "Enter the reason the decision is late" in html
    assert client.post(url, {**data, "late_decision_reason": "Awaiting health"}).status_code == 302
    follow_up = EarlyHelpFollowUp.objects.get()
    # The follow-up list shows it, and it is overdue once its time has passed.
    follow_up.due_at = timezone.now() - dt.timedelta(days=1)
    follow_up.save()
    listing = client.get(reverse("contacts:follow_up_list")).content.decode()
    assert contact.reference in listing and "Overdue" in listing and "1 overdue" in listing
    assert contact.reference in client.get(reverse("contacts:follow_up_list"), {"state": "overdue"}).content.decode()
    response = client.post(
        reverse("contacts:follow_up_complete", args=[follow_up.pk]),
        {"action_taken": "no", "notes": "", "version": follow_up.version},
    )
    assert "Enter what happens next, as the agency took no action" in response.content.decode()
    client.post(
        reverse("contacts:follow_up_complete", args=[follow_up.pk]),
        {"action_taken": "no", "notes": "Re-referred", "version": follow_up.version},
    )
    follow_up.refresh_from_db()
    assert follow_up.action_taken is False and follow_up.completed_by == screener
    done = client.get(reverse("contacts:follow_up_list"), {"state": "done"}).content.decode()
    assert "No action by the agency" in done and "Done late" in done


def test_merge_and_reverse_through_the_pages(screener, personas, client_for):
    kept = ChildFactory(first_name="Jayden", last_name="Smith")
    duplicate = ChildFactory(first_name="Jaiden", last_name="Smyth", date_of_birth=kept.date_of_birth)
    contact = ContactFactory(child=duplicate)
    client = client_for(screener)
    choose = client.get(reverse("contacts:child_merge", args=[kept.pk])).content.decode()
    assert "Jaiden Smyth" in choose and "Likely duplicates" in choose
    confirm_url = reverse("contacts:child_merge", args=[kept.pk]) + f"?other={duplicate.pk}"
    confirm = client.get(confirm_url).content.decode()
    assert "Contacts: 1" in confirm
    html = client.post(confirm_url, {"other": duplicate.pk, "keep": str(kept.pk)}).content.decode()
    assert "Enter why these records are the same child" in html
    response = client.post(confirm_url, {"other": duplicate.pk, "keep": str(kept.pk), "reason": "Same boy"})
    assert response.status_code == 302 and response["Location"] == kept.get_absolute_url()
    contact.refresh_from_db()
    assert contact.child == kept
    merged_page = client.get(reverse("contacts:child_detail", args=[duplicate.pk])).content.decode()
    assert "This record was merged into" in merged_page
    merge = ChildMerge.objects.get()
    admin = client_for(personas["administrator"])
    detail = admin.get(reverse("contacts:merge_detail", args=[merge.pk])).content.decode()
    assert f"Child {duplicate.pk} merged into child {kept.pk}" in detail and "Contacts: 1" in detail
    assert "Jaiden" not in detail  # the administrator sees record numbers, not case content
    assert admin.post(reverse("contacts:merge_detail", args=[merge.pk]), {"reason": "Twins"}).status_code == 302
    duplicate.refresh_from_db()
    contact.refresh_from_db()
    assert duplicate.status == RecordStatus.ACTIVE and contact.child == duplicate


def test_every_view_of_a_child_or_contact_is_in_the_access_log(screener, personas, client_for):
    contact = ContactFactory()
    client = client_for(screener)
    child_type = ContentType.objects.get_for_model(Child)
    contact_type = ContentType.objects.get_for_model(Contact)

    def logged(content_type, obj, action="view"):
        return AccessLog.objects.filter(
            user=screener, content_type=content_type, object_id=str(obj.pk), action=action
        ).count()

    client.get(reverse("contacts:contact_detail", args=[contact.pk]))
    assert (logged(contact_type, contact), logged(child_type, contact.child)) == (1, 1)
    client.get(reverse("contacts:child_detail", args=[contact.child.pk]))
    assert logged(child_type, contact.child) == 2
    for name in ("threshold_assess", "contact_decide", "contact_edit", "mace_create"):
        client.get(reverse(f"contacts:{name}", args=[contact.pk]))
    assert logged(contact_type, contact) == 5
    client.get(reverse("contacts:child_search"), {"name": contact.child.first_name})
    assert logged(child_type, contact.child, action="search") == 1
    mace = MaceRequest.objects.create(
        contact=contact, question="Q", requested_by=screener, requested_at=timezone.now(), due_at=timezone.now()
    )
    client.get(reverse("contacts:mace_export", args=[mace.pk]))
    assert logged(child_type, contact.child, action="export") == 1
    # The auditor lists who viewed the child.
    audit_page = client_for(personas["auditor"]).get(
        reverse("core:audit"), {"object_type": child_type.pk, "object_id": contact.child.pk}
    )
    assert str(screener) in audit_page.content.decode()


def test_a_contact_entered_in_error_through_the_page(screener, client_for):
    contact = ContactFactory()
    client = client_for(screener)
    url = reverse("contacts:contact_entered_in_error", args=[contact.pk])
    response = client.post(url, {"reason": "", "version": contact.version})
    assert "Enter why this contact was entered in error" in response.content.decode()
    assert client.post(url, {"reason": "Hoax", "version": contact.version}).status_code == 302
    contact.refresh_from_db()
    assert contact.status == ContactStatus.ENTERED_IN_ERROR
    queue = client.get(reverse("contacts:queue")).content.decode()
    assert "marked as entered in error" in queue and f">{contact.reference}</a>" not in queue


def test_the_screening_page_shows_open_cases_from_other_apps(screener, client_for, involvement_provider):
    from contacts.hooks import Involvement

    contact = ContactFactory()

    @involvement_provider
    def cases(child_ids, *, user):
        return {child_id: [Involvement("CATE case CATE-00042", "Open", dt.date(2025, 9, 1))] for child_id in child_ids}

    page = client_for(screener).get(reverse("contacts:contact_detail", args=[contact.pk])).content.decode()
    assert "CATE case CATE-00042" in page and "since 1 September 2025" in page


def test_outcome_choices_are_the_three_of_the_design():
    assert [o.value for o in Outcome] == ["information_advice", "early_help", "cate_or_statutory"]


def test_correcting_a_contact_that_someone_else_changed_loses_nothing_typed(advisor, screener, client_for):
    contact = ContactFactory()
    url = reverse("contacts:contact_edit", args=[contact.pk])
    data = {
        **received_parts(contact.received_at),
        "channel": contact.channel,
        "source": contact.source,
        "referrer_name": "Designated safeguarding lead",
        "concern": "My corrected wording",
        "reason": "Typo",
        "version": contact.version,
    }
    services_assign = client_for(screener).post(
        reverse("contacts:contact_assign", args=[contact.pk]), {"version": contact.version}
    )
    assert services_assign.status_code == 302
    response = client_for(advisor).post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and "Someone else changed this record" in html
    assert "My corrected wording" in html
    contact.refresh_from_db()
    assert contact.concern != "My corrected wording"
    data["version"] = contact.version
    assert client_for(advisor).post(url, data).status_code == 302
    contact.refresh_from_db()
    assert contact.concern == "My corrected wording" and contact.history.latest().history_change_reason == "Typo"


def test_a_threshold_draft_keeps_what_was_chosen_and_completing_lists_every_gap_at_once(screener, client_for):
    contact = ContactFactory()
    client = client_for(screener)
    url = reverse("contacts:threshold_assess", args=[contact.pk])
    typed = {"coercion_level": "complex", "running_away_evidence": "Missing twice", "intent": "draft"}
    assert client.post(url, typed).status_code == 302
    assessment = ThresholdAssessment.objects.get()
    assert assessment.status == "draft" and assessment.factors["coercion"]["level"] == "complex"
    page = client.get(reverse("contacts:contact_detail", args=[contact.pk])).content.decode()
    assert "In progress" in page and f"Last changed by {screener.get_full_name()} on " in page

    page = client.get(url).content.decode()
    assert 'value="complex" checked' in page and "Missing twice" in page and "Last changed by" in page
    response = client.post(url, {**typed, "version": assessment.version, "intent": "finalise"})
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error:" in page
    summary = page.split("govuk-error-summary__list", 1)[1].split("</ul>", 1)[0]
    assert summary.count("<li>") == 11  # nine levels, the evidence of coercion and the overall level
    assert "Enter the evidence for coercion/control" in summary and "Choose the overall threshold level" in summary
    assert "Choose a level for running away/going missing" in summary
    assert "Missing twice" in page  # nothing typed is lost
    assessment.refresh_from_db()
    assert assessment.status == "draft"

"""The front door in a real browser: an anonymous referral reaches the queue, the screener
identifies the child, assesses the threshold, asks the police (MACE), the police answer, and the
screener refers the child to CATE. axe-core checks every page on the way."""

import re

import pytest
from playwright.sync_api import expect

from contacts.models import Contact

from .conftest import axe_check, sign_in

CONCERN = "She gets into a silver car with much older men at the bus station and comes back with new phones."
POLICE_INFORMATION = "Reported missing twice this year; found with older males both times."


@pytest.fixture
def quick_form(settings):
    # People take longer than this to fill in the form; the browser types it in under a second.
    settings.ANONYMOUS_FORM_MIN_SECONDS = 1


def test_anonymous_referral_to_decision(browser, live_server, demo_users, quick_form):
    password = demo_users["password"]

    def new_page():
        context = browser.new_context(
            base_url=live_server.url, bypass_csp=True, locale="en-GB", timezone_id="Europe/London"
        )
        context.set_default_timeout(15_000)
        return context.new_page()

    # 1. A member of the public tells Family Connect about a child, without signing in.
    public = new_page()
    public.goto("/front-door/report-a-concern/")
    expect(public.get_by_role("heading", level=1)).to_have_text("Tell us about a child you are worried about")
    axe_check(public)
    public.get_by_role("button", name="Send report").click()
    expect(public).to_have_title(re.compile(r"^Error: "))
    expect(public.locator(".govuk-error-summary")).to_contain_text("Enter what you are worried about")
    axe_check(public)
    public.get_by_label("The child's name or nickname").fill("Kayla")
    public.get_by_label("How old are they?").fill("about 14")
    public.get_by_label("Where are they seen?").fill("Bus station, evenings")
    public.get_by_label("What are you worried about?").fill(CONCERN)
    public.wait_for_timeout(1100)
    public.get_by_role("button", name="Send report").click()
    expect(public.get_by_role("heading", level=1)).to_have_text("Report sent")
    axe_check(public)
    reference = public.locator(".govuk-panel__body strong").inner_text()
    assert re.fullmatch(r"FC-[0-9A-Z]{4}-[0-9A-Z]{4}", reference)
    expect(public.locator("main")).to_contain_text("What happens next")
    public.context.close()

    # 2. The screener finds it in the queue and takes it.
    screener = new_page()
    sign_in(screener, "screener", password)
    screener.goto("/front-door/")
    axe_check(screener)
    screener.get_by_role("link", name="Screening queue").click()
    expect(screener.get_by_role("heading", level=1)).to_have_text("Screening queue")
    row = screener.locator("tr", has_text=reference)
    expect(row).to_contain_text("Kayla")
    axe_check(screener)
    row.get_by_role("button", name=re.compile("Assign to me")).click()
    expect(screener.locator(".govuk-notification-banner")).to_contain_text("is assigned to you")
    screener.get_by_role("link", name=reference).click()
    expect(screener.get_by_role("heading", level=1)).to_have_text(reference)
    expect(screener.locator("main")).to_contain_text(CONCERN)
    axe_check(screener)

    # 3. The child is not in the index yet: the screener adds her, and she is linked to the contact.
    screener.get_by_role("link", name="Identify the child").click()
    expect(screener.get_by_role("heading", level=1)).to_have_text("Identify the child")
    expect(screener.get_by_label("Name", exact=True)).to_have_value("Kayla")
    axe_check(screener)
    screener.get_by_role("link", name="The child is not in the index: add them").click()
    expect(screener.get_by_role("heading", level=1)).to_have_text("Add a child to the index")
    axe_check(screener)
    screener.get_by_label("First name").fill("Kayla")
    screener.get_by_label("Last name").fill("Demotest")
    dob = screener.get_by_role("group", name="Date of birth")
    dob.get_by_label("Day").fill("14")
    dob.get_by_label("Month").fill("3")
    dob.get_by_label("Year").fill("2011")
    screener.get_by_role("radio", name="Female").check()
    screener.get_by_role("button", name="Add the child").click()
    expect(screener.get_by_role("heading", level=1)).to_have_text(reference)
    expect(screener.locator("main")).to_contain_text("Kayla Demotest")

    # 4. Threshold assessment: ten factors and the overall level.
    screener.get_by_role("link", name="Threshold assessment").click()
    expect(screener.get_by_role("heading", level=1)).to_have_text("Threshold assessment")
    axe_check(screener)
    for code in (
        "running_away",
        "risky_contacts",
        "substance_misuse",
        "education",
        "social_media",
        "health",
        "accommodation",
        "offending",
        "isolation",
    ):
        screener.check(f"#id_{code}_level_0")
    screener.check("#id_coercion_level_3")  # Complex
    screener.get_by_label("Evidence: coercion/control").fill("Older men give her phones and money.")
    screener.get_by_role("radio", name="Acute").last.check()
    screener.get_by_role("button", name="Complete the assessment").click()
    expect(screener).to_have_title(re.compile(r"^Error: "))
    expect(screener.locator(".govuk-error-summary")).to_contain_text("Explain why the overall level differs")
    axe_check(screener)
    screener.get_by_label("Why the overall level differs from the highest factor level").fill(
        "Several risks together and she is 13."
    )
    screener.get_by_role("button", name="Complete the assessment").click()
    expect(screener.locator(".govuk-notification-banner")).to_contain_text("Threshold assessment saved")

    # 5. MACE: the screener asks the police.
    screener.get_by_role("link", name="Ask other agencies (MACE)").click()
    expect(screener.get_by_role("heading", level=1)).to_contain_text("Ask other agencies about Kayla Demotest")
    axe_check(screener)
    screener.get_by_role("checkbox", name="Police").check()
    screener.get_by_label("What are you asking?").fill("Any missing reports or intelligence on Kayla?")
    screener.get_by_role("button", name="Send the enquiry").click()
    expect(screener.locator(".govuk-notification-banner")).to_contain_text("Enquiry sent")
    axe_check(screener)
    mace_url = screener.url

    # 6. The police practitioner answers, seeing only the question and the child's identity.
    officer = new_page()
    sign_in(officer, "police", password)
    officer.goto("/front-door/")
    expect(officer.locator("main")).to_contain_text("1 open enquiry")
    axe_check(officer)
    officer.get_by_role("link", name="Enquiries sent to your agency").click()
    axe_check(officer)
    officer.get_by_role("link", name=re.compile(r"^Enquiry \d+$")).click()
    expect(officer.get_by_role("heading", level=1)).to_have_text("Kayla Demotest")
    expect(officer.locator("main")).not_to_contain_text(CONCERN)
    axe_check(officer)
    officer.get_by_label("What your agency knows").fill(POLICE_INFORMATION)
    officer.get_by_role("button", name="Add the information").click()
    expect(officer.locator(".govuk-notification-banner")).to_contain_text("information has been added")
    expect(officer.locator("main")).to_contain_text(POLICE_INFORMATION)
    axe_check(officer)
    officer.context.close()

    # 7. The screener reads the answer and refers Kayla to CATE.
    screener.goto(mace_url)
    expect(screener.locator("main")).to_contain_text(POLICE_INFORMATION)
    axe_check(screener)
    screener.get_by_role("link", name=f"Contact {reference}").click()
    screener.get_by_role("link", name="Decide the outcome").click()
    expect(screener.get_by_role("heading", level=1)).to_have_text("Decide the outcome")
    axe_check(screener)
    screener.get_by_role("radio", name="Referred to CATE and/or statutory safeguarding").check()
    screener.get_by_role("checkbox", name="CATE").check()
    screener.get_by_label("What was given, or the reasons for the outcome").fill("Significant risk of CSE.")
    screener.get_by_role("button", name="Record the decision").click()
    expect(screener.locator(".govuk-notification-banner")).to_contain_text("Decision recorded")
    expect(screener.locator("main")).to_contain_text("Referred to CATE and/or statutory safeguarding")
    axe_check(screener)
    contact = Contact.objects.get(reference=reference)
    assert (contact.status, contact.refer_to_cate, contact.child.last_name) == ("decided", True, "Demotest")
    screener.context.close()


def test_every_other_front_door_page_passes_axe(browser, live_server, demo_users):
    """The pages the journey does not pass through, with the demo data in them."""
    import io

    from contacts import services
    from contacts.demo import seed_demo
    from contacts.models import Child, ChildMerge, EarlyHelpFollowUp
    from core.models import User

    seed_demo(io.StringIO())
    screener = User.objects.get(username="screener")
    alpha = Child.objects.get(legacy_key="demo-child-alpha")
    bravo = Child.objects.get(legacy_key="demo-child-bravo")
    duplicate = services.child_create(
        actor=screener,
        data={"first_name": "Alfa", "last_name": "Demochild", "date_of_birth": alpha.date_of_birth},
        confirmed_not_duplicate=True,
    )
    follow_up = EarlyHelpFollowUp.objects.filter(completed_at__isnull=True).first()
    contact = Contact.objects.get(legacy_key="demo-contact-overdue")
    context = browser.new_context(
        base_url=live_server.url, bypass_csp=True, locale="en-GB", timezone_id="Europe/London"
    )
    page = context.new_page()
    sign_in(page, "screener", demo_users["password"])
    pages = [
        ("/front-door/contacts/", "Contacts"),
        ("/front-door/contacts/?text=Demochild&status=decided", "Contacts"),
        ("/front-door/contacts/new/", "Record a contact"),
        (f"/front-door/contacts/new/?child={bravo.pk}", "Record a contact"),
        (f"/front-door/contacts/{contact.pk}/", contact.reference),
        (f"/front-door/contacts/{contact.pk}/edit/", f"Correct contact {contact.reference}"),
        (f"/front-door/contacts/{contact.pk}/entered-in-error/", "Mark as entered in error"),
        ("/front-door/follow-ups/", "Early-help follow-ups"),
        ("/front-door/follow-ups/?state=done", "Early-help follow-ups"),
        (f"/front-door/follow-ups/{follow_up.pk}/", "Follow up the early-help referral"),
        ("/front-door/children/?name=Alfa+Demochild", "Find a child"),
        (f"/front-door/children/{alpha.pk}/", "Alpha Demochild"),
        (f"/front-door/children/{alpha.pk}/edit/", "Change Alpha Demochild's record"),
        (f"/front-door/children/{alpha.pk}/merge/", "Merge with a duplicate record"),
        (f"/front-door/children/{alpha.pk}/merge/?other={duplicate.pk}", "Merge two child records"),
        ("/front-door/enquiries/", "Multi-agency child enquiries"),
        ("/front-door/merges/", "Merged child records"),
    ]
    for url, heading in pages:
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        axe_check(page)
    # Error states: the duplicate warning and a form with every error.
    page.goto("/front-door/children/new/")
    page.get_by_label("First name").fill("Alpha")
    page.get_by_label("Last name").fill("Demochild")
    page.get_by_role("button", name="Add the child").click()
    expect(page.locator("main")).to_contain_text("This child may already be in the index")
    axe_check(page)
    page.goto("/front-door/contacts/new/")
    page.get_by_role("button", name="Record the contact").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe_check(page)
    # The merge itself, then the administrator's view of it.
    page.goto(f"/front-door/children/{alpha.pk}/merge/?other={duplicate.pk}")
    page.get_by_role("radio", name=re.compile("Keep Alpha Demochild")).check()
    page.get_by_label("Why are these records the same child?").fill("Same girl, name misspelt")
    page.get_by_role("button", name="Merge the records").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Records merged")
    axe_check(page)
    context.close()
    admin_context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    admin = admin_context.new_page()
    sign_in(admin, "admin", demo_users["password"])
    merge = ChildMerge.objects.get()
    admin.goto("/front-door/merges/")
    axe_check(admin)
    admin.goto(f"/front-door/merges/{merge.pk}/")
    expect(admin.get_by_role("heading", level=1)).to_have_text(f"Merge {merge.pk}")
    axe_check(admin)
    admin.get_by_role("button", name="Reverse the merge").click()
    expect(admin).to_have_title(re.compile(r"^Error: "))
    axe_check(admin)
    admin.get_by_label("Why is the merge being reversed?").fill("Two different girls")
    admin.get_by_role("button", name="Reverse the merge").click()
    expect(admin.locator("main")).to_contain_text("Reversed")
    axe_check(admin)
    admin_context.close()

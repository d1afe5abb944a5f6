"""A CATE referral in a browser: the assessment's author sees what the front door knew (the
threshold factors and levels, the decision and its reasons, every agency's answers to the enquiry)
and follows the links to the contact and the child; another worker gets 404. Axe on every page."""

from playwright.sync_api import expect

from .conftest import axe_check, sign_in
from .test_cate import sign_out

POLICE_ANSWER = "Stopped in a taxi with two adults at 2am on Saturday"
HEALTH_ANSWER = "Missed three sexual health clinic appointments"
REASONS = "Going missing and coercion by older males: refer to CATE"


def referred_contact():
    """A contact screened at the front door and referred to CATE; the team leader has asked CATE
    worker 1 to write the detailed assessment."""
    from cate import services as cate_services
    from contacts import services as contact_services
    from contacts.choices import FactorLevel, Outcome, ThresholdLevel
    from core.models import Agency, User
    from tests.factories import ChildFactory, ContactFactory, ThresholdAssessmentFactory, factor_levels

    users = {name: User.objects.get(username=name) for name in ("screener", "police", "health", "teamleader")}
    contact = ContactFactory(child=ChildFactory(first_name="Referred", last_name="Example"))
    ThresholdAssessmentFactory(
        contact=contact,
        assessed_by=users["screener"],
        factors=factor_levels(running_away=FactorLevel.ACUTE, coercion=FactorLevel.COMPLEX),
        overall_level=ThresholdLevel.ACUTE,
    )
    mace = contact_services.mace_request_send(
        contact=contact,
        actor=users["screener"],
        agencies=Agency.objects.filter(name__in=["Police", "Health"]),
        question="What do you know of this young person?",
    )
    contact_services.mace_entry_add(request=mace, actor=users["police"], information=POLICE_ANSWER)
    contact_services.mace_entry_add(request=mace, actor=users["health"], information=HEALTH_ANSWER)
    contact = contact_services.contact_decide(
        contact=contact, actor=users["screener"], outcome=Outcome.CATE_OR_STATUTORY, refer_to_cate=True,
        outcome_detail=REASONS,
    )  # fmt: skip
    cate_services.assessment_start(
        referral=contact.cate_referrals.get(),
        assessment_type="cate",
        author=User.objects.get(username="cateworker1"),
        actor=users["teamleader"],
    )
    return contact


def test_the_assessments_author_sees_what_the_front_door_knew_and_opens_the_contact_and_child(page, demo_users):
    contact = referred_contact()
    password = demo_users["password"]

    sign_in(page, "cateworker1", password)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="CATE cases").click()
    page.get_by_role("link", name="Detailed assessments you are writing").click()
    axe_check(page)
    page.get_by_role("link", name="Referred Example").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referred Example")
    main = page.locator("main")
    expect(main.get_by_role("heading", name="What the front door knew")).to_be_visible()
    factors = main.get_by_role("table", name="The ten factors")
    expect(factors.get_by_role("row", name="Running away/going missing")).to_contain_text("Acute")
    expect(factors.get_by_role("row", name="Coercion/control")).to_contain_text("Complex")
    expect(main).to_contain_text(REASONS)
    expect(main).to_contain_text(POLICE_ANSWER)
    expect(main).to_contain_text(HEALTH_ANSWER)
    axe_check(page)
    referral_url = page.url

    page.get_by_role("link", name="Update the assessment").click()
    expect(page.locator("main")).to_contain_text(POLICE_ANSWER)
    axe_check(page)

    page.goto(referral_url)
    page.get_by_role("link", name=contact.reference).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(contact.reference)
    expect(page.locator("main")).to_contain_text(HEALTH_ANSWER)
    expect(page.get_by_role("link", name="Correct the contact's details")).to_have_count(0)
    axe_check(page)
    contact_url = page.url

    page.goto(referral_url)
    page.get_by_role("link", name="Referred Example's record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referred Example")
    expect(page.locator("main")).to_contain_text(contact.reference)
    axe_check(page)
    child_url = page.url
    sign_out(page)

    # A worker not on the referral is told neither exists.
    sign_in(page, "cateworker2", password)
    for url in (referral_url, contact_url, child_url):
        response = page.goto(url)
        assert response is not None and response.status == 404, url
    axe_check(page)

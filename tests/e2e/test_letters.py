"""In a browser: the GP letter page a worker prints, and the settings' change history, with axe."""

from django.urls import reverse
from playwright.sync_api import expect

from .conftest import axe_check, sign_in


def test_the_gp_letter_page_is_a_letter_fit_to_send(page, demo_users, settings):
    from cate import services
    from cate.choices import GpLetterTrigger
    from contacts.models import GpPractice
    from core.models import User
    from tests.factories import allocated_case

    settings.LETTERHEAD_NAME = "Exampleshire Council"
    settings.LETTERHEAD_ADDRESS = "Civic Centre|Exampletown|EX1 2AB"
    settings.LETTERHEAD_LOGO = "letterhead/example-logo.png"
    leader, worker = User.objects.get(username="teamleader"), User.objects.get(username="cateworker1")
    worker.phone = "01234 567890"
    worker.save()
    case = allocated_case(leader, worker)
    child = case.child
    child.registered_practice = GpPractice.objects.create(
        code="Z99001", name="Riverside Medical Practice", address_line_1="Mill Lane", postcode="EX2 3CD"
    )
    child.nhs_number = "9434765919"
    child.save()
    letter = services.gp_letter_create(case=case, trigger=GpLetterTrigger.PANEL, actor=leader)

    sign_in(page, "cateworker1", demo_users["password"])
    page.goto(reverse("cate:gp_letter_detail", args=[case.pk, letter.pk]))
    letter_text = page.locator(".app-letter")
    for text in ("Exampleshire Council", "Riverside Medical Practice", "EX2 3CD", "NHS number: 943 476 5919"):
        expect(letter_text).to_contain_text(text)
    expect(letter_text).to_contain_text("Telephone: 01234 567890")
    logo = page.get_by_role("img", name="Exampleshire Council")
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.naturalWidth") > 0  # the logo is served
    axe_check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the letter as a PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")


def test_the_settings_show_their_change_history(page, demo_users):
    sign_in(page, "manager", demo_users["password"])
    page.goto(reverse("core:setting_edit", args=["caseload_limit"]))
    expect(page.locator("main")).to_contain_text("This setting has not been changed")
    page.get_by_label("Value").fill("9")
    page.locator("#id_reason").fill("Smaller caseloads from April")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    changes = page.get_by_role("table", name="Latest changes")
    expect(changes).to_contain_text("Caseload limit per worker (open cases)")
    expect(changes).to_contain_text("Smaller caseloads from April")
    expect(changes).to_contain_text("Group manager")
    axe_check(page)
    page.get_by_role("link", name="Every change to the settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Changes to the settings")
    axe_check(page)
    page.goto(reverse("core:setting_edit", args=["caseload_limit"]))
    expect(page.get_by_role("table", name="Latest changes to this setting")).to_contain_text("9")
    axe_check(page)

"""Two-factor set-up by e-mailed link, in a browser: with two-factor sign-in required, a CATE worker
who has no authenticator signs in with their password and is offered only a set-up link (a password
alone sets up nothing). They open the link e-mailed to their work address, set up the app, keep
their recovery codes, then on Your account see their app and sign-ins and get new recovery codes.
The used link no longer works. axe-core checks every page on the way."""

import re
from urllib.parse import urlsplit

from django.core import mail
from django_otp.oath import totp
from playwright.sync_api import expect

from .conftest import axe_check, sign_in


def code(device, steps_ahead: int = 0) -> str:
    """The app's code now (or `steps_ahead` time steps on, within the device's tolerance)."""
    return (
        f"{totp(device.bin_key, step=device.step, t0=device.t0 - steps_ahead * device.step, digits=device.digits):06d}"
    )


def test_set_up_two_factor_sign_in_by_link_then_the_account_page(page, demo_users, settings):
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.OTP_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    mail.outbox.clear()

    sign_in(page, "cateworker1", demo_users["password"])
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.locator("main")).not_to_contain_text("Setup key")
    assert page.locator("main svg").count() == 0
    axe_check(page)
    # Nothing else is open before the second factor.
    page.goto("/cate/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")

    # A wrong administrator's code: an error, nothing set up.
    page.get_by_label("Set-up code from your administrator").fill("AAAA-BBBB-CCCC")
    page.get_by_role("button", name="Use the code").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    axe_check(page)

    page.get_by_role("button", name="E-mail me a set-up link").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("We have e-mailed a set-up link to c")
    axe_check(page)
    assert [m.to for m in mail.outbox] == [["cateworker1@cate-demo.invalid"]]
    link = urlsplit(re.search(r"http\S+/set-up-authenticator/\S+/", mail.outbox[0].body).group(0)).path

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-factor sign-in")
    expect(page.locator("main")).to_contain_text("Setup key")
    axe_check(page)
    device = TOTPDevice.objects.get(user__username="cateworker1", confirmed=False)
    page.get_by_label("Security code").fill("12")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe_check(page)
    page.get_by_label("Security code").fill(code(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    axe_check(page)
    first_codes = set(StaticDevice.objects.get(user__username="cateworker1").token_set.values_list("token", flat=True))
    page.get_by_role("link", name="I have saved my recovery codes").click()

    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.locator("main")).to_contain_text("Recovery codes left")
    expect(page.locator("main table")).to_contain_text("127.0.0.1")
    axe_check(page)
    page.get_by_label("Security code").fill("000000" if code(device, 1) != "000000" else "111111")
    page.get_by_role("button", name="Get new recovery codes").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    axe_check(page)
    page.get_by_label("Security code").fill(code(device, 1))
    page.get_by_role("button", name="Get new recovery codes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    new_codes = set(StaticDevice.objects.get(user__username="cateworker1").token_set.values_list("token", flat=True))
    assert new_codes and not new_codes & first_codes
    for token in new_codes:
        expect(page.locator("main")).to_contain_text(token)

    # The link was used: it no longer works.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    axe_check(page)


def test_the_administrator_resets_a_password_and_its_owner_sets_a_new_one(browser, live_server, demo_users):
    """The administrator finds no password field and forces a reset from the accounts list; the
    person sets their own through the e-mailed link, which then stops working."""
    from core.models import User

    mail.outbox.clear()
    admin_context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    admin = admin_context.new_page()
    sign_in(admin, "admin", demo_users["password"])
    worker = User.objects.get(username="cateworker2")
    admin.goto(f"/admin/core/user/{worker.pk}/change/")
    expect(admin.locator("#content-main")).to_contain_text("Organisation")
    assert admin.locator("input[type=password]").count() == 0
    assert admin.goto(f"/admin/core/user/{worker.pk}/password/").status == 403
    admin.goto("/admin/core/user/?q=cateworker2")
    admin.locator(f"input[name=_selected_action][value='{worker.pk}']").check()
    admin.locator("select[name=action]").select_option("reset_password")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist")).to_contain_text("password reset; link e-mailed")
    admin_context.close()

    message = next(m for m in mail.outbox if m.to == ["cateworker2@cate-demo.invalid"] and "password" in m.subject)
    link = urlsplit(re.search(r"http\S+/sign-in/password/\S+/", message.body).group(0)).path
    person = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="en-GB").new_page()
    sign_in(person, "cateworker2", demo_users["password"])  # the old password no longer works
    expect(person.locator(".govuk-error-summary")).to_contain_text("Enter a correct username and password")
    person.goto(link)
    expect(person.get_by_role("heading", level=1)).to_have_text("Set your password")
    axe_check(person)
    person.get_by_label("New password", exact=True).fill("short")
    person.get_by_label("Confirm the new password").fill("short")
    person.get_by_role("button", name="Set my password").click()
    expect(person).to_have_title(re.compile(r"^Error: "))
    axe_check(person)
    person.get_by_label("New password", exact=True).fill("a brand new passphrase 2026")
    person.get_by_label("Confirm the new password").fill("a brand new passphrase 2026")
    person.get_by_role("button", name="Set my password").click()
    expect(person.locator(".govuk-notification-banner")).to_contain_text("Your password is set")
    axe_check(person)
    sign_in(person, "cateworker2", "a brand new passphrase 2026")
    expect(person.get_by_role("link", name="Your account")).to_be_visible()
    person.goto(link)
    expect(person.get_by_role("heading", level=1)).to_have_text("This link does not work")
    axe_check(person)
    person.context.close()

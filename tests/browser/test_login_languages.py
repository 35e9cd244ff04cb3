"""A new user's first visit in a real browser: log in, set up two-factor login (the QR code page; the code is
computed from the key shown, as an authenticator app would), keep the recovery codes, change the one-time
password, switch to Tibetan, log out; then log in again with password and code."""

import base64
import re
import time

import pytest
from django_otp.oath import totp

pytestmark = pytest.mark.browser

TIBETAN = re.compile("[\u0f00-\u0fff]")
NEW_PASSWORD = "Lhasa-Chengguan-2024"


def test_login_switch_to_tibetan_and_logout(server, page, shot):
    url = server["url"]
    page.goto(url + "/")
    assert page.url.startswith(url + "/login/")
    assert "禁毒" in page.title()
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    shot(page, "login-zh")

    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", server["passwords"]["officer"])
    page.click("#login-button")
    # First login: the password alone reaches only the two-factor set-up, with a QR code drawn by the server.
    assert "/core/2fa/setup/" in page.url
    for _ in range(50):  # (wait_for_function evaluates a string: the Content-Security-Policy forbids that)
        if page.evaluate("document.getElementById('otp-qr').complete"):
            break
        time.sleep(0.1)
    assert page.evaluate("document.getElementById('otp-qr').naturalWidth") > 100  # the QR code was drawn
    shot(page, "otp-setup-zh")
    secret = page.locator("#otp-secret").text_content().replace(" ", "")
    server["otp_key"] = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("input[name=token]", code(server["otp_key"]))
    page.click("#otp-button")
    assert "/core/2fa/recovery-codes/" in page.url
    assert page.locator("#recovery-codes li").count() == 10
    page.click("#continue-button")
    # The one-time password must be changed before anything else.
    assert page.url.endswith("/password/")
    page.fill("input[name=old_password]", server["passwords"]["officer"])
    page.fill("input[name=new_password1]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    page.click("#save-button")
    page.wait_for_url(url + "/")
    assert "禁毒" in page.title()
    shot(page, "home-zh")

    page.click("button[data-language=bo]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "bo"
    logout_label = page.locator("#logout-button").text_content().strip()
    assert TIBETAN.search(logout_label), logout_label
    assert TIBETAN.search(page.locator(".page-title").first.text_content())
    shot(page, "home-bo")

    # The choice is remembered: a new page load stays Tibetan.
    page.goto(url + "/core/regions/")
    assert page.locator("html").get_attribute("lang") == "bo"
    assert page.get_by_text("ལྷ་ས་གྲོང་ཁྱེར").count() >= 1
    shot(page, "regions-bo")

    page.locator(".dropdown-toggle").first.click()
    page.click("#logout-button")
    page.wait_for_url(re.compile(r".*/login/.*"))
    page.goto(url + "/")
    assert "/login/" in page.url

    # The next login asks for the password, then for a code from the app.
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", NEW_PASSWORD)
    page.click("#login-button")
    assert "/core/2fa/verify/" in page.url
    time.sleep(max(0.0, 30.5 - time.time() % 30))  # a code works once: wait for the app's next code
    page.fill("input[name=token]", code(server["otp_key"]))
    page.click("#otp-button")
    page.wait_for_url(url + "/")
    assert page.console_errors == [], page.console_errors


def code(key):
    return str(totp(key)).zfill(6)


def test_pages_fit_a_phone(server, browser, shot):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(server["url"] + "/login/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width
    shot(page, "login-phone")
    context.close()

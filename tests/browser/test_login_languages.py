"""A new user's first visit in a real browser: log in, change the one-time password, switch to Tibetan, log out."""

import re

import pytest

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
    assert page.console_errors == [], page.console_errors


def test_pages_fit_a_phone(server, browser, shot):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(server["url"] + "/login/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width
    shot(page, "login-phone")
    context.close()

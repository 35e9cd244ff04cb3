"""A participant on a phone, in a real browser: sign in with an SMS code, give a profile, take the practice
quiz in Chinese, switch to Tibetan, submit, see the result. Headless Debian Chromium; screenshots in
test-results/ (quiz-*.png). The server is gunicorn with two workers and no Redis, as `make run` starts it:
sign-in codes and open attempts must work across processes."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

BIN = Path(sys.executable).parent
SCREENSHOTS = Path(__file__).resolve().parents[4] / "test-results"
TIBETAN = re.compile("[\u0f00-\u0fff]")
SETUP = """
from jindu.core.services import load_reference_data
from jindu.outreach.quiz import demo
load_reference_data()
categories = demo._categories()
demo._questions(categories)
demo._practice_quiz(categories)
"""


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def quiz_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("jindu-quiz-server")
    env = {**os.environ, "JINDU_DATA_DIR": str(data), "DATABASE_URL": "sqlite:///{}".format(data / "jindu.sqlite3"),
           "JINDU_TESTING": "0", "JINDU_QUIZ_SMS_BACKEND": "jindu.outreach.quiz.sms.ConsoleBackend",
           "JINDU_LOG_LEVEL": "WARNING"}
    env.pop("PYTEST_CURRENT_TEST", None)
    env.pop("REDIS_URL", None)
    jindu = str(BIN / "jindu")
    subprocess.run([jindu, "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([jindu, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([jindu, "shell", "-c", SETUP], env=env, check=True)
    port = _free_port()
    log = data / "server.log"
    with open(log, "wb") as handle:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "jindu.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            env=env, stdout=subprocess.DEVNULL, stderr=handle)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("server did not start: " + log.read_text()[-2000:])
    yield {"url": url, "log": log}
    process.terminate()
    process.wait(timeout=60)  # a loaded machine (shared cores) stops gunicorn slowly


@pytest.fixture(scope="module")
def phone(quiz_server, chromium):
    """A phone-sized page of the one Chromium of this test process (common/testing/fixtures.py)."""
    context = chromium.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2, locale="zh-CN")
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.assets = []
    page.on("response", lambda r: r.request.resource_type in ("script", "stylesheet")
            and page.assets.append((r.url, len(r.body()))))
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    context.close()


def shot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"quiz-{name}.png"), full_page=True)


def fits(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def sms_code(log, phone_number):
    for _ in range(50):
        found = re.findall(rf"SMS to {phone_number}: .*?(\d{{6}})", log.read_text())
        if found:
            return found[-1]
        time.sleep(0.1)
    raise AssertionError("no SMS in the server log")


def test_a_participant_on_a_phone(quiz_server, phone):
    url = quiz_server["url"]
    page = phone
    page.goto(url + "/quiz/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    total = sum(size for _url, size in page.assets)
    assert total < 100 * 1024 and not any("tabler" in u or "htmx" in u for u, _s in page.assets), page.assets
    shot(page, "index-zh")
    page.click("text=禁毒知识天天练")
    page.click("#sign-in")
    page.fill("input[name=phone]", "139 0891 7777")
    page.click("#send-code")
    page.fill("input[name=code]", sms_code(quiz_server["log"], "13908917777"))
    shot(page, "code-zh")
    page.click("#verify")
    assert "/quiz/profile/" in page.url
    page.fill("input[name=nickname]", "格桑花")
    page.select_option("select[name=region]", "540102")  # reloads with the county's schools
    page.wait_for_load_state()
    assert page.input_value("input[name=nickname]") == "格桑花"
    shot(page, "profile-zh")
    page.click("#save-profile")
    page.click("#start")
    assert "/quiz/a/" in page.url
    assert page.locator("fieldset.question").count() == 5
    assert fits(page)
    shot(page, "questions-zh")

    page.click("button[data-language=bo]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "bo"
    title = page.locator("h1").text_content()
    assert TIBETAN.search(title), title
    page.wait_for_function("document.fonts.status === 'loaded'")
    assert page.evaluate("document.fonts.check('18px \"Noto Serif Tibetan\"', 'ཀ')")
    assert fits(page)
    shot(page, "questions-bo")

    for index in range(5):
        page.locator(f"fieldset.question >> nth={index}").locator("label.option").first.click()
    time.sleep(8)  # a person reads the questions: 5 x 1.5 s is the plausible minimum
    page.click("#submit")
    page.wait_for_url(re.compile(r".*/result/$"))
    assert page.locator("#score").count() == 1
    assert page.locator(".question").count() == 5 and page.locator(".option.right").count() >= 5
    assert fits(page)
    shot(page, "result-bo")
    page.click("button[data-language=zh-hans]")
    page.wait_for_load_state()
    shot(page, "result-zh")
    assert page.console_errors == [], page.console_errors

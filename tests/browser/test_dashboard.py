"""The dashboard in a real browser, on the demo scenario: the cards, the map of the prefectures, the bars, the
trend and the open-alerts panel are drawn with no console error, on a small laptop and on a phone; a card
opens the list of the records it counts.

Its own server (gunicorn, own SQLite file) with ``jindu demo`` loaded, and second-factor login off, since
the login itself is what test_login_languages drives."""

import os
import re
import subprocess
import time
import urllib.request

import pytest

from .conftest import BIN, _free_port

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Lhasa-Dashboard-2024"
VIEWPORTS = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 375, "height": 740}}


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    data = tmp_path_factory.mktemp("jindu-dashboard")
    env = {**os.environ, "JINDU_DATA_DIR": str(data), "DATABASE_URL": "sqlite:///{}".format(data / "jindu.sqlite3"),
           "JINDU_TESTING": "0", "JINDU_2FA_REQUIRED": "0"}  # fmt: skip
    env.pop("PYTEST_CURRENT_TEST", None)
    jindu = str(BIN / "jindu")
    subprocess.run([jindu, "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([jindu, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    out = subprocess.run([jindu, "bootstrap"], env=env, check=True, capture_output=True, text=True).stdout
    passwords = dict(re.findall(r"^\s+(\w+)\s+(\S+)\s", out, flags=re.MULTILINE))
    subprocess.run([jindu, "demo"], env=env, check=True, capture_output=True)
    port = _free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "jindu.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("server did not start: " + process.stderr.read().decode()[-2000:])
    yield {"url": url, "password": passwords["officer"]}
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def officer_state(demo_server, browser, tmp_path_factory):
    """Log the officer in once (changing the one-time password) and keep the session for every viewport."""
    context = browser.new_context(viewport=VIEWPORTS["laptop"])
    page = context.new_page()
    url = demo_server["url"]
    page.goto(url + "/login/")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", demo_server["password"])
    page.click("#login-button")
    page.wait_for_url(re.compile(r".*/password/.*"))
    page.fill("input[name=old_password]", demo_server["password"])
    page.fill("input[name=new_password1]", NEW_PASSWORD)
    page.fill("input[name=new_password2]", NEW_PASSWORD)
    page.click("#save-button")
    page.wait_for_url(url + "/")
    path = str(tmp_path_factory.mktemp("state") / "officer.json")
    context.storage_state(path=path)
    context.close()
    return path


@pytest.mark.parametrize("device", ["laptop", "phone"])
def test_dashboard_draws_its_charts_without_errors(demo_server, officer_state, browser, shot, device):
    context = browser.new_context(viewport=VIEWPORTS[device], is_mobile=device == "phone",
                                  storage_state=officer_state, locale="zh-CN")  # fmt: skip
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(f"{error}: {error.stack}"))
    page.goto(demo_server["url"] + "/")
    page.wait_for_selector("#dashboard[data-ready=true]", timeout=30000)
    # The demo opens on its half year.
    assert "2024-01-01" in page.locator(".page-pretitle").first.text_content()
    assert page.locator("#dashboard-cards .figure-card").count() == 14
    assert page.locator("#dashboard-cards a.card-link").count() == 14  # every figure drills down
    cases = page.locator("#dashboard-cards [data-figure='cases.total'] .figure-value").first.text_content()
    assert cases.strip().startswith("12"), cases
    for chart in ("#chart-map", "#chart-bars", "#chart-trend"):  # ECharts drew on a canvas of real size
        box = page.locator(chart + " canvas").first.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 100, (chart, box)
    assert page.locator("#dashboard-alerts a, #dashboard-alerts .list-group-item").count() >= 1
    if device == "phone":
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS["phone"]["width"], width
    shot(page, f"dashboard-{device}")
    assert errors == [], errors

    # A card opens the list of the records it counts: 12 cases of the half year.
    page.locator("#dashboard-cards .figure-card[data-figure='cases.total']").click()
    page.wait_for_url(re.compile(r".*/cases/cases/\?.*date_from=2024-01-01.*"))
    assert re.search(r"\b12\b", page.locator("body").text_content())
    context.close()

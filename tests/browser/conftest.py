"""A real Jindu server (gunicorn, its own SQLite database) and Debian's Chromium driven by Playwright.

The server is set up as a new user would: migrate, collectstatic, bootstrap (which prints the
one-time passwords the test then reads), gunicorn. No browser is downloaded: Playwright drives
/usr/bin/chromium.
"""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("jindu-server")
    env = {**os.environ, "JINDU_DATA_DIR": str(data), "DATABASE_URL": "sqlite:///{}".format(data / "jindu.sqlite3"),
           "JINDU_TESTING": "0"}
    env.pop("PYTEST_CURRENT_TEST", None)
    jindu = str(BIN / "jindu")
    subprocess.run([jindu, "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([jindu, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    out = subprocess.run([jindu, "bootstrap"], env=env, check=True, capture_output=True, text=True).stdout
    passwords = dict(re.findall(r"^\s+(\w+)\s+(\S+)\s", out, flags=re.MULTILINE))
    port = _free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "jindu.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
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
    yield {"url": url, "passwords": passwords}
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser(chromium):
    return chromium  # one Chromium per test process (common/testing/fixtures.py)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    yield page
    context.close()


@pytest.fixture
def shot():
    SCREENSHOTS.mkdir(exist_ok=True)

    def _shot(page, name):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return _shot

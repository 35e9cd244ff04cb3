"""WeChat login through the Official Account adapter, end to end against a local stand-in for WeChat's two
endpoints (the authorisation page and the code-for-openid exchange), speaking the published protocol. No
network beyond loopback."""

import http.client
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from ..quiz import identity
from ..quiz.models import Participant

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]

APPID, SECRET = "wx0123456789abcdef", "s3cr3t-of-the-office"


class FakeWechat(BaseHTTPRequestHandler):
    """``/authorize``: the user agrees; a one-time code goes back to the redirect address with the state.
    ``/token``: the code and the app secret are exchanged for the user's openid (once)."""

    codes = {}  # code -> openid
    user = "oAbCdEf-user-1"

    def log_message(self, *args):
        pass

    def _json(self, body):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802 (http.server's name)
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/authorize":
            if query.get("appid") != APPID or query.get("scope") != "snsapi_base":
                self.send_response(400)
                self.end_headers()
                return
            code = secrets.token_hex(8)
            self.codes[code] = self.user
            self.send_response(302)
            back = urlencode({"code": code, "state": query["state"]})
            self.send_header("Location", f"{query['redirect_uri']}?{back}")
            self.end_headers()
        elif url.path == "/token":
            openid = self.codes.pop(query.get("code"), None)
            if query.get("appid") != APPID or query.get("secret") != SECRET:
                self._json({"errcode": 40125, "errmsg": "invalid appsecret"})
            elif openid is None or query.get("grant_type") != "authorization_code":
                self._json({"errcode": 40029, "errmsg": "invalid code"})
            else:
                self._json(
                    {
                        "access_token": "AT",
                        "expires_in": 7200,
                        "refresh_token": "RT",
                        "openid": openid,
                        "scope": "snsapi_base",
                    }
                )
        else:
            self.send_response(404)
            self.end_headers()


@pytest.fixture
def wechat(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeWechat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    settings.JINDU_QUIZ_WECHAT_ADAPTER = "jindu.outreach.quiz.identity.OfficialAccountAdapter"
    settings.JINDU_QUIZ_WECHAT_APPID, settings.JINDU_QUIZ_WECHAT_SECRET = APPID, SECRET
    settings.JINDU_QUIZ_WECHAT_AUTHORIZE_URL = base + "/authorize"
    settings.JINDU_QUIZ_WECHAT_TOKEN_URL = base + "/token"
    yield server
    server.shutdown()
    server.server_close()


def through_wechat(client, login_url):
    """Follow the participant's browser: our login page -> WeChat's page -> our callback."""
    to_wechat = client.get(login_url)
    assert to_wechat.status_code == 302
    target = urlsplit(to_wechat["Location"])
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=5)
    connection.request("GET", f"{target.path}?{target.query}")
    answer = connection.getresponse()
    assert answer.status == 302, answer.status
    back = urlsplit(answer.getheader("Location"))
    connection.close()
    assert back.path == "/quiz/login/wechat/callback/"
    return back, client.get(f"{back.path}?{back.query}")


def test_openid_login_round_trip(client, wechat):
    back, callback = through_wechat(client, "/quiz/login/wechat/?next=/quiz/me/")
    assert callback.status_code == 302 and callback["Location"].startswith("/quiz/profile/")
    participant = Participant.objects.get()
    assert participant.identity_kind == "wechat" and FakeWechat.user not in participant.identity_hash
    claims = identity.read_token(callback.cookies[identity.COOKIE].value)
    assert claims.participant_id == participant.pk
    # the code is single-use: replaying the callback is refused by WeChat and signs nobody in
    client.cookies.pop(identity.COOKIE)
    state = parse_qs(back.query)["state"][0]
    client.cookies["jindu_quiz_state"] = f"{state}|/quiz/me/"  # even with the state the browser had
    replay = client.get(f"{back.path}?{back.query}")
    assert replay.status_code == 400 and identity.COOKIE not in replay.cookies
    # the same WeChat user again: the same participant
    _back, again = through_wechat(client, "/quiz/login/wechat/")
    assert again.status_code == 302 and Participant.objects.count() == 1


def test_a_wrong_app_secret_signs_nobody_in(client, wechat, settings):
    settings.JINDU_QUIZ_WECHAT_SECRET = "not-the-secret"
    _back, callback = through_wechat(client, "/quiz/login/wechat/")
    assert callback.status_code == 400 and not Participant.objects.exists()


def test_a_callback_without_our_state_is_refused(client, wechat):
    client.get("/quiz/login/wechat/")  # sets the state cookie
    FakeWechat.codes["c0de"] = "oIntruder"
    assert client.get("/quiz/login/wechat/callback/?code=c0de&state=guessed").status_code == 400
    assert not Participant.objects.exists() and "c0de" in FakeWechat.codes  # WeChat was never asked

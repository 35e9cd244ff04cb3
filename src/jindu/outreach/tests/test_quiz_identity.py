"""Who a participant is: phone codes (expiry, tries, caps), WeChat-style adapters, tokens, the profile;
nothing more is collected than a quiz needs, and never an ID number."""

import datetime
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from ..quiz import identity, sms
from ..quiz.models import Participant, QuizLoginCode
from . import quiz_factories as qf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]


@pytest.fixture(autouse=True)
def memory_sms(settings):
    settings.JINDU_QUIZ_SMS_BACKEND = "jindu.outreach.quiz.sms.MemoryBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def last_code():
    return re.search(r"(?<!\d)(\d{6})(?!\d)", sms.outbox[-1][1]).group(1)


def age_codes(minutes):
    QuizLoginCode.objects.update(sent_at=timezone.now() - datetime.timedelta(minutes=minutes),
                                 expires_at=timezone.now() - datetime.timedelta(minutes=minutes - 5))


def test_phone_sign_in_through_the_pages(client):
    quiz = qf.quiz(questions=5)
    response = client.post("/quiz/login/", {"phone": "+86 139-0891-0001", "next": f"/quiz/q/{quiz.code}/"})
    assert response.status_code == 200 and b'name="code"' in response.content
    assert sms.outbox[-1][0] == "13908910001"
    response = client.post("/quiz/login/verify/", {"phone": "13908910001", "code": last_code(),
                                                   "next": f"/quiz/q/{quiz.code}/"})
    assert response.status_code == 302 and response["Location"].startswith("/quiz/profile/")
    assert identity.COOKIE in response.cookies and response.cookies[identity.COOKIE]["httponly"]
    profile = client.get(response["Location"])
    assert profile.status_code == 200
    school = __import__("jindu.outreach.tests.factories", fromlist=["school"]).school("540102")
    response = client.post("/quiz/profile/?next=/quiz/", {"nickname": "雪域雄鹰", "region": "540102",
                                                          "school": str(school.pk), "next": f"/quiz/q/{quiz.code}/"})
    assert response.status_code == 302 and response["Location"] == f"/quiz/q/{quiz.code}/"
    participant = Participant.objects.get()
    assert (participant.nickname, participant.region.code, participant.school_id) == ("雪域雄鹰", "540102", school.pk)
    claims = identity.read_token(response.cookies[identity.COOKIE].value)
    assert claims.region_id == participant.region_id and claims.school_id == school.pk


def test_the_phone_is_never_stored_in_clear():
    identity.send_code("13908910002", ip="10.0.0.1")
    participant = identity.verify_code("13908910002", last_code())
    assert participant.phone == "13908910002" and participant.masked_phone == "*******0002"
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, identity_hash FROM outreach_participant WHERE id = %s", [participant.pk])
        stored_phone, stored_hash = cursor.fetchone()
        cursor.execute("SELECT code_hash FROM outreach_quizlogincode")
        codes = [row[0] for row in cursor.fetchall()]
    assert "13908910002" not in stored_phone and "13908910002" not in stored_hash
    assert all(not re.fullmatch(r"\d{6}", code) for code in codes)


def test_a_code_expires_and_works_once():
    identity.send_code("13908910003", ip="10.0.0.1")
    code = last_code()
    QuizLoginCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(identity.IdentityError, match="expired"):
        identity.verify_code("13908910003", code)
    age_codes(2)
    identity.send_code("13908910003", ip="10.0.0.1")
    code = last_code()
    identity.verify_code("13908910003", code)
    with pytest.raises(identity.IdentityError):
        identity.verify_code("13908910003", code)


def test_five_wrong_codes_kill_the_code():
    identity.send_code("13908910004", ip="10.0.0.1")
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(identity.IdentityError, match=f"{left} tries left"):
            identity.verify_code("13908910004", wrong)
    with pytest.raises(identity.IdentityError, match="Too many"):
        identity.verify_code("13908910004", wrong)
    with pytest.raises(identity.IdentityError, match="Too many"):
        identity.verify_code("13908910004", code)  # even the right code is dead now


def test_sms_caps_one_a_minute_and_five_a_day_per_phone():
    from jindu.common.ratelimit import RateLimited

    identity.send_code("13908910005", ip="10.0.0.1")
    with pytest.raises(RateLimited) as limited:
        identity.send_code("13908910005", ip="10.0.0.2")
    assert limited.value.scope == "quiz_sms" and 1 <= limited.value.retry_after <= 60
    for _ in range(4):
        age_codes(2)  # each earlier code sent two minutes ago
        QuizLoginCode.objects.update(sent_at=timezone.now() - datetime.timedelta(minutes=2))
        identity.send_code("13908910005", ip="10.0.0.1")
    assert len(sms.outbox) == 5
    age_codes(2)
    with pytest.raises(RateLimited) as limited:
        identity.send_code("13908910005", ip="10.0.0.1")  # the 6th of the day
    assert limited.value.scope == "quiz_sms_day"
    identity.send_code("13908910006", ip="10.0.0.1")  # another phone is not affected


def test_sms_per_address_cap(settings, monkeypatch):
    from jindu.common.ratelimit import RateLimited

    from ..quiz import limits

    monkeypatch.setattr(limits, "clock", lambda: 1_800_000_000.0)  # one fixed window for the whole test
    settings.JINDU_RATE_LIMITS = {**settings.JINDU_RATE_LIMITS, "quiz_sms": {"ip": "3/h", "phone": "1/m"}}
    for number in range(3):
        identity.send_code(f"1390891100{number}", ip="10.9.9.9")
    with pytest.raises(RateLimited):
        identity.send_code("13908911009", ip="10.9.9.9")


def test_sms_json_api(client):
    response = client.post("/quiz/api/login/sms", data=json.dumps({"phone": "13908910007"}),
                           content_type="application/json")
    assert response.status_code == 202
    assert client.post("/quiz/api/login/sms", data=json.dumps({"phone": "13908910007"}),
                       content_type="application/json").status_code == 429
    assert client.post("/quiz/api/login/sms", data=json.dumps({"phone": "12345"}),
                       content_type="application/json").status_code == 422
    response = client.post("/quiz/api/login/verify", data=json.dumps({"phone": "13908910007", "code": last_code()}),
                           content_type="application/json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert identity.read_token(token).participant_id == Participant.objects.get().pk
    response = client.post("/quiz/api/profile", data=json.dumps({"nickname": "格桑花", "region": "542523"}),
                           content_type="application/json", HTTP_AUTHORIZATION="Bearer " + token)
    assert response.status_code == 200 and response.json()["region"] == "542523"


def test_a_failing_gateway_is_reported(settings):
    settings.JINDU_QUIZ_SMS_BACKEND = "jindu.outreach.quiz.sms.HttpBackend"
    with pytest.raises(identity.IdentityError) as failed:
        identity.send_code("13908910008", ip="10.0.0.1")
    assert failed.value.status == 503


def test_phone_numbers_are_checked():
    assert identity.normalise_phone("+86 139 0891 0009") == "13908910009"
    for bad in ("12345678901", "1390891000", "abc", "", "23908910009"):
        with pytest.raises(ValidationError):
            identity.normalise_phone(bad)


def test_wechat_style_login_with_the_dev_adapter(client, settings):
    settings.JINDU_QUIZ_WECHAT_ADAPTER = "jindu.outreach.quiz.identity.DevWechatAdapter"
    response = client.get("/quiz/login/wechat/?openid=o-abc123&next=/quiz/me/")
    assert response.status_code == 302 and "/quiz/login/wechat/callback/" in response["Location"]
    callback = client.get(response["Location"])
    assert callback.status_code == 302
    participant = Participant.objects.get()
    assert participant.identity_kind == "wechat" and "o-abc123" not in participant.identity_hash
    # the same WeChat user is the same participant; a forged state is refused
    client.cookies.pop(identity.COOKIE)
    again = client.get(client.get("/quiz/login/wechat/?openid=o-abc123").headers["Location"])
    assert again.status_code == 302 and Participant.objects.count() == 1
    forged = client.get("/quiz/login/wechat/callback/?state=forged&code=o-evil")
    assert forged.status_code == 400 and Participant.objects.count() == 1


def test_without_an_adapter_there_is_no_wechat_login(client):
    assert client.get("/quiz/login/wechat/").status_code == 404
    assert b"WeChat" not in client.get("/quiz/login/").content


def test_under_14_gives_nickname_school_region_with_consent(client):
    participant = qf.participant(region_code=None)
    client.cookies[identity.COOKIE] = qf.token(participant)
    response = client.post("/quiz/profile/", {"nickname": "小明", "under_14": "on", "region": "540102"})
    assert response.status_code == 200 and b"guardian" in response.content
    response = client.post("/quiz/profile/", {"nickname": "小明", "under_14": "on", "guardian_consent": "on",
                                              "region": "540102", "school_name": "城关区实验小学"})
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.under_14 and participant.guardian_consent_at and participant.school_name == "城关区实验小学"


def test_no_id_numbers_anywhere(client):
    field_names = {field.name for field in Participant._meta.get_fields()}
    assert not field_names & {"id_number", "name", "real_name", "birth_date", "sex", "address"}
    participant = qf.participant()
    client.cookies[identity.COOKIE] = qf.token(participant)
    for nickname in ("540102200801011234", "张三13908910001"):
        response = client.post("/quiz/profile/", {"nickname": nickname, "region": "540102"})
        assert response.status_code == 200 and b"phone or ID number" in response.content


def test_choosing_a_county_shows_its_schools(client):
    from . import factories

    school = factories.school("540102", name="拉萨市第一中学")
    factories.school("542523", name="噶尔县中学")
    participant = qf.participant(region_code=None)
    client.cookies[identity.COOKIE] = qf.token(participant)
    page = client.post("/quiz/profile/", {"nickname": "扎西", "region": "540102", "refresh": "1"})
    assert page.status_code == 200
    assert "拉萨市第一中学" in page.content.decode() and "噶尔县中学" not in page.content.decode()
    assert b"errorlist" not in page.content and b'value="\xe6\x89\x8e\xe8\xa5\xbf"' in page.content
    response = client.post("/quiz/profile/", {"nickname": "扎西", "region": "542523", "school": str(school.pk)})
    assert response.status_code == 200  # a school of another county is refused


def test_sign_out(client):
    participant = qf.participant()
    client.cookies[identity.COOKIE] = qf.token(participant)
    assert client.get("/quiz/me/").status_code == 200
    response = client.post("/quiz/logout/")
    assert response.status_code == 302 and response.cookies[identity.COOKIE].value == ""


def test_tokens_are_signed_and_expire():
    participant = qf.participant()
    token = identity.issue_token(participant, now=1_800_000_000)
    claims = identity.read_token(token, now=1_800_000_000 + 3600)
    assert (claims.participant_id, claims.region_id, claims.school_id) == (participant.pk, participant.region_id, None)
    assert identity.read_token(token, now=1_800_000_000 + identity.TOKEN_MAX_AGE + 1) is None
    payload, signature = token.rsplit(".", 1)
    forged = payload.replace(f"{participant.pk}.", f"{participant.pk + 1}.", 1) + "." + signature
    assert identity.read_token(forged, now=1_800_000_000) is None
    assert identity.read_token("garbage") is None and identity.read_token("a.b.c.d.e.f") is None

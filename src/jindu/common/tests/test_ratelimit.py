"""Rate limits per user and per address (login, second factor, import, export, API writes): 429 with a message."""

import io

import pytest
from django.test import Client
from django.urls import reverse

from jindu.common.ratelimit import parse_rate
from jindu.common.testing import create_user
from jindu.common.testing.helpers import confirmed_device

pytestmark = pytest.mark.django_db


def test_rates_parse():
    assert parse_rate("5/15m") == (5, 900) and parse_rate("100/h") == (100, 3600) and parse_rate("") is None
    with pytest.raises(ValueError):
        parse_rate("five per minute")


def test_login_is_limited_per_address(settings):
    settings.JINDU_RATE_LIMITS = {**settings.JINDU_RATE_LIMITS, "login": {"ip": "3/15m"}}
    client = Client(REMOTE_ADDR="10.1.1.1")
    statuses = [client.post(reverse("login"), {"username": f"u{i}", "password": "x"}).status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.post(reverse("login"), {"username": "u9", "password": "x"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Too many requests" in response.content.decode() or "请求" in response.content.decode()
    other = Client(REMOTE_ADDR="10.1.1.2")
    assert other.post(reverse("login"), {"username": "u1", "password": "x"}).status_code == 200
    assert Client(REMOTE_ADDR="10.1.1.1").get(reverse("login")).status_code == 200  # only POSTs count


def test_second_factor_is_limited_per_address(settings, officer):
    settings.JINDU_RATE_LIMITS = {**settings.JINDU_RATE_LIMITS, "otp": {"ip": "2/15m"}}
    confirmed_device(officer)
    client = Client(REMOTE_ADDR="10.2.2.2")
    client.post(reverse("login"), {"username": officer.username, "password": "Test-Passw0rd!"})
    statuses = [client.post(reverse("core:otp_verify"), {"token": "12"}).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]


def test_export_is_limited_per_user_and_counters_are_per_user(settings, officer):
    settings.JINDU_RATE_LIMITS = {**settings.JINDU_RATE_LIMITS, "export": {"user": "2/h", "ip": "100/h"}}
    first, second = Client(), Client()
    first.force_login(officer)
    second.force_login(create_user("second_officer", ["regional_officer"], "540000"))
    url = reverse("importing:export", args=["organisations"]) + "?format=csv"
    assert [first.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert second.get(url).status_code == 200  # same address, other user: own counter


def test_import_is_limited_per_user(settings, officer):
    settings.JINDU_RATE_LIMITS = {**settings.JINDU_RATE_LIMITS, "import": {"user": "1/h"}}
    client = Client()
    client.force_login(officer)
    url = reverse("importing:upload", args=["organisations"])
    data = "name,kind,region_code\n某单位,other,540100\n".encode()
    first = client.post(url, {"file": io.BytesIO(data)})
    assert first.status_code in (200, 400)
    assert client.post(url, {"file": io.BytesIO(data)}).status_code == 429
    assert client.get(url).status_code == 200


def test_api_writes_are_limited_with_a_json_answer(settings, officer):
    settings.JINDU_RATE_LIMITS = {**settings.JINDU_RATE_LIMITS, "api_write": {"user": "2/5m", "ip": "100/5m"}}
    client = Client()
    client.force_login(officer)
    statuses = []
    for i in range(3):
        statuses.append(client.post("/api/v1/core/organisations", {"name": f"限速{i}", "kind": "other",
                                                                   "region_code": "540100"},
                                    content_type="application/json").status_code)
    assert statuses == [201, 201, 429]
    response = client.post("/api/v1/core/organisations", {}, content_type="application/json")
    assert response.status_code == 429 and "retry_after" in response.json()
    assert client.get("/api/v1/core/organisations").status_code == 200  # reads are not API writes


def test_bearer_token_writes_are_counted_per_token(settings, officer):
    from django.core.management import call_command

    settings.JINDU_RATE_LIMITS = {**settings.JINDU_RATE_LIMITS, "api_write": {"user": "1/5m"}}
    out = io.StringIO()
    call_command("apitoken", officer.username, stdout=out)
    auth = {"HTTP_AUTHORIZATION": "Bearer " + out.getvalue().strip()}
    client = Client()
    body = {"name": "令牌单位", "kind": "other", "region_code": "540100"}
    assert client.post("/api/v1/core/organisations", body, content_type="application/json", **auth).status_code == 201
    assert client.post("/api/v1/core/organisations", body, content_type="application/json", **auth).status_code == 429


def test_bearer_token_last_use_is_written_once_a_minute(officer):
    import datetime

    from django.core.management import call_command
    from django.utils import timezone
    from freezegun import freeze_time

    from jindu.core.models import APIToken

    out = io.StringIO()
    call_command("apitoken", officer.username, stdout=out)
    auth = {"HTTP_AUTHORIZATION": "Bearer " + out.getvalue().strip()}
    start = timezone.now()
    with freeze_time(start) as clock:
        assert Client().get("/api/v1/core/organisations", **auth).status_code == 200
        assert APIToken.objects.get().last_used == start
        clock.tick(datetime.timedelta(seconds=30))
        assert Client().get("/api/v1/core/organisations", **auth).status_code == 200
        assert APIToken.objects.get().last_used == start  # no write for every call
        clock.tick(datetime.timedelta(seconds=31))
        assert Client().get("/api/v1/core/organisations", **auth).status_code == 200
        assert APIToken.objects.get().last_used == start + datetime.timedelta(seconds=61)

"""Hardening: `jindu check --deploy` is clean for production settings; error pages show no detail."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

BIN = Path(sys.executable).parent


def production_env(tmp_path):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTEST", "JINDU_", "DATABASE_URL", "SECRET_KEY", "DJANGO_"))}
    env.update({
        "JINDU_HTTPS": "1", "JINDU_DEBUG": "0", "JINDU_TESTING": "0", "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "jindu.example.cn", "JINDU_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "sqlite:///{}".format(tmp_path / "db.sqlite3"),
        "JINDU_FIELD_KEYS": "k1:aes256gcm:" + base64.b64encode(os.urandom(32)).decode(),
        "JINDU_BACKUP_KEY": base64.b64encode(os.urandom(32)).decode(),
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    })
    return env


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = subprocess.run([str(BIN / "jindu"), "check", "--deploy", "--fail-level", "WARNING"],
                            env=production_env(tmp_path), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_about_missing_keys(tmp_path):
    env = production_env(tmp_path)
    del env["JINDU_FIELD_KEYS"], env["JINDU_BACKUP_KEY"]
    result = subprocess.run([str(BIN / "jindu"), "check", "--deploy"], env=env, capture_output=True, text=True)
    assert "jindu.W001" in result.stderr + result.stdout and "jindu.W002" in result.stderr + result.stdout


@pytest.mark.django_db
@pytest.mark.urls("tests.urls_errors")
@pytest.mark.parametrize(("path", "status", "text"), [
    ("/boom/", 500, "Something went wrong"), ("/bad/", 400, "Bad request"), ("/denied/", 403, "Access denied"),
    ("/no/such/page/", 404, "Not found"),
])
def test_error_pages_are_generic(officer, path, status, text):
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    client.cookies["jindu_language"] = "en"
    response = client.get(path)
    assert response.status_code == status
    body = response.content.decode()
    assert text in body
    for leak in ("Traceback", "secret detail", "SELECT", "Hunter2", "RuntimeError", "File \""):
        assert leak not in body


@pytest.mark.django_db
def test_error_pages_are_translated(officer):
    client = Client()
    client.force_login(officer)
    client.cookies["jindu_language"] = "zh-hans"
    response = client.get("/no/such/page/")
    assert response.status_code == 404 and 'lang="zh-hans"' in response.content.decode()


@pytest.mark.django_db
def test_csrf_failure_page_is_generic(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    client.cookies["jindu_language"] = "en"
    response = client.post("/core/organisations/add/", {"name": "x"})
    assert response.status_code == 403 and "Form expired" in response.content.decode()
    assert "CSRF verification failed" not in response.content.decode()

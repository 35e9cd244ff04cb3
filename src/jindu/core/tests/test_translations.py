"""The zh-hans and bo catalogues are complete, compiled and served; the login page speaks all three languages.

Catalogues: ``make messages`` extracts the strings into locale/<lang>/LC_MESSAGES/django.po and
compiles them; both the .po and the .mo are committed (a machine without gettext still serves
Tibetan). These tests fail when a string is left untranslated or fuzzy, when a placeholder is lost
in translation, or when the committed .mo is older than its .po.
"""

import re
from functools import cache
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
TRANSLATED = ["zh_Hans", "bo"]
PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|%\([A-Za-z_][A-Za-z0-9_]*\)[sdi]")
TIBETAN = re.compile("[\u0f00-\u0fff]")
HAN = re.compile("[\u4e00-\u9fff]+")
KNOWN_MSGIDS = ["Log in", "Log out", "Audit log", "Organisations"]
# Proper names kept as they are in every language (the product name 禁毒 / Jindu).
PROPER_NAMES = {"Jindu"}


def po_path(lang):
    return LOCALE_DIR / lang / "LC_MESSAGES" / "django.po"


@cache
def catalogue(lang):
    """The parsed .po of ``lang`` (parsed once per test run; never modified by the tests)."""
    return polib.pofile(str(po_path(lang)))


def msgstrs(entry):
    """Every translated form of an entry (one for a singular, each plural form otherwise)."""
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def live_entries(po):
    return [entry for entry in po if not entry.obsolete and entry.msgid]


def entry_key(entry):
    return entry.msgctxt or "", entry.msgid, entry.msgid_plural or "", tuple(msgstrs(entry))


@pytest.mark.parametrize("lang", ["zh_Hans", "bo", "en"])
def test_catalogue_exists_with_headers(lang):
    po = catalogue(lang)
    assert po.metadata.get("Language") == lang
    assert po.metadata.get("Content-Type") == "text/plain; charset=UTF-8"
    if lang in TRANSLATED:
        assert po.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"
    assert (po_path(lang).with_suffix(".mo")).exists(), "compile the catalogues: make messages"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_entry_is_translated_and_not_fuzzy(lang):
    po = catalogue(lang)
    entries = live_entries(po)
    assert len(entries) > 100
    untranslated = [entry.msgid for entry in entries if not all(text.strip() for text in msgstrs(entry))]
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    assert not untranslated, f"untranslated in {lang}: {untranslated}"
    assert not fuzzy, f"fuzzy in {lang}: {fuzzy}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_survive_translation(lang):
    wrong = []
    for entry in live_entries(catalogue(lang)):
        wanted = sorted(set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or ""))))
        for text in msgstrs(entry):
            if sorted(set(PLACEHOLDER.findall(text))) != wanted:
                wrong.append((entry.msgid, text))
    assert not wrong, wrong


def test_tibetan_is_tibetan_and_chinese_is_chinese():
    """No Chinese or English left in the bo catalogue, no Tibetan in the zh-hans one.

    Chinese in a Tibetan string is allowed only where the msgid has it too (values a user types,
    such as 是/否 in an import file)."""
    not_tibetan = [
        (entry.msgid, text)
        for entry in live_entries(catalogue("bo"))
        for text in msgstrs(entry)
        if not (entry.msgid in PROPER_NAMES and text == entry.msgid)
        and (not TIBETAN.search(text) or any(run not in entry.msgid for run in HAN.findall(text)))
    ]
    assert not not_tibetan, not_tibetan
    not_chinese = [
        (entry.msgid, text)
        for entry in live_entries(catalogue("zh_Hans"))
        for text in msgstrs(entry)
        if not HAN.search(text) or TIBETAN.search(text)
    ]
    assert not not_chinese, not_chinese


@pytest.mark.parametrize("lang", TRANSLATED)
def test_committed_mo_matches_po(lang):
    po = catalogue(lang)
    mo = polib.mofile(str(po_path(lang).with_suffix(".mo")))
    from_po = {entry_key(entry) for entry in live_entries(po) if entry.translated()}
    from_mo = {entry_key(entry) for entry in mo if entry.msgid}
    assert from_po == from_mo, "the .mo is stale: run `make messages` (or `jindu compilemessages`) and commit it"


@pytest.mark.parametrize("lang", ["zh_Hans", "bo", "en"])
def test_catalogue_knows_the_shell_strings(lang):
    """A cheap check that makemessages has run since the shell templates were written."""
    msgids = {entry.msgid for entry in live_entries(catalogue(lang))}
    missing = [msgid for msgid in KNOWN_MSGIDS if msgid not in msgids]
    assert not missing, f"run `make messages`: {lang} lacks {missing}"


# --- The login page in each language -----------------------------------------------------------------


def title_of(html):
    match = re.search(r"<title>(.*?)</title>", html, re.S)
    assert match, "no <title>"
    return match.group(1)


@pytest.mark.django_db
def test_login_page_defaults_to_chinese(client):
    response = client.get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    assert "登录" in html
    assert "禁毒" in title_of(html)
    assert "登录" in title_of(html)


@pytest.mark.django_db
def test_login_page_in_tibetan(client):
    log_in = catalogue("bo").find("Log in").msgstr
    assert TIBETAN.search(log_in)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "bo"
    response = client.get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="bo"' in html
    assert log_in in html
    assert TIBETAN.search(title_of(html)) and "禁毒" in title_of(html)
    assert ">Log in<" not in html


@pytest.mark.django_db
def test_login_page_in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="en"' in html
    assert "Log in" in html
    assert "禁毒" in title_of(html)
    assert "Log in" in title_of(html)

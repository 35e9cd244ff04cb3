"""persons.crypto is common.crypto: values stored by the earlier persons-only code (``v1:``, hashes keyed from
JINDU_PERSONS_KEY or SECRET_KEY) still decrypt and are still found, and ``rotate_keys`` covers the columns."""

import base64
import hashlib
import hmac
import io
import os

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from jindu.common import crypto as common_crypto
from jindu.persons import crypto, selectors
from jindu.persons.models import LicenceCertificate, Person

from . import factories as f

pytestmark = pytest.mark.django_db
NUMBER = "54010219900315043X"


def legacy_encrypt(text):
    """The earlier persons/crypto.py, written out independently: AES-256-GCM, key HMAC(secret, label)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    secret = (os.environ.get("JINDU_PERSONS_KEY") or settings.SECRET_KEY).encode()
    key = hmac.new(secret, b"jindu.persons.encryption", hashlib.sha256).digest()
    nonce = os.urandom(12)
    return "v1:" + base64.b64encode(nonce + AESGCM(key).encrypt(nonce, text.encode(), b"jindu")).decode()


def legacy_index(text):
    secret = (os.environ.get("JINDU_PERSONS_KEY") or settings.SECRET_KEY).encode()
    key = hmac.new(secret, b"jindu.persons.blind-index", hashlib.sha256).digest()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def raw(column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM persons_person WHERE id = %s", [pk])  # noqa: S608 (test columns)
        return cursor.fetchone()[0]


def store_legacy(person):
    """Overwrite the row as the earlier code stored it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE persons_person SET id_number = %s, phone = %s, id_hash = %s WHERE id = %s",
            [legacy_encrypt(NUMBER), legacy_encrypt("13800138000"), legacy_index(NUMBER), person.pk],
        )


def test_the_module_is_a_re_export_of_common_crypto():
    assert crypto.encrypt is common_crypto.encrypt and crypto.blind_index is common_crypto.blind_index
    assert issubclass(crypto.EncryptedTextField, common_crypto.EncryptedTextField)
    fields = {(model, field.name) for model, field in common_crypto.encrypted_fields()}
    assert {
        (Person, "id_number"),
        (Person, "phone"),
        (Person, "address"),
        (Person, "passport_no"),
        (LicenceCertificate, "id_number"),
    } <= fields


def test_values_stored_by_the_earlier_code_decrypt_and_are_found():
    person = f.person(id_number=NUMBER)
    store_legacy(person)
    assert raw("id_number", person.pk).startswith("v1:")
    loaded = Person.objects.get(pk=person.pk)
    assert loaded.id_number == NUMBER and loaded.phone == "13800138000"
    assert selectors.person_by_id_number(NUMBER.lower()) == person  # the keyed hash still matches


def test_rotate_keys_re_encrypts_the_persons_columns(monkeypatch):
    person = f.person(id_number=NUMBER)
    store_legacy(person)
    monkeypatch.setenv("JINDU_FIELD_KEYS", "k2:aes256gcm:" + base64.b64encode(os.urandom(32)).decode())
    assert Person.objects.get(pk=person.pk).id_number == NUMBER  # v1 still decrypts beside the new key
    out = io.StringIO()
    call_command("rotate_keys", "--dry-run", stdout=out)
    assert "persons.Person.id_number: v1=1" in out.getvalue()
    call_command("rotate_keys", stdout=io.StringIO())
    assert raw("id_number", person.pk).startswith("k2:") and raw("phone", person.pk).startswith("k2:")
    assert Person.objects.get(pk=person.pk).phone == "13800138000"
    assert selectors.person_by_id_number(NUMBER) == person

"""Field encryption at rest and the keyed hash (blind index) of identity numbers.

Identity numbers, passport numbers, phones and addresses are stored AES-256-GCM encrypted
(a fresh nonce per value, so equal numbers give different ciphertexts); beside the identity
number lies an HMAC-SHA256 of the normalised number, which is what exact look-ups and the
unique constraint use. Both keys are derived from one secret that comes from the environment:
``JINDU_PERSONS_KEY`` (any long random string), else ``SECRET_KEY`` (itself from the environment
or the data folder, never from the code). Ciphertexts carry a key id (``v1:``) so that a key
can be rotated by adding ``v2`` and re-saving.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from django.conf import settings
from django.db import models

PREFIX = "v1:"


class DecryptionError(Exception):
    """A stored value does not decrypt with the configured key (wrong key, or tampered data)."""


@lru_cache(maxsize=4)
def _keys(material):
    secret = material.encode("utf-8")
    return (hmac.new(secret, b"jindu.persons.encryption", hashlib.sha256).digest(),
            hmac.new(secret, b"jindu.persons.blind-index", hashlib.sha256).digest())


def keys():
    return _keys(os.environ.get("JINDU_PERSONS_KEY") or settings.SECRET_KEY)


def encrypt(text):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    sealed = AESGCM(keys()[0]).encrypt(nonce, text.encode("utf-8"), b"jindu")
    return PREFIX + base64.b64encode(nonce + sealed).decode("ascii")


def decrypt(token):
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not token.startswith(PREFIX):
        raise DecryptionError("not an encrypted value")
    raw = base64.b64decode(token[len(PREFIX):])
    try:
        return AESGCM(keys()[0]).decrypt(raw[:12], raw[12:], b"jindu").decode("utf-8")
    except InvalidTag:
        raise DecryptionError("an encrypted value does not match the key (wrong key or tampered data)") from None


def blind_index(value):
    """The keyed hash used to find a normalised identity number without storing it in clear."""
    return hmac.new(keys()[1], str(value).encode("utf-8"), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Text stored encrypted; Python code sees the clear value. Cannot be filtered on (use a blind index)."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value))

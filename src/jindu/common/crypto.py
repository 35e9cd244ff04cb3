"""Field encryption at rest (authenticated), keyed hashes for exact look-ups, and key rotation.

Generalised from the persons app's ``crypto.py``, whose stored values stay readable:

- **Keys come from the environment.** ``JINDU_FIELD_KEYS`` lists ``id:algorithm:base64-key``
  entries separated by commas (``k2:aes256gcm:...,k1:sm4gcm:...``; ``id:base64-key`` means
  AES-256-GCM). The first key encrypts, every listed key decrypts. Without it, one key ``v1`` is
  derived from ``JINDU_PERSONS_KEY`` or ``SECRET_KEY`` exactly as the persons app derives it, so
  values written before this module existed decrypt unchanged. A ``v1`` value keeps decrypting
  after ``JINDU_FIELD_KEYS`` is set, as long as that secret is still there, until ``jindu
  rotate_keys`` has re-encrypted it under the current key.
- **Ciphertexts name their key**: ``<key id>:<base64(nonce || ciphertext || tag)>``, a fresh
  96-bit nonce per value (equal values encrypt differently). AES-256-GCM by default; SM4-GCM
  (GB/T 32907) for deployments that must use the SM series. A flipped byte fails the tag check:
  :class:`DecryptionError`, logged on the ``jindu.security`` logger.
- **Keyed hash** (:func:`blind_index`): HMAC-SHA256 under ``JINDU_HASH_KEY`` (base64), else
  derived as the persons app does. Exact look-ups and unique constraints use it; the clear
  value is never stored. The hash key is not rotated by ``rotate_keys`` (every hash would have
  to be recomputed from the decrypted values: a data migration of the owning app).
"""

import base64
import binascii
import hashlib
import hmac
import logging
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

logger = logging.getLogger("jindu.security")

AAD = b"jindu"
LEGACY_KEY_ID = "v1"
ALGORITHMS = {"aes256gcm": 32, "sm4gcm": 16}
KEY_ID_RE = re.compile(r"^[a-z0-9]{1,16}$")


class DecryptionError(Exception):
    """A stored value does not decrypt with the configured keys (wrong key, or tampered data)."""


@dataclass(frozen=True)
class Key:
    id: str
    algorithm: str
    secret: bytes

    def encrypt(self, nonce, data):
        if self.algorithm == "aes256gcm":
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            return AESGCM(self.secret).encrypt(nonce, data, AAD)
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        encryptor = Cipher(algorithms.SM4(self.secret), modes.GCM(nonce)).encryptor()
        encryptor.authenticate_additional_data(AAD)
        return encryptor.update(data) + encryptor.finalize() + encryptor.tag

    def decrypt(self, nonce, data):
        from cryptography.exceptions import InvalidTag

        try:
            if self.algorithm == "aes256gcm":
                from cryptography.hazmat.primitives.ciphers.aead import AESGCM

                return AESGCM(self.secret).decrypt(nonce, data, AAD)
            from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

            if len(data) < 16:
                raise InvalidTag
            decryptor = Cipher(algorithms.SM4(self.secret), modes.GCM(nonce, data[-16:])).decryptor()
            decryptor.authenticate_additional_data(AAD)
            return decryptor.update(data[:-16]) + decryptor.finalize()
        except InvalidTag:
            raise DecryptionError(
                f"an encrypted value does not match key {self.id} (wrong key or tampered data)") from None


def _legacy_secret():
    return (os.environ.get("JINDU_PERSONS_KEY") or settings.SECRET_KEY).encode("utf-8")


def _derive(secret, label):
    return hmac.new(secret, label, hashlib.sha256).digest()


def parse_keys(text):
    """``id:algorithm:base64,...`` (or ``id:base64``) as a list of :class:`Key`; raises ImproperlyConfigured."""
    keys = []
    for entry in (item.strip() for item in text.split(",")):
        if not entry:
            continue
        parts = entry.split(":")
        if len(parts) == 2:
            key_id, algorithm, encoded = parts[0], "aes256gcm", parts[1]
        elif len(parts) == 3:
            key_id, algorithm, encoded = parts
        else:
            raise ImproperlyConfigured("JINDU_FIELD_KEYS: an entry is id:algorithm:base64-key")
        if not KEY_ID_RE.match(key_id):
            raise ImproperlyConfigured(f"JINDU_FIELD_KEYS: bad key id {key_id!r} (a-z, 0-9, at most 16)")
        if algorithm not in ALGORITHMS:
            raise ImproperlyConfigured(f"JINDU_FIELD_KEYS: unknown algorithm {algorithm!r} ({', '.join(ALGORITHMS)})")
        try:
            secret = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(f"JINDU_FIELD_KEYS: key {key_id} is not base64") from None
        if len(secret) != ALGORITHMS[algorithm]:
            raise ImproperlyConfigured(
                f"JINDU_FIELD_KEYS: key {key_id} must be {ALGORITHMS[algorithm]} bytes for {algorithm}")
        if any(k.id == key_id for k in keys):
            raise ImproperlyConfigured(f"JINDU_FIELD_KEYS: key id {key_id} appears twice")
        keys.append(Key(key_id, algorithm, secret))
    return keys


@lru_cache(maxsize=8)
def _keyring(configured, legacy_secret):
    keys = parse_keys(configured) if configured else []
    legacy = Key(LEGACY_KEY_ID, "aes256gcm", _derive(legacy_secret, b"jindu.persons.encryption"))
    if not keys:
        return (legacy,)
    if all(k.id != LEGACY_KEY_ID for k in keys):
        keys.append(legacy)  # decrypt-only: values written before the keys were configured
    return tuple(keys)


def keyring():
    """The keys, the current (encrypting) one first."""
    return _keyring(os.environ.get("JINDU_FIELD_KEYS", ""), _legacy_secret())


def current_key():
    return keyring()[0]


def keys_configured():
    """True when the keys come from JINDU_FIELD_KEYS rather than being derived from SECRET_KEY."""
    return bool(os.environ.get("JINDU_FIELD_KEYS", "").strip())


def encrypt(text, key=None):
    key = key or current_key()
    nonce = os.urandom(12)
    sealed = key.encrypt(nonce, str(text).encode("utf-8"))
    return "{}:{}".format(key.id, base64.b64encode(nonce + sealed).decode("ascii"))


def key_id_of(token):
    """The key id a stored value names ("" for a value that is not encrypted)."""
    if not isinstance(token, str) or ":" not in token:
        return ""
    key_id = token.split(":", 1)[0]
    return key_id if KEY_ID_RE.match(key_id) else ""


def decrypt(token):
    key_id = key_id_of(token)
    if not key_id:
        logger.warning("security: a stored value is not encrypted")
        raise DecryptionError("not an encrypted value")
    key = next((k for k in keyring() if k.id == key_id), None)
    if key is None:
        logger.warning("security: a stored value names the unknown key %s", key_id)
        raise DecryptionError(f"no key {key_id} is configured")
    try:
        raw = base64.b64decode(token[len(key_id) + 1:], validate=True)
    except (binascii.Error, ValueError):
        logger.warning("security: a stored value under key %s is not base64 (tampered?)", key_id)
        raise DecryptionError("an encrypted value is damaged") from None
    try:
        return key.decrypt(raw[:12], raw[12:]).decode("utf-8")
    except DecryptionError:
        logger.warning("security: a stored value under key %s failed authentication (tampered?)", key_id)
        raise


@lru_cache(maxsize=8)
def _hash_key(configured, legacy_secret):
    if configured:
        try:
            return base64.b64decode(configured, validate=True)
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured("JINDU_HASH_KEY is not base64") from None
    return _derive(legacy_secret, b"jindu.persons.blind-index")


def hash_key():
    return _hash_key(os.environ.get("JINDU_HASH_KEY", "").strip(), _legacy_secret())


def blind_index(value, purpose=""):
    """Keyed hash (HMAC-SHA256, hex) of ``value`` for exact look-ups without storing it in clear.

    ``purpose`` separates hashes of different kinds of value (recovery codes, identity numbers);
    the default (empty) gives the same hashes as the persons app's ``blind_index``.
    """
    message = (purpose + "\x00" if purpose else "") + str(value)
    return hmac.new(hash_key(), message.encode("utf-8"), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Text stored encrypted (see the module docstring); Python code sees the clear value.

    It cannot be filtered or ordered on: store a :func:`blind_index` beside it for exact
    look-ups. ``jindu rotate_keys`` re-encrypts every such column under the current key.
    """

    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value))


def encrypted_fields():
    """(model, field) for every concrete model field that is an :class:`EncryptedTextField`."""
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field


def rotate(model, field, *, batch_size=500, dry_run=False):
    """Re-encrypt ``model.field`` under the current key. Returns {key id: values found} and the count rewritten.

    Reads the stored text as it is (no decryption in the query), decrypts each value not under
    the current key and writes it back with ``update()`` (no ``save()``: no change record per row,
    ``last_updated`` untouched; the command writes one audit row for the rotation).
    """
    from django.db import transaction
    from django.db.models import F, TextField
    from django.db.models.functions import Cast

    current = current_key()
    found = {}
    rewritten = 0
    manager = model._base_manager
    rows = (manager.exclude(**{f"{field.attname}__isnull": True}).exclude(**{field.attname: ""})
            .annotate(_stored=Cast(F(field.attname), TextField())).order_by("pk").values_list("pk", "_stored"))
    pending = []
    for pk, stored in rows.iterator(chunk_size=batch_size):
        key_id = key_id_of(stored) or "plain"
        found[key_id] = found.get(key_id, 0) + 1
        if key_id != current.id:
            pending.append((pk, stored))
    if dry_run:
        return found, 0
    for start in range(0, len(pending), batch_size):
        with transaction.atomic():
            for pk, stored in pending[start:start + batch_size]:
                clear = decrypt(stored) if key_id_of(stored) else stored
                manager.filter(pk=pk).update(**{field.attname: clear})
                rewritten += 1
    return found, rewritten

"""The persons app's encryption at rest is ``jindu.common.crypto`` (keys from ``JINDU_FIELD_KEYS``, keyed
hashes under ``JINDU_HASH_KEY``, rotation by ``jindu rotate_keys``).

This module stays as a thin re-export: the migrations name ``jindu.persons.crypto.EncryptedTextField``,
and values written by the earlier persons-only code (``v1:`` ciphertexts, hashes keyed from
``JINDU_PERSONS_KEY`` or ``SECRET_KEY``) decrypt and match unchanged, because common.crypto derives its
``v1`` key and its default hash key exactly as this module did.
"""

from jindu.common import crypto as _common
from jindu.common.crypto import DecryptionError, blind_index, decrypt, encrypt

__all__ = ["DecryptionError", "EncryptedTextField", "blind_index", "decrypt", "encrypt"]


class EncryptedTextField(_common.EncryptedTextField):
    """Subclass (not an alias) so that the migrations' import path keeps working; ``rotate_keys`` covers it."""

"""A light proof of work before the two steps a bot farm would repeat: asking for an SMS code and starting an
attempt.

Why proof of work and not a captcha: a captcha costs every pupil of a class a puzzle (and a Tibetan-speaking
pupil one in a foreign script), needs a third-party service the offices' closed networks cannot reach, and is
solved cheaply by captcha farms. A proof of work costs a phone a fraction of a second once per step, nothing to
read; it costs a farm that per request, and with the per-address and per-participant limits it makes mass
sign-ups and scripted attempts expensive without refusing a school whose pupils share one address.

- The server issues a challenge ``expires.random.bits.signature`` (HMAC-SHA256 under a key derived from
  SECRET_KEY; nothing stored). The client finds a nonce such that SHA-256(challenge + ":" + nonce) starts with
  ``bits`` zero bits (2**bits hashes on average: 12 bits = 4,096, 0.03 s on this server in Node, a few
  tenths of a second on a cheap phone in plain JavaScript, found while the page is read) and sends both back.
- Checking costs one HMAC and one SHA-256; a challenge is good for :data:`CHALLENGE_SECONDS` and once (its
  random part is remembered in Redis, or in the cache, until it expires).
- ``settings.JINDU_QUIZ_POW_BITS`` sets the work; 0 turns it off (the default: the pages then work without
  JavaScript, and the load test's client does not hash). Production sets 12 (docs/quiz.md).

The pages solve it in ``static/outreach/quiz.js`` (forms with ``data-pow``); API clients get the challenge in
a 428 answer ``{"error": "pow", "challenge": ..., "bits": ...}`` and send ``pow_challenge`` and ``pow_nonce``.
"""

import base64
import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.core.cache import cache

from . import live

CHALLENGE_SECONDS = 1800  # a pupil may read the quiz page a while before starting
MAX_BITS = 24
_keys = {}


def bits():
    """The configured work (0: off), capped so that a phone is never asked for more than a few seconds."""
    return max(0, min(MAX_BITS, int(getattr(settings, "JINDU_QUIZ_POW_BITS", 0) or 0)))


def enabled():
    return bits() > 0


def _key():
    secret = settings.SECRET_KEY
    if _keys.get("secret") != secret:
        _keys.update(secret=secret, key=hashlib.sha256(f"jindu.outreach.quiz.pow\x00{secret}".encode()).digest())
    return _keys["key"]


def _sign(payload):
    return base64.urlsafe_b64encode(hmac.new(_key(), payload.encode(), hashlib.sha256).digest()[:18]).decode()


def issue(now=None):
    """A new challenge (a string), or "" when the proof of work is off."""
    work = bits()
    if not work:
        return ""
    expires = int((now if now is not None else time.time()) + CHALLENGE_SECONDS)
    payload = f"{expires:x}.{secrets.token_hex(8)}.{work}"
    return f"{payload}.{_sign(payload)}"


def leading_zero_bits(digest):
    count = 0
    for byte in digest:
        if byte == 0:
            count += 8
            continue
        return count + 8 - byte.bit_length()
    return count


def solve(challenge, limit=1 << 26):
    """The smallest nonce for ``challenge`` (tests and scripted clients; a phone does the same in JavaScript)."""
    need = int(challenge.split(".")[2])
    for nonce in range(limit):
        if leading_zero_bits(hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()) >= need:
            return str(nonce)
    raise ValueError("no nonce found")


def _first_use(token, ttl):
    """True the first time ``token`` is seen within ``ttl`` seconds (Redis SET NX, else the cache's add)."""
    key = f"{live.prefix()}pow:{token}"
    client = live.redis_client()
    if client is not None:
        try:
            return bool(client.set(key, 1, nx=True, ex=max(1, ttl)))
        except Exception:  # Redis down: fall back on the cache rather than refusing every pupil
            live.logger.warning("quiz proof of work: Redis unavailable", exc_info=True)
    return cache.add(key, 1, max(1, ttl))


def valid(challenge, nonce, now=None):
    """Whether ``nonce`` solves ``challenge``: signed by us, unexpired, asking at least the configured work,
    not used before. A valid proof is spent by this call."""
    if not challenge or not nonce or len(challenge) > 120 or len(str(nonce)) > 20:
        return False
    payload, _dot, signature = challenge.rpartition(".")
    if not payload or not hmac.compare_digest(signature, _sign(payload)):
        return False
    try:
        expires_hex, token, work = payload.split(".")
        expires, work = int(expires_hex, 16), int(work)
    except ValueError:
        return False
    now = now if now is not None else time.time()
    if expires < now or work < bits():
        return False
    digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
    if leading_zero_bits(digest) < work:
        return False
    return _first_use(token, int(expires - now) + 1)


def check(data):
    """Raise ``Required`` unless the proof of work is off or ``data`` (a POST or a JSON body) carries a valid
    ``pow_challenge``/``pow_nonce``."""
    if not enabled():
        return
    if not valid(str(data.get("pow_challenge") or ""), str(data.get("pow_nonce") or "")):
        raise Required(issue())


class Required(Exception):
    """The request needs a (new) proof of work; ``challenge`` is a fresh one to solve."""

    def __init__(self, challenge):
        super().__init__("pow")
        self.challenge = challenge

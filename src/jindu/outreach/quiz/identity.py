"""Who a participant is: a phone number verified by a code, or an opaque id from a WeChat-style login.

- **Participant token**: after sign-in the participant holds a token signed with HMAC-SHA256 (a key derived
  from SECRET_KEY) naming the participant and the region and school of their profile, valid 30 days. Pages carry it in
  an HttpOnly cookie, API clients in ``Authorization: Bearer``. Checking it needs no database query, which
  is what keeps a class of fifty starting together cheap; a profile change issues a new one.
- **Phone login**: a 6-digit code by SMS (``sms``), valid 5 minutes, 5 wrong tries, at most
  ``quiz_sms.phone`` (1 a minute) and ``quiz_sms_day.phone`` (5 a day) codes per phone, counted from the
  stored codes, and ``quiz_sms.ip`` per address. The phone is stored encrypted, looked up by keyed hash.
- **WeChat-style login**: ``settings.JINDU_QUIZ_WECHAT_ADAPTER`` names an adapter class with
  ``authorize_url(request, state, redirect_uri)`` and ``identify(request) -> opaque id``. The opaque id is
  stored only as a keyed hash.
"""

import base64
import datetime
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from jindu.common import ratelimit
from jindu.common.crypto import blind_index

from . import limits, sms
from .choices import IdentityKind
from .models import Participant, QuizLoginCode

SALT = "jindu.outreach.quiz.participant"
TOKEN_MAX_AGE = 30 * 86400
COOKIE = "jindu_quiz"
CODE_SECONDS = 300
CODE_TRIES = 5
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class IdentityError(Exception):
    """A sign-in that cannot go on; ``message`` is shown to the participant."""

    def __init__(self, message, status=400):
        super().__init__(str(message))
        self.message, self.status = message, status


# --- Tokens -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claims:
    participant_id: int
    region_id: int | None
    school_id: int | None
    version: int


def _token_key():
    """The tokens' HMAC key, derived from SECRET_KEY once per process (and again if it changes)."""
    secret = settings.SECRET_KEY
    if _key_cache.get("secret") != secret:
        _key_cache.update(secret=secret, key=hashlib.sha256(f"{SALT}\x00{secret}".encode()).digest())
    return _key_cache["key"]


_key_cache = {}


def _signature(payload):
    digest = hmac.new(_token_key(), payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


def issue_token(participant, now=None):
    """``participant.region.school.version.issued.signature`` (issued in seconds, base 36; HMAC-SHA256 under a
    key derived from SECRET_KEY). Checked with one HMAC: the cheapest thing on every quiz request."""
    issued = int(now if now is not None else time.time())
    payload = "{}.{}.{}.{}.{}".format(participant.pk, participant.region_id or "", participant.school_id or "",
                                      participant.profile_version, _base36(issued))
    return f"{payload}.{_signature(payload)}"


def _base36(number):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while number:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
    return text or "0"


def read_token(token, now=None):
    """The claims of a valid, unexpired token, else None."""
    if not token or len(token) > 200:
        return None
    payload, _dot, signature = token.rpartition(".")
    if not payload or not hmac.compare_digest(signature, _signature(payload)):
        return None
    try:
        participant, region, school, version, issued = payload.split(".")
        if (now if now is not None else time.time()) - int(issued, 36) > TOKEN_MAX_AGE:
            return None
        return Claims(int(participant), int(region) if region else None, int(school) if school else None,
                      int(version))
    except ValueError:
        return None


def request_token(request):
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.COOKIES.get(COOKIE, "")


def claims_from_request(request):
    return read_token(request_token(request))


def set_cookie(response, token):
    response.set_cookie(COOKIE, token, max_age=TOKEN_MAX_AGE, httponly=True, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE)
    return response


# --- Participants -------------------------------------------------------------------------------


def new_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def participant_for(kind, identity_hash, phone=""):
    """The participant of an identity, created on first sign-in."""
    existing = Participant.objects.filter(identity_kind=kind, identity_hash=identity_hash).first()
    if existing is not None:
        return existing
    for _attempt in range(5):
        participant = Participant(identity_kind=kind, identity_hash=identity_hash, code=new_code(),
                                  phone=phone, phone_tail=phone[-4:] if phone else "")
        try:
            with transaction.atomic():
                participant.save()
            return participant
        except IntegrityError:
            existing = Participant.objects.filter(identity_kind=kind, identity_hash=identity_hash).first()
            if existing is not None:  # signed in twice at once
                return existing
    raise IdentityError(_("Please try again."), status=503)


# --- Phone login --------------------------------------------------------------------------------


def normalise_phone(text):
    """A mainland mobile number (11 digits starting with 1), from what people type (+86, spaces, hyphens)."""
    digits = "".join(ch for ch in str(text or "") if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) != 11 or digits[0] != "1" or digits[1] not in "3456789":
        raise ValidationError(_("Enter an 11-digit mobile number."))
    return digits


def phone_hash(phone):
    return blind_index(phone, purpose="quiz-phone")


def _code_hash(phone_hash_, code):
    return blind_index(f"{phone_hash_}:{code}", purpose="quiz-code")


def _cap(scope, subject_hash, now):
    """Refuse when the codes sent to this phone within the configured window reach the rate."""
    parsed = ratelimit.parse_rate(ratelimit.rates(scope).get("phone"))
    if parsed is None:
        return
    limit, period = parsed
    since = now - datetime.timedelta(seconds=period)
    sent = QuizLoginCode.objects.filter(phone_hash=subject_hash, sent_at__gt=since).order_by("sent_at")
    count = sent.count()
    if count >= limit:
        oldest = sent.values_list("sent_at", flat=True)[count - limit]
        raise ratelimit.RateLimited(scope, (oldest - since).total_seconds())


def send_code(phone, *, ip):
    """Send a sign-in code to ``phone`` (normalised). Raises RateLimited over the caps, IdentityError when
    the gateway refuses."""
    now = timezone.now()
    hashed = phone_hash(phone)
    limits.check("quiz_sms", ip=ip)
    _cap("quiz_sms", hashed, now)
    _cap("quiz_sms_day", hashed, now)
    code = f"{secrets.randbelow(10**6):06d}"
    row = QuizLoginCode.objects.create(phone_hash=hashed, code_hash=_code_hash(hashed, code), sent_at=now,
                                       expires_at=now + datetime.timedelta(seconds=CODE_SECONDS))
    message = _("[Anti-drug quiz] Your code is {code}, valid for {minutes} minutes. Do not tell it to anyone.").format(
        code=code, minutes=CODE_SECONDS // 60)
    try:
        sms.backend().send(phone, str(message))
    except sms.SmsError:
        QuizLoginCode.objects.filter(pk=row.pk).update(used=True)
        raise IdentityError(_("The text message could not be sent. Please try again later."), status=503)
    return row


def verify_code(phone, code):
    """The participant of ``phone`` when ``code`` is its latest unexpired code; each wrong code counts."""
    hashed = phone_hash(phone)
    code = "".join(ch for ch in str(code or "") if ch.isdigit())
    now = timezone.now()
    failure = None
    with transaction.atomic():  # a wrong code's count is committed before the refusal is raised
        row = QuizLoginCode.objects.select_for_update().filter(phone_hash=hashed, used=False).order_by(
            "-sent_at").first()
        if row is None or row.expires_at <= now:
            failure = _("The code has expired. Ask for a new one.")
        elif row.tries >= CODE_TRIES:
            failure = _("Too many wrong codes. Ask for a new one.")
        elif len(code) != 6 or not constant_time_compare(row.code_hash, _code_hash(hashed, code)):
            row.tries += 1
            row.save(update_fields=["tries"])
            left = CODE_TRIES - row.tries
            failure = _("Too many wrong codes. Ask for a new one.") if left <= 0 else \
                _("Wrong code. {n} tries left.").format(n=left)
        else:
            row.used = True
            row.save(update_fields=["used"])
    if failure is not None:
        raise IdentityError(failure)
    return participant_for(IdentityKind.PHONE, hashed, phone=phone)


def purge_codes(days=2):
    """Delete sign-in codes older than ``days`` (the daily cap needs the last 24 hours only)."""
    return QuizLoginCode.objects.filter(sent_at__lt=timezone.now() - datetime.timedelta(days=days)).delete()[0]


# --- WeChat-style login -------------------------------------------------------------------------


class WechatAdapter:
    """Interface of a WeChat-style login. ``name`` separates the ids of different adapters."""

    name = "wechat"

    def authorize_url(self, request, state, redirect_uri):
        raise NotImplementedError

    def identify(self, request):
        """The opaque user id for the callback request (raise IdentityError when it cannot be had)."""
        raise NotImplementedError


class DevWechatAdapter(WechatAdapter):
    """Development and tests: the "WeChat" page is skipped; ``?openid=`` on the login link (or a random id)
    comes back as the callback's code. Never configure it in production."""

    name = "dev"

    def authorize_url(self, request, state, redirect_uri):
        from urllib.parse import urlencode

        openid = request.GET.get("openid") or secrets.token_hex(8)
        return f"{redirect_uri}?{urlencode({'state': state, 'code': openid})}"

    def identify(self, request):
        code = request.GET.get("code", "")
        if not code:
            raise IdentityError(_("The login was cancelled."))
        return code


class OfficialAccountAdapter(WechatAdapter):
    """WeChat Official Account web authorisation (snsapi_base): the openid of the user, nothing else.

    The participant's browser goes to WeChat's ``authorize`` page with our app id, the callback address and a
    random ``state`` (kept in a cookie); WeChat sends it back with a one-time ``code``, which the server
    exchanges, authenticated by the app secret, for the openid at the ``token`` endpoint. Settings (or the
    environment): ``JINDU_QUIZ_WECHAT_APPID``, ``JINDU_QUIZ_WECHAT_SECRET``, and for a private gateway or a test
    stand-in ``JINDU_QUIZ_WECHAT_AUTHORIZE_URL`` and ``JINDU_QUIZ_WECHAT_TOKEN_URL``. Tested against a local
    server speaking the published protocol (test_quiz_identity); not exercised against WeChat from this network."""

    name = "wechat"
    authorize = "https://open.weixin.qq.com/connect/oauth2/authorize"
    token = "https://api.weixin.qq.com/sns/oauth2/access_token"  # noqa: S105 (a URL)

    @staticmethod
    def _setting(name, default=""):
        import os

        return getattr(settings, name, None) or os.environ.get(name, default)

    def authorize_url(self, request, state, redirect_uri):
        from urllib.parse import urlencode

        query = urlencode({"appid": self._setting("JINDU_QUIZ_WECHAT_APPID"), "redirect_uri": redirect_uri,
                           "response_type": "code", "scope": "snsapi_base", "state": state})
        return f"{self._setting('JINDU_QUIZ_WECHAT_AUTHORIZE_URL', self.authorize)}?{query}#wechat_redirect"

    def identify(self, request):
        import json
        import urllib.request
        from urllib.parse import urlencode

        code = request.GET.get("code", "")
        if not code:
            raise IdentityError(_("The login was cancelled."))
        query = urlencode({"appid": self._setting("JINDU_QUIZ_WECHAT_APPID"),
                           "secret": self._setting("JINDU_QUIZ_WECHAT_SECRET"), "code": code,
                           "grant_type": "authorization_code"})
        endpoint = self._setting("JINDU_QUIZ_WECHAT_TOKEN_URL", self.token)
        try:
            with urllib.request.urlopen(f"{endpoint}?{query}", timeout=5) as response:  # noqa: S310
                data = json.loads(response.read().decode())
        except (OSError, ValueError) as error:
            raise IdentityError(_("The login could not be completed. Please try again."), status=503) from error
        openid = data.get("openid") if isinstance(data, dict) else None
        if not openid or data.get("errcode"):  # e.g. {"errcode": 40029, "errmsg": "invalid code"}
            raise IdentityError(_("The login could not be completed. Please try again."))
        return str(openid)


def wechat_adapter():
    path = getattr(settings, "JINDU_QUIZ_WECHAT_ADAPTER", "")
    return import_string(path)() if path else None


def participant_for_wechat(adapter, opaque_id):
    hashed = blind_index(f"{adapter.name}:{opaque_id}", purpose="quiz-wechat")
    return participant_for(IdentityKind.WECHAT, hashed)

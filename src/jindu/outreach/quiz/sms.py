"""The SMS gateway interface of the quiz's phone login.

A backend is a class with ``send(phone, message)``; ``settings.JINDU_QUIZ_SMS_BACKEND`` names the one in
use (``JINDU_QUIZ_SMS_BACKEND`` in the environment). Provided:

- :class:`ConsoleBackend` (default, development): writes the message to the ``jindu.quiz.sms`` log;
- :class:`MemoryBackend` (tests): keeps the messages in :data:`outbox`;
- :class:`HttpBackend`: a template for a real gateway (a JSON POST to ``JINDU_QUIZ_SMS_URL`` with a bearer
  token from ``JINDU_QUIZ_SMS_TOKEN``); a provider's own SDK goes in a class of the same shape.

A backend raises :class:`SmsError` when the gateway refuses; the participant is told to try later.
"""

import json
import logging
import os
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("jindu.quiz.sms")
outbox = []


class SmsError(Exception):
    """The gateway did not accept the message."""


class ConsoleBackend:
    """Development: the message goes to the log (stderr of ``jindu runserver`` or gunicorn)."""

    def send(self, phone, message):
        logger.warning("SMS to %s: %s", phone, message)


class MemoryBackend:
    """Tests: messages are appended to ``sms.outbox`` as (phone, message)."""

    def send(self, phone, message):
        outbox.append((phone, message))


class HttpBackend:
    """A JSON gateway: POST {"phone": ..., "message": ...} to JINDU_QUIZ_SMS_URL (bearer JINDU_QUIZ_SMS_TOKEN)."""

    timeout = 5

    def send(self, phone, message):
        url = os.environ.get("JINDU_QUIZ_SMS_URL", "")
        if not url:
            raise SmsError("JINDU_QUIZ_SMS_URL is not set")
        request = urllib.request.Request(
            url, data=json.dumps({"phone": phone, "message": message}).encode(), method="POST",
            headers={"Content-Type": "application/json",
                     "Authorization": "Bearer " + os.environ.get("JINDU_QUIZ_SMS_TOKEN", "")})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (configured URL)
                if response.status >= 300:
                    raise SmsError(f"gateway answered {response.status}")
        except OSError as error:
            raise SmsError(str(error)) from error


def backend():
    return import_string(settings.JINDU_QUIZ_SMS_BACKEND)()

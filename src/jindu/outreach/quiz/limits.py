"""Rate limits of the public quiz, on top of ``jindu.common.ratelimit``.

The quiz limits other subjects than a staff user: the client address and the participant (``quiz``:
every quiz request), the phone number a code is sent to (``quiz_sms``, ``quiz_sms_day``). Rates come
from ``settings.JINDU_RATE_LIMITS`` (``JINDU_RATE_LIMITS=quiz.ip=600/m`` in the environment changes one),
windows are fixed, and one over the rate raises :class:`~jindu.common.ratelimit.RateLimited` (429 with
``Retry-After``).

With Redis (``REDIS_URL``) the counters of one request are counted in one pipelined round trip;
without it they go through the Django cache as the common helpers do.
"""

import time

from jindu.common import ratelimit

from . import live


def check(scope, **subjects):
    """Count one request of ``scope`` for each ``kind=subject`` given (``ip=..., participant=...``);
    raise RateLimited when any of them is over its rate. Kinds without a configured rate are not counted."""
    now = time.time()
    configured = ratelimit.rates(scope)
    items = []
    for kind, subject in subjects.items():
        parsed = ratelimit.parse_rate(configured.get(kind))
        if parsed is None or subject in (None, ""):
            continue
        limit, period = parsed
        window = int(now // period)
        items.append((f"{scope}:{kind}:{subject}", limit, period, window, (window + 1) * period - now))
    if not items:
        return
    client = live.redis_client()
    if client is not None:
        pipe = client.pipeline(transaction=False)
        prefix = live.prefix()
        for base, _limit, period, window, _wait in items:
            pipe.incr(f"{prefix}rl:{base}:{window}")
            pipe.expire(f"{prefix}rl:{base}:{window}", period + 5)
        counts = pipe.execute()[0::2]
    else:  # the common helper's counter in the Django cache (same key scheme)
        counts = []
        for base, limit, period, _window, _wait in items:
            over, _remaining = ratelimit._hit(base, limit, period, now)
            counts.append(limit + 1 if over else 0)
    retry = [wait for (_base, limit, _period, _window, wait), count in zip(items, counts, strict=True)
             if count > limit]
    if retry:
        raise ratelimit.RateLimited(scope, max(retry))

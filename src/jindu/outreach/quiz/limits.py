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

clock = time.time  # tests fix it: fixed windows make a test flaky when it crosses a window's end
NOT_READ = object()  # check(fetch=...) without Redis: the caller reads the value itself

# The counters of one request (INCR, EXPIRE on the first hit of a window) and the optional GET, in one command.
LIMIT_SCRIPT = """
local n = tonumber(ARGV[1])
local out = {}
for i = 1, n do
  local count = redis.call('INCR', KEYS[i])
  if count == 1 then redis.call('EXPIRE', KEYS[i], ARGV[i + 1]) end
  out[i] = count
end
if #KEYS > n then out[n + 1] = redis.call('GET', KEYS[n + 1]) end
return out
"""  # check(fetch=...) without Redis: the caller reads the value itself


def check(scope, fetch=None, **subjects):
    """Count one request of ``scope`` for each ``kind=subject`` given (``ip=..., participant=...``);
    raise RateLimited when any of them is over its rate. Kinds without a configured rate are not counted.

    ``fetch``: a Redis key read in the same round trip; its raw value is returned (with Redis only; without
    Redis, or without a key, the result is a marker the caller passes on and that means "not read")."""
    now = clock()
    configured = ratelimit.rates(scope)
    items = []
    for kind, subject in subjects.items():
        parsed = ratelimit.parse_rate(configured.get(kind))
        if parsed is None or subject in (None, ""):
            continue
        limit, period = parsed
        window = int(now // period)
        items.append((f"{scope}:{kind}:{subject}", limit, period, window, (window + 1) * period - now))
    client = live.redis_client()
    fetched = NOT_READ
    if client is not None and (items or fetch):
        prefix = live.prefix()
        keys = [f"{prefix}rl:{base}:{window}" for base, _limit, _period, window, _wait in items]
        args = [len(items), *(period + 5 for _base, _limit, period, _window, _wait in items)]
        try:
            results = live.script(client, LIMIT_SCRIPT)(keys=keys + ([fetch] if fetch else []), args=args)
        except Exception:  # Redis down: no limit for now (logged), the request goes on
            live.logger.warning("quiz rate limits unavailable", exc_info=True)
            return NOT_READ
        if fetch:
            fetched = results[len(items)] if len(results) > len(items) else None
        counts = results[:len(items)]
    else:  # the common helper's counter in the Django cache (same key scheme)
        counts = []
        for base, limit, period, _window, _wait in items:
            over, _remaining = ratelimit._hit(base, limit, period, now)
            counts.append(limit + 1 if over else 0)
    retry = [wait for (_base, limit, _period, _window, wait), count in zip(items, counts, strict=True)
             if count > limit]
    if retry:
        raise ratelimit.RateLimited(scope, max(retry))
    return fetched

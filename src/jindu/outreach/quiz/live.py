"""Live figures of a quiz: attempts, unique participants, score sum, passes and flags, per hour, per
region and per school.

With Redis (``REDIS_URL``), each scored submission adds to a hash per quiz (one pipelined round trip)
and the participant to a set (exact unique count; about 60 bytes per participant); reading them is one
round trip whatever the size of the quiz. When the hash is missing or incomplete (Redis restarted,
flushed, or the quiz predates the counters) it is recounted from the database under a short lock.

Without Redis (the embedded default) the same figures are counted from the attempt rows, kept for a
few seconds in the cache. Either way the figures have one shape (:func:`empty`); the statistics of
record are always counted from the database (``selectors``).
"""

import json
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncHour
from django.utils import timezone

logger = logging.getLogger("jindu.quiz")

DB_FIGURES_SECONDS = 10
REBUILD_LOCK_SECONDS = 60
KEEP_AFTER_CLOSE = 90 * 86400
_clients = {}


def redis_client():
    """A Redis client for ``settings.REDIS_URL`` (one connection pool per process), or None without Redis."""
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return None
    client = _clients.get(url)
    if client is None:
        import redis

        client = _clients[url] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return client


def prefix():
    return getattr(settings, "JINDU_QUIZ_REDIS_PREFIX", "jindu:")


def _keys(quiz_id):
    base = f"{prefix()}jq:{quiz_id}"
    return base, base + ":u"


def hour_key(moment):
    return timezone.localtime(moment).strftime("%Y%m%d%H")


def empty():
    """The shape of the figures: totals, then {hour "YYYYMMDDHH": attempts}, {region id (0: none): [attempts,
    score sum, passes]}, {school id: [...]}."""
    return {"n": 0, "s": 0, "p": 0, "f": 0, "u": 0, "hours": {}, "regions": {}, "schools": {}, "source": ""}


# One script, one command: the hash increments, the participant set, the expiries, and optionally the caller's
# own key (the finished attempt's entry). Cheaper for the client than a pipeline of twenty commands.
RECORD_SCRIPT = """
local fields = cjson.decode(ARGV[5])
for i = 1, #fields, 2 do redis.call('HINCRBY', KEYS[1], fields[i], fields[i + 1]) end
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[2], ARGV[1])
if ARGV[3] ~= '' then redis.call('SET', KEYS[3], ARGV[3], 'EX', ARGV[4]) end
return 1
"""
_scripts = {}


def script(client, source):
    """A registered Lua script of ``client`` (EVALSHA, loaded again by redis-py when Redis lost it)."""
    key = (id(client), source)
    registered = _scripts.get(key)
    if registered is None:
        registered = _scripts[key] = client.register_script(source)
    return registered


def record(*, quiz_id, participant_id, region_id, school_id, at, score, passed, flagged, closes_at, also=None):
    """Count one scored submission (Redis only; without Redis the figures are counted from the rows).
    ``also``: (key, value, seconds) of the caller's own key, set in the same command."""
    client = redis_client()
    if client is None:
        return
    key, users = _keys(quiz_id)
    region = region_id or 0
    ttl = max(3600, int((closes_at - at).total_seconds()) + KEEP_AFTER_CLOSE)
    fields = ["n", 1, "s", score, "h:" + hour_key(at), 1, f"r:{region}", 1, f"rs:{region}", score]
    if passed:
        fields += ["p", 1, f"rp:{region}", 1]
    if flagged:
        fields += ["f", 1]
    if school_id:
        fields += [f"c:{school_id}", 1, f"cs:{school_id}", score]
        if passed:
            fields += [f"cp:{school_id}", 1]
    own_key, own_value, own_ttl = also if also else (key, "", 0)
    try:
        script(client, RECORD_SCRIPT)(keys=[key, users, own_key],  # the fields as one JSON argument: cheaper
                                      args=[ttl, participant_id, own_value, own_ttl,
                                            json.dumps(fields, separators=(",", ":"))])
    except Exception:  # a live counter never fails a participant's submission
        logger.warning("quiz %s: live counters not updated", quiz_id, exc_info=True)


def _from_hash(data, unique):
    figures = empty()
    for raw_field, raw_value in data.items():
        field = raw_field.decode() if isinstance(raw_field, bytes) else raw_field
        value = int(raw_value)
        if field in ("n", "s", "p", "f"):
            figures[field] = value
            continue
        kind, _, ident = field.partition(":")
        if kind == "h":
            figures["hours"][ident] = value
        elif kind in ("r", "rs", "rp"):
            figures["regions"].setdefault(int(ident), [0, 0, 0])[("r", "rs", "rp").index(kind)] = value
        elif kind in ("c", "cs", "cp"):
            figures["schools"].setdefault(int(ident), [0, 0, 0])[("c", "cs", "cp").index(kind)] = value
    figures["u"] = unique
    figures["source"] = "redis"
    return figures


def count_from_database(quiz_id):
    """The figures counted from the attempt rows (a few grouped queries on the (quiz, status) index)."""
    from .models import QuizAttempt

    rows = QuizAttempt.objects.filter(quiz_id=quiz_id, status="submitted")
    figures = empty()
    totals = rows.aggregate(n=Count("id"), s=Sum("score"), p=Count("id", filter=Q(passed=True)),
                            f=Count("id", filter=~Q(flag="")), u=Count("participant", distinct=True))
    figures.update({key: int(totals[key] or 0) for key in ("n", "s", "p", "f", "u")})
    tz = timezone.get_current_timezone()
    for row in rows.annotate(hour=TruncHour("finished_at", tzinfo=tz)).values("hour").annotate(n=Count("id")):
        figures["hours"][hour_key(row["hour"])] = row["n"]
    for dimension, target in (("region", "regions"), ("school", "schools")):
        grouped = rows.values(dimension).annotate(n=Count("id"), s=Sum("score"), p=Count("id", filter=Q(passed=True)))
        for row in grouped:
            if row[dimension] is None and dimension == "school":
                continue
            figures[target][row[dimension] or 0] = [row["n"], int(row["s"] or 0), row["p"]]
    figures["source"] = "database"
    return figures


def rebuild(quiz_id):
    """Recount the Redis figures of a quiz from the database (into new keys, then renamed over the live ones)."""
    from .models import QuizAttempt

    client = redis_client()
    figures = count_from_database(quiz_id)
    key, users = _keys(quiz_id)
    fields = {"n": figures["n"], "s": figures["s"], "p": figures["p"], "f": figures["f"], "built": 1}
    fields.update({f"h:{hour}": n for hour, n in figures["hours"].items()})
    for target, names in (("regions", ("r", "rs", "rp")), ("schools", ("c", "cs", "cp"))):
        for ident, values in figures[target].items():
            fields.update({f"{name}:{ident}": value for name, value in zip(names, values, strict=True)})
    temp_key, temp_users = key + ":rebuild", users + ":rebuild"
    pipe = client.pipeline(transaction=False)
    pipe.delete(temp_key, temp_users)
    pipe.hset(temp_key, mapping=fields)
    participants = QuizAttempt.objects.filter(quiz_id=quiz_id, status="submitted").values_list(
        "participant_id", flat=True).distinct().order_by()
    chunk = []
    for participant_id in participants.iterator(chunk_size=10000):
        chunk.append(participant_id)
        if len(chunk) >= 10000:
            pipe.sadd(temp_users, *chunk)
            chunk = []
    if chunk:
        pipe.sadd(temp_users, *chunk)
    pipe.rename(temp_key, key)
    if figures["u"]:
        pipe.rename(temp_users, users)
    else:
        pipe.delete(users)
    pipe.expire(key, KEEP_AFTER_CLOSE)
    pipe.execute()
    return figures


def figures(quiz_id):
    """The live figures of a quiz (see :func:`empty`)."""
    client = redis_client()
    if client is not None:
        key, users = _keys(quiz_id)
        try:
            pipe = client.pipeline(transaction=False)
            pipe.hgetall(key)
            pipe.scard(users)
            data, unique = pipe.execute()
            if data.get(b"built") == b"1":
                return _from_hash(data, unique)
            if client.set(key + ":lock", 1, nx=True, ex=REBUILD_LOCK_SECONDS):
                try:
                    return rebuild(quiz_id)
                finally:
                    client.delete(key + ":lock")
        except Exception:
            logger.warning("quiz %s: live counters unavailable, counting from the database", quiz_id, exc_info=True)
    cache_key = f"quiz:figures:{quiz_id}"
    try:
        cached = cache.get(cache_key)
    except Exception:
        cached = None
    if cached is not None:
        return cached
    counted = count_from_database(quiz_id)
    counted["as_of"] = time.time()
    try:
        cache.set(cache_key, counted, DB_FIGURES_SECONDS)
    except Exception:
        pass
    return counted


def forget(quiz_id):
    """Drop the counters of a quiz (tests; a quiz deleted before it had attempts)."""
    client = redis_client()
    if client is not None:
        client.delete(*_keys(quiz_id))
    cache.delete(f"quiz:figures:{quiz_id}")

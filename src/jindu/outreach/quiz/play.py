"""The participant's side of a quiz: start an attempt, fetch its questions, submit it. The hot path.

Rules the server enforces (never the client):

- **The answer key never leaves the server before submission.** The paper sent out lists the
  questions by position with their options in the order drawn for this attempt; the key is kept in the
  attempt row (and its cache entry) and compared on submit. A score sent by the client is ignored.
- **Order and options shuffled per attempt** on the server (a true/false question keeps its two options).
- **Server-side time**: ``started_at`` and ``deadline`` are set at the start. A submission later than the
  deadline (plus :data:`GRACE_SECONDS` for the network) or faster than ``min_seconds_per_question`` x the
  number of questions is rejected or flagged, as the quiz says (``timing_rule``). Flagged attempts are
  scored but win no prize.
- **Limits under concurrency**: an attempt takes the next day slot and total slot; unique constraints on
  (quiz, participant, day, day_slot) and (quiz, participant, total_slot) refuse a second row for the same
  slot, so two concurrent starts cannot exceed the limits. Starting counts (an abandoned attempt is used):
  nobody can look at questions and start again. An open attempt within its time is resumed, not doubled.
- **One submission per attempt**: the submit is an ``UPDATE ... WHERE status = 'open'``; a retried or
  concurrent submit finds the row already finished and gets the first result, writing nothing.

Cost per step (see docs/performance.md "Public quiz"), with Redis: start = the rate-limit command, one indexed
SELECT and one INSERT (prepared statements, ``hotsql``), one SET of the attempt's entry; fetch = one command
(rate limits and the entry together); submit = that command, one UPDATE, one command for the live counters and
the finished entry. The database is read for an attempt only when Redis lost its entry. The quiz's settings and
its approved questions are held per process for :data:`CONFIG_SECONDS`.
"""

import datetime
import json
import random
import secrets
import time
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jindu.common.scope import ancestor_codes

from . import hotsql, limits, live
from .choices import AttemptFlag, AttemptStatus, QuestionKind, QuestionStatus, QuizStatus, TimingRule
from .models import Question, Quiz, QuizAttempt

CONFIG_SECONDS = 30
GRACE_SECONDS = 15
PAPER_PREFIX = "quiz:paper:"
_rngs = {}


def _rng():
    """A generator per process, seeded from the OS (gunicorn forks workers: each seeds its own). Shuffling needs
    unpredictable variety between attempts, not a cryptographic generator: os.urandom on every draw cost more
    than the rest of the draw."""
    import os

    generator = _rngs.get(os.getpid())
    if generator is None:
        generator = _rngs[os.getpid()] = random.Random(os.urandom(32))
    return generator


class PlayError(Exception):
    """A request the rules refuse; ``code`` for clients, ``message`` for people, ``status`` for HTTP."""

    def __init__(self, code, message, status=409, **extra):
        super().__init__(code)
        self.code, self.message, self.status, self.extra = code, message, status, extra


# --- The quiz as the hot path sees it ---------------------------------------------------------


@dataclass
class QuestionData:
    id: int
    kind: str
    text_zh: str
    text_bo: str
    options: list
    answer: list
    explanation_zh: str
    explanation_bo: str

    def text(self, tibetan):
        return (self.text_bo if tibetan and self.text_bo else self.text_zh) or self.text_bo

    def option_texts(self, tibetan):
        return [(o.get("bo") if tibetan and o.get("bo") else o.get("zh")) or o.get("bo") or "" for o in self.options]

    def explanation(self, tibetan):
        return (self.explanation_bo if tibetan and self.explanation_bo else self.explanation_zh) or \
            self.explanation_bo


@dataclass
class QuizConfig:
    """What the hot path needs of a quiz, loaded once per process every CONFIG_SECONDS."""

    id: int
    code: str
    status: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    time_limit: int
    min_per_question: float
    timing_rule: str
    per_day: int
    total: int
    pass_mark: int
    asks_region: bool
    asks_school: bool
    eligible_paths: tuple
    region_restricted: bool  # eligible regions set, or the quiz asks for the region
    rules: list  # [(category id or None, difficulty or None, count)], most specific first
    pools: list  # question ids per rule
    prizes: list = field(default_factory=list)  # [(name, Tibetan name, minimum score)] in drawing order
    bank: dict = field(default_factory=dict)  # question id -> QuestionData (approved, in some pool)
    loaded: float = 0.0

    @property
    def question_count(self):
        return sum(count for _c, _d, count in self.rules)

    def is_open(self, now):
        return self.status == QuizStatus.PUBLISHED and self.opens_at <= now < self.closes_at


_configs = {}
_region_paths = {}


def region_path(region_id):
    """A region's path, from all regions' paths read once per process (a hundred rows; they do not change)."""
    if region_id is None:
        return None
    path = _region_paths.get(region_id)
    if path is None:
        from jindu.core.models import Region

        _region_paths.update(Region.objects.values_list("pk", "path"))
        path = _region_paths.get(region_id)
    return path


def bank_questions(quiz):
    """Approved questions a quiz may draw: owned by its region, a region above it or a region under it."""
    region = quiz.region
    return Question.objects.filter(status=QuestionStatus.APPROVED).filter(
        region__path__startswith=region.path) | Question.objects.filter(
        status=QuestionStatus.APPROVED, region__code__in=ancestor_codes(region))


def _specificity(rule):
    category, difficulty, _count = rule
    return (category is None) * 2 + (difficulty is None)


def load_config(quiz):
    """Build the hot path's view of ``quiz`` (a Quiz instance)."""
    rules = sorted(((r.category_id, r.difficulty, r.count) for r in quiz.draw_rules.all()), key=_specificity)
    questions = list(bank_questions(quiz).values(
        "id", "kind", "category_id", "difficulty", "text_zh", "text_bo", "options", "answer", "explanation_zh",
        "explanation_bo"))
    pools = []
    for category, difficulty, _count in rules:
        pools.append([q["id"] for q in questions if (category is None or q["category_id"] == category)
                      and (difficulty is None or q["difficulty"] == difficulty)])
    used = {qid for pool in pools for qid in pool}
    bank = {q["id"]: QuestionData(q["id"], q["kind"], q["text_zh"], q["text_bo"], q["options"], q["answer"],
                                  q["explanation_zh"], q["explanation_bo"]) for q in questions if q["id"] in used}
    chosen = tuple(quiz.eligible_regions.values_list("path", flat=True))
    eligible = chosen or (quiz.region.path,)
    return QuizConfig(
        id=quiz.pk, code=quiz.code, status=quiz.status, opens_at=quiz.opens_at, closes_at=quiz.closes_at,
        time_limit=quiz.time_limit_seconds, min_per_question=float(quiz.min_seconds_per_question),
        timing_rule=quiz.timing_rule, per_day=quiz.attempts_per_day, total=quiz.attempts_total,
        pass_mark=quiz.pass_mark, asks_region=quiz.asks_region, asks_school=quiz.asks_school,
        eligible_paths=eligible, region_restricted=bool(chosen) or quiz.asks_region, rules=rules, pools=pools,
        prizes=[(p.name, p.name_bo, p.min_score) for p in quiz.prizes.all()], bank=bank, loaded=time.monotonic())


def config(*, code=None, quiz_id=None):
    """The (per-process cached) config of a quiz by public code or id; None when there is no such quiz."""
    key = ("c", code) if code is not None else ("i", quiz_id)
    cached = _configs.get(key)
    if cached is not None and time.monotonic() - cached.loaded < CONFIG_SECONDS:
        return cached
    quiz = Quiz.objects.select_related("region").filter(**({"code": code} if code is not None else {"pk": quiz_id}))
    quiz = quiz.first()
    if quiz is None:
        return None
    loaded = load_config(quiz)
    _configs[("c", loaded.code)] = _configs[("i", loaded.id)] = loaded
    return loaded


def forget(quiz=None):
    """Drop cached configs (this process) after a change of the quiz or its questions; other processes
    catch up within CONFIG_SECONDS."""
    if quiz is None:
        _configs.clear()
        return
    for key in [("c", quiz.code), ("i", quiz.pk)]:
        _configs.pop(key, None)


def prize_eligible(cfg, region_id):
    """Whether an attempt of this region can win: any region when the quiz neither asks for one nor names
    eligible regions; else a region under the eligible ones (or the organising region)."""
    if not cfg.region_restricted:
        return True
    path = region_path(region_id)
    return path is not None and any(path.startswith(prefix) for prefix in cfg.eligible_paths)


# --- Drawing a paper ----------------------------------------------------------------------------


def draw_paper(cfg, rng=None):
    """[[question id, option order shown, key in that order], ...] in the order shown."""
    rng = rng or _rng()
    chosen, taken = [], set()
    for (_category, _difficulty, count), pool in zip(cfg.rules, cfg.pools, strict=True):
        candidates = [qid for qid in pool if qid not in taken]
        if len(candidates) < count:
            raise PlayError("not_ready", _("This quiz is not ready yet. Please come back later."), status=503)
        picked = rng.sample(candidates, count)
        taken.update(picked)
        chosen.extend(picked)
    rng.shuffle(chosen)
    paper = []
    for qid in chosen:
        question = cfg.bank[qid]
        order = list(range(len(question.options)))
        if question.kind != QuestionKind.TRUE_FALSE:
            rng.shuffle(order)
        key = sorted(order.index(index) for index in question.answer)
        paper.append([qid, order, key])
    return paper


# --- Cache entries of open attempts -------------------------------------------------------------


def _entry(row):
    return {"id": row["id"], "t": row["token"], "q": row["quiz_id"], "p": row["participant_id"],
            "r": row["region_id"], "c": row["school_id"], "st": row["status"],
            "s": row["started_at"].timestamp(), "d": row["deadline"].timestamp(), "paper": row["paper"],
            "lang": row["language"]}


ENTRY_FIELDS = ("id", "token", "quiz_id", "participant_id", "region_id", "school_id", "status", "started_at",
                "deadline", "paper", "language")


def entry_key(token):
    return f"{live.prefix()}jqa:{token}"


def _cache_set(entry, ttl):
    """Keep an attempt's entry for the next requests: in Redis (JSON), else in the Django cache. The database
    stays the record: a lost entry only costs a query."""
    ttl = max(60, int(ttl))
    try:
        client = live.redis_client()
        if client is not None:
            client.set(entry_key(entry["t"]), json.dumps(entry, separators=(",", ":")), ex=ttl)
        else:
            cache.set(PAPER_PREFIX + entry["t"], entry, ttl)
    except Exception:  # a cache outage only costs a query
        pass


_UNSET = limits.NOT_READ


def attempt_entry(token, prefetched=_UNSET):
    """The attempt's entry (cache first, then the database), or None. ``prefetched``: the raw Redis value
    already read in the rate limit's round trip."""
    entry = None
    try:
        if prefetched is not _UNSET:
            entry = json.loads(prefetched) if prefetched else None
        elif live.redis_client() is not None:
            raw = live.redis_client().get(entry_key(token))
            entry = json.loads(raw) if raw else None
        else:
            entry = cache.get(PAPER_PREFIX + token)
    except Exception:
        entry = None
    if entry is not None:
        return entry
    row = QuizAttempt.objects.filter(token=token).values(*ENTRY_FIELDS).first()
    if row is None:
        return None
    entry = _entry(row)
    if entry["st"] == AttemptStatus.OPEN:
        _cache_set(entry, entry["d"] - time.time() + GRACE_SECONDS + 300)
    return entry


def owned_entry(token, claims, prefetched=_UNSET):
    entry = attempt_entry(token, prefetched) if token else None
    if entry is None or claims is None or entry["p"] != claims.participant_id:
        raise PlayError("not_found", _("This attempt does not exist."), status=404)
    return entry


# --- Start --------------------------------------------------------------------------------------


def start(cfg, claims, *, language="zh-hans", now=None):
    """Start (or resume) an attempt of ``cfg`` for the participant of ``claims``. Returns (entry, resumed)."""
    now = now or timezone.now()
    if not cfg.is_open(now):
        if now < cfg.opens_at:
            raise PlayError("not_open", _("The quiz has not opened yet."), opens_at=cfg.opens_at.isoformat())
        raise PlayError("closed", _("The quiz is closed."))
    if (cfg.asks_region and claims.region_id is None) or (cfg.asks_school and claims.school_id is None):
        raise PlayError("profile", _("Please complete your profile first."), status=428)
    today = timezone.localdate(now)
    for _attempt in range(3):
        latest = hotsql.latest_attempt(cfg.id, claims.participant_id)
        if latest is not None and latest["status"] == AttemptStatus.OPEN and latest["deadline"] > now:
            entry = _entry(latest)
            return entry, True
        total = latest["total_slot"] if latest else 0
        today_count = latest["day_slot"] if latest and latest["day"] == today else 0
        if total >= cfg.total:
            raise PlayError("no_attempts_left", _("You have used all your attempts of this quiz."))
        if today_count >= cfg.per_day:
            raise PlayError("daily_limit", _("You have used today's attempts. Come back tomorrow."))
        paper = draw_paper(cfg)
        deadline = now + datetime.timedelta(seconds=cfg.time_limit)
        values = {"quiz_id": cfg.id, "participant_id": claims.participant_id, "token": secrets.token_urlsafe(16),
                  "day": today, "day_slot": today_count + 1, "total_slot": total + 1, "started_at": now,
                  "deadline": deadline, "status": AttemptStatus.OPEN, "question_count": len(paper),
                  "region_id": claims.region_id, "school_id": claims.school_id,
                  "language": (language or "zh-hans")[:8], "paper": paper}
        try:
            if hotsql.connection().in_atomic_block:  # (tests, callers in a transaction) keep it usable
                with transaction.atomic(using=hotsql.connection().alias):
                    attempt_id = hotsql.insert_attempt(values)
            else:  # autocommit: one round trip, no BEGIN/COMMIT
                attempt_id = hotsql.insert_attempt(values)
        except IntegrityError:
            continue  # a concurrent start took the slot: look again (resume it, or take the next)
        entry = {"id": attempt_id, "t": values["token"], "q": cfg.id, "p": claims.participant_id,
                 "r": claims.region_id, "c": claims.school_id, "st": AttemptStatus.OPEN,
                 "s": now.timestamp(), "d": deadline.timestamp(), "paper": paper, "lang": values["language"]}
        _cache_set(entry, cfg.time_limit + GRACE_SECONDS + 300)
        return entry, False
    raise PlayError("busy", _("Please try again."), status=503)


# --- Fetch --------------------------------------------------------------------------------------


def is_tibetan(language=None):
    return (language or get_language() or "").startswith("bo")


def public_paper(cfg, entry, *, language=None, now=None):
    """What the participant sees before submitting: questions by position, options in the drawn order.
    No key, no explanation, no question ids."""
    tibetan = is_tibetan(language)
    now_ts = (now or timezone.now()).timestamp()
    questions = []
    for position, (qid, order, _key) in enumerate(entry["paper"]):
        question = question_data(cfg, qid)
        texts = question.option_texts(tibetan)
        questions.append({"n": position, "kind": question.kind, "text": question.text(tibetan),
                          "options": [texts[index] for index in order]})
    return {
        "attempt": entry["t"], "status": entry["st"], "quiz": cfg.code,
        "started_at": datetime.datetime.fromtimestamp(entry["s"], datetime.UTC).isoformat(),
        "deadline": datetime.datetime.fromtimestamp(entry["d"], datetime.UTC).isoformat(),
        "seconds_left": max(0, int(entry["d"] - now_ts)), "questions": questions,
    }


def question_data(cfg, qid):
    """A question of a paper: from the quiz's bank, or from the database when it has left the bank since."""
    question = cfg.bank.get(qid)
    if question is None:
        row = Question.objects.filter(pk=qid).values(
            "id", "kind", "text_zh", "text_bo", "options", "answer", "explanation_zh", "explanation_bo").first()
        if row is None:
            row = {"id": qid, "kind": QuestionKind.SINGLE, "text_zh": "—", "text_bo": "", "options": [],
                   "answer": [], "explanation_zh": "", "explanation_bo": ""}
        question = QuestionData(**row)
        cfg.bank[qid] = question
    return question


# --- Submit -------------------------------------------------------------------------------------


def parse_answers(raw, count):
    """Answers by position, each a sorted list of option positions shown; anything malformed is no answer.

    ``raw`` is a list (position -> index or list of indexes) or a dict ("0": [..]); other fields a
    client may send (a "score", a "correct") are not read at all."""
    answers = [[] for _ in range(count)]
    if isinstance(raw, dict):
        items = raw.items()
    elif isinstance(raw, list):
        items = enumerate(raw)
    else:
        return answers
    for position, value in items:
        try:
            position = int(position)
        except (TypeError, ValueError):
            continue
        if not 0 <= position < count:
            continue
        values = value if isinstance(value, list) else [value]
        chosen = set()
        for item in values[:8]:
            try:
                index = int(item)
            except (TypeError, ValueError):
                continue
            if 0 <= index < 8:
                chosen.add(index)
        answers[position] = sorted(chosen)
    return answers


def score_of(paper, answers):
    """(correct answers, score out of 100 rounded half up). A multiple-choice question counts only when
    exactly the correct options are chosen."""
    correct = sum(1 for (_qid, _order, key), given in zip(paper, answers, strict=True) if given == key)
    return correct, (200 * correct + len(paper)) // (2 * len(paper)) if paper else 0


@dataclass
class Result:
    token: str
    status: str
    flag: str
    score: int | None
    correct: int | None
    total: int
    passed: bool
    duration_ms: int | None
    answers: list  # option positions shown, per question
    first: bool  # False when this submission only repeated an earlier one


def submit(cfg, entry, raw_answers, *, now=None):
    """Score and close the attempt once. A repeated submit returns the first result and writes nothing."""
    now = now or timezone.now()
    paper = entry["paper"]
    answers = parse_answers(raw_answers, len(paper))
    elapsed = now.timestamp() - entry["s"]
    flag = ""
    if now.timestamp() > entry["d"] + GRACE_SECONDS:
        flag = AttemptFlag.LATE
    elif elapsed < cfg.min_per_question * len(paper):
        flag = AttemptFlag.TOO_FAST
    correct, score = score_of(paper, answers)
    rejected = bool(flag) and cfg.timing_rule == TimingRule.REJECT
    status = AttemptStatus.REJECTED if rejected else AttemptStatus.SUBMITTED
    passed = not rejected and score >= cfg.pass_mark
    stored = [[order[index] for index in given if index < len(order)] for (_q, order, _k), given in
              zip(paper, answers, strict=True)]  # the options' own indexes, for item analysis
    fields = {"status": status, "finished_at": now, "duration_ms": max(0, int(elapsed * 1000)), "flag": flag,
              "answers": stored, "correct": None if rejected else correct, "score": None if rejected else score,
              "passed": passed}
    updated = hotsql.finish_attempt(entry["id"], fields)
    if not updated:
        return stored_result(entry["t"])
    finished = {**entry, "st": status}
    if rejected or live.redis_client() is None:
        _cache_set(finished, 300)
    if not rejected:  # the live counters and the finished entry in one round trip
        live.record(quiz_id=cfg.id, participant_id=entry["p"], region_id=entry["r"], school_id=entry["c"], at=now,
                    score=score, passed=passed, flagged=bool(flag), closes_at=cfg.closes_at,
                    also=(entry_key(finished["t"]), json.dumps(finished, separators=(",", ":")), 300))
    return Result(entry["t"], status, flag, fields["score"], fields["correct"], len(paper), passed,
                  fields["duration_ms"], answers, True)


def stored_result(token):
    row = QuizAttempt.objects.filter(token=token).values(
        "token", "status", "flag", "score", "correct", "question_count", "passed", "duration_ms", "answers",
        "paper").first()
    if row is None or row["status"] == AttemptStatus.OPEN:
        return None
    shown = []
    for (_qid, order, _key), given in zip(row["paper"], row["answers"] or [[]] * len(row["paper"]), strict=True):
        shown.append(sorted(order.index(index) for index in given if index in order))
    return Result(row["token"], row["status"], row["flag"], row["score"], row["correct"], row["question_count"],
                  row["passed"], row["duration_ms"], shown, False)


def review(cfg, entry, result, *, language=None):
    """After submission only: every question with the options shown, the participant's answer, the
    correct options and the explanation."""
    tibetan = is_tibetan(language)
    rows = []
    for position, (qid, order, key) in enumerate(entry["paper"]):
        question = question_data(cfg, qid)
        texts = question.option_texts(tibetan)
        given = result.answers[position] if position < len(result.answers) else []
        rows.append({"n": position, "kind": question.kind, "text": question.text(tibetan),
                     "options": [texts[index] for index in order if index < len(texts)], "answer": given,
                     "correct": key, "right": given == key, "explanation": question.explanation(tibetan)})
    return rows


def prizes_for(cfg, result, region_id, *, language=None):
    """The prize draws a result qualifies for: scored, unflagged, from a region that can win."""
    if result.status != AttemptStatus.SUBMITTED or result.flag or not prize_eligible(cfg, region_id):
        return []
    tibetan = is_tibetan(language)
    return [{"prize": (name_bo if tibetan and name_bo else name), "min_score": minimum}
            for name, name_bo, minimum in cfg.prizes if result.score >= minimum]


def result_json(cfg, entry, result, *, language=None):
    submitted = result.status == AttemptStatus.SUBMITTED
    return {
        "attempt": result.token, "status": result.status, "flag": result.flag, "score": result.score,
        "correct": result.correct, "total": result.total, "passed": result.passed,
        "duration_seconds": None if result.duration_ms is None else round(result.duration_ms / 1000, 1),
        "repeated": not result.first,
        "prize_draws": prizes_for(cfg, result, entry["r"], language=language),
        # the review (with the key) only for a scored attempt: a rejected one reveals nothing
        "questions": review(cfg, entry, result, language=language) if submitted else [],
    }


def dumps(data):
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

"""Test data of the quiz, built directly (the services are tested separately)."""

import datetime
import itertools

from django.utils import timezone

from jindu.common.testing import region

from ..quiz import identity, play
from ..quiz.choices import IdentityKind, QuestionStatus, QuizStatus
from ..quiz.models import Participant, Question, QuestionCategory, Quiz, QuizAttempt, QuizDrawRule, QuizPrize

_seq = itertools.count(1)


def n():
    return next(_seq)


def category(code=None, name_zh="禁毒法律", name_bo="ཁྲིམས་ལུགས"):
    code = code or f"cat{n()}"
    return QuestionCategory.objects.get_or_create(code=code, defaults={"name_zh": name_zh, "name_bo": name_bo})[0]


def question(cat=None, kind="single", difficulty=2, status=QuestionStatus.APPROVED, region_code="540000",
             answer=None, **fields):
    number = n()
    if kind == "true_false":
        options = [{"zh": "正确", "bo": "ཡང་དག"}, {"zh": "错误", "bo": "ནོར་འཁྲུལ"}]
        answer = answer if answer is not None else [0]
    else:
        options = [{"zh": f"选项{number}-{i}", "bo": f"འདེམས་{number}-{i}"} for i in range(4)]
        answer = answer if answer is not None else ([1] if kind == "single" else [0, 2])
    values = {"ref": f"T{number:05d}", "region": region(region_code), "category": cat or category("law"),
              "kind": kind, "difficulty": difficulty, "text_zh": f"题目{number}：毒品是指什么？",
              "text_bo": f"དྲི་བ་{number}", "options": options, "answer": answer,
              "explanation_zh": f"解析{number}", "explanation_bo": f"འགྲེལ་བཤད་{number}", "status": status,
              "reviewed_at": timezone.now() if status == QuestionStatus.APPROVED else None, **fields}
    return Question.objects.create(**values)


def quiz(region_code="540000", questions=5, per_day=1, total=3, time_limit=600, min_per_question="0",
         timing_rule="reject", opens=None, closes=None, asks_region=True, asks_school=False, **fields):
    """A published, open quiz drawing ``questions`` questions of any category (enough approved ones made)."""
    now = timezone.now()
    values = {"code": f"quiz{n()}", "title": "禁毒知识有奖答题", "title_bo": "དུག་རྫས་བཀག་སྡོམ་ཤེས་བྱ།",
              "region": region(region_code), "opens_at": opens or now - datetime.timedelta(days=1),
              "closes_at": closes or now + datetime.timedelta(days=10), "time_limit_seconds": time_limit,
              "min_seconds_per_question": min_per_question, "timing_rule": timing_rule, "attempts_per_day": per_day,
              "attempts_total": total, "pass_mark": 60, "asks_region": asks_region, "asks_school": asks_school,
              "status": QuizStatus.PUBLISHED, **fields}
    made = Quiz.objects.create(**values)
    if questions:
        QuizDrawRule.objects.create(quiz=made, count=questions)
        for index in range(questions + 2):
            question(kind=("single", "multiple", "true_false")[index % 3])
    play.forget()
    return made


def prize(quiz_, name="一等奖", count=1, min_score=100, order=1):
    return QuizPrize.objects.create(quiz=quiz_, name=name, count=count, min_score=min_score, order=order)


def participant(region_code="540102", nickname=None, school=None, **fields):
    number = n()
    phone = f"139{number:08d}"
    return Participant.objects.create(
        code=f"P{number:07d}", identity_kind=IdentityKind.PHONE, identity_hash=identity.phone_hash(phone),
        phone=phone, phone_tail=phone[-4:], nickname=nickname or f"同学{number}",
        region=region(region_code) if region_code else None, school=school, **fields)


def token(participant_):
    return identity.issue_token(participant_)


def claims(participant_):
    return identity.read_token(identity.issue_token(participant_))


def attempt(quiz_, participant_, *, finished_at, score=80, status="submitted", flag="", region_code="same",
            total_slot=None, day=None):
    """A finished attempt row with a given submission time (for statistics and the draw)."""
    region_ = participant_.region if region_code == "same" else (region(region_code) if region_code else None)
    slot = total_slot or (QuizAttempt.objects.filter(quiz=quiz_, participant=participant_).count() + 1)
    day = day or timezone.localdate(finished_at)
    day_slot = QuizAttempt.objects.filter(quiz=quiz_, participant=participant_, day=day).count() + 1
    return QuizAttempt.objects.create(
        quiz=quiz_, participant=participant_, token=f"tok{n()}", day=day,
        day_slot=day_slot, total_slot=slot, started_at=finished_at - datetime.timedelta(minutes=5),
        deadline=finished_at + datetime.timedelta(minutes=5), status=status, finished_at=finished_at,
        question_count=5, correct=score // 20 if status == "submitted" else None,
        score=score if status == "submitted" else None, passed=status == "submitted" and score >= 60, flag=flag,
        region=region_, paper=[], answers=[])

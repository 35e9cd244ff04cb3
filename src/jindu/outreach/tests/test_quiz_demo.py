"""The demo question bank: every one of the 30 questions in Chinese and in Tibetan, served in Tibetan whole."""

import re

import pytest

from ..quiz import demo, play
from ..quiz.models import Question

pytestmark = pytest.mark.django_db

TIBETAN = re.compile(r"[\u0F00-\u0FFF]")
CJK = re.compile(r"[\u4E00-\u9FFF]")


def test_every_demo_question_has_its_tibetan():
    assert sorted(demo.TIBETAN) == sorted(row[0] for row in demo.QUESTIONS) and len(demo.QUESTIONS) == 30
    demo._questions(demo._categories())
    questions = Question.objects.filter(ref__startswith="DEMO-")
    assert questions.count() == 30
    for question in questions:
        assert TIBETAN.search(question.text_bo) and TIBETAN.search(question.explanation_bo), question.ref
        assert not CJK.search(question.text_bo.replace("（三唑仑）", "")), question.ref
        assert all(option["bo"] for option in question.options), question.ref


def test_a_demo_paper_in_tibetan_shows_no_chinese_question_text():
    demo._questions(demo._categories())
    cfg = play.QuizConfig(
        id=0,
        code="t",
        status="published",
        opens_at=None,
        closes_at=None,
        time_limit=600,
        min_per_question=0,
        timing_rule="flag",
        per_day=1,
        total=1,
        pass_mark=60,
        asks_region=False,
        asks_school=False,
        eligible_paths=(),
        region_restricted=False,
        rules=[(None, None, 30)],
        pools=[list(Question.objects.filter(ref__startswith="DEMO-").values_list("pk", flat=True))],
    )
    for qid in cfg.pools[0]:
        play.question_data(cfg, qid)  # the bank as load_config builds it
    entry = {"paper": play.draw_paper(cfg), "t": "x", "st": "open", "s": 0, "d": 0}
    paper = play.public_paper(cfg, entry, language="bo")
    assert len(paper["questions"]) == 30
    for question in paper["questions"]:
        assert TIBETAN.search(question["text"]) and all(TIBETAN.search(o) or o.isdigit() for o in question["options"])

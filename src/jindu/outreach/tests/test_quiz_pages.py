"""Staff and public pages of the quiz: access and scope, the question bank (review, Excel import/export
through the common engine), quiz configuration, live figures (htmx, Redis or database), results export,
the dashboard card; public pages light and in Chinese or Tibetan."""

import datetime
import io
import re
import uuid
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.utils import timezone

from jindu.common.importing import SYSTEM, export_dataset, get, run_import
from jindu.common.testing import create_user, region
from jindu.common.testing.views import ScopedModelViewTests
from jindu.core.models import AuditLog

from ..quiz import live, play, services
from ..quiz.models import Question, QuestionCategory, Quiz
from . import quiz_factories as qf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_client")]
TIBETAN = re.compile("[\u0f00-\u0fff]")


# --- Access ----------------------------------------------------------------------------------------


class TestQuestionViews(ScopedModelViewTests):
    model = Question
    api_url = "/api/v1/outreach/quiz-questions"

    def make_object(self, region_code):
        return qf.question(region_code=region_code)


class TestQuizViews(ScopedModelViewTests):
    model = Quiz
    api_url = "/api/v1/outreach/quizzes"

    def make_object(self, region_code):
        return qf.quiz(region_code=region_code, questions=0)


def test_a_county_sees_the_regions_bank_but_cannot_change_it(client, county_officer):
    regional = qf.question(region_code="540000")
    client.force_login(county_officer)
    assert client.get(f"/outreach/quiz-questions/{regional.pk}/").status_code == 200
    assert client.post(f"/outreach/quiz-questions/{regional.pk}/withdraw/").status_code == 404


# --- Question bank -----------------------------------------------------------------------------------


def test_question_form_review_and_the_approved_lock(client, officer):
    category = qf.category("law")
    client.force_login(officer)
    data = {"region": region("540000").pk, "category": category.pk, "kind": "multiple", "difficulty": 2,
            "text_zh": "下列属于毒品的有：", "text_bo": "", "explanation_zh": "见《刑法》第357条。",
            "option_0_zh": "海洛因", "option_0_correct": "on", "option_1_zh": "冰毒", "option_1_correct": "on",
            "option_2_zh": "阿司匹林"}
    response = client.post("/outreach/quiz-questions/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    question = Question.objects.get()
    assert question.status == "draft" and question.options[1] == {"zh": "冰毒", "bo": ""} and question.answer == [0, 1]
    bad = client.post("/outreach/quiz-questions/add/", {**data, "option_1_correct": ""})
    assert bad.status_code == 200 and b"at least two correct" in bad.content
    assert client.post(f"/outreach/quiz-questions/{question.pk}/approve/").status_code == 302
    question.refresh_from_db()
    assert question.status == "approved" and question.reviewed_by == officer
    assert AuditLog.objects.filter(action="outreach.question.approved", object_id=str(question.pk)).count() == 1
    changed = client.post(f"/outreach/quiz-questions/{question.pk}/edit/", {**data, "option_2_correct": "on"})
    assert changed.status_code == 200 and b"Withdraw it" in changed.content
    client.post(f"/outreach/quiz-questions/{question.pk}/withdraw/")
    question.refresh_from_db()
    assert question.status == "draft" and question.reviewed_at is None
    assert client.post(f"/outreach/quiz-questions/{question.pk}/edit/",
                       {**data, "option_2_correct": "on"}).status_code == 302


def test_true_false_gets_its_fixed_options():
    question = Question(ref="TF", region=region("540000"), category=qf.category(), kind="true_false",
                        text_zh="吸一次毒不会上瘾。", options=[{"zh": "x"}], answer=[1])
    question.full_clean()
    assert question.options == [{"zh": "正确", "bo": "ཡང་དག"}, {"zh": "错误", "bo": "ནོར་འཁྲུལ"}]


QUESTION_HEADER = ["ref", "region_code", "category", "kind", "difficulty", "text_zh", "text_bo", "option_a_zh",
                   "option_b_zh", "option_c_zh", "option_a_bo", "answer", "explanation_zh", "status"]
CHINESE_HEADER = ["编号", "所属区划", "题目类别", "题型", "难度", "题干（中文）", "题干（藏文）", "选项A（中文）",
                  "选项B（中文）", "选项C（中文）", "选项A（藏文）", "正确答案", "解析（中文）", "审核状态"]
QUESTION_ROWS = [
    ["IMP-001", "540000", "禁毒法律", "单选题", "1", "国际禁毒日是哪一天？", "", "6月26日", "6月1日", "", "", "A",
     "1987年确定。", "approved"],
    ["IMP-002", "540000", "毒品识别", "multiple", "2", "下列属于毒品的有：", "", "海洛因", "冰毒", "阿司匹林", "",
     "AB", "", "draft"],
    ["IMP-003", "540000", "禁毒法律", "判断题", "1", "吸一次毒不会上瘾。", "དུག་རྫས་ཐེངས་གཅིག", "", "", "", "", "错",
     "", "approved"],
]


def write_xlsx(path, header, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_question_import_with_chinese_headers_export_and_reimport(tmp_path, officer):
    QuestionCategory.objects.create(code="law", name_zh="禁毒法律")
    path = write_xlsx(tmp_path / "bank.xlsx", CHINESE_HEADER, QUESTION_ROWS)
    result = run_import(get("quiz_questions"), path, filename=path.name, actor=officer)
    assert result.ok, [(e.row, e.column, e.message) for e in result.errors]
    assert result.counts()["created"] == 3
    tf = Question.objects.get(ref="IMP-003")
    assert tf.kind == "true_false" and tf.answer == [1] and tf.status == "approved" and tf.reviewed_by == officer
    assert Question.objects.get(ref="IMP-002").answer == [0, 1]
    assert QuestionCategory.objects.filter(name_zh="毒品识别").exists()  # created by name
    again = run_import(get("quiz_questions"), path, filename=path.name, actor=officer)
    assert again.counts()["unchanged"] == 3
    out = tmp_path / "export.xlsx"
    with open(out, "wb") as handle:
        export_dataset(get("quiz_questions"), officer, handle, "xlsx")
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][0] == "ref" and "answer" in rows[0]
    assert run_import(get("quiz_questions"), out, filename=out.name, actor=officer).counts()["unchanged"] == 3


def test_question_import_refuses_changing_an_approved_question_and_writes_nothing(tmp_path):
    path = write_xlsx(tmp_path / "bank.xlsx", QUESTION_HEADER, QUESTION_ROWS)
    assert run_import(get("quiz_questions"), path, filename=path.name, actor=SYSTEM).ok
    changed = [list(row) for row in QUESTION_ROWS]
    changed[0][11] = "B"
    changed[1][5] = "改过的题干"
    changed.append(["IMP-004", "540000", "禁毒法律", "single", "9", "x", "", "a", "b", "", "", "Z", "", ""])
    path = write_xlsx(tmp_path / "bank2.xlsx", QUESTION_HEADER, changed)
    result = run_import(get("quiz_questions"), path, filename=path.name, actor=SYSTEM)
    assert not result.ok
    assert {e.row for e in result.errors} >= {2, 5}
    assert Question.objects.get(ref="IMP-002").text_zh == "下列属于毒品的有："  # all or nothing
    assert not Question.objects.filter(ref="IMP-004").exists()


# --- Quiz configuration -----------------------------------------------------------------------------


def test_create_configure_and_publish_a_quiz(client, officer):
    client.force_login(officer)
    now = timezone.localtime()
    response = client.post("/outreach/quizzes/add/", {
        "title": "测试答题", "region": region("540000").pk, "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + datetime.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"), "time_limit_seconds": 600,
        "min_seconds_per_question": "1.5", "timing_rule": "reject", "attempts_per_day": 1, "attempts_total": 3,
        "pass_mark": 60, "asks_region": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    quiz = Quiz.objects.get()
    assert quiz.status == "draft" and quiz.code
    detail = client.get(f"/outreach/quizzes/{quiz.pk}/")
    assert b"Add at least one draw rule" in detail.content and b"data:image/svg+xml" in detail.content
    assert client.post("/outreach/quiz-rules/add/", {"quiz": quiz.pk, "count": 3}).status_code == 302
    client.post(f"/outreach/quizzes/{quiz.pk}/publish/")
    quiz.refresh_from_db()
    assert quiz.status == "draft"  # not enough approved questions
    for _ in range(3):
        qf.question()
    client.post(f"/outreach/quizzes/{quiz.pk}/publish/")
    quiz.refresh_from_db()
    assert quiz.status == "published"
    assert AuditLog.objects.filter(action="outreach.quiz.published").count() == 1
    assert client.get(f"/quiz/q/{quiz.code}/").status_code == 200


def test_draft_quizzes_are_not_public(client):
    quiz = qf.quiz(status="draft")
    assert client.get(f"/quiz/q/{quiz.code}/").status_code == 404
    assert client.get(f"/quiz/api/q/{quiz.code}").status_code == 404


# --- Live figures ----------------------------------------------------------------------------------


def _play(quiz, participant, right=True, minutes_ago=1):
    cfg = play.config(quiz_id=quiz.pk)
    start = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    entry, _ = play.start(cfg, qf.claims(participant), now=start)
    answers = [key if right else [] for _q, _o, key in entry["paper"]]
    return play.submit(cfg, entry, answers, now=start + datetime.timedelta(seconds=30))


def test_live_figures_from_the_database(client, officer):
    from . import factories

    quiz = qf.quiz(questions=5, per_day=3)
    school = factories.school("540102")
    a, b = qf.participant("540102", school=school), qf.participant("542523")
    _play(quiz, a)
    _play(quiz, a, right=False, minutes_ago=2)
    _play(quiz, b)
    figures = live.figures(quiz.pk)
    assert figures["source"] == "database"
    assert (figures["n"], figures["u"], figures["s"], figures["p"]) == (3, 2, 200, 2)
    client.force_login(officer)
    page = client.get(f"/outreach/quizzes/{quiz.pk}/live/")
    assert page.status_code == 200 and b'hx-trigger="every 5s"' in page.content
    partial = client.get(f"/outreach/quizzes/{quiz.pk}/live/", HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and b'id="live-attempts">3<' in partial.content
    data = client.get(f"/outreach/quizzes/{quiz.pk}/live.json").json()
    api = client.get(f"/api/v1/outreach/quizzes/{quiz.pk}/live").json()
    assert (api["attempts"], api["participants"], api["by_prefecture"]) == (3, 2, data["by_prefecture"])
    assert data["attempts"] == 3 and data["participants"] == 2 and data["pass_rate"] == round(2 / 3, 4)
    assert {row["region"]: row["attempts"] for row in data["by_prefecture"]} == {"540100": 2, "542500": 1}
    assert data["by_school"][0]["attempts"] == 2
    card = client.get("/outreach/quizzes/live-card/")
    assert card.status_code == 200 and quiz.title.encode() in card.content
    home = client.get("/")
    assert b'hx-get="/outreach/quizzes/live-card/"' in home.content


@pytest.fixture
def redis_settings(settings):
    """Live counters and rate limits in the local Redis, under a key prefix of this test alone."""
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    settings.JINDU_QUIZ_REDIS_PREFIX = f"jindu-test-{uuid.uuid4().hex[:8]}:"
    yield settings
    client = live.redis_client()
    keys = list(client.scan_iter(settings.JINDU_QUIZ_REDIS_PREFIX + "*"))
    if keys:
        client.delete(*keys)


def test_live_counters_in_redis_and_recounted_after_a_loss(redis_settings, officer):
    quiz = qf.quiz(questions=5, per_day=3)
    a, b = qf.participant("540102"), qf.participant("540302")
    live.figures(quiz.pk)  # builds the (empty) counters
    _play(quiz, a)
    _play(quiz, b, right=False)
    _play(quiz, a, minutes_ago=3)
    figures = live.figures(quiz.pk)
    assert figures["source"] == "redis"
    assert (figures["n"], figures["u"], figures["s"], figures["p"]) == (3, 2, 200, 2)
    assert sum(figures["hours"].values()) == 3 and figures["regions"][region("540102").pk][0] == 2
    live.forget(quiz.pk)  # Redis lost its keys
    _play(quiz, b, minutes_ago=4)  # a submission lands on a partial hash
    again = live.figures(quiz.pk)
    assert (again["n"], again["u"], again["s"]) == (4, 2, 300)  # recounted from the rows
    assert again == {**live.count_from_database(quiz.pk), "source": "redis"} or again["source"] == "database"
    recounted = services.live_recount(actor=officer, quiz=quiz)
    assert recounted["n"] == 4


def test_rate_limits_in_redis(redis_settings, client, monkeypatch):
    from ..quiz import limits

    monkeypatch.setattr(limits, "clock", lambda: 1_800_000_000.0)  # one fixed window for the whole test
    redis_settings.JINDU_RATE_LIMITS = {**django_settings.JINDU_RATE_LIMITS,
                                        "quiz": {"ip": "3/m", "participant": "100/m"}}
    quiz = qf.quiz(questions=5)
    codes = [client.get(f"/quiz/api/q/{quiz.code}", REMOTE_ADDR="10.7.7.7").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_results_export_is_audited_and_has_no_phone(client, officer):
    quiz = qf.quiz(questions=5)
    participant = qf.participant()
    _play(quiz, participant)
    client.force_login(officer)
    response = client.get(f"/outreach/quizzes/{quiz.pk}/results/?format=xlsx")
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "participant" and rows[1][0] == participant.code and rows[1][13] == 100
    assert participant.phone not in str(rows)
    assert AuditLog.objects.filter(action="outreach.quiz.exported").count() == 1
    reader = create_user("leader", ["leader"], "540000")
    client.force_login(reader)
    assert client.get(f"/outreach/quizzes/{quiz.pk}/results/?format=csv").status_code == 200


# --- Public pages: light, Chinese or Tibetan ---------------------------------------------------------


def test_public_pages_load_no_framework_and_stay_under_100_kb():
    base = Path(__file__).resolve().parents[1] / "templates" / "outreach" / "public" / "base.html"
    text = base.read_text()
    assets = [a for a in re.findall(r"\{% static '([^']+)' %\}", text) if a.endswith((".css", ".js"))]
    assert assets == ["outreach/quiz.css", "outreach/quiz.js"]
    assert "tabler" not in text and "htmx" not in text
    total = sum(Path(finders.find(asset)).stat().st_size for asset in assets)
    assert total < 100 * 1024, total


def test_public_pages_in_chinese_and_tibetan(client):
    quiz = qf.quiz(questions=3)
    participant = qf.participant()
    client.cookies["jindu_quiz"] = qf.token(participant)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(f"/quiz/q/{quiz.code}/")
    assert page.status_code == 200 and b'<html lang="zh-hans">' in page.content
    assert "禁毒知识有奖答题" in page.content.decode()
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "bo"
    page = client.get(f"/quiz/q/{quiz.code}/").content.decode()
    assert '<html lang="bo">' in page and "དུག་རྫས་བཀག་སྡོམ་ཤེས་བྱ།" in page
    response = client.post(f"/quiz/q/{quiz.code}/start/")
    questions = client.get(response["Location"]).content.decode()
    assert len(TIBETAN.findall(questions)) > 20 and "དྲི་བ་" in questions  # question texts in Tibetan
    assert "题目" not in questions  # the Chinese text is not shown when the Tibetan exists


def test_a_question_without_tibetan_falls_back_to_chinese():
    quiz = qf.quiz(questions=3)
    Question.objects.update(text_bo="")
    play.forget()
    cfg = play.config(quiz_id=quiz.pk)
    entry, _ = play.start(cfg, qf.claims(qf.participant()))
    paper = play.public_paper(cfg, entry, language="bo")
    assert all(q["text"].startswith("题目") for q in paper["questions"])


def test_security_headers_on_public_pages(client):
    quiz = qf.quiz(questions=3)
    response = client.get(f"/quiz/q/{quiz.code}/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["Cache-Control"] == "no-store"
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_static_files_exist_for_the_font():
    css = Path(finders.find("outreach/quiz.css")).read_text()
    font = re.search(r'url\("\.\./([^"]+)"\)', css).group(1)
    assert finders.find(font), font

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from jindu.common.tables import BaseTable

from .models import Question, QuestionCategory, Quiz, QuizDailyCount


class QuestionCategoryTable(BaseTable):
    code = tables.Column(verbose_name=_("code"), linkify=True)
    questions = tables.Column(verbose_name=_("questions"), accessor="question_count", orderable=False)

    class Meta(BaseTable.Meta):
        model = QuestionCategory
        fields = ("code", "name_zh", "name_bo", "questions")


class QuestionTable(BaseTable):
    ref = tables.Column(verbose_name=_("reference"), linkify=True)
    text = tables.Column(verbose_name=_("question"), accessor="text_zh", orderable=False)

    class Meta(BaseTable.Meta):
        model = Question
        fields = ("ref", "text", "kind", "category", "difficulty", "status", "region")

    def render_text(self, record):
        text = record.text_zh or record.text_bo
        return text if len(text) <= 60 else text[:60] + "…"


class QuizTable(BaseTable):
    title = tables.Column(verbose_name=_("title"), linkify=True)

    class Meta(BaseTable.Meta):
        model = Quiz
        fields = ("title", "code", "campaign", "region", "opens_at", "closes_at", "status")


class QuizDailyCountTable(BaseTable):
    day = tables.Column(verbose_name=_("date"), linkify=True)

    class Meta(BaseTable.Meta):
        model = QuizDailyCount
        fields = ("day", "campaign", "region", "attempts", "participants", "source")

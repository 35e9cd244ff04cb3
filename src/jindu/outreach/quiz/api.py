"""Staff REST endpoints of the quiz, on the outreach router (/api/v1/outreach/...): quizzes, their live figures,
the question bank (read; the answer key is staff data). Writes go through the pages and the import engine."""

import datetime

from ninja import Field, Schema
from ninja.pagination import paginate

from jindu.common.api import scoped_or_404

from . import filtersets, selectors
from .models import Question, Quiz


class QuizOut(Schema):
    id: int
    code: str
    title: str
    title_bo: str
    region_code: str = Field(..., alias="region.code")
    campaign_id: int | None = None
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    time_limit_seconds: int
    attempts_per_day: int
    attempts_total: int
    pass_mark: int
    status: str


class QuestionOut(Schema):
    id: int
    ref: str
    region_code: str = Field(..., alias="region.code")
    category: str = Field(..., alias="category.code")
    kind: str
    difficulty: int
    text_zh: str
    text_bo: str
    options: list
    answer: list
    explanation_zh: str
    explanation_bo: str
    status: str


def register(router):
    @router.get("/quizzes", response=list[QuizOut], tags=["outreach quiz"])
    @paginate
    def quiz_list(request):
        queryset = Quiz.objects.restrict(request.user).select_related("region")
        return filtersets.QuizFilterSet(request.GET, queryset=queryset, request=request).qs

    @router.get("/quizzes/{pk}", response=QuizOut, tags=["outreach quiz"])
    def quiz_detail(request, pk: int):
        return scoped_or_404(Quiz, request, pk)

    @router.get("/quizzes/{pk}/live", tags=["outreach quiz"])
    def quiz_live(request, pk: int):
        """Live figures: attempts, participants, average, pass rate, by prefecture, county, school and hour."""
        return selectors.live_json(selectors.live_view(scoped_or_404(Quiz, request, pk)))

    @router.get("/quiz-questions", response=list[QuestionOut], tags=["outreach quiz"])
    @paginate
    def question_list(request):
        queryset = Question.objects.restrict(request.user).select_related("region", "category")
        return filtersets.QuestionFilterSet(request.GET, queryset=queryset, request=request).qs

    @router.get("/quiz-questions/{pk}", response=QuestionOut, tags=["outreach quiz"])
    def question_detail(request, pk: int):
        return scoped_or_404(Question, request, pk)

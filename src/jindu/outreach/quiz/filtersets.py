"""FilterSets of the quiz (list pages, API and exports share them)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from jindu.common.filtersets import BaseFilterSet, RegionCodeFilter

from .choices import Difficulty, QuestionKind, QuestionStatus, QuizStatus
from .models import Question, QuestionCategory, Quiz, QuizDailyCount


class QuestionCategoryFilterSet(BaseFilterSet):
    search_fields = ("code__icontains", "name_zh__icontains", "name_bo__icontains")

    class Meta:
        model = QuestionCategory
        fields = ["q"]


class QuestionFilterSet(BaseFilterSet):
    search_fields = ("ref__icontains", "text_zh__icontains", "text_bo__icontains")
    category = django_filters.ModelChoiceFilter(queryset=QuestionCategory.objects.all(), label=_("category"))
    kind = django_filters.ChoiceFilter(choices=QuestionKind.choices, label=_("kind"))
    difficulty = django_filters.ChoiceFilter(choices=Difficulty.choices, label=_("difficulty"))
    status = django_filters.ChoiceFilter(choices=QuestionStatus.choices, label=_("review status"))
    region = RegionCodeFilter(field_name="region", label=_("region code"))

    class Meta:
        model = Question
        fields = ["q", "category", "kind", "difficulty", "status", "region"]


class QuizFilterSet(BaseFilterSet):
    search_fields = ("title__icontains", "title_bo__icontains", "code__icontains")
    status = django_filters.ChoiceFilter(choices=QuizStatus.choices, label=_("status"))
    region = RegionCodeFilter(field_name="region", label=_("region code"))

    class Meta:
        model = Quiz
        fields = ["q", "status", "region"]


class QuizDailyCountFilterSet(BaseFilterSet):
    search_fields = ("campaign__name__icontains", "source__icontains")
    region = RegionCodeFilter(field_name="region", label=_("region code"))
    since = django_filters.DateFilter(field_name="day", lookup_expr="gte", label=_("from"))
    until = django_filters.DateFilter(field_name="day", lookup_expr="lte", label=_("to"))

    class Meta:
        model = QuizDailyCount
        fields = ["q", "campaign", "region", "since", "until"]

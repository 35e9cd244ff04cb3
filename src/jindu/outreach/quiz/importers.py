"""Import/export datasets of the quiz (the common engine: Excel or CSV, all or nothing, idempotent, audited).

- ``quiz_questions``: the question bank. ref*, region_code, category (code or Chinese name; an unknown name
  creates the category), kind (single, multiple, true_false; 单选题/多选题/判断题 too), difficulty (1-3),
  text_zh, text_bo, option_a_zh .. option_f_zh, option_a_bo .. option_f_bo, answer (letters: ``A``, ``AC``;
  for true/false ``A`` = true, ``B`` = false, or 对/错), explanation_zh, explanation_bo, status (draft,
  approved). An approved question whose text, options or answer differ is a bad row (withdraw it first).
- ``quiz_daily_counts``: imported campaign counts. campaign* (a campaign's name), on*, region_code*,
  attempts, participants (new participants that day), source.
"""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jindu.common.importing import CREATED, UNCHANGED, UPDATED, Column, Dataset, RowError, parsers, register
from jindu.common.importing.datasets import validation_messages

from ..models import Campaign
from . import services
from .choices import MAX_OPTIONS, OPTION_LETTERS, QuestionKind, QuestionStatus
from .filtersets import QuestionFilterSet, QuizDailyCountFilterSet
from .models import Question, QuestionCategory, QuizDailyCount

KIND_WORDS = {"单选": "single", "单选题": "single", "多选": "multiple", "多选题": "multiple", "判断": "true_false",
              "判断题": "true_false"}
TRUE_WORDS = {"对", "正确", "是", "true", "√"}
FALSE_WORDS = {"错", "错误", "否", "false", "×"}


class Kind(parsers.Choice):
    def __call__(self, value):
        text = parsers.as_text(value)
        return KIND_WORDS.get(text) or super().__call__(text)


class Answer(parsers.Parser):
    description = gettext_lazy("letters of the correct options, e.g. A or AC; true/false: A (true) or B (false)")

    def __call__(self, value):
        raw = parsers.as_text(value)
        if raw.lower() in TRUE_WORDS:
            return [0]
        if raw.lower() in FALSE_WORDS:
            return [1]
        text = "".join(ch for ch in raw.upper() if ch not in ", ，、;；")
        if not text or any(letter not in OPTION_LETTERS for letter in text):
            raise ValidationError(_("Give the letters of the correct options, e.g. A or AC."))
        return sorted({OPTION_LETTERS.index(letter) for letter in text})


def _options_columns():
    columns = []
    for index in range(MAX_OPTIONS):
        letter = OPTION_LETTERS[index]
        columns.append(Column(f"option_{letter.lower()}_zh", f"选项{letter}（中文）", parsers.Text(max_length=300),
                              field=None, example="海洛因" if index == 0 else "",
                              export=lambda q, i=index: (q.options[i].get("zh", "") if i < len(q.options) else "")))
    for index in range(MAX_OPTIONS):
        letter = OPTION_LETTERS[index]
        columns.append(Column(f"option_{letter.lower()}_bo", f"选项{letter}（藏文）", parsers.Text(max_length=600),
                              field=None,
                              export=lambda q, i=index: (q.options[i].get("bo", "") if i < len(q.options) else "")))
    return tuple(columns)


def _answer_letters(question):
    return "".join(OPTION_LETTERS[index] for index in question.answer if index < MAX_OPTIONS)


@register
class QuestionDataset(Dataset):
    """The quiz question bank."""

    name = "quiz_questions"
    label = gettext_lazy("Quiz questions")
    model = Question
    natural_key = ("ref",)
    filterset_class = QuestionFilterSet
    columns = (
        Column("ref", "编号", parsers.Text(max_length=40), required=True, example="Q2024-0001"),
        Column("region_code", "所属区划", parsers.RegionCode(), required=True, field="region", example="540000",
               export=lambda q: q.region.code),
        Column("category", "题目类别", parsers.Text(max_length=64), required=True, field=None, example="禁毒法律",
               help=gettext_lazy("code or Chinese name of a category; an unknown name creates the category"),
               export=lambda q: q.category.code),
        Column("kind", "题型", Kind(QuestionKind), required=True, example="single"),
        Column("difficulty", "难度", parsers.Integer(min_value=1, max_value=3), required=True, example="2",
               help=gettext_lazy("1 easy, 2 medium, 3 hard")),
        Column("text_zh", "题干（中文）", parsers.Text(), example="下列哪一种属于毒品？"),
        Column("text_bo", "题干（藏文）", parsers.Text(), example=""),
        *_options_columns(),
        Column("answer", "正确答案", Answer(), required=True, field=None, example="A", export=_answer_letters),
        Column("explanation_zh", "解析（中文）", parsers.Text(), example="海洛因是《刑法》第357条所列毒品。"),
        Column("explanation_bo", "解析（藏文）", parsers.Text(), example=""),
        Column("status", "审核状态", parsers.Choice(QuestionStatus), example="draft",
               help=gettext_lazy("draft, or approved (served to participants)")),
    )

    def to_fields(self, row, run):
        fields = super().to_fields(row, run)
        for name in ("text_zh", "text_bo", "explanation_zh", "explanation_bo"):
            if name in fields and fields[name] is None:
                fields[name] = ""
        fields["category"] = self._category(row["category"], run)
        options = []
        for index in range(MAX_OPTIONS):
            letter = OPTION_LETTERS[index].lower()
            zh, bo = row.get(f"option_{letter}_zh") or "", row.get(f"option_{letter}_bo") or ""
            if zh or bo:
                options.append({"zh": zh, "bo": bo})
        fields["options"] = options
        fields["answer"] = row["answer"]
        if not fields.get("status"):
            fields.pop("status", None)
        return fields

    def _category(self, text, run):
        found = QuestionCategory.objects.filter(code=text).first() or \
            QuestionCategory.objects.filter(name_zh=text).first()
        if found is None:
            found = QuestionCategory(code="c-" + secrets.token_hex(3), name_zh=text)
            found.full_clean()
            found.save()
            from jindu.common import audit

            audit.log_change(found, "created")
            run.created_by_name(_("question categories"), text)
        return found

    def upsert(self, fields, run):
        existing = Question.objects.filter(ref=fields["ref"]).first()
        try:
            if existing is None:
                services.question_create(actor=run.actor, data=fields)
                return CREATED
            if not run.in_scope(existing, "view"):
                raise RowError("ref", run.out_of_scope_message())
            probe = Question(**{**{f.name: getattr(existing, f.name) for f in Question._meta.concrete_fields},
                                **fields})
            try:
                probe.clean()
            except ValidationError:
                pass
            names = [name for name in fields if name not in ("ref",)]
            if all(getattr(probe, name) == getattr(existing, name) for name in names):
                return UNCHANGED
            services.question_update(actor=run.actor, instance=existing, data=fields)
            return UPDATED
        except PermissionDenied:
            raise RowError("region_code", run.out_of_scope_message()) from None
        except ValidationError as error:
            column, message = next(iter(validation_messages(error)), ("", str(error)))
            raise RowError(self.column_for_field(column) or "", message) from None

    def export_queryset(self, actor, params=None):
        return super().export_queryset(actor, params).select_related("region", "category")


@register
class QuizDailyCountDataset(Dataset):
    """Counts of a quiz run outside the platform, per campaign, day and region."""

    name = "quiz_daily_counts"
    label = gettext_lazy("Imported quiz counts")
    model = QuizDailyCount
    natural_key = ("campaign", "on", "region_code")
    filterset_class = QuizDailyCountFilterSet
    columns = (
        Column("campaign", "宣传活动", parsers.Text(max_length=128), required=True, field=None,
               example="2024年“6·26”国际禁毒日集中宣传月", export=lambda c: c.campaign.name),
        Column("on", "日期", parsers.Date(), required=True, field="day", example="2024-06-01"),
        Column("region_code", "行政区划代码", parsers.RegionCode(), required=True, field="region", example="540100",
               export=lambda c: c.region.code),
        Column("attempts", "答题人次", parsers.Integer(min_value=0), required=True, example="12000"),
        Column("participants", "新增参与人数", parsers.Integer(min_value=0), required=True, example="9000"),
        Column("source", "来源", parsers.Text(max_length=200), example="原答题平台导出"),
    )

    def to_fields(self, row, run):
        fields = super().to_fields(row, run)
        campaign = Campaign.objects.filter(name=row["campaign"]).first()
        if campaign is None or not run.in_scope(campaign, "view"):
            raise RowError("campaign", _("Unknown campaign {value}.").format(value=row["campaign"]))
        fields["campaign"] = campaign
        return fields

    def lookup(self, fields):
        return {"campaign": fields.get("campaign"), "day": fields.get("day"), "region": fields.get("region")}

    def export_queryset(self, actor, params=None):
        return super().export_queryset(actor, params).select_related("campaign", "region")

"""Staff pages of the quiz: the question bank, quizzes with their rules and prizes, live figures (htmx
polling, no inline script), results export, the prize draw, imported counts."""

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from jindu.common.scope import permission_name
from jindu.common.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectViewMixin,
    add_validation_errors,
)

from ..views import PrefillMixin
from . import draw as draw_algorithm
from . import filtersets, forms, selectors, services, tables
from .choices import QuestionStatus, QuizStatus
from .models import Question, QuestionCategory, Quiz, QuizDailyCount, QuizDraw, QuizDrawRule, QuizPrize

# --- Categories -------------------------------------------------------------------------------


class QuestionCategoryListView(ObjectListView):
    model = QuestionCategory
    queryset = QuestionCategory.objects.annotate(question_count=Count("questions"))
    table_class = tables.QuestionCategoryTable
    filterset_class = filtersets.QuestionCategoryFilterSet


class QuestionCategoryDetailView(ObjectDetailView):
    model = QuestionCategory


class QuestionCategoryEditView(ObjectEditView):
    model = QuestionCategory
    form_class = forms.QuestionCategoryForm


class QuestionCategoryDeleteView(ObjectDeleteView):
    model = QuestionCategory


# --- Questions --------------------------------------------------------------------------------


class QuestionListView(ObjectListView):
    model = Question
    queryset = Question.objects.select_related("category", "region")
    table_class = tables.QuestionTable
    filterset_class = filtersets.QuestionFilterSet
    export_dataset = "quiz_questions"


class QuestionDetailView(ObjectDetailView):
    model = Question
    template_name = "outreach/question.html"

    def get_extra_context(self, request, instance):
        from .choices import OPTION_LETTERS

        options = [{"letter": OPTION_LETTERS[i], "zh": o.get("zh", ""), "bo": o.get("bo", ""),
                    "correct": i in instance.answer} for i, o in enumerate(instance.options)]
        can_change = request.user.has_perm(permission_name(Question, "change"))
        return {"options": options, "can_review": can_change,
                "fields": [(_("category"), instance.category), (_("kind"), instance.get_kind_display()),
                           (_("difficulty"), instance.get_difficulty_display()),
                           (_("review status"), instance.get_status_display()),
                           (_("approved by"), instance.reviewed_by or "—"),
                           (_("approved at"), instance.reviewed_at or "—"), (_("owning office"), instance.region)]}


class QuestionEditView(PrefillMixin, ObjectEditView):
    model = Question
    form_class = forms.QuestionForm
    template_name = "outreach/question_edit.html"

    def create(self, actor, data):
        return services.question_create(actor=actor, data=forms.question_data(data))

    def update(self, actor, instance, data):
        return services.question_update(actor=actor, instance=instance, data=forms.question_data(data))


class QuestionDeleteView(ObjectDeleteView):
    model = Question

    def delete(self, actor, instance, reason, version):
        if instance.status == QuestionStatus.APPROVED:
            raise ValidationError(_("Withdraw the question to draft before deleting it."))
        return services.record_delete(actor=actor, instance=instance)

    def post(self, request, pk):
        instance = self.get_object(request, pk)
        if instance.status == QuestionStatus.APPROVED:
            messages.error(request, _("Withdraw the question to draft before deleting it."))
            return redirect(instance.get_absolute_url())
        return super().post(request, pk)


class QuestionStatusView(ObjectViewMixin, View):
    """POST: approve a draft question or withdraw an approved one (audited)."""

    model = Question
    action = "change"
    status = None

    def post(self, request, pk):
        question = self.get_object(request, pk)
        try:
            services.question_set_status(actor=request.user, question=question, status=self.status)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Approved: it is served to participants.") if self.status ==
                             QuestionStatus.APPROVED else _("Withdrawn to draft: it is no longer served."))
        return redirect(question.get_absolute_url())


class QuestionApproveView(QuestionStatusView):
    status = QuestionStatus.APPROVED


class QuestionWithdrawView(QuestionStatusView):
    status = QuestionStatus.DRAFT


# --- Quizzes ----------------------------------------------------------------------------------


class QuizListView(ObjectListView):
    model = Quiz
    queryset = Quiz.objects.select_related("campaign", "region")
    table_class = tables.QuizTable
    filterset_class = filtersets.QuizFilterSet


class QuizDetailView(ObjectDetailView):
    model = Quiz
    template_name = "outreach/quiz.html"

    def get_extra_context(self, request, instance):
        user = request.user
        can_change = user.has_perm(permission_name(Quiz, "change"))
        public_url = request.build_absolute_uri(reverse("quiz:quiz", args=[instance.code]))
        draw = QuizDraw.objects.filter(quiz=instance).first()
        return {
            "rules": instance.draw_rules.select_related("category"), "prizes": instance.prizes.all(),
            "public_url": public_url, "qr": _qr_svg(public_url), "can_change": can_change,
            "problems": services.quiz_check(instance) if can_change and instance.status == QuizStatus.DRAFT else [],
            "question_count": instance.question_count, "eligible": instance.eligible_regions.all(),
            "draw": draw, "attempts": instance.attempts.count(), "closed": timezone.now() >= instance.closes_at,
            "can_export": user.has_perm("core.export_data"),
        }


def _qr_svg(url):
    """The public address as an inline SVG QR code (for posters); data: images pass the CSP."""
    import segno

    return segno.make(url, error="m").svg_data_uri(scale=4)


class QuizEditView(ObjectEditView):
    model = Quiz
    form_class = forms.QuizForm

    def create(self, actor, data):
        return services.quiz_create(actor=actor, data=data)

    def update(self, actor, instance, data):
        return services.quiz_update(actor=actor, instance=instance, data=data)


class QuizDeleteView(ObjectDeleteView):
    model = Quiz

    def delete(self, actor, instance, reason, version):
        if instance.attempts.exists():
            raise ValidationError(_("Participants have taken this quiz: it cannot be deleted."))
        return services.record_delete(actor=actor, instance=instance)

    def post(self, request, pk):
        instance = self.get_object(request, pk)
        if instance.attempts.exists():
            messages.error(request, _("Participants have taken this quiz: it cannot be deleted."))
            return redirect(instance.get_absolute_url())
        return super().post(request, pk)


class QuizActionView(ObjectViewMixin, View):
    model = Quiz
    action = "change"
    service = None
    done_message = ""

    def post(self, request, pk):
        quiz = self.get_object(request, pk)
        try:
            type(self).service(actor=request.user, quiz=quiz)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, str(self.done_message))
        return redirect(quiz.get_absolute_url())


class QuizPublishView(QuizActionView):
    service = services.quiz_publish
    done_message = _("Published: participants can take the quiz while it is open.")


class QuizUnpublishView(QuizActionView):
    service = services.quiz_unpublish
    done_message = _("Back to draft.")


class QuizPartEditView(PrefillMixin, ObjectEditView):
    """A draw rule or prize, edited from its quiz's page and back there."""

    template_name = "outreach/object_edit.html"

    def render(self, request, form, instance, *args, **kwargs):
        response = super().render(request, form, instance, *args, **kwargs)
        quiz = instance.quiz if instance is not None else Quiz.objects.restrict(request.user).filter(
            pk=request.GET.get("quiz") or request.POST.get("quiz") or 0).first()
        response.context_data["cancel_url"] = quiz.get_absolute_url() if quiz else reverse("outreach:quiz_list")
        return response

    def create(self, actor, data):
        return services.quiz_part_change(actor=actor, model=self.get_model(), data=data)

    def update(self, actor, instance, data):
        return services.quiz_part_change(actor=actor, instance=instance, data=data)


class QuizPartDeleteView(ObjectDeleteView):
    def delete(self, actor, instance, reason, version):
        return services.quiz_part_change(actor=actor, instance=instance, delete=True)

    def post(self, request, pk):
        instance = self.get_object(request, pk)
        try:
            self.delete(request.user, instance, "", None)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(instance.quiz.get_absolute_url())


class DrawRuleEditView(QuizPartEditView):
    model = QuizDrawRule
    form_class = forms.DrawRuleForm


class DrawRuleDeleteView(QuizPartDeleteView):
    model = QuizDrawRule


class PrizeEditView(QuizPartEditView):
    model = QuizPrize
    form_class = forms.PrizeForm


class PrizeDeleteView(QuizPartDeleteView):
    model = QuizPrize


# --- Live figures, results ----------------------------------------------------------------------


class QuizLiveView(ObjectViewMixin, View):
    """The live figures: the page polls its partial every few seconds (htmx), the partial is this view too."""

    model = Quiz
    template_name = "outreach/quiz_live.html"
    partial_template_name = "outreach/includes/quiz_live_figures.html"

    def get(self, request, pk):
        quiz = self.get_object(request, pk)
        view = selectors.live_view(quiz)
        context = {"object": quiz, "live": view, "poll_seconds": 5,
                   "hour_peak": max([row["attempts"] for row in view["by_hour"]] or [1])}
        if request.htmx:
            return TemplateResponse(request, self.partial_template_name, context)
        return TemplateResponse(request, self.template_name, context)


class QuizLiveJsonView(ObjectViewMixin, View):
    model = Quiz

    def get(self, request, pk):
        from django.http import JsonResponse

        quiz = self.get_object(request, pk)
        return JsonResponse(selectors.live_json(selectors.live_view(quiz)))


class QuizLiveCardView(View):
    """The dashboard's small card: live attempts of the quizzes open now in the user's scope."""

    def get(self, request):
        if not request.user.has_perm(permission_name(Quiz, "view")):
            raise PermissionDenied
        now = timezone.now()
        quizzes = list(Quiz.objects.restrict(request.user).filter(status=QuizStatus.PUBLISHED, opens_at__lte=now,
                                                                  closes_at__gt=now).order_by("closes_at")[:3])
        rows = [{"quiz": quiz, "live": selectors.live_view(quiz, hours=1)} for quiz in quizzes]
        return TemplateResponse(request, "outreach/includes/quiz_live_card.html", {"rows": rows})


class QuizRecountView(ObjectViewMixin, View):
    model = Quiz
    action = "change"

    def post(self, request, pk):
        quiz = self.get_object(request, pk)
        services.live_recount(actor=request.user, quiz=quiz)
        messages.success(request, _("The live figures were recounted from the database."))
        return redirect("outreach:quiz_live", pk=quiz.pk)


class QuizResultsExportView(ObjectViewMixin, View):
    """Every finished attempt (participant code, nickname, region, school, times, score; no phone): Excel or
    CSV, formula-escaped, audited."""

    model = Quiz

    def get(self, request, pk):
        from jindu.common import ratelimit
        from jindu.common.importing.exporting import write_table

        quiz = self.get_object(request, pk)
        if not request.user.has_perm("core.export_data"):
            raise PermissionDenied
        ratelimit.check(request, "export")
        fmt = "csv" if request.GET.get("format") == "csv" else "xlsx"
        rows = list(selectors.results_rows(quiz))
        buffer = io.BytesIO()
        write_table(buffer, fmt, selectors.RESULT_HEADER, rows, title=str(_("Results"))[:31])
        services.results_exported(actor=request.user, quiz=quiz, rows=len(rows))
        content_type = "text/csv; charset=utf-8" if fmt == "csv" else \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(buffer.getvalue(), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="quiz-{quiz.code}-results.{fmt}"'
        return response


# --- Prize draw -------------------------------------------------------------------------------


class QuizDrawView(ObjectViewMixin, View):
    """Freeze the candidates (with the announced source of the seed), then draw once with the seed."""

    model = Quiz
    template_name = "outreach/quiz_draw.html"

    def context(self, request, quiz, **extra):
        record = QuizDraw.objects.filter(quiz=quiz).first()
        data = services.draw_record(record) if record else None
        winners = record.winners.select_related("prize", "participant__region").order_by("prize__order", "position") \
            if record and record.drawn_at else []
        return {"object": quiz, "record": record, "data": data, "winners": winners,
                "verified": draw_algorithm.verify(data) if record and record.drawn_at else None,
                "can_change": request.user.has_perm(permission_name(Quiz, "change")),
                "closed": timezone.now() >= quiz.closes_at,
                "freeze_form": extra.get("freeze_form") or forms.DrawFreezeForm(),
                "run_form": extra.get("run_form") or forms.DrawRunForm(), "prizes": quiz.prizes.all()}

    def get(self, request, pk):
        quiz = self.get_object(request, pk)
        return TemplateResponse(request, self.template_name, self.context(request, quiz))

    def post(self, request, pk):
        quiz = get_object_or_404(Quiz.objects.restrict(request.user, "change"), pk=pk)
        step = request.POST.get("step")
        if step == "freeze":
            form = forms.DrawFreezeForm(request.POST)
            if form.is_valid():
                try:
                    services.draw_freeze(actor=request.user, quiz=quiz, seed_source=form.cleaned_data["seed_source"])
                except ValidationError as error:
                    add_validation_errors(form, error)
                else:
                    messages.success(request, _("The candidates are frozen and published."))
                    return redirect("outreach:quiz_draw", pk=quiz.pk)
            return TemplateResponse(request, self.template_name, self.context(request, quiz, freeze_form=form),
                                    status=400)
        if step == "draw":
            form = forms.DrawRunForm(request.POST)
            if form.is_valid():
                try:
                    services.draw_run(actor=request.user, quiz=quiz, seed=form.cleaned_data["seed"])
                except ValidationError as error:
                    add_validation_errors(form, error)
                else:
                    messages.success(request, _("The winners are drawn and published."))
                    return redirect("outreach:quiz_draw", pk=quiz.pk)
            return TemplateResponse(request, self.template_name, self.context(request, quiz, run_form=form),
                                    status=400)
        raise Http404


# --- Imported counts --------------------------------------------------------------------------


class QuizDailyCountListView(ObjectListView):
    model = QuizDailyCount
    queryset = QuizDailyCount.objects.select_related("campaign", "region")
    table_class = tables.QuizDailyCountTable
    filterset_class = filtersets.QuizDailyCountFilterSet
    export_dataset = "quiz_daily_counts"


class QuizDailyCountDetailView(ObjectDetailView):
    model = QuizDailyCount


class QuizDailyCountEditView(ObjectEditView):
    model = QuizDailyCount
    form_class = forms.QuizDailyCountForm

    def create(self, actor, data):
        return services.record_create(actor=actor, model=QuizDailyCount, data=data)

    def update(self, actor, instance, data):
        return services.record_update(actor=actor, instance=instance, data=data)


class QuizDailyCountDeleteView(ObjectDeleteView):
    model = QuizDailyCount

    def delete(self, actor, instance, reason, version):
        return services.record_delete(actor=actor, instance=instance)

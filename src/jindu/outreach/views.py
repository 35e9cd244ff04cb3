"""Pages of the outreach app: declarative subclasses of the generic views, plus the few pages that are
more than a record (overview, score sheets, judging, ranking, streaming)."""

import csv
import datetime
import io
import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, ProtectedError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from jindu.common import audit
from jindu.common.features import is_voidable
from jindu.common.scope import permission_name
from jindu.common.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectRestoreView,
    ObjectViewMixin,
    ObjectVoidedListView,
    add_validation_errors,
)

from . import filtersets, forms, selectors, services, tables, uploads
from .choices import CONTESTS, FIVE_ONES, ContestStatus, ReviewResult, ReviewStatus
from .models import (
    BaseInspection,
    BaseUpgrade,
    BaseVisit,
    Campaign,
    ContestCriterion,
    ContestEntry,
    ContestJudge,
    EducationBase,
    Event,
    EventPhoto,
    ModelSchoolApplication,
    ModelSchoolReview,
    ReviewCriterion,
    ReviewJudge,
    School,
    SchoolActivity,
    VideoContest,
)
from .terms import recent_terms, term_label, term_of


def chart_json(option):
    """An ECharts option for a ``data-chart`` attribute (rendered by static/outreach/outreach.js)."""
    return json.dumps(option, ensure_ascii=False, default=str)


class PrefillMixin:
    """An add form takes initial values from the query string (``?base=3`` on "add an upgrade")."""

    def get_form(self, request, instance=None, data=None):
        form = super().get_form(request, instance, data)
        if instance is None and data is None:
            for name in form.fields:
                if name in request.GET:
                    form.initial[name] = request.GET[name]
        return form


class UploadEditMixin:
    """An edit form with a file field: multipart form, files passed to the form."""

    template_name = "outreach/object_edit.html"

    def get_form(self, request, instance=None, data=None):
        form = super().get_form(request, instance, data)
        if data is not None:
            form.files = request.FILES
        return form


class RecordEditView(PrefillMixin, ObjectEditView):
    """Create and update through the outreach services: the region scope plus the outreach narrowing
    (a school reporter's own school), the version check, the audit row."""

    def create(self, actor, data):
        return services.record_create(actor=actor, model=self.get_model(), data=data)

    def update(self, actor, instance, data):
        return services.record_update(actor=actor, instance=instance, data=data)


class RecordDeleteView(ObjectDeleteView):
    """Void (reason asked by the generic view) or, for parts of a sheet, delete through the services."""

    def delete(self, actor, instance, reason, version):
        return services.record_delete(actor=actor, instance=instance, reason=reason, version=version)


class RecordRestoreView(ObjectRestoreView):
    def restore(self, actor, instance, reason):
        return services.record_restore(actor=actor, instance=instance, reason=reason)


def record_views(model, *, form_class=None, table_class=None, filterset_class=None, queryset=None,
                 export_dataset=None, **given):
    """The views ``model_urls()`` needs for one record type: those ``given`` (``list_view=...``), the others
    built from the generic views above (list, detail, edit, delete and, for voidable records, the voided
    list and restore)."""
    name = model.__name__
    built = {
        "list_view": (ObjectListView, {"queryset": queryset, "table_class": table_class,
                                       "filterset_class": filterset_class, "export_dataset": export_dataset}),
        "detail_view": (ObjectDetailView, {}),
        "edit_view": (RecordEditView, {"form_class": form_class}),
        "delete_view": (RecordDeleteView, {}),
    }
    if is_voidable(model):
        built["voided_view"] = (ObjectVoidedListView, {})
        built["restore_view"] = (RecordRestoreView, {})
    views = {}
    for key, (base, attrs) in built.items():
        suffix = base.__name__.removeprefix("Object").removeprefix("Record")
        views[key] = given.pop(key, None) or type(f"{name}{suffix}", (base,), {"model": model, **attrs})
    return views | given


# --- Overview ---------------------------------------------------------------------------------


class IndexView(ObjectViewMixin, View):
    """Figures of the year, progress of campaigns against their targets, school coverage per region."""

    model = Event
    template_name = "outreach/index.html"

    def get(self, request):
        from jindu.core.models import Region

        user = request.user
        region = user.scope_region or Region.objects.filter(parent__isnull=True).first()
        today = timezone.localdate()
        try:
            year = int(request.GET.get("year") or today.year)
        except ValueError:
            year = today.year
        figures = selectors.statistics(datetime.date(year, 1, 1), datetime.date(year, 12, 31), region)["outreach"]
        progress = selectors.campaigns_progress(user)
        terms = list(SchoolActivity.objects.restrict(user).values_list("term", flat=True).distinct().order_by("-term"))
        for term in recent_terms(today, 2):
            if term not in terms:
                terms.append(term)
        terms.sort(reverse=True)
        term = request.GET.get("term") or (terms[0] if terms else term_of(today))
        if term not in terms:
            terms.insert(0, term)
        coverage = selectors.school_coverage(term, region, user) if region else None
        context = {
            "year": year, "years": list(range(today.year, today.year - 5, -1)) + ([year] if year < today.year - 4
                                                                                 else []),
            "figures": figures, "region": region, "progress": progress,
            "progress_chart": chart_json(_progress_chart(progress)),
            "term": term, "terms": [(t, term_label(t)) for t in terms], "coverage": coverage,
            "coverage_chart": chart_json(_coverage_chart(coverage)) if coverage and coverage["rows"] else None,
        }
        return TemplateResponse(request, self.template_name, context)


def _progress_chart(progress):
    names = [str(campaign) for campaign, _p in progress]

    def percent(share):
        return None if share is None else round(share * 100, 1)

    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "data": [_("Events (percent of target)"), _("People reached (percent of target)")]},
        "grid": {"left": 10, "right": 30, "top": 40, "bottom": 10, "containLabel": True},
        "xAxis": {"type": "value", "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {"type": "category", "data": names, "inverse": True,
                  "axisLabel": {"width": 150, "overflow": "break"}},
        "series": [
            {"name": _("Events (percent of target)"), "type": "bar",
             "data": [percent(p["events_share"]) for _c, p in progress]},
            {"name": _("People reached (percent of target)"), "type": "bar",
             "data": [percent(p["reached_share"]) for _c, p in progress]},
        ],
    }


def _coverage_chart(coverage):
    rows = coverage["rows"]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0, "data": [_("Schools"), _("Completed all five")]},
        "grid": {"left": 10, "right": 30, "top": 40, "bottom": 10, "containLabel": True},
        "xAxis": {"type": "category", "data": [row["region"].name for row in rows], "axisLabel": {"rotate": 30}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": _("Schools"), "type": "bar", "data": [row["schools"] for row in rows]},
            {"name": _("Completed all five"), "type": "bar", "data": [row["complete"] for row in rows]},
        ],
    }


# --- Campaigns and events ---------------------------------------------------------------------


class CampaignDetailView(ObjectDetailView):
    model = Campaign

    def get_extra_context(self, request, instance):
        progress = selectors.campaign_progress(instance, request.user)
        events = Event.objects.restrict(request.user).filter(campaign=instance).select_related("region")[:50]
        kinds = dict(Event._meta.get_field("kind").choices)
        chart = {
            "tooltip": {"trigger": "item"},
            "series": [{"type": "pie", "radius": ["35%", "65%"],
                        "data": [{"name": str(kinds.get(row["kind"], row["kind"])), "value": row["reached"] or 0}
                                 for row in progress["by_kind"]]}],
        }
        return {"progress": progress, "events": events, "kind_chart": chart_json(chart),
                "regions": instance.regions.all(), "member_units": instance.member_units.all()}


class EventDetailView(ObjectDetailView):
    model = Event

    def get_extra_context(self, request, instance):
        can_add = request.user.has_perm(permission_name(EventPhoto, "add"))
        return {
            "photos": instance.photos.all(),
            "photo_form": forms.EventPhotoForm(user=request.user) if can_add else None,
            "can_delete_photo": request.user.has_perm(permission_name(EventPhoto, "delete")),
        }


class EventPhotoAddView(ObjectViewMixin, View):
    model = EventPhoto
    action = "add"

    def post(self, request, pk):
        event = get_object_or_404(Event.objects.restrict(request.user, "change"), pk=pk)
        form = forms.EventPhotoForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                services.event_photo_add(actor=request.user, event=event, upload=form.cleaned_data["image"],
                                         caption=form.cleaned_data["caption"])
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            else:
                messages.success(request, _("Photo added."))
        else:
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
        return redirect(event.get_absolute_url())


class EventPhotoView(ObjectViewMixin, View):
    """The photo itself, after the scope check; never served from a public folder."""

    model = EventPhoto

    def get(self, request, pk):
        photo = self.get_object(request, pk)
        return uploads.stream_file(request, photo.file, photo.content_type)


class EventPhotoDeleteView(ObjectViewMixin, View):
    model = EventPhoto
    action = "delete"

    def post(self, request, pk):
        photo = self.get_object(request, pk)
        services.event_photo_delete(actor=request.user, photo=photo)
        messages.success(request, _("Photo deleted."))
        return redirect(photo.event.get_absolute_url())


# --- Schools ----------------------------------------------------------------------------------


class SchoolDetailView(ObjectDetailView):
    model = School

    def get_extra_context(self, request, instance):
        terms = sorted(set(SchoolActivity.objects.filter(school=instance).values_list("term", flat=True)), reverse=True)
        term = request.GET.get("term") or (terms[0] if terms else term_of(timezone.localdate()))
        ticks = selectors.school_checklist(instance, term)
        return {
            "term": term, "term_label": term_label(term),
            "terms": [(t, term_label(t)) for t in (terms if term in terms else [term, *terms])],
            "five_ones": [(kind, ticks.get(kind)) for kind in FIVE_ONES],
            "contests": [(kind, ticks.get(kind)) for kind in CONTESTS],
            "complete": all(kind in ticks for kind in FIVE_ONES),
            "fields": [(_("name"), instance.organisation.name), (_("region"), instance.organisation.region),
                       (_("address"), instance.organisation.address or "—"),
                       (_("level"), instance.get_level_display()), (_("number of students"), instance.students)],
            "can_tick": request.user.has_perm(permission_name(SchoolActivity, "add")),
            "applications": ModelSchoolApplication.objects.filter(school=instance).select_related("review"),
        }


class SchoolEditView(RecordEditView):
    model = School
    form_class = forms.SchoolForm

    def create(self, actor, data):
        return services.school_create(actor=actor, name=data["name"], region=data["region"], level=data["level"],
                                      students=data.get("students") or 0, address=data.get("address", ""))

    def update(self, actor, instance, data):
        return services.school_update(actor=actor, instance=instance, data=dict(data))


# --- Education bases --------------------------------------------------------------------------


class EducationBaseDetailView(ObjectDetailView):
    model = EducationBase

    def get_extra_context(self, request, instance):
        user = request.user
        return {
            "upgrades": BaseUpgrade.objects.restrict(user).filter(base=instance),
            "visits": BaseVisit.objects.restrict(user).filter(base=instance)[:20],
            "inspections": BaseInspection.objects.restrict(user).filter(base=instance),
        }


class InspectionFollowUpDoneView(ObjectViewMixin, View):
    model = BaseInspection
    action = "change"

    def post(self, request, pk):
        inspection = self.get_object(request, pk)
        try:
            services.inspection_follow_up_done(actor=request.user, inspection=inspection)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Follow-up recorded as done."))
        return redirect(inspection.get_absolute_url())


# --- Criteria (of a review or a contest) ------------------------------------------------------


class CriterionEditView(RecordEditView):
    """A criterion is edited from its review's or contest's page and goes back there."""

    template_name = "outreach/object_edit.html"
    parent_field = None
    parent_model = None

    def render(self, request, form, instance, *args, **kwargs):
        response = super().render(request, form, instance, *args, **kwargs)
        if instance is not None:
            cancel = instance.get_absolute_url()
        else:
            parent = self.parent_model.objects.restrict(request.user).filter(
                pk=request.GET.get(self.parent_field) or request.POST.get(self.parent_field) or 0).first()
            cancel = parent.get_absolute_url() if parent else reverse("outreach:index")
        response.context_data["cancel_url"] = cancel
        return response

    def create(self, actor, data):
        return services.record_create(actor=actor, model=self.get_model(), data=data)

    def update(self, actor, instance, data):
        return services.record_update(actor=actor, instance=instance, data=data)


class CriterionDeleteView(ObjectDeleteView):
    def post(self, request, pk):
        instance = self.get_object(request, pk)
        parent_url = instance.get_absolute_url()
        try:
            services.record_delete(actor=request.user, instance=instance)
        except Exception as error:
            from django.db.models import ProtectedError

            if not isinstance(error, ProtectedError):
                raise
            messages.error(request, _("{obj} is still referred to by other records and was not deleted.").format(
                obj=instance))
        else:
            messages.success(request, _("Deleted: {obj}").format(obj=instance))
        return HttpResponseRedirect(parent_url)


class ReviewCriterionEditView(CriterionEditView):
    model = ReviewCriterion
    parent_field, parent_model = "review", ModelSchoolReview
    form_class = forms.ReviewCriterionForm


class ReviewCriterionDeleteView(CriterionDeleteView):
    model = ReviewCriterion


class ContestCriterionEditView(CriterionEditView):
    model = ContestCriterion
    parent_field, parent_model = "contest", VideoContest
    form_class = forms.ContestCriterionForm


class ContestCriterionDeleteView(CriterionDeleteView):
    model = ContestCriterion


# --- Model-school review ----------------------------------------------------------------------


class ModelSchoolReviewDetailView(ObjectDetailView):
    model = ModelSchoolReview

    def get_extra_context(self, request, instance):
        applications = ModelSchoolApplication.objects.restrict(request.user).filter(review=instance).select_related(
            "school__organisation__region")
        user = request.user
        rows = [(application, selectors.application_score(application, user)) for application in applications]
        can_panel = user.has_perm(permission_name(ReviewJudge, "add")) and instance.status == ReviewStatus.OPEN
        return {
            "criteria": instance.criteria.all(),
            "rows": rows,
            "judges": ReviewJudge.objects.restrict(user).filter(review=instance).select_related(
                "unit", "user").prefetch_related("applications__school__organisation"),
            "can_edit_panel": can_panel,
            "can_edit_criteria": user.has_perm(permission_name(ReviewCriterion, "add")) and instance.status == "open",
            "can_close": user.has_perm(permission_name(ModelSchoolReview, "change")) and instance.status == "open",
        }


class ModelSchoolReviewCloseView(ObjectViewMixin, View):
    model = ModelSchoolReview
    action = "change"

    def post(self, request, pk):
        review = self.get_object(request, pk)
        try:
            services.review_close(actor=request.user, review=review)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The review is closed."))
        return redirect(review.get_absolute_url())


class ModelSchoolApplicationDetailView(ObjectDetailView):
    model = ModelSchoolApplication

    def get_extra_context(self, request, instance):
        user = request.user
        score = selectors.application_score(instance, user)
        open_ = instance.review.status == ReviewStatus.OPEN and instance.result == ReviewResult.PENDING
        return {
            "judges": ReviewJudge.objects.restrict(user).filter(review=instance.review, applications=instance),
            "score": score,
            "sheet_rows": [(name, [sheet.get(c.pk) for c in score["criteria"]]) for name, sheet in
                           sorted(score["raw"].items())],
            "can_score": open_ and user.has_perm("outreach.add_reviewscore"),
            "decision_form": forms.DecisionForm(user=user) if open_ and user.has_perm(
                "outreach.change_modelschoolapplication") else None,
        }


class ReviewSheetView(ObjectViewMixin, View):
    """A reviewer's scoring sheet for one application: a reviewer with an account enters their own; the
    organising office types in the signed paper sheet of a reviewer without one. Only for an application
    assigned to the reviewer (the service checks the fair-judging rules again)."""

    model = ModelSchoolApplication
    action = "view"
    template_name = "outreach/score_sheet.html"

    def check_permission(self, request):
        if not request.user.has_perm("outreach.add_reviewscore"):
            raise PermissionDenied

    def own_judge(self, request, application):
        return ReviewJudge.objects.filter(review=application.review_id, user=request.user).first()

    def form(self, request, application, data=None):
        judge = self.own_judge(request, application)
        judges = None
        if judge is None:
            judges = ReviewJudge.objects.filter(review=application.review_id, user__isnull=True,
                                                applications=application)
        return forms.ScoreSheetForm(data, criteria=application.review.criteria.all(), judges=judges,
                                    user=request.user), judge

    def render(self, request, application, form):
        return TemplateResponse(request, self.template_name, {
            "object": application, "form": form, "title": _("Scoring sheet"),
            "cancel_url": application.get_absolute_url()})

    def get(self, request, pk):
        application = self.get_object(request, pk)
        form, _judge = self.form(request, application)
        return self.render(request, application, form)

    def post(self, request, pk):
        application = self.get_object(request, pk)
        form, judge = self.form(request, application, request.POST)
        if form.is_valid():
            try:
                services.review_scores_record(actor=request.user, application=application,
                                              judge=judge or form.cleaned_data["judge"], scores=form.scores())
            except ValidationError as error:
                add_validation_errors(form, error)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("Scores saved."))
                return redirect(application.get_absolute_url())
        return self.render(request, application, form)


class ReviewJudgeAddView(ObjectViewMixin, View):
    """Put a reviewer on the panel of an open review and assign applications."""

    model = ReviewJudge
    action = "add"
    template_name = "outreach/score_sheet.html"

    def review(self, request, pk):
        return get_object_or_404(ModelSchoolReview.objects.restrict(request.user, "change"), pk=pk)

    def render(self, request, review, form):
        return TemplateResponse(request, self.template_name, {
            "object": review, "form": form, "title": _("Add a reviewer"), "cancel_url": review.get_absolute_url()})

    def get(self, request, pk):
        review = self.review(request, pk)
        return self.render(request, review, forms.ReviewJudgeForm(user=request.user, review=review))

    def post(self, request, pk):
        review = self.review(request, pk)
        form = forms.ReviewJudgeForm(request.POST, user=request.user, review=review)
        if form.is_valid():
            try:
                services.review_judge_add(actor=request.user, review=review, name=form.cleaned_data["name"],
                                          user=form.cleaned_data.get("user"), unit=form.cleaned_data["unit"],
                                          applications=form.cleaned_data["applications"])
            except ValidationError as error:
                add_validation_errors(form, error)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("Reviewer added."))
                return redirect(review.get_absolute_url())
        return self.render(request, review, form)


class ReviewJudgeAssignView(ObjectViewMixin, View):
    """Assign more applications to a reviewer."""

    model = ReviewJudge
    action = "change"
    template_name = "outreach/score_sheet.html"

    def render(self, request, judge, form):
        return TemplateResponse(request, self.template_name, {
            "object": judge, "form": form, "title": _("Assign applications to {judge}").format(judge=judge),
            "cancel_url": judge.review.get_absolute_url()})

    def get(self, request, pk):
        judge = self.get_object(request, pk)
        form = forms.ReviewAssignForm(user=request.user, review=judge.review,
                                      initial={"applications": list(judge.applications.all())})
        return self.render(request, judge, form)

    def post(self, request, pk):
        judge = self.get_object(request, pk)
        form = forms.ReviewAssignForm(request.POST, user=request.user, review=judge.review)
        if form.is_valid():
            try:
                services.review_judge_assign(actor=request.user, judge=judge,
                                             applications=form.cleaned_data["applications"])
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Applications assigned."))
                return redirect(judge.review.get_absolute_url())
        return self.render(request, judge, form)


class PanelMemberDeleteView(ObjectViewMixin, View):
    """Remove a judge or reviewer who has given no score yet (their scores keep them on the panel)."""

    action = "delete"

    def post(self, request, pk):
        member = self.get_object(request, pk)
        parent_url = member.get_absolute_url()
        try:
            services.record_delete(actor=request.user, instance=member)
        except ProtectedError:
            messages.error(request, _("{obj} has given scores and cannot be removed.").format(obj=member))
        return HttpResponseRedirect(parent_url)


class ReviewJudgeDeleteView(PanelMemberDeleteView):
    model = ReviewJudge


class ApplicationDecideView(ObjectViewMixin, View):
    model = ModelSchoolApplication
    action = "change"

    def post(self, request, pk):
        application = self.get_object(request, pk)
        form = forms.DecisionForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.application_decide(actor=request.user, application=application, **form.cleaned_data)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Decision recorded."))
        else:
            for errors in form.errors.values():
                messages.error(request, " ".join(errors))
        return redirect(application.get_absolute_url())


# --- Short-video contest ----------------------------------------------------------------------


class VideoContestDetailView(ObjectDetailView):
    model = VideoContest

    def get_extra_context(self, request, instance):
        user = request.user
        can_change = user.has_perm(permission_name(VideoContest, "change"))
        entries = ContestEntry.objects.restrict(user).filter(contest=instance).select_related("region", "author_unit")
        return {
            "criteria": instance.criteria.all(),
            "judges": instance.judges.select_related("unit", "user"),
            "entries": entries,
            "progress": selectors.judging_progress(instance) if instance.status != ContestStatus.OPEN else None,
            "can_configure": can_change and not instance.is_closed,
            "can_start": can_change and instance.status == ContestStatus.OPEN,
            "can_close": can_change and instance.status == ContestStatus.JUDGING,
            "can_enter": instance.status == ContestStatus.OPEN and user.has_perm(permission_name(ContestEntry, "add")),
            "is_judge": instance.judges.filter(user=user).exists(),
            "tie_rule": selectors.TIE_RULE,
        }


class ContestActionView(ObjectViewMixin, View):
    model = VideoContest
    action = "change"
    service = None
    done_message = ""

    def post(self, request, pk):
        contest = self.get_object(request, pk)
        try:
            type(self).service(actor=request.user, contest=contest)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, str(self.done_message))
        return redirect(contest.get_absolute_url())


class ContestStartJudgingView(ContestActionView):
    service = services.contest_start_judging
    done_message = _("Judging has started: entries are closed.")


class ContestCloseView(ContestActionView):
    service = services.contest_close
    done_message = _("The contest is closed; the ranking and the selection are published.")


class ContestJudgeAddView(ObjectViewMixin, View):
    model = ContestJudge
    action = "add"
    template_name = "outreach/score_sheet.html"

    def render(self, request, contest, form):
        return TemplateResponse(request, self.template_name, {
            "object": contest, "form": form, "title": _("Add a judge"), "cancel_url": contest.get_absolute_url()})

    def contest(self, request, pk):
        return get_object_or_404(VideoContest.objects.restrict(request.user, "change"), pk=pk)

    def get(self, request, pk):
        return self.render(request, self.contest(request, pk), forms.JudgeForm(user=request.user))

    def post(self, request, pk):
        contest = self.contest(request, pk)
        form = forms.JudgeForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.judge_add(actor=request.user, contest=contest, name=form.cleaned_data["name"],
                                   user=form.cleaned_data.get("user"), unit=form.cleaned_data["unit"])
            except ValidationError as error:
                add_validation_errors(form, error)
            except PermissionDenied:
                raise Http404 from None
            else:
                messages.success(request, _("Judge added."))
                return redirect(contest.get_absolute_url())
        return self.render(request, contest, form)


class ContestJudgeDeleteView(PanelMemberDeleteView):
    model = ContestJudge


class ContestRankingView(ObjectViewMixin, View):
    """The final ranking. Sealed (404) until the contest is closed: nobody sees scores while judges score."""

    model = VideoContest
    template_name = "outreach/contest_ranking.html"

    def get(self, request, pk):
        contest = self.get_object(request, pk)
        if not contest.is_closed:
            raise Http404(_("The ranking is published when the contest closes."))
        ranking = selectors.contest_ranking(contest)
        visible = set(ContestEntry.objects.restrict(request.user).filter(contest=contest).values_list("pk", flat=True))
        rows = [row for row in ranking if row.entry.pk in visible]
        chart = {
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 10, "right": 30, "top": 20, "bottom": 10, "containLabel": True},
            "xAxis": {"type": "value", "min": 0, "max": 100},
            "yAxis": {"type": "category", "inverse": True, "data": [row.entry.title for row in rows[:20]],
                      "axisLabel": {"width": 120, "overflow": "truncate"}},
            "series": [{"type": "bar", "data": [
                {"value": float(row.rounded_score or 0),
                 "itemStyle": {"color": "#2fb344" if row.rank <= contest.select_count else "#adb5bd"}}
                for row in rows[:20]]}],
        }
        return TemplateResponse(request, self.template_name, {
            "object": contest, "rows": rows, "tie_rule": selectors.TIE_RULE, "chart": chart_json(chart),
            "criteria": contest.criteria.all()})


class ContestExportView(ObjectViewMixin, View):
    """The selected entries of a closed contest, as sent to the national office (Excel or CSV)."""

    model = VideoContest

    def get(self, request, pk):
        contest = self.get_object(request, pk)
        if not contest.is_closed:
            raise Http404
        if not request.user.has_perm("core.export_data"):
            raise PermissionDenied
        header = [_("Rank"), _("Title"), _("Author"), _("Author unit"), _("Region"), _("Region code"),
                  _("Submitted"), _("Score"), _("Description")]
        rows = [[e.rank, e.title, e.author, e.author_unit.name if e.author_unit else "", e.region.name_zh,
                 e.region.code, e.submitted_on.isoformat(), str(e.total_score), e.description]
                for e in selectors.selected_entries(contest, request.user)]
        rows = [[_safe_cell(value) for value in row] for row in rows]
        audit.log("outreach.videocontest.exported", obj=contest, extra={"rows": len(rows)})
        name = f"selected-{contest.pk}"
        if request.GET.get("format") == "csv":
            buffer = io.StringIO()
            buffer.write("\ufeff")
            writer = csv.writer(buffer)
            writer.writerow(header)
            writer.writerows(rows)
            response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return response
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Selected")[:31]
        sheet.append([str(contest)])
        sheet.append([str(h) for h in header])
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response


def _safe_cell(value):
    """Text that a spreadsheet would run as a formula is quoted (CSV/formula injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class ContestEntryDetailView(ObjectDetailView):
    model = ContestEntry

    def get_extra_context(self, request, instance):
        user = request.user
        judge = instance.contest.judges.filter(user=user).first()
        scores = selectors.visible_scores(user, instance.contest).filter(entry=instance).order_by(
            "judge__name", "criterion__order")
        return {
            "judge": judge,
            "conflict": judge.has_conflict(instance) if judge else False,
            "can_score": judge is not None and not judge.has_conflict(instance)
            and instance.contest.status == ContestStatus.JUDGING,
            "scores": scores,
            "fields": [row for row in self.fields_for(instance)],
        }

    def fields_for(self, instance):
        from jindu.common.views import detail_fields

        sealed = not instance.contest.is_closed
        yield from detail_fields(instance)
        if not sealed:
            yield _("score"), instance.total_score
            yield _("rank"), instance.rank
            yield _("selected"), _("yes") if instance.selected else _("no")


class ContestEntryEditView(UploadEditMixin, RecordEditView):
    model = ContestEntry
    form_class = forms.ContestEntryForm

    def create(self, actor, data):
        data = dict(data)
        video = data.pop("video_file", None)
        return services.entry_submit(actor=actor, data=data, video=video or None)

    def update(self, actor, instance, data):
        data = dict(data)
        video = data.pop("video_file", None)
        return services.entry_update(actor=actor, instance=instance, data=data, video=video or None)


class ContestEntryVideoView(ObjectViewMixin, View):
    """The entry's video, streamed with HTTP range support (players seek with Range requests)."""

    model = ContestEntry

    def get(self, request, pk):
        entry = self.get_object(request, pk)
        if not entry.video:
            raise Http404
        return uploads.stream_file(request, entry.video, entry.video_type or "application/octet-stream")

    head = get


class ContestEntryScoreView(ObjectViewMixin, View):
    """A judge's sheet for one entry: only their own scores are shown, never another judge's."""

    model = ContestEntry
    template_name = "outreach/score_sheet.html"

    def check_permission(self, request):
        if not request.user.has_perm("outreach.add_judgescore"):
            raise PermissionDenied

    def judge_and_entry(self, request, pk):
        entry = self.get_object(request, pk)
        judge = entry.contest.judges.filter(user=request.user).first()
        if judge is None or entry.contest.status != ContestStatus.JUDGING:
            raise Http404
        return judge, entry

    def form(self, request, judge, entry, data=None):
        criteria = entry.contest.criteria.all()
        initial = {f"c{s.criterion_id}": s.score for s in entry.scores.filter(judge=judge)}
        return forms.ScoreSheetForm(data, criteria=criteria, initial=initial, user=request.user)

    def render(self, request, entry, form, judge):
        return TemplateResponse(request, self.template_name, {
            "object": entry, "form": form, "title": _("Score: {entry}").format(entry=entry),
            "cancel_url": reverse("outreach:judging"), "video": bool(entry.video),
            "conflict": judge.has_conflict(entry)})

    def get(self, request, pk):
        judge, entry = self.judge_and_entry(request, pk)
        if judge.has_conflict(entry):
            return self.render(request, entry, None, judge)
        return self.render(request, entry, self.form(request, judge, entry), judge)

    def post(self, request, pk):
        judge, entry = self.judge_and_entry(request, pk)
        form = self.form(request, judge, entry, request.POST)
        if form.is_valid():
            try:
                services.judge_score_entry(actor=request.user, judge=judge, entry=entry, scores=form.scores())
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, _("Your scores for {entry} are saved.").format(entry=entry))
                return redirect("outreach:judging")
        return self.render(request, entry, form, judge)


class JudgingView(View):
    """The contests the user judges, and per entry whether their own sheet is done (nothing of others')."""

    template_name = "outreach/judging.html"

    def get(self, request):
        if not request.user.has_perm("outreach.add_judgescore"):
            raise PermissionDenied
        judges = ContestJudge.objects.restrict(request.user).filter(user=request.user).select_related("contest")
        contests = []
        for judge in judges:
            contest = judge.contest
            entries = ContestEntry.objects.restrict(request.user).filter(contest=contest).order_by("id")
            done = set(selectors.visible_scores(request.user, contest).filter(judge=judge).values_list(
                "entry", flat=True).distinct())
            rows = [{"entry": e, "conflict": judge.has_conflict(e), "done": e.pk in done} for e in entries]
            contests.append({"judge": judge, "contest": contest, "rows": rows,
                             "todo": sum(1 for r in rows if not r["conflict"] and not r["done"])})
        return TemplateResponse(request, self.template_name, {"contests": contests})


class ContestEntryDeleteView(RecordDeleteView):
    """Withdraw (void) an entry while the contest takes entries."""

    model = ContestEntry

    def delete(self, actor, instance, reason, version):
        return services.entry_delete(actor=actor, instance=instance, reason=reason, version=version)


class ContestEntryRestoreView(RecordRestoreView):
    model = ContestEntry

    def restore(self, actor, instance, reason):
        return services.entry_restore(actor=actor, instance=instance, reason=reason)


class ContestEntryPosterView(ObjectViewMixin, View):
    """The entry's title card (generated for entries whose video is not on the platform)."""

    model = ContestEntry

    def get(self, request, pk):
        entry = self.get_object(request, pk)
        if not entry.poster:
            raise Http404
        return uploads.stream_file(request, entry.poster, "image/png")


# --- The record types' views, for model_urls() (urls.py) --------------------------------------

CAMPAIGN_VIEWS = record_views(
    Campaign, form_class=forms.CampaignForm, table_class=tables.CampaignTable,
    filterset_class=filtersets.CampaignFilterSet, detail_view=CampaignDetailView,
    queryset=Campaign.objects.select_related("region", "lead_unit").annotate(event_count=Count("events")))
EVENT_VIEWS = record_views(
    Event, form_class=forms.EventForm, table_class=tables.EventTable, filterset_class=filtersets.EventFilterSet,
    queryset=Event.objects.select_related("region", "campaign"), export_dataset="events",
    detail_view=EventDetailView)
SCHOOL_VIEWS = record_views(
    School, table_class=tables.SchoolTable, filterset_class=filtersets.SchoolFilterSet,
    queryset=School.objects.select_related("organisation__region"), export_dataset="schools",
    detail_view=SchoolDetailView, edit_view=SchoolEditView)
SCHOOL_ACTIVITY_VIEWS = record_views(
    SchoolActivity, form_class=forms.SchoolActivityForm, table_class=tables.SchoolActivityTable,
    filterset_class=filtersets.SchoolActivityFilterSet, export_dataset="school_activities",
    queryset=SchoolActivity.objects.select_related("school__organisation"))
EDUCATION_BASE_VIEWS = record_views(
    EducationBase, form_class=forms.EducationBaseForm, table_class=tables.EducationBaseTable,
    filterset_class=filtersets.EducationBaseFilterSet, detail_view=EducationBaseDetailView,
    queryset=EducationBase.objects.select_related("region", "managing_unit"))
BASE_UPGRADE_VIEWS = record_views(
    BaseUpgrade, form_class=forms.BaseUpgradeForm, table_class=tables.BaseUpgradeTable,
    filterset_class=filtersets.BaseUpgradeFilterSet, queryset=BaseUpgrade.objects.select_related("base"))
BASE_VISIT_VIEWS = record_views(
    BaseVisit, form_class=forms.BaseVisitForm, table_class=tables.BaseVisitTable,
    filterset_class=filtersets.BaseVisitFilterSet, queryset=BaseVisit.objects.select_related("base"))
BASE_INSPECTION_VIEWS = record_views(
    BaseInspection, form_class=forms.BaseInspectionForm, table_class=tables.BaseInspectionTable,
    filterset_class=filtersets.BaseInspectionFilterSet, queryset=BaseInspection.objects.select_related("base"))
REVIEW_VIEWS = record_views(
    ModelSchoolReview, form_class=forms.ModelSchoolReviewForm, table_class=tables.ModelSchoolReviewTable,
    filterset_class=filtersets.ModelSchoolReviewFilterSet, detail_view=ModelSchoolReviewDetailView,
    queryset=ModelSchoolReview.objects.select_related("region"))
APPLICATION_VIEWS = record_views(
    ModelSchoolApplication, form_class=forms.ModelSchoolApplicationForm,
    table_class=tables.ModelSchoolApplicationTable, filterset_class=filtersets.ModelSchoolApplicationFilterSet,
    detail_view=ModelSchoolApplicationDetailView,
    queryset=ModelSchoolApplication.objects.select_related("review", "school__organisation"))
CONTEST_VIEWS = record_views(
    VideoContest, form_class=forms.VideoContestForm, table_class=tables.VideoContestTable,
    filterset_class=filtersets.VideoContestFilterSet, detail_view=VideoContestDetailView,
    queryset=VideoContest.objects.select_related("region"))
ENTRY_VIEWS = record_views(
    ContestEntry, table_class=tables.ContestEntryTable, filterset_class=filtersets.ContestEntryFilterSet,
    queryset=ContestEntry.objects.select_related("contest", "region", "author_unit"),
    detail_view=ContestEntryDetailView, edit_view=ContestEntryEditView, delete_view=ContestEntryDeleteView,
    restore_view=ContestEntryRestoreView)

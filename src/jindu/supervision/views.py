"""Pages of coordination work: declarative subclasses of the generic views, plus the actions of a task,
a visit and an assessment (each a POST that calls one service)."""

import logging
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from jindu.common.features import StaleVersionError
from jindu.common.views import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectRestoreView,
    ObjectViewMixin,
    ObjectVoidedListView,
    add_validation_errors,
    url_or_none,
)

from . import access, docx_report, exports, files, filtersets, forms, notifications, scoring, selectors, services
from .choices import ScoringMethod, SubjectKind, VisitStatus
from .models import (
    AssessmentItem,
    AssessmentScheme,
    Attachment,
    Notification,
    PlanItem,
    ScoreEntry,
    Task,
    Visit,
    WorkPlan,
)
from .tables import AssessmentSchemeTable, TaskTable, VisitTable, WorkPlanTable, status_badge

logger = logging.getLogger(__name__)


def live(compute, fallback):
    """The statistics engine's answer, or ``fallback`` when it fails: a live figure is an aid on the page and
    must not take the task, visit or assessment page down with it (the failure is logged)."""
    try:
        return compute(), False
    except Exception:
        logger.exception("statistics for a supervision page failed")
        return fallback, True


def refusal_message(error):
    """The text of a PermissionDenied raised by a service (its reason), for a message on the page."""
    text = str(error)
    return text if text and "." in text and " " in text else _("You may not do this.")


def error_messages(request, error):
    for text in getattr(error, "messages", [str(error)]):
        messages.error(request, text)


# --- Generic views that write through the app's services ----------------------------------------------------------


class OfficeOnly:
    """Plans, tasks, visits and assessments are written by office staff only (services.require_office): a member
    unit's account, which holds ``change_task`` to report on its tasks, gets 403 on their edit and delete pages."""

    def check_permission(self, request):
        super().check_permission(request)
        if not access.is_office_staff(request.user):
            raise PermissionDenied


class ServiceEditView(OfficeOnly, ObjectEditView):
    """Create or update through ``create_service`` / ``update_service``; file uploads allowed."""

    template_name = "supervision/object_edit.html"
    create_service = None
    update_service = None

    def get_form_kwargs(self, request, instance):
        return {}

    def cancel_url(self, request, instance):
        if instance is not None:
            return instance.get_absolute_url()
        meta = self.get_model()._meta
        return url_or_none(f"{meta.app_label}:{meta.model_name}_list") or reverse("supervision:task_list")

    def render(self, request, form, instance, status=200):
        context = {**self.base_context(), "form": form, "object": instance,
                   "cancel_url": self.cancel_url(request, instance)}
        return TemplateResponse(request, self.template_name, context, status=status)

    def get_form(self, request, instance=None, data=None):
        return self.form_class(data=data, files=request.FILES if data is not None else None, instance=instance,
                               user=request.user, **self.get_form_kwargs(request, instance))

    def create(self, actor, data):
        return type(self).create_service(actor=actor, data=data)

    def update(self, actor, instance, data):
        return type(self).update_service(actor=actor, instance=instance, data=data)

    def post(self, request, pk=None):
        instance = self.get_object(request, pk) if pk else None
        form = self.get_form(request, instance, data=request.POST)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.fields if name in form.cleaned_data}
            try:
                saved = self.update(request.user, instance, data) if instance else self.create(request.user, data)
            except StaleVersionError as error:
                form.add_error(None, error)
                return self.render(request, form, instance, status=409)
            except ValidationError as error:
                add_validation_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, refusal_message(error))
            else:
                messages.success(request, _("Saved: {obj}").format(obj=saved))
                return HttpResponseRedirect(saved.get_absolute_url())
        return self.render(request, form, instance)


class ServiceDeleteView(OfficeOnly, ObjectDeleteView):
    """Void a record through ``delete_service(actor, instance, reason, version)``: the generic page asks for the
    reason (400 without one); a refusal of the service is shown on the record's page."""

    delete_service = None

    def delete(self, actor, instance, reason, version):
        return type(self).delete_service(actor=actor, instance=instance, reason=reason, version=version)

    def post(self, request, pk):
        instance = self.get_object(request, pk)
        form = self.form_for(instance, data=request.POST)
        if not form.is_valid():
            return self.page(request, instance, form, status=400)
        target = self.after_delete_url(instance)
        try:
            self.delete(request.user, instance, form.cleaned_data["reason"], form.cleaned_data.get("version"))
        except StaleVersionError as error:
            form.add_error(None, error)
            return self.page(request, instance, form, status=409)
        except ValidationError as error:
            if "reason" in getattr(error, "error_dict", {}):
                add_validation_errors(form, error)
                return self.page(request, instance, form, status=400)
            error_messages(request, error)
            return HttpResponseRedirect(instance.get_absolute_url())
        except PermissionDenied as error:
            messages.error(request, refusal_message(error))
            return HttpResponseRedirect(instance.get_absolute_url())
        messages.success(request, _("Voided: {obj}. It can be restored from the list of voided records.").format(
            obj=instance))
        return HttpResponseRedirect(target)

    def after_delete_url(self, instance):
        meta = self.get_model()._meta
        return reverse(f"{meta.app_label}:{meta.model_name}_list")


class ServiceVoidedView(ObjectVoidedListView):
    """Voided records of the model in the user's scope, each with a restore button."""


class ServiceRestoreView(ObjectRestoreView):
    """Restore through ``services.office_restore`` (office staff; the parent record must be live)."""

    def restore(self, actor, instance, reason):
        try:
            return services.office_restore(actor=actor, instance=instance, reason=reason)
        except PermissionDenied as error:
            raise ValidationError(refusal_message(error)) from error


class ActionView(ObjectViewMixin, View):
    """A POST on one record (report, review, close, publish ...): scope first (404), then the service."""

    action = "change"

    def run(self, request, instance):
        raise NotImplementedError

    def post(self, request, pk):
        instance = self.get_object(request, pk)
        try:
            response = self.run(request, instance)
        except ValidationError as error:
            error_messages(request, error)
            response = None
        except PermissionDenied as error:
            messages.error(request, refusal_message(error))
            response = None
        return response or HttpResponseRedirect(instance.get_absolute_url())


def download(stored, name, kind):
    try:
        handle = files.open_stored(stored)
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=name, content_type=files.CONTENT_TYPES[kind])


class OfficeListView(ObjectListView):
    """A list whose "add" button only office staff see (member units do not create plans, tasks, visits)."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if not access.is_office_staff(request.user) and response.context_data is not None:
            for name in ("add_url", "voided_url", "import_dataset"):
                response.context_data[name] = None
        return response


# --- Work plans and their items -----------------------------------------------------------------------------------


class WorkPlanListView(OfficeListView):
    model = WorkPlan
    queryset = WorkPlan.objects.select_related("issuer").annotate(
        item_count=Count("items", filter=Q(items__voided=False)))
    table_class = WorkPlanTable
    filterset_class = filtersets.WorkPlanFilterSet


class WorkPlanDetailView(ObjectDetailView):
    model = WorkPlan
    queryset = WorkPlan.objects.select_related("issuer__region")

    def get_extra_context(self, request, instance):
        items = instance.items.filter(voided=False).prefetch_related("units", "regions").annotate(
            task_count=Count("tasks", filter=Q(tasks__voided=False)))
        return {
            "items": items,
            "can_change": access.is_office_staff(request.user)
            and WorkPlan.objects.restrict(request.user, "change").filter(pk=instance.pk).exists(),
        }


class WorkPlanEditView(ServiceEditView):
    model = WorkPlan
    form_class = forms.WorkPlanForm
    create_service = services.workplan_create
    update_service = services.workplan_update


class WorkPlanDeleteView(ServiceDeleteView):
    model = WorkPlan
    delete_service = services.office_delete


class WorkPlanDocumentView(ObjectViewMixin, View):
    model = WorkPlan

    def get(self, request, pk):
        plan = self.get_object(request, pk)
        if not plan.document:
            raise Http404
        return download(plan.document, plan.document_name, plan.document_kind)


class PlanItemDetailView(ObjectDetailView):
    model = PlanItem
    queryset = PlanItem.objects.select_related("plan__issuer")

    def get_extra_context(self, request, instance):
        tasks = Task.objects.restrict(request.user).filter(plan_item=instance).select_related("assignee", "region")
        return {
            "tasks": tasks,
            "today": timezone.localdate(),
            "can_change": access.is_office_staff(request.user)
            and PlanItem.objects.restrict(request.user, "change").filter(pk=instance.pk).exists(),
        }


class PlanItemEditView(ServiceEditView):
    model = PlanItem
    form_class = forms.PlanItemForm
    create_service = services.planitem_create
    update_service = services.planitem_update

    def cancel_url(self, request, instance):
        if instance is None and request.GET.get("plan", "").isdigit():
            return reverse("supervision:workplan", args=[int(request.GET["plan"])])
        return instance.get_absolute_url() if instance else reverse("supervision:workplan_list")

    def get_form(self, request, instance=None, data=None):
        form = super().get_form(request, instance, data)
        if instance is None and data is None and request.GET.get("plan", "").isdigit():
            form.initial["plan"] = int(request.GET["plan"])
            form.initial["position"] = PlanItem.objects.filter(plan_id=int(request.GET["plan"])).count() + 1
        return form


class PlanItemDeleteView(ServiceDeleteView):
    model = PlanItem
    delete_service = services.office_delete

    def after_delete_url(self, instance):
        return instance.plan.get_absolute_url()


class PlanItemGenerateView(ActionView):
    model = PlanItem

    def run(self, request, item):
        created = services.planitem_generate_tasks(actor=request.user, item=item)
        messages.success(request, _("{count} tasks created.").format(count=len(created)))


# --- Tasks --------------------------------------------------------------------------------------------------------


class TaskListView(OfficeListView):
    model = Task
    queryset = Task.objects.select_related("assignee", "region", "issuer")
    table_class = TaskTable
    filterset_class = filtersets.TaskFilterSet
    template_name = "supervision/task_list.html"
    export_dataset = "tasks"


class TaskDetailView(ObjectDetailView):
    model = Task
    queryset = Task.objects.select_related("assignee", "issuer__region", "region", "plan_item__plan", "visit")

    def get_extra_context(self, request, task):
        today = timezone.localdate()
        figure, figure_failed = live(lambda: selectors.task_figure(task, today), None)
        reports = task.reports.select_related("author", "author_unit", "reviewer").prefetch_related("attachments")
        return {
            "figure": figure,
            "figure_failed": figure_failed,
            "reports": reports,
            "status_badge": status_badge(task, today),
            "report_form": forms.ReportForm(user=request.user),
            "review_form": forms.ReviewForm(user=request.user),
            **selectors.task_permissions(request.user, task),
        }


class TaskEditView(ServiceEditView):
    model = Task
    form_class = forms.TaskForm
    create_service = services.task_create
    update_service = services.task_update


class TaskDeleteView(ServiceDeleteView):
    model = Task

    @staticmethod
    def delete_service(*, actor, instance, reason, version):
        services.task_delete(actor=actor, task=instance, reason=reason, version=version)


class TaskStartView(ActionView):
    model = Task

    def run(self, request, task):
        services.task_start(actor=request.user, task=task)


class TaskReportView(ActionView):
    model = Task

    def run(self, request, task):
        form = forms.ReportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return None
        services.task_report(actor=request.user, task=task, text=form.cleaned_data["text"],
                             final=form.cleaned_data["final"], uploads=form.cleaned_data["files"])
        messages.success(request, _("Report saved."))
        return None


class TaskReviewView(ActionView):
    model = Task

    def run(self, request, task):
        form = forms.ReviewForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, _("Choose accept or return."))
            return None
        services.task_review(actor=request.user, task=task, decision=form.cleaned_data["decision"],
                             comment=form.cleaned_data["comment"])
        messages.success(request, _("Decision saved."))
        return None


# --- Supervision visits -------------------------------------------------------------------------------------------


class VisitListView(OfficeListView):
    model = Visit
    queryset = Visit.objects.select_related("region", "issuer")
    table_class = VisitTable
    filterset_class = filtersets.VisitFilterSet


class VisitDetailView(ObjectDetailView):
    model = Visit
    queryset = Visit.objects.select_related("region", "issuer", "unit")

    def get_extra_context(self, request, visit):
        rectifications = Task.objects.restrict(request.user).filter(visit=visit).select_related("assignee")
        can_change = access.is_office_staff(request.user) and visit.status != VisitStatus.CLOSED \
            and Visit.objects.restrict(request.user, "change").filter(pk=visit.pk).exists()
        return {
            "checks": visit.checks.all(),
            "rectifications": rectifications,
            "attachments": visit.attachments.all(),
            "today": timezone.localdate(),
            "can_change": can_change,
            "close_form": forms.CloseForm(user=request.user),
            "attach_form": forms.AttachmentsForm(user=request.user),
        }


class VisitEditView(ServiceEditView):
    model = Visit
    form_class = forms.VisitForm
    create_service = services.visit_create
    update_service = services.visit_update


class VisitDeleteView(ServiceDeleteView):
    model = Visit
    delete_service = services.office_delete


class VisitChecklistView(ObjectViewMixin, View):
    model = Visit
    action = "change"
    template_name = "supervision/visit_checklist.html"

    def render(self, request, visit, formset):
        return TemplateResponse(request, self.template_name, {**self.base_context(), "object": visit,
                                                              "formset": formset})

    def get(self, request, pk):
        visit = self.get_object(request, pk)
        initial = [{"id": c.pk, "item": c.item, "result": c.result, "note": c.note} for c in visit.checks.all()]
        return self.render(request, visit, forms.ChecklistFormSet(initial=initial))

    def post(self, request, pk):
        visit = self.get_object(request, pk)
        formset = forms.ChecklistFormSet(request.POST)
        if formset.is_valid():
            try:
                services.visit_set_checklist(actor=request.user, visit=visit,
                                             rows=[form.cleaned_data for form in formset if form.cleaned_data])
            except ValidationError as error:
                error_messages(request, error)
            except PermissionDenied as error:
                messages.error(request, refusal_message(error))
            else:
                messages.success(request, _("Checklist saved."))
                return HttpResponseRedirect(visit.get_absolute_url())
        return self.render(request, visit, formset)


class VisitRectificationView(ObjectViewMixin, View):
    model = Visit
    action = "change"
    template_name = "supervision/object_edit.html"

    def render(self, request, visit, form):
        context = {**self.base_context(), "form": form, "object": None, "parent": visit,
                   "cancel_url": visit.get_absolute_url(), "verbose_name": _("rectification item")}
        return TemplateResponse(request, self.template_name, context)

    def get(self, request, pk):
        visit = self.get_object(request, pk)
        return self.render(request, visit, forms.RectificationForm(user=request.user))

    def post(self, request, pk):
        visit = self.get_object(request, pk)
        form = forms.RectificationForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.visit_add_rectification(actor=request.user, visit=visit, data=form.cleaned_data)
            except ValidationError as error:
                add_validation_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, refusal_message(error))
            else:
                messages.success(request, _("Rectification item added."))
                return HttpResponseRedirect(visit.get_absolute_url())
        return self.render(request, visit, form)


class VisitCloseView(ActionView):
    model = Visit

    def run(self, request, visit):
        form = forms.CloseForm(request.POST, user=request.user)
        form.is_valid()
        services.visit_close(actor=request.user, visit=visit, note=form.cleaned_data.get("note", ""))
        messages.success(request, _("The visit is closed."))


class VisitAttachView(ActionView):
    model = Visit

    def run(self, request, visit):
        form = forms.AttachmentsForm(request.POST, request.FILES, user=request.user)
        if form.is_valid() and form.cleaned_data["files"]:
            services.visit_attach(actor=request.user, visit=visit, uploads=form.cleaned_data["files"])
            messages.success(request, _("Files added."))


class VisitReportView(ObjectViewMixin, View):
    """The visit report drafted as DOCX from the record."""

    model = Visit

    def get(self, request, pk):
        visit = self.get_object(request, pk)
        content = docx_report.visit_report(visit)
        response = HttpResponse(content, content_type=files.CONTENT_TYPES["docx"])
        name = "{}-{}.docx".format(_("visit-report"), visit.start_on.isoformat())
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
        return response


# --- Assessment ---------------------------------------------------------------------------------------------------


class AssessmentSchemeListView(OfficeListView):
    model = AssessmentScheme
    queryset = AssessmentScheme.objects.select_related("issuer")
    table_class = AssessmentSchemeTable
    filterset_class = filtersets.AssessmentSchemeFilterSet


class AssessmentSchemeDetailView(ObjectDetailView):
    model = AssessmentScheme
    queryset = AssessmentScheme.objects.select_related("issuer__region", "published_by")

    def get_extra_context(self, request, scheme):
        visible = access.sees_results(request.user, scheme)
        rows, failed = live(lambda: scoring.table(scheme), []) if visible else ([], False)
        if failed:
            messages.error(request, _("The scores could not be computed just now; try again later."))
        can_change = not scheme.is_published and access.is_office_staff(request.user) \
            and AssessmentScheme.objects.restrict(request.user, "change").filter(pk=scheme.pk).exists()
        return {
            "items": scheme.items.filter(voided=False),
            "rows": rows,
            "sees_results": visible,
            "can_change": can_change,
            "can_export": visible and request.user.has_perm("core.export_data"),
            "columns": rows[0].items if rows else [],
        }


class AssessmentSchemeEditView(ServiceEditView):
    model = AssessmentScheme
    form_class = forms.AssessmentSchemeForm
    create_service = services.scheme_create
    update_service = services.scheme_update


class AssessmentSchemeDeleteView(ServiceDeleteView):
    model = AssessmentScheme
    delete_service = services.office_delete


class AssessmentItemEditView(ServiceEditView):
    model = AssessmentItem
    form_class = forms.AssessmentItemForm
    create_service = services.item_create
    update_service = services.item_update

    def cancel_url(self, request, instance):
        if instance is not None:
            return instance.scheme.get_absolute_url()
        if request.GET.get("scheme", "").isdigit():
            return reverse("supervision:assessmentscheme", args=[int(request.GET["scheme"])])
        return reverse("supervision:assessmentscheme_list")

    def get_form(self, request, instance=None, data=None):
        form = super().get_form(request, instance, data)
        if instance is None and data is None and request.GET.get("scheme", "").isdigit():
            form.initial["scheme"] = int(request.GET["scheme"])
            form.initial["position"] = AssessmentItem.objects.filter(scheme_id=int(request.GET["scheme"])).count() + 1
        return form


class AssessmentItemDeleteView(ServiceDeleteView):
    model = AssessmentItem
    delete_service = services.item_delete

    def after_delete_url(self, instance):
        return instance.scheme.get_absolute_url()


class AssessmentItemDetailView(ObjectDetailView):
    model = AssessmentItem

    def get(self, request, pk):
        item = self.get_object(request, pk)
        return HttpResponseRedirect(item.scheme.get_absolute_url())


class AssessmentSubjectView(ObjectViewMixin, View):
    """One subject's breakdown, the assessors' entries with their evidence, and the form to add one."""

    model = AssessmentScheme
    template_name = "supervision/assessment_subject.html"

    def context(self, request, scheme, subject, form=None):
        if not access.sees_results(request.user, scheme):
            raise Http404
        table, failed = live(lambda: scoring.table(scheme), [])
        if failed:
            messages.error(request, _("The scores could not be computed just now; try again later."))
        rows = {row.key: row for row in table}
        key = scoring.subject_key(subject)
        entries = ScoreEntry.objects.restrict(request.user).filter(item__scheme=scheme).select_related(
            "item", "assessor").prefetch_related("attachments")
        entries = entries.filter(subject_region=subject) if scheme.subject_kind == SubjectKind.REGION \
            else entries.filter(subject_unit=subject)
        can_enter = (not scheme.is_published and access.is_office_staff(request.user)
                     and access.covers(request.user, scheme.issuer.region)
                     and request.user.has_perm("supervision.add_scoreentry"))
        if can_enter and form is None:
            form = forms.ScoreEntryForm(scheme=scheme, user=request.user)
        return {**self.base_context(), "object": scheme, "subject": subject, "row": rows.get(key),
                "entries": entries, "form": form if can_enter else None,
                "has_manual": scheme.items.filter(voided=False, method=ScoringMethod.MANUAL).exists()}

    def get_subject(self, scheme, key):
        subject = scoring.subject_by_key(scheme, key)
        if subject is None:
            raise Http404
        return subject

    def get(self, request, pk, key):
        scheme = self.get_object(request, pk)
        subject = self.get_subject(scheme, key)
        return TemplateResponse(request, self.template_name, self.context(request, scheme, subject))

    def post(self, request, pk, key):
        scheme = self.get_object(request, pk)
        subject = self.get_subject(scheme, key)
        form = forms.ScoreEntryForm(request.POST, request.FILES, scheme=scheme, user=request.user)
        if form.is_valid():
            try:
                services.entry_create(actor=request.user, item=form.cleaned_data["item"], subject=subject,
                                      points=form.cleaned_data["points"], reason=form.cleaned_data["reason"],
                                      uploads=form.cleaned_data["files"])
            except ValidationError as error:
                add_validation_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, refusal_message(error))
            else:
                messages.success(request, _("Deduction entered."))
                return HttpResponseRedirect(request.path)
        return TemplateResponse(request, self.template_name, self.context(request, scheme, subject, form))


class ScoreEntryEditView(ObjectViewMixin, View):
    """Correct an entry's points or reason (audited; refused once the scheme is published)."""

    model = ScoreEntry
    action = "change"
    template_name = "supervision/object_edit.html"

    def target(self, entry):
        key = scoring.subject_key(entry.subject)
        return reverse("supervision:assessment_subject", args=[entry.item.scheme_id, key])

    def render(self, request, entry, form):
        context = {**self.base_context(), "form": form, "object": entry, "cancel_url": self.target(entry)}
        return TemplateResponse(request, self.template_name, context)

    def get(self, request, pk):
        entry = self.get_object(request, pk)
        form = forms.ScoreEntryEditForm(initial={"points": entry.points, "reason": entry.reason}, user=request.user)
        return self.render(request, entry, form)

    def post(self, request, pk):
        entry = self.get_object(request, pk)
        form = forms.ScoreEntryEditForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.entry_update(actor=request.user, instance=entry, **form.cleaned_data)
            except ValidationError as error:
                add_validation_errors(form, error)
            except PermissionDenied as error:
                form.add_error(None, refusal_message(error))
            else:
                messages.success(request, _("Saved: {obj}").format(obj=entry))
                return HttpResponseRedirect(self.target(entry))
        return self.render(request, entry, form)


class ScoreEntryDeleteView(ObjectViewMixin, View):
    model = ScoreEntry
    action = "delete"

    def post(self, request, pk):
        entry = self.get_object(request, pk)
        target = reverse("supervision:assessment_subject",
                         args=[entry.item.scheme_id, scoring.subject_key(entry.subject)])
        try:
            services.entry_delete(actor=request.user, instance=entry)
        except ValidationError as error:
            error_messages(request, error)
        except PermissionDenied as error:
            messages.error(request, refusal_message(error))
        else:
            messages.success(request, _("Deduction deleted."))
        return HttpResponseRedirect(target)


class AssessmentPublishView(ActionView):
    model = AssessmentScheme

    def run(self, request, scheme):
        try:
            services.scheme_publish(actor=request.user, scheme=scheme)
        except (ValidationError, PermissionDenied):
            raise
        except Exception:  # the statistics engine failed: the transaction is rolled back, nothing is frozen
            logger.exception("publishing assessment %s failed", scheme.pk)
            messages.error(request, _("The scores could not be computed; nothing was published."))
        else:
            messages.success(request, _("Published: the results are frozen."))


class AssessmentExportView(ObjectViewMixin, View):
    model = AssessmentScheme

    def get(self, request, pk):
        scheme = self.get_object(request, pk)
        if not request.user.has_perm("core.export_data") or not access.sees_results(request.user, scheme):
            raise PermissionDenied
        content = exports.export_assessment(scheme, request.user)
        response = HttpResponse(content, content_type=exports.CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="assessment-{scheme.year}-{scheme.pk}.xlsx"'
        return response


# --- Files and notifications --------------------------------------------------------------------------------------


class AttachmentView(View):
    """Stream an evidence file if its owner record is in the user's scope (else 404)."""

    def get(self, request, pk):
        attachment = get_object_or_404(Attachment.objects.restrict(request.user), pk=pk)
        return download(attachment.file, attachment.name, attachment.kind)


class NotificationListView(View):
    template_name = "supervision/notification_list.html"

    def get(self, request):
        items = Notification.objects.restrict(request.user).select_related("task__issuer", "task__assignee")[:200]
        rows = [(item, notifications.message(item)) for item in items]
        return TemplateResponse(request, self.template_name, {"rows": rows})


class NotificationReadView(View):
    def post(self, request, pk=None):
        notification = None
        if pk is not None:
            notification = get_object_or_404(Notification.objects.restrict(request.user), pk=pk)
        notifications.mark_read(user=request.user, pk=pk)
        if notification is not None and request.POST.get("open"):
            return HttpResponseRedirect(notification.get_absolute_url())
        return HttpResponseRedirect(reverse("supervision:notification_list"))


# --- Voided records (soft delete) ---------------------------------------------------------------------------------


class WorkPlanVoidedView(ServiceVoidedView):
    model = WorkPlan


class WorkPlanRestoreView(ServiceRestoreView):
    model = WorkPlan


class PlanItemVoidedView(ServiceVoidedView):
    model = PlanItem


class PlanItemRestoreView(ServiceRestoreView):
    model = PlanItem


class TaskVoidedView(ServiceVoidedView):
    model = Task


class TaskRestoreView(ServiceRestoreView):
    model = Task


class VisitVoidedView(ServiceVoidedView):
    model = Visit


class VisitRestoreView(ServiceRestoreView):
    model = Visit


class AssessmentSchemeVoidedView(ServiceVoidedView):
    model = AssessmentScheme


class AssessmentSchemeRestoreView(ServiceRestoreView):
    model = AssessmentScheme


class AssessmentItemVoidedView(ServiceVoidedView):
    model = AssessmentItem


class AssessmentItemRestoreView(ServiceRestoreView):
    model = AssessmentItem

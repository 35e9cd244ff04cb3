"""Generic views (STYLE rule 3): a model's views are declarative subclasses of these.

Every read goes through ``Model.objects.restrict(user, action)``: a record out of the user's
scope answers 404, a missing permission answers 403. A list view answers the full page or,
for an htmx request aimed at the table, the table alone.

Models with feature mixins (``common.features``) get: the field allowlist of the user's roles
in tables and detail pages (``common.fieldrules``); a stale edit refused with a clear message
(409, nothing written); a delete that asks for a reason and voids, with restore and voided-list
views; the audited opening of a sealed record (:class:`SealedRecordOpenView`).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_tables2 import RequestConfig

from . import audit
from .features import StaleVersionError, is_versioned, is_voidable
from .fieldrules import hidden_fields, readable
from .forms import JinduForm
from .scope import permission_name
from .sealing import OpenSealedForm, sealed_queryset
from .services import object_create, object_delete, object_restore, object_update


class ObjectViewMixin:
    model = None
    queryset = None
    action = "view"

    def get_model(self):
        if self.model is None:
            if self.queryset is None:
                raise ImproperlyConfigured(f"{type(self).__name__} needs a model or a queryset")
            return self.queryset.model
        return self.model

    def check_permission(self, request):
        if not request.user.has_perm(permission_name(self.get_model(), self.action)):
            raise PermissionDenied

    def get_queryset(self, request):
        queryset = self.queryset if self.queryset is not None else self.get_model().objects.all()
        return queryset.restrict(request.user, self.action)

    def get_object(self, request, pk):
        return get_object_or_404(self.get_queryset(request), pk=pk)

    def dispatch(self, request, *args, **kwargs):
        self.check_permission(request)
        return super().dispatch(request, *args, **kwargs)

    def base_context(self):
        model = self.get_model()
        meta = model._meta
        return {
            "model": model,
            "verbose_name": meta.verbose_name,
            "verbose_name_plural": meta.verbose_name_plural,
            "url_prefix": f"{meta.app_label}:{meta.model_name}",
        }


def url_or_none(name, *args):
    from django.urls import NoReverseMatch

    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


class ObjectListView(ObjectViewMixin, View):
    """A filterable, sortable, paginated table of the records in the user's scope."""

    table_class = None
    filterset_class = None
    template_name = "common/object_list.html"
    partial_template_name = "common/includes/object_table.html"
    export_dataset = None  # the import/export dataset behind the "export" button
    per_page = 25

    def get(self, request, *args, **kwargs):
        queryset = self.get_queryset(request)
        filterset = self.filterset_class(request.GET or None, queryset=queryset, request=request) \
            if self.filterset_class else None
        rows = filterset.qs if filterset is not None and filterset.is_bound and filterset.is_valid() else queryset
        table = self.table_class(rows, request=request, exclude=sorted(hidden_fields(request.user, self.get_model())))
        RequestConfig(request, paginate={"per_page": self.per_page}).configure(table)
        meta = self.get_model()._meta
        context = {
            **self.base_context(),
            "table": table,
            "filterset": filterset,
            "add_url": url_or_none(f"{meta.app_label}:{meta.model_name}_add")
            if request.user.has_perm(permission_name(self.get_model(), "add")) else None,
            "export_dataset": self.export_dataset if request.user.has_perm("core.export_data") else None,
            "import_dataset": self.export_dataset if request.user.has_perm("core.import_data") else None,
            "voided_url": url_or_none(f"{meta.app_label}:{meta.model_name}_voided")
            if is_voidable(self.get_model()) and request.user.has_perm(permission_name(self.get_model(), "delete"))
            else None,
        }
        if request.htmx and request.htmx.target == "object-table":
            return TemplateResponse(request, self.partial_template_name, context)
        return TemplateResponse(request, self.template_name, context)


class ObjectDetailView(ObjectViewMixin, View):
    """One record, with its change history. Views of sensitive records are audited."""

    template_name = None

    def get_template_names(self):
        if self.template_name:
            return [self.template_name]
        meta = self.get_model()._meta
        return [f"{meta.app_label}/{meta.model_name}.html", "common/object_detail.html"]

    def get_extra_context(self, request, instance):
        return {}

    def get(self, request, pk):
        instance = self.get_object(request, pk)
        audit.log_view(request.user, instance)
        meta = self.get_model()._meta
        history = audit.audit_model().objects.filter(
            object_type=f"{meta.app_label}.{meta.model_name}", object_id=str(instance.pk)
        ).order_by("-seq")[:50]
        context = {
            **self.base_context(),
            "object": instance,
            "history": history,
            "fields": detail_fields(instance, request.user),
            "edit_url": url_or_none(f"{meta.app_label}:{meta.model_name}_edit", instance.pk)
            if request.user.has_perm(permission_name(self.get_model(), "change")) else None,
            "delete_url": url_or_none(f"{meta.app_label}:{meta.model_name}_delete", instance.pk)
            if request.user.has_perm(permission_name(self.get_model(), "delete")) else None,
            **self.get_extra_context(request, instance),
        }
        return TemplateResponse(request, self.get_template_names(), context)


def detail_fields(instance, user=None):
    """(label, display value) of the concrete fields a detail page shows by default.

    With ``user``, fields outside the user's field allowlist (``common.fieldrules``) are left out.
    """
    rows = []
    for field in instance._meta.concrete_fields:
        if field.name in ("id", "created", "last_updated", "path", "password") or not field.editable:
            continue
        if user is not None and not readable(user, type(instance), field.name):
            continue
        display = getattr(instance, f"get_{field.name}_display", None)
        value = display() if display else getattr(instance, field.name)
        if field.name in getattr(instance, "audit_masked_fields", ()):
            from .masking import mask_value

            value = mask_value(field.name, value)
        rows.append((field.verbose_name, value))
    return rows


class ObjectEditView(ObjectViewMixin, View):
    """Create (no pk) or update a record through the model's services."""

    form_class = None
    template_name = "common/object_edit.html"

    def create(self, actor, data):
        return object_create(actor=actor, model=self.get_model(), data=data)

    def update(self, actor, instance, data):
        return object_update(actor=actor, instance=instance, data=data)

    def dispatch(self, request, *args, **kwargs):
        self.action = "change" if kwargs.get("pk") else "add"
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, request, instance=None, data=None):
        return self.form_class(data=data, instance=instance, user=request.user)

    def render(self, request, form, instance, status=200):
        return TemplateResponse(request, self.template_name, {**self.base_context(), "form": form, "object": instance},
                                status=status)

    def get(self, request, pk=None):
        instance = self.get_object(request, pk) if pk else None
        return self.render(request, self.get_form(request, instance), instance)

    def post(self, request, pk=None):
        instance = self.get_object(request, pk) if pk else None
        form = self.get_form(request, instance, data=request.POST)
        status = 200
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.fields if name in form.cleaned_data}
            if instance is not None and is_versioned(type(instance)) and "version" not in data:
                data["version"] = request.POST.get("version")
            try:
                saved = self.update(request.user, instance, data) if instance else self.create(request.user, data)
            except StaleVersionError as error:
                form.add_error(None, error)
                status = 409
            except ValidationError as error:
                add_validation_errors(form, error)
            except PermissionDenied:
                form.add_error(None, _("This record would lie outside your region; it was not saved."))
            else:
                messages.success(request, _("Saved: {obj}").format(obj=saved))
                return HttpResponseRedirect(saved.get_absolute_url())
        return self.render(request, form, instance, status=status)


def add_validation_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ReasonForm(JinduForm):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ObjectDeleteView(ObjectViewMixin, View):
    """Delete a record; a voidable record is voided: the form asks for the reason (400 without one)."""

    action = "delete"
    template_name = "common/object_delete.html"

    def delete(self, actor, instance, reason, version):
        """Override to call the model's service."""
        if is_voidable(type(instance)):
            return object_delete(actor=actor, instance=instance, reason=reason, version=version)
        return object_delete(actor=actor, instance=instance)

    def form_for(self, instance, data=None):
        if not is_voidable(type(instance)):
            return None
        initial = {"version": instance.version} if is_versioned(type(instance)) else {}
        return ReasonForm(data=data, initial=initial)

    def page(self, request, instance, form, status=200):
        context = {**self.base_context(), "object": instance, "form": form, "voidable": is_voidable(type(instance))}
        return TemplateResponse(request, self.template_name, context, status=status)

    def get(self, request, pk):
        instance = self.get_object(request, pk)
        return self.page(request, instance, self.form_for(instance))

    def post(self, request, pk):
        instance = self.get_object(request, pk)
        meta = self.get_model()._meta
        form = self.form_for(instance, data=request.POST)
        if form is not None and not form.is_valid():
            return self.page(request, instance, form, status=400)
        reason = form.cleaned_data["reason"] if form is not None else ""
        version = form.cleaned_data.get("version") if form is not None else None
        try:
            self.delete(request.user, instance, reason, version)
        except StaleVersionError as error:
            form.add_error(None, error)
            return self.page(request, instance, form, status=409)
        except ValidationError as error:
            if form is None:
                raise
            add_validation_errors(form, error)
            return self.page(request, instance, form, status=400)
        except Exception as error:  # PROTECT: other records still refer to it
            from django.db.models import ProtectedError

            if not isinstance(error, ProtectedError):
                raise
            messages.error(request, _("{obj} is still referred to by other records and was not deleted.").format(
                obj=instance))
            return HttpResponseRedirect(instance.get_absolute_url())
        if form is not None:
            messages.success(request, _("Voided: {obj}. It can be restored from the list of voided records.").format(
                obj=instance))
        else:
            messages.success(request, _("Deleted: {obj}").format(obj=instance))
        return HttpResponseRedirect(reverse(f"{meta.app_label}:{meta.model_name}_list"))


class VoidedViewMixin(ObjectViewMixin):
    """Voided rows of the model in the user's scope (delete permission: whoever may void may restore)."""

    action = "delete"

    def get_queryset(self, request):
        model = self.get_model()
        if not is_voidable(model):
            raise ImproperlyConfigured(f"{model.__name__} is not voidable")
        return model.all_objects.filter(voided=True).restrict(request.user, self.action)


class ObjectVoidedListView(VoidedViewMixin, View):
    """The voided records, newest first, each with a restore button."""

    template_name = "common/object_voided_list.html"

    def get(self, request):
        rows = self.get_queryset(request).select_related("voided_by").order_by("-voided_at")[:500]
        return TemplateResponse(request, self.template_name, {**self.base_context(), "rows": rows})


class ObjectRestoreView(VoidedViewMixin, View):
    """POST: restore a voided record (audited)."""

    def restore(self, actor, instance, reason):
        return object_restore(actor=actor, instance=instance, reason=reason)

    def post(self, request, pk):
        instance = self.get_object(request, pk)
        meta = self.get_model()._meta
        try:
            restored = self.restore(request.user, instance, request.POST.get("reason", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(reverse(f"{meta.app_label}:{meta.model_name}_voided"))
        messages.success(request, _("Restored: {obj}").format(obj=restored))
        return HttpResponseRedirect(restored.get_absolute_url())


class SealedRecordOpenView(ObjectViewMixin, View):
    """Open a sealed record: only for holders of the open-sealed permission (others: 404, as if it did
    not exist), with a reason and the case number (400 without), each opening audited as
    ``<app>.<model>.sealed_opened``. The record is shown with the model's detail template.

    Subclass with ``model = ...`` and route it at ``<prefix><pk>/sealed/`` (``model_urls(sealed_view=...)``).
    """

    template_name = "common/sealed_open.html"
    detail_template_name = None

    def check_permission(self, request):
        return None  # the queryset decides: no permission = no rows = 404

    def get_queryset(self, request):
        return sealed_queryset(self.get_model(), request.user)

    def get_detail_template_names(self):
        if self.detail_template_name:
            return [self.detail_template_name]
        meta = self.get_model()._meta
        return [f"{meta.app_label}/{meta.model_name}.html", "common/object_detail.html"]

    def get_extra_context(self, request, instance):
        return {}

    def get(self, request, pk):
        instance = self.get_object(request, pk)
        return TemplateResponse(request, self.template_name,
                                {**self.base_context(), "object": instance, "form": OpenSealedForm()})

    def post(self, request, pk):
        instance = self.get_object(request, pk)
        form = OpenSealedForm(request.POST)
        if not form.is_valid():
            return TemplateResponse(request, self.template_name,
                                    {**self.base_context(), "object": instance, "form": form}, status=400)
        audit.log(audit.action_code(instance, "sealed_opened"), obj=instance, user=request.user,
                  extra={"reason": form.cleaned_data["reason"], "case_number": form.cleaned_data["case_number"]})
        context = {
            **self.base_context(), "object": instance, "fields": detail_fields(instance, request.user),
            "history": [], "sealed_opened": True, **self.get_extra_context(request, instance),
        }
        return TemplateResponse(request, self.get_detail_template_names(), context)


def model_urls(model, *, list_view=None, detail_view=None, edit_view=None, delete_view=None, prefix=None,
               voided_view=None, restore_view=None, sealed_view=None):
    """URL patterns named ``<model>_list``, ``<model>``, ``<model>_add``, ``<model>_edit``, ``<model>_delete``,
    and for the feature mixins ``<model>_voided``, ``<model>_restore``, ``<model>_sealed``."""
    name = model._meta.model_name
    prefix = prefix or name + "s/"
    patterns = []
    if list_view:
        patterns.append(path(prefix, list_view.as_view(), name=f"{name}_list"))
    if edit_view:
        patterns.append(path(prefix + "add/", edit_view.as_view(), name=f"{name}_add"))
        patterns.append(path(prefix + "<int:pk>/edit/", edit_view.as_view(), name=f"{name}_edit"))
    if detail_view:
        patterns.append(path(prefix + "<int:pk>/", detail_view.as_view(), name=name))
    if delete_view:
        patterns.append(path(prefix + "<int:pk>/delete/", delete_view.as_view(), name=f"{name}_delete"))
    if voided_view:
        patterns.append(path(prefix + "voided/", voided_view.as_view(), name=f"{name}_voided"))
    if restore_view:
        patterns.append(path(prefix + "<int:pk>/restore/", restore_view.as_view(), name=f"{name}_restore"))
    if sealed_view:
        patterns.append(path(prefix + "<int:pk>/sealed/", sealed_view.as_view(), name=f"{name}_sealed"))
    return patterns

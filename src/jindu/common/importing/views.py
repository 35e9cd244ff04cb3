"""The "Data exchange" pages: list of datasets, upload with a dry-run preview, confirm, export, template.

An upload is always a dry run first: the page shows what the file would do and every bad
row. Only a file without errors can be confirmed; the confirmation imports the stored file
again, for real. Permissions: ``core.import_data`` plus the model's add or change permission
to import, ``core.export_data`` plus its view permission to export; rows are limited by the
region scope in both directions.
"""

import io
import tempfile

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from jindu.common.forms import JinduForm
from jindu.common.ratelimit import RateLimited, check, too_many_requests

from . import uploads
from .datasets import EXPORT_PERMISSION, IMPORT_PERMISSION, all_datasets, get
from .engine import run_import
from .exporting import CONTENT_TYPES, FORMATS, export_dataset, write_template
from .readers import FileRefused, file_sha256

MAX_ERRORS_SHOWN = 1000


class UploadForm(JinduForm):
    file = forms.FileField(label=gettext_lazy("File"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(".csv (UTF-8 or GB18030) or .xlsx, at most {size} MB").format(
            size=settings.IMPORT_MAX_FILE_BYTES // (1024 * 1024))


def dataset_or_404(name):
    try:
        return get(name)
    except KeyError:
        raise Http404("no such dataset")


def list_url(dataset):
    meta = dataset.model._meta
    try:
        return reverse(f"{meta.app_label}:{meta.model_name}_list")
    except NoReverseMatch:
        return None


class DataExchangeView(View):
    """The datasets the user may import or export."""

    def get(self, request):
        user = request.user
        if not (user.has_perm(IMPORT_PERMISSION) or user.has_perm(EXPORT_PERMISSION)):
            raise PermissionDenied
        rows = []
        for dataset in all_datasets():
            can_import, can_export = dataset.can_import(user), dataset.can_export(user)
            if can_import or can_export:
                rows.append({"dataset": dataset, "can_import": can_import, "can_export": can_export,
                             "columns": [column.key for column in dataset.columns], "list_url": list_url(dataset)})
        return TemplateResponse(request, "common/importing/index.html", {"rows": rows})


class DatasetView(View):
    """Base: resolves the dataset from the URL and checks the permission of ``action``."""

    action = "import"
    rate_limited_methods = ()  # requests counted against the "import" or "export" rate (per user and address)

    def dispatch(self, request, dataset, *args, **kwargs):
        self.dataset = dataset_or_404(dataset)
        allowed = self.dataset.can_import if self.action == "import" else self.dataset.can_export
        if not allowed(request.user):
            raise PermissionDenied
        if request.method in self.rate_limited_methods:
            try:
                check(request, self.action)
            except RateLimited as limited:
                return too_many_requests(request, limited)
        return super().dispatch(request, *args, **kwargs)

    def render(self, request, template, status=200, **context):
        context = {"dataset": self.dataset, "list_url": list_url(self.dataset), **context}
        return TemplateResponse(request, template, context, status=status)


class UploadView(DatasetView):
    """GET: the upload form. POST: store the file, dry-run it and show the preview."""

    template_name = "common/importing/upload.html"
    rate_limited_methods = ("POST",)

    def page(self, request, form, status=200, **context):
        return self.render(request, self.template_name, status=status, form=form, columns=self.dataset.columns,
                           natural_key=self.dataset.natural_key, max_errors=MAX_ERRORS_SHOWN, **context)

    def get(self, request):
        return self.page(request, UploadForm())

    def post(self, request):
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(request, form, status=400)
        uploaded = form.cleaned_data["file"]
        filename = uploads.clean_filename(uploaded.name)
        if uploaded.size > settings.IMPORT_MAX_FILE_BYTES:
            return self.page(request, UploadForm(), status=400, refused=_("The file is larger than {size} MB.").format(
                size=settings.IMPORT_MAX_FILE_BYTES // (1024 * 1024)), filename=filename)
        uploads.purge_stale()
        token, path = uploads.save(uploaded)
        try:
            result = run_import(self.dataset, path, filename=filename, actor=request.user, dry_run=True)
        except FileRefused as refused:
            uploads.delete(token)
            return self.page(request, UploadForm(), status=400, refused=refused.message, filename=filename)
        except BaseException:
            uploads.delete(token)
            raise
        if result.ok:
            uploads.remember(request.session, token, dataset=self.dataset.name, filename=filename,
                             sha256=result.sha256)
        else:
            uploads.delete(token)
        return self.page(request, UploadForm(), result=result, token=token if result.ok else "",
                         errors=result.errors[:MAX_ERRORS_SHOWN])


class ConfirmView(DatasetView):
    """Commit the previewed file of this session (identified by its token, never by a path)."""

    rate_limited_methods = ("POST",)

    def post(self, request):
        token = request.POST.get("token", "")
        info = uploads.take(request.session, token, self.dataset.name)
        if info is None:
            messages.error(request, _("This upload is no longer available; please upload the file again."))
            return HttpResponseRedirect(reverse("importing:upload", args=[self.dataset.name]))
        path = uploads.path_for(token)
        try:
            if not path.exists() or file_sha256(path) != info["sha256"]:
                messages.error(request, _("This upload is no longer available; please upload the file again."))
                return HttpResponseRedirect(reverse("importing:upload", args=[self.dataset.name]))
            result = run_import(self.dataset, path, filename=info["filename"], actor=request.user)
        except FileRefused as refused:
            return self.render(request, "common/importing/upload.html", status=400, form=UploadForm(),
                               columns=self.dataset.columns, natural_key=self.dataset.natural_key,
                               refused=refused.message, filename=info["filename"])
        finally:
            uploads.delete(token)
        return self.render(request, "common/importing/result.html", result=result,
                           errors=result.errors[:MAX_ERRORS_SHOWN], max_errors=MAX_ERRORS_SHOWN)


class TemplateDownloadView(DatasetView):
    """The .xlsx template: Chinese headers, an example row and the "说明" sheet."""

    def get(self, request):
        buffer = io.BytesIO()
        write_template(self.dataset, buffer)
        response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPES["xlsx"])
        response["Content-Disposition"] = f'attachment; filename="{self.dataset.name}-template.xlsx"'
        return response


class ExportView(DatasetView):
    """The records the user may view, filtered like the list page (its GET parameters), as a file."""

    action = "export"
    rate_limited_methods = ("GET",)

    def get(self, request):
        fmt = request.GET.get("format", "xlsx")
        if fmt not in FORMATS:
            return HttpResponseBadRequest(_("Unknown export format."))
        params = request.GET.copy()
        params.pop("format", None)
        handle = tempfile.TemporaryFile()  # unlinked at once; closed by FileResponse
        try:
            export_dataset(self.dataset, request.user, handle, fmt, params)
        except BaseException:
            handle.close()
            raise
        handle.seek(0)
        filename = "{}-{}.{}".format(self.dataset.name, timezone.localtime().strftime("%Y%m%d-%H%M"), fmt)
        return FileResponse(handle, as_attachment=True, filename=filename, content_type=CONTENT_TYPES[fmt])

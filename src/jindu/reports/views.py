"""The dashboard: key figures with 同比/环比, trend by month, bars and a map by prefecture (ECharts)."""

import datetime
import io

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views import View

from jindu.common.importing.exporting import CONTENT_TYPES
from jindu.common.ratelimit import RateLimited, check, too_many_requests
from jindu.common.views import ObjectListView
from jindu.core.views import home as welcome

from . import selectors, unodc
from .bulletin import FontsMissing
from .forms import BulletinForm, PeriodForm, UnodcExportForm
from .models import Bulletin
from .services import bulletin_create
from .statistics import StatisticsError
from .tables import BulletinTable


def dashboard(request):
    """The staff home page. Users without statistics (the three administrators) get the welcome page."""
    user = request.user
    if not user.has_perm(selectors.VIEW_PERMISSION) or user.scope_region is None:
        return welcome(request)
    form = PeriodForm(request.GET or None, user=user)
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
        region = form.cleaned_data["region"] or user.scope_region
    else:
        region = user.scope_region
        start, end = selectors.default_period(region)
        form = PeriodForm(initial={"date_from": start, "date_to": end, "region": region,
                                   "figure": "cases.total"}, user=user)
    context = {
        "form": form,
        "region": region,
        "date_from": start,
        "date_to": end,
        "figures": selectors.MAP_FIGURES,
        "errors": form.errors if form.is_bound else None,
    }
    return TemplateResponse(request, "reports/dashboard.html", context)


def dashboard_data(request):
    if not request.user.has_perm(selectors.VIEW_PERMISSION):
        raise PermissionDenied
    try:
        data = selectors.dashboard_data(
            request.user, request.GET.get("from", ""), request.GET.get("to", ""), request.GET.get("region") or None,
            request.GET.get("figure", "cases.total"),
        )
    except StatisticsError as error:
        return JsonResponse({"detail": str(error)}, status=400)
    except Http404:
        return JsonResponse({"detail": "not found"}, status=404)
    return JsonResponse(data)


# --- Bulletins --------------------------------------------------------------------------------


class BulletinListView(ObjectListView):
    model = Bulletin
    queryset = Bulletin.objects.select_related("region", "author")
    table_class = BulletinTable
    template_name = "reports/bulletin_list.html"


class BulletinCreateView(View):
    """Draft a bulletin for a period and region and download it."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(selectors.VIEW_PERMISSION) or request.user.scope_region is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        region = request.user.scope_region
        start, end = selectors.default_period(region)
        form = BulletinForm(initial={"date_from": start, "date_to": end, "region": region, "format": "docx"},
                            user=request.user)
        return TemplateResponse(request, "reports/bulletin_form.html", {"form": form})

    def post(self, request):
        form = BulletinForm(request.POST, user=request.user)
        if form.is_valid():
            region = form.cleaned_data["region"] or request.user.scope_region
            try:
                record, _content = bulletin_create(
                    actor=request.user, date_from=form.cleaned_data["date_from"],
                    date_to=form.cleaned_data["date_to"], region_code=region.code, fmt=form.cleaned_data["format"])
            except FontsMissing as error:
                form.add_error(None, str(error))
            else:
                return redirect("reports:bulletin_download", pk=record.pk)
        return TemplateResponse(request, "reports/bulletin_form.html", {"form": form})


def bulletin_detail(request, pk):
    """The bulletin's web view: its parameters and every figure it used, each opening the records behind it."""
    record = get_object_or_404(Bulletin.objects.restrict(request.user).select_related("region", "author"), pk=pk)
    return TemplateResponse(request, "reports/bulletin_detail.html", {
        "object": record, "rows": selectors.figure_rows(record.figures, request.user)})


def bulletin_download(request, pk):
    record = get_object_or_404(Bulletin.objects.restrict(request.user), pk=pk)
    path = settings.MEDIA_ROOT / record.file
    if not path.exists():
        raise Http404
    filename = f"{record.region.name_zh}禁毒工作情况报告_{record.date_from}_{record.date_to}.{record.format}"
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename)


# --- International export ----------------------------------------------------------------------------


def unodc_export(request):
    """UNODC Individual Drug Seizures of a year as .xlsx: the form, and the file once a year is given."""
    user = request.user
    if not unodc.can_export(user) or user.scope_region is None:
        raise PermissionDenied
    form = UnodcExportForm(request.GET or None, user=user,
                           initial={"year": datetime.date.today().year - 1, "region": user.scope_region})
    if form.is_bound and form.is_valid():
        try:
            check(request, "export")  # the export engine's rate (per user and address)
        except RateLimited as limited:
            return too_many_requests(request, limited)
        region = form.cleaned_data["region"] or user.scope_region
        year = form.cleaned_data["year"]
        buffer = io.BytesIO()
        unodc.export(user, year, region, buffer)
        buffer.seek(0)
        return FileResponse(buffer, as_attachment=True, filename=f"UNODC_IDS_{year}_{region.code}.xlsx",
                            content_type=CONTENT_TYPES["xlsx"])
    return TemplateResponse(request, "reports/unodc_export.html", {"form": form, "columns": unodc.HEADER})

"""The dashboard: key figures with 同比/环比, trend by month, bars and a map by prefecture (ECharts)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.template.response import TemplateResponse

from jindu.core.views import home as welcome

from . import selectors
from .forms import PeriodForm
from .statistics import StatisticsError


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

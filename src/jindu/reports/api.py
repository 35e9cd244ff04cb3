"""GET /api/v1/stats?from=&to=&region=: the statistics object of DESIGN.md for the caller's scope."""

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from .selectors import VIEW_PERMISSION, region_for
from .statistics import StatisticsError, compute

router = Router(tags=["statistics"])


class StatsQuery(Schema):
    date_from: str = Field(..., alias="from")
    date_to: str = Field(..., alias="to")
    region: str | None = None


@router.get("/stats", response=dict, url_name="stats")
def stats(request, params: Query[StatsQuery]):
    """``from`` and ``to`` are inclusive dates (YYYY-MM-DD); ``region`` defaults to the caller's region."""
    if not request.user.has_perm(VIEW_PERMISSION):
        raise HttpError(403, "forbidden")  # a role without statistics, not a region out of reach
    try:
        region = region_for(request.user, params.region)
        return compute(params.date_from, params.date_to, region.code)
    except StatisticsError as error:
        raise HttpError(400, str(error)) from error
    except Http404 as error:
        raise HttpError(404, "not found") from error

"""REST endpoints of the core app: regions (read) and organisations (read and write).

Organisations show the security mechanisms a domain API adopts: the output schema leaves out
fields the user's roles may not read (``FieldRulesSchema``); the create endpoint honours an
``Idempotency-Key``; an update must carry the version it is based on (409 when stale, 428
without); DELETE voids with a reason.
"""

from typing import ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.pagination import paginate

from jindu.common.api import base_version, idempotent, scoped_or_404, validation_error_response
from jindu.common.fieldrules import FieldRulesSchema

from . import services
from .filtersets import OrganisationFilterSet
from .models import Organisation, Region

router = Router(tags=["core"])


class RegionOut(Schema):
    id: int
    code: str
    parent_code: str | None = Field(None, alias="parent.code")
    level: str
    name_zh: str
    name_en: str
    name_bo: str


class OrganisationOut(FieldRulesSchema):
    field_rules_model: ClassVar = Organisation

    id: int
    name: str
    kind: str
    region_code: str = Field(..., alias="region.code")
    parent_id: int | None = None
    address: str
    phone: str
    is_active: bool
    version: int


class OrganisationIn(Schema):
    name: str
    kind: str
    region_code: str
    parent_id: int | None = None
    address: str = ""
    phone: str = ""
    notes: str = ""
    is_active: bool = True
    version: int | None = Field(None, description="On update: the version the edit is based on (or If-Match).")


class VoidIn(Schema):
    reason: str
    version: int | None = None


@router.get("/regions", response=list[RegionOut])
@paginate
def region_list(request, within: str | None = None, level: str | None = None):
    queryset = Region.objects.restrict(request.user).select_related("parent")
    if within:
        queryset = queryset.within(get_object_or_404(Region, code=within))
    if level:
        queryset = queryset.filter(level=level)
    return queryset


@router.get("/regions/{code}", response=RegionOut)
def region_detail(request, code: str):
    return get_object_or_404(Region.objects.restrict(request.user).select_related("parent"), code=code)


@router.get("/organisations", response=list[OrganisationOut])
@paginate
def organisation_list(request, q: str = "", kind: str = "", region: str = ""):
    """Filters as on the list page (the same FilterSet): q, kind, region (code, covers descendants)."""
    queryset = Organisation.objects.restrict(request.user).select_related("region")
    return OrganisationFilterSet(request.GET, queryset=queryset).qs


@router.get("/organisations/{pk}", response=OrganisationOut)
def organisation_detail(request, pk: int):
    return scoped_or_404(Organisation, request, pk)


def _organisation_data(payload):
    data = payload.dict()
    data.pop("version", None)
    region = Region.objects.filter(code=data.pop("region_code")).first()
    if region is None:
        raise ValidationError({"region": "未知的行政区划代码"})
    parent_id = data.pop("parent_id")
    data["region"] = region
    data["parent"] = Organisation.objects.filter(pk=parent_id).first() if parent_id else None
    return data


@router.post("/organisations", response={201: OrganisationOut})
@decorate_view(idempotent())
def organisation_create(request, payload: OrganisationIn):
    if not request.user.has_perm("core.add_organisation"):
        raise PermissionDenied
    try:
        return 201, services.organisation_create(actor=request.user, data=_organisation_data(payload))
    except ValidationError as error:
        raise validation_error_response(error) from error


@router.put("/organisations/{pk}", response=OrganisationOut)
def organisation_update(request, pk: int, payload: OrganisationIn):
    """Send the version you edited (``version`` or ``If-Match``): 409 when someone saved since, 428 without."""
    instance = scoped_or_404(Organisation, request, pk, "change")
    version = base_version(request, payload.version)
    try:
        return services.organisation_update(actor=request.user, instance=instance,
                                            data={**_organisation_data(payload), "version": version})
    except ValidationError as error:
        raise validation_error_response(error) from error
    except PermissionDenied as error:
        raise Http404 from error


@router.delete("/organisations/{pk}", response={204: None})
def organisation_delete(request, pk: int, payload: VoidIn):
    """Void (soft delete) with a reason; restorable on the page of voided organisations."""
    instance = scoped_or_404(Organisation, request, pk, "delete")
    try:
        services.organisation_delete(actor=request.user, instance=instance, reason=payload.reason,
                                     version=payload.version)
    except ValidationError as error:
        raise validation_error_response(error) from error
    return Status(204, None)

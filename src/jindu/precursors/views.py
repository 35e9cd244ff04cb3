"""Pages of the precursors app: declarative subclasses of the generic views, plus the overview, the unit page,
the monthly return, the flag work list actions and the cylinder, equipment and inspection steps."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from jindu.common import audit
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

from . import filtersets, forms, selectors, services, tables
from .choices import FlagRule
from .models import (
    ChecklistItem,
    Cylinder,
    Equipment,
    EquipmentType,
    Inspection,
    InspectionPhoto,
    Licence,
    ReconciliationFlag,
    StockBalance,
    Substance,
    Transaction,
    Unit,
    reporter_organisation_id,
)
from .reconciliation import reconcile


class ServiceDeleteView(ObjectDeleteView):
    """The generic void page (reason and version asked by the generic view), writing through the app's delete
    service."""

    delete_service = None

    def delete(self, actor, instance, reason, version):
        return type(self).delete_service(actor=actor, instance=instance, reason=reason, version=version)


class ServiceRestoreView(ObjectRestoreView):
    """Restore a voided record through the app's restore service (which reconciles again)."""

    restore_service = None

    def restore(self, actor, instance, reason):
        if type(self).restore_service is None:
            return super().restore(actor, instance, reason)
        return type(self).restore_service(actor=actor, instance=instance, reason=reason)


class ServiceEditView(ObjectEditView):
    """The generic edit page, writing through ``create_service`` and ``update_service``."""

    create_service = None
    update_service = None

    def get_initial(self, request):
        return {}

    def get_form(self, request, instance=None, data=None):
        initial = self.get_initial(request) if instance is None and data is None else None
        return self.form_class(data=data, files=request.FILES or None, instance=instance, user=request.user,
                               initial=initial)

    def create(self, actor, data):
        return type(self).create_service(actor=actor, data=data)

    def update(self, actor, instance, data):
        return type(self).update_service(actor=actor, instance=instance, data=data)


def _period(request, default_start=None):
    """The period of the overview: ?date_from=&date_to=, by default this year up to today."""
    today = datetime.date.today()
    form = forms.PeriodForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    start, end = default_start or today.replace(month=1, day=1), today
    return forms.PeriodForm(initial={"date_from": start, "date_to": end}), start, end


def overview(request):
    """Key figures of the statistics contract, per prefecture and per substance, and the work lists."""
    user = request.user
    if not user.has_perm("precursors.view_unit"):
        raise PermissionDenied
    region = user.scope_region
    if region is None:
        raise PermissionDenied
    if reporter_organisation_id(user) is not None:
        # The figures are the whole region's: a company reporter sees their own units instead.
        return HttpResponseRedirect(reverse("precursors:unit_list"))
    form, start, end = _period(request)
    context = {
        "form": form, "region": region, "date_from": start, "date_to": end,
        "stats": selectors.statistics(start, end, region)["precursors"],
        "unresolved": selectors.unresolved_flag_count(region),
        "by_prefecture": selectors.by_prefecture(start, end, region),
        "by_substance": selectors.by_substance(start, end, region, limit=40),
        "open_flags": selectors.open_flags(user)[:10],
        "expiring": selectors.expiring_licences(user)[:10],
        "overdue": selectors.overdue_inspections(user)[:10],
    }
    return TemplateResponse(request, "precursors/overview.html", context)


def overdue_alert(request):
    """The header's alert of overdue rectifications (beside the notification bell), loaded by htmx after the
    page so that no page pays a query for it: rectifications past their deadline and not done, of the
    inspections the user may see (a company reporter: their own units'). Empty without any."""
    user = request.user
    count = selectors.overdue_inspections(user).count() if user.has_perm("precursors.view_inspection") else 0
    return TemplateResponse(request, "precursors/includes/overdue_alert.html", {"count": count})


# --- Catalogue ------------------------------------------------------------------------------------------


class SubstanceListView(ObjectListView):
    model = Substance
    table_class = tables.SubstanceTable
    filterset_class = filtersets.SubstanceFilterSet
    per_page = 100

    def get(self, request, *args, **kwargs):
        services.ensure_catalogue()
        return super().get(request, *args, **kwargs)


class SubstanceDetailView(ObjectDetailView):
    model = Substance


class SubstanceEditView(ServiceEditView):
    model = Substance
    form_class = forms.SubstanceForm
    create_service = services.substance_create
    update_service = services.substance_update


class EquipmentTypeListView(ObjectListView):
    model = EquipmentType
    table_class = tables.EquipmentTypeTable


class EquipmentTypeDetailView(ObjectDetailView):
    model = EquipmentType


class EquipmentTypeEditView(ObjectEditView):
    model = EquipmentType
    form_class = forms.EquipmentTypeForm


class ChecklistItemListView(ObjectListView):
    model = ChecklistItem
    table_class = tables.ChecklistItemTable


class ChecklistItemDetailView(ObjectDetailView):
    model = ChecklistItem


class ChecklistItemEditView(ObjectEditView):
    model = ChecklistItem
    form_class = forms.ChecklistItemForm


# --- Units -------------------------------------------------------------------------------------------------


class UnitListView(ObjectListView):
    model = Unit
    queryset = Unit.objects.select_related("region")
    table_class = tables.UnitTable
    filterset_class = filtersets.UnitFilterSet
    export_dataset = "units"


class UnitDetailView(ObjectDetailView):
    """Everything about a unit: register data, stock per substance, ledger, licences, flags, cylinders,
    equipment, inspections."""

    model = Unit
    queryset = Unit.objects.select_related("region", "organisation")
    template_name = "precursors/unit.html"

    def get_extra_context(self, request, unit):
        user = request.user

        def visible(model, queryset):
            return queryset.restrict(user) if user.has_perm(permission_name(model, "view")) else queryset.none()

        transactions = visible(Transaction, Transaction.objects.filter(unit=unit)).select_related(
            "substance", "counterparty_unit")
        return {
            "balances": visible(StockBalance, StockBalance.objects.filter(unit=unit)).select_related("substance")
            .exclude(first_month__isnull=True).order_by("substance__name_zh"),
            "transactions": transactions[:20],
            "transaction_count": transactions.count(),
            "licences": visible(Licence, Licence.objects.filter(unit=unit)).select_related("substance"),
            "flags": visible(ReconciliationFlag, ReconciliationFlag.objects.filter(unit=unit, active=True))
            .select_related("substance", "assigned_to")[:50],
            "cylinders": visible(Cylinder, Cylinder.objects.filter(unit=unit)).select_related("substance"),
            "equipment": visible(Equipment, Equipment.objects.filter(unit=unit)).select_related("equipment_type"),
            "inspections": visible(Inspection, Inspection.objects.filter(unit=unit))[:20],
            "can_add_transaction": user.has_perm("precursors.add_transaction"),
            "can_add_licence": user.has_perm("precursors.add_licence"),
            "can_add_inspection": user.has_perm("precursors.add_inspection"),
            "can_add_cylinder": user.has_perm("precursors.add_cylinder"),
            "can_add_equipment": user.has_perm("precursors.add_equipment"),
            "today": datetime.date.today(),
        }


class UnitEditView(ServiceEditView):
    model = Unit
    form_class = forms.UnitForm
    create_service = services.unit_create
    update_service = services.unit_update


class UnitDeleteView(ServiceDeleteView):
    model = Unit
    delete_service = services.unit_delete


class UnitVoidedView(ObjectVoidedListView):
    model = Unit


class UnitRestoreView(ServiceRestoreView):
    model = Unit


class ReconciliationView(ObjectViewMixin, View):
    """The month-by-month reconciliation of one unit x substance, as DESIGN.md computes it."""

    model = Unit

    def get(self, request, pk, substance_pk):
        unit = self.get_object(request, pk)
        substance = get_object_or_404(Substance, pk=substance_pk)
        months = services.monthly_totals([(unit.pk, substance.pk)]).get((unit.pk, substance.pk), [])
        results = reconcile(months, rate=substance.tolerance_rate, minimum=substance.reconciliation_minimum)
        return TemplateResponse(request, "precursors/reconciliation.html", {
            "unit": unit, "substance": substance, "results": results[::-1]})


# --- Ledger ------------------------------------------------------------------------------------------------


class TransactionListView(ObjectListView):
    model = Transaction
    queryset = Transaction.objects.select_related("unit", "substance", "counterparty_unit")
    table_class = tables.TransactionTable
    filterset_class = filtersets.TransactionFilterSet
    export_dataset = "transactions"


class TransactionDetailView(ObjectDetailView):
    model = Transaction
    queryset = Transaction.objects.select_related("unit", "substance", "counterparty_unit")
    template_name = "precursors/transaction.html"


class TransactionEditView(ServiceEditView):
    model = Transaction
    form_class = forms.TransactionForm

    def get_initial(self, request):
        unit = Unit.objects.restrict(request.user).filter(pk=request.GET.get("unit") or 0).first()
        return {"unit": unit, "date": datetime.date.today()} if unit else {"date": datetime.date.today()}

    def post(self, request, pk=None):
        instance = self.get_object(request, pk) if pk else None
        form = self.get_form(request, instance, data=request.POST)
        if form.is_valid():
            data = form.service_data()
            try:
                if instance:
                    saved = services.transaction_update(actor=request.user, instance=instance, data=data)
                else:
                    saved = services.transaction_create(actor=request.user, data=data)
            except ValidationError as error:
                add_validation_errors(form, error)
            except PermissionDenied:
                form.add_error(None, _("This record would lie outside your region; it was not saved."))
            else:
                messages.success(request, _("Saved: {obj}").format(obj=saved))
                return HttpResponseRedirect(saved.get_absolute_url())
        return self.render(request, form, instance)


class TransactionDeleteView(ServiceDeleteView):
    model = Transaction
    delete_service = services.transaction_delete


class TransactionVoidedView(ObjectVoidedListView):
    model = Transaction


class TransactionRestoreView(ServiceRestoreView):
    model = Transaction
    restore_service = services.transaction_restore


class MonthlyReportView(ObjectViewMixin, View):
    """A unit's monthly return (company reporters and officers): one form, six figures, one reconciliation."""

    model = Transaction
    action = "add"
    template_name = "precursors/monthly_report.html"

    def get(self, request):
        unit = Unit.objects.restrict(request.user).filter(pk=request.GET.get("unit") or 0).first()
        today = datetime.date.today()
        last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        form = forms.MonthlyReportForm(user=request.user, initial={"unit": unit, "month": last_month,
                                                                   "quantity_unit": "kg"})
        return TemplateResponse(request, self.template_name, {"form": form})

    def post(self, request):
        form = forms.MonthlyReportForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.monthly_report_submit(
                    actor=request.user, unit=data["unit"], substance=data["substance"], month=data["month"],
                    quantity_unit=data["quantity_unit"],
                    totals={key: data[key] for key in ("purchase", "production", "sale", "use", "loss")},
                    stocktake=data["stocktake"])
            except ValidationError as error:
                add_validation_errors(form, error)
            except PermissionDenied:
                form.add_error(None, _("You may not report for this unit."))
            else:
                messages.success(request, _("The return of {month} for {unit} was saved.").format(
                    month=data["month"].strftime("%Y-%m"), unit=data["unit"]))
                return HttpResponseRedirect(data["unit"].get_absolute_url())
        return TemplateResponse(request, self.template_name, {"form": form})


# --- Licences ----------------------------------------------------------------------------------------------


class LicenceListView(ObjectListView):
    model = Licence
    queryset = Licence.objects.select_related("unit", "substance")
    table_class = tables.LicenceTable
    filterset_class = filtersets.LicenceFilterSet


class LicenceDetailView(ObjectDetailView):
    model = Licence

    def get_extra_context(self, request, instance):
        return {"state_badge": tables.licence_state_badge(instance)}


class LicenceEditView(ServiceEditView):
    model = Licence
    form_class = forms.LicenceForm
    create_service = services.licence_create
    update_service = services.licence_update

    def get_initial(self, request):
        unit = Unit.objects.restrict(request.user).filter(pk=request.GET.get("unit") or 0).first()
        return {"unit": unit} if unit else {}


class LicenceDeleteView(ServiceDeleteView):
    model = Licence
    delete_service = services.licence_delete


class LicenceVoidedView(ObjectVoidedListView):
    model = Licence


class LicenceRestoreView(ServiceRestoreView):
    model = Licence
    restore_service = services.licence_restore


# Cylinders, equipment and inspections: the generic void (object_delete with a reason) and restore.
class CylinderDeleteView(ObjectDeleteView):
    model = Cylinder


class CylinderVoidedView(ObjectVoidedListView):
    model = Cylinder


class CylinderRestoreView(ObjectRestoreView):
    model = Cylinder


class EquipmentDeleteView(ObjectDeleteView):
    model = Equipment


class EquipmentVoidedView(ObjectVoidedListView):
    model = Equipment


class EquipmentRestoreView(ObjectRestoreView):
    model = Equipment


class InspectionDeleteView(ObjectDeleteView):
    model = Inspection


class InspectionVoidedView(ObjectVoidedListView):
    model = Inspection


class InspectionRestoreView(ObjectRestoreView):
    model = Inspection


# --- Flags -------------------------------------------------------------------------------------------------


class FlagListView(ObjectListView):
    model = ReconciliationFlag
    queryset = ReconciliationFlag.objects.select_related("unit", "substance", "assigned_to")
    table_class = tables.FlagTable
    filterset_class = filtersets.FlagFilterSet


class FlagDetailView(ObjectDetailView):
    model = ReconciliationFlag
    queryset = ReconciliationFlag.objects.select_related("unit__region", "substance", "transaction", "assigned_to",
                                                         "inspection")
    template_name = "precursors/reconciliationflag.html"

    def get_extra_context(self, request, flag):
        can_change = request.user.has_perm("precursors.change_reconciliationflag")
        return {
            "can_change": can_change,
            "assign_form": forms.FlagAssignForm(flag=flag, user=request.user) if can_change else None,
            "resolve_form": forms.FlagResolveForm(user=request.user) if can_change else None,
            "inspection_form": forms.FlagInspectionForm(flag=flag, user=request.user) if can_change else None,
            "is_reconciliation": flag.rule == FlagRule.RECONCILIATION,
        }


class FlagActionView(ObjectViewMixin, View):
    """POST-only steps of the work list: assign, link an inspection, resolve or dismiss, reopen."""

    model = ReconciliationFlag
    action = "change"

    def post(self, request, pk, step):
        flag = self.get_object(request, pk)
        try:
            if step == "assign":
                form = forms.FlagAssignForm(request.POST, flag=flag, user=request.user)
                if form.is_valid():
                    services.flag_assign(actor=request.user, flag=flag, user=form.cleaned_data["assigned_to"])
            elif step == "inspection":
                form = forms.FlagInspectionForm(request.POST, flag=flag, user=request.user)
                if form.is_valid():
                    services.flag_link_inspection(actor=request.user, flag=flag,
                                                  inspection=form.cleaned_data["inspection"])
            elif step == "resolve":
                form = forms.FlagResolveForm(request.POST, user=request.user)
                if form.is_valid():
                    services.flag_resolve(actor=request.user, flag=flag, resolution=form.cleaned_data["resolution"],
                                          dismiss=form.cleaned_data["dismiss"])
            elif step == "reopen":
                form = None
                services.flag_reopen(actor=request.user, flag=flag)
            else:
                raise Http404
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if form is not None and not form.is_valid():
                messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            else:
                messages.success(request, _("Saved: {obj}").format(obj=flag))
        return HttpResponseRedirect(flag.get_absolute_url())


# --- Cylinders and equipment -------------------------------------------------------------------------------


class CylinderListView(ObjectListView):
    model = Cylinder
    queryset = Cylinder.objects.select_related("unit", "substance")
    table_class = tables.CylinderTable
    filterset_class = filtersets.CylinderFilterSet
    export_dataset = "cylinders"


class CylinderDetailView(ObjectDetailView):
    model = Cylinder
    queryset = Cylinder.objects.select_related("unit", "substance")
    template_name = "precursors/cylinder.html"

    def get_extra_context(self, request, cylinder):
        events = cylinder.events.select_related("buyer_unit", "transaction").order_by("date", "id")
        return {"events": [(event, tables.masked_buyer(event, request.user)) for event in events],
                "can_record": request.user.has_perm("precursors.add_cylinderevent")}


class CylinderEditView(ServiceEditView):
    model = Cylinder
    form_class = forms.CylinderForm
    create_service = services.cylinder_create
    update_service = services.cylinder_update

    def get_initial(self, request):
        unit = Unit.objects.restrict(request.user).filter(pk=request.GET.get("unit") or 0).first()
        return {"unit": unit, "filed_on": datetime.date.today()}


class StepView(ObjectViewMixin, View):
    """A form that records one step on a parent record (a cylinder's filling, an equipment sale, a photo)."""

    action = "view"
    form_class = None
    step_permission = None
    title = ""
    template_name = "precursors/step_form.html"

    def check_permission(self, request):
        super().check_permission(request)
        if not request.user.has_perm(self.step_permission):
            raise PermissionDenied

    def form(self, request, parent, data=None, files=None):
        return self.form_class(data=data, files=files, user=request.user)

    def render(self, request, parent, form):
        return TemplateResponse(request, self.template_name, {"form": form, "object": parent, "title": self.title,
                                                              "multipart": bool(request.FILES) or self.multipart})

    multipart = False

    def get(self, request, pk):
        parent = self.get_object(request, pk)
        return self.render(request, parent, self.form(request, parent))

    def post(self, request, pk):
        parent = self.get_object(request, pk)
        form = self.form(request, parent, data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                self.save(request, parent, form)
            except ValidationError as error:
                add_validation_errors(form, error)
            except PermissionDenied:
                form.add_error(None, _("You may not do this for this unit."))
            else:
                messages.success(request, _("Saved: {obj}").format(obj=parent))
                return HttpResponseRedirect(parent.get_absolute_url())
        return self.render(request, parent, form)


class CylinderEventView(StepView):
    model = Cylinder
    form_class = forms.CylinderEventForm
    step_permission = "precursors.add_cylinderevent"

    @property
    def title(self):
        return _("Record a filling, sale or return")

    def form(self, request, parent, data=None, files=None):
        return self.form_class(data=data, user=request.user, initial={"date": datetime.date.today()})

    def save(self, request, cylinder, form):
        data = form.cleaned_data
        services.cylinder_event_record(
            actor=request.user, cylinder=cylinder, kind=data["kind"], date=data["date"],
            buyer_name=data.get("buyer_name") or "", buyer_id_number=data.get("buyer_id_number") or "",
            buyer_phone=data.get("buyer_phone") or "", buyer_unit=data.get("buyer_unit"),
            document_no=data.get("document_no") or "", notes=data.get("notes") or "")


class EquipmentListView(ObjectListView):
    model = Equipment
    queryset = Equipment.objects.select_related("unit", "equipment_type")
    table_class = tables.EquipmentTable
    filterset_class = filtersets.EquipmentFilterSet


class EquipmentDetailView(ObjectDetailView):
    model = Equipment
    queryset = Equipment.objects.select_related("unit", "equipment_type")
    template_name = "precursors/equipment.html"

    def get_extra_context(self, request, equipment):
        sales = equipment.sales.select_related("buyer_unit").order_by("-date", "-id")
        return {"sales": [(sale, tables.masked_buyer(sale, request.user)) for sale in sales],
                "can_record": request.user.has_perm("precursors.add_equipmentsale")}


class EquipmentEditView(ServiceEditView):
    model = Equipment
    form_class = forms.EquipmentForm
    create_service = services.equipment_create
    update_service = services.equipment_update

    def get_initial(self, request):
        unit = Unit.objects.restrict(request.user).filter(pk=request.GET.get("unit") or 0).first()
        return {"unit": unit, "registered_on": datetime.date.today()}


class EquipmentSaleView(StepView):
    model = Equipment
    form_class = forms.EquipmentSaleForm
    step_permission = "precursors.add_equipmentsale"

    @property
    def title(self):
        return _("Record a sale")

    def form(self, request, parent, data=None, files=None):
        return self.form_class(data=data, user=request.user, initial={"date": datetime.date.today()})

    def save(self, request, equipment, form):
        services.equipment_sale_record(actor=request.user, equipment=equipment, data=form.cleaned_data)


# --- Inspections -------------------------------------------------------------------------------------------


class InspectionListView(ObjectListView):
    model = Inspection
    queryset = Inspection.objects.select_related("unit")
    table_class = tables.InspectionTable
    filterset_class = filtersets.InspectionFilterSet
    export_dataset = "inspections"


class InspectionDetailView(ObjectDetailView):
    model = Inspection
    queryset = Inspection.objects.select_related("unit", "follow_up_of", "inspector")
    template_name = "precursors/inspection.html"

    def get_extra_context(self, request, inspection):
        return {
            "checks": inspection.checks.select_related("item"),
            "photos": inspection.photos.all(),
            "follow_ups": inspection.follow_ups.all(),
            "flags": inspection.flags.select_related("substance"),
            "overdue": inspection.is_overdue(),
            "can_add_photo": request.user.has_perm("precursors.add_inspectionphoto"),
            "can_follow_up": request.user.has_perm("precursors.add_inspection"),
        }


class InspectionEditView(ServiceEditView):
    model = Inspection
    form_class = forms.InspectionForm

    def get_initial(self, request):
        initial = {"date": datetime.date.today(), "inspector_name": request.user.get_full_name()}
        unit = Unit.objects.restrict(request.user).filter(pk=request.GET.get("unit") or 0).first()
        previous = Inspection.objects.restrict(request.user).filter(pk=request.GET.get("follow_up_of") or 0).first()
        if previous is not None:
            unit = previous.unit
            initial.update(follow_up_of=previous, kind="follow_up")
        if unit is not None:
            initial["unit"] = unit
        return initial

    def post(self, request, pk=None):
        instance = self.get_object(request, pk) if pk else None
        form = self.get_form(request, instance, data=request.POST)
        if form.is_valid():
            data = form.service_data()
            if not data.get("ref"):
                data["ref"] = instance.ref if instance else f"XC-{datetime.datetime.now():%Y%m%d%H%M%S%f}"
            if instance is None:
                data["inspector"] = request.user
            try:
                saved = services.inspection_save(
                    actor=request.user, data=data, checks=form.checks(), instance=instance,
                    confirms_rectification=form.cleaned_data.get("confirms_rectification"))
            except ValidationError as error:
                add_validation_errors(form, error)
            except PermissionDenied:
                form.add_error(None, _("This record would lie outside your region; it was not saved."))
            else:
                messages.success(request, _("Saved: {obj}").format(obj=saved))
                return HttpResponseRedirect(saved.get_absolute_url())
        return self.render(request, form, instance)


class InspectionPhotoView(StepView):
    model = Inspection
    form_class = forms.PhotoForm
    step_permission = "precursors.add_inspectionphoto"
    multipart = True

    @property
    def title(self):
        return _("Add a photo")

    def save(self, request, inspection, form):
        services.inspection_add_photo(actor=request.user, inspection=inspection, upload=form.cleaned_data["image"],
                                      caption=form.cleaned_data["caption"])


class PhotoFileView(ObjectViewMixin, View):
    """Streams a photo after the scope check; photos are never served as static files."""

    model = InspectionPhoto

    def get(self, request, pk):
        photo = self.get_object(request, pk)
        audit.log("precursors.inspectionphoto.viewed", obj=photo, user=request.user)
        try:
            handle = photo.image.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type=photo.content_type)
        response["Content-Disposition"] = "inline"
        response["X-Content-Type-Options"] = "nosniff"
        return response

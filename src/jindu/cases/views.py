"""Pages of the enforcement records: declarative subclasses of the generic views."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views import View

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
from .choices import CaseStatus, Unit
from .models import Case, Eradication, Fugitive, Identity, Interception, Operation, Seizure, Suspect
from .tables import format_quantity


def unit_rows(totals):
    """[(quantity text, unit label)] of :func:`selectors.unit_totals`, grams first."""
    order = [unit.value for unit in Unit]
    return [(format_quantity(totals[unit]), Unit(unit).label) for unit in sorted(totals, key=order.index)]


class DetailView(ObjectDetailView):
    """The generic detail page, with yes/no for booleans instead of True/False."""

    def get(self, request, pk):
        response = super().get(request, pk)
        response.context_data["fields"] = [
            (label, (_("yes") if value else _("no")) if isinstance(value, bool) else value)
            for label, value in response.context_data["fields"]]
        return response


class RecordDeleteView(ObjectDeleteView):
    """Voids through the app's services: the generic page asks for the reason (400 without one)."""

    def delete(self, actor, instance, reason, version):
        return services.record_delete(actor=actor, instance=instance, reason=reason, version=version)


class RecordVoidedView(ObjectVoidedListView):
    """The voided records of one type in the user's region, each with a restore button."""


class RecordRestoreView(ObjectRestoreView):
    def restore(self, actor, instance, reason):
        return services.record_restore(actor=actor, instance=instance, reason=reason)


def voided_views(model):
    """The voided-records page and the restore action of ``model`` (nothing to declare but the model)."""
    name = model.__name__
    return (type(f"{name}VoidedView", (RecordVoidedView,), {"model": model}),
            type(f"{name}RestoreView", (RecordRestoreView,), {"model": model}))


class ServiceEditView(ObjectEditView):
    """Create and update through the app's services: ``create_service`` and ``update_service`` name them."""

    create_service = None
    update_service = None

    def create(self, actor, data):
        return type(self).create_service(actor=actor, data=data)

    def update(self, actor, instance, data):
        return type(self).update_service(actor=actor, instance=instance, data=data)


class PrefilledCaseMixin:
    """``?case=<id>`` on an add page fills in the case (the "add suspect" button of a case page)."""

    def get_form(self, request, instance=None, data=None):
        initial = {}
        if instance is None and request.GET.get("case", "").isdigit():
            case = Case.objects.restrict(request.user).filter(pk=request.GET["case"]).first()
            if case is not None:
                initial["case"] = case.case_no
        return self.form_class(data=data, instance=instance, user=request.user, initial=initial)


# --- Operations ------------------------------------------------------------------------------


class OperationListView(ObjectListView):
    model = Operation
    table_class = tables.OperationTable
    filterset_class = filtersets.OperationFilterSet


class OperationDetailView(DetailView):
    model = Operation

    def get_extra_context(self, request, instance):
        cases = selectors.case_list(request.user).filter(operation=instance)
        return {"related_cases": cases[:50], "related_count": cases.count()}


class OperationEditView(ServiceEditView):
    model = Operation
    form_class = forms.OperationForm
    create_service = services.operation_create
    update_service = services.operation_update


class OperationDeleteView(RecordDeleteView):
    model = Operation


# --- Cases -------------------------------------------------------------------------------------


class CaseListView(ObjectListView):
    model = Case
    queryset = Case.objects.select_related("region", "operation")
    table_class = tables.CaseTable
    filterset_class = filtersets.CaseFilterSet
    export_dataset = "cases"


class CaseDetailView(DetailView):
    model = Case
    queryset = Case.objects.select_related("region", "operation")

    def get_extra_context(self, request, instance):
        user = request.user
        suspects = selectors.suspect_list(user).filter(case=instance).select_related("identity").order_by("id")
        seizures = selectors.seizure_list(user).filter(case=instance)
        can_change = user.has_perm(permission_name(Case, "change"))
        agencies = sorted(instance.agencies.select_related("region"), key=lambda a: (len(a.region.path), a.pk))
        statuses = CaseStatus.values
        following = statuses[min(statuses.index(instance.status) + 1, len(statuses) - 1)]
        return {
            "agencies": agencies,
            "status_changes": instance.status_changes.order_by("changed_on", "id"),
            "suspects": suspects,
            "seizures": seizures,
            "seizure_totals": unit_rows(selectors.unit_totals(seizures)),
            "eradications": selectors.eradication_list(user).filter(case=instance),
            "status_form": forms.CaseStatusForm(initial={"status": following}) if can_change else None,
            "can_add_suspect": user.has_perm(permission_name(Suspect, "add")),
            "can_add_seizure": user.has_perm(permission_name(Seizure, "add")),
        }


class CaseEditView(ServiceEditView):
    model = Case
    form_class = forms.CaseForm
    create_service = services.case_create
    update_service = services.case_update


class CaseStatusView(ObjectViewMixin, View):
    """Change a case's status (dated); answers the case page with the form's errors when refused."""

    model = Case
    action = "change"

    def post(self, request, pk):
        case = self.get_object(request, pk)
        form = forms.CaseStatusForm(request.POST)
        if form.is_valid():
            try:
                services.case_change_status(actor=request.user, case=case, **form.cleaned_data)
            except ValidationError as error:
                add_validation_errors(form, error)
            except PermissionDenied:
                form.add_error(None, _("This record would lie outside your region; it was not saved."))
            else:
                messages.success(request, _("Status of {case} changed.").format(case=case))
                return HttpResponseRedirect(case.get_absolute_url())
        view = CaseDetailView()
        view.request = request
        response = view.get(request, pk)
        response.context_data["status_form"] = form
        response.status_code = 400
        return response


class CaseDeleteView(RecordDeleteView):
    model = Case


# --- Suspects and identities -------------------------------------------------------------------


class SuspectListView(ObjectListView):
    model = Suspect
    queryset = Suspect.objects.select_related("case", "region")
    table_class = tables.SuspectTable
    filterset_class = filtersets.SuspectFilterSet
    export_dataset = "suspects"


class SuspectDetailView(DetailView):
    model = Suspect
    queryset = Suspect.objects.select_related("case", "region", "identity")

    def get_extra_context(self, request, instance):
        rows, hidden = selectors.cases_of_identity(request.user, instance.identity)
        return {"other_records": [row for row in rows if row.pk != instance.pk], "hidden_records": hidden}


class SuspectEditView(PrefilledCaseMixin, ServiceEditView):
    model = Suspect
    form_class = forms.SuspectForm
    create_service = services.suspect_create
    update_service = services.suspect_update


class SuspectDeleteView(RecordDeleteView):
    model = Suspect


class IdentityListView(ObjectListView):
    model = Identity
    table_class = tables.IdentityTable
    filterset_class = filtersets.IdentityFilterSet


class IdentityDetailView(DetailView):
    model = Identity
    template_name = "cases/identity.html"

    def get_extra_context(self, request, instance):
        rows, hidden = selectors.cases_of_identity(request.user, instance)
        return {"records": rows, "hidden_records": hidden}


# --- Seizures ----------------------------------------------------------------------------------


class SeizureListView(ObjectListView):
    model = Seizure
    queryset = Seizure.objects.select_related("case", "region", "drug")
    table_class = tables.SeizureTable
    filterset_class = filtersets.SeizureFilterSet
    export_dataset = "seizures"


class SeizureDetailView(DetailView):
    model = Seizure
    queryset = Seizure.objects.select_related("case", "drug")


class SeizureEditView(PrefilledCaseMixin, ServiceEditView):
    model = Seizure
    form_class = forms.SeizureForm
    create_service = services.seizure_create
    update_service = services.seizure_update


class SeizureDeleteView(RecordDeleteView):
    model = Seizure


# --- Fugitives, eradication, interceptions -----------------------------------------------------


class FugitiveListView(ObjectListView):
    model = Fugitive
    queryset = Fugitive.objects.select_related("region", "capturing_unit")
    table_class = tables.FugitiveTable
    filterset_class = filtersets.FugitiveFilterSet
    export_dataset = "fugitives"


class FugitiveDetailView(DetailView):
    model = Fugitive


class FugitiveEditView(ServiceEditView):
    model = Fugitive
    form_class = forms.FugitiveForm
    create_service = services.fugitive_create
    update_service = services.fugitive_update


class FugitiveDeleteView(RecordDeleteView):
    model = Fugitive


class EradicationListView(ObjectListView):
    model = Eradication
    queryset = Eradication.objects.select_related("region", "case")
    table_class = tables.EradicationTable
    filterset_class = filtersets.EradicationFilterSet
    export_dataset = "eradications"


class EradicationDetailView(DetailView):
    model = Eradication


class EradicationEditView(PrefilledCaseMixin, ServiceEditView):
    model = Eradication
    form_class = forms.EradicationForm
    create_service = services.eradication_create
    update_service = services.eradication_update


class EradicationDeleteView(RecordDeleteView):
    model = Eradication


class InterceptionListView(ObjectListView):
    model = Interception
    queryset = Interception.objects.select_related("region", "checkpoint")
    table_class = tables.InterceptionTable
    filterset_class = filtersets.InterceptionFilterSet
    export_dataset = "interceptions"


class InterceptionDetailView(DetailView):
    model = Interception

    def get_extra_context(self, request, instance):
        return {"registered_person": selectors.registered_person(request.user, instance)}


class InterceptionEditView(ServiceEditView):
    model = Interception
    form_class = forms.InterceptionForm
    create_service = services.interception_create
    update_service = services.interception_update


class InterceptionDeleteView(RecordDeleteView):
    model = Interception

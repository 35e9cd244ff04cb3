from django.urls import path

from jindu.common.views import model_urls

from . import views
from .models import (
    ChecklistItem,
    Cylinder,
    Equipment,
    EquipmentType,
    Inspection,
    Licence,
    ReconciliationFlag,
    Substance,
    Transaction,
    Unit,
)

app_name = "precursors"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("alerts/overdue-rectifications/", views.overdue_alert, name="overdue_alert"),
    *model_urls(Unit, list_view=views.UnitListView, detail_view=views.UnitDetailView, edit_view=views.UnitEditView,
                delete_view=views.UnitDeleteView, voided_view=views.UnitVoidedView, restore_view=views.UnitRestoreView),
    path("units/<int:pk>/reconciliation/<int:substance_pk>/", views.ReconciliationView.as_view(),
         name="unit_reconciliation"),
    path("transactions/monthly/", views.MonthlyReportView.as_view(), name="monthly_report"),
    *model_urls(Transaction, list_view=views.TransactionListView, detail_view=views.TransactionDetailView,
                edit_view=views.TransactionEditView, delete_view=views.TransactionDeleteView,
                voided_view=views.TransactionVoidedView, restore_view=views.TransactionRestoreView),
    *model_urls(Licence, list_view=views.LicenceListView, detail_view=views.LicenceDetailView,
                edit_view=views.LicenceEditView, delete_view=views.LicenceDeleteView,
                voided_view=views.LicenceVoidedView, restore_view=views.LicenceRestoreView),
    *model_urls(ReconciliationFlag, list_view=views.FlagListView, detail_view=views.FlagDetailView,
                prefix="flags/"),
    path("flags/<int:pk>/<slug:step>/", views.FlagActionView.as_view(), name="reconciliationflag_action"),
    *model_urls(Cylinder, list_view=views.CylinderListView, detail_view=views.CylinderDetailView,
                edit_view=views.CylinderEditView, delete_view=views.CylinderDeleteView,
                voided_view=views.CylinderVoidedView, restore_view=views.CylinderRestoreView),
    path("cylinders/<int:pk>/record/", views.CylinderEventView.as_view(), name="cylinder_record"),
    *model_urls(Equipment, list_view=views.EquipmentListView, detail_view=views.EquipmentDetailView,
                edit_view=views.EquipmentEditView, delete_view=views.EquipmentDeleteView,
                voided_view=views.EquipmentVoidedView, restore_view=views.EquipmentRestoreView, prefix="equipment/"),
    path("equipment/<int:pk>/sale/", views.EquipmentSaleView.as_view(), name="equipment_sale"),
    *model_urls(Inspection, list_view=views.InspectionListView, detail_view=views.InspectionDetailView,
                edit_view=views.InspectionEditView, delete_view=views.InspectionDeleteView,
                voided_view=views.InspectionVoidedView, restore_view=views.InspectionRestoreView),
    path("inspections/<int:pk>/photo/", views.InspectionPhotoView.as_view(), name="inspection_photo"),
    path("photos/<int:pk>/", views.PhotoFileView.as_view(), name="inspectionphoto"),
    *model_urls(Substance, list_view=views.SubstanceListView, detail_view=views.SubstanceDetailView,
                edit_view=views.SubstanceEditView),
    *model_urls(EquipmentType, list_view=views.EquipmentTypeListView, detail_view=views.EquipmentTypeDetailView,
                edit_view=views.EquipmentTypeEditView, prefix="equipment-types/"),
    *model_urls(ChecklistItem, list_view=views.ChecklistItemListView, detail_view=views.ChecklistItemDetailView,
                edit_view=views.ChecklistItemEditView, prefix="checklist/"),
]

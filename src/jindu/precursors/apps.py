from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrecursorsConfig(AppConfig):
    name = "jindu.precursors"
    label = "precursors"
    verbose_name = _("Precursor chemicals")

    def ready(self):
        from jindu.common.navigation import MenuItem, register_menu

        from . import importers  # noqa: F401  (registers the import datasets)

        register_menu("control", _("Precursor chemicals"), "flask", [
            MenuItem(_("Overview"), "precursors:overview", "precursors.view_unit"),
            MenuItem(_("Units"), "precursors:unit_list", "precursors.view_unit"),
            MenuItem(_("Transactions"), "precursors:transaction_list", "precursors.view_transaction"),
            MenuItem(_("Reconciliation flags"), "precursors:reconciliationflag_list",
                     "precursors.view_reconciliationflag"),
            MenuItem(_("Licences and filings"), "precursors:licence_list", "precursors.view_licence"),
            MenuItem(_("Cylinders"), "precursors:cylinder_list", "precursors.view_cylinder"),
            MenuItem(_("Equipment"), "precursors:equipment_list", "precursors.view_equipment"),
            MenuItem(_("Inspections"), "precursors:inspection_list", "precursors.view_inspection"),
            MenuItem(_("Substances"), "precursors:substance_list", "precursors.view_substance"),
            MenuItem(_("Equipment types"), "precursors:equipmenttype_list", "precursors.view_equipmenttype"),
            MenuItem(_("Inspection checklist"), "precursors:checklistitem_list", "precursors.view_checklistitem"),
        ])

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonsConfig(AppConfig):
    name = "jindu.persons"
    label = "persons"
    verbose_name = _("People who use drugs")

    def ready(self):
        from jindu.common.navigation import MenuItem, register_menu

        from . import importers  # noqa: F401  (register the datasets persons, episodes, drug_tests)

        register_menu("manage", _("People who use drugs"), "users", [
            MenuItem(_("People who use drugs"), "persons:person_list", "persons.view_person"),
            MenuItem(_("Alerts"), "persons:alert_list", "persons.view_alert"),
            MenuItem(_("Management measures"), "persons:episode_list", "persons.view_episode"),
            MenuItem(_("Handovers"), "persons:handover_list", "persons.view_handover"),
            MenuItem(_("Drug tests"), "persons:drugtest_list", "persons.view_drugtest"),
            MenuItem(_("Risk assessments"), "persons:riskassessment_list", "persons.view_riskassessment"),
            MenuItem(_("Drug-use violations"), "persons:violation_list", "persons.view_violation"),
            MenuItem(_("Drug-driving check"), "persons:drivingcheck_add", "persons.add_drivingcheck"),
            MenuItem(_("Previous checks"), "persons:drivingcheck_list", "persons.view_drivingcheck"),
            MenuItem(_("Licence query certificates"), "persons:licencecertificate_list",
                     "persons.view_licencecertificate"),
            MenuItem(_("Test schedules"), "persons:testschedule_list", "persons.view_testschedule"),
        ])

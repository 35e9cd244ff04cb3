from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    """Publicity and education (宣): campaigns and events, school prevention education, education
    bases and their inspections, model-school review, short-video contests, the public prize quiz."""

    name = "jindu.outreach"
    label = "outreach"
    verbose_name = _("Publicity and education")

    def ready(self):
        from jindu.common.navigation import MenuItem, register_menu

        from . import importers  # noqa: F401  (register the import/export datasets)
        from .quiz import importers as quiz_importers  # noqa: F401

        register_menu("publicise", _("Publicity and education"), "speakerphone", [
            MenuItem(_("Overview"), "outreach:index", "outreach.view_event"),
            MenuItem(_("Campaigns"), "outreach:campaign_list", "outreach.view_campaign"),
            MenuItem(_("Events"), "outreach:event_list", "outreach.view_event"),
            MenuItem(_("Schools"), "outreach:school_list", "outreach.view_school"),
            MenuItem(_("School activities"), "outreach:schoolactivity_list", "outreach.view_schoolactivity"),
            MenuItem(_("Education bases"), "outreach:educationbase_list", "outreach.view_educationbase"),
            MenuItem(_("Inspection visits"), "outreach:baseinspection_list", "outreach.view_baseinspection"),
            MenuItem(_("Model-school reviews"), "outreach:modelschoolreview_list", "outreach.view_modelschoolreview"),
            MenuItem(_("Video contests"), "outreach:videocontest_list", "outreach.view_videocontest"),
            MenuItem(_("My judging"), "outreach:judging", "outreach.add_judgescore"),
            MenuItem(_("Prize quizzes"), "outreach:quiz_list", "outreach.view_quiz"),
            MenuItem(_("Question bank"), "outreach:question_list", "outreach.view_question"),
            MenuItem(_("Question categories"), "outreach:questioncategory_list", "outreach.view_questioncategory"),
            MenuItem(_("Imported quiz counts"), "outreach:quizdailycount_list", "outreach.view_quizdailycount"),
        ])

from django.urls import path

from jindu.common.views import model_urls

from . import views
from .models import AssessmentItem, AssessmentScheme, PlanItem, Task, Visit, WorkPlan

app_name = "supervision"

urlpatterns = [
    *model_urls(WorkPlan, list_view=views.WorkPlanListView, detail_view=views.WorkPlanDetailView,
                edit_view=views.WorkPlanEditView, delete_view=views.WorkPlanDeleteView,
                voided_view=views.WorkPlanVoidedView, restore_view=views.WorkPlanRestoreView, prefix="plans/"),
    path("plans/<int:pk>/document/", views.WorkPlanDocumentView.as_view(), name="workplan_document"),
    *model_urls(PlanItem, detail_view=views.PlanItemDetailView, edit_view=views.PlanItemEditView,
                delete_view=views.PlanItemDeleteView,
                voided_view=views.PlanItemVoidedView, restore_view=views.PlanItemRestoreView, prefix="items/"),
    path("items/<int:pk>/generate/", views.PlanItemGenerateView.as_view(), name="planitem_generate"),
    *model_urls(Task, list_view=views.TaskListView, detail_view=views.TaskDetailView, edit_view=views.TaskEditView,
                delete_view=views.TaskDeleteView,
                voided_view=views.TaskVoidedView, restore_view=views.TaskRestoreView, prefix="tasks/"),
    path("tasks/<int:pk>/start/", views.TaskStartView.as_view(), name="task_start"),
    path("tasks/<int:pk>/report/", views.TaskReportView.as_view(), name="task_report"),
    path("tasks/<int:pk>/review/", views.TaskReviewView.as_view(), name="task_review"),
    *model_urls(Visit, list_view=views.VisitListView, detail_view=views.VisitDetailView,
                edit_view=views.VisitEditView, delete_view=views.VisitDeleteView,
                voided_view=views.VisitVoidedView, restore_view=views.VisitRestoreView, prefix="visits/"),
    path("visits/<int:pk>/checklist/", views.VisitChecklistView.as_view(), name="visit_checklist"),
    path("visits/<int:pk>/rectifications/add/", views.VisitRectificationView.as_view(),
         name="visit_rectification_add"),
    path("visits/<int:pk>/files/", views.VisitAttachView.as_view(), name="visit_attach"),
    path("visits/<int:pk>/close/", views.VisitCloseView.as_view(), name="visit_close"),
    path("visits/<int:pk>/report.docx", views.VisitReportView.as_view(), name="visit_report"),
    *model_urls(AssessmentScheme, list_view=views.AssessmentSchemeListView,
                detail_view=views.AssessmentSchemeDetailView, edit_view=views.AssessmentSchemeEditView,
                delete_view=views.AssessmentSchemeDeleteView,
                voided_view=views.AssessmentSchemeVoidedView, restore_view=views.AssessmentSchemeRestoreView,
                prefix="assessments/"),
    path("assessments/<int:pk>/subjects/<str:key>/", views.AssessmentSubjectView.as_view(),
         name="assessment_subject"),
    path("assessments/<int:pk>/publish/", views.AssessmentPublishView.as_view(), name="assessment_publish"),
    path("assessments/<int:pk>/export.xlsx", views.AssessmentExportView.as_view(), name="assessment_export"),
    *model_urls(AssessmentItem, detail_view=views.AssessmentItemDetailView, edit_view=views.AssessmentItemEditView,
                delete_view=views.AssessmentItemDeleteView,
                voided_view=views.AssessmentItemVoidedView, restore_view=views.AssessmentItemRestoreView,
                prefix="assessment-items/"),
    path("entries/<int:pk>/edit/", views.ScoreEntryEditView.as_view(), name="scoreentry_edit"),
    path("entries/<int:pk>/delete/", views.ScoreEntryDeleteView.as_view(), name="scoreentry_delete"),
    path("files/<int:pk>/", views.AttachmentView.as_view(), name="attachment"),
    path("notifications/", views.NotificationListView.as_view(), name="notification_list"),
    path("notifications/read/", views.NotificationReadView.as_view(), name="notification_read_all"),
    path("notifications/<int:pk>/read/", views.NotificationReadView.as_view(), name="notification_read"),
]

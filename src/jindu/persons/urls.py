from django.urls import path

from jindu.common.views import model_urls

from . import public_views, views
from .models import (
    Alert,
    Contact,
    DrugTest,
    Episode,
    Handover,
    Person,
    RiskAssessment,
    TestSchedule,
    Violation,
)
from .views import void_views

app_name = "persons"

urlpatterns = [
    *model_urls(Person, list_view=views.PersonListView, detail_view=views.PersonDetailView,
                edit_view=views.PersonEditView, prefix="people/", **void_views(Person)),
    path("people/<int:pk>/reveal/", views.PersonRevealView.as_view(), name="person_reveal"),
    path("people/<int:pk>/assess/", views.PersonAssessView.as_view(), name="person_assess"),
    path("people/<int:pk>/photo/", views.PersonPhotoView.as_view(), name="person_photo"),
    *model_urls(Episode, list_view=views.EpisodeListView, detail_view=views.EpisodeDetailView,
                edit_view=views.EpisodeEditView, prefix="measures/", **void_views(Episode)),
    *model_urls(Handover, list_view=views.HandoverListView, detail_view=views.HandoverDetailView,
                edit_view=views.HandoverEditView, **void_views(Handover)),
    path("handovers/<int:pk>/agreement/", views.HandoverAgreementView.as_view(), name="handover_agreement"),
    *model_urls(DrugTest, list_view=views.DrugTestListView, detail_view=views.DrugTestDetailView,
                edit_view=views.DrugTestEditView, prefix="tests/", **void_views(DrugTest)),
    *model_urls(Contact, list_view=views.ContactListView, detail_view=views.ContactDetailView,
                edit_view=views.ContactEditView, **void_views(Contact)),
    *model_urls(RiskAssessment, list_view=views.RiskAssessmentListView, detail_view=views.RiskAssessmentDetailView,
                prefix="assessments/", **void_views(RiskAssessment)),
    *model_urls(Violation, list_view=views.ViolationListView, detail_view=views.ViolationDetailView,
                edit_view=views.ViolationEditView, sealed_view=views.ViolationSealedView, prefix="violations/",
                **void_views(Violation)),
    *model_urls(TestSchedule, list_view=views.TestScheduleListView, detail_view=views.TestScheduleDetailView,
                edit_view=views.TestScheduleEditView, prefix="schedules/"),
    *model_urls(Alert, list_view=views.AlertListView, detail_view=views.AlertDetailView),
    path("alerts/<int:pk>/acknowledge/", views.AlertActionView.as_view(verb="acknowledge"), name="alert_acknowledge"),
    path("alerts/<int:pk>/resolve/", views.AlertActionView.as_view(verb="resolve"), name="alert_resolve"),
    path("driving-checks/", views.DrivingCheckListView.as_view(), name="drivingcheck_list"),
    path("driving-checks/new/", views.DrivingCheckView.as_view(), name="drivingcheck_add"),
    path("driving-checks/<int:pk>/", views.DrivingCheckDetailView.as_view(), name="drivingcheck"),
    path("certificates/", views.CertificateListView.as_view(), name="licencecertificate_list"),
    path("certificates/issue/", views.CertificateIssueView.as_view(), name="licencecertificate_add"),
    path("certificates/<int:pk>/", views.CertificateDetailView.as_view(), name="licencecertificate"),
    path("certificates/<int:pk>/pdf/", views.CertificatePdfView.as_view(), name="licencecertificate_pdf"),
    path("certificates/<int:pk>/revoke/", views.CertificateRevokeView.as_view(), name="licencecertificate_revoke"),
    path("verify/", public_views.certificate_verify_view, name="certificate_verify"),
]

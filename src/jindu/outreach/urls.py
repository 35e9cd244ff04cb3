from django.urls import path

from jindu.common.views import model_urls

from . import views
from .models import (
    BaseInspection,
    BaseUpgrade,
    BaseVisit,
    Campaign,
    ContestCriterion,
    ContestEntry,
    EducationBase,
    Event,
    ModelSchoolApplication,
    ModelSchoolReview,
    ReviewCriterion,
    School,
    SchoolActivity,
    VideoContest,
)

app_name = "outreach"


def crud(model, prefix=None, **views_):
    return model_urls(model, prefix=prefix, **views_)


urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    *crud(Campaign, list_view=views.CampaignListView, detail_view=views.CampaignDetailView,
          edit_view=views.CampaignEditView, delete_view=views.CampaignDeleteView),
    *crud(Event, list_view=views.EventListView, detail_view=views.EventDetailView, edit_view=views.EventEditView,
          delete_view=views.EventDeleteView),
    path("events/<int:pk>/photos/add/", views.EventPhotoAddView.as_view(), name="eventphoto_add"),
    path("photos/<int:pk>/", views.EventPhotoView.as_view(), name="eventphoto"),
    path("photos/<int:pk>/delete/", views.EventPhotoDeleteView.as_view(), name="eventphoto_delete"),
    *crud(School, list_view=views.SchoolListView, detail_view=views.SchoolDetailView, edit_view=views.SchoolEditView,
          delete_view=views.SchoolDeleteView),
    *crud(SchoolActivity, prefix="school-activities/", list_view=views.SchoolActivityListView,
          detail_view=views.SchoolActivityDetailView, edit_view=views.SchoolActivityEditView,
          delete_view=views.SchoolActivityDeleteView),
    *crud(EducationBase, prefix="bases/", list_view=views.EducationBaseListView,
          detail_view=views.EducationBaseDetailView, edit_view=views.EducationBaseEditView,
          delete_view=views.EducationBaseDeleteView),
    *crud(BaseUpgrade, prefix="base-upgrades/", **views.BASE_UPGRADE_VIEWS),
    *crud(BaseVisit, prefix="base-visits/", **views.BASE_VISIT_VIEWS),
    *crud(BaseInspection, prefix="inspections/", **views.BASE_INSPECTION_VIEWS),
    path("inspections/<int:pk>/follow-up-done/", views.InspectionFollowUpDoneView.as_view(),
         name="baseinspection_follow_up_done"),
    *crud(ModelSchoolReview, prefix="reviews/", list_view=views.ModelSchoolReviewListView,
          detail_view=views.ModelSchoolReviewDetailView, edit_view=views.ModelSchoolReviewEditView,
          delete_view=views.ModelSchoolReviewDeleteView),
    path("reviews/<int:pk>/close/", views.ModelSchoolReviewCloseView.as_view(), name="modelschoolreview_close"),
    *crud(ReviewCriterion, prefix="review-criteria/", edit_view=views.ReviewCriterionEditView,
          delete_view=views.ReviewCriterionDeleteView),
    *crud(ModelSchoolApplication, prefix="applications/", list_view=views.ModelSchoolApplicationListView,
          detail_view=views.ModelSchoolApplicationDetailView, edit_view=views.ModelSchoolApplicationEditView,
          delete_view=views.ModelSchoolApplicationDeleteView),
    path("applications/<int:pk>/score/", views.ReviewSheetView.as_view(), name="modelschoolapplication_score"),
    path("applications/<int:pk>/decide/", views.ApplicationDecideView.as_view(),
         name="modelschoolapplication_decide"),
    *crud(VideoContest, prefix="contests/", list_view=views.VideoContestListView,
          detail_view=views.VideoContestDetailView, edit_view=views.VideoContestEditView,
          delete_view=views.VideoContestDeleteView),
    path("contests/<int:pk>/start-judging/", views.ContestStartJudgingView.as_view(), name="videocontest_start"),
    path("contests/<int:pk>/close/", views.ContestCloseView.as_view(), name="videocontest_close"),
    path("contests/<int:pk>/ranking/", views.ContestRankingView.as_view(), name="videocontest_ranking"),
    path("contests/<int:pk>/selected/", views.ContestExportView.as_view(), name="videocontest_export"),
    path("contests/<int:pk>/judges/add/", views.ContestJudgeAddView.as_view(), name="contestjudge_add"),
    path("judges/<int:pk>/delete/", views.ContestJudgeDeleteView.as_view(), name="contestjudge_delete"),
    *crud(ContestCriterion, prefix="contest-criteria/", edit_view=views.ContestCriterionEditView,
          delete_view=views.ContestCriterionDeleteView),
    *crud(ContestEntry, prefix="entries/", list_view=views.ContestEntryListView,
          detail_view=views.ContestEntryDetailView, edit_view=views.ContestEntryEditView,
          delete_view=views.ContestEntryDeleteView),
    path("entries/<int:pk>/video/", views.ContestEntryVideoView.as_view(), name="contestentry_video"),
    path("entries/<int:pk>/score/", views.ContestEntryScoreView.as_view(), name="contestentry_score"),
    path("judging/", views.JudgingView.as_view(), name="judging"),
]

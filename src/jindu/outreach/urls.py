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
from .quiz import views as quiz_views
from .quiz.models import Question, QuestionCategory, Quiz, QuizDailyCount, QuizDrawRule, QuizPrize

app_name = "outreach"


def crud(model, prefix=None, **views_):
    return model_urls(model, prefix=prefix, **views_)


urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    *crud(Campaign, **views.CAMPAIGN_VIEWS),
    *crud(Event, **views.EVENT_VIEWS),
    path("events/<int:pk>/photos/add/", views.EventPhotoAddView.as_view(), name="eventphoto_add"),
    path("photos/<int:pk>/", views.EventPhotoView.as_view(), name="eventphoto"),
    path("photos/<int:pk>/delete/", views.EventPhotoDeleteView.as_view(), name="eventphoto_delete"),
    *crud(School, **views.SCHOOL_VIEWS),
    *crud(SchoolActivity, prefix="school-activities/", **views.SCHOOL_ACTIVITY_VIEWS),
    *crud(EducationBase, prefix="bases/", **views.EDUCATION_BASE_VIEWS),
    *crud(BaseUpgrade, prefix="base-upgrades/", **views.BASE_UPGRADE_VIEWS),
    *crud(BaseVisit, prefix="base-visits/", **views.BASE_VISIT_VIEWS),
    *crud(BaseInspection, prefix="inspections/", **views.BASE_INSPECTION_VIEWS),
    path("inspections/<int:pk>/follow-up-done/", views.InspectionFollowUpDoneView.as_view(),
         name="baseinspection_follow_up_done"),
    *crud(ModelSchoolReview, prefix="reviews/", **views.REVIEW_VIEWS),
    path("reviews/<int:pk>/close/", views.ModelSchoolReviewCloseView.as_view(), name="modelschoolreview_close"),
    path("reviews/<int:pk>/reviewers/add/", views.ReviewJudgeAddView.as_view(), name="reviewjudge_add"),
    path("reviewers/<int:pk>/assign/", views.ReviewJudgeAssignView.as_view(), name="reviewjudge_assign"),
    path("reviewers/<int:pk>/delete/", views.ReviewJudgeDeleteView.as_view(), name="reviewjudge_delete"),
    *crud(ReviewCriterion, prefix="review-criteria/", edit_view=views.ReviewCriterionEditView,
          delete_view=views.ReviewCriterionDeleteView),
    *crud(ModelSchoolApplication, prefix="applications/", **views.APPLICATION_VIEWS),
    path("applications/<int:pk>/score/", views.ReviewSheetView.as_view(), name="modelschoolapplication_score"),
    path("applications/<int:pk>/decide/", views.ApplicationDecideView.as_view(),
         name="modelschoolapplication_decide"),
    *crud(VideoContest, prefix="contests/", **views.CONTEST_VIEWS),
    path("contests/<int:pk>/start-judging/", views.ContestStartJudgingView.as_view(), name="videocontest_start"),
    path("contests/<int:pk>/close/", views.ContestCloseView.as_view(), name="videocontest_close"),
    path("contests/<int:pk>/ranking/", views.ContestRankingView.as_view(), name="videocontest_ranking"),
    path("contests/<int:pk>/selected/", views.ContestExportView.as_view(), name="videocontest_export"),
    path("contests/<int:pk>/judges/add/", views.ContestJudgeAddView.as_view(), name="contestjudge_add"),
    path("judges/<int:pk>/delete/", views.ContestJudgeDeleteView.as_view(), name="contestjudge_delete"),
    *crud(ContestCriterion, prefix="contest-criteria/", edit_view=views.ContestCriterionEditView,
          delete_view=views.ContestCriterionDeleteView),
    *crud(ContestEntry, prefix="entries/", **views.ENTRY_VIEWS),
    path("entries/<int:pk>/video/", views.ContestEntryVideoView.as_view(), name="contestentry_video"),
    path("entries/<int:pk>/poster/", views.ContestEntryPosterView.as_view(), name="contestentry_poster"),
    path("entries/<int:pk>/score/", views.ContestEntryScoreView.as_view(), name="contestentry_score"),
    path("judging/", views.JudgingView.as_view(), name="judging"),
    # --- the prize quiz (staff side; the public pages are in public_urls.py) ---
    *crud(QuestionCategory, prefix="quiz-categories/", list_view=quiz_views.QuestionCategoryListView,
          detail_view=quiz_views.QuestionCategoryDetailView, edit_view=quiz_views.QuestionCategoryEditView,
          delete_view=quiz_views.QuestionCategoryDeleteView),
    *crud(Question, prefix="quiz-questions/", list_view=quiz_views.QuestionListView,
          detail_view=quiz_views.QuestionDetailView, edit_view=quiz_views.QuestionEditView,
          delete_view=quiz_views.QuestionDeleteView),
    path("quiz-questions/<int:pk>/approve/", quiz_views.QuestionApproveView.as_view(), name="question_approve"),
    path("quiz-questions/<int:pk>/withdraw/", quiz_views.QuestionWithdrawView.as_view(), name="question_withdraw"),
    *crud(Quiz, prefix="quizzes/", list_view=quiz_views.QuizListView, detail_view=quiz_views.QuizDetailView,
          edit_view=quiz_views.QuizEditView, delete_view=quiz_views.QuizDeleteView),
    path("quizzes/<int:pk>/publish/", quiz_views.QuizPublishView.as_view(), name="quiz_publish"),
    path("quizzes/<int:pk>/unpublish/", quiz_views.QuizUnpublishView.as_view(), name="quiz_unpublish"),
    path("quizzes/<int:pk>/live/", quiz_views.QuizLiveView.as_view(), name="quiz_live"),
    path("quizzes/<int:pk>/live.json", quiz_views.QuizLiveJsonView.as_view(), name="quiz_live_json"),
    path("quizzes/<int:pk>/recount/", quiz_views.QuizRecountView.as_view(), name="quiz_recount"),
    path("quizzes/<int:pk>/results/", quiz_views.QuizResultsExportView.as_view(), name="quiz_results"),
    path("quizzes/<int:pk>/draw/", quiz_views.QuizDrawView.as_view(), name="quiz_draw"),
    path("quizzes/live-card/", quiz_views.QuizLiveCardView.as_view(), name="quiz_live_card"),
    *crud(QuizDrawRule, prefix="quiz-rules/", edit_view=quiz_views.DrawRuleEditView,
          delete_view=quiz_views.DrawRuleDeleteView),
    *crud(QuizPrize, prefix="quiz-prizes/", edit_view=quiz_views.PrizeEditView, delete_view=quiz_views.PrizeDeleteView),
    *crud(QuizDailyCount, prefix="quiz-counts/", list_view=quiz_views.QuizDailyCountListView,
          detail_view=quiz_views.QuizDailyCountDetailView, edit_view=quiz_views.QuizDailyCountEditView,
          delete_view=quiz_views.QuizDailyCountDeleteView),
]

"""Public URLs of the prize quiz, mounted at /quiz/ (namespace ``quiz``). Every name here is in the reviewed
public list of tests/test_deny_by_default.py."""

from django.urls import path

from . import public_views as views

app_name = "quiz"

urlpatterns = [
    path("", views.index, name="index"),
    path("q/<slug:code>/", views.quiz_page, name="quiz"),
    path("q/<slug:code>/start/", views.start, name="start"),
    path("q/<slug:code>/draw/", views.draw_page, name="draw"),
    path("q/<slug:code>/draw.json", views.draw_json, name="draw_json"),
    path("a/<str:token>/", views.attempt, name="attempt"),
    path("a/<str:token>/result/", views.result, name="result"),
    path("login/", views.login, name="login"),
    path("login/verify/", views.verify, name="verify"),
    path("login/wechat/", views.wechat_login, name="wechat"),
    path("login/wechat/callback/", views.wechat_callback, name="wechat_callback"),
    path("logout/", views.logout, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("me/", views.me, name="me"),
    path("api/time", views.api_time, name="api_time"),
    path("api/login/sms", views.api_sms, name="api_sms"),
    path("api/login/verify", views.api_verify, name="api_verify"),
    path("api/profile", views.api_profile, name="api_profile"),
    path("api/q/<slug:code>", views.api_quiz, name="api_quiz"),
    path("api/q/<slug:code>/start", views.api_start, name="api_start"),
    path("api/a/<str:token>", views.api_attempt, name="api_attempt"),
    path("api/a/<str:token>/submit", views.api_submit, name="api_submit"),
]

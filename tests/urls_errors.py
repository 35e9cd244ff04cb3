"""The project's URLs plus a view that fails, to look at the error pages (tests/test_hardening.py)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from jindu.urls import urlpatterns as project_urlpatterns


def boom(request):
    raise RuntimeError("secret detail: SELECT * FROM core_user; password=Hunter2")


def bad(request):
    raise SuspiciousOperation("secret detail of a bad request")


def denied(request):
    raise PermissionDenied("secret detail of a refusal")


urlpatterns = [*project_urlpatterns, path("boom/", boom), path("bad/", bad), path("denied/", denied)]

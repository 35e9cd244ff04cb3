"""The participant API's URL patterns alone, for the quiz's short middleware stack (``quiz/wsgi.py``). The same
names in the same ``quiz`` namespace as ``outreach/public_urls.py``, whose API part this is."""

from django.urls import include, path

from .. import public_urls

api = [pattern for pattern in public_urls.urlpatterns if str(pattern.pattern).startswith("api/")]
urlpatterns = [path("quiz/", include((api, "quiz")))]

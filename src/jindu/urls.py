from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver, include, path

from jindu.common.api import api
from jindu.core import views as core_views
from jindu.core.api import router as core_router
from jindu.reports import views as reports_views
from jindu.reports.api import router as reports_router

api.add_router("/core/", core_router)
api.add_router("/precursors/", "jindu.precursors.api.router")
api.add_router("/persons/", "jindu.persons.api.router")
api.add_router("/cases/", "jindu.cases.api.router")
api.add_router("/outreach/", "jindu.outreach.api.router")
api.add_router("/supervision/", "jindu.supervision.api.router")
api.add_router("/", reports_router)


def _public(patterns):
    """The API authenticates each request itself (401 for anonymous), so the login redirect must not apply."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _public(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            callback = pattern.callback

            @wraps(callback)
            def wrapped(*args, _callback=callback, **kwargs):
                return _callback(*args, **kwargs)

            pattern.callback = login_not_required(wrapped)
    return patterns


api_patterns, api_app, api_namespace = api.urls

urlpatterns = [
    path("", reports_views.dashboard, name="home"),
    path("login/", login_not_required(core_views.LoginView.as_view()), name="login"),
    path("logout/", core_views.LogoutView.as_view(), name="logout"),
    path("password/", core_views.PasswordChangeView.as_view(), name="password_change"),
    path("language/", core_views.set_language, name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("robots.txt", login_not_required(core_views.robots), name="robots"),
    path("core/", include("jindu.core.urls")),
    path("precursors/", include("jindu.precursors.urls")),
    path("persons/", include("jindu.persons.urls")),
    path("cases/", include("jindu.cases.urls")),
    path("outreach/", include("jindu.outreach.urls")),
    path("quiz/", include("jindu.outreach.public_urls")),  # the public prize quiz (no login; reviewed)
    path("supervision/", include("jindu.supervision.urls")),
    path("reports/", include("jindu.reports.urls")),
    path("data/", include("jindu.common.importing.urls")),
    path("api/v1/", include((_public(api_patterns), api_app), namespace=api_namespace)),
]

"""Send a user who must change their password (first login, reset) to the change form first."""

from django.shortcuts import redirect
from django.urls import reverse

ALLOWED = ("password_change", "logout", "set_language")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self._allowed = None

    def __call__(self, request):
        user = request.user
        # The API answers 401 itself for such a user (common/api.py); pages send them to the form.
        if user.is_authenticated and user.must_change_password and not request.path.startswith(("/static/", "/api/")):
            if self._allowed is None:
                self._allowed = {reverse(name) for name in ALLOWED}
            if request.path not in self._allowed:
                return redirect("password_change")
        return self.get_response(request)

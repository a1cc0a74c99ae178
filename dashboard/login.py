"""The login page, with a limit on attempts per client address (password guessing)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse

from core import login_limit


class RateLimitedLoginView(LoginView):
    template_name = "login.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not login_limit.attempt_allowed(request):
            context = self.get_context_data(form=self.get_form_class()(request), rate_limited=True)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

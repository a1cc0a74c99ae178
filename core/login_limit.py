"""One limit on password attempts per client address, shared by every login form (the
product's `/login/` and the platform admin's): alternating between them buys nothing."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from core import ratelimit


def attempt_allowed(request: HttpRequest) -> bool:
    """Count one login attempt of the request's client; False once it is over the limit."""
    bucket = f"login:{ratelimit.client_address(request)}"
    return ratelimit.allow(bucket, settings.LOGIN_RATE_PER_MINUTE)

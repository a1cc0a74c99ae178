"""What a request gets while PostgreSQL or Redis is down or restarting: a 503 that says so,
with Retry-After, never a 500 page or a hang.

A sender that gets 503 retries; ingestion is idempotent on the message's external id, so
the retry stores the message once. The API, the pages and the error handler of last resort
(`handler500`, for failures outside any view, such as loading a session) all use this.
"""

from __future__ import annotations

import logging
import sys

import kombu.exceptions
import redis
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import server_error

logger = logging.getLogger(__name__)

DEPENDENCY_DOWN = (
    OperationalError,
    InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    redis.exceptions.BusyLoadingError,
    kombu.exceptions.OperationalError,
)
RETRY_AFTER_SECONDS = 5


def unavailable(request: HttpRequest, exc: BaseException) -> HttpResponse:
    logger.warning("503 for %s %s: %s", request.method, request.path, exc)
    what = "the database" if isinstance(exc, (OperationalError, InterfaceError)) else "Redis"
    detail = f"temporarily unavailable: {what} is not answering; retry shortly"
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": detail}, status=503)
    else:
        response = HttpResponse(detail, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DependencyOutageMiddleware:
    """Turns a view's database or Redis failure into a 503 (in DEBUG too)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        return unavailable(request, exc) if isinstance(exc, DEPENDENCY_DOWN) else None


def handler500(request: HttpRequest) -> HttpResponse:
    # Django calls this inside its except block, so the exception is still at hand.
    exc = sys.exc_info()[1]
    if isinstance(exc, DEPENDENCY_DOWN):
        return unavailable(request, exc)
    return server_error(request)

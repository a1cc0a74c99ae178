"""The JSON API (django-ninja). OpenAPI at /api/docs; auth by X-API-Key per workspace."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.security import APIKeyHeader

from conversations.analysis_api import router as analysis_router
from conversations.api import journeys_router, webhook_router
from conversations.api import router as messages_router
from conversations.chat_api import router as chat_router
from conversations.library_api import router as library_router
from conversations.llm_api import router as generation_router
from conversations.memory_api import router as memory_router
from conversations.model_admin_api import router as model_admin_router
from conversations.revenue_api import router as revenue_router
from conversations.revenue_api import webhook_router as revenue_webhook_router
from conversations.training_api import router as models_router
from core import ratelimit, rows
from core.models import ApiKey, Workspace, hash_api_key
from dashboard import health, outages
from personas.api import router as personas_router
from personas.style_api import router as style_router


class WorkspaceKey(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Workspace | None:
        if not key:
            return None
        api_key = rows.live_key(hash_api_key(key))  # ApiKey.objects.live, precompiled
        if api_key is None:
            return None
        note_key_use(api_key)
        bucket = "key:" + api_key.key_hash[:24]
        if not ratelimit.allow(bucket, settings.API_RATE_PER_MINUTE):
            raise HttpError(
                429, f"rate limit: {settings.API_RATE_PER_MINUTE} requests a minute per key"
            )
        return api_key.workspace


# How fresh a key's "last used" is: one write a minute per key at most, however busy.
KEY_USE_RESOLUTION = timedelta(minutes=1)


def note_key_use(api_key: ApiKey) -> None:
    """Stamp the key's last use, at most once a minute. The row just read says whether it
    is due, so a busy key costs no query at all between stamps; when due, the UPDATE is
    conditional, so workers racing for the same stamp write it once."""
    now = timezone.now()
    stale = now - KEY_USE_RESOLUTION
    if api_key.last_used_at is not None and api_key.last_used_at >= stale:
        return
    ApiKey.objects.filter(pk=api_key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale)
    ).update(last_used_at=now)


api = NinjaAPI(
    title="Operator dashboard API",
    version="1",
    auth=WorkspaceKey(),
    urls_namespace="api",
)


def describe(error: dict) -> str:
    location = ".".join(
        str(part) for part in error.get("loc", []) if part not in ("body", "payload")
    )
    return f"{location}: {error.get('msg', 'invalid')}" if location else error.get("msg", "")


@api.exception_handler(ValidationError)
def validation_failed(request: HttpRequest, exc: ValidationError):
    # Keep pydantic's list for programs, and add one sentence naming the fields for people.
    problems = "; ".join(describe(error) for error in exc.errors)
    return api.create_response(
        request, {"detail": problems or "invalid request", "errors": exc.errors}, status=422
    )


@api.exception_handler(Exception)
def failed(request: HttpRequest, exc: Exception):
    # PostgreSQL or Redis down: 503 with Retry-After, so the sender retries (ingestion is
    # idempotent) rather than taking a 500 for a bug. Anything else is a bug: re-raised.
    if isinstance(exc, outages.DEPENDENCY_DOWN):
        return outages.unavailable(request, exc)
    raise exc


@api.get(
    "/health",
    auth=None,
    tags=["health"],
    summary="Database, Redis, workers and models; queue lengths with an API key",
)
def get_health(request: HttpRequest):
    return health.report_for(request)


@api.get("/workspace", tags=["workspace"], summary="The workspace this API key belongs to")
def get_workspace(request: HttpRequest):
    workspace = request.auth  # type: ignore[attr-defined]
    return {"id": workspace.pk, "slug": workspace.slug, "name": workspace.name}


api.add_router("", messages_router)
api.add_router("", webhook_router)
api.add_router("", journeys_router)
api.add_router("", analysis_router)
api.add_router("", models_router)
api.add_router("", model_admin_router)
api.add_router("", personas_router)
api.add_router("", memory_router)
api.add_router("", style_router)
api.add_router("", generation_router)
api.add_router("", chat_router)
api.add_router("", library_router)
api.add_router("", revenue_router)
api.add_router("", revenue_webhook_router)

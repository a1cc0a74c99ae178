"""Seed 002's POST /model/reload: drop the workspace's cached completions and say which
model now answers.

The base model is the platform's (LLM_BACKEND, LLM_BASE_URL, LLM_MODEL, read from the
environment at start), so a workspace key cannot switch it; `model_id` lets a caller check
that the model it expects is the one configured, or one of its personas' deployed adapters,
before it relies on fresh completions.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from conversations.model_health import configured_model, forget_status, model_status
from core import audit
from core.models import Workspace
from core.redis import redis_client
from mlops.llm_replies import CACHE_PREFIX, delete_cached
from personas.models import Persona

router = Router(tags=["models"])


def deployed_adapters(workspace: Workspace) -> dict[str, str]:
    """Persona name to the adapter it is served with."""
    personas = Persona.objects.filter(workspace=workspace, adapter__isnull=False)
    return dict(personas.order_by("name").values_list("name", "llm_model"))


class ReloadOut(Schema):
    status: str
    model: str
    backend: str
    model_loaded: bool  # the base model answers (adapters are served by its workers)
    adapters: dict[str, str]
    cache_invalidated: bool
    cache_entries_deleted: int


class ErrorOut(Schema):
    detail: str


@router.post(
    "/model/reload",
    response={200: ReloadOut, 401: ErrorOut, 422: ErrorOut},
    summary="Drop this workspace's cached completions; answers the model now configured",
)
def reload_model(
    request: HttpRequest, model_id: str | None = Query(None, min_length=1, max_length=200)
):
    workspace: Workspace = request.auth  # type: ignore[attr-defined]
    base = configured_model()
    adapters = deployed_adapters(workspace)
    known = {base["model"], *adapters.values()}
    if model_id is not None and model_id not in known:
        raise HttpError(
            422,
            f"model_id: {model_id!r} is not served to this workspace; "
            f"it can use {', '.join(sorted(known))}",
        )
    deleted = delete_cached(redis_client(), f"{CACHE_PREFIX}{workspace.pk}:")
    forget_status()
    model = model_id or base["model"]
    audit.record(
        "model.reload",
        workspace=workspace,
        after={"model": model, "cache_entries_deleted": deleted},
        request=request,
    )
    return {
        "status": "reloaded",
        "model": model,
        "backend": base["backend"] if model == base["model"] else "adapter",
        "model_loaded": model_status()["answers"],
        "adapters": adapters,
        "cache_invalidated": True,
        "cache_entries_deleted": deleted,
    }

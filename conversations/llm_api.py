"""Seed 002's generation endpoints and seed 000's /chat, over the configured LLM backend.

- POST /api/generate: a raw prompt, answered now (cached in Redis by prompt + sampling);
- POST /api/generate/async + GET /api/generate/status/{job_id}: the same on the `llm`
  queue, with queued / processing / completed / failed;
- DELETE /api/cache: drop this workspace's cached completions (optionally by pattern);
- POST /api/suggestions + GET /api/suggestions/more/{request_id}: themed options;
- POST /api/chat: the whole orchestration for one message, strict JSON out.

Without an LLM backend (LLM_BASE_URL empty) the LLM endpoints answer 503; suggestions
and /chat still work through the template generator, and say so.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from conversations import generation_jobs
from conversations.generation import GenerateIn, ModelUnavailable, generate, llm_backend
from core.redis import redis_client
from mlops import llm_quota
from mlops.llm_replies import CACHE_PREFIX, delete_cached

router = Router(tags=["generation"])


class GenerateOut(Schema):
    response: str
    confidence: float | None
    model_version: str
    tokens_used: int
    cached: bool


class JobOut(Schema):
    job_id: str
    status: Literal["queued", "processing", "completed", "failed"]
    result: dict[str, Any] | None = None
    error: str | None = None
    created_at: datetime | None = None
    completed_at: datetime | None = None


class ErrorOut(Schema):
    detail: str


def llm_quota_or_429(workspace_id: int) -> None:
    """The model is shared by every tenant: each route that calls it spends the workspace's
    per-minute budget (mlops.llm_quota), and past it the caller gets 429 and nothing runs."""
    try:
        llm_quota.spend_call(workspace_id)
    except llm_quota.QuotaSpent as exc:
        raise HttpError(429, str(exc)) from exc


@contextmanager
def model_unavailable_is_503() -> Iterator[None]:
    try:
        yield
    except ModelUnavailable as exc:
        raise HttpError(503, str(exc)) from exc


@router.post(
    "/generate",
    response={200: GenerateOut, 422: ErrorOut, 503: ErrorOut},
    summary="Generate text for a prompt (cached by prompt and sampling parameters)",
)
def generate_now(request: HttpRequest, payload: GenerateIn):
    llm_quota_or_429(request.auth.pk)  # type: ignore[attr-defined]
    with model_unavailable_is_503():
        return generate(request.auth.pk, payload)  # type: ignore[attr-defined]


@router.post(
    "/generate/async",
    response={202: JobOut, 422: ErrorOut, 503: ErrorOut},
    summary="Queue a generation on the llm workers; poll its status",
)
def generate_later(request: HttpRequest, payload: GenerateIn):
    llm_quota_or_429(request.auth.pk)  # type: ignore[attr-defined]
    with model_unavailable_is_503():
        llm_backend()
    job = generation_jobs.enqueue(request.auth.pk, payload.dict())  # type: ignore[attr-defined]
    return Status(
        202, JobOut(job_id=job["job_id"], status=job["status"], created_at=job["created_at"])
    )


@router.get(
    "/generate/status/{job_id}",
    response={200: JobOut, 404: ErrorOut},
    summary="An async generation job: queued, processing, completed or failed",
)
def generate_status(request: HttpRequest, job_id: uuid.UUID):
    job = generation_jobs.load(request.auth.pk, str(job_id))  # type: ignore[attr-defined]
    if job is None:
        raise HttpError(404, "no such job (jobs are kept for a day)")
    return JobOut(**job)


@router.delete("/cache", response=dict, summary="Drop this workspace's cached completions")
def clear_cache(request: HttpRequest, pattern: str = "*"):
    """`pattern` is a Redis glob over what follows the workspace in the key, e.g.
    `Mia:*` for one persona's suggestions or `generate:*` for /generate."""
    if len(pattern) > 200:
        raise HttpError(422, "pattern: at most 200 characters")
    prefix = f"{CACHE_PREFIX}{request.auth.pk}:"  # type: ignore[attr-defined]
    return {"deleted": delete_cached(redis_client(), prefix, pattern), "pattern": pattern}

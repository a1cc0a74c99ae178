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

import json
import uuid
from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from conversations import generation_jobs
from conversations.replies import configured_backend
from core import ratelimit
from core.redis import redis_client
from mlops.llm import GenerationParams, LLMError, OpenAICompatibleBackend, complete_prompt
from mlops.llm_replies import CACHE_PREFIX, cache_key, delete_cached

router = Router(tags=["generation"])

PROMPT = Field(..., min_length=1, max_length=16000, pattern=r"\S")


class GenerateIn(Schema):
    prompt: str = PROMPT
    max_tokens: int = Field(256, ge=1, le=2048)
    temperature: float = Field(0.7, ge=0.0, le=2.0)
    top_p: float = Field(0.95, gt=0.0, le=1.0)
    repeat_penalty: float = Field(1.1, ge=0.5, le=2.0)
    stop: list[str] = Field(default_factory=list, max_length=8)
    cache_key: str | None = Field(None, max_length=200)

    def params(self) -> GenerationParams:
        params = GenerationParams(
            max_tokens=self.max_tokens,
            temperature=self.temperature,
            top_p=self.top_p,
            repeat_penalty=self.repeat_penalty,
            stop=tuple(self.stop),
        )
        return params.deterministic() if settings.LLM_DETERMINISTIC else params


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
    """The model is shared by every tenant: one workspace's API use is capped per minute
    (operators' own suggestions are not counted: they must keep working)."""
    if not ratelimit.allow(f"llm:{workspace_id}", settings.LLM_RATE_PER_MINUTE):
        raise HttpError(
            429, f"rate limit: {settings.LLM_RATE_PER_MINUTE} model calls a minute per workspace"
        )


def llm_backend_or_503() -> OpenAICompatibleBackend:
    backend = configured_backend()
    if not isinstance(backend, OpenAICompatibleBackend):
        raise HttpError(503, "no LLM backend is configured (set LLM_BASE_URL)")
    return backend


def generate(workspace_id: int, payload: GenerateIn) -> dict[str, Any]:
    """One /generate call: the cache first, then the model. Shared with the async job."""
    backend = llm_backend_or_503()
    params = payload.params()
    namespace = f"{workspace_id}:generate"
    key = (
        f"{CACHE_PREFIX}{namespace}:key:{payload.cache_key}"
        if payload.cache_key
        else cache_key([{"role": "prompt", "content": payload.prompt}], params, namespace)
    )
    client = redis_client()
    hit = client.get(key)
    if hit is not None:
        return {**json.loads(hit), "cached": True}
    try:
        completion = complete_prompt(backend, payload.prompt, params, settings.LLM_TIMEOUT_SECONDS)
    except LLMError as exc:
        raise HttpError(503, f"the model did not answer: {exc}") from exc
    result = {
        "response": completion.text,
        "confidence": completion.confidence,
        "model_version": f"{backend.name}:{params.model or backend.default_model}",
        "tokens_used": completion.tokens_used,
    }
    if settings.LLM_CACHE_SECONDS:
        client.set(key, json.dumps(result), ex=settings.LLM_CACHE_SECONDS)
    return {**result, "cached": False}


@router.post(
    "/generate",
    response={200: GenerateOut, 422: ErrorOut, 503: ErrorOut},
    summary="Generate text for a prompt (cached by prompt and sampling parameters)",
)
def generate_now(request: HttpRequest, payload: GenerateIn):
    llm_quota_or_429(request.auth.pk)  # type: ignore[attr-defined]
    return generate(request.auth.pk, payload)  # type: ignore[attr-defined]


@router.post(
    "/generate/async",
    response={202: JobOut, 422: ErrorOut, 503: ErrorOut},
    summary="Queue a generation on the llm workers; poll its status",
)
def generate_later(request: HttpRequest, payload: GenerateIn):
    llm_quota_or_429(request.auth.pk)  # type: ignore[attr-defined]
    llm_backend_or_503()
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

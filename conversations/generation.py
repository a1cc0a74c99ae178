"""Raw-prompt generation (seed 002's /generate): the cache first, then the model.

Shared by POST /api/generate (conversations.llm_api), which answers now, and the async
job on the `llm` queue (conversations.tasks), which reports to its poller; neither the
task nor this module knows about HTTP.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from ninja import Field, Schema
from pydantic import field_validator

from conversations.replies import configured_backend, generation_params
from core.redis import redis_client
from mlops.llm import GenerationParams, LLMError, OpenAICompatibleBackend
from mlops.llm_completions import complete_prompt
from mlops.llm_replies import CACHE_PREFIX, cache_key

PROMPT = Field(..., min_length=1, max_length=16000, pattern=r"\S")


class ModelUnavailable(Exception):
    """No LLM backend is configured, or it did not answer: the endpoint's 503."""


class GenerateIn(Schema):
    prompt: str = PROMPT
    max_tokens: int = Field(256, ge=1, le=2048)
    temperature: float = Field(0.7, ge=0.0, le=2.0)
    top_p: float = Field(0.95, gt=0.0, le=1.0)
    repeat_penalty: float = Field(1.1, ge=0.5, le=2.0)
    stop: list[str] = Field(default_factory=list, max_length=8)
    cache_key: str | None = Field(None, max_length=200)

    @field_validator("max_tokens")
    @classmethod
    def within_the_servers_cap(cls, value: int) -> int:
        # The model server is shared by every tenant: no caller may ask for long answers
        # beyond what the platform allows (LLM_MAX_TOKENS_CAP).
        if value > settings.LLM_MAX_TOKENS_CAP:
            raise ValueError(f"at most {settings.LLM_MAX_TOKENS_CAP} on this server")
        return value

    def params(self) -> GenerationParams:
        return generation_params(
            max_tokens=self.max_tokens,
            temperature=self.temperature,
            top_p=self.top_p,
            repeat_penalty=self.repeat_penalty,
            stop=tuple(self.stop),
        )


def llm_backend() -> OpenAICompatibleBackend:
    backend = configured_backend()
    if not isinstance(backend, OpenAICompatibleBackend):
        raise ModelUnavailable("no LLM backend is configured (set LLM_BASE_URL)")
    return backend


def generate(workspace_id: int, payload: GenerateIn) -> dict[str, Any]:
    """One /generate call: the cache first, then the model. Shared with the async job."""
    backend = llm_backend()
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
        raise ModelUnavailable(f"the model did not answer: {exc}") from exc
    result = {
        "response": completion.text,
        "confidence": completion.confidence,
        "model_version": f"{backend.name}:{params.model or backend.default_model}",
        "tokens_used": completion.tokens_used,
    }
    if settings.LLM_CACHE_SECONDS:
        client.set(key, json.dumps(result), ex=settings.LLM_CACHE_SECONDS)
    return {**result, "cached": False}
